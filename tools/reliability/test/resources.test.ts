// Resources: handles after close(), sockets per node, memory and listeners over many requests. The cluster runs in
// this process too, so the counts below are taken against a baseline taken after it started.
import { getEventListeners, setMaxListeners } from 'node:events'
import { isNoLivingNodesError } from '@stretch/client'
import type { TestCluster } from '@stretch/test-cluster'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listenTransport } from './support/channels.js'
import { recordFigure } from './support/figures.js'
import { clientOf, round, runLoad, startTestCluster, trackSockets } from './support/load.js'
import { watchProcess } from './support/watch.js'

const suite = 'resources'
const watch = watchProcess()
const SOAK_REQUESTS = Number(process.env['RELIABILITY_SOAK_REQUESTS'] ?? 200_000)
const SAMPLES = 10

let cluster: TestCluster
beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 3 })
})
afterAll(async () => {
  await cluster.close()
})

function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>()
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1)
  return counts
}

function processListeners(): number {
  return process.eventNames().reduce((n, name) => n + process.listenerCount(name), 0)
}

function gc(): void {
  ;(globalThis as { gc?: () => void }).gc?.()
}

describe('resources', () => {
  it('leaves no open handle after close(), and refuses requests afterwards', async () => {
    const sockets = trackSockets(cluster.nodes)
    const before = resourceCounts()
    const client = clientOf(cluster, { requestTimeout: 2000 })
    // a clean run, a retried 503 (backoff timer), a timed-out hang and an aborted request
    await runLoad({ concurrency: 32, more: (i) => i < 2000, task: () => client.info() })
    cluster.inject({ type: 'status', status: 503 }, { times: 3 })
    await client.info()
    cluster.inject({ type: 'hang' }, { times: 1 })
    await client.info(undefined, { requestTimeout: 200 })
    cluster.inject({ type: 'delay', ms: 300 }, { times: 1 })
    const aborted = new AbortController()
    const pending = client.info(undefined, { signal: aborted.signal }).catch((e: unknown) => e)
    aborted.abort()
    watch.error(await pending)
    await client.close()
    // the server side of every socket sees the close
    await sockets.allClosed()
    sockets.stop()
    // let the callbacks that socket closes queued (setImmediate) run
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve))
    const after = resourceCounts()
    const grown = [...after].filter(([type, n]) => n > (before.get(type) ?? 0))
    expect(grown, JSON.stringify({ before: [...before], after: [...after] })).toEqual([])
    const closed = await client.info().catch((e: unknown) => e)
    expect(isNoLivingNodesError(closed)).toBe(true)
    watch.error(closed)
    recordFigure({
      suite,
      scenario: 'handles after close()',
      requests: 2004,
      faults: 5,
      errors: 1,
      notes: `active resources before ${[...before.values()].reduce((a, b) => a + b, 0)}, after ${[...after.values()].reduce((a, b) => a + b, 0)}`,
    })
  })

  it('never opens more than connectionsPerNode sockets to a node', async () => {
    const connectionsPerNode = 4
    const sockets = trackSockets(cluster.nodes)
    const client = clientOf(cluster, { connectionsPerNode })
    try {
      const run = await runLoad({ concurrency: 64, more: (i) => i < 3000, task: () => client.info() })
      expect(run.errors).toEqual([])
      for (const node of cluster.nodes) {
        expect(sockets.max(node)).toBeLessThanOrEqual(connectionsPerNode)
        // keep-alive: the same sockets served every request
        expect(sockets.accepted(node)).toBeLessThanOrEqual(connectionsPerNode)
      }
      recordFigure({
        suite,
        scenario: `connectionsPerNode ${connectionsPerNode}, 64 callers`,
        requests: run.count,
        errors: 0,
        notes: `most sockets open at once per node: ${cluster.nodes.map((n) => sockets.max(n)).join(', ')}; accepted: ${cluster.nodes.map((n) => sockets.accepted(n)).join(', ')}`,
      })
    } finally {
      sockets.stop()
      await client.close()
    }
  })

  it(`no growth of memory or listeners over ${SOAK_REQUESTS} requests`, async () => {
    const client = clientOf(cluster)
    // one signal shared by every request, as an application-wide shutdown signal would be: each request must remove
    // the listeners it adds
    const shutdown = new AbortController()
    setMaxListeners(1000, shutdown.signal)
    const events = listenTransport()
    const listenersBefore = processListeners()
    const samples: { done: number; heap: number; rss: number; abortListeners: number }[] = []
    const every = SOAK_REQUESTS / SAMPLES
    try {
      const run = await runLoad({
        concurrency: 64,
        more: (i) => i < SOAK_REQUESTS,
        task: (i) =>
          i % 10 === 0
            ? client.search({ index: 'soak', query: { match_all: {} } }, { signal: shutdown.signal, ignore: [404] })
            : client.info(undefined, { signal: shutdown.signal }),
        onSettled: (done) => {
          if (done % every !== 0) return
          // the test cluster records every request: forget them so only the client's memory is measured
          cluster.resetStats()
          gc()
          const m = process.memoryUsage()
          samples.push({
            done,
            heap: m.heapUsed,
            rss: m.rss,
            abortListeners: getEventListeners(shutdown.signal, 'abort').length,
          })
        },
      })
      events.stop()
      expect(run.errors).toEqual([])
      gc()
      expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0)
      expect(processListeners()).toBe(listenersBefore)
      for (const s of samples) expect(s.abortListeners).toBeLessThanOrEqual(64)
      // after the first samples (warm-up: sockets, JIT, caches), the heap and RSS stay flat
      const warm = samples[2] as (typeof samples)[0]
      const last = samples.at(-1) as (typeof samples)[0]
      const mb = (n: number) => round(n / 1024 / 1024)
      const heapGrowth = mb(last.heap - warm.heap)
      const rssGrowth = mb(last.rss - warm.rss)
      expect(heapGrowth, JSON.stringify(samples.map((s) => mb(s.heap)))).toBeLessThan(8)
      expect(rssGrowth, JSON.stringify(samples.map((s) => mb(s.rss)))).toBeLessThan(48)
      recordFigure({
        suite,
        scenario: `soak: ${SOAK_REQUESTS} requests, 64 callers, one shared AbortSignal`,
        requests: run.count,
        errors: 0,
        retries: events.retries.length,
        notes: `heap ${mb(warm.heap)} -> ${mb(last.heap)} MB, RSS ${mb(warm.rss)} -> ${mb(last.rss)} MB (after warm-up, with gc); abort listeners at the end 0; ${Math.round(run.count / (run.duration / 1000))} req/s`,
      })
    } finally {
      await client.close()
    }
  }, 240_000)
})
