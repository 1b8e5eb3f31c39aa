import type { IncomingMessage, ServerResponse } from 'node:http'
import { undiciConnection } from '@stretch/connection-undici'
import {
  createCertificates,
  printed,
  recordDiagnostics,
  rejection,
  sendJson,
  startServer,
  type TestCertificates,
} from '@stretch/test-utils'
import { isResponseError, type ResponseError, Transport } from '@stretch/transport'
import { beforeAll, describe, expect, it } from 'vitest'
import { bearerAuth, isTokenProviderError } from '../src/index.js'

const SECRET = 'tok-S3cr3t-planted-4711'
const info = { name: 'node-1', cluster_name: 'stretch', version: { number: '9.1.0' }, tagline: 'You Know, for Search' }

let certs: TestCertificates
beforeAll(async () => {
  certs = await createCertificates()
})

/** Answers like a secured Elasticsearch node that accepts one bearer token at a time (`state.valid`). */
function secured(state: { valid: string }) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.headers.authorization === `Bearer ${state.valid}`) {
      sendJson(res, 200, info)
      return
    }
    const cause = { type: 'security_exception', reason: 'token expired' }
    sendJson(
      res,
      401,
      { error: { root_cause: [cause], ...cause }, status: 401 },
      {
        'www-authenticate':
          'Bearer realm="security", error="invalid_token", error_description="The access token expired"',
      },
    )
  }
}

describe('bearerAuth through the Transport and undici', () => {
  it('puts the exact header on the wire over TLS', async () => {
    await using srv = await startServer(secured({ valid: 'AAEAAWVsYXN0aWM' }), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    const transport = new Transport({
      nodes: [srv.url],
      connection: undiciConnection({ tls: { ca: certs.ca.cert } }),
      auth: bearerAuth('AAEAAWVsYXN0aWM'),
    })
    expect((await transport.request({ method: 'GET', path: '/' })).body).toEqual(info)
    expect(srv.requests[0]?.headers.authorization).toBe('Bearer AAEAAWVsYXN0aWM')
    await transport.close()
  })

  it('refreshes an expired token inside the same attempt', async () => {
    const state = { valid: 'token-1' }
    await using srv = await startServer(secured(state))
    let issued = 0
    const transport = new Transport({
      nodes: [srv.url],
      connection: undiciConnection(),
      auth: bearerAuth(async () => `token-${++issued}`),
    })
    expect((await transport.request({ method: 'GET', path: '/' })).statusCode).toBe(200)
    state.valid = 'token-2'
    const result = await transport.request({ method: 'POST', path: '/idx/_doc', body: { a: 1 } })
    expect(result.statusCode).toBe(200)
    expect(result.meta.attempts).toBe(1)
    expect(issued).toBe(2)
    expect(srv.requests.map((r) => [r.headers.authorization, r.body.toString()])).toEqual([
      ['Bearer token-1', ''],
      ['Bearer token-1', '{"a":1}'],
      ['Bearer token-2', '{"a":1}'],
    ])
    await transport.close()
  })

  it('authenticates the retry on another node with the cached token (the first answers 503)', async () => {
    await using first = await startServer((_req, res) => sendJson(res, 503, { error: 'unavailable' }))
    await using second = await startServer(secured({ valid: 'cached' }))
    let calls = 0
    const transport = new Transport({
      nodes: [first.url, second.url],
      connection: undiciConnection(),
      auth: bearerAuth(async () => {
        calls += 1
        return 'cached'
      }),
      retryBackoff: 0,
    })
    const result = await transport.request({ method: 'GET', path: '/' })
    expect(result.meta.attempts).toBe(2)
    expect(first.requests.map((r) => r.headers.authorization)).toEqual(['Bearer cached'])
    expect(second.requests.map((r) => r.headers.authorization)).toEqual(['Bearer cached'])
    expect(calls).toBe(1)
    await transport.close()
  })

  it('fails a request with a TokenProviderError, sending nothing, when the provider fails', async () => {
    await using srv = await startServer(secured({ valid: 'x' }))
    let calls = 0
    const transport = new Transport({
      nodes: [srv.url],
      connection: undiciConnection(),
      auth: bearerAuth(async () => {
        calls += 1
        throw new Error('secret store unreachable')
      }),
    })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isTokenProviderError(error)).toBe(true)
    expect(((error as Error).cause as Error).message).toBe('secret store unreachable')
    expect(calls).toBe(1)
    expect(srv.requests).toHaveLength(0)
    await transport.close()
  })

  it('turns a refused token into a 401 ResponseError, and the token appears on no surface', async () => {
    await using first = await startServer((_req, res) => sendJson(res, 503, { error: 'unavailable' }))
    await using second = await startServer(secured({ valid: 'the-right-one' }))
    for (const token of [SECRET, async () => SECRET]) {
      const mw = bearerAuth(token)
      const transport = new Transport({
        nodes: [first.url, second.url],
        connection: undiciConnection(),
        auth: mw,
        retryBackoff: 0,
      })
      const diagnostics = recordDiagnostics()
      let error: unknown
      try {
        error = await rejection(transport.request({ method: 'GET', path: '/_security/_authenticate' }))
      } finally {
        diagnostics.stop()
      }
      expect(isResponseError(error)).toBe(true)
      const e = error as ResponseError
      expect(e.statusCode).toBe(401)
      expect((e.body as { error: { type: string } }).error.type).toBe('security_exception')
      expect(second.requests.at(-1)?.headers.authorization).toBe(`Bearer ${SECRET}`)
      expect(diagnostics.events.map((d) => d.channel)).toEqual(
        expect.arrayContaining(['stretch:request', 'stretch:response', 'stretch:retry', 'stretch:error']),
      )
      const everything = printed(e, e.toJSON(), e.meta, diagnostics.events, transport, transport.pool.nodes, mw)
      expect(everything).not.toContain(SECRET)
      await transport.close()
    }
  })
})
