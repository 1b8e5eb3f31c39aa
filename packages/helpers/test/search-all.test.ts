import { Client, isConfigurationError, isRequestAbortedError, isResponseError, type SearchHit } from '@stretch/client'
import { startCluster, type TestCluster } from '@stretch/test-cluster'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { bulk, scroll, searchAll } from '../src/index.js'

interface Doc {
  n: number
  group: string
}

const kDocs = 2500
let cluster: TestCluster
let client: Client

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1 })
  client = new Client({ nodes: cluster.urls, caCerts: cluster.caCert, basicAuth: ['elastic', cluster.password] })
  const stats = await bulk(client, {
    datasource: Array.from({ length: kDocs }, (_, n): Doc => ({ n, group: n % 2 === 0 ? 'even' : 'odd' })),
    onDocument: (doc) => ({ index: { _index: 'every', _id: `d${doc.n}` } }),
  })
  expect(stats.successful).toBe(kDocs)
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

const sent = (): string[] =>
  cluster
    .requests()
    .filter((r) => r.method !== 'HEAD')
    .map((r) => `${r.method} ${r.path}`)
const contexts = (): { scrolls: number; pits: number } => ({
  scrolls: cluster.store.contexts.openScrolls,
  pits: cluster.store.contexts.openPits,
})

/** Resolves when the next request to `path` reaches a node. */
function arrival(path: string): Promise<void> {
  return new Promise((resolve) => {
    const listeners: Array<() => void> = []
    for (const node of cluster.nodes) {
      const on = (r: { path: string }): void => {
        if (r.path !== path) return
        for (const off of listeners) off()
        resolve()
      }
      node.events.on('request', on)
      listeners.push(() => node.events.off('request', on))
    }
  })
}

describe('searchAll (point in time + search_after)', () => {
  it('yields every hit once, in pages of `size`, and closes the point in time', async () => {
    const ids: string[] = []
    for await (const hit of searchAll<Doc>(client, { index: 'every', query: { match_all: {} } }))
      ids.push(hit._id as string)
    expect(ids).toHaveLength(kDocs)
    expect(new Set(ids).size).toBe(kDocs)
    expect(sent()).toEqual(['POST /every/_pit', 'POST /_search', 'POST /_search', 'POST /_search', 'DELETE /_pit'])
    expect(contexts().pits).toBe(0)
  })

  it('yields the sources in `documents` mode, in the order of a user sort, with the query applied', async () => {
    const docs: Doc[] = []
    for await (const doc of searchAll<Doc>(
      client,
      { index: 'every', query: { term: { group: 'odd' } }, sort: [{ n: 'desc' }], size: 300 },
      { documents: true },
    )) {
      docs.push(doc)
    }
    expect(docs).toHaveLength(kDocs / 2)
    expect(docs[0]).toEqual({ n: kDocs - 1, group: 'odd' })
    expect(docs.every((d, i) => i === 0 || (docs[i - 1] as Doc).n > d.n)).toBe(true)
    expect(contexts().pits).toBe(0)
  })

  it('reads disjoint slices that together hold every hit', async () => {
    const read = async (id: number): Promise<string[]> => {
      const out: string[] = []
      for await (const hit of searchAll(client, { index: 'every', slice: { id: String(id), max: 2 }, size: 500 }))
        out.push(hit._id as string)
      return out
    }
    const [a, b] = await Promise.all([read(0), read(1)])
    expect(a.length).toBeGreaterThan(0)
    expect(b.length).toBeGreaterThan(0)
    expect(new Set([...a, ...b]).size).toBe(kDocs)
    expect(a.length + b.length).toBe(kDocs)
    expect(contexts().pits).toBe(0)
  })

  it('asks for the next page while the loop is still on the current one', async () => {
    let searches = 0
    let second = (): void => {}
    const secondArrived = new Promise<void>((resolve) => {
      second = resolve
    })
    const onRequest = (r: { path: string }): void => {
      if (r.path === '/_search' && ++searches === 2) second()
    }
    for (const node of cluster.nodes) node.events.on('request', onRequest)
    try {
      const iterator = searchAll<Doc>(client, { index: 'every', size: 100 }, { documents: true })
      const first = await iterator.next()
      expect(first.value).toEqual({ n: 0, group: 'even' })
      // The loop holds the first hit of page 1 and asks for nothing more: page 2 is requested all the same.
      await secondArrived
      expect(sent()).toEqual(['POST /every/_pit', 'POST /_search', 'POST /_search'])
      const rest: number[] = []
      for await (const doc of iterator) rest.push(doc.n)
      expect(rest).toEqual(Array.from({ length: kDocs - 1 }, (_, i) => i + 1))
      expect(sent().filter((line) => line === 'POST /_search')).toHaveLength(kDocs / 100 + 1)
      expect(sent().at(-1)).toBe('DELETE /_pit')
      expect(contexts().pits).toBe(0)
    } finally {
      for (const node of cluster.nodes) node.events.off('request', onRequest)
    }
  })

  it('closes the point in time on break, after the page read ahead', async () => {
    let seen = 0
    for await (const _ of searchAll(client, { index: 'every', size: 100 })) {
      if (++seen === 10) break
    }
    // Page 2 was asked for when page 1 arrived; the close waits for it and comes last.
    expect(sent()).toEqual(['POST /every/_pit', 'POST /_search', 'POST /_search', 'DELETE /_pit'])
    expect(contexts().pits).toBe(0)
  })

  it('closes the point in time when a page fails, and rethrows the error', async () => {
    const iterator = searchAll(client, { index: 'every', size: 1000 })
    const first = await iterator.next()
    expect(first.done).toBe(false)
    cluster.inject({ type: 'status', status: 400 }, { match: { path: '/_search' } })
    const error = await (async () => {
      for await (const _ of iterator) {
        // drain
      }
    })().catch((e: unknown) => e)
    expect(isResponseError(error)).toBe(true)
    expect(error).toMatchObject({ statusCode: 400 })
    expect(sent().at(-1)).toBe('DELETE /_pit')
    expect(contexts().pits).toBe(0)
  })

  it('closes the point in time when the loop body throws', async () => {
    const boom = new Error('consumer failed')
    await expect(
      (async () => {
        for await (const _ of searchAll(client, { index: 'every' })) throw boom
      })(),
    ).rejects.toBe(boom)
    expect(contexts().pits).toBe(0)
  })

  it('on abort, aborts the search in flight, throws RequestAbortedError and still closes the point in time', async () => {
    let release = (): void => {}
    const until = new Promise<void>((resolve) => {
      release = resolve
    })
    const controller = new AbortController()
    const iterator = searchAll(client, { index: 'every', size: 1000 }, { signal: controller.signal })
    await iterator.next()
    cluster.inject({ type: 'hold', until }, { match: { path: '/_search' } })
    const held = arrival('/_search')
    const rest = (async () => {
      for await (const _ of iterator) {
        // drain
      }
    })().catch((e: unknown) => e)
    await held
    controller.abort()
    const error = await rest
    release()
    expect(isRequestAbortedError(error)).toBe(true)
    expect(sent().at(-1)).toBe('DELETE /_pit')
    expect(contexts().pits).toBe(0)
  })

  it('refuses requests it cannot page with a ConfigurationError', () => {
    const cases: Array<[unknown, RegExp | string]> = [
      [{ query: { match_all: {} } }, /searchAll: `index` is required/],
      [{ index: 'every', from: 10 }, /searchAll: `from` is managed by the helper; remove it from the request/],
      [{ index: 'every', size: 0 }, 'searchAll `size`: must be a whole number from 1 to 10000 (got 0)'],
    ]
    for (const [request, message] of cases) {
      let error: unknown
      try {
        searchAll(client, request as never)
      } catch (e) {
        error = e
      }
      expect(isConfigurationError(error)).toBe(true)
      expect((error as Error).message).toMatch(message)
    }
    expect(sent()).toEqual([])
  })
})

describe('scroll', () => {
  it('yields every hit once and clears the scroll after the last page', async () => {
    const ids = new Set<string>()
    let count = 0
    for await (const hit of scroll(client, { index: 'every', size: 1000 })) {
      ids.add((hit as SearchHit)._id as string)
      count++
    }
    expect(count).toBe(kDocs)
    expect(ids.size).toBe(kDocs)
    expect(sent()).toEqual([
      'POST /every/_search',
      'POST /_search/scroll',
      'POST /_search/scroll',
      'POST /_search/scroll',
      'DELETE /_search/scroll',
    ])
    expect(contexts().scrolls).toBe(0)
  })

  it('clears the scroll on break, in documents mode', async () => {
    const docs: Doc[] = []
    for await (const doc of scroll<Doc>(client, { index: 'every', size: 10 }, { documents: true })) {
      docs.push(doc)
      if (docs.length === 15) break
    }
    expect(docs[0]).toMatchObject({ group: expect.stringMatching(/even|odd/) })
    expect(sent()).toEqual(['POST /every/_search', 'POST /_search/scroll', 'DELETE /_search/scroll'])
    expect(contexts().scrolls).toBe(0)
  })

  it('clears the scroll on abort and on a failed page', async () => {
    const controller = new AbortController()
    const aborted = await (async () => {
      for await (const _ of scroll(client, { index: 'every', size: 10 }, { signal: controller.signal }))
        controller.abort()
    })().catch((e: unknown) => e)
    expect(isRequestAbortedError(aborted)).toBe(true)
    expect(contexts().scrolls).toBe(0)
    cluster.inject({ type: 'status', status: 500 }, { match: { path: '/_search/scroll', method: 'POST' } })
    const failed = await (async () => {
      for await (const _ of scroll(client, { index: 'every', size: 10 })) {
        // drain
      }
    })().catch((e: unknown) => e)
    expect(failed).toMatchObject({ statusCode: 500 })
    expect(sent().at(-1)).toBe('DELETE /_search/scroll')
    expect(contexts().scrolls).toBe(0)
  })
})
