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
import { apiKeyAuth } from '../src/index.js'

const SECRET = 'key-S3cr3t-planted-4711'
const info = { name: 'node-1', cluster_name: 'stretch', version: { number: '9.1.0' }, tagline: 'You Know, for Search' }

let certs: TestCertificates
beforeAll(async () => {
  certs = await createCertificates()
})

const id = 'VuaCfGcBCdbkQm-e5aOx'
const apiKey = 'ui2lp2axTNmsyakw9tvNnw'
const encoded = Buffer.from(`${id}:${apiKey}`).toString('base64')

/** Answers like a secured Elasticsearch node that knows one API key. */
function secured(valid: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.headers.authorization === `ApiKey ${valid}`) {
      sendJson(res, 200, info)
      return
    }
    const cause = { type: 'security_exception', reason: 'unable to authenticate with provided credentials' }
    sendJson(res, 401, { error: { root_cause: [cause], ...cause }, status: 401 }, { 'www-authenticate': 'ApiKey' })
  }
}

describe('apiKeyAuth through the Transport and undici', () => {
  it('puts the exact header on the wire over TLS, in all three forms', async () => {
    await using srv = await startServer(secured(encoded), { tls: { cert: certs.chain, key: certs.server.key } })
    for (const key of [encoded, { id, apiKey }, [id, apiKey] as const]) {
      const transport = new Transport({
        nodes: [srv.url],
        connection: undiciConnection({ tls: { ca: certs.ca.cert } }),
        auth: apiKeyAuth(key),
      })
      expect((await transport.request({ method: 'GET', path: '/' })).body).toEqual(info)
      await transport.close()
    }
    expect(srv.requests.map((r) => r.headers.authorization)).toEqual([
      `ApiKey ${encoded}`,
      `ApiKey ${encoded}`,
      `ApiKey ${encoded}`,
    ])
  })

  it('authenticates the retry on another node (the first answers 503)', async () => {
    await using first = await startServer((_req, res) => sendJson(res, 503, { error: 'unavailable' }))
    await using second = await startServer(secured(encoded))
    const transport = new Transport({
      nodes: [first.url, second.url],
      connection: undiciConnection(),
      auth: apiKeyAuth({ id, apiKey }),
      retryBackoff: 0,
    })
    const result = await transport.request({ method: 'GET', path: '/' })
    expect(result.statusCode).toBe(200)
    expect(result.meta.attempts).toBe(2)
    expect(first.requests.map((r) => r.headers.authorization)).toEqual([`ApiKey ${encoded}`])
    expect(second.requests.map((r) => r.headers.authorization)).toEqual([`ApiKey ${encoded}`])
    await transport.close()
  })

  it('lets a per-request header win, and a child with another key replace it (elasticsearch-js#3121)', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, info))
    const parent = new Transport({ nodes: [srv.url], connection: undiciConnection(), auth: apiKeyAuth(encoded) })
    const child = parent.child({ auth: apiKeyAuth(['child-id', 'child-key']) })
    await parent.request({ method: 'GET', path: '/' }, { headers: { authorization: 'Bearer per-request' } })
    await child.request({ method: 'GET', path: '/' })
    await parent.request({ method: 'GET', path: '/' })
    expect(srv.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer per-request',
      `ApiKey ${Buffer.from('child-id:child-key').toString('base64')}`,
      `ApiKey ${encoded}`,
    ])
    await parent.close()
  })

  it('turns a bad key into a 401 ResponseError, and the key appears on no surface', async () => {
    await using first = await startServer((_req, res) => sendJson(res, 503, { error: 'unavailable' }))
    await using second = await startServer(secured(encoded))
    const mw = apiKeyAuth({ id, apiKey: SECRET })
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
    const sent = Buffer.from(`${id}:${SECRET}`).toString('base64')
    expect(second.requests[0]?.headers.authorization).toBe(`ApiKey ${sent}`)
    expect(diagnostics.events.map((d) => d.channel)).toEqual(
      expect.arrayContaining(['stretch:request', 'stretch:response', 'stretch:retry', 'stretch:error']),
    )
    const everything = printed(e, e.toJSON(), e.meta, diagnostics.events, transport, transport.pool.nodes, mw)
    expect(everything).not.toContain(SECRET)
    expect(everything).not.toContain(sent)
    await transport.close()
  })
})
