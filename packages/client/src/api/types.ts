// Hand-written: the shared types of the generated API (the generator refers to these names).
import type { RequestOptions, TransportResult } from '@stretch/transport'

/**
 * A JSON value as Elasticsearch answers it: the type of every response that is not typed by hand.
 * @public
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject

/**
 * A JSON object as Elasticsearch answers it.
 * @public
 */
export interface JsonObject {
  /** Any property, with a JSON value. */
  [key: string]: JsonValue
}

/**
 * Anything that serializes to JSON: the type of request body properties whose structure this client does not
 * spell out. `object` lets your own interfaces through (an interface has no index signature, so it would not fit
 * {@link JsonObject}).
 * @public
 */
export type JsonInput = string | number | boolean | null | readonly JsonInput[] | object

/**
 * The second argument of every API method: the transport's per-request options (but `asBytes`, which only
 * `client.request()` takes), plus `meta`.
 * @public
 */
export interface CallOptions extends Omit<RequestOptions, 'asBytes'> {
  /** Resolve to `{ body, statusCode, headers, warnings, meta }` instead of the body alone. */
  readonly meta?: boolean | undefined
}

/**
 * {@link CallOptions} without `meta: true`: the call resolves to the body.
 * @public
 */
export interface BodyCallOptions extends CallOptions {
  /** Leave unset (or `false`) to resolve to the body. */
  readonly meta?: false | undefined
}

/**
 * {@link CallOptions} with `meta: true`: the call resolves to an {@link ApiResponse}.
 * @public
 */
export interface MetaCallOptions extends CallOptions {
  /** Resolve to the whole response. */
  readonly meta: true
}

/**
 * What a call with `{ meta: true }` resolves to: the body plus status, headers, warnings and transport metadata.
 * @public
 */
export type ApiResponse<TBody> = TransportResult<TBody>

/**
 * The escape hatches every request object has, for anything the specification lacks.
 * @public
 */
export interface RequestBase {
  /** Extra query-string parameters, merged in (the named parameters win). */
  querystring?: Readonly<
    Record<string, string | number | boolean | readonly (string | number | boolean)[] | null | undefined>
  >
  /** A body to send; named body properties are merged into it (they win). A string is sent as it is. */
  body?: JsonInput
  /** When set to true Elasticsearch will include the full stack trace of errors when they occur. */
  error_trace?: boolean | 'true' | 'false'
  /** Comma-separated list of filters in dot notation which reduce the response returned by Elasticsearch. */
  filter_path?: string | string[]
  /** When set to true will return statistics in a format suitable for humans (for example `"exists_time": "1h"`). */
  human?: boolean | 'true' | 'false'
  /** If set to true the returned JSON will be "pretty-formatted". Only use this option for debugging only. */
  pretty?: boolean | 'true' | 'false'
}

/**
 * The query parameters every `cat` API shares.
 * @public
 */
export interface CatRequestBase extends RequestBase {
  /**
   * The format of the columnar data: `text` (the default), `json`, `cbor`, `yaml` or `smile`. Without it the call
   * resolves to the text table as a string.
   */
  format?: string
  /** When set to true will output available columns. Cannot be combined with any other query string option. */
  help?: boolean | 'true' | 'false'
  /** When set to true will enable verbose output (a header row). */
  v?: boolean | 'true' | 'false'
  /** The units of byte-size columns. */
  bytes?: 'b' | 'kb' | 'mb' | 'gb' | 'tb' | 'pb'
  /** The units of time-duration columns. */
  time?: 'nanos' | 'micros' | 'ms' | 's' | 'm' | 'h' | 'd'
}

/**
 * A `cat` request that asks for JSON: the call resolves to the rows rather than the text table. (`yaml` comes back
 * as text; `cbor` and `smile` as bytes, which the types do not follow.)
 * @public
 */
export interface CatFormatted {
  /** `json`. */
  format: 'json'
}
