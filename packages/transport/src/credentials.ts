import { ConfigurationError } from './errors.js'

// CR, LF and NUL could split the request or truncate the header on some stacks; they never belong in credentials.
const kForbidden = /[\r\n\0]/
// The value after a scheme name (`authorization: Bearer <value>`) is one token: RFC 6750 section 2.1 allows only
// b64token characters and Elasticsearch's API keys are base64; we accept any visible ASCII (some issuers use more)
// but never a space, which would end the value, nor a control character.
const kToken = /^[\x21-\x7e]+$/

/**
 * The rules of a credential scheme that {@link checkCredential} and {@link credentialProblem} check after the
 * ones every credential has.
 * @public
 */
export interface CredentialRule {
  /**
   * The scheme name the middleware writes before the value, such as `Bearer` or `ApiKey`. The value is then sent as
   * `authorization: <scheme> <value>`, so it must be one token of visible ASCII (no space, control or non-ASCII
   * character), and must not start with `<scheme> ` itself (compared without regard to case, as HTTP compares
   * scheme names): that is the whole header value pasted where the token alone belongs.
   */
  readonly scheme?: string | undefined
  /**
   * What to give instead, added to the reason when the value is not one token, such as
   * `give the encoded value of the create-API-key API`. Only with `scheme`.
   */
  readonly hint?: string | undefined
}

/**
 * Why `value` cannot be a credential (a user name, password, API key or token that goes into a header), or
 * `undefined` when it can: it must be a non-empty string without CR, LF or NUL, and with `rule.scheme`, one
 * visible-ASCII token that does not start with the scheme's name. The reason never includes the value, so it can
 * go into any error message; it reads after a name (`<name>: <reason>`). For a credential option,
 * {@link checkCredential} throws the `ConfigurationError` itself; this is for a value that is not an option, such
 * as what a token provider returned.
 *
 * @param value - the value to check.
 * @param rule - the scheme the value is sent with, if it is sent as `<scheme> <value>`; see {@link CredentialRule}.
 * @returns the reason, such as `must not be empty`, or `undefined`.
 * @example
 * ```ts
 * const problem = credentialProblem(await provider(), { scheme: 'Xyz' })
 * if (problem !== undefined) throw new XyzTokenError(`xyzAuth: the token provider's result ${problem}`)
 * // 'Xyz abc' -> "xyzAuth: the token provider's result starts with 'Xyz '; drop the prefix, the middleware adds it"
 * ```
 * @public
 */
export function credentialProblem(value: unknown, rule: CredentialRule = {}): string | undefined {
  if (typeof value !== 'string') return `must be a string (got ${value === null ? 'null' : typeof value})`
  if (value === '') return 'must not be empty'
  if (kForbidden.test(value)) {
    return 'contains CR, LF or NUL; remove them (a trailing newline from a file or env var?)'
  }
  const { scheme } = rule
  if (scheme === undefined) return undefined
  if (
    value.length > scheme.length &&
    value.slice(0, scheme.length).toLowerCase() === scheme.toLowerCase() &&
    /\s/.test(value.charAt(scheme.length))
  ) {
    return `starts with '${scheme} '; drop the prefix, the middleware adds it`
  }
  if (!kToken.test(value)) {
    const hint = rule.hint === undefined ? '' : `; ${rule.hint}`
    return `contains spaces or non-ASCII characters; the value after '${scheme} ' must be visible ASCII without spaces${hint}`
  }
  return undefined
}

/**
 * Checks one credential option of a credential scheme and returns it: a non-empty string without CR, LF or NUL,
 * and with `rule.scheme`, one visible-ASCII token that does not start with the scheme's name. The checks of
 * `@stretch/auth-basic`, `@stretch/auth-api-key` and `@stretch/auth-bearer` start with it, so a scheme of your own
 * that uses it rejects bad credentials in the same words. Add the rules of your scheme after it.
 *
 * @param option - the option's name as the user wrote it, such as `xyzAuth.secret`; the message starts with it.
 * @param value - the value given.
 * @param rule - the scheme the value is sent with, if it is sent as `<scheme> <value>`; see {@link CredentialRule}.
 * @returns `value`, as a string.
 * @throws `ConfigurationError` `<option>: <reason>` (the reason of {@link credentialProblem}, never the value) when
 *   `value` is not a string, is empty, or contains CR, LF or NUL; with `rule.scheme`, also when it starts with
 *   `<scheme> ` or is not one token of visible ASCII.
 * @example
 * ```ts
 * const secret = checkCredential('xyzAuth.secret', options.secret)
 * // '' -> ConfigurationError "xyzAuth.secret: must not be empty"
 * const token = checkCredential('xyzAuth.token', options.token, { scheme: 'Xyz' })
 * // 'a b' -> ConfigurationError "xyzAuth.token: contains spaces or non-ASCII characters; the value after 'Xyz '
 * //          must be visible ASCII without spaces"
 * ```
 * @public
 */
export function checkCredential(option: string, value: unknown, rule?: CredentialRule): string {
  const problem = credentialProblem(value, rule)
  if (problem !== undefined) throw new ConfigurationError(`${option}: ${problem}`)
  return value as string
}

/**
 * The base64 (RFC 4648 section 4, padded) of a string's UTF-8 bytes: `base64(user:password)` for HTTP Basic
 * (RFC 7617 section 2, with `charset="UTF-8"`), `base64(id:api_key)` for an Elasticsearch API key. The same on
 * every runtime: it uses `TextEncoder` and `btoa`, not Node's `Buffer`, so a scheme built on it runs on workerd,
 * Deno, Bun and in browsers too.
 *
 * @param text - the text to encode.
 * @returns its UTF-8 bytes in base64.
 * @example
 * ```ts
 * `Basic ${encodeBase64('élastic:pässword')}` // 'Basic w6lsYXN0aWM6cMOkc3N3b3Jk'
 * ```
 * @public
 */
export function encodeBase64(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number)
  return btoa(binary)
}
