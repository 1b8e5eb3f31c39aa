import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startCluster, type TestCluster } from '../src/index.js'
import { type Answer, call } from './helpers.js'

let cluster: TestCluster
let agent: Agent
beforeAll(async () => {
  cluster = await startCluster({ nodes: 3, security: false })
  agent = new Agent()
})
afterAll(async () => {
  await agent.close()
  await cluster.close()
})

const on = (i: number, path: string): string => `${cluster.nodes[i]!.url}${path}`
const json = (v: unknown): string => JSON.stringify(v)
const ndjson = (lines: unknown[]): string => `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`

describe('indices', () => {
  test('create, exists, get, mapping, delete; errors like Elasticsearch', async () => {
    const created = await call(agent, on(0, '/books'), {
      method: 'PUT',
      body: json({ mappings: { properties: { title: { type: 'text' } } } }),
    })
    expect(created.body).toEqual({ acknowledged: true, shards_acknowledged: true, index: 'books' })
    const again = await call(agent, on(1, '/books'), { method: 'PUT' })
    expect(again.status).toBe(400)
    expect(again.body.error.type).toBe('resource_already_exists_exception')
    expect((await call(agent, on(2, '/books'), { method: 'HEAD' })).status).toBe(200)
    expect((await call(agent, on(2, '/nope'), { method: 'HEAD' })).status).toBe(404)
    const got = await call(agent, on(2, '/books'))
    expect(got.body.books.mappings).toEqual({ properties: { title: { type: 'text' } } })
    await call(agent, on(0, '/books/_mapping'), {
      method: 'PUT',
      body: json({ properties: { year: { type: 'integer' } } }),
    })
    const mapping = await call(agent, on(1, '/books/_mapping'))
    expect(mapping.body).toEqual({
      books: { mappings: { properties: { title: { type: 'text' }, year: { type: 'integer' } } } },
    })
    const bad = await call(agent, on(0, '/Books'), { method: 'PUT' })
    expect(bad.body.error.type).toBe('invalid_index_name_exception')
    expect((await call(agent, on(0, '/books'), { method: 'DELETE' })).body).toEqual({ acknowledged: true })
    const missing = await call(agent, on(0, '/books'), { method: 'DELETE' })
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({
      error: {
        root_cause: [{ type: 'index_not_found_exception' }],
        type: 'index_not_found_exception',
        reason: 'no such index [books]',
        index: 'books',
      },
      status: 404,
    })
  })
})

describe('documents', () => {
  test('index with and without id, get from another node, update, create conflict, delete', async () => {
    const put = await call(agent, on(0, '/docs/_doc/1'), { method: 'PUT', body: json({ title: 'One', n: 1 }) })
    expect(put.status).toBe(201)
    expect(put.body).toMatchObject({
      _index: 'docs',
      _id: '1',
      _version: 1,
      result: 'created',
      _seq_no: 0,
      _primary_term: 1,
    })
    const post = await call(agent, on(1, '/docs/_doc'), { method: 'POST', body: json({ title: 'Auto' }) })
    expect(post.status).toBe(201)
    expect(post.body._id).toMatch(/^[\w-]{20}$/)
    const got = await call(agent, on(2, '/docs/_doc/1'))
    expect(got.body).toEqual({
      _index: 'docs',
      _id: '1',
      _version: 1,
      _seq_no: 0,
      _primary_term: 1,
      found: true,
      _source: { title: 'One', n: 1 },
    })
    expect((await call(agent, on(2, '/docs/_doc/1'), { method: 'HEAD' })).status).toBe(200)
    const none = await call(agent, on(2, '/docs/_doc/404'))
    expect(none.status).toBe(404)
    expect(none.body).toEqual({ _index: 'docs', _id: '404', found: false })
    expect((await call(agent, on(2, '/nope/_doc/1'))).body.error.type).toBe('index_not_found_exception')

    const updated = await call(agent, on(1, '/docs/_update/1'), { method: 'POST', body: json({ doc: { n: 2 } }) })
    expect(updated.body).toMatchObject({ result: 'updated', _version: 2 })
    expect((await call(agent, on(0, '/docs/_doc/1'))).body._source).toEqual({ title: 'One', n: 2 })
    const noop = await call(agent, on(1, '/docs/_update/1'), { method: 'POST', body: json({ doc: { n: 2 } }) })
    expect(noop.body.result).toBe('noop')
    const missing = await call(agent, on(1, '/docs/_update/nope'), { method: 'POST', body: json({ doc: { n: 2 } }) })
    expect(missing.status).toBe(404)
    expect(missing.body.error.type).toBe('document_missing_exception')

    const conflict = await call(agent, on(0, '/docs/_create/1'), { method: 'PUT', body: json({ title: 'dup' }) })
    expect(conflict.status).toBe(409)
    expect(conflict.body).toMatchObject({
      error: {
        type: 'version_conflict_engine_exception',
        reason: '[1]: version conflict, document already exists (current version [2])',
      },
      status: 409,
    })
    const stale = await call(agent, on(0, '/docs/_doc/1?if_seq_no=0&if_primary_term=1'), {
      method: 'PUT',
      body: json({}),
    })
    expect(stale.status).toBe(409)

    const deleted = await call(agent, on(2, '/docs/_doc/1'), { method: 'DELETE' })
    expect(deleted.body).toMatchObject({ result: 'deleted', _version: 3 })
    const gone = await call(agent, on(2, '/docs/_doc/1'), { method: 'DELETE' })
    expect(gone.status).toBe(404)
    expect(gone.body.result).toBe('not_found')
    expect(cluster.writeCount('docs', '1')).toBe(3)
  })

  test('bad JSON and unknown queries are 400s with Elasticsearch types', async () => {
    const badJson = await call(agent, on(0, '/docs/_search'), { method: 'POST', body: '{"query":' })
    expect(badJson.status).toBe(400)
    const unknown = await call(agent, on(0, '/docs/_search'), {
      method: 'POST',
      body: json({ query: { fuzzy_wuzzy: {} } }),
    })
    expect(unknown.status).toBe(400)
    expect(unknown.body).toMatchObject({
      error: { type: 'parsing_exception', reason: 'unknown query [fuzzy_wuzzy]' },
      status: 400,
    })
    const noRoute = await call(agent, on(0, '/_nope/x/y'))
    expect(noRoute.status).toBe(400)
    expect(noRoute.body.error).toBe('no handler found for uri [/_nope/x/y] and method [GET]')
  })
})

describe('bulk, search, count, mget, msearch', () => {
  beforeAll(async () => {
    const res = await call(agent, on(0, '/_bulk'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: ndjson([
        { index: { _index: 'films', _id: 'a' } },
        { title: 'The Quick Brown Fox', year: 1999, genre: ['comedy'], rating: 7.5 },
        { index: { _index: 'films', _id: 'b' } },
        { title: 'Slow Green Turtle', year: 2005, genre: ['drama'], rating: 8.1 },
        { create: { _index: 'films', _id: 'c' } },
        { title: 'Quick Silver', year: 2012, genre: ['action', 'comedy'], rating: 6.2 },
        { index: { _index: 'films', _id: 'd' } },
        { title: 'Nothing Here', year: 2020, genre: ['drama'] },
      ]),
    })
    expect(res.body.errors).toBe(false)
  })

  test('bulk answers per item, with errors and the errors flag', async () => {
    const res = await call(agent, on(1, '/films/_bulk'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: ndjson([
        { create: { _id: 'a' } },
        { title: 'dup' },
        { update: { _id: 'd' } },
        { doc: { rating: 5.5 } },
        { delete: { _id: 'zzz' } },
        { update: { _id: 'missing' } },
        { doc: { x: 1 } },
        { index: { _index: 'films', _id: 'e' } },
        { title: 'Extra' },
        { delete: { _id: 'e' } },
      ]),
    })
    expect(res.status).toBe(200)
    expect(res.body.errors).toBe(true)
    const items = res.body.items
    expect(items[0].create).toMatchObject({
      _index: 'films',
      _id: 'a',
      status: 409,
      error: { type: 'version_conflict_engine_exception' },
    })
    expect(items[1].update).toMatchObject({ _id: 'd', status: 200, result: 'updated' })
    expect(items[2].delete).toMatchObject({ _id: 'zzz', status: 404, result: 'not_found' })
    expect(items[3].update).toMatchObject({ status: 404, error: { type: 'document_missing_exception' } })
    expect(items[4].index).toMatchObject({ status: 201, result: 'created' })
    expect(items[5].delete).toMatchObject({ status: 200, result: 'deleted' })
    expect(cluster.writeCount('films', 'a')).toBe(1)
    expect(cluster.writeCount('films', 'e')).toBe(2)
    const unterminated = await call(agent, on(1, '/_bulk'), {
      method: 'POST',
      body: '{"index":{"_index":"x"}}\n{"a":1}',
    })
    expect(unterminated.status).toBe(400)
    expect(unterminated.body.error.reason).toBe('The bulk request must be terminated by a newline [\\n]')
  })

  const search = async (body: unknown, node = 2, index = 'films'): Promise<Answer['body']> =>
    (await call(agent, on(node, `/${index}/_search`), { method: 'POST', body: json(body) })).body

  test('match_all, term, terms, match, range, ids, bool; totals; size/from; sort', async () => {
    const all = await search({ query: { match_all: {} } })
    expect(all.hits.total).toEqual({ value: 4, relation: 'eq' })
    expect(all).toMatchObject({ timed_out: false, _shards: { failed: 0 } })
    const ids = (r: Answer['body']): string[] => r.hits.hits.map((h: { _id: string }) => h._id)
    expect(ids(await search({ query: { term: { genre: 'comedy' } }, sort: ['_id'] }))).toEqual(['a', 'c'])
    expect(ids(await search({ query: { term: { 'title.keyword': 'Quick Silver' } } }))).toEqual(['c'])
    expect(ids(await search({ query: { terms: { year: [1999, 2020] } }, sort: [{ year: 'desc' }] }))).toEqual([
      'd',
      'a',
    ])
    expect(ids(await search({ query: { match: { title: 'quick fox' } } }))).toEqual(['a', 'c'])
    expect(ids(await search({ query: { match: { title: { query: 'quick fox', operator: 'and' } } } }))).toEqual(['a'])
    expect(
      ids(await search({ query: { range: { year: { gte: 2005, lt: 2020 } } }, sort: [{ year: { order: 'asc' } }] })),
    ).toEqual(['b', 'c'])
    expect(ids(await search({ query: { ids: { values: ['b', 'zz'] } } }))).toEqual(['b'])
    const bool = await search({
      query: {
        bool: {
          filter: [{ range: { year: { gte: 2000 } } }],
          should: [{ term: { genre: 'drama' } }],
          must_not: [{ term: { _id: 'd' } }],
        },
      },
    })
    expect(ids(bool)).toEqual(['b', 'c'])
    expect(
      ids(
        await search({
          query: { bool: { should: [{ term: { genre: 'action' } }, { term: { year: 1999 } }] } },
          sort: ['year'],
        }),
      ),
    ).toEqual(['a', 'c'])
    const page = await search({ sort: [{ year: 'asc' }], size: 2, from: 1 })
    expect(ids(page)).toEqual(['b', 'c'])
    expect(page.hits.total.value).toBe(4)
    expect(page.hits.hits[0]).toMatchObject({ _score: null, sort: [2005] })
    const rating = await search({ sort: [{ rating: 'desc' }] })
    expect(ids(rating)).toEqual(['b', 'a', 'c', 'd'])
  })

  test('_count, _mget, _msearch, _refresh, _cluster/health', async () => {
    const count = await call(agent, on(0, '/films/_count'), {
      method: 'POST',
      body: json({ query: { term: { genre: 'drama' } } }),
    })
    expect(count.body.count).toBe(2)
    const mget = await call(agent, on(1, '/_mget'), {
      method: 'POST',
      body: json({
        docs: [
          { _index: 'films', _id: 'a' },
          { _index: 'films', _id: 'nope' },
          { _index: 'missing', _id: '1' },
        ],
      }),
    })
    expect(mget.body.docs[0]).toMatchObject({ _id: 'a', found: true, _source: { year: 1999 } })
    expect(mget.body.docs[1]).toEqual({ _index: 'films', _id: 'nope', found: false })
    expect(mget.body.docs[2].error.type).toBe('index_not_found_exception')
    const msearch = await call(agent, on(2, '/_msearch'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: ndjson([{ index: 'films' }, { query: { ids: { values: ['a'] } } }, { index: 'missing' }, {}]),
    })
    expect(msearch.body.responses[0]).toMatchObject({ status: 200, hits: { total: { value: 1 } } })
    expect(msearch.body.responses[1]).toMatchObject({ status: 404, error: { type: 'index_not_found_exception' } })
    expect((await call(agent, on(0, '/films/_refresh'), { method: 'POST' })).body._shards.failed).toBe(0)
    const health = await call(agent, on(0, '/_cluster/health'))
    expect(health.body).toMatchObject({ status: 'green', number_of_nodes: 3, number_of_data_nodes: 3 })
    const missing = await call(agent, on(0, '/missing/_search'), { method: 'POST', body: '{}' })
    expect(missing.status).toBe(404)
    const wildcard = await call(agent, on(0, '/fil*/_search'), { method: 'POST', body: '{}' })
    expect(wildcard.body.hits.total.value).toBe(4)
    const lenient = await call(agent, on(0, '/films,missing/_search?ignore_unavailable=true'), {
      method: 'POST',
      body: '{}',
    })
    expect(lenient.body.hits.total.value).toBe(4)
    const q = await call(agent, on(1, '/films/_search?q=title:quick&sort=year:desc'))
    expect(q.body.hits.hits.map((h: { _id: string }) => h._id)).toEqual(['c', 'a'])
    const untracked = await call(agent, on(1, '/films/_search'), {
      method: 'POST',
      body: json({ track_total_hits: false }),
    })
    expect(untracked.body.hits.total).toBeUndefined()
    const window = await call(agent, on(1, '/films/_search'), { method: 'POST', body: json({ from: 9990, size: 20 }) })
    expect(window.status).toBe(400)
    expect(window.body.error.caused_by.reason).toMatch(/^Result window is too large/)
    const source = await call(agent, on(2, '/films/_source/a'))
    expect(source.body).toMatchObject({ title: 'The Quick Brown Fox' })
  })

  test('aggregations: terms on keyword fields (text refused like fielddata), metrics, sub-aggregations', async () => {
    const res = await search({
      size: 0,
      aggs: {
        genres: { terms: { field: 'genre.keyword' }, aggs: { best: { max: { field: 'rating' } } } },
        avg_year: { avg: { field: 'year' } },
        years: { stats: { field: 'year' } },
        titles: { cardinality: { field: 'title.keyword' } },
      },
    })
    expect(res.hits.hits).toEqual([])
    expect(res.aggregations.genres.buckets).toEqual([
      { key: 'comedy', doc_count: 2, best: { value: 7.5 } },
      { key: 'drama', doc_count: 2, best: { value: 8.1 } },
      { key: 'action', doc_count: 1, best: { value: 6.2 } },
    ])
    expect(res.aggregations.avg_year.value).toBe((1999 + 2005 + 2012 + 2020) / 4)
    expect(res.aggregations.years).toMatchObject({ count: 4, min: 1999, max: 2020 })
    expect(res.aggregations.titles.value).toBe(4)
    const text = await call(agent, on(0, '/films/_search'), {
      method: 'POST',
      body: json({ aggs: { g: { terms: { field: 'genre' } } } }),
    })
    expect(text.status).toBe(400)
    expect(text.body.error.reason).toMatch(/^Fielddata is disabled on \[genre\] in \[films\]/)
  })

  test('_cat answers text (with ?v headers) or JSON with ?format=json', async () => {
    const health = await call(agent, on(0, '/_cat/health?v'))
    expect(health.headers['content-type']).toBe('text/plain; charset=UTF-8')
    expect(health.text.split('\n')[0]).toMatch(/^epoch\s+timestamp\s+cluster\s+status/)
    expect(health.text).toContain('green')
    const indices = await call(agent, on(1, '/_cat/indices/films?format=json'))
    expect(indices.body).toEqual([expect.objectContaining({ index: 'films', health: 'green', 'docs.count': '4' })])
    const nodes = await call(agent, on(2, '/_cat/nodes'))
    expect(nodes.text.trim().split('\n')).toHaveLength(3)
  })
})
