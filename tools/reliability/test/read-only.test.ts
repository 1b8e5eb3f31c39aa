// Read-only requests under socket resets after the request was read: a search goes out as POST (it has a body) but
// changes nothing, so it is resent like a GET; a write is never resent once it may have reached the server.

import { type ConnectionError, isConnectionError } from '@stretch/client'
import type { TestCluster } from '@stretch/test-cluster'
import { rejection } from '@stretch/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listenTransport } from './support/channels.js'
import { recordFigure } from './support/figures.js'
import { Chance, clientOf, runLoad, seed, seeded, startTestCluster } from './support/load.js'
import { watchProcess } from './support/watch.js'

const suite = 'faults'
const watch = watchProcess()
let cluster: TestCluster
beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 3 })
  const client = clientOf(cluster)
  await client.bulk({
    index: 'ro',
    refresh: true,
    operations: Array.from({ length: 20 }, (_, i) => [{ index: { _id: `d${i}` } }, { n: i }]).flat(),
  })
  await client.close()
})
afterAll(async () => {
  await cluster.close()
})

const searchesOf = () => cluster.requests().filter((r) => r.path === '/ro/_search')

describe('read-only requests under resets after the body was read', () => {
  it('client.search with a body is resent through resets and answers', async () => {
    const client = clientOf(cluster, { maxRetries: 10, retryBackoff: 0 })
    cluster.resetStats()
    const resets = cluster.inject({ type: 'reset', when: 'after-body' }, { times: 3, match: { path: '/ro/_search' } })
    try {
      const answer = await client.search({ index: 'ro', query: { range: { n: { gte: 15 } } } }, { meta: true })
      expect(answer.body.hits.total).toEqual({ value: 5, relation: 'eq' })
      expect(answer.meta.attempts).toBe(4)
      expect(resets.hits).toBe(3)
      const sent = searchesOf()
      expect(sent.map((r) => r.method)).toEqual(['POST', 'POST', 'POST', 'POST'])
      // (recorded per node, so not in time order)
      expect(sent.filter((r) => r.fault === 'reset')).toHaveLength(3)
      expect(sent.filter((r) => r.fault === undefined)).toHaveLength(1)
    } finally {
      resets.clear()
      await client.close()
    }
  })

  it('64 callers of search, count and mget with 20% resets after the body: no caller error', async () => {
    const client = clientOf(cluster, { maxRetries: 10, retryBackoff: 1 })
    const random = seeded(seed)
    const resets = cluster.inject(
      { type: 'reset', when: 'after-body' },
      { times: Infinity, match: { path: new Chance(0.2, random) } },
    )
    const events = listenTransport()
    try {
      const run = await runLoad({
        concurrency: 64,
        more: (i) => i < 900,
        task: async (i) => {
          if (i % 3 === 0) {
            const r = await client.search({ index: 'ro', query: { term: { n: i % 20 } } })
            expect(r.hits.hits).toHaveLength(1)
          } else if (i % 3 === 1) {
            expect((await client.count({ index: 'ro', query: { match_all: {} } })).count).toBe(20)
          } else {
            const r = await client.mget({ index: 'ro', ids: [`d${i % 20}`] })
            expect(r.docs).toHaveLength(1)
          }
        },
      })
      events.stop()
      for (const { error } of run.errors) watch.error(error)
      expect(run.errors.map((e) => String(e.error))).toEqual([])
      expect(resets.hits).toBeGreaterThan(90)
      // every reset cost one attempt, which was retried
      expect(events.retries.filter((r) => r.reason === 'ES_ERR_CONNECTION')).toHaveLength(resets.hits)
      recordFigure({
        suite,
        scenario: '20% resets after the body, 900 search/count/mget (POST, read-only)',
        requests: run.count,
        faults: resets.hits,
        errors: run.errors.length,
        retries: events.retries.length,
        notes: `maxRetries 10; seed ${seed}; ${Math.round(run.duration)} ms`,
      })
    } finally {
      events.stop()
      resets.clear()
      await client.close()
    }
  })

  it('client.index is never resent after a possible delivery: one request seen, nothing written, requestSent', async () => {
    const client = clientOf(cluster, { maxRetries: 10, retryBackoff: 0 })
    cluster.resetStats()
    const reset = cluster.inject({ type: 'reset', when: 'after-body' }, { times: 1, match: { path: '/ro/_doc/w1' } })
    try {
      const error = (await rejection(client.index({ index: 'ro', id: 'w1', document: { n: 99 } }))) as ConnectionError
      watch.error(error)
      expect(isConnectionError(error)).toBe(true)
      expect(error.code).toBe('ES_ERR_CONNECTION')
      expect(error.requestSent).toBe(true)
      expect(error.meta?.attempts).toHaveLength(1)
      expect(reset.hits).toBe(1)
      expect(cluster.requests().filter((r) => r.path === '/ro/_doc/w1')).toHaveLength(1)
      expect(cluster.writeCount('ro', 'w1')).toBe(0)
    } finally {
      reset.clear()
      await client.close()
    }
  })
})
