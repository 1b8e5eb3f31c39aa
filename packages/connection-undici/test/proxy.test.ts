import { once } from 'node:events'
import { createServer as createNetServer, type Server } from 'node:net'
import {
  createCertificates,
  printed,
  rejection,
  sendJson,
  startProxy,
  startServer,
  startSilentServer,
  type TestCertificates,
} from '@stretch/test-utils'
import {
  isConfigurationError,
  isConnectionError,
  isTimeoutError,
  isTlsError,
  Transport,
  type TransportOptions,
} from '@stretch/transport'
import { beforeAll, describe, expect, it } from 'vitest'
import { type UndiciConnectionOptions, undiciConnection } from '../src/index.js'

let certs: TestCertificates
beforeAll(async () => {
  certs = await createCertificates({})
})

function client(
  url: string | string[],
  options: UndiciConnectionOptions,
  extra: Partial<TransportOptions> = {},
): Transport {
  return new Transport({ nodes: Array.isArray(url) ? url : [url], connection: undiciConnection(options), ...extra })
}

const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
const info = { name: 'node-1', cluster_name: 'stretch', version: { number: '9.1.0' } }

async function closedPort(): Promise<number> {
  const server: Server = createNetServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('http: nodes through a forward proxy', () => {
  it('go as absolute-URI requests with the proxy credentials and the node Host, kept alive, without CONNECT', async () => {
    await using srv = await startServer((req, res) => sendJson(res, 200, { url: req.url, host: req.headers.host }))
    await using proxy = await startProxy({ credentials: { username: 'user', password: 'p@ss' } })
    const proxyUrl = `http://user:p%40ss@127.0.0.1:${proxy.port}`
    const transport = client(`${srv.url}/es`, { proxy: proxyUrl })
    for (let i = 0; i < 5; i++) {
      const result = await transport.request({ method: 'GET', path: `/_search?q=${i}` })
      expect(result.body).toEqual({ url: `/es/_search?q=${i}`, host: `127.0.0.1:${srv.port}` })
    }
    await transport.close()
    expect(proxy.connects).toBe(0)
    expect(proxy.forwarded).toBe(5)
    expect(proxy.requests[0]?.method).toBe('GET')
    expect(proxy.requests[0]?.target).toBe(`${srv.url}/es/_search?q=0`)
    expect(proxy.requests[0]?.headers.host).toBe(`127.0.0.1:${srv.port}`)
    expect(proxy.requests[0]?.headers['proxy-authorization']).toBe(basic('user', 'p@ss'))
    // Sequential requests reuse the socket to the proxy (see connection.test.ts on undici's one-turn release).
    expect(proxy.connections).toBeLessThanOrEqual(2)
    expect(srv.requests[0]?.headers['proxy-authorization']).toBeUndefined()
  })

  it('fail with a ConfigurationError, not retried, when the proxy wants credentials (407)', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, info))
    await using proxy = await startProxy({ credentials: { username: 'user', password: 'right' } })
    const transport = client([`${srv.url}/a`, `${srv.url}/b`], { proxy: proxy.url }, { maxRetries: 3 })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toBe(
      `the proxy at 127.0.0.1:${proxy.port} wants credentials (407): put them in the proxy URL, http://user:password@host:port`,
    )
    expect(proxy.requests).toHaveLength(1)
    await transport.close()

    const secret = 'planted-proxy-secret-2b9c'
    const wrong = client(srv.url, { proxy: `http://user:${secret}@127.0.0.1:${proxy.port}` }, { maxRetries: 3 })
    const refused = await rejection(wrong.request({ method: 'GET', path: '/' }))
    expect(isConfigurationError(refused)).toBe(true)
    expect((refused as Error).message).toBe(
      `the proxy at 127.0.0.1:${proxy.port} refused the credentials in the proxy URL (407): check the user and password in it`,
    )
    expect(printed(refused)).not.toContain(secret)
    expect(proxy.requests).toHaveLength(2)
    expect(srv.requests).toHaveLength(0)
    await wrong.close()
  })
})

describe('https: nodes through a forward proxy', () => {
  it('tunnel with CONNECT, TLS end to end, and the pin still applies', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, info), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    await using proxy = await startProxy({ connectPorts: [srv.port] })
    const proxyUrl = `http://user:pw@127.0.0.1:${proxy.port}`
    const transport = client(srv.url, { proxy: proxyUrl, tls: { ca: certs.ca.cert } })
    expect((await transport.request({ method: 'GET', path: '/' })).body).toEqual(info)
    await transport.close()
    const pinned = client(srv.url, { proxy: proxyUrl, tls: { fingerprint256: 'BB'.repeat(32) } }, { maxRetries: 0 })
    expect(isTlsError(await rejection(pinned.request({ method: 'GET', path: '/' })))).toBe(true)
    await pinned.close()
    expect(proxy.connects).toBe(2)
    expect(proxy.forwarded).toBe(0)
    expect(proxy.requests[0]?.target).toBe(`127.0.0.1:${srv.port}`)
    expect(proxy.requests[0]?.headers['proxy-authorization']).toBe(basic('user', 'pw'))
    expect(srv.requests).toHaveLength(1)
  })

  it('say the proxy refused the tunnel when its policy forbids the port (403)', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, info), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    await using proxy = await startProxy()
    const transport = client(srv.url, { proxy: proxy.url, tls: { ca: certs.ca.cert } }, { maxRetries: 0 })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isConnectionError(error)).toBe(true)
    expect((error as Error).message).toContain(
      `the proxy at 127.0.0.1:${proxy.port} refused the tunnel to 127.0.0.1:${srv.port} with status 403`,
    )
    await transport.close()
  })

  it('fail with a ConfigurationError on 407 that never shows the credentials', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, info), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    await using proxy = await startProxy({ connectPorts: [srv.port], credentials: { username: 'u', password: 'p' } })
    const none = client(
      [`${srv.url}/a`, `${srv.url}/b`],
      { proxy: proxy.url, tls: { ca: certs.ca.cert } },
      { maxRetries: 3 },
    )
    const missing = await rejection(none.request({ method: 'GET', path: '/' }))
    expect(isConfigurationError(missing)).toBe(true)
    expect((missing as Error).message).toBe(
      `the proxy at 127.0.0.1:${proxy.port} wants credentials (407): put them in the proxy URL, http://user:password@host:port`,
    )
    expect(proxy.connects).toBe(1)
    await none.close()

    const secret = 'planted-proxy-secret-7f3a'
    const wrong = client(
      srv.url,
      { proxy: `http://u:${secret}@127.0.0.1:${proxy.port}`, tls: { ca: certs.ca.cert } },
      { maxRetries: 3 },
    )
    const refused = await rejection(wrong.request({ method: 'GET', path: '/' }))
    expect(isConfigurationError(refused)).toBe(true)
    expect((refused as Error).message).toBe(
      `the proxy at 127.0.0.1:${proxy.port} refused the credentials in the proxy URL (407): check the user and password in it`,
    )
    expect(proxy.connects).toBe(2)
    expect(printed(refused)).not.toContain(secret)
    expect(printed(refused)).not.toContain(Buffer.from(`u:${secret}`).toString('base64'))
    await wrong.close()
  })
})

describe('timeouts of every phase through a proxy', () => {
  it('a proxy whose name never resolves is under connectTimeout, for http: and https: nodes', async () => {
    // A lookup that never calls back: the connect phase (DNS, then TCP) never ends on its own.
    const lookup = (() => {}) as never
    for (const node of ['http://127.0.0.1:9200', 'https://127.0.0.1:9200']) {
      const transport = client(
        node,
        { proxy: 'http://proxy.stretch.test:3128', lookup, connectTimeout: 100 },
        { maxRetries: 0, requestTimeout: 60_000 },
      )
      const error = await rejection(transport.request({ method: 'GET', path: '/' }))
      expect(isConnectionError(error)).toBe(true)
      expect((error as { requestSent: boolean }).requestSent).toBe(false)
      expect((error as Error).message).toBe(
        'connecting to the proxy at proxy.stretch.test:3128 timed out after 100 ms (connectTimeout)',
      )
      await transport.close()
    }
  })

  it('a proxy that accepts TCP and never answers the CONNECT', async () => {
    await using silent = await startSilentServer()
    const transport = client(
      'https://127.0.0.1:9200',
      { proxy: silent.url, connectTimeout: 100, tls: { ca: certs.ca.cert } },
      { maxRetries: 0, requestTimeout: 60_000 },
    )
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isConnectionError(error)).toBe(true)
    expect((error as { requestSent: boolean }).requestSent).toBe(false)
    expect((error as Error).message).toBe(
      `the proxy at 127.0.0.1:${silent.port} did not answer the CONNECT to 127.0.0.1:9200 within 100 ms (connectTimeout)`,
    )
    await transport.close()
  })

  it('an http: node behind a proxy that never answers is under requestTimeout', async () => {
    await using silent = await startSilentServer()
    const transport = client(
      'http://127.0.0.1:9200',
      { proxy: silent.url, connectTimeout: 60_000 },
      { maxRetries: 0, requestTimeout: 100 },
    )
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isTimeoutError(error)).toBe(true)
    expect((error as Error).message).toBe('no answer from 127.0.0.1:9200 within requestTimeout')
    expect(silent.connections).toBe(1)
    await transport.close()
  })

  it('a node that accepts TCP and never finishes the TLS handshake, then fails over to a good node', async () => {
    await using silent = await startSilentServer()
    await using good = await startServer((_req, res) => sendJson(res, 200, info), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    await using proxy = await startProxy({ connectPorts: [silent.port, good.port] })
    const hung = `https://127.0.0.1:${silent.port}`
    const options = { proxy: proxy.url, connectTimeout: 100, tls: { ca: certs.ca.cert } }

    const alone = client(hung, options, { maxRetries: 0, requestTimeout: 60_000 })
    const error = await rejection(alone.request({ method: 'GET', path: '/' }))
    expect(isConnectionError(error)).toBe(true)
    expect((error as { requestSent: boolean }).requestSent).toBe(false)
    expect((error as Error).message).toBe(
      `TLS handshake with 127.0.0.1:${silent.port} through the proxy at 127.0.0.1:${proxy.port} timed out after 100 ms (connectTimeout)`,
    )
    await alone.close()

    const both = client([hung, good.url], options, { selector: (nodes) => nodes[0]!, requestTimeout: 60_000 })
    const result = await both.request({ method: 'POST', path: '/_bulk', body: '{}\n' })
    expect(result.body).toEqual(info)
    expect(result.meta.attempts).toBe(2)
    expect(both.pool.nodes[0]?.alive).toBe(false)
    expect(good.requests).toHaveLength(1)
    await both.close()
  })

  it('a shorter requestTimeout bounds every phase, as a TimeoutError that says nothing was sent', async () => {
    await using silent = await startSilentServer()
    await using good = await startServer((_req, res) => sendJson(res, 200, info), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    await using proxy = await startProxy({ connectPorts: [silent.port, good.port] })
    const hung = `https://127.0.0.1:${silent.port}`
    // The transport's requestTimeout, then a call's own (shorter than the transport's).
    const answerless = client(
      'https://127.0.0.1:9200',
      { proxy: silent.url, tls: { ca: certs.ca.cert } },
      {
        maxRetries: 0,
        requestTimeout: 150,
      },
    )
    const silentProxy = await rejection(answerless.request({ method: 'GET', path: '/' }))
    expect(isTimeoutError(silentProxy)).toBe(true)
    expect((silentProxy as { requestSent: boolean }).requestSent).toBe(false)
    expect((silentProxy as Error).message).toBe(
      `the proxy at 127.0.0.1:${silent.port} did not answer the CONNECT to 127.0.0.1:9200 within 150 ms (requestTimeout)`,
    )
    await answerless.close()

    const tunnel = client(hung, { proxy: proxy.url, tls: { ca: certs.ca.cert } }, { maxRetries: 0 })
    const handshake = await rejection(tunnel.request({ method: 'GET', path: '/' }, { requestTimeout: 150 }))
    expect(isTimeoutError(handshake)).toBe(true)
    expect((handshake as Error).message).toBe(
      `TLS handshake with 127.0.0.1:${silent.port} through the proxy at 127.0.0.1:${proxy.port} timed out after 150 ms (requestTimeout)`,
    )
    await tunnel.close()

    // Nothing was written: a write fails over too, and the node that never connected is marked dead.
    const both = client(
      [hung, good.url],
      { proxy: proxy.url, tls: { ca: certs.ca.cert } },
      {
        selector: (nodes) => nodes[0]!,
        requestTimeout: 150,
      },
    )
    const result = await both.request({ method: 'POST', path: '/_bulk', body: '{}\n' })
    expect(result.body).toEqual(info)
    expect(result.meta.attempts).toBe(2)
    expect(both.pool.nodes[0]?.alive).toBe(false)
    await both.close()
  })

  it('without a proxy, a node that never finishes the TLS handshake is under requestTimeout', async () => {
    await using silent = await startSilentServer()
    const transport = client(`https://127.0.0.1:${silent.port}`, { tls: { ca: certs.ca.cert } }, { maxRetries: 0 })
    const started = performance.now()
    const error = await rejection(transport.request({ method: 'GET', path: '/' }, { requestTimeout: 150 }))
    expect(performance.now() - started).toBeLessThan(5000)
    expect(isTimeoutError(error)).toBe(true)
    expect((error as { requestSent: boolean }).requestSent).toBe(false)
    expect((error as Error).message).toBe(
      `TLS handshake with 127.0.0.1:${silent.port} timed out after 150 ms (requestTimeout)`,
    )
    await transport.close()
    const bounded = client(
      `https://127.0.0.1:${silent.port}`,
      { tls: { ca: certs.ca.cert }, connectTimeout: 100 },
      {
        maxRetries: 0,
        requestTimeout: 60_000,
      },
    )
    const connectError = await rejection(bounded.request({ method: 'GET', path: '/' }))
    expect(isConnectionError(connectError)).toBe(true)
    expect((connectError as Error).message).toBe(
      `TLS handshake with 127.0.0.1:${silent.port} timed out after 100 ms (connectTimeout)`,
    )
    await bounded.close()
    // DNS and TCP: a lookup that never calls back.
    const unresolved = client('http://es.stretch.test:9200', { lookup: (() => {}) as never }, { maxRetries: 0 })
    const dns = await rejection(unresolved.request({ method: 'GET', path: '/' }, { requestTimeout: 150 }))
    expect(isTimeoutError(dns)).toBe(true)
    expect((dns as Error).message).toBe('connecting to es.stretch.test:9200 timed out after 150 ms (requestTimeout)')
    await unresolved.close()
  })

  it('a proxy that refuses the connection names the proxy', async () => {
    const port = await closedPort()
    for (const node of ['http://127.0.0.1:9200', 'https://127.0.0.1:9200']) {
      const secret = 'planted-proxy-secret-91d0'
      const transport = client(node, { proxy: `http://me:${secret}@127.0.0.1:${port}` }, { maxRetries: 0 })
      const error = await rejection(transport.request({ method: 'GET', path: '/' }))
      expect(isConnectionError(error)).toBe(true)
      expect((error as { requestSent: boolean }).requestSent).toBe(false)
      expect((error as Error).message).toBe(`cannot reach the proxy at 127.0.0.1:${port} (ECONNREFUSED)`)
      expect(printed(error)).not.toContain(secret)
      await transport.close()
    }
  })
})
