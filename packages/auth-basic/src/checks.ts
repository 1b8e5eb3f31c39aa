// The option checks of basicAuth(), with no middleware: `@stretch/auth-basic/checks`. The client imports them to
// refuse bad credentials in its constructor while it loads the middleware only on the first request. Functions and
// constants only (no class, no module state): a bundle may copy this module (package.json `stretchBuild.inline`).
import { ConfigurationError, checkCredential } from '@stretch/transport'

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

/**
 * Checks the credentials {@link basicAuth} takes, without making the middleware: what `basicAuth(options)` would
 * throw, this throws. Also `@stretch/auth-basic/checks`, a module without the middleware, for code that checks
 * its configuration early and loads the middleware later.
 *
 * @param options - `{ username, password }` or `[username, password]`.
 * @returns the username and the password.
 * @throws `ConfigurationError` (naming `basicAuth.username` or `basicAuth.password`, never the value) when a value
 *   is not a string, is empty, contains CR, LF or NUL, or the username contains `:`.
 * @example
 * ```ts
 * import { checkBasicAuth } from '@stretch/auth-basic/checks'
 *
 * checkBasicAuth(['elastic', process.env.ELASTIC_PASSWORD ?? '']) // throws at startup when the variable is empty
 * ```
 * @public
 */
export function checkBasicAuth(options: BasicAuthOptions): readonly [username: string, password: string] {
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
  const username = checkCredential('basicAuth.username', rawUser)
  const password = checkCredential('basicAuth.password', rawPassword)
  if (username.includes(':')) {
    // RFC 7617: the user-id ends at the first colon, so the server would split it wrongly.
    throw new ConfigurationError('basicAuth.username: must not contain `:` (HTTP Basic splits user and password there)')
  }
  return [username, password]
}
