export { apiKeyAuth } from './api-key-auth.js'
export { type ApiKeyAuthOptions, checkApiKeyAuth } from './checks.js'
