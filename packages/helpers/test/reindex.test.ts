import { Client } from '@stretch/client'
import { startCluster, type TestCluster } from '@stretch/test-cluster'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bulk, reindex } from '../src/index.js'

interface Book {
  title: string
  year: number
}

let source: TestCluster
let target: TestCluster
let from: Client
let to: Client

beforeAll(async () => {
  ;[source, target] = await Promise.all([startCluster({ nodes: 1 }), startCluster({ nodes: 1, security: false })])
  from = new Client({ node: source.url, caCerts: source.caCert, basicAuth: ['elastic', source.password] })
  to = new Client({ node: target.url })
  await bulk(from, {
    datasource: Array.from({ length: 1500 }, (_, i): Book => ({ title: `Book ${i}`, year: 1900 + (i % 100) })),
    onDocument: (book) => ({ index: { _index: 'books-v1', _id: book.title } }),
  })
})
afterAll(async () => {
  await Promise.all([from.close(), to.close()])
  await Promise.all([source.close(), target.close()])
})

describe('reindex', () => {
  it('copies every document of a search into another index, ids kept, and closes its point in time', async () => {
    const stats = await reindex<Book>(from, {
      source: { index: 'books-v1', query: { range: { year: { gte: 1950 } } } },
      target: { index: 'books-v2' },
    })
    expect(stats).toMatchObject({ total: 750, successful: 750, failed: 0, aborted: false })
    expect((await from.count({ index: 'books-v2' })).count).toBe(750)
    expect((await from.get({ index: 'books-v2', id: 'Book 99' }))._source).toEqual({ title: 'Book 99', year: 1999 })
    expect(source.store.contexts.openPits).toBe(0)
  })

  it('writes into another cluster, transformed, skipping what the transform returns null for', async () => {
    const stats = await reindex<Book, { name: string }>(from, {
      source: { index: 'books-v1' },
      target: { index: 'names', op: 'create' },
      targetClient: to,
      transform: (book) => (book.year < 1910 ? { name: book.title.toUpperCase() } : null),
    })
    expect(stats).toMatchObject({ total: 150, successful: 150, failed: 0 })
    expect((await to.count({ index: 'names' })).count).toBe(150)
    expect((await to.get({ index: 'names', id: 'Book 5' }))._source).toEqual({ name: 'BOOK 5' })
    expect(source.requests().some((r) => r.path.endsWith('/_bulk') && r.path.includes('names'))).toBe(false)
    expect(target.requests().filter((r) => r.path === '/_bulk').length).toBeGreaterThan(0)
  })
})
