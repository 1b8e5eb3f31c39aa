import { ConfigurationError } from './errors.js'

// CR, LF and NUL could split the request or truncate the header on some stacks; they never belong in credentials.
const kForbidden = /[\r\n\0]/

/**
 * Why `value` cannot be a credential (a user name, password, API key or token that goes into a header), or
 * `undefined` when it can: it must be a non-empty string without CR, LF or NUL. The reason never includes the
 * value, so it can go into any error message; it reads after a name (`<name>: <reason>`). For a credential option,
 * {@link checkCredential} throws the `ConfigurationError` itself; this is for a value that is not an option, such
 * as what a token provider returned.
 *
 * @param value - the value to check.
 * @returns the reason, such as `must not be empty`, or `undefined`.
 * @example
 * ```ts
 * const problem = credentialProblem(await provider())
 * if (problem !== undefined) throw new XyzTokenError(`xyzAuth: the token provider's result ${problem}`)
 * ```
 * @public
 */
export function credentialProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string (got ${value === null ? 'null' : typeof value})`
  if (value === '') return 'must not be empty'
  if (kForbidden.test(value)) {
    return 'contains CR, LF or NUL; remove them (a trailing newline from a file or env var?)'
  }
  return undefined
}

/**
 * Checks one credential option of a credential scheme and returns it: a non-empty string without CR, LF or NUL.
 * The checks of `@stretch/auth-basic`, `@stretch/auth-api-key` and `@stretch/auth-bearer` start with it, so a
 * scheme of your own that uses it rejects bad credentials in the same words. Add the rules of your scheme after it.
 *
 * @param option - the option's name as the user wrote it, such as `xyzAuth.secret`; the message starts with it.
 * @param value - the value given.
 * @returns `value`, as a string.
 * @throws `ConfigurationError` `<option>: <reason>` (the reason of {@link credentialProblem}, never the value) when
 *   `value` is not a string, is empty, or contains CR, LF or NUL.
 * @example
 * ```ts
 * const secret = checkCredential('xyzAuth.secret', options.secret)
 * // '' -> ConfigurationError "xyzAuth.secret: must not be empty"
 * ```
 * @public
 */
export function checkCredential(option: string, value: unknown): string {
  const problem = credentialProblem(value)
  if (problem !== undefined) throw new ConfigurationError(`${option}: ${problem}`)
  return value as string
}
