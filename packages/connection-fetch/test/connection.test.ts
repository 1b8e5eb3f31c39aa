import { once } from 'node:events'
import { createServer as createNetServer } from 'node:net'
import { Readable } from 'node:stream'
import { gunzipSync, gzipSync } from 'node:zlib'
import { startCluster, type TestCluster } from '@stretch/test-cluster'
import {
  configurationError,
  createCertificates,
  rejection,
  sendJson,
  startServer,
  type TestCertificates,
} from '@stretch/test-utils'
import {
  createNodePool,
  isConnectionError,
  isRequestAbortedError,
  isResponseTooLargeError,
  isTimeoutError,
  isTlsError,
  type PoolNode,
  Transport,
  type TransportOptions,
  type TransportRequest,
} from '@stretch/transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FetchConnectionOptions, fetchConnection } from '../src/index.js'

let certs: TestCertificates
let cluster: TestCluster
beforeAll(async () => {
  certs = await createCertificates()
  cluster = await startCluster({ nodes: 2, security: false })
})
afterAll(() => cluster.close())

function client(
  url: string | string[],
  extra: Partial<TransportOptions> = {},
  options: FetchConnectionOptions = {},
): Transport {
  return new Transport({ nodes: Array.isArray(url) ? url : [url], connection: fetchConnection(options), ...extra })
}

// One pool node whose connection is a fetch connection: the connection's own contract, without the transport.
function nodeOf(url: string): PoolNode {
  return createNodePool({ nodes: [url], connection: fetchConnection() }).nodes[0] as PoolNode
}

function attempt(node: PoolNode, extra: Partial<TransportRequest> = {}): TransportRequest {
  return {
    method: 'GET',
    path: '/',
    headers: {},
    body: undefined,
    node,
    attempt: 1,
    signal: undefined,
    timeout: undefined,
    ...extra,
  }
}

const limits = { maxCompressedResponseSize: 10 * 1024 * 1024 }

describe('bodies', () => {
  it('sends gzip request bodies as bytes and inflates a gzip answer exactly once', async () => {
    await using srv = await startServer((req, res) => {
      const last = srv.requests.at(-1)!
      const body = JSON.parse(gunzipSync(last.body).toString())
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'x-elastic-product': 'Elasticsearch',
      })
      res.end(gzipSync(JSON.stringify({ echo: body, accept: req.headers['accept-encoding'] })))
    })
    const transport = client(srv.url, { compress: true })
    const result = await transport.request({ method: 'POST', path: '/x', body: { hello: 'world' } })
    expect(result.body).toEqual({ echo: { hello: 'world' }, accept: 'gzip' })
    expect(srv.requests[0]?.headers['content-encoding']).toBe('gzip')
    expect(srv.requests[0]?.headers['content-length']).toBe(String(srv.requests[0]?.body.length))
    expect(srv.requests[0]?.headers['transfer-encoding']).toBeUndefined()
    await transport.close()
  })

  it('hands on decoded bytes under headers that no longer claim an encoding', async () => {
    const payload = JSON.stringify({ big: 'x'.repeat(5000) })
    await using srv = await startServer((_req, res) => {
      const gz = gzipSync(payload)
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': gz.length,
      })
      res.end(gz)
    })
    const node = nodeOf(srv.url)
    const response = await node.connection.request(attempt(node), limits)
    expect(response.headers['content-encoding']).toBeUndefined()
    expect(response.headers['content-length']).toBeUndefined()
    expect(new TextDecoder().decode(response.body)).toBe(payload)
    await node.connection.close()
  })

  it('collects a streamed body (a Node Readable, a Web ReadableStream) into one sized request', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, {}))
    const transport = client(srv.url)
    await transport.request({ method: 'POST', path: '/_bulk', body: Readable.from(['{"index":{}}\n', '{"a":1}\n']) })
    const node = transport.pool.nodes[0] as PoolNode
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"b":'))
        controller.enqueue(new TextEncoder().encode('2}\n'))
        controller.close()
      },
    })
    await node.connection.request(attempt(node, { method: 'POST', path: '/web', body: web as never }), limits)
    expect(srv.requests.map((r) => r.body.toString())).toEqual(['{"index":{}}\n{"a":1}\n', '{"b":2}\n'])
    for (const r of srv.requests) {
      expect(r.headers['content-length']).toBe(String(r.body.length))
      expect(r.headers['transfer-encoding']).toBeUndefined()
    }
    await transport.close()
  })

  it('prefixes the node path and keeps the query string', async () => {
    await using srv = await startServer((req, res) => sendJson(res, 200, { url: req.url }))
    const transport = client(`${srv.url}/es/`)
    const result = await transport.request({ method: 'GET', path: '/_search', querystring: { q: 'a b', size: 1 } })
    expect(result.body).toEqual({ url: '/es/_search?q=a%20b&size=1' })
    await transport.close()
  })

  it('answers HEAD with an empty body', async () => {
    const transport = client(cluster.url, { maxRetries: 0 })
    const result = await transport.request({ method: 'HEAD', path: '/' })
    expect(result.statusCode).toBe(200)
    expect(result.body).toBeUndefined()
    await transport.close()
  })
})

describe('limits', () => {
  it('refuses a content-length above maxCompressedResponseSize without reading the body', async () => {
    await using srv = await startServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': 5 * 1024 * 1024,
        'x-elastic-product': 'Elasticsearch',
      })
      // Headers only: the body never comes, so only the announced length can stop the request.
      res.flushHeaders()
    })
    const transport = client(srv.url, { maxCompressedResponseSize: 64 * 1024, maxRetries: 0 })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isResponseTooLargeError(error)).toBe(true)
    expect((error as Error).message).toContain('maxCompressedResponseSize (65536 bytes)')
    await transport.close()
  })

  it('stops reading a streamed answer of unknown length at the limit and cancels it', async () => {
    let written = 0
    let closed!: () => void
    const gone = new Promise<void>((resolve) => (closed = resolve))
    await using srv = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' })
      const chunk = Buffer.alloc(64 * 1024, 32)
      const pump = (): void => {
        // Writes until the client stops reading: then the socket closes and the pump ends.
        while (!res.destroyed && written < 64 * 1024 * 1024) {
          written += chunk.length
          if (!res.write(chunk)) {
            res.once('drain', pump)
            return
          }
        }
        res.end()
      }
      res.on('close', closed)
      pump()
    })
    const transport = client(srv.url, { maxCompressedResponseSize: 256 * 1024, maxRetries: 0 })
    expect(isResponseTooLargeError(await rejection(transport.request({ method: 'GET', path: '/' })))).toBe(true)
    await gone
    expect(written).toBeLessThan(16 * 1024 * 1024)
    await transport.close()
  })
})

describe('timeouts and aborts', () => {
  it('times out at requestTimeout with a TimeoutError, and aborts through the signal with RequestAbortedError', async () => {
    await using srv = await startServer(() => {
      // never answer
    })
    const transport = client(srv.url, { maxRetries: 0 })
    const timedOut = await rejection(transport.request({ method: 'GET', path: '/' }, { requestTimeout: 50 }))
    expect(isTimeoutError(timedOut)).toBe(true)
    expect((timedOut as Error).message).toContain('requestTimeout (50 ms)')
    const controller = new AbortController()
    // Listening before the request is sent: the server's 'request' event cannot be missed.
    const arrived = once(srv.server, 'request')
    const pending = transport.request({ method: 'GET', path: '/' }, { signal: controller.signal })
    await arrived
    controller.abort()
    expect(isRequestAbortedError(await rejection(pending))).toBe(true)
    await transport.close()
  })

  it('times out while the body is still coming', async () => {
    cluster.inject({ type: 'truncated-body', ending: 'hang' })
    const transport = client(cluster.url, { maxRetries: 0 })
    expect(
      isTimeoutError(await rejection(transport.request({ method: 'GET', path: '/' }, { requestTimeout: 200 }))),
    ).toBe(true)
    await transport.close()
  })

  it('refuses at once a signal that is already aborted', async () => {
    const node = nodeOf(cluster.url)
    const before = cluster.node(0).stats.requests
    const error = await rejection(node.connection.request(attempt(node, { signal: AbortSignal.abort() }), limits))
    expect(isRequestAbortedError(error)).toBe(true)
    expect(cluster.node(0).stats.requests).toBe(before)
    await node.connection.close()
  })
})

describe('connection failures', () => {
  async function freePort(): Promise<number> {
    const dead = createNetServer()
    dead.listen(0, '127.0.0.1')
    await once(dead, 'listening')
    const port = (dead.address() as { port: number }).port
    await new Promise((resolve) => dead.close(resolve))
    return port
  }

  it('maps a refused connection to ConnectionError with requestSent false, so even a POST moves on', async () => {
    const port = await freePort()
    await using srv = await startServer((req, res) => sendJson(res, 200, { url: req.url }))
    const transport = client([`http://127.0.0.1:${port}`, srv.url], { selector: (nodes) => nodes[0]! })
    const result = await transport.request({ method: 'POST', path: '/i/_doc', body: { a: 1 } })
    expect(result.meta.attempts).toBe(2)
    expect(transport.pool.nodes[0]?.alive).toBe(false)
    const alone = client(`http://127.0.0.1:${port}`, { maxRetries: 0 })
    const error = await rejection(alone.request({ method: 'GET', path: '/' }))
    expect(isConnectionError(error)).toBe(true)
    expect((error as { requestSent: boolean }).requestSent).toBe(false)
    expect((error as Error).message).toContain('ECONNREFUSED')
    await Promise.all([transport.close(), alone.close()])
  })

  it('does not resend a POST whose socket was reset after it was written', async () => {
    cluster.inject({ type: 'reset', when: 'after-body' })
    const transport = client(cluster.url, { maxRetries: 3 })
    const before = cluster.node(0).stats.requests
    const error = await rejection(transport.request({ method: 'POST', path: '/logs/_doc/1', body: { a: 1 } }))
    expect(isConnectionError(error)).toBe(true)
    expect((error as { requestSent: boolean }).requestSent).toBe(true)
    expect(cluster.node(0).stats.requests - before).toBe(1)
    expect(cluster.writeCount('logs', '1')).toBe(0)
    await transport.close()
  })

  it('maps a body cut short to ConnectionError with requestSent true', async () => {
    cluster.inject({ type: 'truncated-body', ending: 'close' })
    const transport = client(cluster.url, { maxRetries: 0 })
    const error = await rejection(transport.request({ method: 'POST', path: '/logs/_doc/2', body: { a: 1 } }))
    expect(isConnectionError(error)).toBe(true)
    expect((error as { requestSent: boolean }).requestSent).toBe(true)
    await transport.close()
  })

  it('retries a GET on the other node after a stopped node, round-robin over two nodes', async () => {
    let turn = 0
    const transport = client(cluster.urls as string[], { selector: (nodes) => nodes[turn++ % nodes.length]! })
    const seen = new Set<string>()
    for (let i = 0; i < 4; i++) seen.add((await transport.request({ method: 'GET', path: '/' })).meta.node.url)
    expect(seen.size).toBe(2)
    await cluster.node(1).stop()
    try {
      for (let i = 0; i < 3; i++) {
        const result = await transport.request({ method: 'GET', path: '/' })
        expect(result.meta.node.url).toBe(cluster.node(0).url)
      }
    } finally {
      await cluster.node(1).start()
    }
    await transport.close()
  })

  it('maps an untrusted certificate to TlsError and sends nothing', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, {}), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    const transport = client(srv.url, { maxRetries: 0 })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isTlsError(error)).toBe(true)
    expect((error as { requestSent: boolean }).requestSent).toBe(false)
    expect(srv.requests).toHaveLength(0)
    await transport.close()
  })

  it('never puts credentials in an error', async () => {
    const port = await freePort()
    const transport = client(`http://elastic:hunter2-secret@127.0.0.1:${port}`, {
      maxRetries: 0,
      headers: { authorization: 'ApiKey c2VjcmV0LWtleQ==' },
    })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    const text = `${(error as Error).message} ${JSON.stringify(error)}`
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('c2VjcmV0LWtleQ')
    await transport.close()
  })
})

describe('close', () => {
  it('waits for requests in flight, then refuses new ones', async () => {
    let release!: () => void
    cluster.inject({ type: 'hold', until: new Promise<void>((resolve) => (release = resolve)) })
    const node = nodeOf(cluster.url)
    const pending = node.connection.request(attempt(node), limits)
    await once(cluster.node(0).events, 'request')
    let closed = false
    const closing = node.connection.close().then(() => (closed = true))
    await Promise.resolve()
    expect(closed).toBe(false)
    release()
    expect((await pending).statusCode).toBe(200)
    await closing
    expect(closed).toBe(true)
    const error = await rejection(node.connection.request(attempt(node), limits))
    expect(isConnectionError(error)).toBe(true)
    expect((error as Error).message).toContain('is closed')
  })
})

describe('options the runtime cannot honour', () => {
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
  const pin = 'AB:'.repeat(31) + 'AB'

  it.each([
    ['node', { ca: pem }, /tls\.ca \(caCerts\) cannot be honoured on Node\.js.*@stretch\/connection-undici/],
    ['node', { fingerprint256: pin }, /fingerprint256.*Node\.js.*undiciConnection/],
    ['node', { rejectUnauthorized: false }, /verifyCerts: false.*Node\.js/],
    ['node', { cert: pem, key: pem.replace(/CERTIFICATE/g, 'PRIVATE KEY') }, /client certificates.*Node\.js/],
    ['workerd', { cert: pem, key: pem.replace(/CERTIFICATE/g, 'PRIVATE KEY') }, /client certificates.*workerd/],
    ['browser', { cert: pem, key: pem.replace(/CERTIFICATE/g, 'PRIVATE KEY') }, /client certificates.*a browser/],
    ['browser', { ca: pem }, /caCerts.*in a browser/],
    ['workerd', { ca: pem }, /caCerts.*workerd.*publicly trusted/],
    ['workerd', { fingerprint256: pin }, /sslAssertFingerprint.*workerd/],
    ['browser', { fingerprint256: pin }, /sslAssertFingerprint.*a browser.*system's certificate store/],
    ['browser', { rejectUnauthorized: false }, /verifyCerts: false.*a browser/],
    ['deno', { fingerprint256: pin }, /sslAssertFingerprint.*Deno.*tls\.ca/],
    ['deno', { rejectUnauthorized: false }, /Deno.*--unsafely-ignore-certificate-errors/],
    ['bun', { fingerprint256: pin }, /without a trusted CA.*Bun.*leaf/],
  ] as const)('%s refuses %o at construction', (runtime, tls, message) => {
    expect(configurationError(() => fetchConnection({ runtime, tls })).message).toMatch(message)
  })

  it('accepts what Deno and Bun honour, and checks the values', () => {
    expect(() => fetchConnection({ runtime: 'deno', tls: { ca: [pem, new TextEncoder().encode(pem)] } })).not.toThrow()
    expect(() => fetchConnection({ runtime: 'bun', tls: { ca: pem, fingerprint256: pin } })).not.toThrow()
    expect(() => fetchConnection({ runtime: 'bun', tls: { rejectUnauthorized: false } })).not.toThrow()
    expect(
      configurationError(() => fetchConnection({ runtime: 'deno', tls: { ca: '/etc/http_ca.crt' } })).message,
    ).toMatch(/PEM text.*no file paths/)
    expect(
      configurationError(() => fetchConnection({ runtime: 'bun', tls: { fingerprint256: 'a'.repeat(40) } })).message,
    ).toMatch(/SHA-1/)
    expect(configurationError(() => fetchConnection({ runtime: 'bun', tls: { cert: pem } })).message).toMatch(/both/)
    expect(configurationError(() => fetchConnection({ runtime: 'solaris' as never })).message).toMatch(/runtime/)
  })

  it.each([
    [
      'node',
      'http://proxy.internal:3128',
      /proxy cannot be honoured on Node\.js.*undiciConnection\(\) of @stretch\/connection-undici/,
    ],
    ['node', false, /proxy cannot be honoured on Node\.js/],
    ['workerd', 'http://proxy.internal:3128', /proxy cannot be honoured on workerd.*reverse proxy/],
    ['browser', 'http://proxy.internal:3128', /proxy cannot be honoured in a browser.*browser's own proxy settings/],
    ['deno', false, /proxy: false cannot be honoured on Deno.*NO_PROXY/],
  ] as const)('%s refuses proxy: %o at construction', (runtime, proxy, message) => {
    expect(configurationError(() => fetchConnection({ runtime, proxy })).message).toMatch(message)
  })

  it('accepts a proxy on Deno and Bun, checks its URL, and never shows its credentials', () => {
    expect(() => fetchConnection({ runtime: 'deno', proxy: 'http://user:secret@proxy.internal:3128' })).not.toThrow()
    expect(() => fetchConnection({ runtime: 'bun', proxy: new URL('http://proxy.internal:3128') })).not.toThrow()
    expect(() => fetchConnection({ runtime: 'bun', proxy: false })).not.toThrow()
    const https = configurationError(() => fetchConnection({ runtime: 'bun', proxy: 'https://user:secret@p:3128' }))
    expect(https.message).toMatch(/only http: proxies.*'https:'/)
    expect(https.message).not.toContain('secret')
    expect(configurationError(() => fetchConnection({ runtime: 'deno', proxy: 'not a url' })).message).toMatch(
      /proxy: not a valid URL/,
    )
  })

  it('detects Node.js', () => {
    expect(configurationError(() => fetchConnection({ tls: { ca: pem } })).message).toMatch(/Node\.js/)
  })
})
