// The plugin as an application uses it: a real OpenTelemetry SDK (in-memory exporters), the async-hooks context
// manager, and the client against tools/test-cluster over real sockets.
import diagnostics from 'node:diagnostics_channel'
import {
  context,
  createContextKey,
  createTraceState,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  AggregationTemporality,
  type HistogramMetricData,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { Client, isConfigurationError, isResponseError, type Middleware } from '@stretch/client'
import { bulk, searchAll } from '@stretch/helpers'
import { lookup, startCluster, type TestCluster } from '@stretch/test-cluster'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openTelemetry } from '../src/index.js'

let open: TestCluster
let secure: TestCluster
const contextManager = new AsyncLocalStorageContextManager()
const spans = new InMemorySpanExporter()
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] })
const tracer = tracerProvider.getTracer('test')
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })
const meterProvider = new MeterProvider({ readers: [reader] })

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable())
  open = await startCluster({ nodes: 2, security: false })
  secure = await startCluster({ nodes: 1, security: true, cloud: true })
  await open.node(0).stop()
})
afterAll(async () => {
  await open.close()
  await secure.close()
  await meterProvider.shutdown()
  context.disable()
})
afterEach(() => {
  spans.reset()
  trace.disable()
})

const live = (): string => open.urls[1] as string
const stopped = (): string => open.urls[0] as string

function plugin(options: Parameters<typeof openTelemetry>[0] = {}): ReturnType<typeof openTelemetry> {
  return openTelemetry({ tracerProvider, meterProvider, ...options })
}

function only(name: string): ReadableSpan {
  const found = spans.getFinishedSpans().filter((s) => s.name === name)
  expect(found.map((s) => s.name)).toEqual([name])
  return found[0] as ReadableSpan
}

async function durations(): Promise<HistogramMetricData | undefined> {
  await reader.forceFlush()
  const all = metricExporter.getMetrics().at(-1)
  const metric = all?.scopeMetrics
    .filter((s) => s.scope.name === '@stretch/otel')
    .flatMap((s) => s.metrics)
    .find((m) => m.descriptor.name === 'db.client.operation.duration')
  return metric as HistogramMetricData | undefined
}

describe('spans', () => {
  it('makes one CLIENT span per API call, named by the endpoint, with the semantic conventions', async () => {
    const client = new Client({ node: live(), ...plugin() })
    const port = Number(new URL(live()).port)
    await client.indices.create({ index: 'otel-a' })
    await client.index({ index: 'otel-a', id: '1', document: { title: 'hello' }, refresh: true })
    await client.search({ index: 'otel-a', query: { match: { title: 'hello' } } })
    await client.close()

    expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['indices.create', 'index', 'search'])
    const search = only('search')
    expect(search.kind).toBe(SpanKind.CLIENT)
    expect(search.instrumentationScope.name).toBe('@stretch/otel')
    expect(search.status.code).toBe(SpanStatusCode.UNSET)
    expect(search.attributes).toEqual({
      'db.system.name': 'elasticsearch',
      'db.operation.name': 'search',
      'http.request.method': 'POST',
      'db.elasticsearch.path_parts.index': 'otel-a',
      'server.address': '127.0.0.1',
      'server.port': port,
      'db.response.status_code': '200',
      'url.full': `http://127.0.0.1:${port}/otel-a/_search`,
    })
    // The only attempt: its number and outcome; its node and time are the span's.
    expect(search.events.map((e) => [e.name, e.attributes])).toEqual([
      ['elasticsearch.attempt', { 'elasticsearch.attempt.number': 1, 'db.response.status_code': '200' }],
    ])
    const index = only('index')
    expect(index.attributes['db.elasticsearch.path_parts.id']).toBe('1')
    expect(index.attributes['http.request.method']).toBe('PUT')
    expect(index.attributes['url.full']).toBe(`http://127.0.0.1:${port}/otel-a/_doc/1?refresh=true`)
  })

  it('makes the API call a child of the active span and sends Elasticsearch its traceparent', async () => {
    const client = new Client({ node: live(), ...plugin() })
    const node = open.node(1)
    let outer: Span | undefined
    await tracer.startActiveSpan('outer', async (span) => {
      outer = span
      await client.info()
      span.end()
    })
    await client.close()
    const info = only('info')
    const outerContext = (outer as Span).spanContext()
    expect(info.spanContext().traceId).toBe(outerContext.traceId)
    expect(info.parentSpanContext?.spanId).toBe(outerContext.spanId)
    const seen = node.requests.at(-1)
    expect(seen?.path).toBe('/')
    expect(seen?.headers['traceparent']).toBe(`00-${outerContext.traceId}-${info.spanContext().spanId}-01`)
  })

  it("keeps the call's span active for nested instrumentations: an undici instrumentation's span is its child", async () => {
    const client = new Client({ node: live(), ...plugin() })
    const marker = createContextKey('nested instrumentation')
    const nested: Span[] = []
    // What @opentelemetry/instrumentation-undici does: a span from the active context when undici makes the request,
    // here in a context of its own with one more value (so the call's context is copied, not only read).
    const onCreate = (): void => {
      const mine = context.active().setValue(marker, 'set')
      context.with(mine, () => {
        expect(context.active().getValue(marker)).toBe('set')
        const span = tracer.startSpan('undici.request', { kind: SpanKind.CLIENT })
        nested.push(span)
        span.end()
      })
    }
    diagnostics.subscribe('undici:request:create', onCreate)
    try {
      await tracer.startActiveSpan('outer', async (outer) => {
        await client.info()
        outer.end()
      })
    } finally {
      diagnostics.unsubscribe('undici:request:create', onCreate)
      await client.close()
    }
    const info = only('info')
    const undici = only('undici.request')
    expect(nested).toHaveLength(1)
    expect(undici.parentSpanContext?.spanId).toBe(info.spanContext().spanId)
    expect(undici.spanContext().traceId).toBe(only('outer').spanContext().traceId)
    expect(info.parentSpanContext?.spanId).toBe(only('outer').spanContext().spanId)
  })

  it('without a context manager, makes root spans and still sends their traceparent', async () => {
    context.disable()
    try {
      const client = new Client({ node: live(), ...plugin() })
      await client.info()
      await client.close()
    } finally {
      context.setGlobalContextManager(contextManager.enable())
    }
    const info = only('info')
    expect(spans.getFinishedSpans()).toHaveLength(1)
    expect(info.parentSpanContext).toBeUndefined()
    const { traceId, spanId } = info.spanContext()
    expect(open.node(1).requests.at(-1)?.headers['traceparent']).toBe(`00-${traceId}-${spanId}-01`)
  })

  it("keeps the plugin's middleware when the application gives its own after the spread: both run", async () => {
    const node = open.node(1)
    const seen: (string | undefined)[] = []
    // The application's middleware: it runs inside the plugin's, so it already sees the traceparent.
    const mine: Middleware = (next) => (request) => {
      seen.push(request.headers['traceparent'])
      return next({ ...request, headers: { ...request.headers, 'x-mine': 'yes' } })
    }
    const client = new Client({ node: live(), ...plugin(), middleware: [mine] })
    await client.info()
    await client.close()
    const info = only('info')
    const received = node.requests.at(-1)
    expect(received?.headers['x-mine']).toBe('yes')
    expect(received?.headers['traceparent']).toBe(`00-${info.spanContext().traceId}-${info.spanContext().spanId}-01`)
    expect(seen).toEqual([received?.headers['traceparent']])
  })

  it('sends no traceparent with propagateContext: false, and leaves a traceparent the caller set', async () => {
    const node = open.node(1)
    const quiet = new Client({ node: live(), ...plugin({ propagateContext: false }) })
    await tracer.startActiveSpan('outer', async (span) => {
      await quiet.info()
      span.end()
    })
    expect(node.requests.at(-1)?.headers['traceparent']).toBeUndefined()
    expect(only('info').parentSpanContext?.spanId).toBe(only('outer').spanContext().spanId)
    await quiet.close()

    const mine = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
    const client = new Client({ node: live(), headers: { traceparent: mine }, ...plugin() })
    await client.info()
    expect(node.requests.at(-1)?.headers['traceparent']).toBe(mine)
    await client.close()
  })

  it("sends the span's tracestate with its traceparent, and leaves a tracestate the caller set", async () => {
    const node = open.node(1)
    const remote = trace.setSpanContext(context.active(), {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
      isRemote: true,
      traceState: createTraceState('vendor=one'),
    })
    const client = new Client({ node: live(), ...plugin() })
    await context.with(remote, () => client.info())
    const sent = node.requests.at(-1)?.headers
    expect(sent?.['traceparent']).toBe(`00-0af7651916cd43dd8448eb211c80319c-${only('info').spanContext().spanId}-01`)
    expect(sent?.['tracestate']).toBe('vendor=one')
    await client.close()

    const own = new Client({ node: live(), headers: { tracestate: 'mine=1' }, ...plugin() })
    await context.with(remote, () => own.info())
    expect(node.requests.at(-1)?.headers['tracestate']).toBe('mine=1')
    expect(node.requests.at(-1)?.headers['traceparent']).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/)
    await own.close()
  })

  it('shows each attempt of a retried call as an event, with its node, error or status, and backoff', async () => {
    const client = new Client({
      nodes: [stopped(), live()],
      // the stopped node first, then the one that answers
      nodeSelector: (nodes) => nodes.find((n) => n.url.href.startsWith(stopped())) ?? (nodes[0] as never),
      retryBackoff: 1,
      ...plugin(),
    })
    await client.info()
    await client.close()
    const info = only('info')
    expect(info.status.code).toBe(SpanStatusCode.UNSET)
    expect(info.attributes['server.port']).toBe(Number(new URL(live()).port))
    expect(info.attributes['db.response.status_code']).toBe('200')
    const [first, second] = info.events.map((e) => e.attributes ?? {})
    expect(info.events).toHaveLength(2)
    expect(first).toMatchObject({
      'elasticsearch.attempt.number': 1,
      'server.port': Number(new URL(stopped()).port),
      'error.type': 'ES_ERR_CONNECTION',
    })
    expect(typeof first?.['elasticsearch.retry.backoff_ms']).toBe('number')
    expect(first?.['db.response.status_code']).toBeUndefined()
    expect(second).toMatchObject({
      'elasticsearch.attempt.number': 2,
      'server.port': Number(new URL(live()).port),
      'db.response.status_code': '200',
    })
    expect(second?.['elasticsearch.retry.backoff_ms']).toBeUndefined()
  })

  it('shows a retry on a 502 or 503 answer as an attempt event with that status and the backoff', async () => {
    const port = Number(new URL(live()).port)
    for (const status of [502, 503]) {
      spans.reset()
      const client = new Client({ node: live(), retryBackoff: 1, ...plugin() })
      open.node(1).inject({ type: 'status', status }, { times: 1 })
      await client.info()
      await client.close()
      const info = only('info')
      expect(info.status.code).toBe(SpanStatusCode.UNSET)
      expect(info.attributes['db.response.status_code']).toBe('200')
      const [first, second] = info.events.map((e) => e.attributes ?? {})
      expect(info.events.map((e) => e.name)).toEqual(['elasticsearch.attempt', 'elasticsearch.attempt'])
      expect(first).toMatchObject({
        'elasticsearch.attempt.number': 1,
        'db.response.status_code': String(status),
        'server.port': port,
      })
      expect(first?.['error.type']).toBeUndefined()
      expect(first?.['elasticsearch.retry.backoff_ms']).toBeTypeOf('number')
      expect(first?.['elasticsearch.attempt.duration_ms']).toBeTypeOf('number')
      expect(second).toMatchObject({ 'elasticsearch.attempt.number': 2, 'db.response.status_code': '200' })
      expect(second?.['elasticsearch.retry.backoff_ms']).toBeUndefined()
    }
  })

  it('names the node of each call from the sniffed nodes (db.elasticsearch.node.name)', async () => {
    await using three = await startCluster({ nodes: 3, security: false })
    // The seed by name: the nodes publish their IP, so every pooled node comes from the sniff, with its name.
    const seed = (three.urls[0] as string).replace('127.0.0.1', 'localhost')
    const client = new Client({ node: seed, sniffOnStart: true, ...plugin() })
    for (let i = 0; i < 3; i++) await client.info()
    await client.close()
    const infos = spans.getFinishedSpans().filter((s) => s.name === 'info')
    expect(infos).toHaveLength(3)
    const byPort = new Map(three.nodes.map((n) => [n.port, n.name]))
    const names = infos.map((s) => s.attributes['db.elasticsearch.node.name'])
    expect(names).toEqual(infos.map((s) => byPort.get(s.attributes['server.port'] as number)))
    expect(names.every((n) => typeof n === 'string' && n !== '')).toBe(true)
    // the seed was asked before any node was known by name
    expect(only('elasticsearch.discovery').attributes['db.elasticsearch.node.name']).toBeUndefined()
  })

  it('marks a 404 ResponseError and a refused connection as errors with a low-cardinality error.type', async () => {
    const client = new Client({ node: live(), ...plugin() })
    const missing = await client.get({ index: 'otel-missing', id: '1' }).catch((e: unknown) => e)
    expect(isResponseError(missing)).toBe(true)
    await client.close()
    const get = only('get')
    expect(get.status).toEqual({ code: SpanStatusCode.ERROR, message: '404' })
    expect(get.attributes['error.type']).toBe('404')
    expect(get.attributes['db.response.status_code']).toBe('404')

    spans.reset()
    const down = new Client({ node: stopped(), maxRetries: 0, ...plugin() })
    await expect(down.info()).rejects.toMatchObject({ code: 'ES_ERR_CONNECTION' })
    await down.close()
    const info = only('info')
    expect(info.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ES_ERR_CONNECTION' })
    expect(info.attributes['error.type']).toBe('ES_ERR_CONNECTION')
    expect(info.attributes['db.response.status_code']).toBeUndefined()
    expect(info.attributes['url.full']).toBe(`${stopped()}/`)
  })

  it('marks a failed product check (no x-elastic-product) with the transport error code', async () => {
    const client = new Client({ node: live(), ...plugin() })
    open.productHeader = false
    try {
      await expect(client.info()).rejects.toMatchObject({ code: 'ES_ERR_PRODUCT_NOT_SUPPORTED' })
    } finally {
      open.productHeader = true
    }
    await client.close()
    const info = only('info')
    expect(info.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ES_ERR_PRODUCT_NOT_SUPPORTED' })
    expect(info.attributes['error.type']).toBe('ES_ERR_PRODUCT_NOT_SUPPORTED')
    expect(info.attributes['db.response.status_code']).toBe('200')
  })

  it('reports a HEAD 404 that the API turns into false as no error', async () => {
    const client = new Client({ node: live(), ...plugin() })
    expect(await client.indices.exists({ index: 'otel-nothing' })).toBe(false)
    await client.close()
    const exists = only('indices.exists')
    expect(exists.status.code).toBe(SpanStatusCode.UNSET)
    expect(exists.attributes['db.response.status_code']).toBe('404')
    expect(exists.attributes['error.type']).toBeUndefined()
  })

  it('records db.query.text only when asked, for query endpoints, cut at maxQueryTextLength', async () => {
    const query = { match: { title: 'hello' } }
    const plain = new Client({ node: live(), ...plugin() })
    await plain.search({ index: 'otel-a', query })
    expect(only('search').attributes['db.query.text']).toBeUndefined()
    await plain.close()

    spans.reset()
    const capturing = new Client({ node: live(), ...plugin({ captureQueryText: true, maxQueryTextLength: 20 }) })
    await capturing.search({ index: 'otel-a', query })
    await capturing.index({ index: 'otel-a', id: '2', document: { title: 'a document, not a query' } })
    await capturing.close()
    expect(only('search').attributes['db.query.text']).toBe(JSON.stringify({ query }).slice(0, 20))
    expect(only('index').attributes['db.query.text']).toBeUndefined()
  })

  it('gives node discovery (sniffing) its own INTERNAL span inside the call that waited for it', async () => {
    const client = new Client({ node: live(), sniffOnStart: true, ...plugin() })
    await client.info()
    await client.close()
    const discovery = only('elasticsearch.discovery')
    expect(discovery.kind).toBe(SpanKind.INTERNAL)
    // Told by the transport (RequestHook.wrapInternal), not inferred.
    expect(discovery.attributes['elasticsearch.internal']).toBe('discovery')
    expect(discovery.attributes['db.operation.name']).toBeUndefined()
    expect(discovery.attributes['url.full']).toBe(`${live()}/_nodes/_all/http`)
    expect(discovery.attributes['db.response.status_code']).toBe('200')
    expect(discovery.events.map((e) => e.attributes?.['elasticsearch.attempt.number'])).toEqual([1])
    const info = only('info')
    expect(info.attributes['elasticsearch.internal']).toBeUndefined()
    expect(discovery.parentSpanContext?.spanId).toBe(info.spanContext().spanId)
    const sniff = open.node(1).requests.find((r) => r.path.startsWith('/_nodes'))
    expect(sniff?.headers['traceparent']).toBe(
      `00-${discovery.spanContext().traceId}-${discovery.spanContext().spanId}-01`,
    )
  })

  it("marks the helpers' requests with elasticsearch.internal and leaves the application's own calls unmarked", async () => {
    const client = new Client({ node: live(), ...plugin() })
    await tracer.startActiveSpan('job', async (job) => {
      await bulk(client, {
        datasource: [{ n: 1 }, { n: 2 }, { n: 3 }],
        onDocument: (doc) => ({ index: { _index: 'otel-helpers', _id: `d${doc.n}` } }),
        refreshOnCompletion: true,
      })
      for await (const _hit of searchAll(client, { index: 'otel-helpers', size: 2 })) {
        // read every page
      }
      await client.search({ index: 'otel-helpers' }, { origin: 'my-lib.export' })
      await client.search({ index: 'otel-helpers' })
      job.end()
    })
    await client.close()
    const job = only('job')
    const calls = spans.getFinishedSpans().filter((s) => s !== job)
    expect(calls.map((s) => [s.name, s.kind, s.attributes['elasticsearch.internal']])).toEqual([
      ['bulk', SpanKind.CLIENT, 'helpers.bulk'],
      ['indices.refresh', SpanKind.CLIENT, 'helpers.bulk'],
      ['open_point_in_time', SpanKind.CLIENT, 'helpers.searchAll'],
      ['search', SpanKind.CLIENT, 'helpers.searchAll'],
      ['search', SpanKind.CLIENT, 'helpers.searchAll'],
      ['close_point_in_time', SpanKind.CLIENT, 'helpers.searchAll'],
      ['search', SpanKind.CLIENT, 'my-lib.export'],
      ['search', SpanKind.CLIENT, undefined],
    ])
    // Still calls to Elasticsearch, with their endpoint, node and status, children of the job's span.
    for (const span of calls) {
      expect(span.attributes['db.system.name']).toBe('elasticsearch')
      expect(span.attributes['server.port']).toBe(Number(new URL(live()).port))
      expect(span.parentSpanContext?.spanId).toBe(job.spanContext().spanId)
    }
    // The origin is never sent: Elasticsearch saw the traceparent, and nothing of the helper's name.
    for (const request of open.node(1).requests) expect(request.rawHeaders.join('\n')).not.toMatch(/helpers|my-lib/)
  })

  it('uses the global tracer provider by default, and the client without the plugin makes no span', async () => {
    trace.setGlobalTracerProvider(tracerProvider)
    const node = open.node(1)
    const bare = new Client({ node: live() })
    await tracer.startActiveSpan('outer', async (span) => {
      await bare.info()
      span.end()
    })
    await bare.close()
    expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['outer'])
    expect(node.requests.at(-1)?.headers['traceparent']).toBeUndefined()

    spans.reset()
    const client = new Client({ node: live(), ...openTelemetry({ metrics: false }) })
    await client.info()
    await client.close()
    expect(only('info').instrumentationScope.name).toBe('@stretch/otel')
  })

  it('names the cluster (db.namespace) and node from Elastic Cloud headers', async () => {
    const cloud = secure.cloud!
    const client = new Client({
      cloudId: cloud.cloudId,
      basicAuth: ['elastic', secure.password],
      caCerts: secure.caCert!,
      lookup,
      ...plugin(),
    })
    await client.info()
    await client.close()
    const info = only('info')
    expect(info.attributes['db.namespace']).toBe(cloud.esUuid)
    expect(info.attributes['db.elasticsearch.node.name']).toBe('instance-0000000000')
    expect(info.attributes['server.address']).toBe(cloud.hostname)
    expect(info.attributes['url.full']).toBe(`${cloud.url}/`)
  })
})

describe('metrics', () => {
  it('records db.client.operation.duration in seconds with low-cardinality attributes', async () => {
    const client = new Client({ node: live(), ...plugin() })
    await client.search({ index: 'otel-a', query: { match_all: {} } })
    await client.get({ index: 'otel-missing', id: '1' }).catch(() => undefined)
    await client.close()
    const metric = await durations()
    expect(metric?.descriptor.unit).toBe('s')
    const port = Number(new URL(live()).port)
    const points = metric?.dataPoints ?? []
    const search = points.find((p) => p.attributes['db.operation.name'] === 'search')
    expect(search?.attributes).toEqual({
      'db.system.name': 'elasticsearch',
      'db.operation.name': 'search',
      'server.address': '127.0.0.1',
      'server.port': port,
      'db.response.status_code': '200',
    })
    expect(search?.value.count).toBeGreaterThanOrEqual(1)
    expect(search?.value.min).toBeGreaterThan(0)
    // seconds, not milliseconds: a loopback call takes well under the 10 s bucket
    expect(search?.value.buckets.boundaries).toEqual([0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10])
    const get = points.find((p) => p.attributes['db.operation.name'] === 'get')
    expect(get?.attributes['error.type']).toBe('404')
    for (const point of points) {
      expect(
        Object.keys(point.attributes).filter((k) => k.startsWith('db.elasticsearch.') || k === 'url.full'),
      ).toEqual([])
    }
  })

  it("puts the cluster's name (db.namespace) on the histogram when Elasticsearch sends it", async () => {
    const cloud = secure.cloud!
    const client = new Client({
      cloudId: cloud.cloudId,
      basicAuth: ['elastic', secure.password],
      caCerts: secure.caCert!,
      lookup,
      ...plugin(),
    })
    await client.info()
    await client.close()
    const points = (await durations())?.dataPoints ?? []
    const named = points.filter((p) => p.attributes['db.namespace'] !== undefined)
    expect(named.map((p) => p.attributes)).toEqual([
      {
        'db.system.name': 'elasticsearch',
        'db.operation.name': 'info',
        'db.namespace': cloud.esUuid,
        'server.address': cloud.hostname,
        'server.port': Number(new URL(cloud.url).port),
        'db.response.status_code': '200',
      },
    ])
  })

  it('records into a global meter provider set up after the first call (the first call had only the no-op meter)', async () => {
    const late = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
    const lateReader = new PeriodicExportingMetricReader({ exporter: late, exportIntervalMillis: 3_600_000 })
    const lateProvider = new MeterProvider({ readers: [lateReader] })
    const client = new Client({ node: live(), ...openTelemetry({ tracerProvider }) })
    try {
      await client.info()
      metrics.setGlobalMeterProvider(lateProvider)
      await client.count({ index: 'otel-a' })
    } finally {
      metrics.disable()
      await client.close()
    }
    await lateReader.forceFlush()
    const points = late
      .getMetrics()
      .at(-1)
      ?.scopeMetrics.filter((m) => m.scope.name === '@stretch/otel')
      .flatMap((m) => m.metrics)
      // A union of data point arrays, which flatMap cannot infer: only the attributes are read.
      .flatMap((m): readonly { readonly attributes: Readonly<Record<string, unknown>> }[] => m.dataPoints)
    expect(points?.map((p) => p.attributes['db.operation.name'])).toEqual(['count'])
    await lateProvider.shutdown()
  })
})

describe('secrets', () => {
  it('puts no credential of auth, URL userinfo, headers or query string in a span, event, status or metric', async () => {
    const password = secure.password
    const key = secure.createApiKey({ name: 'otel' })
    const headerSecret = 'x-planted-header-secret-4711'
    const querySecret = 'planted-query-secret-0815'
    const port = new URL(secure.url).port
    const clients = [
      new Client({ node: secure.url, caCerts: secure.caCert!, basicAuth: ['elastic', password], ...plugin() }),
      new Client({ node: `https://elastic:${password}@127.0.0.1:${port}`, caCerts: secure.caCert!, ...plugin() }),
      new Client({
        node: secure.url,
        caCerts: secure.caCert!,
        apiKey: key.encoded,
        headers: { 'x-custom-token': headerSecret },
        ...plugin({ captureQueryText: true }),
      }),
    ]
    for (const client of clients) {
      await client.info()
      await client.search({ querystring: { access_token: querySecret } }).catch(() => undefined)
      // Elasticsearch refuses the unknown parameter (400): the span still names no secret.
      await client.request({ method: 'GET', path: '/', querystring: { api_key: querySecret } }).catch(() => undefined)
      await client.close()
    }
    // A call that fails authentication must not quote the credential it tried.
    const wrong = new Client({
      node: secure.url,
      caCerts: secure.caCert!,
      basicAuth: ['elastic', 'planted-wrong-pw-1'],
      ...plugin(),
    })
    await wrong.info().catch(() => undefined)
    await wrong.close()

    const finished = spans.getFinishedSpans()
    expect(finished.length).toBe(10)
    expect(finished.filter((s) => s.name === 'info').at(-1)?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: '401',
    })
    expect(finished.find((s) => s.name === 'elasticsearch')?.attributes['url.full']).toBe(
      `${secure.url}/?api_key=REDACTED`,
    )
    const surface = JSON.stringify([
      finished.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
      await durations(),
    ])
    const planted = [
      password,
      key.encoded,
      key.api_key,
      headerSecret,
      querySecret,
      'planted-wrong-pw-1',
      Buffer.from(`elastic:${password}`).toString('base64'),
      Buffer.from('elastic:planted-wrong-pw-1').toString('base64'),
    ]
    for (const secret of planted) expect(surface).not.toContain(secret)
  })
})

describe('options', () => {
  it('refuses an unknown option or a wrong type with a ConfigurationError that names it', () => {
    let typo: unknown
    try {
      openTelemetry({ propgateContext: false } as never)
    } catch (e) {
      typo = e
    }
    expect(isConfigurationError(typo)).toBe(true)
    expect((typo as Error).message).toMatch(/unknown option `propgateContext`; did you mean `propagateContext`\?/)
    expect(() => openTelemetry({ maxQueryTextLength: 0 })).toThrow(
      'openTelemetry `maxQueryTextLength`: must be a whole number of UTF-16 code units, 1 or more (got 0)',
    )
    expect(() => openTelemetry({ captureQueryText: 'yes' as never })).toThrow(
      /`captureQueryText` must be true or false/,
    )
    expect(() => openTelemetry({ tracerProvider: {} as never })).toThrow(/`tracerProvider` must be a TracerProvider/)
  })
})
