export { bearerAuth } from './bearer-auth.js'
export { type BearerAuthOptions, checkBearerAuth, type TokenProvider } from './checks.js'
export { isTokenProviderError, TokenProviderError } from './token-provider-error.js'
