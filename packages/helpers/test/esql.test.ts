import { Client, isConfigurationError, isResponseError } from '@stretch/client'
import { startCluster, type TestCluster } from '@stretch/test-cluster'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bulk, esql } from '../src/index.js'

let cluster: TestCluster
let client: Client

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1 })
  client = new Client({ node: cluster.url, caCerts: cluster.caCert, basicAuth: ['elastic', cluster.password] })
  await bulk(client, {
    datasource: [
      { title: 'Dune', year: 1965, author: { name: 'Herbert' } },
      { title: 'Emma', year: 1815, author: { name: 'Austen' } },
      { title: 'Solaris', year: 1961 },
    ],
    onDocument: (book) => ({ index: { _index: 'books', _id: book.title } }),
  })
})
afterAll(async () => {
  await client.close()
  await cluster.close()
})

describe('esql', () => {
  it('turns the rows into typed records keyed by column name', async () => {
    const { records, columns } = await esql(client, 'FROM books | SORT year | LIMIT 2').toRecords<{
      title: string
      year: number
      'author.name': string | null
    }>()
    expect(records).toEqual([
      { 'author.name': 'Austen', title: 'Emma', year: 1815 },
      { 'author.name': null, title: 'Solaris', year: 1961 },
    ])
    expect(columns).toEqual([
      { name: 'author.name', type: 'keyword' },
      { name: 'title', type: 'keyword' },
      { name: 'year', type: 'long' },
    ])
    const sent = cluster.requests().filter((r) => r.path === '/_query')
    expect(sent.at(-1)?.url).toBe('/_query?format=json')
    expect(JSON.parse(sent.at(-1)?.body.toString() ?? '{}')).toEqual({
      query: 'FROM books | SORT year | LIMIT 2',
      columnar: false,
    })
  })

  it('takes a request object, and rejects with the ResponseError of a bad query', async () => {
    const { records } = await esql(client, { query: 'FROM books | KEEP title | SORT title DESC' }).toRecords()
    expect(records).toEqual([{ title: 'Solaris' }, { title: 'Emma' }, { title: 'Dune' }])
    const error = await esql(client, 'FROM books | STATS n = COUNT(*)')
      .toRecords()
      .catch((e: unknown) => e)
    expect(isResponseError(error)).toBe(true)
    expect(error).toMatchObject({ statusCode: 400 })
  })

  it('refuses a missing query with a ConfigurationError', () => {
    let error: unknown
    try {
      esql(client, '')
    } catch (e) {
      error = e
    }
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toMatch(/^esql: pass the query text/)
  })
})
