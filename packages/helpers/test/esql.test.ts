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

describe('esql toArrowTable', () => {
  it('asks for format=arrow and reads the answer into an apache-arrow Table', async () => {
    const table = await esql(client, 'FROM books | SORT year | KEEP title, year, author.name').toArrowTable()
    expect(table.numRows).toBe(3)
    expect(table.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ['title', 'Utf8'],
      ['year', 'Int64'],
      ['author.name', 'Utf8'],
    ])
    expect(table.getChild('title')?.toArray()).toEqual(['Emma', 'Solaris', 'Dune'])
    // long is Int64, read as bigint, as from Elasticsearch.
    expect([...(table.getChild('year') ?? [])]).toEqual([1815n, 1961n, 1965n])
    expect(table.get(1)?.toJSON()).toEqual({ title: 'Solaris', year: 1961n, 'author.name': null })
    const query = cluster.requests().find((r) => r.url.startsWith('/_query'))
    expect(query?.url).toContain('format=arrow')
  })

  it('rejects with the Elasticsearch error of a bad query', async () => {
    const error = await esql(client, 'FROM books | NOPE')
      .toArrowTable()
      .catch((e: unknown) => e)
    expect(isResponseError(error) && error.statusCode).toBe(400)
  })
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
