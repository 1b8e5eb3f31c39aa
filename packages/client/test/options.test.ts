import { once } from 'node:events'
import { createCertificates, rejection, sendJson, startServer } from '@stretch/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Client, isConfigurationError, isResponseError, isTimeoutError } from '../src/index.js'

const info = { name: 'n1', cluster_name: 'c', version: { number: '9.1.0' }, tagline: 'You Know, for Search' }

// Restores the environment as it was, a value the outer shell set included.
afterEach(() => {
  vi.unstubAllEnvs()
})

describe('client options on the wire', () => {
  it('sends default headers, opaqueId and the stretch user-agent; per-call options win', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, info))
    const client = new Client({ node: srv.url, headers: { 'X-Team': 'search' }, opaqueId: 'app-1' })
    await client.info()
    await client.info({}, { opaqueId: 'call-2', headers: { 'x-team': 'other' } })
    const [first, second] = srv.requests
    expect(first?.headers['x-team']).toBe('search')
    expect(first?.headers['x-opaque-id']).toBe('app-1')
    expect(first?.headers['user-agent']).toMatch(/^stretch\/\d+\.\d+\.\d+ \(Node\.js v/)
    expect(second?.headers['x-team']).toBe('other')
    expect(second?.headers['x-opaque-id']).toBe('call-2')
    await client.close()
  })

  it('honours ELASTIC_CLIENT_APIVERSIONING', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, info))
    vi.stubEnv('ELASTIC_CLIENT_APIVERSIONING', 'false')
    const off = new Client({ node: srv.url })
    await off.info()
    vi.stubEnv('ELASTIC_CLIENT_APIVERSIONING', '1')
    const on = new Client({ node: srv.url, compatibility: false })
    await on.info()
    expect(srv.requests.map((r) => r.headers['accept'])).toEqual([
      'application/json',
      'application/vnd.elasticsearch+json; compatible-with=8',
    ])
    await Promise.all([off.close(), on.close()])
  })

  it('applies requestTimeout, maxRetries and ignore from options()', async () => {
    await using srv = await startServer((req, res) => {
      if (req.url === '/slow') return // never answers
      sendJson(res, 404, { found: false })
    })
    const client = new Client({ node: srv.url })
    const quick = client.options({ requestTimeout: 50, maxRetries: 0 })
    expect(isTimeoutError(await rejection(quick.request({ method: 'GET', path: '/slow' })))).toBe(true)
    expect(isResponseError(await rejection(client.request({ method: 'GET', path: '/missing' })))).toBe(true)
    expect(await client.options({ ignore: [404] }).request({ method: 'GET', path: '/missing' })).toEqual({
      found: false,
    })
    await client.close()
  })

  it('compresses with httpCompress', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, { took: 1, hits: { hits: [] } }))
    const client = new Client({ node: srv.url, httpCompress: true })
    await client.search({ index: 'i', query: { match_all: {} } })
    expect(srv.requests[0]?.headers['content-encoding']).toBe('gzip')
    expect(srv.requests[0]?.headers['accept-encoding']).toBe('gzip')
    await client.close()
  })

  it('warns once when verifyCerts is false, and then trusts any certificate', async () => {
    const certs = await createCertificates()
    await using srv = await startServer((_req, res) => sendJson(res, 200, info), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    const warned = once(process, 'warning')
    const client = new Client({ node: srv.url, verifyCerts: false })
    const [warning] = (await warned) as [Error & { code?: string }]
    expect(warning.code).toBe('STRETCH_TLS_VERIFY_OFF')
    expect((await client.info()).name).toBe('n1')
    await client.close()
  })

  it('accepts node objects with metadata for custom selectors', async () => {
    await using a = await startServer((_req, res) => sendJson(res, 200, { ...info, name: 'a' }))
    await using b = await startServer((_req, res) => sendJson(res, 200, { ...info, name: 'b' }))
    const client = new Client({
      nodes: [
        { url: a.url, attributes: { zone: 'a' } },
        { url: b.url, attributes: { zone: 'b' } },
      ],
      nodeSelector: (nodes) => nodes.find((n) => n.attributes['zone'] === 'b') ?? nodes[0]!,
    })
    expect((await client.info()).name).toBe('b')
    await client.close()
  })
})

describe('malformed options', () => {
  it.each([
    ['no node', {}, /one of cloudId, node or nodes/],
    ['bad scheme', { node: 'ftp://localhost:21' }, /unsupported scheme 'ftp'/],
    ['not a URL', { node: 'localhost 9200' }, /not a valid URL/],
    ['empty nodes', { nodes: [] }, /non-empty array/],
    ['cloudId and node', { cloudId: 'a:b', node: 'http://localhost:9200' }, /only one of/],
    ['bad fingerprint', { node: 'https://localhost:9200', sslAssertFingerprint: 'zz' }, /^sslAssertFingerprint: /],
    ['missing CA file', { node: 'https://localhost:9200', caCerts: '/nope/http_ca.crt' }, /^caCerts: cannot read/],
    [
      'CA not PEM',
      { node: 'https://localhost:9200', caCerts: Buffer.from('hello') },
      /^caCerts: does not contain a PEM/,
    ],
    ['TLS on http', { node: 'http://localhost:9200', sslAssertFingerprint: 'aa'.repeat(32) }, /TLS options need https/],
    [
      'cert without key',
      { node: 'https://localhost:9200', clientCert: '-----BEGIN CERTIFICATE-----x-----END CERTIFICATE-----' },
      /clientCert and clientKey/,
    ],
    ['CRLF header', { node: 'http://localhost:9200', headers: { 'x-a': 'b\r\nc' } }, /CR, LF or NUL/],
    ['bad selector', { node: 'http://localhost:9200', nodeSelector: 42 }, /nodeSelector/],
    ['two auths', { node: 'http://localhost:9200', basicAuth: ['a', 'b'], bearerAuth: 't' }, /only one of/],
    ['empty api key', { node: 'http://localhost:9200', apiKey: '' }, /apiKey/],
    ['non-string password', { node: 'http://localhost:9200', basicAuth: ['elastic', 42] }, /password/],
    ['userinfo over http to a remote host', { node: 'http://u:p@es.example.com:9200' }, /unencrypted/],
  ])('%s', (_name, options, message) => {
    let error: unknown
    try {
      new Client(options as never)
    } catch (e) {
      error = e
    }
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toMatch(message)
  })
})

describe('defects found by the reliability suite', () => {
  it('refuses credentials added later (options(), per-call headers) over plain http to a remote host, sending nothing', async () => {
    const { lookup } = await import('@stretch/test-cluster')
    await using srv = await startServer((_req, res) => sendJson(res, 200, info))
    const client = new Client({ node: `http://remote.es.stretch.test:${srv.port}`, lookup, maxRetries: 0 })
    expect((await client.info()).name).toBe('n1')
    const viaOptions = await rejection(client.options({ basicAuth: ['elastic', 'pw'] }).info())
    const viaHeader = await rejection(client.info({}, { headers: { authorization: 'Bearer x' } }))
    for (const error of [viaOptions, viaHeader]) {
      expect(isConfigurationError(error)).toBe(true)
      expect((error as Error).message).toMatch(/unencrypted.*allowInsecureTransport/)
    }
    expect(srv.requests).toHaveLength(1)
    const allowed = new Client({
      node: `http://remote.es.stretch.test:${srv.port}`,
      lookup,
      allowInsecureTransport: true,
      apiKey: 'k',
    })
    await allowed.info()
    expect(srv.requests.at(-1)?.headers['authorization']).toBe('ApiKey k')
    await Promise.all([client.close(), allowed.close()])
  })

  it('rejects an HTML page answered to a JSON API instead of resolving to a string', async () => {
    await using srv = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'x-elastic-product': 'Elasticsearch' })
      res.end('<html>Sign in to the proxy</html>')
    })
    const client = new Client({ node: srv.url })
    const error = await rejection(client.info())
    expect((error as { code?: string }).code).toBe('ES_ERR_DESERIALIZATION')
    expect((error as Error).message).toMatch(/expected a JSON answer but got "text\/html"/)
    await client.close()
  })

  it('passes size limits to the transport: a gzip bomb stops at maxResponseSize', async () => {
    const { gzipSync } = await import('node:zlib')
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024, 32))
    await using srv = await startServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'x-elastic-product': 'Elasticsearch',
      })
      res.end(bomb)
    })
    const client = new Client({ node: srv.url, maxResponseSize: 1024 * 1024 })
    expect(((await rejection(client.info())) as { code?: string }).code).toBe('ES_ERR_RESPONSE_TOO_LARGE')
    await client.close()
  })
})
