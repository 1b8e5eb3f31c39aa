// A third-party credential scheme, written only against the public contract of @stretch/transport (the way
// `@someone/auth-hmac` would be published), run through the real Transport over loopback sockets. The connection
// is a few lines of node:http written here, because @stretch/connection-undici depends on this package.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { once } from 'node:events'
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ConfigurationError,
  type Connection,
  type ConnectionFactory,
  isConfigurationError,
  isResponseError,
  type Middleware,
  Transport,
  type TransportResponse,
  withHeader,
} from '../src/index.js'

// ---------------------------------------------------------------------------------------------------------------
// The scheme: `authorization: HMAC-SHA256 keyId=<id>, signature=<hex>` over the method, the chosen node's host,
// the path and a SHA-256 of the body. It signs per attempt, so a retry on another node gets that node's signature.

interface HmacAuthOptions {
  readonly keyId: string
  readonly secret: string
}

function stringToSign(method: string, host: string, path: string, body: string | Uint8Array): string {
  return [method, host, path, createHash('sha256').update(body).digest('hex')].join('\n')
}

function hmacAuth(options: HmacAuthOptions): Middleware {
  // 1. the factory validates and throws ConfigurationError naming the option, never the value
  if (typeof options?.keyId !== 'string' || !/^[\w-]+$/.test(options.keyId)) {
    throw new ConfigurationError('hmacAuth.keyId: must be letters, digits, _ or -')
  }
  if (typeof options.secret !== 'string' || options.secret.length < 16) {
    throw new ConfigurationError('hmacAuth.secret: must be a string of 16 characters or more')
  }
  const { keyId } = options
  const key = Buffer.from(options.secret, 'utf8') // kept in the closure only
  // 2. (next) => runs once per transport; 3. (request) => once per attempt, with the node chosen
  return (next) => (request) => {
    if (request.headers['authorization'] !== undefined) return next(request) // a per-request override wins
    const body = request.body ?? ''
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
      return Promise.reject(new ConfigurationError('hmacAuth: cannot sign a stream body; pass a string or bytes'))
    }
    const signature = createHmac('sha256', key)
      .update(stringToSign(request.method, request.node.url.host, request.path, body))
      .digest('hex')
    return next(withHeader(request, 'authorization', `HMAC-SHA256 keyId=${keyId}, signature=${signature}`))
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A minimal Connection over node:http (our own interface, implemented for the test).

function httpConnection(): ConnectionFactory {
  return (node) => {
    const connection: Connection = {
      request: (request) =>
        new Promise<TransportResponse>((resolve, reject) => {
          const prefix = node.url.pathname === '/' ? '' : node.url.pathname
          const url = new URL(`${node.url.origin}${prefix}${request.path}`)
          const req = httpRequest(url, { method: request.method, headers: request.headers, agent: false }, (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => {
              const headers: Record<string, string | string[]> = {}
              for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = value
              resolve({ statusCode: res.statusCode ?? 0, headers, body: new Uint8Array(Buffer.concat(chunks)) })
            })
            res.on('error', reject)
          })
          req.on('error', reject)
          const body = request.body
          if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) req.end(body)
          else body.pipe(req)
        }),
      close: () => Promise.resolve(),
    }
    return connection
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Loopback servers that verify the signature the way the service would: with the Host header they received.

const SECRET = 'hmac-S3cr3t-planted-4711'
const servers: Server[] = []

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

interface Seen {
  readonly host: string
  readonly authorization: string | undefined
  readonly valid: boolean
}

async function verifyingServer(status = 200): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const authorization = req.headers.authorization
      const match = /^HMAC-SHA256 keyId=([\w-]+), signature=([0-9a-f]{64})$/.exec(authorization ?? '')
      let valid = false
      if (match?.[1] === 'client-1') {
        const expected = createHmac('sha256', SECRET)
          .update(stringToSign(req.method ?? '', req.headers.host ?? '', req.url ?? '', Buffer.concat(chunks)))
          .digest()
        valid = timingSafeEqual(expected, Buffer.from(match[2] as string, 'hex'))
      }
      seen.push({ host: req.headers.host ?? '', authorization, valid })
      const code = valid ? status : 401
      const body = JSON.stringify(
        valid
          ? { acknowledged: true }
          : { error: { type: 'security_exception', reason: 'bad signature' }, status: 401 },
      )
      res.writeHead(code, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' })
      res.end(body)
    })
  })
  servers.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

describe('a third-party credential scheme (HMAC over the chosen node and the body)', () => {
  it('signs each attempt for the node it goes to, so a retry on another node verifies', async () => {
    const first = await verifyingServer(503)
    const second = await verifyingServer(200)
    const transport = new Transport({
      nodes: [first.url, second.url],
      connection: httpConnection(),
      auth: hmacAuth({ keyId: 'client-1', secret: SECRET }),
      retryBackoff: 0,
    })
    const result = await transport.request({ method: 'POST', path: '/idx/_doc', body: { title: 'signed' } })
    expect(result.body).toEqual({ acknowledged: true })
    expect(result.meta.attempts).toBe(2)
    expect(first.seen).toHaveLength(1)
    expect(second.seen).toHaveLength(1)
    expect(first.seen[0]?.valid).toBe(true)
    expect(second.seen[0]?.valid).toBe(true)
    // different hosts, different signatures: the scheme saw the chosen node
    expect(first.seen[0]?.host).not.toBe(second.seen[0]?.host)
    expect(first.seen[0]?.authorization).not.toBe(second.seen[0]?.authorization)
    await transport.close()
  })

  it('runs after the user middleware, and yields to a per-request authorization header', async () => {
    const srv = await verifyingServer()
    const seenByUserMiddleware: (string | undefined)[] = []
    const transport = new Transport({
      nodes: [srv.url],
      connection: httpConnection(),
      middleware: [
        (next) => (request) => {
          seenByUserMiddleware.push(request.headers['authorization'])
          return next(request)
        },
      ],
      auth: hmacAuth({ keyId: 'client-1', secret: SECRET }),
      ignore: [401],
    })
    await transport.request({ method: 'GET', path: '/' })
    await transport.request({ method: 'GET', path: '/' }, { headers: { authorization: 'ApiKey other' } })
    expect(seenByUserMiddleware).toEqual([undefined, 'ApiKey other'])
    expect(srv.seen.map((s) => [s.valid, s.authorization?.split(' ')[0]])).toEqual([
      [true, 'HMAC-SHA256'],
      [false, 'ApiKey'],
    ])
    await transport.close()
  })

  it('fails verification with the wrong secret, and the secret appears on no surface', async () => {
    const srv = await verifyingServer()
    const wrong = `${SECRET}-but-wrong`
    const auth = hmacAuth({ keyId: 'client-1', secret: wrong })
    const transport = new Transport({ nodes: [srv.url], connection: httpConnection(), auth })
    const error = await transport.request({ method: 'GET', path: '/' }).catch((e: unknown) => e)
    expect(isResponseError(error)).toBe(true)
    expect(srv.seen[0]?.valid).toBe(false)
    const printed = [inspect(error, { depth: null }), JSON.stringify(error), inspect(auth, { showHidden: true })].join()
    expect(printed).not.toContain(wrong)
    const bad = (() => {
      try {
        hmacAuth({ keyId: 'client-1', secret: 'short' })
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(isConfigurationError(bad)).toBe(true)
    expect((bad as Error).message).toBe('hmacAuth.secret: must be a string of 16 characters or more')
    await transport.close()
  })
})
