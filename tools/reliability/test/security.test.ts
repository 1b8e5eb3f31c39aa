// Security: a pin or CA that does not match sends zero bytes of HTTP, on every node and every retry; credentials
// never travel over plain HTTP to a host other than loopback without the opt-in; planted secrets appear in no
// error, toJSON, util.inspect, diagnostics payload, warning or log line (support/watch.ts searches all of them),
// nor in any span, event or metric of @stretch/otel.
import { inspect } from 'node:util'
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { Client, isConfigurationError, isConnectionError, isResponseError, isTlsError } from '@stretch/client'
import { openTelemetry } from '@stretch/otel'
import { CLOUD_DOMAIN, lookup, type TestCluster } from '@stretch/test-cluster'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordFigure } from './support/figures.js'
import { runLoad, startTestCluster } from './support/load.js'
import { PLANTED, watchProcess } from './support/watch.js'

const suite = 'security'
const watch = watchProcess()

let cluster: TestCluster
let other: TestCluster
let plain: TestCluster
beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 3 })
  // another CA, another fingerprint: what a client configured for the wrong cluster has
  other = await startTestCluster({ nodes: 1, freshCertificates: true })
  plain = await startTestCluster({ nodes: 1, security: false })
  cluster.addUser('url-user', PLANTED.userinfoPassword, ['superuser'])
})
afterAll(async () => {
  await cluster.close()
  await other.close()
  await plain.close()
})

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    watch.error(error, 'security')
    return error
  }
  throw new Error('expected a rejection')
}

function tlsSeen(target: TestCluster): number {
  const stats = target.totalStats()
  return stats.tlsHandshakes + stats.tlsFailures
}

/** Asserts that the nodes saw TLS handshakes (the client did try each of them) and not one byte of HTTP. */
function expectNoHttp(target: TestCluster): void {
  for (const node of target.nodes) {
    expect({ node: node.name, requests: node.stats.requests, httpBytes: node.stats.httpBytesReceived }).toEqual({
      node: node.name,
      requests: 0,
      httpBytes: 0,
    })
    expect(node.stats.tlsHandshakes + node.stats.tlsFailures, node.name).toBeGreaterThan(0)
  }
}

describe('trust', () => {
  it('a pinned fingerprint that does not match: zero bytes of HTTP on every node and every retry', async () => {
    cluster.resetStats()
    const client = new Client({
      nodes: cluster.urls,
      sslAssertFingerprint: other.caFingerprint as string,
      basicAuth: ['elastic', PLANTED.password],
    })
    try {
      const run = await runLoad({ concurrency: 8, more: (i) => i < 32, task: () => client.info() })
      expect(run.latencies).toEqual([])
      for (const { error } of run.errors) {
        watch.error(error)
        expect(isTlsError(error), String(error)).toBe(true)
        expect((error as Error).message).toMatch(/does not match the pinned SHA-256 fingerprint/)
      }
      // every request made all its attempts (1 + 3 retries), and together they tried every node
      const attempts = run.errors.map((e) => (e.error as { meta: { attempts: { node: string }[] } }).meta.attempts)
      for (const a of attempts) expect(a).toHaveLength(4)
      expect(new Set(attempts.flat().map((a) => a.node)).size).toBe(3)
      expectNoHttp(cluster)
      recordFigure({
        suite,
        scenario: 'pinned fingerprint mismatch, 3 nodes',
        requests: 32,
        faults: 32,
        errors: run.errors.length,
        notes: `TLS connections on the nodes ${tlsSeen(cluster)}, TCP bytes ${cluster.totalStats().tcpBytesReceived}, HTTP bytes 0, requests 0`,
      })
    } finally {
      await client.close()
    }
  })

  it('a CA that did not sign the certificate: zero bytes of HTTP on every node and every retry', async () => {
    cluster.resetStats()
    const client = new Client({
      nodes: cluster.urls,
      caCerts: other.caCert as string,
      basicAuth: ['elastic', PLANTED.password],
    })
    try {
      const run = await runLoad({ concurrency: 8, more: (i) => i < 32, task: () => client.info() })
      expect(run.latencies).toEqual([])
      for (const { error } of run.errors) {
        watch.error(error)
        expect(isTlsError(error), String(error)).toBe(true)
      }
      expect((run.errors[0] as { error: { meta: { attempts: unknown[] } } }).error.meta.attempts).toHaveLength(4)
      expectNoHttp(cluster)
      recordFigure({
        suite,
        scenario: 'wrong CA, 3 nodes',
        requests: 32,
        faults: 32,
        errors: run.errors.length,
        notes: `TLS connections on the nodes ${tlsSeen(cluster)}, TCP bytes ${cluster.totalStats().tcpBytesReceived}, HTTP bytes 0, requests 0`,
      })
    } finally {
      await client.close()
    }
  })
})

describe('credentials over plain HTTP', () => {
  // a name that is not loopback (it resolves to 127.0.0.1 only through the test lookup)
  const remote = () => `http://node.${CLOUD_DOMAIN}:${plain.nodes[0]?.port}`
  const refusals: [string, () => Client][] = [
    ['basicAuth', () => new Client({ node: remote(), lookup, basicAuth: ['elastic', PLANTED.password] })],
    ['apiKey', () => new Client({ node: remote(), lookup, apiKey: PLANTED.refusedBearer })],
    ['bearerAuth', () => new Client({ node: remote(), lookup, bearerAuth: PLANTED.refusedBearer })],
    [
      'URL userinfo',
      () => new Client({ node: remote().replace('//', `//url-user:${PLANTED.userinfoPassword}@`), lookup }),
    ],
    [
      'authorization header',
      () => new Client({ node: remote(), lookup, headers: { Authorization: `Bearer ${PLANTED.refusedBearer}` } }),
    ],
    [
      'one http node among https',
      () => new Client({ nodes: ['https://127.0.0.1:1', remote()], lookup, basicAuth: ['elastic', PLANTED.password] }),
    ],
  ]
  it.each(refusals)(
    '%s to a non-loopback http: host without allowInsecureTransport: ConfigurationError',
    (_name, make) => {
      plain.resetStats()
      let error: unknown
      try {
        make()
      } catch (e) {
        error = e
        watch.error(e)
      }
      expect(isConfigurationError(error), String(error)).toBe(true)
      expect((error as Error).message).toMatch(
        /credentials would travel unencrypted to http:\/\/node\..*allowInsecureTransport/,
      )
      expect(plain.totalStats().connections).toBe(0)
    },
  )

  it('with allowInsecureTransport: true, and to loopback, they are sent (the check above is not vacuous)', async () => {
    plain.resetStats()
    const optedIn = new Client({
      node: remote(),
      lookup,
      basicAuth: ['elastic', PLANTED.password],
      allowInsecureTransport: true,
    })
    const loopback = new Client({ node: plain.url, basicAuth: ['elastic', PLANTED.password] })
    try {
      await optedIn.info()
      await loopback.info()
      const sent = plain.nodes[0]?.requests.map((r) => r.headers['authorization'])
      const expected = `Basic ${Buffer.from(`elastic:${PLANTED.password}`).toString('base64')}`
      expect(sent).toEqual([expected, expected])
      recordFigure({
        suite,
        scenario: 'credentials over http: to a non-loopback host',
        requests: refusals.length + 2,
        errors: refusals.length,
        notes: `${refusals.length} forms refused at construction, 0 connections; sent only with allowInsecureTransport or to loopback`,
      })
    } finally {
      await optedIn.close()
      await loopback.close()
    }
  })
})

describe('planted secrets', () => {
  it('password, API key, bearer token and URL userinfo appear in no error, event, inspect or log', async () => {
    const apiKey = cluster.createApiKey({ name: 'planted' })
    const token = cluster.createToken()
    for (const secret of [apiKey.api_key, apiKey.encoded, token.access_token, token.refresh_token ?? '']) {
      if (secret !== '') watch.plant(secret)
    }
    const ca = cluster.caCert as string
    const url = new URL(cluster.urls[2] as string)
    url.username = 'url-user'
    url.password = PLANTED.userinfoPassword
    const clients = [
      new Client({
        nodes: cluster.urls,
        caCerts: ca,
        basicAuth: ['elastic', PLANTED.password],
        requestTimeout: 300,
        maxRetries: 1,
      }),
      new Client({ nodes: cluster.urls, caCerts: ca, apiKey: apiKey.encoded, requestTimeout: 300, maxRetries: 1 }),
      new Client({
        nodes: cluster.urls,
        caCerts: ca,
        bearerAuth: token.access_token,
        requestTimeout: 300,
        maxRetries: 1,
      }),
      new Client({ node: url.href, caCerts: ca, requestTimeout: 300, maxRetries: 1 }),
    ]
    const seen: string[] = []
    const remember = (label: string, value: unknown) => {
      seen.push(label)
      watch.text(label, inspect(value, { depth: 8, showHidden: true }))
      try {
        watch.text(`${label} json`, JSON.stringify(value) ?? '')
      } catch {
        // a client is not JSON; inspect covered it
      }
    }
    try {
      // each scheme works (so its secret was really on the wire) ...
      for (const [i, client] of clients.entries()) {
        const result = await client.info(undefined, { meta: true })
        remember(`result ${i}`, result)
        remember(`client ${i}`, client)
        remember(`options() ${i}`, client.options({ opaqueId: 'x' }))
      }
      const onWire = cluster.requests().map((r) => String(r.headers['authorization']))
      expect(onWire.some((h) => h.includes(apiKey.encoded))).toBe(true)
      expect(onWire.some((h) => h.includes(token.access_token))).toBe(true)

      // ... then every failure mode, with the secrets set
      for (const client of clients) {
        cluster.inject({ type: 'status', status: 503 }, { times: 2 })
        await rejection(client.info())
        cluster.inject({ type: 'hang' }, { times: 2 })
        await rejection(client.info())
        cluster.inject({ type: 'non-json', contentType: 'application/json' }, { times: 1 })
        await rejection(client.info())
        await rejection(client.indices.get({ index: 'does-not-exist' }))
        await rejection(client.index({ index: 'x', document: { n: 10n } as never }))
      }
      // refused credentials: the server answers 401, the error holds no credential
      const refused = [
        new Client({ nodes: cluster.urls, caCerts: ca, basicAuth: ['elastic', `${PLANTED.password}-wrong`] }),
        new Client({ nodes: cluster.urls, caCerts: ca, bearerAuth: PLANTED.refusedBearer }),
        new Client({ node: url.href.replace(PLANTED.userinfoPassword, `${PLANTED.userinfoPassword}x`), caCerts: ca }),
      ]
      watch.plant(`${PLANTED.password}-wrong`)
      watch.plant(`${PLANTED.userinfoPassword}x`)
      for (const client of refused) {
        const error = await rejection(client.info())
        expect(isResponseError(error) && error.statusCode).toBe(401)
        await client.close()
      }
      cluster.invalidateApiKey(apiKey.id)
      cluster.expireToken(token.access_token)
      expect(isResponseError(await rejection((clients[1] as Client).info()))).toBe(true)
      expect(isResponseError(await rejection((clients[2] as Client).info()))).toBe(true)
      // a node down: connection errors name the node, not its credentials
      await cluster.node(2).stop()
      const down = await rejection((clients[3] as Client).info())
      expect(isConnectionError(down)).toBe(true)
      await cluster.node(2).start()
      // a URL the parser refuses, with credentials in it
      for (const bad of [
        `https://elastic:${PLANTED.password}@exa mple.com:9200`,
        `https://elastic:${PLANTED.password}@localhost:99999`,
        `ftp://elastic:${PLANTED.password}@localhost:9200`,
      ]) {
        try {
          new Client({ node: bad })
        } catch (error) {
          watch.error(error, 'bad URL')
        }
      }
      expect(watch.scanned).toBeGreaterThan(100)
      recordFigure({
        suite,
        scenario: 'planted secrets (password, API key, bearer token, URL userinfo)',
        requests: cluster.totalStats().requests,
        errors: 0,
        notes: `leaks 0; searched ${watch.scanned} texts in this file (errors, toJSON, inspect, diagnostics payloads ${Object.values(watch.events).reduce((a, b) => a + b, 0)}, console, warnings); every file of the suite runs the same watch`,
      })
    } finally {
      cluster.clearFaults()
      for (const client of clients) await client.close()
    }
  })
})

describe('planted secrets in OpenTelemetry spans', () => {
  it('no credential in a span name, attribute, event, status message or metric, discovery and retries included', async () => {
    const apiKey = cluster.createApiKey({ name: 'planted-otel' })
    const token = cluster.createToken()
    for (const secret of [apiKey.api_key, apiKey.encoded, token.access_token]) watch.plant(secret)
    watch.plant(`${PLANTED.password}-wrong`, 'elastic')
    const spans = new InMemorySpanExporter()
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] })
    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
    const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })
    const meterProvider = new MeterProvider({ readers: [reader] })
    const otel = () => openTelemetry({ tracerProvider, meterProvider, captureQueryText: true })
    const ca = cluster.caCert as string
    const userinfo = new URL(cluster.urls[0] as string)
    userinfo.username = 'url-user'
    userinfo.password = PLANTED.userinfoPassword
    // sniffOnStart: each client's first call waits for a discovery span; maxRetries 1: a retried call's events
    const common = { caCerts: ca, sniffOnStart: true, maxRetries: 1, retryBackoff: 1, ...otel() } as const
    const clients = [
      new Client({ nodes: cluster.urls, basicAuth: ['elastic', PLANTED.password], ...common }),
      new Client({ nodes: cluster.urls, apiKey: apiKey.encoded, ...common }),
      new Client({ nodes: cluster.urls, bearerAuth: token.access_token, ...common }),
      new Client({ node: userinfo.href, ...common }),
    ]
    const refused = [
      new Client({ nodes: cluster.urls, bearerAuth: PLANTED.refusedBearer, ...common }),
      new Client({ nodes: cluster.urls, basicAuth: ['elastic', `${PLANTED.password}-wrong`], ...common }),
    ]
    try {
      for (const client of clients) {
        await client.info()
        await client.search({ query: { match_all: {} } })
        // two 503s: both attempts fail, each an event with its status (and the first with its backoff)
        cluster.inject({ type: 'status', status: 503 }, { times: 2 })
        await rejection(client.info())
        // one 502, then the retry answers
        cluster.inject({ type: 'status', status: 502 }, { times: 1 })
        await client.info()
        await rejection(client.request({ method: 'GET', path: '/', querystring: { api_key: PLANTED.password } }))
      }
      for (const client of refused) {
        const error = await rejection(client.info())
        expect(isResponseError(error) && error.statusCode).toBe(401)
      }
    } finally {
      cluster.clearFaults()
      for (const client of [...clients, ...refused]) await client.close()
    }
    await reader.forceFlush()
    const finished = spans.getFinishedSpans()
    // not vacuous: discovery spans, retried calls with their attempt events, refused credentials
    expect(finished.filter((s) => s.name === 'elasticsearch.discovery').length).toBeGreaterThanOrEqual(clients.length)
    const attempts = finished.flatMap((s) => s.events.filter((e) => e.name === 'elasticsearch.attempt'))
    expect(attempts.some((e) => e.attributes?.['db.response.status_code'] === '503')).toBe(true)
    expect(attempts.some((e) => typeof e.attributes?.['elasticsearch.retry.backoff_ms'] === 'number')).toBe(true)
    // a refused credential: its discovery and the call that waited for it
    expect(finished.filter((s) => s.status.message === '401').map((s) => s.name)).toEqual(
      refused.flatMap(() => ['elasticsearch.discovery', 'info']),
    )
    expect(finished.filter((s) => s.status.message === '503').length).toBeGreaterThanOrEqual(clients.length)

    const planted = [
      ...Object.values(PLANTED),
      apiKey.api_key,
      apiKey.encoded,
      token.access_token,
      `${PLANTED.password}-wrong`,
      Buffer.from(`elastic:${PLANTED.password}`).toString('base64'),
      Buffer.from(`elastic:${PLANTED.password}-wrong`).toString('base64'),
      Buffer.from(`url-user:${PLANTED.userinfoPassword}`).toString('base64'),
    ]
    const surfaces: [string, string][] = []
    for (const span of finished) {
      const where = `span ${span.name}`
      surfaces.push([`${where} name`, span.name])
      surfaces.push([`${where} attributes`, JSON.stringify(span.attributes)])
      surfaces.push([`${where} status`, span.status.message ?? ''])
      for (const event of span.events) {
        surfaces.push([`${where} event ${event.name}`, `${event.name} ${JSON.stringify(event.attributes ?? {})}`])
      }
    }
    surfaces.push(['metrics', JSON.stringify(metricExporter.getMetrics())])
    for (const [where, text] of surfaces) {
      watch.text(where, text)
      for (const secret of planted) expect(text, where).not.toContain(secret)
    }
    recordFigure({
      suite,
      scenario: 'planted secrets in OpenTelemetry spans and metrics',
      requests: finished.length,
      errors: 0,
      notes: `leaks 0; searched ${surfaces.length} span names, attributes, events, status messages and metrics (${finished.length} spans, ${attempts.length} attempt events)`,
    })
    await meterProvider.shutdown()
    await tracerProvider.shutdown()
  })
})
