// How calls behave as a user sees them: bodies and methods, booleans for HEAD, text for cat, NDJSON for bulk,
// `{ meta: true }`, the escape hatches and per-call options, over a real Transport and undici connection.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { undiciConnection } from '@stretch/connection-undici'
import { startServer, type TestServer } from '@stretch/test-utils'
import { Transport } from '@stretch/transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient, isConfigurationError, isRequestAbortedError, isResponseError } from '../../src/index.js'
import { parseRecorded } from './spec-data.js'

interface Book {
  title: string
  year: number
}

const kPipeline = {
  description: 'A pipeline',
  last_modified: '2021-01-02T02:50:51.250Z',
  pipeline_metadata: { type: 'logstash_pipeline', version: '1' },
  username: 'elastic',
  pipeline: 'input {}\n filter { grok {} }\n output {}',
  pipeline_settings: {
    'pipeline.workers': 1,
    'pipeline.batch.size': 125,
    'pipeline.batch.delay': 50,
    'queue.type': 'memory',
    'queue.max_bytes': '1gb',
    'queue.checkpoint.writes': 1024,
  },
}

function respond(req: IncomingMessage, res: ServerResponse): void {
  const headers = { 'x-elastic-product': 'Elasticsearch' }
  const url = req.url ?? ''
  if (url.includes('broken')) {
    res.writeHead(500, { ...headers, 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: { type: 'boom', reason: 'broken' }, status: 500 }))
  } else if (req.method === 'HEAD') {
    res.writeHead(url.includes('missing') ? 404 : 200, headers)
    res.end()
  } else if (String(req.headers['accept']).startsWith('text/plain')) {
    res.writeHead(200, { ...headers, 'content-type': 'text/plain; charset=UTF-8' })
    res.end('green open books 1 1\n')
  } else if (url.startsWith('/books/_search')) {
    res.writeHead(200, { ...headers, 'content-type': 'application/json', warning: '299 Elasticsearch-9.0.0 "old"' })
    res.end(
      JSON.stringify({
        took: 1,
        timed_out: false,
        _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
        hits: {
          total: { value: 1, relation: 'eq' },
          max_score: 1,
          hits: [{ _index: 'books', _id: '1', _source: { title: 'Dune', year: 1965 } }],
        },
      }),
    )
  } else if (
    url.startsWith('/_logstash/pipeline/') ||
    url.startsWith('/_cluster/voting_config_exclusions') ||
    url.startsWith('/_security/saml/complete_logout')
  ) {
    // What Elasticsearch answers these with: a status and no body (a JSON content type, zero bytes).
    const status = url.includes('missing') ? 404 : req.method === 'PUT' ? 201 : 200
    res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': '0' })
    res.end()
  } else if (url.startsWith('/_cat/')) {
    res.writeHead(200, { ...headers, 'content-type': 'application/json' })
    res.end(JSON.stringify([{ health: 'green', index: 'books' }]))
  } else {
    res.writeHead(200, { ...headers, 'content-type': 'application/json' })
    res.end(JSON.stringify({ acknowledged: true }))
  }
}

let server: TestServer
let transport: Transport
let client: ApiClient
beforeAll(async () => {
  server = await startServer(respond)
  transport = new Transport({ nodes: [server.url], connection: undiciConnection(), maxRetries: 0 })
  client = new ApiClient(transport)
})
afterAll(async () => {
  await transport.pool.close()
  await server.close()
})

const last = (): ReturnType<typeof parseRecorded> & { headers: IncomingMessage['headers'] } => {
  const r = server.requests.at(-1)!
  return { ...parseRecorded(r), headers: r.headers }
}

describe('search', () => {
  it('sends GET without a body and POST with one; query, size and aggs go into the body', async () => {
    await client.search({ index: 'books' })
    expect(last()).toMatchObject({ method: 'GET', path: '/books/_search', query: {}, body: undefined })

    const result = await client.search<Book>({
      index: 'books',
      query: { match: { title: 'dune' } },
      size: 5,
      aggs: { years: { terms: { field: 'year' } } },
      track_total_hits: true,
      allow_no_indices: false,
      filter_path: ['hits.hits._source', 'took'],
    })
    expect(last()).toMatchObject({
      method: 'POST',
      path: '/books/_search',
      query: { allow_no_indices: 'false', filter_path: 'hits.hits._source,took' },
      body: {
        query: { match: { title: 'dune' } },
        size: 5,
        aggs: { years: { terms: { field: 'year' } } },
        track_total_hits: true,
      },
    })
    const title: string | undefined = result.hits.hits[0]?._source?.title
    expect(title).toBe('Dune')
  })

  it("sends `sort: 'field:order'` in the query string, as the official client does", async () => {
    await client.search({ index: 'books', sort: 'year:desc' })
    // An empty body (so POST), as the official client sends: the same call sends the same request.
    expect(last()).toMatchObject({ method: 'POST', query: { sort: 'year:desc' }, body: {} })
    await client.search({ index: 'books', sort: [{ year: 'desc' }] })
    expect(last()).toMatchObject({ method: 'POST', query: {}, body: { sort: [{ year: 'desc' }] } })
  })

  it('joins list path parts with commas and percent-encodes them', async () => {
    await client.search({ index: ['books', 'logs-*', 'a b/c'] })
    expect(last().path).toBe('/books%2Clogs-*%2Ca%20b%2Fc/_search')
  })

  it('encodes the path part of each call when calls alternate between values (the last encoding is reused)', async () => {
    for (const index of ['a b', 'a b', 'c/d', 'a b']) {
      await client.search({ index })
      expect(last().path).toBe(`/${encodeURIComponent(index)}/_search`)
    }
    await client.get({ index: 'c/d', id: 'x y' })
    expect(last().path).toBe('/c%2Fd/_doc/x%20y')
    await client.get({ index: 'c/d', id: 7 })
    expect(last().path).toBe('/c%2Fd/_doc/7')
  })

  it('resolves to the whole response with { meta: true }', async () => {
    const response = await client.search<Book>({ index: 'books' }, { meta: true })
    expect(response.statusCode).toBe(200)
    expect(response.body.hits.hits[0]?._source).toEqual({ title: 'Dune', year: 1965 })
    expect(response.headers['content-type']).toBe('application/json')
    expect(response.warnings).toEqual(['299 Elasticsearch-9.0.0 "old"'])
    expect(response.meta.request).toEqual({ method: 'GET', path: '/books/_search' })
  })
})

describe('documents', () => {
  it('index: PUT with an id, POST without; `document` is the whole body', async () => {
    await client.index({ index: 'books', id: '1', document: { title: 'Dune', year: 1965 }, refresh: 'wait_for' })
    expect(last()).toMatchObject({
      method: 'PUT',
      path: '/books/_doc/1',
      query: { refresh: 'wait_for' },
      body: { title: 'Dune', year: 1965 },
    })
    await client.index({ index: 'books', document: { title: 'Emma', year: 1815 } })
    expect(last()).toMatchObject({ method: 'POST', path: '/books/_doc', body: { title: 'Emma', year: 1815 } })
  })

  it('update: doc and upsert in the body, retry_on_conflict in the query', async () => {
    await client.update<Book, Partial<Book>>({
      index: 'books',
      id: '1',
      doc: { year: 1966 },
      doc_as_upsert: true,
      retry_on_conflict: 3,
    })
    expect(last()).toMatchObject({
      method: 'POST',
      path: '/books/_update/1',
      query: { retry_on_conflict: '3' },
      body: { doc: { year: 1966 }, doc_as_upsert: true },
    })
  })

  it('exists and ping resolve to booleans: true on 2xx, false on 404', async () => {
    await expect(client.exists({ index: 'books', id: '1' })).resolves.toBe(true)
    expect(last().method).toBe('HEAD')
    await expect(client.exists({ index: 'books', id: 'missing' })).resolves.toBe(false)
    await expect(client.indices.exists({ index: 'missing' })).resolves.toBe(false)
    await expect(client.ping()).resolves.toBe(true)
    const meta = await client.indices.exists({ index: 'missing' }, { meta: true })
    expect(meta.body).toBe(false)
    expect(meta.statusCode).toBe(404)
  })

  it('the endpoints that answer without a body resolve to true, as their response types say, and reject on a 404', async () => {
    await expect(client.logstash.putPipeline({ id: 'p', pipeline: kPipeline })).resolves.toBe(true)
    expect(last()).toMatchObject({ method: 'PUT', path: '/_logstash/pipeline/p' })
    await expect(client.logstash.deletePipeline({ id: 'p' })).resolves.toBe(true)
    // Not a HEAD: a missing pipeline is an error status, as with any other delete.
    await expect(client.logstash.deletePipeline({ id: 'missing' })).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 404,
    })
    await expect(client.cluster.postVotingConfigExclusions({ node_names: 'n1' })).resolves.toBe(true)
    await expect(client.cluster.deleteVotingConfigExclusions()).resolves.toBe(true)
    await expect(
      client.security.samlCompleteLogout({ realm: 'saml1', ids: ['_1'], query_string: 'SAMLResponse=x' }),
    ).resolves.toBe(true)
    const meta = await client.logstash.putPipeline({ id: 'p', pipeline: kPipeline }, { meta: true })
    expect(meta.body).toBe(true)
    expect(meta.statusCode).toBe(201)
  })

  it('other errors of a HEAD call still throw', async () => {
    const error = await client.indices.exists({ index: 'broken' }).catch((e: unknown) => e)
    expect(isResponseError(error)).toBe(true)
  })
})

describe('NDJSON', () => {
  it('bulk sends operations as NDJSON lines', async () => {
    await client.bulk({
      index: 'books',
      refresh: true,
      operations: [{ index: { _id: '1' } }, { title: 'Dune', year: 1965 }, { delete: { _id: '2' } }],
    })
    const seen = last()
    expect(seen).toMatchObject({ method: 'POST', path: '/books/_bulk', query: { refresh: 'true' } })
    expect(seen.headers['content-type']).toContain('ndjson')
    expect(server.requests.at(-1)!.body.toString()).toBe(
      '{"index":{"_id":"1"}}\n{"title":"Dune","year":1965}\n{"delete":{"_id":"2"}}\n',
    )
  })

  it('bulk accepts an NDJSON string as it is', async () => {
    const text = '{"index":{"_index":"books"}}\n{"title":"Emma"}\n'
    await client.bulk({ operations: text })
    expect(server.requests.at(-1)!.body.toString()).toBe(text)
    expect(last().headers['content-type']).toContain('ndjson')
  })

  it('msearch sends searches as NDJSON', async () => {
    await client.msearch({ index: 'books', searches: [{}, { query: { match_all: {} } }] })
    expect(last()).toMatchObject({ method: 'POST', path: '/books/_msearch', body: [{}, { query: { match_all: {} } }] })
  })
})

describe('text responses', () => {
  it('cat without format asks for text and resolves to a string', async () => {
    const text: string = await client.cat.indices({ index: 'books', v: true })
    expect(text).toBe('green open books 1 1\n')
    expect(last()).toMatchObject({ path: '/_cat/indices/books', query: { v: 'true' } })
    expect(last().headers['accept']).toBe('text/plain')
  })

  it('cat with format resolves to JSON rows', async () => {
    const rows = await client.cat.indices({ format: 'json' })
    expect(rows).toEqual([{ health: 'green', index: 'books' }])
    expect(last().headers['accept']).not.toBe('text/plain')
  })

  it('a caller-given accept header wins', async () => {
    await client.cat.health(undefined, { headers: { accept: 'application/json' } })
    expect(last().headers['accept']).toBe('application/json')
  })

  it('nodes.hotThreads resolves to text', async () => {
    await expect(client.nodes.hotThreads({ node_id: 'n1', threads: 2 })).resolves.toBe('green open books 1 1\n')
    expect(last()).toMatchObject({ path: '/_nodes/n1/hot_threads', query: { threads: '2' } })
  })
})

describe('escape hatches and options', () => {
  it('querystring and body are merged; named parameters win', async () => {
    await client.indices.putMapping({
      index: 'books',
      properties: { title: { type: 'text' } },
      querystring: { write_index_only: true, extra: 'x' },
      body: { dynamic: 'strict', properties: { ignored: true } },
    })
    expect(last()).toMatchObject({
      method: 'PUT',
      path: '/books/_mapping',
      query: { write_index_only: 'true', extra: 'x' },
      body: { dynamic: 'strict', properties: { title: { type: 'text' } } },
    })
  })

  it('unknown keys go into the body of an endpoint with one, into the query string otherwise', async () => {
    await client.indices.create({ index: 'books', mappings: {}, future_setting: 1 } as never)
    expect(last().body).toEqual({ mappings: {}, future_setting: 1 })
    await client.indices.get({ index: 'books', future_flag: true } as never)
    expect(last().query).toEqual({ future_flag: 'true' })
  })

  it('renames parameters whose wire name is not an identifier (route_slice is _slice)', async () => {
    await client.count({ index: 'books', route_slice: 'shard-1' })
    expect(last().query).toEqual({ _slice: 'shard-1' })
  })

  it('passes per-call options to the transport', async () => {
    await client.info({}, { headers: { 'x-test': 'yes' }, opaqueId: 'op-1' })
    expect(last().headers['x-test']).toBe('yes')
    expect(last().headers['x-opaque-id']).toBe('op-1')
    const controller = new AbortController()
    controller.abort()
    const error = await client.info(undefined, { signal: controller.signal }).catch((e: unknown) => e)
    expect(isRequestAbortedError(error)).toBe(true)
  })

  it('an empty path part fails before anything is sent, rather than changing the url', async () => {
    const before = server.requests.length
    for (const call of [
      () => client.indices.delete({ index: '' }),
      () => client.indices.delete({ index: [] }),
      () => client.search({ index: '' }),
    ]) {
      const error = await call().catch((e: unknown) => e)
      expect(isConfigurationError(error)).toBe(true)
      expect((error as Error).message).toMatch(/the path part `index` must not be empty/)
    }
    expect(server.requests.length).toBe(before)
  })

  it('a missing required parameter fails before anything is sent', async () => {
    const before = server.requests.length
    const error = await client.indices.putMapping({} as never).catch((e: unknown) => e)
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toBe(
      'indices.putMapping: the required parameter `index` is missing; call client.indices.putMapping({ index: ... })',
    )
    expect(server.requests.length).toBe(before)
  })
})
