import { Client } from '@elastic/elasticsearch'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startCluster, type TestCluster } from '../src/index.js'
import { call } from './helpers.js'

const DOCS = 504

let cluster: TestCluster
let agent: Agent
let client: Client
let clock: number
beforeAll(async () => {
  cluster = await startCluster({ nodes: 2, security: false })
  clock = Date.now()
  cluster.store.now = () => clock
  agent = new Agent()
  client = new Client({ node: cluster.url })
  const lines: string[] = []
  // Only 4 distinct values of `bucket`: without a tiebreaker, search_after on it alone would skip documents.
  for (let i = 0; i < DOCS; i++) {
    lines.push(JSON.stringify({ index: { _index: i < 300 ? 'pit-a' : 'pit-b', _id: `d${i}` } }))
    lines.push(JSON.stringify({ n: i, bucket: i % 4 }))
  }
  await call(agent, `${cluster.url}/_bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: `${lines.join('\n')}\n`,
  })
})
afterAll(async () => {
  await client.close()
  await agent.close()
  await cluster.close()
})

const json = (v: unknown): string => JSON.stringify(v)
const on = (i: number, path: string): string => `${cluster.nodes[i]!.url}${path}`

interface Page {
  pit_id?: string
  hits: { hits: Array<{ _id: string; _index: string; _source: { n: number }; sort: unknown[] }> }
}

describe('point in time', () => {
  test('open, page with sort + search_after over all documents, the _shard_doc tiebreaker, close', async () => {
    const opened = await call(agent, on(0, '/pit-a,pit-b/_pit?keep_alive=1m'), { method: 'POST' })
    expect(opened.status).toBe(200)
    expect(opened.body._shards).toEqual({ total: 2, successful: 2, skipped: 0, failed: 0 })
    const id = opened.body.id as string
    // Written after the PIT opened: not visible through it.
    await call(agent, on(1, '/pit-b/_doc/late'), { method: 'PUT', body: json({ n: 10_000, bucket: 0 }) })

    const seen: string[] = []
    let after: unknown[] | undefined
    let first: Page | undefined
    for (;;) {
      const res = await call(agent, on(seen.length % 2, '/_search'), {
        method: 'POST',
        body: json({
          size: 100,
          pit: { id, keep_alive: '1m' },
          sort: [{ bucket: 'asc' }],
          ...(after === undefined ? {} : { search_after: after }),
        }),
      })
      expect(res.status).toBe(200)
      const page = res.body as Page
      first ??= page
      if (page.hits.hits.length === 0) break
      for (const h of page.hits.hits) seen.push(h._id)
      after = page.hits.hits.at(-1)?.sort
    }
    expect(seen).toHaveLength(DOCS)
    expect(new Set(seen).size).toBe(DOCS)
    expect(seen).not.toContain('late')
    expect(first?.pit_id).toBe(id)
    // The implicit tiebreaker: the shard (index) ordinal in the upper 32 bits, the document's in the lower.
    expect(first?.hits.hits[0]).toMatchObject({ _index: 'pit-a', _id: 'd0', sort: [0, 0] })
    expect(first?.hits.hits[1]).toMatchObject({ _id: 'd4', sort: [0, 4] })
    const firstOfB = (first?.hits.hits ?? []).find((h) => h._index === 'pit-b')
    expect(firstOfB).toMatchObject({ _id: 'd300', sort: [0, 2 ** 32] })

    const closed = await call(agent, on(1, '/_pit'), { method: 'DELETE', body: json({ id }) })
    expect(closed.status).toBe(200)
    expect(closed.body).toEqual({ succeeded: true, num_freed: 1 })
    const again = await call(agent, on(0, '/_pit'), { method: 'DELETE', body: json({ id }) })
    expect(again.body).toEqual({ succeeded: true, num_freed: 0 })
    const gone = await call(agent, on(0, '/_search'), { method: 'POST', body: json({ pit: { id } }) })
    expect(gone.status).toBe(404)
    expect(gone.body.error.root_cause[0].type).toBe('search_context_missing_exception')
    await call(agent, on(1, '/pit-b/_doc/late'), { method: 'DELETE' })
  })

  test('the official client pages a PIT with search_after, as its docs show', async () => {
    const pit = await client.openPointInTime({ index: 'pit-a', keep_alive: '1m' })
    const ns: number[] = []
    let after: Array<string | number | boolean | null> | undefined
    for (;;) {
      const page = await client.search<{ n: number }>({
        size: 64,
        pit: { id: pit.id, keep_alive: '1m' },
        sort: [{ n: 'desc' }],
        ...(after === undefined ? {} : { search_after: after }),
      })
      if (page.hits.hits.length === 0) break
      for (const h of page.hits.hits) ns.push(h._source?.n ?? -1)
      after = page.hits.hits.at(-1)?.sort as typeof after
    }
    expect(ns).toEqual(Array.from({ length: 300 }, (_, i) => 299 - i))
    expect(await client.closePointInTime({ id: pit.id })).toEqual({ succeeded: true, num_freed: 1 })
  })

  test('a PIT search_after without the tiebreaker value gets no tiebreaker; a wrong count is a 400', async () => {
    const pit = await call(agent, on(0, '/pit-a/_pit?keep_alive=1m'), { method: 'POST' })
    const id = pit.body.id as string
    const res = await call(agent, on(0, '/_search'), {
      method: 'POST',
      body: json({ size: 2, pit: { id }, sort: [{ n: 'asc' }], search_after: [10] }),
    })
    expect(res.body.hits.hits.map((h: { sort: unknown[] }) => h.sort)).toEqual([[11], [12]])
    const wrong = await call(agent, on(0, '/_search'), {
      method: 'POST',
      body: json({ pit: { id }, sort: [{ n: 'asc' }, { bucket: 'asc' }], search_after: [1] }),
    })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error).toMatchObject({
      type: 'search_phase_execution_exception',
      root_cause: [{ type: 'illegal_argument_exception', reason: 'search_after has 1 value(s) but sort has 2.' }],
    })
    await call(agent, on(0, '/_pit'), { method: 'DELETE', body: json({ id }) })
  })

  test('search_after without a PIT pages a sort on a unique field', async () => {
    const ids: string[] = []
    let after: unknown[] | undefined
    for (;;) {
      const res = await call(agent, on(0, '/pit-b/_search'), {
        method: 'POST',
        body: json({ size: 50, sort: ['n'], ...(after === undefined ? {} : { search_after: after }) }),
      })
      const hits = (res.body as Page).hits.hits
      if (hits.length === 0) break
      ids.push(...hits.map((h) => h._id))
      after = hits.at(-1)?.sort
    }
    expect(ids).toEqual(Array.from({ length: 204 }, (_, i) => `d${i + 300}`))
  })

  test('an expired PIT is gone; keep_alive renews it', async () => {
    const pit = await call(agent, on(0, '/pit-a/_pit?keep_alive=30s'), { method: 'POST' })
    const id = pit.body.id as string
    clock += 20_000
    const renewed = await call(agent, on(0, '/_search'), {
      method: 'POST',
      body: json({ pit: { id, keep_alive: '30s' } }),
    })
    expect(renewed.status).toBe(200)
    clock += 31_000
    const expired = await call(agent, on(1, '/_search'), { method: 'POST', body: json({ pit: { id } }) })
    expect(expired.status).toBe(404)
    expect(expired.body.error).toMatchObject({
      type: 'search_phase_execution_exception',
      reason: 'all shards failed',
      caused_by: { type: 'search_context_missing_exception' },
    })
  })

  test('Elasticsearch refuses an index in the path, from with search_after, _shard_doc without a PIT', async () => {
    const pit = await call(agent, on(0, '/pit-a/_pit?keep_alive=1m'), { method: 'POST' })
    const withIndex = await call(agent, on(0, '/pit-a/_search'), {
      method: 'POST',
      body: json({ pit: { id: pit.body.id } }),
    })
    expect(withIndex.status).toBe(400)
    expect(withIndex.body).toEqual({
      error: {
        root_cause: [
          {
            type: 'action_request_validation_exception',
            reason:
              'Validation Failed: 1: [indices] cannot be used with point in time. Do not specify any index with point in time.;',
          },
        ],
        type: 'action_request_validation_exception',
        reason:
          'Validation Failed: 1: [indices] cannot be used with point in time. Do not specify any index with point in time.;',
      },
      status: 400,
    })
    const fromAfter = await call(agent, on(0, '/pit-a/_search'), {
      method: 'POST',
      body: json({ from: 10, sort: ['n'], search_after: [3] }),
    })
    expect(fromAfter.body.error.reason).toBe(
      'Validation Failed: 1: [from] parameter must be set to 0 when [search_after] is used;',
    )
    const shardDoc = await call(agent, on(0, '/pit-a/_search'), {
      method: 'POST',
      body: json({ sort: ['_shard_doc'] }),
    })
    expect(shardDoc.body.error.reason).toBe(
      'Validation Failed: 1: [_shard_doc] sort field cannot be used without [point in time];',
    )
    const noKeepAlive = await call(agent, on(0, '/pit-a/_pit'), { method: 'POST' })
    expect(noKeepAlive.status).toBe(400)
    expect(noKeepAlive.body.error.type).toBe('action_request_validation_exception')
    const slice = await call(agent, on(0, '/pit-a/_search'), {
      method: 'POST',
      body: json({ slice: { id: 0, max: 2 } }),
    })
    expect(slice.body.error.reason).toBe(
      'Validation Failed: 1: [slice] can only be used with [scroll] or [point-in-time] requests;',
    )
    const notAnId = await call(agent, on(0, '/_search'), { method: 'POST', body: json({ pit: { id: 'x' } }) })
    expect(notAnId.status).toBe(400)
    expect(notAnId.body.error).toMatchObject({ type: 'illegal_argument_exception', reason: 'invalid id: [x]' })
    await call(agent, on(0, '/_pit'), { method: 'DELETE', body: json({ id: pit.body.id }) })
  })

  test('slices of a PIT and of a scroll partition the documents', async () => {
    const pit = await call(agent, on(0, '/pit-a,pit-b/_pit?keep_alive=1m'), { method: 'POST' })
    const all = new Set<string>()
    let total = 0
    for (let id = 0; id < 3; id++) {
      const res = await call(agent, on(id % 2, '/_search'), {
        method: 'POST',
        body: json({ size: 1000, pit: { id: pit.body.id }, slice: { id, max: 3 } }),
      })
      const hits = (res.body as Page).hits.hits
      expect(hits.length).toBeGreaterThan(100)
      total += hits.length
      for (const h of hits) all.add(h._id)
    }
    expect(total).toBe(DOCS)
    expect(all.size).toBe(DOCS)
    const scrolled = new Set<string>()
    for (let id = 0; id < 2; id++) {
      let res = await call(agent, on(0, '/pit-a,pit-b/_search?scroll=1m'), {
        method: 'POST',
        body: json({ size: 100, slice: { id, max: 2 } }),
      })
      while (res.body.hits.hits.length > 0) {
        for (const h of res.body.hits.hits) scrolled.add(h._id)
        res = await call(agent, on(1, '/_search/scroll'), {
          method: 'POST',
          body: json({ scroll: '1m', scroll_id: res.body._scroll_id }),
        })
      }
    }
    expect(scrolled.size).toBe(DOCS)
    const bad = await call(agent, on(0, '/_search'), {
      method: 'POST',
      body: json({ pit: { id: pit.body.id }, slice: { id: 2, max: 2 } }),
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.reason).toBe('max must be greater than id')
    await call(agent, on(0, '/_search/scroll/_all'), { method: 'DELETE' })
    await call(agent, on(0, '/_pit'), { method: 'DELETE', body: json({ id: pit.body.id }) })
  })
})
