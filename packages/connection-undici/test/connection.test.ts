import { getEventListeners, once } from 'node:events'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import {
  configurationError,
  createCertificates,
  rejection,
  sendJson,
  startServer,
  type TestCertificates,
} from '@stretch/test-utils'
import {
  isConnectionError,
  isRequestAbortedError,
  isResponseTooLargeError,
  isTimeoutError,
  isTlsError,
  Transport,
  type TransportOptions,
} from '@stretch/transport'
import { beforeAll, describe, expect, it } from 'vitest'
import { type UndiciConnectionOptions, undiciConnection } from '../src/index.js'

let certs: TestCertificates
beforeAll(async () => {
  certs = await createCertificates({ caName: 'Elasticsearch security auto-configuration HTTP CA' })
})

function client(
  url: string | string[],
  options: UndiciConnectionOptions = {},
  extra: Partial<TransportOptions> = {},
): Transport {
  return new Transport({ nodes: Array.isArray(url) ? url : [url], connection: undiciConnection(options), ...extra })
}

const info = { name: 'node-1', cluster_name: 'stretch', version: { number: '9.1.0' }, tagline: 'You Know, for Search' }

describe('options', () => {
  it('refuses a misspelt option or TLS option, naming the nearest one, and checks the timeouts', () => {
    expect(configurationError(() => undiciConnection({ conectTimeout: 5 } as never)).message).toBe(
      'undiciConnection: unknown option `conectTimeout`; did you mean `connectTimeout`?',
    )
    expect(configurationError(() => undiciConnection({ tls: { sevrername: 'es' } } as never)).message).toBe(
      'undiciConnection `tls`: unknown option `sevrername`; did you mean `servername`?',
    )
    expect(configurationError(() => undiciConnection({ connectTimeout: 0 })).message).toBe(
      'connectTimeout: must be a number of milliseconds, more than 0 (got 0)',
    )
    expect(configurationError(() => undiciConnection({ keepAliveTimeout: -1 })).message).toBe(
      'keepAliveTimeout: must be a number of milliseconds, more than 0 (got -1)',
    )
  })
})

describe('HTTPS', () => {
  it('verifies the server with a CA given as PEM text or as a file path', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, info), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    const dir = mkdtempSync(join(tmpdir(), 'stretch-ca-'))
    writeFileSync(join(dir, 'http_ca.crt'), certs.ca.cert)
    for (const ca of [certs.ca.cert, join(dir, 'http_ca.crt')]) {
      const transport = client(srv.url, { tls: { ca } })
      expect((await transport.request({ method: 'GET', path: '/' })).body).toEqual(info)
      await transport.close()
    }
  })

  it('refuses an untrusted certificate with a TlsError that says what to do, and sends nothing', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, info), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    const transport = client(srv.url, {}, { maxRetries: 0 })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isTlsError(error)).toBe(true)
    expect((error as Error).message).toMatch(/caCerts|sslAssertFingerprint/)
    expect(srv.requests).toHaveLength(0)
    await transport.close()
  })

  it('accepts a pinned fingerprint of the CA or of the leaf, in any case and with or without colons', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, info), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    for (const pin of [certs.ca.fingerprint256, certs.server.fingerprint256.replace(/:/g, '').toLowerCase()]) {
      const transport = client(srv.url, { tls: { fingerprint256: pin } })
      expect((await transport.request({ method: 'GET', path: '/' })).statusCode).toBe(200)
      await transport.close()
    }
  })

  it('refuses a pin mismatch before a single byte of HTTP, on every connection and retry', async () => {
    await using a = await startServer((_req, res) => sendJson(res, 200, info), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    await using b = await startServer((_req, res) => sendJson(res, 200, info), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    const wrong = 'AA:'.repeat(31) + 'AA'
    const transport = client([a.url, b.url], { tls: { fingerprint256: wrong } }, { maxRetries: 3 })
    const error = await rejection(
      transport.request({ method: 'POST', path: '/i/_doc', body: { secret: 1 }, headers: {} } as never),
    )
    expect(isTlsError(error)).toBe(true)
    expect((error as Error).message).toContain(wrong)
    expect((error as Error).message).toContain(certs.ca.fingerprint256)
    for (const srv of [a, b]) {
      expect(srv.connections).toBeGreaterThan(0)
      expect(srv.bytesReceived).toBe(0)
      expect(srv.requests).toHaveLength(0)
    }
    await transport.close()
  })

  it('rejects malformed pins and CA files with errors that name the option', () => {
    expect(() => undiciConnection({ tls: { fingerprint256: 'abc' } })).toThrow(/fingerprint256.*64 hex/)
    expect(() => undiciConnection({ tls: { fingerprint256: 'a'.repeat(40) } })).toThrow(/SHA-1/)
    expect(() => undiciConnection({ tls: { ca: '/nope/http_ca.crt' } })).toThrow(/ca: cannot read .*ENOENT/)
    const error = configurationError(() => undiciConnection({ tls: { ca: 'not a pem -----BEGIN nothing' } }))
    expect(error.message).toMatch(/PEM certificate/)
  })

  it('sends a client certificate for mutual TLS', async () => {
    const clientCerts = await createCertificates({ issuer: certs.ca, client: true, commonName: 'stretch-client' })
    await using srv = await startServer(
      (req, res) => sendJson(res, 200, { authorized: (req.socket as unknown as { authorized: boolean }).authorized }),
      { tls: { cert: certs.chain, key: certs.server.key, ca: certs.ca.cert, requestCert: true } },
    )
    const transport = client(srv.url, {
      tls: { ca: certs.ca.cert, cert: clientCerts.server.cert, key: clientCerts.server.key },
    })
    expect((await transport.request({ method: 'GET', path: '/' })).body).toEqual({ authorized: true })
    await transport.close()
  })
})

describe('HTTP behaviour', () => {
  it('gzips request bodies and inflates gzip answers over real sockets', async () => {
    await using srv = await startServer((req, res) => {
      const last = srv.requests.at(-1)!
      const body = JSON.parse(gunzipSync(last.body).toString())
      const payload = gzipSync(JSON.stringify({ echo: body, accept: req.headers['accept-encoding'] }))
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'x-elastic-product': 'Elasticsearch',
      })
      res.end(payload)
    })
    const transport = client(srv.url, {}, { compress: true })
    const result = await transport.request({ method: 'POST', path: '/x', body: { hello: 'world' } })
    expect(result.body).toEqual({ echo: { hello: 'world' }, accept: 'gzip' })
    expect(srv.requests[0]?.headers['content-encoding']).toBe('gzip')
    await transport.close()
  })

  it('delivers an answer of many chunks whole and in order, and an empty one as no bytes', async () => {
    // 2 MB of distinct lines, written in pieces: the socket delivers them in many chunks.
    const lines = Array.from({ length: 40_000 }, (_, i) => `"line ${i} ${'x'.repeat(40)}"`)
    await using srv = await startServer(async (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' })
      if (req.url === '/empty') {
        res.end()
        return
      }
      res.write('[')
      for (let i = 0; i < lines.length; i += 1000) {
        if (!res.write(`${i === 0 ? '' : ','}${lines.slice(i, i + 1000).join(',')}`)) await once(res, 'drain')
      }
      res.end(']')
    })
    const transport = client(srv.url)
    const many = await transport.request<string[]>({ method: 'GET', path: '/many' })
    expect(many.body).toHaveLength(40_000)
    expect(many.body[0]).toBe(`line 0 ${'x'.repeat(40)}`)
    expect(many.body[39_999]).toBe(`line 39999 ${'x'.repeat(40)}`)
    const bytes = await transport.request<Uint8Array>({ method: 'GET', path: '/many' }, { asBytes: true })
    expect(Buffer.from(bytes.body).toString('utf8')).toBe(`[${lines.join(',')}]`)
    const empty = await transport.request({ method: 'GET', path: '/empty' }, { asBytes: true })
    expect(empty.statusCode).toBe(200)
    expect((empty.body as Uint8Array).byteLength).toBe(0)
    await transport.close()
  })

  it('stops reading at maxCompressedResponseSize', async () => {
    await using srv = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' })
      res.end(Buffer.alloc(5 * 1024 * 1024, 32))
    })
    const transport = client(srv.url, {}, { maxCompressedResponseSize: 64 * 1024 })
    expect(isResponseTooLargeError(await rejection(transport.request({ method: 'GET', path: '/' })))).toBe(true)
    await transport.close()
  })

  it('times out at requestTimeout and aborts through a signal', async () => {
    await using srv = await startServer(() => {
      // never answer
    })
    const transport = client(srv.url, {}, { maxRetries: 0 })
    expect(
      isTimeoutError(await rejection(transport.request({ method: 'GET', path: '/' }, { requestTimeout: 100 }))),
    ).toBe(true)
    const controller = new AbortController()
    // Listening before the request is sent: the server's 'request' event cannot be missed.
    const arrived = once(srv.server, 'request')
    const pending = transport.request({ method: 'GET', path: '/' }, { signal: controller.signal })
    await arrived
    controller.abort()
    expect(isRequestAbortedError(await rejection(pending))).toBe(true)
    await transport.close()
  })

  it('listens to a signal while its request is in flight only', async () => {
    const controller = new AbortController()
    const listening: number[] = []
    await using srv = await startServer((_req, res) => {
      listening.push(getEventListeners(controller.signal, 'abort').length)
      sendJson(res, 200, info)
    })
    const transport = client(srv.url)
    for (let i = 0; i < 3; i++) {
      expect((await transport.request({ method: 'GET', path: '/' }, { signal: controller.signal })).body).toEqual(info)
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    }
    expect(listening).toEqual([1, 1, 1])
    // Aborted after the answers: nothing is left to abort.
    controller.abort()
    await transport.close()
  })

  it('retries a refused connection on another node and prefixes the node path', async () => {
    const dead = createNetServer()
    dead.listen(0, '127.0.0.1')
    await once(dead, 'listening')
    const port = (dead.address() as { port: number }).port
    await new Promise((resolve) => dead.close(resolve))
    await using srv = await startServer((req, res) => sendJson(res, 200, { url: req.url }))
    const transport = client([`http://127.0.0.1:${port}`, `${srv.url}/es`], {}, { selector: (nodes) => nodes[0]! })
    const result = await transport.request({ method: 'POST', path: '/_bulk', ndjson: [{ index: {} }, { a: 1 }] })
    expect(result.body).toEqual({ url: '/es/_bulk' })
    expect(result.meta.attempts).toBe(2)
    expect(transport.pool.nodes[0]?.alive).toBe(false)
    await transport.close()
  })

  it('does not resend a POST whose socket closed after it was written', async () => {
    await using srv = await startServer((req) => {
      req.socket.destroy()
    })
    const transport = client(srv.url, {}, { maxRetries: 3 })
    const error = await rejection(transport.request({ method: 'POST', path: '/_bulk', body: 'x\n' }))
    expect(isConnectionError(error)).toBe(true)
    expect((error as { requestSent: boolean }).requestSent).toBe(true)
    expect(srv.requests).toHaveLength(1)
    await transport.close()
  })

  it('keeps sockets alive and leaves no open handle after close()', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, {}))
    const before = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length
    const transport = client(srv.url)
    for (let i = 0; i < 20; i++) await transport.request({ method: 'GET', path: '/' })
    // Sequential requests reuse sockets. undici frees a socket one event-loop turn after a response completes
    // (client-h1.js onMessageComplete: setImmediate(resume)), so a request sent right after the previous answer
    // may open a second socket; resolving later would cost every request a loop turn.
    expect(srv.connections).toBeLessThanOrEqual(2)
    await transport.close()
    await srv.drained()
    await srv.close()
    const after = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length
    expect(after).toBeLessThanOrEqual(before)
  })

  it('reaches a name through a custom DNS lookup, with TLS checking that name', async () => {
    const named = await createCertificates({ issuer: certs.ca, dnsNames: ['es.stretch.test'] })
    await using srv = await startServer((req, res) => sendJson(res, 200, { host: req.headers.host }), {
      tls: { cert: named.chain, key: named.server.key },
    })
    const lookup = ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
      if (options.all) cb(null, [{ address: '127.0.0.1', family: 4 }])
      else cb(null, '127.0.0.1', 4)
    }) as never
    const transport = client(`https://es.stretch.test:${srv.port}`, { lookup, tls: { ca: certs.ca.cert } })
    expect((await transport.request({ method: 'GET', path: '/' })).body).toEqual({
      host: `es.stretch.test:${srv.port}`,
    })
    await transport.close()
  })
})

describe('proxy', () => {
  it('rejects proxies it cannot use', () => {
    expect(() => undiciConnection({ proxy: 'socks5://x:1080' })).toThrow(/only http: proxies/)
  })
})

describe('response headers', () => {
  it('gives every header name in lower case, whatever case the server sent, and repeated headers as arrays', async () => {
    await using srv = await startServer((_req, res) => {
      // Node writes names as given: mixed case on the wire (Date, Connection and Keep-Alive are Node's own).
      res.setHeader('X-Elastic-Product', 'Elasticsearch')
      res.setHeader('Content-Type', 'application/json')
      res.setHeader('warning', ['299 Elasticsearch-9.1.0 "one"', '299 Elasticsearch-9.1.0 "two"'])
      res.setHeader('X-Found-Handling-Cluster', 'abc')
      res.end(JSON.stringify(info))
    })
    const transport = client(srv.url)
    const result = await transport.request({ method: 'GET', path: '/' })
    expect(result.body).toEqual(info)
    expect(result.headers['x-elastic-product']).toBe('Elasticsearch')
    expect(result.headers['x-found-handling-cluster']).toBe('abc')
    expect(result.headers['warning']).toEqual(['299 Elasticsearch-9.1.0 "one"', '299 Elasticsearch-9.1.0 "two"'])
    expect(result.warnings).toEqual(['"one"', '"two"'].map((m) => `299 Elasticsearch-9.1.0 ${m}`))
    expect(Object.keys(result.headers).filter((name) => name !== name.toLowerCase())).toEqual([])
    expect(result.headers['connection']).toBe('keep-alive')
    await transport.close()
  })

  it("gives each answer its own header object with that answer's values", async () => {
    let n = 0
    await using srv = await startServer((_req, res) => {
      n++
      const body = JSON.stringify({ n, pad: 'x'.repeat(n % 3) })
      // Names an object inherits are headers like any other.
      res.writeHead(200, [
        'content-type',
        'application/json',
        'x-elastic-product',
        'Elasticsearch',
        'content-length',
        String(body.length),
        'constructor',
        `c${n}`,
      ])
      res.end(body)
    })
    const transport = client(srv.url)
    const seen: object[] = []
    for (let i = 1; i <= 5; i++) {
      const result = await transport.request({ method: 'GET', path: '/' })
      expect(result.body).toMatchObject({ n: i })
      expect(result.headers['content-length']).toBe(String(JSON.stringify(result.body).length))
      expect(result.headers['constructor']).toBe(`c${i}`)
      expect(seen).not.toContain(result.headers)
      seen.push(result.headers)
    }
    await transport.close()
  })
})
