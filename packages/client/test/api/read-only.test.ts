// Which calls the transport may resend after a possible delivery: an endpoint whose specification allows GET changes
// nothing, even when its body makes it a POST; a write never is. A real server resets the socket of the first
// request to each path after reading it whole.
import { undiciConnection } from '@stretch/connection-undici'
import { sendJson, startServer, type TestServer } from '@stretch/test-utils'
import { Transport } from '@stretch/transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient, type ConnectionError, isConnectionError } from '../../src/index.js'

let server: TestServer
let transport: Transport
let client: ApiClient
const reset = new Set<string>()
beforeAll(async () => {
  server = await startServer((req, res) => {
    const key = `${req.method} ${req.url}`
    if (!reset.has(key)) {
      reset.add(key)
      req.socket.resetAndDestroy()
      return
    }
    sendJson(res, 200, { took: 1, hits: { hits: [] }, count: 0, docs: [], responses: [], indices: [], fields: {} })
  })
  transport = new Transport({ nodes: [server.url], connection: undiciConnection(), retryBackoff: 0 })
  client = new ApiClient(transport)
})
afterAll(async () => {
  await transport.close()
  await server.close()
})

const sentTo = (path: string) => server.requests.filter((r) => r.url.split('?')[0] === path)

describe('resent after a reset once the request was read', () => {
  const reads: [string, () => Promise<unknown>, string][] = [
    ['search', () => client.search({ index: 'r1', query: { match_all: {} } }), '/r1/_search'],
    ['count', () => client.count({ index: 'r2', query: { match_all: {} } }), '/r2/_count'],
    ['mget', () => client.mget({ index: 'r3', ids: ['1'] }), '/r3/_mget'],
    ['msearch', () => client.msearch({ index: 'r4', searches: [{}, { query: { match_all: {} } }] }), '/r4/_msearch'],
    [
      'fieldCaps',
      () => client.fieldCaps({ index: 'r5', fields: '*', index_filter: { match_all: {} } }),
      '/r5/_field_caps',
    ],
  ]
  for (const [api, call, path] of reads) {
    it(`${api} with a body (POST): sent twice, answers`, async () => {
      await call()
      expect(sentTo(path).map((r) => r.method)).toEqual(['POST', 'POST'])
    })
  }
})

describe('never resent after a possible delivery', () => {
  const writes: [string, () => Promise<unknown>, string][] = [
    ['index', () => client.index({ index: 'w1', id: '1', document: { a: 1 } }), '/w1/_doc/1'],
    ['index without id', () => client.index({ index: 'w2', document: { a: 1 } }), '/w2/_doc'],
    ['update', () => client.update({ index: 'w3', id: '1', doc: { a: 2 } }), '/w3/_update/1'],
    ['bulk', () => client.bulk({ index: 'w4', operations: [{ index: {} }, { a: 1 }] }), '/w4/_bulk'],
    ['deleteByQuery', () => client.deleteByQuery({ index: 'w5', query: { match_all: {} } }), '/w5/_delete_by_query'],
  ]
  for (const [api, call, path] of writes) {
    it(`${api}: sent once, ConnectionError with requestSent`, async () => {
      const error = (await call().then(
        () => {
          throw new Error('expected a rejection')
        },
        (e: unknown) => e,
      )) as ConnectionError
      expect(isConnectionError(error)).toBe(true)
      expect(error.requestSent).toBe(true)
      expect(sentTo(path)).toHaveLength(1)
    })
  }
})
