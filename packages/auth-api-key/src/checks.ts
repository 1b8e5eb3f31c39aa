// The option checks of apiKeyAuth(), with no middleware: `@stretch/auth-api-key/checks`. The client imports them to
// refuse a bad key in its constructor while it loads the middleware only on the first request. Functions and
// constants only (no class, no module state): a bundle may copy this module (package.json `stretchBuild.inline`).
import { ConfigurationError, type CredentialRule, checkCredential } from '@stretch/transport'

/**
 * An Elasticsearch API key, in one of the forms the create-API-key API returns:
 * - the `encoded` string (`base64(id:api_key)`), sent as it is;
 * - `{ id, apiKey }` (the `id` and `api_key` fields), or
 * - an `[id, apiKey]` pair; both are sent as `base64(id:apiKey)`.
 * @public
 */
export type ApiKeyAuthOptions =
  | string
  | {
      /** The key's `id`, as returned by the create-API-key API. */
      readonly id: string
      /** The key's secret, the `api_key` field of the create-API-key API's answer. */
      readonly apiKey: string
    }
  | readonly [id: string, apiKey: string]

// The encoded form goes on the wire as it is, as `authorization: ApiKey <encoded>`: one visible-ASCII token, without
// the prefix (the transport's scheme rule).
const kEncoded: CredentialRule = {
  scheme: 'ApiKey',
  hint: 'give the `encoded` value of the create-API-key API, or { id, apiKey }',
}

function checkPair(rawId: unknown, rawKey: unknown): { readonly id: string; readonly apiKey: string } {
  const id = checkCredential('apiKeyAuth.id', rawId)
  const apiKey = checkCredential('apiKeyAuth.apiKey', rawKey)
  if (id.includes(':')) {
    // Elasticsearch splits the decoded credentials at the first colon.
    throw new ConfigurationError(
      'apiKeyAuth.id: must not contain `:`; pass the `id` field of the create-API-key answer',
    )
  }
  return { id, apiKey }
}

/**
 * Checks the key {@link apiKeyAuth} takes, without making the middleware: what `apiKeyAuth(key)` would throw, this
 * throws. Also `@stretch/auth-api-key/checks`, a module without the middleware, for code that checks its
 * configuration early and loads the middleware later.
 *
 * @param key - the `encoded` string of the create-API-key API, or `{ id, apiKey }`, or `[id, apiKey]`.
 * @returns the key in one form: the `encoded` string as given, or the checked `{ id, apiKey }`.
 * @throws `ConfigurationError` (naming `apiKeyAuth.encoded`, `apiKeyAuth.id` or `apiKeyAuth.apiKey`, never the
 *   value) when a value is not a string, is empty, or contains CR, LF or NUL; when the encoded form has spaces,
 *   non-ASCII characters or an `ApiKey ` prefix; when the id contains `:`.
 * @example
 * ```ts
 * import { checkApiKeyAuth } from '@stretch/auth-api-key/checks'
 *
 * checkApiKeyAuth(process.env.ELASTIC_API_KEY ?? '') // throws at startup when the variable is empty
 * ```
 * @public
 */
export function checkApiKeyAuth(key: ApiKeyAuthOptions): string | { readonly id: string; readonly apiKey: string } {
  if (typeof key === 'string') return checkCredential('apiKeyAuth.encoded', key, kEncoded)
  if (Array.isArray(key)) {
    if (key.length !== 2) throw new ConfigurationError(`apiKeyAuth: give [id, apiKey] (got an array of ${key.length})`)
    return checkPair(key[0], key[1])
  }
  if (key !== null && typeof key === 'object') {
    const k = key as { id?: unknown; apiKey?: unknown; api_key?: unknown }
    if (k.apiKey === undefined && k.api_key !== undefined) {
      // The create-API-key answer spells it `api_key`: say so rather than "apiKey must be a string".
      throw new ConfigurationError(
        'apiKeyAuth.apiKey: missing; the option is spelled `apiKey` (the API answers `api_key`), or pass the `encoded` string',
      )
    }
    return checkPair(k.id, k.apiKey)
  }
  throw new ConfigurationError(
    'apiKeyAuth: give the `encoded` string of the create-API-key API, or { id, apiKey }, or [id, apiKey]',
  )
}
