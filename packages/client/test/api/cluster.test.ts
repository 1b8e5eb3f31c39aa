// The generated API end to end against tools/test-cluster (an Elasticsearch-like cluster on loopback, TLS and
// security on): the typed responses a user reads, booleans for HEAD, text for cat, NDJSON bulk and msearch.
import { apiKeyAuth } from '@stretch/auth-api-key'
import { basicAuth } from '@stretch/auth-basic'
import { undiciConnection } from '@stretch/connection-undici'
import { startCluster, type TestCluster } from '@stretch/test-cluster'
import { Transport } from '@stretch/transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient, isResponseError } from '../../src/index.js'

interface Book {
  title: string
  year: number
}

let cluster: TestCluster
let transport: Transport
let client: ApiClient
beforeAll(async () => {
  cluster = await startCluster({ nodes: 2, security: true })
  transport = new Transport({
    nodes: [...cluster.urls],
    connection: undiciConnection({ tls: { ca: cluster.caCert! } }),
    auth: basicAuth({ username: 'elastic', password: cluster.password }),
  })
  client = new ApiClient(transport)
})
afterAll(async () => {
  await transport.pool.close()
  await cluster.close()
})

describe('the generated API against the test cluster', () => {
  it('info and cluster.health resolve to typed bodies', async () => {
    const info = await client.info()
    expect(info.version.number).toMatch(/^\d+\.\d+\.\d+/)
    expect(info.tagline).toBe('You Know, for Search')
    const health = await client.cluster.health()
    expect(['green', 'yellow', 'red']).toContain(health.status)
    expect(health.number_of_nodes).toBe(2)
  })

  it('creates an index, writes, reads, searches and deletes documents', async () => {
    const created = await client.indices.create({
      index: 'books',
      mappings: { properties: { title: { type: 'text' } } },
    })
    expect(created).toMatchObject({ acknowledged: true, index: 'books' })
    await expect(client.indices.exists({ index: 'books' })).resolves.toBe(true)
    await expect(client.indices.exists({ index: 'nothing-here' })).resolves.toBe(false)

    const written = await client.index<Book>({
      index: 'books',
      id: '1',
      document: { title: 'Dune', year: 1965 },
      refresh: true,
    })
    expect(written.result).toBe('created')
    const bulk = await client.bulk({
      index: 'books',
      refresh: true,
      operations: [
        { index: { _id: '2' } },
        { title: 'Emma', year: 1815 },
        { create: { _id: '3' } },
        { title: 'Ulysses', year: 1922 },
      ],
    })
    expect(bulk.errors).toBe(false)
    expect(bulk.items.map((item) => item.index?.status ?? item.create?.status)).toEqual([201, 201])

    const got = await client.get<Book>({ index: 'books', id: '1' })
    expect(got.found).toBe(true)
    expect(got._source?.title).toBe('Dune')
    await expect(client.exists({ index: 'books', id: '1' })).resolves.toBe(true)
    await expect(client.exists({ index: 'books', id: '404' })).resolves.toBe(false)

    const result = await client.search<Book>({ index: 'books', query: { match: { title: 'emma' } }, size: 5 })
    expect(result.hits.hits.map((h) => h._source?.title)).toEqual(['Emma'])
    const count = await client.count({ index: 'books' })
    expect(count.count).toBe(3)
    const mget = await client.mget<Book>({ index: 'books', ids: ['1', '3'] })
    expect(mget.docs.map((d) => ('_source' in d ? d._source?.year : undefined))).toEqual([1965, 1922])
    const msearch = await client.msearch<Book>({
      index: 'books',
      searches: [{}, { query: { match_all: {} }, size: 1 }],
    })
    expect(msearch.responses).toHaveLength(1)

    const deleted = await client.delete({ index: 'books', id: '2', refresh: true })
    expect(deleted.result).toBe('deleted')
    const error = await client.get({ index: 'books', id: '2' }).catch((e: unknown) => e)
    expect(isResponseError(error) && error.statusCode).toBe(404)
  })

  it('cat resolves to text without format and to rows with it', async () => {
    const text = await client.cat.indices({ v: true })
    expect(typeof text).toBe('string')
    expect(text).toContain('books')
    const rows = await client.cat.indices({ format: 'json' })
    expect(rows).toEqual(expect.arrayContaining([expect.objectContaining({ index: 'books' })]))
  })

  it('creates an API key whose encoded value authenticates', async () => {
    const key = await client.security.createApiKey({ name: 'reader', expiration: '1d' })
    expect(key.name).toBe('reader')
    const asKey = new ApiClient(transport.child({ auth: apiKeyAuth(key.encoded) }))
    const me = await asKey.security.authenticate()
    expect(me['api_key']).toMatchObject({ id: key.id, name: 'reader' })
  })
})
