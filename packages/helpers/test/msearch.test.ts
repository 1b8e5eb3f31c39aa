import {
  Client,
  isConfigurationError,
  isRequestAbortedError,
  isResponseError,
  type ResponseError,
} from '@stretch/client'
import { startCluster, type TestCluster } from '@stretch/test-cluster'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { msearch } from '../src/index.js'

let cluster: TestCluster
let client: Client

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1 })
  client = new Client({ node: cluster.url, caCerts: cluster.caCert, basicAuth: ['elastic', cluster.password] })
  await client.index({ index: 'books', id: '1', document: { title: 'Dune' }, refresh: true })
  await client.index({ index: 'books', id: '2', document: { title: 'Emma' }, refresh: true })
  await client.index({ index: 'authors', id: 'h', document: { name: 'herbert' }, refresh: true })
  cluster.resetStats()
})
afterAll(async () => {
  await client.close()
  await cluster.close()
})
afterEach(() => {
  cluster.clearFaults()
  cluster.resetStats()
})

const msearchBodies = (): string[][] =>
  cluster
    .requests()
    .filter((r) => r.path === '/_msearch')
    .map((r) =>
      r.body
        .toString()
        .split('\n')
        .filter((l) => l !== ''),
    )

describe('msearch', () => {
  it('batches searches of one tick into one request; each caller gets its own answer or error', async () => {
    const m = msearch(client)
    const [dune, herbert, bad] = await Promise.allSettled([
      m.search<{ title: string }>({ index: 'books', query: { match: { title: 'dune' } } }),
      m.search<{ name: string }>({ index: 'authors', query: { term: { name: 'herbert' } }, size: 1 }),
      // @ts-expect-error: a query clause the server rejects, on purpose
      m.search({ index: 'books', query: { no_such_query: {} } }),
    ])
    expect(dune.status === 'fulfilled' && dune.value.hits.hits.map((h) => h._source?.title)).toEqual(['Dune'])
    expect(herbert.status === 'fulfilled' && herbert.value.hits.hits[0]?._id).toBe('h')
    expect(bad.status).toBe('rejected')
    const error = (bad as PromiseRejectedResult).reason as ResponseError
    expect(isResponseError(error)).toBe(true)
    expect(error.statusCode).toBe(400)
    expect(error.type).toBe('parsing_exception')
    expect(msearchBodies()).toEqual([
      [
        '{"index":"books"}',
        '{"query":{"match":{"title":"dune"}}}',
        '{"index":"authors"}',
        '{"query":{"term":{"name":"herbert"}},"size":1}',
        '{"index":"books"}',
        '{"query":{"no_such_query":{}}}',
      ],
    ])
    await m.close()
  })

  it('cuts batches at maxSearches and keeps `concurrency` requests in flight', async () => {
    let release = (): void => {}
    const until = new Promise<void>((resolve) => {
      release = resolve
    })
    cluster.inject({ type: 'hold', until }, { match: { path: '/_msearch' } })
    const first = new Promise((resolve) => cluster.node(0).events.once('request', resolve))
    const m = msearch(client, { maxSearches: 2, concurrency: 1 })
    const pending = Promise.all(Array.from({ length: 5 }, () => m.search({ index: 'books', size: 0 })))
    await first
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
    expect(msearchBodies()).toHaveLength(1) // the other batches wait for the held one
    release()
    const all = await pending
    expect(all.map((r) => r.hits.hits.length)).toEqual([0, 0, 0, 0, 0])
    expect(msearchBodies().map((lines) => lines.length / 2)).toEqual([2, 2, 1])
    await m.close()
  })

  it('rejects every search of a failed request with its error', async () => {
    cluster.inject({ type: 'status', status: 500 }, { match: { path: '/_msearch' } })
    const m = msearch(client)
    const results = await Promise.allSettled([m.search({ index: 'books' }), m.search({ index: 'authors' })])
    expect(results.map((r) => r.status === 'rejected' && (r.reason as ResponseError).statusCode)).toEqual([500, 500])
  })

  it('an aborted search rejects at once and is left out of its batch; close() refuses later searches', async () => {
    const m = msearch(client)
    const controller = new AbortController()
    const aborted = m.search({ index: 'books', q: 'title:emma' }, { signal: controller.signal })
    const kept = m.search({ index: 'authors' })
    controller.abort()
    await expect(aborted).rejects.toSatisfy(isRequestAbortedError)
    expect((await kept).hits.hits).toHaveLength(1)
    expect(msearchBodies()).toEqual([['{"index":"authors"}', '{}']])
    await m.close()
    const late = await m.search({ index: 'books' }).catch((e: unknown) => e)
    expect(isConfigurationError(late)).toBe(true)
    expect((late as Error).message).toBe('msearch: search() was called after close()')
  })

  it('rejects bad options with a ConfigurationError naming the option', () => {
    expect(() => msearch(client, { maxSearches: 0 })).toThrow(
      'msearch `maxSearches`: must be a whole number, 1 or more (got 0)',
    )
    expect(() => msearch(client, { concurrency: 2.5 })).toThrow(
      /^msearch `concurrency`: must be a whole number from 1 to 1024 \(got 2.5\)$/,
    )
  })
})
