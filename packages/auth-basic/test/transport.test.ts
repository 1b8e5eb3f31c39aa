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
import { basicAuth } from '../src/index.js'

const SECRET = 'pw-S3cr3t-planted-4711'
const info = { name: 'node-1', cluster_name: 'stretch', version: { number: '9.1.0' }, tagline: 'You Know, for Search' }

let certs: TestCertificates
beforeAll(async () => {
  certs = await createCertificates()
})

/** Answers like a secured Elasticsearch node that knows one user. */
function secured(username: string, password: string) {
  const expected = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.headers.authorization === expected) {
      sendJson(res, 200, info)
      return
    }
    const reason = `unable to authenticate user [${username}] for REST request [${req.url}]`
    const cause = { type: 'security_exception', reason, header: { 'WWW-Authenticate': ['Basic realm="security"'] } }
    sendJson(
      res,
      401,
      { error: { root_cause: [cause], ...cause }, status: 401 },
      {
        'www-authenticate': 'Basic realm="security", charset="UTF-8"',
      },
    )
  }
}

describe('basicAuth through the Transport and undici', () => {
  it('puts the exact header on the wire over TLS', async () => {
    await using srv = await startServer(secured('elastic', 'changeme'), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    const transport = new Transport({
      nodes: [srv.url],
      connection: undiciConnection({ tls: { ca: certs.ca.cert } }),
      auth: basicAuth(['elastic', 'changeme']),
    })
    const result = await transport.request({ method: 'GET', path: '/' })
    expect(result.body).toEqual(info)
    expect(srv.requests[0]?.headers.authorization).toBe('Basic ZWxhc3RpYzpjaGFuZ2VtZQ==')
    await transport.close()
  })

  it('sends UTF-8 credentials the way Elasticsearch decodes them', async () => {
    await using srv = await startServer(secured('jürgen', 'pässwörd€'))
    const transport = new Transport({
      nodes: [srv.url],
      connection: undiciConnection(),
      auth: basicAuth({ username: 'jürgen', password: 'pässwörd€' }),
    })
    expect((await transport.request({ method: 'GET', path: '/' })).statusCode).toBe(200)
    await transport.close()
  })

  it('authenticates the retry on another node (the first answers 503)', async () => {
    await using first = await startServer((_req, res) => sendJson(res, 503, { error: 'unavailable' }))
    await using second = await startServer(secured('elastic', 'changeme'))
    const transport = new Transport({
      nodes: [first.url, second.url],
      connection: undiciConnection(),
      auth: basicAuth(['elastic', 'changeme']),
      retryBackoff: 0,
    })
    const result = await transport.request({ method: 'GET', path: '/' })
    expect(result.statusCode).toBe(200)
    expect(result.meta.attempts).toBe(2)
    expect(first.requests.map((r) => r.headers.authorization)).toEqual(['Basic ZWxhc3RpYzpjaGFuZ2VtZQ=='])
    expect(second.requests.map((r) => r.headers.authorization)).toEqual(['Basic ZWxhc3RpYzpjaGFuZ2VtZQ=='])
    await transport.close()
  })

  it('lets a per-request authorization header win, and wins over credentials in the node URL', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, info))
    const url = new URL(srv.url)
    url.username = 'urluser'
    url.password = 'urlpass'
    const transport = new Transport({
      nodes: [url.href],
      connection: undiciConnection(),
      auth: basicAuth(['elastic', 'changeme']),
    })
    await transport.request({ method: 'GET', path: '/' })
    await transport.request({ method: 'GET', path: '/' }, { headers: { Authorization: 'ApiKey per-request' } })
    expect(srv.requests.map((r) => r.headers.authorization)).toEqual([
      'Basic ZWxhc3RpYzpjaGFuZ2VtZQ==',
      'ApiKey per-request',
    ])
    await transport.close()
  })

  it('does not stick to a child that has other credentials (elasticsearch-js#3121)', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, info))
    const parent = new Transport({ nodes: [srv.url], connection: undiciConnection(), auth: basicAuth(['parent', 'p']) })
    const child = parent.child({ auth: basicAuth(['child', 'c']) })
    const anonymous = parent.child({ auth: null })
    await parent.request({ method: 'GET', path: '/' })
    await child.request({ method: 'GET', path: '/' })
    await anonymous.request({ method: 'GET', path: '/' })
    await parent.request({ method: 'GET', path: '/' })
    expect(srv.requests.map((r) => r.headers.authorization)).toEqual([
      `Basic ${Buffer.from('parent:p').toString('base64')}`,
      `Basic ${Buffer.from('child:c').toString('base64')}`,
      undefined,
      `Basic ${Buffer.from('parent:p').toString('base64')}`,
    ])
    await parent.close()
  })

  it('turns bad credentials into a 401 ResponseError, and the password appears on no surface', async () => {
    await using first = await startServer((_req, res) => sendJson(res, 503, { error: 'unavailable' }))
    await using second = await startServer(secured('elastic', 'the-right-one'))
    const mw = basicAuth({ username: 'elastic', password: SECRET })
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
    // the wire did carry it, so the search below is meaningful
    const encoded = Buffer.from(`elastic:${SECRET}`).toString('base64')
    expect(second.requests[0]?.headers.authorization).toBe(`Basic ${encoded}`)
    expect(diagnostics.events.map((d) => d.channel)).toEqual(
      expect.arrayContaining(['stretch:request', 'stretch:response', 'stretch:retry', 'stretch:error']),
    )
    const everything = printed(e, e.toJSON(), e.meta, diagnostics.events, transport, transport.pool.nodes, mw)
    expect(everything).not.toContain(SECRET)
    expect(everything).not.toContain(encoded)
    await transport.close()
  })
})
