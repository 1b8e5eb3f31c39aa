import { once } from 'node:events'
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http'
import { type AddressInfo, connect as netConnect, type Socket } from 'node:net'

/** Options of {@link startProxy}. */
export interface StartProxyOptions {
  /**
   * Ports a CONNECT may reach. Default `[443]`, as squid's stock `http_access deny CONNECT !SSL_ports`: a tunnel to
   * any other port is refused with 403.
   */
  readonly connectPorts?: readonly number[]
  /** Require these credentials (Basic `Proxy-Authorization`); without them the proxy answers 407. */
  readonly credentials?: { readonly username: string; readonly password: string }
}

/** A request the proxy received, CONNECT or absolute-URI, as it saw it. */
export interface ProxiedRequest {
  readonly method: string
  /** The request target: `host:port` for CONNECT, `http://host:port/path` otherwise. */
  readonly target: string
  readonly headers: IncomingHttpHeaders
  /** The status the proxy answered itself (403, 407, 400, 502), or undefined when it passed the request on. */
  readonly refused: number | undefined
}

/** A running forward proxy on 127.0.0.1. `await using` closes it. */
export interface TestProxy extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string
  readonly port: number
  /** Every request it received, in order. */
  readonly requests: readonly ProxiedRequest[]
  /** CONNECT requests received (refused ones included). */
  readonly connects: number
  /** Absolute-URI requests passed on to their origin. */
  readonly forwarded: number
  /** TCP connections from clients accepted so far. */
  readonly connections: number
  close(): Promise<void>
}

// Hop-by-hop headers a proxy must not pass on (RFC 9110 section 7.6.1), plus the credentials meant for the proxy.
const kHopByHop = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
])

/**
 * Starts a forward HTTP proxy on 127.0.0.1, port 0, that behaves like squid's stock configuration: CONNECT only to
 * `connectPorts` (403 otherwise), absolute-URI requests (`GET http://host:port/path HTTP/1.1`) passed on to any
 * port over kept-alive upstream sockets, and with `credentials` a 407 with `Proxy-Authenticate` to anyone without
 * them. It records what crossed it.
 */
export async function startProxy(options: StartProxyOptions = {}): Promise<TestProxy> {
  const connectPorts = options.connectPorts ?? [443]
  const expected =
    options.credentials === undefined
      ? undefined
      : `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`
  const requests: ProxiedRequest[] = []
  const sockets = new Set<Socket>()
  const state = { connects: 0, forwarded: 0, connections: 0 }
  const upstreamAgent = new Agent({ keepAlive: true })

  const authorized = (headers: IncomingHttpHeaders): boolean =>
    expected === undefined || headers['proxy-authorization'] === expected
  const record = (req: IncomingMessage, refused: number | undefined): void => {
    requests.push({ method: req.method ?? '', target: req.url ?? '', headers: req.headers, refused })
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let target: URL | undefined
    try {
      target = new URL(req.url ?? '')
    } catch {
      target = undefined
    }
    if (target === undefined || target.protocol !== 'http:') {
      record(req, 400)
      res.writeHead(400, { 'content-type': 'text/plain' }).end('a proxy request needs an absolute http: URI')
      return
    }
    if (!authorized(req.headers)) {
      record(req, 407)
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="stretch-test-proxy"' }).end()
      return
    }
    record(req, undefined)
    state.forwarded += 1
    const headers: Record<string, string | string[]> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !kHopByHop.has(name)) headers[name] = value
    }
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: Number(target.port || 80),
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
        agent: upstreamAgent,
      },
      (answer) => {
        const out: Record<string, string | string[]> = {}
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !kHopByHop.has(name)) out[name] = value
        }
        res.writeHead(answer.statusCode ?? 502, out)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    req.pipe(upstream)
  })

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    state.connects += 1
    // The http server hands the socket over without its error handling: a client that resets must not crash us.
    client.on('error', () => client.destroy())
    const refuse = (status: number, extra = ''): void => {
      record(req, status)
      client.end(`HTTP/1.1 ${status} ${status === 407 ? 'Proxy Authentication Required' : 'Refused'}\r\n${extra}\r\n`)
    }
    if (!authorized(req.headers)) {
      refuse(407, 'Proxy-Authenticate: Basic realm="stretch-test-proxy"\r\n')
      return
    }
    const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(req.url ?? '')
    if (match === null) {
      refuse(400)
      return
    }
    const port = Number(match[2])
    if (!connectPorts.includes(port)) {
      refuse(403)
      return
    }
    record(req, undefined)
    const upstream = netConnect(port, (match[1] as string).replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
  })

  server.on('connection', (socket: Socket) => {
    state.connections += 1
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      upstreamAgent.destroy()
      for (const socket of sockets) socket.destroy()
    })
    return closing
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get connects() {
      return state.connects
    },
    get forwarded() {
      return state.forwarded
    },
    get connections() {
      return state.connections
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
