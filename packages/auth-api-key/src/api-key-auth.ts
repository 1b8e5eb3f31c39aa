import {
  ConfigurationError,
  type Handler,
  type Middleware,
  type TransportRequest,
  withHeader,
} from '@stretch/transport'

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

// CR, LF and NUL could split the request; the encoded form goes on the wire as it is, so it must also be a
// single visible-ASCII token (no spaces: the header value is "ApiKey <token>").
const kForbidden = /[\r\n\0]/
const kToken = /^[\x21-\x7e]+$/

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

function encodedValue(raw: unknown): string {
  const encoded = check('apiKeyAuth.encoded', raw)
  if (/^apikey\s/i.test(encoded)) {
    throw new ConfigurationError("apiKeyAuth.encoded: drop the 'ApiKey ' prefix; the middleware adds it")
  }
  if (!kToken.test(encoded)) {
    throw new ConfigurationError(
      'apiKeyAuth.encoded: must be the `encoded` value of the create-API-key API (visible ASCII, no spaces); ' +
        'or pass { id, apiKey }',
    )
  }
  return encoded
}

function pairValue(rawId: unknown, rawKey: unknown): string {
  const id = check('apiKeyAuth.id', rawId)
  const apiKey = check('apiKeyAuth.apiKey', rawKey)
  if (id.includes(':')) {
    // Elasticsearch splits the decoded credentials at the first colon.
    throw new ConfigurationError(
      'apiKeyAuth.id: must not contain `:`; pass the `id` field of the create-API-key answer',
    )
  }
  return base64Utf8(`${id}:${apiKey}`)
}

/**
 * Sends an Elasticsearch API key: `authorization: ApiKey <encoded>`.
 *
 * The header is set on every attempt, so retries on another node and sniff requests are authenticated. A request
 * that already carries `authorization` (a per-request override) is left alone. Nothing is registered globally and
 * the key is kept only inside the returned closure: it never appears in errors, events or `util.inspect`.
 *
 * @param key - the `encoded` string of the create-API-key API, or `{ id, apiKey }`, or `[id, apiKey]`.
 * @returns the middleware, for the transport's or client's `auth` option.
 * @throws `ConfigurationError` (naming `apiKeyAuth.encoded`, `apiKeyAuth.id` or `apiKeyAuth.apiKey`, never the
 *   value) when a value is not a string, is empty, or contains CR, LF or NUL; when the encoded form has spaces or
 *   an `ApiKey ` prefix; when the id contains `:`.
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
  let encoded: string
  if (typeof key === 'string') {
    encoded = encodedValue(key)
  } else if (Array.isArray(key)) {
    if (key.length !== 2) throw new ConfigurationError(`apiKeyAuth: give [id, apiKey] (got an array of ${key.length})`)
    encoded = pairValue(key[0], key[1])
  } else if (key !== null && typeof key === 'object') {
    const k = key as { id?: unknown; apiKey?: unknown; api_key?: unknown }
    if (k.apiKey === undefined && k.api_key !== undefined) {
      // The create-API-key answer spells it `api_key`: say so rather than "apiKey must be a string".
      throw new ConfigurationError(
        'apiKeyAuth.apiKey: missing; the option is spelled `apiKey` (the API answers `api_key`), or pass the `encoded` string',
      )
    }
    encoded = pairValue(k.id, k.apiKey)
  } else {
    throw new ConfigurationError(
      'apiKeyAuth: give the `encoded` string of the create-API-key API, or { id, apiKey }, or [id, apiKey]',
    )
  }
  const value = `ApiKey ${encoded}`
  return function apiKeyAuthMiddleware(next: Handler): Handler {
    return function apiKeyAuthHandler(request: TransportRequest) {
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
