// Every request a helper makes names the helper in `origin` (RequestOptions.origin of @stretch/transport), so a
// request hook (tracing) can tell it from the application's own calls; nothing of it is sent.
import { Client } from '@stretch/client'
import { startCluster, type TestCluster } from '@stretch/test-cluster'
import type { HookedRequest } from '@stretch/transport'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { bulk, esql, msearch, reindex, scroll, searchAll } from '../src/index.js'

let cluster: TestCluster
let client: Client
const seen: HookedRequest[] = []

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1 })
  client = new Client({
    node: cluster.url,
    caCerts: cluster.caCert,
    basicAuth: ['elastic', cluster.password],
    requestHook: {
      wrap(request, send) {
        seen.push(request)
        return send()
      },
    },
  })
})
afterAll(async () => {
  await client.close()
  await cluster.close()
})
beforeEach(() => {
  seen.length = 0
  cluster.resetStats()
})

const calls = (): string[] => seen.map((r) => `${r.endpoint} ${r.origin ?? '(own)'}`)

function sentNothingOfIt(): void {
  const requests = cluster.requests()
  expect(requests.length).toBeGreaterThan(0)
  for (const request of requests) {
    expect(request.url).not.toMatch(/helpers|origin/)
    expect(request.rawHeaders.join('\n')).not.toMatch(/helpers/)
  }
}

describe('origin of the helpers’ requests', () => {
  it('bulk (and its refresh), searchAll (open, pages, close) and scroll (pages, clear)', async () => {
    await bulk(client, {
      datasource: Array.from({ length: 5 }, (_, n) => ({ n })),
      onDocument: (doc) => ({ index: { _index: 'marked-a', _id: `d${doc.n}` } }),
      refreshOnCompletion: true,
    })
    await client.count({ index: 'marked-a' })
    expect(calls()).toEqual(['bulk helpers.bulk', 'indices.refresh helpers.bulk', 'count (own)'])

    seen.length = 0
    const pit: unknown[] = []
    for await (const hit of searchAll(client, { index: 'marked-a', size: 2 })) pit.push(hit)
    expect(pit).toHaveLength(5)
    expect(calls()).toEqual([
      'open_point_in_time helpers.searchAll',
      'search helpers.searchAll',
      'search helpers.searchAll',
      'search helpers.searchAll',
      'close_point_in_time helpers.searchAll',
    ])

    seen.length = 0
    const scrolled: unknown[] = []
    for await (const hit of scroll(client, { index: 'marked-a', size: 3 })) scrolled.push(hit)
    expect(scrolled).toHaveLength(5)
    expect(calls()).toEqual([
      'search helpers.scroll',
      'scroll helpers.scroll',
      'scroll helpers.scroll',
      'clear_scroll helpers.scroll',
    ])
    sentNothingOfIt()
  })

  it('msearch, esql, and reindex (read as searchAll, written as bulk)', async () => {
    await client.index({ index: 'marked-b', id: '1', document: { title: 'Dune', year: 1965 }, refresh: true })
    const m = msearch(client)
    const [dune] = await Promise.all([m.search({ index: 'marked-b', query: { match_all: {} } })])
    expect(dune.hits.hits).toHaveLength(1)
    await m.close()
    const { records } = await esql(client, 'FROM marked-b | KEEP title').toRecords()
    expect(records).toEqual([{ title: 'Dune' }])
    expect(calls()).toEqual(['index (own)', 'msearch helpers.msearch', 'esql.query helpers.esql'])

    seen.length = 0
    const stats = await reindex(client, { source: { index: 'marked-b' }, target: { index: 'marked-c' } })
    expect(stats.successful).toBe(1)
    expect(calls()).toEqual([
      'open_point_in_time helpers.searchAll',
      'search helpers.searchAll',
      'close_point_in_time helpers.searchAll',
      'bulk helpers.bulk',
    ])
    sentNothingOfIt()
  })
})
