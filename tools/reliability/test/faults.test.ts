// Faults under load: a 3-node test cluster, 64 concurrent callers, bounded request counts. Each scenario records
// its figures for REPORT.md.

import { basicAuth } from '@stretch/auth-basic'
import {
  ApiClient,
  isConnectionError,
  isResponseError,
  isTimeoutError,
  isTransportError,
  type TransportError,
} from '@stretch/client'
import { undiciConnection } from '@stretch/connection-undici'
import { roundRobinSelector } from '@stretch/pool-round-robin'
import type { TestCluster } from '@stretch/test-cluster'
import {
  type Clock,
  type ConnectionFactory,
  type NodePool,
  type PoolNode,
  systemClock,
  Transport,
} from '@stretch/transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listenTransport } from './support/channels.js'
import { recordFigure } from './support/figures.js'
import { ListPool } from './support/list-pool.js'
import {
  Chance,
  clientOf,
  mean,
  percentile,
  round,
  runLoad,
  seed,
  seeded,
  startTestCluster,
  trackSockets,
} from './support/load.js'
import { watchProcess } from './support/watch.js'

const suite = 'faults'
const watch = watchProcess()
const CONCURRENCY = 64
const RANDOM_REQUESTS = Number(process.env['RELIABILITY_RANDOM_REQUESTS'] ?? 20_000)
const BULK_DOCS = 20_000
const BULK_BATCH = 100

// The scenarios that reset sockets run on their own cluster (TLS and security on, like the other), so their faults
// do not disturb the node counters of the others.

/** The clock of a transport that a test moves forward instead of sleeping through a dead node's backoff. */
interface SkippingClock extends Clock {
  /** Moves the clock `ms` forward. */
  skip(ms: number): void
}

function skippingClock(): SkippingClock {
  let skipped = 0
  return {
    now: () => systemClock.now() + skipped,
    sleep: systemClock.sleep,
    skip(ms) {
      skipped += ms
    },
  }
}

/** The API over a transport built here, with the transport's pool (read-only) and clock shown. */
class TransportClient extends ApiClient {
  readonly clock: Clock
  constructor(transport: Transport, clock: Clock) {
    super(transport)
    this.clock = clock
  }
  get pool(): NodePool {
    return this.transport.pool
  }
  close(): Promise<void> {
    return this.transport.close()
  }
}

interface FaultOptions {
  readonly requestTimeout?: number
  readonly connectionsPerNode?: number
}

/** A node pool every scenario runs over. */
interface PoolKind {
  readonly name: string
  /** Appended to each scenario's name in REPORT.md. */
  readonly label: string
  /** A client of every node of `cluster`, trusting its CA, as `elastic`. */
  client(cluster: TestCluster, options?: FaultOptions): ApiClient & { close(): Promise<void> }
  /** The same over a transport whose clock the test moves (and whose pool it reads). */
  clocked(cluster: TestCluster, clock: SkippingClock): TransportClient
}

function connectionOf(cluster: TestCluster, options: FaultOptions): ConnectionFactory {
  return undiciConnection({
    tls: { ca: cluster.caCert as string },
    ...(options.connectionsPerNode === undefined ? {} : { connectionsPerNode: options.connectionsPerNode }),
  })
}

const credentials = (cluster: TestCluster) => basicAuth({ username: 'elastic', password: cluster.password })

const kinds: readonly PoolKind[] = [
  {
    // The client as users make it: its own pool (createNodePool) and round-robin selector.
    name: 'the default pool',
    label: '',
    client: (cluster, options = {}) => clientOf(cluster, options),
    clocked: (cluster, clock) =>
      new TransportClient(
        new Transport({
          nodes: cluster.urls,
          connection: connectionOf(cluster, {}),
          selector: roundRobinSelector(),
          auth: credentials(cluster),
          clock,
        }),
        clock,
      ),
  },
  {
    // A pool written with @stretch/transport's public types only (support/list-pool.ts), given as `pool`.
    name: 'a third-party NodePool',
    label: ' (third-party NodePool)',
    client: (cluster, options = {}) => thirdParty(cluster, options, systemClock),
    clocked: (cluster, clock) => thirdParty(cluster, {}, clock),
  },
]

function thirdParty(cluster: TestCluster, options: FaultOptions, clock: Clock): TransportClient {
  return new TransportClient(
    new Transport({
      pool: new ListPool(cluster.urls, connectionOf(cluster, options), { now: () => clock.now() }),
      auth: credentials(cluster),
      clock,
      ...(options.requestTimeout === undefined ? {} : { requestTimeout: options.requestTimeout }),
    }),
    clock,
  )
}

function typed(error: unknown): TransportError {
  watch.error(error)
  expect(isTransportError(error), `not a typed error: ${String(error)}`).toBe(true)
  return error as TransportError
}

describe.each(kinds)('faults under load, $name', (kind) => {
  // Each suite starts its clusters once, shared by its scenarios (the stores too: the write counts are per suite).
  let cluster: TestCluster
  let noisy: TestCluster
  let baselineMs = 0
  beforeAll(async () => {
    cluster = await startTestCluster({ nodes: 3 })
    noisy = await startTestCluster({ nodes: 3, security: true })
  })
  afterAll(async () => {
    await cluster.close()
    await noisy.close()
  })

  it('one node stopped mid-run and restarted: no caller error, the node is marked dead then alive', async () => {
    const clock = skippingClock()
    const client = kind.clocked(cluster, clock)
    try {
      // warm up (64 sockets per node, TLS handshakes), then measure a clean run
      await runLoad({ concurrency: CONCURRENCY, more: (i) => i < 1000, task: () => client.info() })
      const base = await runLoad({ concurrency: CONCURRENCY, more: (i) => i < 3000, task: () => client.info() })
      expect(base.errors).toEqual([])
      baselineMs = mean(base.latencies)

      const victim = cluster.node(1)
      const events = listenTransport()
      const isVictim = (e: { event: { node: { url: string } } }) => e.event.node.url === victim.url
      let stopped = 0
      let restartedAt = 0
      let outage: Promise<void> | undefined
      let restart: () => void = () => {}
      const restarting = new Promise<void>((resolve) => {
        restart = resolve
      })
      // stop the node after 1500 requests, start it again after 2000 more went through the two others
      const run = await runLoad({
        concurrency: CONCURRENCY,
        more: (i) => i < 6000,
        task: () => client.info(),
        onSettled: (done) => {
          if (done === 1500) {
            outage = (async () => {
              stopped = performance.now()
              await victim.stop()
              await restarting
              await victim.start()
              restartedAt = performance.now()
            })()
          }
          if (done === 3500) restart()
        },
      })
      await outage
      const requestsAtRestart = victim.stats.requests
      // Back in rotation once its dead-node backoff ends (no event marks that moment: the pool resurrects passively
      // on the next selection). The backoff may be up to maxDeadNodeBackoff (30 s): move the transport's clock to
      // the pool's deadUntil instead of waiting it out, then load again.
      const poolNode = client.pool.nodes.find((n) => n.url.href.replace(/\/$/, '') === victim.url) as PoolNode
      const failuresAtRestart = poolNode.failures
      const backoffLeft = Math.max(0, poolNode.deadUntil - clock.now())
      expect(backoffLeft).toBeLessThanOrEqual(30_000)
      clock.skip(backoffLeft)
      // The backoff is over on the transport's clock: of the next three requests (round robin) one goes to the node.
      const back = await runLoad({ concurrency: 3, more: (i) => i < 3, task: () => client.info() })
      expect(back.errors).toEqual([])
      expect(events.alive.some(isVictim)).toBe(true)
      const tail = await runLoad({
        concurrency: CONCURRENCY,
        more: (i) => i < 1000,
        task: () => client.info(),
      })
      events.stop()
      const errors = [...run.errors, ...back.errors, ...tail.errors]
      for (const e of errors) typed(e.error)
      expect(errors.map((e) => String(e.error))).toEqual([])
      const dead = events.dead.filter(isVictim)
      const alive = events.alive.filter(isVictim)
      expect(dead.length).toBeGreaterThan(0)
      expect(alive.length).toBeGreaterThan(0)
      const backAt = (alive.at(-1) as { at: number }).at
      expect(backAt).toBeGreaterThan((dead[0] as { at: number }).at)
      // back in rotation: it answered requests after its restart
      await client.info()
      expect(victim.stats.requests).toBeGreaterThan(requestsAtRestart)
      const added = mean(run.latencies) - baselineMs
      recordFigure({
        suite,
        scenario: `one of 3 nodes stopped, restarted${kind.label}`,
        requests: run.count + back.count + tail.count,
        faults: 1,
        errors: errors.length,
        retries: events.retries.length,
        addedMs: round(added, 2),
        notes: `down ${Math.round(restartedAt - stopped)} ms, ${failuresAtRestart} failures counted (dead-node backoff ${round(backoffLeft / 1000)} s left at restart, skipped on the transport's clock), back in rotation ${round((backAt - stopped) / 1000)} s after the stop; p99 ${round(percentile(run.latencies, 99))} ms vs ${round(percentile(base.latencies, 99))} ms clean; clean mean ${round(baselineMs, 2)} ms`,
      })
    } finally {
      await client.close()
    }
  })

  it('429 with Retry-After: every caller waits as told and the cluster gets one retry per request', async () => {
    const client = kind.client(cluster)
    const arrivals = new Map<string, number[]>()
    const onRequest = (record: { headers: Record<string, unknown> }) => {
      const id = String(record.headers['x-opaque-id'])
      arrivals.set(id, [...(arrivals.get(id) ?? []), performance.now()])
    }
    for (const n of cluster.nodes) n.events.on('request', onRequest)
    const f429 = cluster.inject({ type: 'status', status: 429, retryAfter: 1 }, { times: CONCURRENCY })
    const events = listenTransport()
    try {
      const run = await runLoad({
        concurrency: CONCURRENCY,
        more: (i) => i < CONCURRENCY,
        task: (i) => client.info(undefined, { opaqueId: `r${i}` }),
      })
      events.stop()
      expect(run.errors).toEqual([])
      expect(f429.hits).toBe(CONCURRENCY)
      // exactly two requests per caller, the second one at least the Retry-After (1 s) after the first
      expect(arrivals.size).toBe(CONCURRENCY)
      const waits = [...arrivals.values()].map((times) => {
        expect(times).toHaveLength(2)
        return (times[1] as number) - (times[0] as number)
      })
      expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000)
      expect(events.retries.every((r) => r.delay === 1000)).toBe(true)

      // a Retry-After longer than maxRetryAfter (30 s) ends the retries at once instead of hammering
      arrivals.clear()
      cluster.inject({ type: 'status', status: 429, retryAfter: 120 }, { times: 1 })
      const error = await client.info(undefined, { opaqueId: 'long' }).catch((e: unknown) => e)
      expect(isResponseError(error) && error.statusCode).toBe(429)
      expect(arrivals.get('long')).toHaveLength(1)
      watch.error(error)
      recordFigure({
        suite,
        scenario: `429 + Retry-After: 1 to 64 callers at once${kind.label}`,
        requests: CONCURRENCY + 1,
        faults: CONCURRENCY + 1,
        errors: 1,
        retries: events.retries.length,
        addedMs: round(mean(run.latencies) - baselineMs, 0),
        notes: `node saw 2 requests per caller, shortest wait ${Math.round(Math.min(...waits))} ms; Retry-After 120 s: 1 request, 429 to the caller`,
      })
    } finally {
      for (const n of cluster.nodes) n.events.off('request', onRequest)
      cluster.clearFaults()
      await client.close()
    }
  })

  it('a hanging node: requestTimeout fires, a GET is retried elsewhere, a POST _bulk is not resent', async () => {
    const requestTimeout = 300
    const client = kind.client(cluster, { requestTimeout })
    const events = listenTransport()
    try {
      cluster.resetStats()
      const t1 = performance.now()
      await client.info()
      const single = performance.now() - t1
      cluster.inject({ type: 'hang' }, { times: 1, match: { method: 'GET', path: '/' } })
      const t0 = performance.now()
      const result = await client.info(undefined, { meta: true })
      const took = performance.now() - t0
      expect(result.meta.attempts).toBe(2)
      expect(took).toBeGreaterThanOrEqual(requestTimeout)
      const hung = cluster.nodes.find((n) => n.requests.some((r) => r.fault === 'hang')) as (typeof cluster.nodes)[0]
      expect(result.meta.node.url).not.toBe(hung.url)

      const bulkRequests = () => cluster.requests().filter((r) => r.path === '/_bulk').length
      const operations = [
        { index: { _index: 'hang', _id: 'h1' } },
        { n: 1 },
        { index: { _index: 'hang', _id: 'h2' } },
        { n: 2 },
      ]
      cluster.inject({ type: 'hang' }, { times: 1, match: { method: 'POST', path: '/_bulk' } })
      const timedOut = await client.bulk({ operations }).catch((e: unknown) => e)
      expect(isTimeoutError(timedOut)).toBe(true)
      expect(typed(timedOut).meta?.attempts).toHaveLength(1)
      expect(bulkRequests()).toBe(1)

      cluster.inject({ type: 'reset', when: 'after-body' }, { times: 1, match: { method: 'POST', path: '/_bulk' } })
      const reset = await client.bulk({ operations }).catch((e: unknown) => e)
      expect(isConnectionError(reset) && reset.requestSent).toBe(true)
      expect(typed(reset).meta?.attempts).toHaveLength(1)
      expect(bulkRequests()).toBe(2)
      expect(cluster.writeCount('hang', 'h1')).toBe(0)

      // the same bulk once more, clean: written exactly once
      await client.bulk({ operations })
      expect(bulkRequests()).toBe(3)
      expect([cluster.writeCount('hang', 'h1'), cluster.writeCount('hang', 'h2')]).toEqual([1, 1])
      events.stop()
      recordFigure({
        suite,
        scenario: `hanging node, requestTimeout ${requestTimeout} ms${kind.label}`,
        requests: 4,
        faults: 3,
        errors: 2,
        retries: events.retries.length,
        addedMs: round(took - single, 0),
        notes:
          'GET retried on another node; POST _bulk after a timeout or a reset after the body: 1 request, not resent',
      })
    } finally {
      cluster.clearFaults()
      await client.close()
    }
  })

  it('all nodes down: callers fail fast, then the same client recovers once a node is back', async () => {
    const client = kind.client(cluster)
    const events = listenTransport()
    try {
      await client.info()
      await Promise.all(cluster.nodes.map((n) => n.stop()))
      const t0 = performance.now()
      const run = await runLoad({ concurrency: 16, more: (i) => i < 64, task: () => client.info() })
      const failMs = (performance.now() - t0) / 4 // 4 rounds of 16 callers
      expect(run.latencies).toEqual([])
      expect(run.errors).toHaveLength(64)
      for (const { error } of run.errors) {
        typed(error)
        // every attempt was refused, none waited for requestTimeout (30 s): a refused connection is not waited for
        expect(error).toMatchObject({
          name: 'ConnectionError',
          code: 'ES_ERR_CONNECTION',
          requestSent: false,
          message: expect.stringMatching(
            /^cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\) \(gave up after 4 attempts: /,
          ),
        })
        const attempts = (error as TransportError).meta?.attempts ?? []
        expect(attempts.map((a) => a.error)).toEqual(Array(4).fill('ES_ERR_CONNECTION'))
      }
      expect(events.dead.length).toBeGreaterThanOrEqual(3)

      await cluster.node(2).start()
      const back = await client.info(undefined, { meta: true })
      expect(back.meta.node.url).toBe(cluster.node(2).url)
      expect(events.alive.some((e) => e.event.node.url === cluster.node(2).url)).toBe(true)
      await Promise.all(cluster.nodes.map((n) => n.start()))
      const after = await runLoad({ concurrency: CONCURRENCY, more: (i) => i < 1000, task: () => client.info() })
      expect(after.errors).toEqual([])
      events.stop()
      recordFigure({
        suite,
        scenario: `all 3 nodes down, then back${kind.label}`,
        requests: 64 + 1 + 1000,
        faults: 3,
        errors: run.errors.length,
        retries: events.retries.length,
        notes: `each caller failed after ${Math.round(failMs)} ms on average (connection refused, retries included); first request after one node restarted succeeded`,
      })
    } finally {
      await Promise.all(cluster.nodes.map((n) => n.start()))
      await client.close()
    }
  })

  it(`10% 503 and 2% socket resets at random over ${RANDOM_REQUESTS} requests: failures only when retries ran out`, async () => {
    // fewer sockets than callers: requests queue in the pool, and the resets make it reconnect under that limit
    const connectionsPerNode = 16
    const sockets = trackSockets(noisy.nodes)
    const client = kind.client(noisy, { connectionsPerNode })
    // a clean run on the same cluster first (warm sockets), for the added latency
    await runLoad({ concurrency: CONCURRENCY, more: (i) => i < 500, task: () => client.info() })
    const clean = await runLoad({ concurrency: CONCURRENCY, more: (i) => i < 3000, task: () => client.info() })
    expect(clean.errors).toEqual([])
    const random = seeded(seed)
    const f503 = noisy.inject(
      { type: 'status', status: 503 },
      { times: Infinity, match: { path: new Chance(0.1, random) } },
    )
    // 2% of all requests: 2/90 of those the 503 entry let through
    const fReset = noisy.inject(
      { type: 'reset', when: 'before-body' },
      { times: Infinity, match: { path: new Chance(0.02 / 0.9, random) } },
    )
    const events = listenTransport()
    try {
      const run = await runLoad({
        concurrency: CONCURRENCY,
        more: (i) => i < RANDOM_REQUESTS,
        task: () => client.info(),
      })
      events.stop()
      const faults = f503.hits + fReset.hits
      const maxAttempts = 4 // maxRetries 3 (the default) + 1
      for (const { error } of run.errors) {
        const e = typed(error)
        // it failed because its retries ran out: every attempt is listed, and each met an injected fault
        expect(e.meta?.attempts).toHaveLength(maxAttempts)
        for (const a of e.meta?.attempts ?? []) {
          expect(a.statusCode === 503 || a.error === 'ES_ERR_CONNECTION', JSON.stringify(a)).toBe(true)
        }
        expect(isResponseError(e) || isConnectionError(e)).toBe(true)
        if (isConnectionError(e)) expect(e.message).toContain(`gave up after ${maxAttempts} attempts`)
      }
      // every injected fault cost exactly one attempt: it was retried, or it was the last attempt of a failure
      expect(faults).toBe(events.retries.length + run.errors.length)
      expect(run.errors.length).toBeLessThan(RANDOM_REQUESTS * 0.005)
      for (const node of noisy.nodes) expect(sockets.max(node), node.name).toBeLessThanOrEqual(connectionsPerNode)
      recordFigure({
        suite,
        scenario: `10% 503 + 2% resets, random, ${RANDOM_REQUESTS} GET${kind.label}`,
        requests: run.count,
        faults,
        errors: run.errors.length,
        retries: events.retries.length,
        addedMs: round(mean(run.latencies) - mean(clean.latencies), 2),
        notes: `p99 ${round(percentile(run.latencies, 99))} ms vs ${round(percentile(clean.latencies, 99))} ms clean; sockets per node at most ${Math.max(...noisy.nodes.map((n) => sockets.max(n)))} (limit ${connectionsPerNode}), ${noisy.nodes.reduce((a, n) => a + sockets.accepted(n), 0)} opened; 503: ${f503.hits}, resets: ${fReset.hits}; failures all after ${maxAttempts} attempts; seed ${seed}; ${Math.round(run.duration)} ms`,
      })
    } finally {
      sockets.stop()
      f503.clear()
      fReset.clear()
      await client.close()
    }
  })

  it(`${BULK_DOCS} documents through bulk under faults: acknowledged ones stored once, the others reported`, async () => {
    const requestTimeout = 1000
    const client = kind.client(noisy, { requestTimeout })
    const random = seeded(seed + 1)
    const bulkPath = { method: 'POST', path: '/_bulk' } as const
    const injected = [
      noisy.inject(
        { type: 'status', status: 503 },
        { times: Infinity, match: { ...bulkPath, path: new Chance(0.1, random) } },
      ),
      noisy.inject(
        { type: 'status', status: 429, retryAfter: 0 },
        { times: Infinity, match: { ...bulkPath, path: new Chance(0.05, random) } },
      ),
      noisy.inject(
        { type: 'reset', when: 'after-body' },
        { times: Infinity, match: { ...bulkPath, path: new Chance(0.03, random) } },
      ),
      noisy.inject(
        { type: 'reset', when: 'before-body' },
        { times: Infinity, match: { ...bulkPath, path: new Chance(0.02, random) } },
      ),
      noisy.inject({ type: 'hang' }, { times: Infinity, match: { ...bulkPath, path: new Chance(0.01, random) } }),
    ]
    const index = 'reliability-bulk'
    const acknowledged = new Set<string>()
    const reported = new Map<string, string>()
    const events = listenTransport()
    const batches = BULK_DOCS / BULK_BATCH
    try {
      const run = await runLoad({
        concurrency: 8,
        more: (i) => i < batches,
        task: async (b) => {
          const ids = Array.from({ length: BULK_BATCH }, (_, k) => `d${b * BULK_BATCH + k}`)
          // every 1000th document has a source that is not an object: an item-level error
          const operations = ids.flatMap((id, k) => [
            { index: { _index: index, _id: id } },
            (b * BULK_BATCH + k) % 1000 === 999 ? 42 : { n: id },
          ])
          try {
            // The document type named: a number is no object, which an untyped bulk's lines must be.
            const response = await client.bulk<number | { n: string }>({ operations })
            response.items.forEach((item, k) => {
              const result = Object.values(item)[0] as { status: number; error?: { type?: string } }
              const id = ids[k] as string
              if (result.status >= 200 && result.status < 300) acknowledged.add(id)
              else reported.set(id, `item ${result.status} ${result.error?.type}`)
            })
          } catch (error) {
            const e = typed(error)
            for (const id of ids) reported.set(id, e.code)
            throw error
          }
        },
      })
      events.stop()
      const faults = injected.reduce((n, f) => n + f.hits, 0)
      // nothing lost silently: every document is acknowledged or reported, never both
      expect(acknowledged.size + reported.size).toBe(BULK_DOCS)
      for (const id of acknowledged) expect(reported.has(id)).toBe(false)
      const stored = noisy.store.getIndex(index)
      let storedOnce = 0
      for (let i = 0; i < BULK_DOCS; i++) {
        const id = `d${i}`
        const writes = noisy.writeCount(index, id)
        expect(writes, id).toBeLessThanOrEqual(1)
        if (acknowledged.has(id)) {
          expect(writes, id).toBe(1)
          expect(stored?.docs.has(id), id).toBe(true)
          storedOnce += 1
        }
      }
      // the faults here strike before the node writes, so a reported document was not written either
      for (const id of reported.keys()) expect(noisy.writeCount(index, id), id).toBe(0)
      expect(run.errors.length).toBeGreaterThan(0)
      const itemErrors = [...reported.values()].filter((r) => r.startsWith('item')).length
      // the documents whose source is not an object were refused item by item, and never acknowledged
      for (let i = 999; i < BULK_DOCS; i += 1000) expect(acknowledged.has(`d${i}`)).toBe(false)
      expect(itemErrors).toBeGreaterThan(0)
      recordFigure({
        suite,
        scenario: `${BULK_DOCS} docs with ids, bulk of ${BULK_BATCH}, 8 callers, faults on _bulk${kind.label}`,
        requests: run.count,
        faults,
        errors: run.errors.length,
        retries: events.retries.length,
        notes: `${storedOnce} docs acknowledged and stored once; ${reported.size} reported (${itemErrors} item errors, ${run.errors.length} failed bulks: ${summarize(run.errors.map((e) => (e.error as TransportError).code))}); faults: 503 10%, 429 5%, reset after body 3%, before body 2%, hang 1%`,
      })
    } finally {
      for (const f of injected) f.clear()
      await client.close()
    }
  })
})

function summarize(codes: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1)
  return [...counts].map(([c, n]) => `${n} ${c}`).join(', ')
}
