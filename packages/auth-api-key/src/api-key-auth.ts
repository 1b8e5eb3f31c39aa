import { encodeBase64, type Handler, type Middleware, type TransportRequest, withHeader } from '@stretch/transport'
import { type ApiKeyAuthOptions, checkApiKeyAuth } from './checks.js'

/**
 * Sends an Elasticsearch API key: `authorization: ApiKey <encoded>`.
 *
 * The header is set on every attempt, so retries on another node and sniff requests are authenticated. A request
 * that already carries `authorization` (a per-request override) is left alone. Nothing is registered globally and
 * the key is kept only inside the returned closure: it never appears in errors, events or `util.inspect`.
 *
 * @param key - the `encoded` string of the create-API-key API, or `{ id, apiKey }`, or `[id, apiKey]`; checked by
 *   {@link checkApiKeyAuth}.
 * @returns the middleware, for the transport's or client's `auth` option.
 * @throws `ConfigurationError` (naming `apiKeyAuth.encoded`, `apiKeyAuth.id` or `apiKeyAuth.apiKey`, never the
 *   value) when a value is not a string, is empty, or contains CR, LF or NUL; when the encoded form has spaces,
 *   non-ASCII characters or an `ApiKey ` prefix; when the id contains `:`.
 * @example
 * ```ts
 * import { Transport } from '@stretch/transport'
 * import { undiciConnection } from '@stretch/connection-undici'
 * import { apiKeyAuth } from '@stretch/auth-api-key'
 *
 * const transport = new Transport({
 *   nodes: ['https://localhost:9200'],
 *   connection: undiciConnection(),
 *   auth: apiKeyAuth(process.env.ELASTIC_API_KEY ?? ''),
 * })
 * ```
 * @public
 */
export function apiKeyAuth(key: ApiKeyAuthOptions): Middleware {
  const checked = checkApiKeyAuth(key)
  const encoded = typeof checked === 'string' ? checked : encodeBase64(`${checked.id}:${checked.apiKey}`)
  const value = `ApiKey ${encoded}`
  return function apiKeyAuthMiddleware(next: Handler): Handler {
    return function apiKeyAuthHandler(request: TransportRequest) {
      return next(withHeader(request, 'authorization', value))
    }
  }
}
