import {
  ConfigurationError,
  type Handler,
  type Middleware,
  type TransportRequest,
  withHeader,
} from '@stretch/transport'

/**
 * The credentials of {@link basicAuth}: an object, or a `[username, password]` pair as in the seed examples.
 * @public
 */
export type BasicAuthOptions =
  | {
      /** The user name. Must not be empty or contain `:` (RFC 7617 section 2). */
      readonly username: string
      /** The password. Must not be empty. */
      readonly password: string
    }
  | readonly [username: string, password: string]

// CR, LF and NUL could split the request or truncate the header on some stacks; they never belong in credentials.
const kForbidden = /[\r\n\0]/

function check(option: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new ConfigurationError(`${option}: must be a string (got ${value === null ? 'null' : typeof value})`)
  }
  if (value === '') throw new ConfigurationError(`${option}: must not be empty`)
  if (kForbidden.test(value)) {
    throw new ConfigurationError(
      `${option}: contains CR, LF or NUL; remove them (a trailing newline from a file or env var?)`,
    )
  }
  return value
}

/**
 * Sends HTTP Basic credentials: `authorization: Basic base64(username:password)`, UTF-8 encoded (RFC 7617).
 *
 * The header is set on every attempt, so retries on another node and sniff requests are authenticated. A request
 * that already carries `authorization` (a per-request override) is left alone. Nothing is registered globally and
 * the credentials are kept only inside the returned closure: they never appear in errors, events or `util.inspect`.
 *
 * @param options - `{ username, password }` or `[username, password]`.
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
  let rawUser: unknown
  let rawPassword: unknown
  if (Array.isArray(options)) {
    if (options.length !== 2) {
      throw new ConfigurationError(`basicAuth: give [username, password] (got an array of ${options.length})`)
    }
    ;[rawUser, rawPassword] = options as readonly unknown[]
  } else if (options !== null && typeof options === 'object') {
    rawUser = (options as { username?: unknown }).username
    rawPassword = (options as { password?: unknown }).password
  } else {
    throw new ConfigurationError('basicAuth: give { username, password } or [username, password]')
  }
  const username = check('basicAuth.username', rawUser)
  const password = check('basicAuth.password', rawPassword)
  if (username.includes(':')) {
    // RFC 7617: the user-id ends at the first colon, so the server would split it wrongly.
    throw new ConfigurationError('basicAuth.username: must not contain `:` (HTTP Basic splits user and password there)')
  }
  const value = `Basic ${base64Utf8(`${username}:${password}`)}`
  return function basicAuthMiddleware(next: Handler): Handler {
    return function basicAuthHandler(request: TransportRequest) {
      return next(withHeader(request, 'authorization', value))
    }
  }
}

// Base64 of the UTF-8 bytes with `btoa`, which every runtime has (Buffer is Node's).
function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number)
  return btoa(binary)
}
