export { type ApiKeyAuthOptions, apiKeyAuth } from './api-key-auth.js'
