import { once } from 'node:events'
import { createServer as createNetServer, type Server } from 'node:net'
import {
  createCertificates,
  rejection,
  sendJson,
  startProxy,
  startServer,
  type TestCertificates,
} from '@stretch/test-utils'
import { isConnectionError, isTlsError, Transport } from '@stretch/transport'
import { beforeAll, describe, expect, it } from 'vitest'
import { type UndiciConnectionOptions, undiciConnection } from '../src/index.js'

let certs: TestCertificates
beforeAll(async () => {
  certs = await createCertificates({})
})

function client(url: string, options: UndiciConnectionOptions = {}): Transport {
  return new Transport({ nodes: [url], connection: undiciConnection(options), maxRetries: 0 })
}

describe('a node URL with the wrong scheme', () => {
  it('https: to a server that speaks plain HTTP says so, directly and through a proxy', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, {}))
    await using proxy = await startProxy({ connectPorts: [srv.port] })
    const node = `https://127.0.0.1:${srv.port}`
    for (const options of [{}, { proxy: proxy.url }]) {
      const transport = client(node, { ...options, tls: { ca: certs.ca.cert } })
      const error = await rejection(transport.request({ method: 'GET', path: '/' }))
      expect(isTlsError(error)).toBe(true)
      expect((error as Error).message).toBe(`the server at ${node} does not speak TLS: is the node \`http://\`?`)
      await transport.close()
    }
    expect(proxy.connects).toBe(1)
  })

  it('http: to a TLS-only server that closes without a byte suggests https:', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, {}), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    const node = `http://127.0.0.1:${srv.port}`
    const transport = client(node)
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isConnectionError(error)).toBe(true)
    expect((error as Error).message).toBe(
      `the server at ${node} closed the connection without answering: if it serves HTTPS, the node must be \`https://\``,
    )
    await transport.close()
  })

  it('http: to a server that answers with a TLS alert says it speaks TLS', async () => {
    // What a TLS server sends to a client that does not speak TLS: an alert record (content type 21, TLS 1.2,
    // fatal unexpected_message), then it closes.
    const server: Server = createNetServer((socket) => {
      socket.once('data', () => socket.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x0a])))
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const node = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    try {
      const transport = client(node)
      const error = await rejection(transport.request({ method: 'GET', path: '/' }))
      expect(isConnectionError(error)).toBe(true)
      expect((error as Error).message).toBe(`the server at ${node} speaks TLS: is the node \`https://\`?`)
      await transport.close()
    } finally {
      server.close()
    }
  })
})
