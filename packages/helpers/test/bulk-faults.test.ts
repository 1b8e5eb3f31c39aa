import { Client } from '@stretch/client'
import { startCluster } from '@stretch/test-cluster'
import { describe, expect, it } from 'vitest'
import { type BulkDrop, bulk } from '../src/index.js'

/** A seeded generator (mulberry32): the same faults on every run. */
function seeded(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('bulk under faults', () => {
  it('stores every document exactly once or reports it through onDrop (429s, resets, 503s)', async () => {
    await using cluster = await startCluster({ nodes: 2 })
    const random = seeded(15)
    const bulkOnly = { path: '/_bulk' }
    cluster.inject({ type: 'bulk-reject' }, { times: Infinity, probability: 0.1, random, match: bulkOnly })
    cluster.inject(
      { type: 'bulk-reject', items: [0, 3, 7] },
      { times: Infinity, probability: 0.2, random, match: bulkOnly },
    )
    cluster.inject(
      { type: 'reset', when: 'after-body' },
      { times: Infinity, probability: 0.02, random, match: bulkOnly },
    )
    cluster.inject({ type: 'status', status: 503 }, { times: Infinity, probability: 0.05, random, match: bulkOnly })
    const client = new Client({
      nodes: cluster.urls,
      caCerts: cluster.caCert,
      basicAuth: ['elastic', cluster.password],
      retryBackoff: 0,
    })
    const n = 5000
    const dropped = new Set<string>()
    const stats = await bulk(client, {
      datasource: Array.from({ length: n }, (_, i) => ({ id: `d${i}`, n: i })),
      flushBytes: 2_000, // about 50 documents a request: about 100 requests
      concurrency: 4,
      retries: 5,
      retryBackoff: 1,
      onDocument: (doc) => ({ index: { _index: 'faults', _id: doc.id } }),
      onDrop: (drop: BulkDrop<{ id: string }>) => dropped.add(drop.document.id),
    })
    await client.close()
    expect(stats.total).toBe(n)
    expect(stats.successful + stats.failed).toBe(n)
    expect(stats.failed).toBe(dropped.size)
    expect(stats.retried).toBeGreaterThan(0)
    expect(stats.uncertain).toBe(0) // every document has an id
    for (let i = 0; i < n; i++) {
      const id = `d${i}`
      const writes = cluster.writeCount('faults', id)
      // Never twice; and once unless dropped (a reset after the body is not applied: dropped and not written).
      expect(writes, id).toBeLessThanOrEqual(1)
      if (!dropped.has(id)) expect(writes, id).toBe(1)
    }
  }, 60_000)
})
