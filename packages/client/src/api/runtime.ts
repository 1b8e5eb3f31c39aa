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
 * How the response of an endpoint is decoded: `json` (the default), `bool` (HEAD: true on 2xx, false on 404),
 * `text` (always `text/plain`), `cat` (text unless `format` is given).
 * @internal
 */
export type ResponseKind = 'json' | 'bool' | 'text' | 'cat'

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

// Each url template is split once into literal and placeholder parts: no regex and no closure per request.
const compiledUrls = new WeakMap<EndpointUrl, readonly string[]>()

function partsOf(url: EndpointUrl): readonly string[] {
  let parts = compiledUrls.get(url)
  if (parts === undefined) {
    const out: string[] = []
    let last = 0
    for (const m of url.path.matchAll(kPlaceholder)) {
      out.push(url.path.slice(last, m.index), m[1] as string)
      last = m.index + m[0].length
    }
    out.push(url.path.slice(last))
    parts = out
    compiledUrls.set(url, parts)
  }
  return parts
}

function buildPath(endpoint: Endpoint, params: Params): { path: string; methods: readonly HttpMethod[] } {
  for (const url of endpoint.urls) {
    const parts = partsOf(url)
    let path = parts[0] as string
    let complete = true
    for (let i = 1; i < parts.length; i += 2) {
      const value = params[parts[i] as string]
      if (!given(value)) {
        complete = false
        break
      }
      path += encodePart(value) + (parts[i + 1] as string)
    }
    if (complete) return { path, methods: url.methods }
  }
  // Only reached when every url needs a part that is not required by the specification (none does today).
  const last = endpoint.urls[endpoint.urls.length - 1] as EndpointUrl
  const needed = [...last.path.matchAll(kPlaceholder)].map((m) => m[1] as string).filter((n) => !given(params[n]))
  throw missing(endpoint, needed)
}

/**
 * Turns one request object into the transport's request: checks required parameters, places each parameter in the
 * path, the query string or the body, and picks the url variant and method. A POST to a url that also allows GET is
 * marked `readOnly` (the transport may resend it after a possible delivery); writes never are.
 * @internal
 */
export function buildRequest(endpoint: Endpoint, params: Params | undefined, describe = false): TransportRequestParams {
  const p: Params = params ?? {}
  if (endpoint.required.length > 0) {
    const userBody = p['body']
    const absent = endpoint.required.filter((name) => {
      if (given(p[name])) return false
      if (name === endpoint.value) return !given(userBody)
      const inBody = endpoint.body?.includes(name) === true && typeof userBody === 'object' && userBody !== null
      return !(inBody && given((userBody as Params)[name]))
    })
    if (absent.length > 0) throw missing(endpoint, absent)
  }

  const userQuery = p['querystring'] as Record<string, QueryValue> | undefined
  const querystring: Record<string, QueryValue> = userQuery == null ? {} : { ...userQuery }
  const bodyProps = endpoint.body
  let body: unknown
  const userBody = p['body']
  if (given(userBody)) {
    body =
      bodyProps !== undefined && typeof userBody === 'object' && !Array.isArray(userBody)
        ? { ...(userBody as Params) }
        : userBody
  }

  for (const key of Object.keys(p)) {
    if (key === 'body' || key === 'querystring') continue
    const value = p[key]
    if (value === undefined) continue
    if (bodyProps?.includes(key) === true) {
      // `sort: 'field:asc'` is query-string syntax: the official client sends it there.
      // The body exists from here on (so GET/POST endpoints use POST) even when `sort` goes to the query string:
      // the official client does the same, and the same call must send the same request.
      if (body === undefined || typeof body !== 'object' || body === null) body = {}
      if (key === 'sort' && typeof value === 'string' && value.includes(':') && endpoint.query.includes(key)) {
        querystring[key] = value as QueryValue
      } else {
        ;(body as Params)[key] = value
      }
    } else if (key === endpoint.value) {
      body = value
    } else if (endpoint.path.includes(key)) {
      // goes into the path
    } else if (bodyProps !== undefined && !endpoint.query.includes(key) && !commonQuery.includes(key)) {
      // An unknown key of an endpoint with a body is a body property the specification does not know yet.
      if (body === undefined || typeof body !== 'object' || body === null) body = {}
      ;(body as Params)[key] = value
    } else {
      querystring[endpoint.rename?.[key] ?? key] = value as QueryValue
    }
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
  const { path, methods } = buildPath(endpoint, p)
  const method: HttpMethod =
    methods.includes('GET') && methods.includes('POST')
      ? body === undefined
        ? 'GET'
        : 'POST'
      : (methods[0] as HttpMethod)
  const request: { -readonly [K in keyof TransportRequestParams]: TransportRequestParams[K] } = { method, path }
  // An endpoint whose specification allows GET changes nothing: sent as POST because of its body (search, count,
  // msearch, mget, field_caps, ...), it may still be resent after a possible delivery, like the GET it could be.
  if (method !== 'GET' && methods.includes('GET')) request.readOnly = true
  if (Object.keys(querystring).length > 0) request.querystring = querystring
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
 * resolves to the body, or with `meta: true` to the whole result.
 * @internal
 */
export async function callApi(
  transport: Transport,
  endpoint: Endpoint,
  params: object | undefined,
  options: CallOptions | undefined,
): Promise<unknown> {
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
  const result: TransportResult = await transport.request(request, opts)
  if (kind === 'bool') {
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
