import { Client, errors } from '@elastic/elasticsearch'
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
  client = new Client({ node: cluster.nodes.map((n) => n.url) })
  const lines: string[] = []
  for (let i = 0; i < DOCS; i++) {
    lines.push(JSON.stringify({ index: { _index: 'scroll-docs', _id: `doc-${i}` } }))
    lines.push(JSON.stringify({ n: i, group: i % 3 === 0 ? 'fizz' : 'other' }))
  }
  const res = await call(agent, `${cluster.url}/_bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: `${lines.join('\n')}\n`,
  })
  expect(res.body.errors).toBe(false)
})
afterAll(async () => {
  await client.close()
  await agent.close()
  await cluster.close()
})

const json = (v: unknown): string => JSON.stringify(v)
const on = (i: number, path: string): string => `${cluster.nodes[i]!.url}${path}`

describe('scroll', () => {
  test('the client helper scrollDocuments reads all 504 documents, then clears the scroll', async () => {
    const seen = new Set<number>()
    for await (const doc of client.helpers.scrollDocuments<{ n: number }>({
      index: 'scroll-docs',
      size: 50,
      query: { match_all: {} },
    })) {
      seen.add(doc.n)
    }
    expect(seen.size).toBe(DOCS)
    expect(Math.min(...seen)).toBe(0)
    expect(Math.max(...seen)).toBe(DOCS - 1)
    // The helper cleared its scroll at the end: nothing is left to free.
    expect(cluster.store.contexts.openScrolls).toBe(0)
    const cleared = await call(agent, on(0, '/_search/scroll'), { method: 'DELETE', body: json({ scroll_id: '_all' }) })
    expect(cleared.status).toBe(404)
    expect(cleared.body).toEqual({ succeeded: true, num_freed: 0 })
  })

  test('raw requests: first page with _scroll_id, next pages by body or query, then an empty page', async () => {
    const first = await call(agent, on(0, '/scroll-docs/_search?scroll=1m'), {
      method: 'POST',
      body: json({ size: 100, sort: ['n'], query: { term: { group: 'fizz' } } }),
    })
    expect(first.status).toBe(200)
    expect(Object.keys(first.body)[0]).toBe('_scroll_id')
    expect(typeof first.body._scroll_id).toBe('string')
    expect(first.body.hits.total).toEqual({ value: 168, relation: 'eq' })
    expect(first.body.hits.hits).toHaveLength(100)
    expect(first.body.hits.hits[0]).toMatchObject({ _index: 'scroll-docs', _id: 'doc-0', sort: [0] })
    const id = first.body._scroll_id as string

    // Another node answers the next page: the context is cluster-wide here (one store).
    const second = await call(agent, on(1, '/_search/scroll'), {
      method: 'POST',
      body: json({ scroll: '1m', scroll_id: id }),
    })
    expect(second.status).toBe(200)
    expect(second.body._scroll_id).toBe(id)
    expect(second.body.hits.total).toEqual({ value: 168, relation: 'eq' })
    expect(second.body.hits.hits.map((h: { _source: { n: number } }) => h._source.n)).toEqual(
      Array.from({ length: 68 }, (_, i) => (i + 100) * 3),
    )
    const empty = await call(agent, on(0, `/_search/scroll?scroll=1m&scroll_id=${encodeURIComponent(id)}`))
    expect(empty.status).toBe(200)
    expect(empty.body.hits.hits).toEqual([])

    const cleared = await call(agent, on(1, '/_search/scroll'), { method: 'DELETE', body: json({ scroll_id: [id] }) })
    expect(cleared.status).toBe(200)
    expect(cleared.body).toEqual({ succeeded: true, num_freed: 1 })
    const gone = await call(agent, on(0, '/_search/scroll'), { method: 'POST', body: json({ scroll_id: id }) })
    expect(gone.status).toBe(404)
    expect(gone.body.error.type).toBe('search_phase_execution_exception')
    expect(gone.body.error.root_cause[0].type).toBe('search_context_missing_exception')
  })

  test('the scroll sees the documents as they were when it started', async () => {
    const first = await call(agent, on(0, '/scroll-docs/_search?scroll=1m&size=500'), {
      method: 'POST',
      body: json({ sort: ['n'] }),
    })
    await call(agent, on(0, '/scroll-docs/_doc/doc-503'), { method: 'DELETE' })
    await call(agent, on(0, '/scroll-docs/_doc/late'), { method: 'PUT', body: json({ n: 9999 }) })
    const next = await call(agent, on(0, '/_search/scroll'), {
      method: 'POST',
      body: json({ scroll: '1m', scroll_id: first.body._scroll_id }),
    })
    expect(next.body.hits.hits.map((h: { _id: string }) => h._id)).toEqual(['doc-500', 'doc-501', 'doc-502', 'doc-503'])
    await call(agent, on(0, '/scroll-docs/_doc/late'), { method: 'DELETE' })
    await call(agent, on(0, '/scroll-docs/_doc/doc-503'), { method: 'PUT', body: json({ n: 503, group: 'other' }) })
    await call(agent, on(0, '/_search/scroll'), { method: 'DELETE', body: json({ scroll_id: first.body._scroll_id }) })
  })

  test('an expired scroll answers 404 search_context_missing_exception as Elasticsearch shapes it', async () => {
    const first = await call(agent, on(0, '/scroll-docs/_search?scroll=30s&size=10'), { method: 'POST' })
    const id = first.body._scroll_id as string
    clock += 20_000
    // Each use renews the keep-alive (30s from now).
    expect(
      (await call(agent, on(0, '/_search/scroll'), { method: 'POST', body: json({ scroll_id: id }) })).status,
    ).toBe(200)
    clock += 31_000
    const expired = await call(agent, on(1, '/_search/scroll'), {
      method: 'POST',
      body: json({ scroll: '1m', scroll_id: id }),
    })
    expect(expired.status).toBe(404)
    const reason = expired.body.error.root_cause[0].reason as string
    expect(reason).toMatch(/^No search context found for id \[\d+\]$/)
    const cause = { type: 'search_context_missing_exception', reason }
    expect(expired.body).toEqual({
      error: {
        root_cause: [cause],
        type: 'search_phase_execution_exception',
        reason: 'all shards failed',
        phase: 'query',
        grouped: true,
        failed_shards: [{ shard: -1, index: null, reason: cause }],
        caused_by: cause,
      },
      status: 404,
    })
    // The official client surfaces it as a ResponseError with that type.
    const error = await client.scroll({ scroll_id: id, scroll: '1m' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(errors.ResponseError)
    expect((error as errors.ResponseError).statusCode).toBe(404)
    expect((error as errors.ResponseError).message).toContain('search_context_missing_exception')
  })

  test('a scroll id that is not one gives 400 and clear_scroll of it 400 too', async () => {
    const bad = await call(agent, on(0, '/_search/scroll'), { method: 'POST', body: json({ scroll_id: 'nope' }) })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({ type: 'illegal_argument_exception', reason: 'Cannot parse scroll id' })
    const missing = await call(agent, on(0, '/_search/scroll'), { method: 'POST', body: json({ scroll: '1m' }) })
    expect(missing.status).toBe(400)
    expect(missing.body.error).toMatchObject({
      type: 'action_request_validation_exception',
      reason: 'Validation Failed: 1: scrollId is missing;',
    })
    const clearBad = await call(agent, on(0, '/_search/scroll'), {
      method: 'DELETE',
      body: json({ scroll_id: 'nope' }),
    })
    expect(clearBad.status).toBe(400)
    expect(clearBad.body.error.reason).toBe('Cannot parse scroll id')
  })

  test('clear_scroll with _all frees every open scroll', async () => {
    for (let i = 0; i < 3; i++) await call(agent, on(i % 2, '/scroll-docs/_search?scroll=1m'), { method: 'POST' })
    const cleared = await call(agent, on(1, '/_search/scroll/_all'), { method: 'DELETE' })
    expect(cleared.status).toBe(200)
    expect(cleared.body).toEqual({ succeeded: true, num_freed: 3 })
  })

  test('scroll refuses from, search_after and a too long keep-alive as Elasticsearch does', async () => {
    const from = await call(agent, on(0, '/scroll-docs/_search?scroll=1m'), { method: 'POST', body: json({ from: 5 }) })
    expect(from.status).toBe(400)
    expect(from.body.error).toMatchObject({
      type: 'action_request_validation_exception',
      reason: 'Validation Failed: 1: using [from] is not allowed in a scroll context;',
    })
    const long = await call(agent, on(0, '/scroll-docs/_search?scroll=2d'), { method: 'POST' })
    expect(long.status).toBe(400)
    expect(long.body.error.root_cause[0]).toEqual({
      type: 'illegal_argument_exception',
      reason:
        'Keep alive for request (2d) is too large. It must be less than (1d). This limit can be set by changing the [search.max_keep_alive] cluster level setting.',
    })
  })
})
