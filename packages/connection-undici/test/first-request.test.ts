// The first request of a process loads undici (a dynamic import, so that bundlers include it): until it is loaded,
// the request waits, and a close() in that window must behave as for any request in flight. Each test file runs in
// a fresh module instance, so the first request here is the one that loads undici.
import { sendJson, startServer } from '@stretch/test-utils'
import { describeNode, isConnectionError, type TransportRequest } from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { undiciConnection } from '../src/index.js'

const info = { name: 'node-1', version: { number: '9.1.0' } }
const limits = { maxCompressedResponseSize: 1024 * 1024 }
const get = (): TransportRequest =>
  ({
    method: 'GET',
    path: '/',
    headers: {},
    body: undefined,
    attempt: 1,
    signal: undefined,
    timeout: undefined,
  }) as unknown as TransportRequest

describe('the first request, while undici loads', () => {
  it('is answered even when close() follows at once, and close() waits for it; later requests are refused', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, info))
    const connection = undiciConnection()(describeNode(srv.url))
    const events: string[] = []
    const first = connection.request(get(), limits).then((response) => {
      events.push('answered')
      return response
    })
    const closed = connection.close().then(() => events.push('closed'))

    const response = await first
    await closed
    expect(response.statusCode).toBe(200)
    expect(JSON.parse(Buffer.from(response.body as Uint8Array).toString('utf8'))).toEqual(info)
    expect(events).toEqual(['answered', 'closed'])
    expect(srv.requests).toHaveLength(1)

    const late = await connection.request(get(), limits).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(isConnectionError(late)).toBe(true)
    expect((late as Error).message).toBe(`the connection to ${new URL(srv.url).host} is closed`)
  })
})
