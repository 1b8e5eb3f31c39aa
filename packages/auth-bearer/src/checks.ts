// The option checks of bearerAuth(), with no middleware: `@stretch/auth-bearer/checks`. The client imports them to
// refuse a bad token in its constructor while it loads the middleware only on the first request. Functions and
// constants only (no class, no module state): a bundle may copy this module (package.json `stretchBuild.inline`).
import { ConfigurationError, type CredentialRule, checkCredential } from '@stretch/transport'

/**
 * Fetches a bearer token: a service-account token from a secret store, or a short-lived token from the
 * Elasticsearch token API (`POST /_security/oauth2/token`). Resolves to the token alone, without `Bearer `.
 * @public
 */
export type TokenProvider = () => Promise<string>

/**
 * The argument of {@link bearerAuth}: a token, or a {@link TokenProvider}.
 * @public
 */
export type BearerAuthOptions = string | TokenProvider

/**
 * The transport's rule for a token sent as `authorization: Bearer <token>`: one visible-ASCII token (RFC 6750
 * section 2.1 allows only b64token characters; some issuers use more), without the `Bearer ` prefix.
 * @internal
 */
export const kBearer: CredentialRule = { scheme: 'Bearer' }

/**
 * Checks the argument of {@link bearerAuth}, without making the middleware: what `bearerAuth(token)` would throw,
 * this throws. A {@link TokenProvider} is not called (its tokens are checked when the middleware fetches them).
 * Also `@stretch/auth-bearer/checks`, a module without the middleware, for code that checks its configuration
 * early and loads the middleware later.
 *
 * @param token - the token (without `Bearer `), or a function resolving to one.
 * @throws `ConfigurationError` naming `bearerAuth.token` (never the value) when the token is not a string or
 *   function, is empty, starts with `Bearer `, or contains spaces, CR, LF, NUL or non-ASCII characters.
 * @example
 * ```ts
 * import { checkBearerAuth } from '@stretch/auth-bearer/checks'
 *
 * checkBearerAuth(process.env.ELASTIC_TOKEN ?? '') // throws at startup when the variable is empty
 * ```
 * @public
 */
export function checkBearerAuth(token: BearerAuthOptions): void {
  if (typeof token === 'string') {
    checkCredential('bearerAuth.token', token, kBearer)
    return
  }
  if (typeof token !== 'function') {
    throw new ConfigurationError(
      `bearerAuth.token: must be a string or a function returning a Promise of one (got ${token === null ? 'null' : typeof token})`,
    )
  }
}
