export { type BearerAuthOptions, bearerAuth, type TokenProvider } from './bearer-auth.js'
export { isTokenProviderError, TokenProviderError } from './token-provider-error.js'
