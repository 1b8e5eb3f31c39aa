// Hand-written: the one function every generated API method calls. The generated files hold only data (one
// `Endpoint` per API) and thin typed methods; the request building lives here, once.
import {
  ConfigurationError,
  DeserializationError,
  type HttpMethod,
  type QueryValue,
  type RequestBody,
  type Transport,
  type TransportRequestParams,
  type TransportResult,
} from '@stretch/transport'
import { checkCallOptionNames } from '../check-option-names.js'
import type { CallOptions } from './types.js'

/**
 * How the response of an endpoint is decoded: `json` (the default), `bool` (HEAD: true on 2xx, false on 404), `ack`
 * (the endpoints that answer without a body: true on 2xx, an error status rejects),
 * `text` (always `text/plain`), `cat` (text unless `format` is given).
 * @internal
 */
export type ResponseKind = 'json' | 'bool' | 'ack' | 'text' | 'cat'

/**
 * One url variant of an endpoint: its path template (`/{index}/_doc/{id}`) and methods, as the specification has
 * them.
 * @internal
 */
export interface EndpointUrl {
  readonly path: string
  readonly methods: readonly HttpMethod[]
}

/**
 * The data of one endpoint, generated from the specification.
 * @internal
 */
export interface Endpoint {
  /** The JavaScript name, such as `indices.putMapping`. */
  readonly api: string
  /** The url variants, most specific (most path parts) first. */
  readonly urls: readonly EndpointUrl[]
  /** The path parts of every url variant. */
  readonly path: readonly string[]
  /** The endpoint's own query parameters (the common ones are accepted everywhere). */
  readonly query: readonly string[]
  /** Query parameters whose name on the wire differs from the JavaScript one (`route_slice` is `_slice`). */
  readonly rename?: Readonly<Record<string, string>>
  /** Body property names (aliases included), when the body is an object of properties. */
  readonly body?: readonly string[]
  /** The parameter that is the whole body (`document`, `operations`, ...), when the body is one value. */
  readonly value?: string
  /** The body is NDJSON: an array of lines, or one string. */
  readonly ndjson?: true
  /** Required parameters: path parts, query parameters, body properties or the whole-value body. */
  readonly required: readonly string[]
  /** How the response is decoded; `json` when absent. */
  readonly response?: ResponseKind
}

const kSpecNames = new Map<string, string>()

/**
 * `indices.putMapping` to `indices.put_mapping`, the specification's name of the endpoint: made once per endpoint
 * (only a `RequestHook` asks for it, once per call). @internal
 */
export function specName(api: string): string {
  let name = kSpecNames.get(api)
  if (name === undefined) {
    name = api.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
    kSpecNames.set(api, name)
  }
  return name
}

const commonQuery: readonly string[] = ['error_trace', 'filter_path', 'human', 'pretty']
const kPlaceholder = /\{(\w+)\}/g

type Params = Record<string, unknown>

function given(value: unknown): boolean {
  return value !== undefined && value !== null
}

function missing(endpoint: Endpoint, names: readonly string[]): ConfigurationError {
  const list = names.map((n) => `\`${n}\``).join(', ')
  const example = names.map((n) => `${n}: ...`).join(', ')
  const plural = names.length > 1
  return new ConfigurationError(
    `${endpoint.api}: the required parameter${plural ? 's' : ''} ${list} ${plural ? 'are' : 'is'} missing; ` +
      `call client.${endpoint.api}({ ${example} })`,
  )
}

function encodePart(value: unknown): string {
  // Lists are joined by commas first, then the whole part is percent-encoded, as the official client does.
  return encodeURIComponent(Array.isArray(value) ? value.join(',') : String(value))
}

// Where a parameter of a request object goes. Known names are looked up in a table built once per endpoint (no
// array scans per key and call); a name the endpoint does not list goes to the body when the endpoint has one, to
// the query string otherwise.
const kBody = 1
const kValue = 2
const kPath = 3
const kQuery = 4
// `sort: 'field:asc'` is query-string syntax on an endpoint that takes `sort` in both places.
const kSortBodyOrQuery = 5
type Placement = typeof kBody | typeof kValue | typeof kPath | typeof kQuery | typeof kSortBodyOrQuery

/** One url variant, split once into literal and placeholder parts, with its method decided ahead. */
interface CompiledUrl {
  /** Literal, placeholder, literal, ..., literal. */
  readonly parts: readonly string[]
  /** The url allows GET and POST: GET without a body, POST with one. */
  readonly getOrPost: boolean
  /** The method otherwise: the first the specification lists. */
  readonly method: HttpMethod
  readonly allowsGet: boolean
  /**
   * Per placeholder (at the index of its name in `parts`), the last string value and its encoding: an application
   * calls an endpoint with the same index name again and again, and encodeURIComponent is a fifth of the path's cost.
   */
  readonly lastValue: (string | undefined)[]
  readonly lastEncoded: string[]
}

/** What buildRequest needs of an endpoint, derived once from its data. */
interface CompiledEndpoint {
  readonly placement: ReadonlyMap<string, Placement>
  /** The query-string name of each query parameter (`route_slice` is `_slice`). */
  readonly wireName: ReadonlyMap<string, string>
  readonly urls: readonly CompiledUrl[]
}

const compiledEndpoints = new WeakMap<Endpoint, CompiledEndpoint>()

function compileUrl(url: EndpointUrl): CompiledUrl {
  const parts: string[] = []
  let last = 0
  for (const m of url.path.matchAll(kPlaceholder)) {
    parts.push(url.path.slice(last, m.index), m[1] as string)
    last = m.index + m[0].length
  }
  parts.push(url.path.slice(last))
  const methods = url.methods
  return {
    parts,
    getOrPost: methods.includes('GET') && methods.includes('POST'),
    method: methods[0] as HttpMethod,
    allowsGet: methods.includes('GET'),
    lastValue: new Array<string | undefined>(parts.length).fill(undefined),
    lastEncoded: new Array<string>(parts.length).fill(''),
  }
}

// The same precedence as the rules it replaces, checked in this order for each key: a body property, the
// whole-value body, a path part, then a query parameter (the endpoint's own or a common one).
function compile(endpoint: Endpoint): CompiledEndpoint {
  let compiled = compiledEndpoints.get(endpoint)
  if (compiled !== undefined) return compiled
  const placement = new Map<string, Placement>()
  const wireName = new Map<string, string>()
  for (const name of [...endpoint.query, ...commonQuery]) {
    placement.set(name, kQuery)
    wireName.set(name, endpoint.rename?.[name] ?? name)
  }
  for (const name of endpoint.path) placement.set(name, kPath)
  if (endpoint.value !== undefined) placement.set(endpoint.value, kValue)
  for (const name of endpoint.body ?? []) {
    placement.set(name, name === 'sort' && endpoint.query.includes('sort') ? kSortBodyOrQuery : kBody)
  }
  compiled = { placement, wireName, urls: endpoint.urls.map(compileUrl) }
  compiledEndpoints.set(endpoint, compiled)
  return compiled
}

function missingRequired(endpoint: Endpoint, p: Params): string[] | undefined {
  let absent: string[] | undefined
  const userBody = p['body']
  for (const name of endpoint.required) {
    if (given(p[name])) continue
    if (name === endpoint.value) {
      if (given(userBody)) continue
    } else if (endpoint.body?.includes(name) === true && typeof userBody === 'object' && userBody !== null) {
      if (given((userBody as Params)[name])) continue
    }
    absent ??= []
    absent.push(name)
  }
  return absent
}

const kNoParams: Params = Object.freeze({})

/**
 * Turns one request object into the transport's request: checks required parameters, places each parameter in the
 * path, the query string or the body, and picks the url variant and method. A POST to a url that also allows GET is
 * marked `readOnly` (the transport may resend it after a possible delivery); writes never are.
 * @internal
 */
export function buildRequest(endpoint: Endpoint, params: Params | undefined, describe = false): TransportRequestParams {
  const p: Params = params ?? kNoParams
  if (endpoint.required.length > 0) {
    const absent = missingRequired(endpoint, p)
    if (absent !== undefined) throw missing(endpoint, absent)
  }
  const compiled = compile(endpoint)

  const userQuery = p['querystring'] as Record<string, QueryValue> | undefined
  // Made only when something goes into it.
  let querystring: Record<string, QueryValue> | undefined = userQuery == null ? undefined : { ...userQuery }
  const bodyProps = endpoint.body
  let body: unknown
  const userBody = p['body']
  if (given(userBody)) {
    body =
      bodyProps !== undefined && typeof userBody === 'object' && !Array.isArray(userBody)
        ? { ...(userBody as Params) }
        : userBody
  }

  for (const key in p) {
    if (key === 'body' || key === 'querystring' || !Object.hasOwn(p, key)) continue
    const value = p[key]
    if (value === undefined) continue
    const place = compiled.placement.get(key) ?? (bodyProps !== undefined ? kBody : kQuery)
    if (place === kBody || place === kSortBodyOrQuery) {
      // The body exists from here on (so GET/POST endpoints use POST) even when `sort` goes to the query string:
      // the official client does the same, and the same call must send the same request.
      if (body === undefined || typeof body !== 'object' || body === null) body = {}
      if (place === kSortBodyOrQuery && typeof value === 'string' && value.includes(':')) {
        querystring ??= {}
        querystring[key] = value as QueryValue
      } else {
        ;(body as Params)[key] = value
      }
    } else if (place === kValue) {
      body = value
    } else if (place === kQuery) {
      querystring ??= {}
      querystring[compiled.wireName.get(key) ?? endpoint.rename?.[key] ?? key] = value as QueryValue
    }
    // kPath: goes into the path
  }

  for (const name of endpoint.path) {
    // An empty part would change the url's meaning (`DELETE /` instead of `DELETE /<index>`): refuse it.
    const value = p[name]
    if (value === '' || (Array.isArray(value) && (value.length === 0 || value.every((v) => v === '')))) {
      throw new ConfigurationError(`${endpoint.api}: the path part \`${name}\` must not be empty`)
    }
  }
  // A null whole-value body (`create_from: null`, as Elastic's own example writes it) is no body at all: the
  // official client's transport skips `body == null`, and sending the text `null` asks Elasticsearch for a parse.
  if (body === null) body = undefined

  // The first url variant whose path parts are all given.
  let path: string | undefined
  let url: CompiledUrl | undefined
  for (const candidate of compiled.urls) {
    const parts = candidate.parts
    let built = parts[0] as string
    let complete = true
    for (let i = 1; i < parts.length; i += 2) {
      const value = p[parts[i] as string]
      if (!given(value)) {
        complete = false
        break
      }
      let encoded: string
      if (typeof value === 'string') {
        if (candidate.lastValue[i] === value) encoded = candidate.lastEncoded[i] as string
        else {
          encoded = encodeURIComponent(value)
          candidate.lastValue[i] = value
          candidate.lastEncoded[i] = encoded
        }
      } else encoded = encodePart(value)
      built += encoded + (parts[i + 1] as string)
    }
    if (complete) {
      path = built
      url = candidate
      break
    }
  }
  if (path === undefined || url === undefined) {
    // Only reached when every url needs a part that is not required by the specification (none does today).
    const last = endpoint.urls[endpoint.urls.length - 1] as EndpointUrl
    const needed = [...last.path.matchAll(kPlaceholder)].map((m) => m[1] as string).filter((n) => !given(p[n]))
    throw missing(endpoint, needed)
  }
  const method: HttpMethod = url.getOrPost ? (body === undefined ? 'GET' : 'POST') : url.method
  const request: { -readonly [K in keyof TransportRequestParams]: TransportRequestParams[K] } = { method, path }
  // An endpoint whose specification allows GET changes nothing: sent as POST because of its body (search, count,
  // msearch, mget, field_caps, ...), it may still be resent after a possible delivery, like the GET it could be.
  if (method !== 'GET' && url.allowsGet) request.readOnly = true
  if (querystring !== undefined && hasKeys(querystring)) request.querystring = querystring
  // For instrumentation only (a RequestHook), so built only when one listens: the specification's name and the
  // path parts as sent.
  if (describe) {
    request.endpoint = specName(endpoint.api)
    const parts: Record<string, string> = {}
    for (const name of endpoint.path) {
      const value = p[name]
      if (given(value)) parts[name] = Array.isArray(value) ? value.join(',') : String(value)
    }
    request.pathParts = parts
  }
  if (body !== undefined) {
    if (endpoint.ndjson === true && (Array.isArray(body) || typeof body === 'string' || body instanceof Uint8Array)) {
      request.ndjson = Array.isArray(body) || body instanceof Uint8Array ? body : [body]
    } else {
      request.body = body as RequestBody
    }
  }
  return request
}

function hasKeys(object: object): boolean {
  for (const _ in object) return true
  return false
}

/**
 * A data table built on its first use: the generated API wraps each namespace's endpoints in one, so that importing
 * the client creates none of the ~600 endpoint objects (a function's cold start pays only for what it calls).
 * @internal
 */
export function lazyTable<T>(build: () => T): () => T {
  let table: T | undefined
  return () => {
    table ??= build()
    return table
  }
}

/**
 * A namespace's endpoint table in a module of its own, loaded on the namespace's first call: the client's main file
 * then holds only the root APIs' table (`info()` loads nothing more), and a cold start neither reads nor compiles the
 * endpoints of namespaces it never calls. Every API call is asynchronous anyway.
 * @internal
 */
export interface EndpointChunk<K extends string> {
  /** The table once loaded. */
  table: Readonly<Record<K, Endpoint>> | undefined
  /** The one import in flight or done (a failed one is forgotten, so the next call tries again). */
  loading: Promise<Readonly<Record<K, Endpoint>>> | undefined
  readonly load: () => Promise<{ readonly endpoints: Readonly<Record<K, Endpoint>> }>
}

/**
 * An {@link EndpointChunk} that imports `load()` on its first use.
 * @internal
 */
export function endpointChunk<K extends string>(
  load: () => Promise<{ readonly endpoints: Readonly<Record<K, Endpoint>> }>,
): EndpointChunk<K> {
  return { table: undefined, loading: undefined, load }
}

/**
 * {@link callApi} with the endpoint `method` of a chunk: straight away once the chunk is loaded, after its import on
 * the first call.
 * @internal
 */
export function callChunk<K extends string>(
  transport: Transport,
  chunk: EndpointChunk<K>,
  method: K,
  params: object | undefined,
  options: CallOptions | undefined,
): Promise<unknown> {
  const table = chunk.table
  if (table !== undefined) return callApi(transport, table[method], params, options)
  chunk.loading ??= chunk.load().then(
    (module) => {
      chunk.table = module.endpoints
      return module.endpoints
    },
    (error: unknown) => {
      chunk.loading = undefined
      throw error
    },
  )
  return chunk.loading.then((loaded) => callApi(transport, loaded[method], params, options))
}

const kTextAccept = 'text/plain'

/**
 * Sends one API call: builds the request, applies the response kind (booleans for HEAD, text for `cat`) and
 * resolves to the body, or with `meta: true` to the whole result. Not `async`: no await per call, and without options
 * only the transport's promise; a bad parameter still rejects the returned promise and never throws.
 * @internal
 */
export function callApi(
  transport: Transport,
  endpoint: Endpoint,
  params: object | undefined,
  options: CallOptions | undefined,
): Promise<unknown> {
  let sent: Promise<TransportResult>
  try {
    if (options !== undefined && options !== null) checkCallOptionNames(options, endpoint.api, endpoint)
    const request = buildRequest(endpoint, params as Params | undefined, transport.requestHook !== undefined)
    const kind = endpoint.response
    let opts: CallOptions | undefined = options
    if (kind === 'bool') {
      opts = { ...options, ignore: [...(options?.ignore ?? []), 404] }
    } else if (kind === 'text' || (kind === 'cat' && !given((params as Params | undefined)?.['format']))) {
      // Ask for the text table; a caller's own `accept` header wins.
      opts = { ...options, headers: { accept: kTextAccept, ...options?.headers } }
    }
    // The common call (no options) resolves through the endpoint's one handler, made once, which the transport
    // applies where it finishes the answer: no closure, no promise and no tick of this call's own.
    if (options === undefined) return transport.requestMapped(request, opts, plainAnswerOf(endpoint))
    sent = transport.request(request, opts)
  } catch (error) {
    return Promise.reject(error)
  }
  return sent.then((result) => answerOf(result, endpoint, options))
}

const kPlainAnswers = new WeakMap<Endpoint, (result: TransportResult) => unknown>()

function plainAnswerOf(endpoint: Endpoint): (result: TransportResult) => unknown {
  let answer = kPlainAnswers.get(endpoint)
  if (answer === undefined) {
    answer = (result) => answerOf(result, endpoint, undefined)
    kPlainAnswers.set(endpoint, answer)
  }
  return answer
}

function answerOf(result: TransportResult, endpoint: Endpoint, options: CallOptions | undefined): unknown {
  const kind = endpoint.response
  if (kind === 'bool' || kind === 'ack') {
    const ok = result.statusCode >= 200 && result.statusCode < 300
    return options?.meta === true ? { ...result, body: ok } : ok
  }
  if (
    (kind === undefined || kind === 'json') &&
    typeof result.body === 'string' &&
    options?.headers?.['accept'] === undefined
  ) {
    // A JSON API answered with text (a proxy's HTML page with the product header passed through): say so rather
    // than resolve to a string the types call an object.
    const type = result.headers['content-type']
    throw new DeserializationError(
      `${endpoint.api}: expected a JSON answer but got ${JSON.stringify(Array.isArray(type) ? type.join(', ') : (type ?? 'no content-type'))} (starts with ${JSON.stringify(result.body.slice(0, 60))})`,
      { meta: { request: result.meta.request, attempts: [] } },
    )
  }
  return options?.meta === true ? result : result.body
}
