// A socket reset after the whole request was read: the server may have applied it. Only a request that changes
// nothing (GET, HEAD, or marked `readOnly`) may be sent again.
import { rejection, sendJson, startServer } from '@stretch/test-utils'
import { type ConnectionError, isConnectionError, Transport, type TransportOptions } from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { undiciConnection } from '../src/index.js'

const hits = { took: 1, timed_out: false, hits: { total: { value: 0, relation: 'eq' }, hits: [] } }

/**
 * A server that resets the socket of its first `resets` requests once it has read their body (startServer reads it
 * before the handler runs), and a transport to it; `await using` closes both.
 */
async function resetting(resets: number, options: Partial<TransportOptions> = {}) {
  let seen = 0
  const srv = await startServer((req, res) => {
    seen += 1
    if (seen <= resets) req.socket.resetAndDestroy()
    else sendJson(res, 200, hits)
  })
  const transport = new Transport({ nodes: [srv.url], connection: undiciConnection(), retryBackoff: 0, ...options })
  return {
    transport,
    bodies: () => srv.requests.map((r) => r.body.toString()),
    async [Symbol.asyncDispose]() {
      await transport.close()
      await srv.close()
    },
  }
}

describe('a reset after the request body was read', () => {
  it('resends a POST marked readOnly, and it succeeds', async () => {
    await using s = await resetting(2)
    const result = await s.transport.request({
      method: 'POST',
      path: '/logs/_search',
      body: { query: { match_all: {} } },
      readOnly: true,
    })
    expect(result.body).toEqual(hits)
    expect(result.meta.attempts).toBe(3)
    expect(s.bodies()).toEqual(Array(3).fill('{"query":{"match_all":{}}}'))
  })

  it('never resends a POST without readOnly: the server saw it once, the error says it may have been sent', async () => {
    await using s = await resetting(1)
    const error = (await rejection(
      s.transport.request({ method: 'POST', path: '/logs/_doc', body: { message: 'once' } }),
    )) as ConnectionError
    expect(isConnectionError(error)).toBe(true)
    expect(error.code).toBe('ES_ERR_CONNECTION')
    expect(error.requestSent).toBe(true)
    expect(error.meta?.attempts).toHaveLength(1)
    expect(s.bodies()).toEqual(['{"message":"once"}'])
  })

  it('resends a readOnly POST only as far as maxRetries allows', async () => {
    await using s = await resetting(1, { maxRetries: 0 })
    const error = (await rejection(
      s.transport.request({ method: 'POST', path: '/_count', body: {}, readOnly: true }),
    )) as ConnectionError
    expect(isConnectionError(error)).toBe(true)
    expect(error.requestSent).toBe(true)
    expect(s.bodies()).toHaveLength(1)
  })
})
