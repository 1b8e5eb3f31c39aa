// The time a connection may take to set up, through a Client as a user writes it, against real loopback servers and
// a real forward proxy: a proxy that never answers the CONNECT, a node that accepts TCP and never finishes TLS.
import {
  configurationError,
  createCertificates,
  rejection,
  sendJson,
  startProxy,
  startServer,
  startSilentServer,
  type TestCertificates,
} from '@stretch/test-utils'
import { beforeAll, describe, expect, it } from 'vitest'
import { Client, isConnectionError, isTimeoutError } from '../src/index.js'

let certs: TestCertificates
beforeAll(async () => {
  certs = await createCertificates({})
})

const info = {
  name: 'node-1',
  cluster_name: 'stretch',
  cluster_uuid: 'x',
  version: { number: '9.1.0' },
  tagline: 'You Know, for Search',
}

describe('requestTimeout bounds the set-up of a connection', () => {
  it('a proxy that never answers the CONNECT fails within requestTimeout with a TimeoutError naming the phase', async () => {
    await using silent = await startSilentServer()
    const client = new Client({
      node: 'https://127.0.0.1:9200',
      proxy: silent.url,
      caCerts: certs.ca.cert,
      requestTimeout: 300,
      maxRetries: 0,
    })
    const started = performance.now()
    const error = await rejection(client.info())
    // 300 ms asked; the old behaviour waited for the connection's 10 s connectTimeout.
    expect(performance.now() - started).toBeLessThan(3000)
    expect(isTimeoutError(error)).toBe(true)
    expect((error as { requestSent: boolean }).requestSent).toBe(false)
    expect((error as Error).message).toBe(
      `the proxy at 127.0.0.1:${silent.port} did not answer the CONNECT to 127.0.0.1:9200 within 300 ms (requestTimeout)`,
    )
    await client.close()
  })

  it("a call's own requestTimeout bounds the socket it opens", async () => {
    await using silent = await startSilentServer()
    const client = new Client({
      node: 'https://127.0.0.1:9200',
      proxy: silent.url,
      caCerts: certs.ca.cert,
      requestTimeout: 60_000,
      maxRetries: 0,
    })
    const error = await rejection(client.info({}, { requestTimeout: 300 }))
    expect(isTimeoutError(error)).toBe(true)
    expect((error as Error).message).toMatch(/within 300 ms \(requestTimeout\)$/)
    await client.close()
  })

  it('a node that accepts TCP and never finishes TLS behind a proxy fails over to a second node, reads and writes', async () => {
    await using silent = await startSilentServer()
    await using good = await startServer((req, res) => sendJson(res, req.method === 'GET' ? 200 : 201, info), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    await using proxy = await startProxy({ connectPorts: [silent.port, good.port] })
    const hung = `https://127.0.0.1:${silent.port}`
    const client = new Client({
      nodes: [hung, good.url],
      proxy: proxy.url,
      caCerts: certs.ca.cert,
      requestTimeout: 300,
      // Always the hung node first, while it is alive.
      nodeSelector: (nodes) => nodes[0]!,
    })
    const started = performance.now()
    const result = await client.info({}, { meta: true })
    expect(performance.now() - started).toBeLessThan(3000)
    expect(result.body.cluster_name).toBe('stretch')
    expect(result.meta.attempts).toBe(2)
    expect(result.meta.node.url).toBe(good.url)
    // The hung node is marked dead (a connect that ran out is not a slow query): the next call goes straight on.
    expect((await client.info({}, { meta: true })).meta.attempts).toBe(1)
    await client.close()

    // Nothing reached the hung node, so a write fails over as well.
    const writer = new Client({
      nodes: [hung, good.url],
      proxy: proxy.url,
      caCerts: certs.ca.cert,
      requestTimeout: 300,
      nodeSelector: (nodes) => nodes[0]!,
    })
    const indexed = await writer.index({ index: 'books', document: { title: 'Dune' } }, { meta: true })
    expect(indexed.statusCode).toBe(201)
    expect(indexed.meta.attempts).toBe(2)
    expect(good.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'POST'])
    // The proxy tunnelled to the hung node, which accepted TCP and never finished the handshake.
    expect(proxy.requests.filter((r) => r.target === `127.0.0.1:${silent.port}`)).toHaveLength(2)
    expect(silent.connections).toBe(2)
    await writer.close()
  })
})

describe('connectTimeout', () => {
  it('is a client option that bounds the set-up when shorter than requestTimeout, and names itself', async () => {
    await using silent = await startSilentServer()
    const client = new Client({
      node: 'https://127.0.0.1:9200',
      proxy: silent.url,
      caCerts: certs.ca.cert,
      connectTimeout: 200,
      requestTimeout: 60_000,
      maxRetries: 0,
    })
    const error = await rejection(client.info())
    expect(isConnectionError(error)).toBe(true)
    expect((error as { requestSent: boolean }).requestSent).toBe(false)
    expect((error as Error).message).toBe(
      `the proxy at 127.0.0.1:${silent.port} did not answer the CONNECT to 127.0.0.1:9200 within 200 ms (connectTimeout)`,
    )
    await client.close()
  })

  it('is checked like the other numbers, and its misspelling is named', () => {
    const node = 'https://127.0.0.1:9200'
    const zero = configurationError(() => new Client({ node, connectTimeout: 0 }))
    expect(zero.message).toBe('connectTimeout: must be a number of milliseconds, more than 0 (got 0)')
    expect(configurationError(() => new Client({ node, connectTimeout: '5s' } as never)).message).toBe(
      'connectTimeout: must be a number of milliseconds, more than 0 (got the string "5s")',
    )
    expect(configurationError(() => new Client({ node, connectTimout: 5 } as never)).message).toBe(
      'Client: unknown option `connectTimout`; did you mean `connectTimeout`?',
    )
  })

  it('cannot be combined with connection, which brings its own socket settings', () => {
    const error = configurationError(
      () => new Client({ node: 'https://127.0.0.1:9200', connectTimeout: 5000, connection: () => ({}) as never }),
    )
    expect(error.message).toMatch(/^connectTimeout: cannot be combined with connection/)
  })
})
