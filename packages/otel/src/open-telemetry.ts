import {
  type Attributes,
  type Context,
  context,
  type Histogram,
  type MeterProvider,
  metrics,
  type Span,
  type SpanContext,
  SpanKind,
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
  type Handler,
  type HookedRequest,
  isResponseError,
  isTransportError,
  type Middleware,
  type NodeInfo,
  nearestName,
  type QueryValue,
  type RequestHook,
  type ResponseHeaders,
  type TransportRequest,
  type TransportResponse,
  type TransportResult,
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
 * Both parts are plain transport contracts, so a third-party instrumentation can return the same shape.
 * @public
 */
export interface OpenTelemetryInstrumentation {
  /** Wraps each API call in one span and records its duration. */
  readonly requestHook: RequestHook
  /**
   * Runs on every attempt: writes `traceparent`, captures `db.query.text` when asked, and gives the transport's own
   * requests (node discovery) an INTERNAL span. Put it first when combining it with your own middleware.
   */
  readonly middleware: readonly Middleware[]
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
  histogram: Histogram | undefined
  readonly meterProvider: MeterProvider | undefined
  // The call whose attempt was just announced: the transport calls the middleware right after attemptStart, with
  // no await between, so this finds the call when no context manager carries the span (or a foreign one is active).
  announced: Call | undefined
}

/** One API call: its span, and the observer of its attempts (one object per call, no closures). */
class Call implements AttemptObserver {
  readonly span: Span
  readonly endpoint: string | undefined
  readonly recording: boolean
  readonly started: number
  readonly shared: Shared
  /** The attempt announced by attemptStart whose middleware call has not come yet. */
  pending = 0
  node: NodeInfo | undefined = undefined
  statusCode: number | undefined = undefined
  firstNode: NodeInfo | undefined = undefined

  constructor(span: Span, endpoint: string | undefined, shared: Shared) {
    this.span = span
    this.endpoint = endpoint
    this.recording = span.isRecording()
    this.started = performance.now()
    this.shared = shared
  }

  attemptStart(event: AttemptStart): void {
    this.pending = event.attempt
    this.shared.announced = this
    if (event.attempt === 1 && this.recording) {
      this.firstNode = event.node
      this.span.setAttributes(nodeAttributes(event.node))
    }
  }

  attemptEnd(event: AttemptEnd): void {
    this.node = event.node
    this.statusCode = event.statusCode
    if (this.recording) this.span.addEvent('elasticsearch.attempt', attemptAttributes(event))
  }

  finish(request: HookedRequest, result: TransportResult<unknown> | undefined, error: unknown): void {
    const span = this.span
    const recording = this.recording
    const metric: Attributes | undefined = this.shared.withMetrics ? { 'db.system.name': 'elasticsearch' } : undefined
    if (metric !== undefined && this.endpoint !== undefined) metric['db.operation.name'] = this.endpoint
    const set = (key: string, value: string | number): void => {
      if (recording) span.setAttribute(key, value)
      if (metric !== undefined && kMetricKeys.has(key)) metric[key] = value
    }
    const node = result?.meta.node ?? this.node
    if (node !== undefined) {
      const attributes = nodeAttributes(node)
      // The span has the first attempt's node already: set again only what a retry on another node changed.
      const same = node.url === this.firstNode?.url && node.name === this.firstNode.name
      for (const key in attributes) {
        const value = attributes[key] as string | number
        if (!same && recording) span.setAttribute(key, value)
        if (metric !== undefined && kMetricKeys.has(key)) metric[key] = value
      }
      if (recording) span.setAttribute('url.full', fullUrl(node.url, request.path, request.querystring))
    }
    const responseError = result === undefined && isResponseError(error) ? error : undefined
    const statusCode = result?.statusCode ?? responseError?.statusCode ?? this.statusCode
    if (statusCode !== undefined) set('db.response.status_code', String(statusCode))
    const headers = result?.headers ?? responseError?.headers
    if (headers !== undefined) {
      const cluster = header(headers, 'x-found-handling-cluster')
      if (cluster !== undefined) set('db.namespace', cluster)
      const instance = header(headers, 'x-found-handling-instance')
      if (instance !== undefined) set('db.elasticsearch.node.name', instance)
    }
    if (result === undefined) {
      const errorType = errorTypeOf(error)
      set('error.type', errorType)
      // The status message is the error type only: an error message may quote a server's answer.
      if (recording) span.setStatus({ code: SpanStatusCode.ERROR, message: errorType })
    }
    if (recording) span.end()
    if (metric !== undefined) durationHistogram(this.shared).record((performance.now() - this.started) / 1000, metric)
  }
}

const kMetricKeys: ReadonlySet<string> = new Set([
  'db.namespace',
  'server.address',
  'server.port',
  'db.response.status_code',
  'error.type',
])

// The global meter API has no proxy: a meter taken before the SDK is set up would stay a no-op. Taken on the first
// call instead.
function durationHistogram(shared: Shared): Histogram {
  shared.histogram ??= (shared.meterProvider ?? metrics.getMeterProvider())
    .getMeter(kScope, version)
    .createHistogram('db.client.operation.duration', {
      description: 'Duration of Elasticsearch client operations (one per API call, retries included).',
      unit: 's',
      advice: { explicitBucketBoundaries: kBuckets },
    })
  return shared.histogram
}

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

/**
 * OpenTelemetry for a Stretch client: one CLIENT span per API call (named by the endpoint, such as `search` or
 * `indices.create`, with the semantic conventions for Elasticsearch), one `elasticsearch.attempt` event per attempt
 * (node, status or error, backoff), the W3C `traceparent` sent to Elasticsearch, and the
 * `db.client.operation.duration` histogram. It needs an OpenTelemetry SDK set up by the application, with a context
 * manager for the parent/child relations (every Node SDK setup registers one). Put its middleware first when you
 * combine it with your own.
 *
 * @param options - providers, propagation, query capture; see {@link OpenTelemetryOptions}.
 * @returns a `requestHook` and a `middleware` list, for the client's options.
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
    histogram: undefined,
    meterProvider: options.meterProvider,
    announced: undefined,
  }
  const calls = new WeakMap<Span, Call>()

  const requestHook: RequestHook = {
    wrap<TBody>(
      request: HookedRequest,
      send: (observer?: AttemptObserver) => Promise<TransportResult<TBody>>,
    ): Promise<TransportResult<TBody>> {
      const parent = context.active()
      const endpoint = request.endpoint
      const attributes: Attributes = {
        'db.system.name': 'elasticsearch',
        'http.request.method': request.method,
      }
      if (endpoint !== undefined) attributes['db.operation.name'] = endpoint
      const parts = request.pathParts
      if (parts !== undefined) for (const name in parts) attributes[partKey(name)] = parts[name]
      const span = tracer.startSpan(endpoint ?? 'elasticsearch', { kind: SpanKind.CLIENT, attributes }, parent)
      const call = new Call(span, endpoint, shared)
      // Kept for non-recording spans too: the middleware tells API attempts from discovery by it.
      calls.set(span, call)
      return context.with(trace.setSpan(parent, span), send, undefined, call).then(
        (result) => {
          call.finish(request, result, undefined)
          return result
        },
        (error: unknown) => {
          call.finish(request, undefined, error)
          throw error
        },
      )
    },
  }

  const middleware: Middleware = (next) => (request) => {
    const active = context.active()
    const activeSpan = trace.getSpan(active)
    let state = activeSpan === undefined ? undefined : calls.get(activeSpan)
    if (state === undefined || state.pending !== request.attempt) state = shared.announced
    if (shared.announced !== undefined) shared.announced = undefined
    if (state !== undefined && state.pending === request.attempt) {
      // An attempt of an API call.
      state.pending = 0
      const span = state.span
      if (
        captureQuery &&
        request.attempt === 1 &&
        state.endpoint !== undefined &&
        kQueryEndpoints.has(state.endpoint)
      ) {
        const text = queryText(request, maxQuery)
        if (text !== undefined) span.setAttribute('db.query.text', text)
      }
      return next(propagate ? withTraceHeaders(request, span.spanContext()) : request)
    }
    // No API call announced this attempt: the transport's own request (node discovery, such as sniffing).
    return discoverySpan(tracer, active, request, propagate, next)
  }

  return { requestHook, middleware: [middleware] }
}

function discoverySpan(
  tracer: Tracer,
  active: Context,
  request: TransportRequest,
  propagate: boolean,
  next: Handler,
): Promise<TransportResponse> {
  const info = request.node.info()
  const queryAt = request.path.indexOf('?')
  const span = tracer.startSpan(
    'elasticsearch.discovery',
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        'db.system.name': 'elasticsearch',
        'http.request.method': request.method,
        'url.full': fullUrl(info.url, queryAt === -1 ? request.path : request.path.slice(0, queryAt), undefined),
        ...nodeAttributes(info),
      },
    },
    active,
  )
  const sent = propagate ? withTraceHeaders(request, span.spanContext()) : request
  return context
    .with(trace.setSpan(active, span), () => next(sent))
    .then(
      (response) => {
        span.setAttribute('db.response.status_code', String(response.statusCode))
        if (response.statusCode >= 400) {
          span.setAttribute('error.type', String(response.statusCode))
          span.setStatus({ code: SpanStatusCode.ERROR, message: String(response.statusCode) })
        }
        span.end()
        return response
      },
      (error: unknown) => {
        const type = errorTypeOf(error)
        span.setAttribute('error.type', type)
        span.setStatus({ code: SpanStatusCode.ERROR, message: type })
        span.end()
        throw error
      },
    )
}

const kInvalidTraceId = '00000000000000000000000000000000'
const kInvalidSpanId = '0000000000000000'

// https://www.w3.org/TR/trace-context/#traceparent-header: version 00, trace id, parent id, flags.
function withTraceHeaders(request: TransportRequest, spanContext: SpanContext): TransportRequest {
  // The all-zero ids of a span without a tracer (trace.isSpanContextValid's regular expressions cost more).
  if (
    spanContext.traceId === kInvalidTraceId ||
    spanContext.spanId === kInvalidSpanId ||
    request.headers['traceparent'] !== undefined
  ) {
    return request
  }
  const flags = spanContext.traceFlags === 1 ? '01' : (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0')
  const headers: Record<string, string> = {
    ...request.headers,
    traceparent: `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`,
  }
  const state = spanContext.traceState?.serialize()
  if (state !== undefined && state !== '' && request.headers['tracestate'] === undefined) headers['tracestate'] = state
  return { ...request, headers }
}

// Node URLs come without credentials (NodeInfo.url); the port is the URL's or the scheme's default.
const kNodeAttributes = new Map<string, Attributes>()

function nodeAttributes(node: NodeInfo): Attributes {
  let base = kNodeAttributes.get(node.url)
  if (base === undefined) {
    const url = new URL(node.url)
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
    base = {
      'server.address': host,
      'server.port': url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
    }
    // Bounded by the nodes a process talks to; a sniffing pool replaces nodes rarely.
    if (kNodeAttributes.size < 1024) kNodeAttributes.set(node.url, base)
  }
  if (node.name === undefined) return base
  return { ...base, 'db.elasticsearch.node.name': node.name }
}

function attemptAttributes(event: AttemptEnd): Attributes {
  const out: Attributes = {
    'elasticsearch.attempt.number': event.attempt,
    'elasticsearch.attempt.duration_ms': event.duration,
    ...nodeAttributes(event.node),
  }
  if (event.statusCode !== undefined) out['db.response.status_code'] = String(event.statusCode)
  else out['error.type'] = errorTypeOf(event.error)
  if (event.retryDelay !== undefined) out['elasticsearch.retry.backoff_ms'] = event.retryDelay
  return out
}

function fullUrl(nodeUrl: string, path: string, querystring: Readonly<Record<string, QueryValue>> | undefined): string {
  const base = nodeUrl.endsWith('/') ? nodeUrl.slice(0, -1) : nodeUrl
  let query = ''
  if (querystring !== undefined) {
    for (const key in querystring) {
      const value = querystring[key]
      if (value === undefined || value === null) continue
      const text = kSecretQueryKey.test(key) ? 'REDACTED' : Array.isArray(value) ? value.join(',') : String(value)
      query += `${query === '' ? '?' : '&'}${encodeURIComponent(key)}=${encodeURIComponent(text)}`
    }
  }
  return base + path + query
}

// Low cardinality: a transport error's stable code, an HTTP status, or the error's class name.
function errorTypeOf(error: unknown): string {
  if (isResponseError(error)) return String(error.statusCode)
  if (isTransportError(error)) return error.code
  if (error instanceof Error) return error.name
  return '_OTHER'
}

function header(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name]
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
  const max = options.maxQueryTextLength
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1)) {
    throw new ConfigurationError(
      `openTelemetry: \`maxQueryTextLength\` must be a positive integer (UTF-16 code units), such as 2048 (got ${String(max)})`,
    )
  }
}
