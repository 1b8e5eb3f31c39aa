// A socket reset after the whole request was read: the server may have applied it. Only a request that changes
// nothing (GET, HEAD, or marked `readOnly`) may be sent again.
import { rejection, sendJson, startServer } from '@stretch/test-utils'
import { type ConnectionError, isConnectionError, Transport } from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { undiciConnection } from '../src/index.js'

const hits = { took: 1, timed_out: false, hits: { total: { value: 0, relation: 'eq' }, hits: [] } }

/** A server that resets the socket of its first `resets` requests once it has read their body (startServer reads it). */
async function resettingServer(resets: number) {
  let seen = 0
  const srv = await startServer((req, res) => {
    seen += 1
    if (seen <= resets) req.socket.resetAndDestroy()
    else sendJson(res, 200, hits)
  })
  return { srv, bodies: () => srv.requests.map((r) => r.body.toString()) }
}

describe('a reset after the request body was read', () => {
  it('resends a POST marked readOnly, and it succeeds', async () => {
    const { srv, bodies } = await resettingServer(2)
    await using _ = srv
    const transport = new Transport({ nodes: [srv.url], connection: undiciConnection(), retryBackoff: 0 })
    try {
      const result = await transport.request({
        method: 'POST',
        path: '/logs/_search',
        body: { query: { match_all: {} } },
        readOnly: true,
      })
      expect(result.body).toEqual(hits)
      expect(result.meta.attempts).toBe(3)
      expect(bodies()).toEqual(Array(3).fill('{"query":{"match_all":{}}}'))
    } finally {
      await transport.close()
    }
  })

  it('never resends a POST without readOnly: the server saw it once, the error says it may have been sent', async () => {
    const { srv, bodies } = await resettingServer(1)
    await using _ = srv
    const transport = new Transport({ nodes: [srv.url], connection: undiciConnection(), retryBackoff: 0 })
    try {
      const error = (await rejection(
        transport.request({ method: 'POST', path: '/logs/_doc', body: { message: 'once' } }),
      )) as ConnectionError
      expect(isConnectionError(error)).toBe(true)
      expect(error.code).toBe('ES_ERR_CONNECTION')
      expect(error.requestSent).toBe(true)
      expect(error.meta?.attempts).toHaveLength(1)
      expect(bodies()).toEqual(['{"message":"once"}'])
    } finally {
      await transport.close()
    }
  })

  it('resends a readOnly POST with retries off only as far as maxRetries allows', async () => {
    const { srv, bodies } = await resettingServer(1)
    await using _ = srv
    const transport = new Transport({ nodes: [srv.url], connection: undiciConnection(), maxRetries: 0 })
    try {
      const error = (await rejection(
        transport.request({ method: 'POST', path: '/_count', body: {}, readOnly: true }),
      )) as ConnectionError
      expect(isConnectionError(error)).toBe(true)
      expect(error.requestSent).toBe(true)
      expect(bodies()).toHaveLength(1)
    } finally {
      await transport.close()
    }
  })
})
