import { encodeBase64, type Handler, type Middleware, type TransportRequest, withHeader } from '@stretch/transport'
import { type BasicAuthOptions, checkBasicAuth } from './checks.js'

/**
 * Sends HTTP Basic credentials: `authorization: Basic base64(username:password)`, UTF-8 encoded (RFC 7617).
 *
 * The header is set on every attempt, so retries on another node and sniff requests are authenticated. A request
 * that already carries `authorization` (a per-request override) is left alone. Nothing is registered globally and
 * the credentials are kept only inside the returned closure: they never appear in errors, events or `util.inspect`.
 *
 * @param options - `{ username, password }` or `[username, password]`, checked by {@link checkBasicAuth}.
 * @returns the middleware, for the transport's or client's `auth` option.
 * @throws `ConfigurationError` (naming `basicAuth.username` or `basicAuth.password`, never the value) when a value
 *   is not a string, is empty, contains CR, LF or NUL, or the username contains `:`.
 * @example
 * ```ts
 * import { Transport } from '@stretch/transport'
 * import { undiciConnection } from '@stretch/connection-undici'
 * import { basicAuth } from '@stretch/auth-basic'
 *
 * const transport = new Transport({
 *   nodes: ['https://localhost:9200'],
 *   connection: undiciConnection(),
 *   auth: basicAuth({ username: 'elastic', password: process.env.ELASTIC_PASSWORD ?? '' }),
 * })
 * ```
 * @public
 */
export function basicAuth(options: BasicAuthOptions): Middleware {
  const [username, password] = checkBasicAuth(options)
  const value = `Basic ${encodeBase64(`${username}:${password}`)}`
  return function basicAuthMiddleware(next: Handler): Handler {
    return function basicAuthHandler(request: TransportRequest) {
      return next(withHeader(request, 'authorization', value))
    }
  }
}
