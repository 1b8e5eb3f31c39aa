import {
  type Attributes,
  type Context,
  context,
  createNoopMeter,
  type Histogram,
  INVALID_SPAN_CONTEXT,
  type MeterProvider,
  metrics,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api'
import {
  type AttemptEnd,
  type AttemptObserver,
  type AttemptStart,
  ConfigurationError,
  checkNumber,
  type HookedRequest,
  type InternalRequest,
  isResponseError,
  isTransportError,
  type Middleware,
  type NodeInfo,
  type NumberRule,
  nearestName,
  type QueryValue,
  type RequestHook,
  type ResponseHeaders,
  type TransportRequest,
  type TransportResult,
  withHeader,
} from '@stretch/transport'
import { version } from './version.js'

/**
 * Options of {@link openTelemetry}.
 * @public
 */
export interface OpenTelemetryOptions {
  /** Where spans go. Default: the global tracer provider (`trace.setGlobalTracerProvider`, done by every SDK setup). */
  readonly tracerProvider?: TracerProvider | undefined
  /** Where the duration histogram goes. Default: the global meter provider. */
  readonly meterProvider?: MeterProvider | undefined
  /**
   * Send the active trace to Elasticsearch as W3C `traceparent` (and `tracestate`) headers, so that its own spans
   * join the trace. A header the caller set wins. Default true.
   */
  readonly propagateContext?: boolean | undefined
  /**
   * Record the request body of search-like endpoints (`search`, `msearch`, `count`, `esql.query`, ...) as
   * `db.query.text`, cut at {@link OpenTelemetryOptions.maxQueryTextLength}. A query may hold personal data: off by
   * default.
   */
  readonly captureQueryText?: boolean | undefined
  /** The longest `db.query.text`, in UTF-16 code units. Default 2048. */
  readonly maxQueryTextLength?: number | undefined
  /** Record the `db.client.operation.duration` histogram. Default true. */
  readonly metrics?: boolean | undefined
}

/**
 * What {@link openTelemetry} returns: spread it into the options of `new Client()` (or of `new Transport()`).
 * It is a plain transport contract, so a third-party instrumentation can return the same shape.
 * @public
 */
export interface OpenTelemetryInstrumentation {
  /**
   * Wraps each API call in one span and records its duration; node discovery gets an INTERNAL span. Its
   * `middleware` runs on every attempt, outside the client's `middleware` option (which adds to it, never replaces
   * it): it writes `traceparent` and captures `db.query.text` when asked.
   */
  readonly requestHook: RequestHook
}

const kOptions: readonly (keyof OpenTelemetryOptions)[] = [
  'tracerProvider',
  'meterProvider',
  'propagateContext',
  'captureQueryText',
  'maxQueryTextLength',
  'metrics',
]

const kScope = '@stretch/otel'
const kDefaultMaxQueryText = 2048
// The buckets the database semantic conventions advise for db.client.operation.duration (seconds).
const kBuckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10]

// The endpoints whose body is a query (not documents): only these may give db.query.text.
const kQueryEndpoints: ReadonlySet<string> = new Set([
  'async_search.submit',
  'count',
  'eql.search',
  'esql.async_query',
  'esql.query',
  'fleet.msearch',
  'fleet.search',
  'knn_search',
  'msearch',
  'msearch_template',
  'render_search_template',
  'rollup.rollup_search',
  'search',
  'search_mvt',
  'search_template',
  'sql.query',
  'terms_enum',
])

// Query-string keys whose value may be a credential: their value becomes REDACTED in url.full.
const kSecretQueryKey = /pass|secret|token|key|auth|sig|credential|session/i

/** What the plugin shares between its hook and its middleware. */
interface Shared {
  readonly withMetrics: boolean
  readonly meterProvider: MeterProvider | undefined
  histogram: Histogram | undefined
  /** The meter provider the histogram came from (the global one may be set after the first call). */
  histogramProvider: MeterProvider | undefined
  /** The histogram records into the API's no-op meter: no duration to measure, no attributes to build. */
  histogramIsNoop: boolean
  // The call whose attempt was just announced: the transport calls the middleware right after attemptStart, with
  // no await between, so this finds the call when no context manager carries the span.
  announced: Call | undefined
}

/** One API call or internal request: its span, and the observer of its attempts (one object, no closures). */
class Call implements AttemptObserver {
  readonly span: Span
  readonly request: HookedRequest
  readonly recording: boolean
  readonly shared: Shared
  /** performance.now() at the start when the histogram records; NaN otherwise (no-op meter, internal request). */
  readonly started: number
  /** The attempt announced by attemptStart whose middleware call has not come yet. */
  pending = 0
  node: NodeInfo | undefined = undefined
  statusCode: number | undefined = undefined

  constructor(span: Span, request: HookedRequest, shared: Shared, measured: boolean) {
    this.span = span
    this.request = request
    this.recording = span.isRecording()
    this.shared = shared
    this.started = measured && shared.withMetrics && !histogramIsNoop(shared) ? performance.now() : Number.NaN
  }

  attemptStart(event: AttemptStart): void {
    this.pending = event.attempt
    this.shared.announced = this
  }

  attemptEnd(event: AttemptEnd): void {
    this.node = event.node
    this.statusCode = event.statusCode
    if (this.recording) this.span.addEvent('elasticsearch.attempt', attemptAttributes(event))
  }

  finish(result: TransportResult<unknown> | undefined, error: unknown): void {
    const node = result === undefined ? this.node : result.meta.node
    const responseError = result === undefined && isResponseError(error) ? error : undefined
    const statusCode = result === undefined ? (responseError?.statusCode ?? this.statusCode) : result.statusCode
    const headers = result === undefined ? responseError?.headers : result.headers
    const cluster = headers === undefined ? undefined : first(headers['x-found-handling-cluster'])
    const errorType = result === undefined ? errorTypeOf(error) : undefined
    const status = statusCode === undefined ? undefined : statusText(statusCode)
    const where = node === undefined ? undefined : nodeEntry(node.url)
    if (this.recording) {
      const span = this.span
      if (where !== undefined) {
        span.setAttribute('server.address', where.address)
        span.setAttribute('server.port', where.port)
        if (node?.name !== undefined) span.setAttribute('db.elasticsearch.node.name', node.name)
        const query = this.request.querystring
        span.setAttribute('url.full', where.base + this.request.path + (query === undefined ? '' : queryOf(query)))
      }
      if (status !== undefined) span.setAttribute('db.response.status_code', status)
      if (cluster !== undefined) span.setAttribute('db.namespace', cluster)
      const instance = headers === undefined ? undefined : first(headers['x-found-handling-instance'])
      if (instance !== undefined) span.setAttribute('db.elasticsearch.node.name', instance)
      if (errorType !== undefined) {
        span.setAttribute('error.type', errorType)
        // The status message is the error type only: an error message may quote a server's answer.
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorType })
      }
      span.end()
    }
    if (!Number.isNaN(this.started)) {
      const metric: Attributes = { 'db.system.name': 'elasticsearch' }
      if (this.request.endpoint !== undefined) metric['db.operation.name'] = this.request.endpoint
      if (cluster !== undefined) metric['db.namespace'] = cluster
      if (where !== undefined) {
        metric['server.address'] = where.address
        metric['server.port'] = where.port
      }
      if (status !== undefined) metric['db.response.status_code'] = status
      if (errorType !== undefined) metric['error.type'] = errorType
      ;(this.shared.histogram as Histogram).record((performance.now() - this.started) / 1000, metric)
    }
  }
}

// The key under which the API keeps a context's span. The API makes it with Symbol.for, but only trace.setSpan
// says so: a context that records the key it is given finds it, once, through the public API. Undefined if an API
// ever sets the span otherwise: the calls then run in trace.setSpan's context.
const kSpanKey: symbol | undefined = (() => {
  let key: symbol | undefined
  const recorder: Context = {
    getValue: () => undefined,
    setValue(k) {
      key ??= k
      return recorder
    },
    deleteValue: () => recorder,
  }
  const probe = trace.wrapSpanContext(INVALID_SPAN_CONTEXT)
  trace.setSpan(recorder, probe)
  // The key must be the one trace.getSpan reads.
  const check: Context = {
    getValue: (k) => (k === key ? probe : undefined),
    setValue: () => check,
    deleteValue: () => check,
  }
  return trace.getSpan(check) === probe ? key : undefined
})()

/**
 * The context a call runs in: its parent with the call's span, in one small object. trace.setSpan would copy the
 * parent's map and make three closures per call; this reads the span from a field and asks the parent for the rest.
 * A nested instrumentation (undici, http) that sets a value of its own gets the parent's copy with the span in it,
 * so its spans are children of the call's.
 */
class CallContext implements Context {
  readonly parent: Context
  // Only the span: a resource made during the call (a pooled socket, a timer) keeps this context alive.
  readonly span: Span
  constructor(parent: Context, span: Span) {
    this.parent = parent
    this.span = span
  }

  getValue(key: symbol): unknown {
    return key === kSpanKey ? this.span : this.parent.getValue(key)
  }

  setValue(key: symbol, value: unknown): Context {
    return this.parent.setValue(kSpanKey as symbol, this.span).setValue(key, value)
  }

  deleteValue(key: symbol): Context {
    return this.parent.setValue(kSpanKey as symbol, this.span).deleteValue(key)
  }
}

// The global meter API has no proxy: a meter taken before the SDK is set up would stay a no-op. So the histogram
// is taken on the first call, and again whenever the provider it came from is no longer the one in place.
function histogramIsNoop(shared: Shared): boolean {
  const provider = shared.meterProvider ?? metrics.getMeterProvider()
  if (provider !== shared.histogramProvider) {
    const histogram = provider.getMeter(kScope, version).createHistogram('db.client.operation.duration', {
      description: 'Duration of Elasticsearch client operations (one per API call, retries included).',
      unit: 's',
      advice: { explicitBucketBoundaries: kBuckets },
    })
    shared.histogram = histogram
    shared.histogramProvider = provider
    shared.histogramIsNoop = histogram.constructor === kNoopHistogram
  }
  return shared.histogramIsNoop
}

// The class of the API's no-op histogram, what a meter provider that is not set up hands out: recording into it
// is skipped, with the clock reads and the attributes it would need.
const kNoopHistogram = createNoopMeter().createHistogram('noop').constructor

// `db.elasticsearch.path_parts.<name>`, built once per part name (the specification has a few dozen).
const kPartKeys = new Map<string, string>()

function partKey(name: string): string {
  let key = kPartKeys.get(name)
  if (key === undefined) {
    key = `db.elasticsearch.path_parts.${name}`
    if (kPartKeys.size < 256) kPartKeys.set(name, key)
  }
  return key
}

// How a span starts (its kind and the attributes a sampler may look at), frozen: per endpoint for the application's
// own calls (checked against the method: an endpoint is usually called with one), and per kind, method, endpoint and
// origin or purpose for the rest. The path parts are set on the span after it starts: a start attribute costs the
// SDK three copies, a later one one.
const kStartByEndpoint = new Map<string, SpanOptions>()
const kStartOptions = new Map<string, SpanOptions>()

// `internal` is the purpose of the transport's own request, or the origin of a call made for the application by
// other code (a helper); undefined for the application's own calls.
function startOptions(kind: SpanKind, request: HookedRequest, internal: string | undefined): SpanOptions {
  const endpoint = request.endpoint
  const method = request.method
  const mine = internal === undefined && endpoint !== undefined && kind === SpanKind.CLIENT
  if (mine) {
    const cached = kStartByEndpoint.get(endpoint)
    if (cached !== undefined && cached.attributes?.['http.request.method'] === method) return cached
  }
  const call = endpoint === undefined ? method : `${method} ${endpoint}`
  const id = `${kind} ${internal === undefined ? call : `${call} (${internal})`}`
  let options = kStartOptions.get(id)
  if (options === undefined) {
    const attributes: Attributes = { 'db.system.name': 'elasticsearch', 'http.request.method': method }
    if (endpoint !== undefined) attributes['db.operation.name'] = endpoint
    if (internal !== undefined) attributes['elasticsearch.internal'] = internal
    options = Object.freeze({ kind, attributes: Object.freeze(attributes) })
    // Bounded by the API's endpoints (about 600) times their methods.
    if (kStartOptions.size < 4096) kStartOptions.set(id, options)
  }
  if (mine && kStartByEndpoint.size < 4096) kStartByEndpoint.set(endpoint, options)
  return options
}

// A span as it starts: named, with its kind and start attributes, then its path parts.
function startCall(
  tracer: Tracer,
  name: string,
  kind: SpanKind,
  request: HookedRequest,
  internal: string | undefined,
  parent: Context,
): Span {
  const span = tracer.startSpan(name, startOptions(kind, request, internal), parent)
  const parts = request.pathParts
  if (parts !== undefined) for (const part in parts) span.setAttribute(partKey(part), parts[part] as string)
  return span
}

/**
 * OpenTelemetry for a Stretch client: one CLIENT span per API call (named by the endpoint, such as `search` or
 * `indices.create`, with the semantic conventions for Elasticsearch), one `elasticsearch.attempt` event per attempt
 * (node, status or error, backoff), the W3C `traceparent` sent to Elasticsearch, and the
 * `db.client.operation.duration` histogram. Node discovery (sniffing) gets an INTERNAL span. It needs an
 * OpenTelemetry SDK set up by the application, with a context manager for the parent/child relations (every Node
 * SDK setup registers one). The client's own `middleware` option adds to the plugin's, never replaces it.
 *
 * @param options - providers, propagation, query capture; see {@link OpenTelemetryOptions}.
 * @returns a `requestHook` (with its per-attempt middleware), for the client's options.
 * @throws `ConfigurationError` for an unknown option or a value of the wrong type.
 *
 * @example
 * ```ts
 * import { Client } from '@stretch/client'
 * import { openTelemetry } from '@stretch/otel'
 *
 * const client = new Client({ node: 'https://localhost:9200', ...openTelemetry() })
 * ```
 * @public
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): OpenTelemetryInstrumentation {
  checkOptions(options)
  const tracer: Tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(kScope, version)
  const propagate = options.propagateContext !== false
  const captureQuery = options.captureQueryText === true
  const maxQuery = options.maxQueryTextLength ?? kDefaultMaxQueryText
  const shared: Shared = {
    withMetrics: options.metrics !== false,
    meterProvider: options.meterProvider,
    histogram: undefined,
    histogramProvider: undefined,
    histogramIsNoop: true,
    announced: undefined,
  }
  // Only db.query.text needs to find the call of an attempt from its span.
  const calls = captureQuery ? new WeakMap<Span, Call>() : undefined

  const middleware: Middleware = (next) => (request) => {
    const announced = shared.announced
    shared.announced = undefined
    // With a context manager the active context is this attempt's call's (an API call's or a discovery's), or one
    // made from it. Without one, the call that announced this attempt a moment ago.
    const active = context.active()
    let span = active instanceof CallContext ? active.span : trace.getSpan(active)
    if (span === undefined && announced !== undefined && announced.pending === request.attempt) span = announced.span
    if (span === undefined) return next(request)
    if (calls !== undefined && request.attempt === 1) {
      const call = calls.get(span)
      const endpoint = call?.request.endpoint
      if (call !== undefined && endpoint !== undefined && kQueryEndpoints.has(endpoint)) {
        const text = queryText(request, maxQuery)
        if (text !== undefined) span.setAttribute('db.query.text', text)
      }
    }
    return next(propagate ? withTraceHeaders(request, span.spanContext()) : request)
  }

  const requestHook: RequestHook = {
    wrap<TBody>(
      request: HookedRequest,
      send: (observer?: AttemptObserver) => Promise<TransportResult<TBody>>,
    ): Promise<TransportResult<TBody>> {
      const parent = context.active()
      // Still CLIENT with an origin (a helper's call): it is a call to Elasticsearch, which service maps count.
      const span = startCall(
        tracer,
        request.endpoint ?? 'elasticsearch',
        SpanKind.CLIENT,
        request,
        request.origin,
        parent,
      )
      const call = new Call(span, request, shared, true)
      calls?.set(span, call)
      return run(parent, call, send)
    },
    wrapInternal<TBody>(
      request: InternalRequest,
      send: (observer?: AttemptObserver) => Promise<TransportResult<TBody>>,
    ): Promise<TransportResult<TBody>> {
      const parent = context.active()
      const name = `elasticsearch.${request.purpose}`
      const span = startCall(tracer, name, SpanKind.INTERNAL, request, request.purpose, parent)
      return run(parent, new Call(span, request, shared, false), send)
    },
    // Outside the application's middleware, on every attempt and in every child transport (see RequestHook).
    middleware: propagate || captureQuery ? Object.freeze([middleware]) : undefined,
  }

  return { requestHook }
}

// Runs the request inside the span's context, the call hearing its attempts, and finishes the call when it settles.
function run<TBody>(
  parent: Context,
  call: Call,
  send: (observer?: AttemptObserver) => Promise<TransportResult<TBody>>,
): Promise<TransportResult<TBody>> {
  const active = kSpanKey === undefined ? trace.setSpan(parent, call.span) : new CallContext(parent, call.span)
  return context.with(active, send, undefined, call).then(
    (result) => {
      call.finish(result, undefined)
      return result
    },
    (error: unknown) => {
      call.finish(undefined, error)
      throw error
    },
  )
}

const kInvalidTraceId = '00000000000000000000000000000000'
const kInvalidSpanId = '0000000000000000'

// https://www.w3.org/TR/trace-context/#traceparent-header: version 00, trace id, parent id, flags. Written
// directly, as the W3C propagator would: no carrier, setter or propagation round trip per attempt. A `traceparent`
// the caller set wins, and then its `tracestate` goes with it (transport's withHeader: the caller's header wins).
function withTraceHeaders(request: TransportRequest, spanContext: SpanContext): TransportRequest {
  // The all-zero ids of a span without a tracer (trace.isSpanContextValid's regular expressions cost more).
  if (spanContext.traceId === kInvalidTraceId || spanContext.spanId === kInvalidSpanId) return request
  const flags = spanContext.traceFlags === 1 ? '01' : (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0')
  const traced = withHeader(request, 'traceparent', `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`)
  const traceState = spanContext.traceState
  if (traced === request || traceState === undefined) return traced
  const state = traceState.serialize()
  return state === '' ? traced : withHeader(traced, 'tracestate', state)
}

/** What a node URL gives the attributes, once per URL (node URLs come without credentials: NodeInfo.url). */
interface NodeEntry {
  readonly address: string
  readonly port: number
  /** The URL without a trailing slash, for url.full. */
  readonly base: string
}

const kNodes = new Map<string, NodeEntry>()

function nodeEntry(nodeUrl: string): NodeEntry {
  let entry = kNodes.get(nodeUrl)
  if (entry === undefined) {
    const url = new URL(nodeUrl)
    entry = {
      address: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
      base: nodeUrl.endsWith('/') ? nodeUrl.slice(0, -1) : nodeUrl,
    }
    // Bounded by the nodes a process talks to; a sniffing pool replaces nodes rarely.
    if (kNodes.size < 1024) kNodes.set(nodeUrl, entry)
  }
  return entry
}

// '200', '404', ...: status codes as strings, each made once.
const kStatusText: string[] = []

function statusText(statusCode: number): string {
  if (statusCode < 0 || statusCode >= 600) return String(statusCode)
  let text = kStatusText[statusCode]
  if (text === undefined) {
    text = String(statusCode)
    kStatusText[statusCode] = text
  }
  return text
}

// A call's only attempt (the first, with no retry after it) went to the span's node, took the span's time and
// waited no backoff: its event says its number and its outcome, and the span says the rest (each attribute of an
// event costs the SDK two copies). The attempts of a retried call each name their node, duration and backoff.
function attemptAttributes(event: AttemptEnd): Attributes {
  const statusCode = event.statusCode
  if (event.attempt === 1 && event.retryDelay === undefined && statusCode !== undefined) {
    return onlyAttemptAttributes(statusCode)
  }
  const out: Attributes = { 'elasticsearch.attempt.number': event.attempt }
  if (event.statusCode !== undefined) out['db.response.status_code'] = statusText(event.statusCode)
  else out['error.type'] = errorTypeOf(event.error)
  if (event.attempt === 1 && event.retryDelay === undefined) return out
  const where = nodeEntry(event.node.url)
  out['server.address'] = where.address
  out['server.port'] = where.port
  if (event.node.name !== undefined) out['db.elasticsearch.node.name'] = event.node.name
  out['elasticsearch.attempt.duration_ms'] = event.duration
  if (event.retryDelay !== undefined) out['elasticsearch.retry.backoff_ms'] = event.retryDelay
  return out
}

// The event attributes of an only attempt that was answered, frozen, one set per status code.
const kOnlyAttempt: Attributes[] = []

function onlyAttemptAttributes(statusCode: number): Attributes {
  let attributes = kOnlyAttempt[statusCode]
  if (attributes === undefined) {
    attributes = Object.freeze({ 'elasticsearch.attempt.number': 1, 'db.response.status_code': statusText(statusCode) })
    if (statusCode >= 0 && statusCode < 600) kOnlyAttempt[statusCode] = attributes
  }
  return attributes
}

// The query string as url.full shows it: the value of a key that looks like a secret is REDACTED.
function queryOf(querystring: Readonly<Record<string, QueryValue>>): string {
  let query = ''
  for (const key in querystring) {
    const value = querystring[key]
    if (value === undefined || value === null) continue
    const text = kSecretQueryKey.test(key) ? 'REDACTED' : Array.isArray(value) ? value.join(',') : String(value)
    query += `${query === '' ? '?' : '&'}${encodeURIComponent(key)}=${encodeURIComponent(text)}`
  }
  return query
}

// Low cardinality: a transport error's stable code, an HTTP status, or the error's class name.
function errorTypeOf(error: unknown): string {
  if (isResponseError(error)) return statusText(error.statusCode)
  if (isTransportError(error)) return error.code
  if (error instanceof Error) return error.name
  return '_OTHER'
}

// A response header's value (the first, when repeated). Read with a constant name at each call site: a property
// read with a variable name is a generic lookup in V8.
function first(value: ResponseHeaders[string] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

const decoder = new TextDecoder()

function queryText(request: TransportRequest, max: number): string | undefined {
  const body = request.body
  // A gzipped body is not text; a stream cannot be read without consuming it.
  if (body === undefined || request.headers['content-encoding'] !== undefined) return undefined
  const text =
    typeof body === 'string' ? body : body instanceof Uint8Array ? decoder.decode(body.subarray(0, max * 4)) : undefined
  if (text === undefined) return undefined
  return text.length > max ? text.slice(0, max) : text
}

const kQueryTextLength: NumberRule = { integer: true, positive: true, unit: 'UTF-16 code units' }

function checkOptions(options: OpenTelemetryOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError(
      'openTelemetry: options must be an object, such as openTelemetry({ propagateContext: false })',
    )
  }
  for (const key of Object.keys(options)) {
    if (!(kOptions as readonly string[]).includes(key)) {
      const near = nearestName(key, kOptions)
      throw new ConfigurationError(
        `openTelemetry: unknown option \`${key}\`${near === undefined ? '' : `; did you mean \`${near}\`?`} (known: ${kOptions.join(', ')})`,
      )
    }
  }
  for (const key of ['propagateContext', 'captureQueryText', 'metrics'] as const) {
    const value = options[key]
    if (value !== undefined && typeof value !== 'boolean') {
      throw new ConfigurationError(`openTelemetry: \`${key}\` must be true or false (got ${typeof value})`)
    }
  }
  if (options.tracerProvider !== undefined && typeof options.tracerProvider?.getTracer !== 'function') {
    throw new ConfigurationError(
      'openTelemetry: `tracerProvider` must be a TracerProvider (an object with getTracer), such as a BasicTracerProvider of @opentelemetry/sdk-trace-base',
    )
  }
  if (options.meterProvider !== undefined && typeof options.meterProvider?.getMeter !== 'function') {
    throw new ConfigurationError(
      'openTelemetry: `meterProvider` must be a MeterProvider (an object with getMeter), such as a MeterProvider of @opentelemetry/sdk-metrics',
    )
  }
  checkNumber('openTelemetry `maxQueryTextLength`', options.maxQueryTextLength, kQueryTextLength)
}
