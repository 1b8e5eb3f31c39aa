import { once } from 'node:events'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net'

/** A request handler of a test server. */
export type TestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** Serve HTTPS with this certificate chain and key. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca?: string; readonly requestCert?: boolean }
  /** Listen on this host. Default 127.0.0.1. */
  readonly host?: string
  /** Listen on this port. Default 0 (a free one). */
  readonly port?: number
}

/** A running loopback server. `await using` closes it. */
export interface TestServer extends AsyncDisposable {
  readonly server: Server
  /** `http://127.0.0.1:<port>` or `https://...`. */
  readonly url: string
  readonly port: number
  /** Every request received, in order. */
  readonly requests: RecordedRequest[]
  /** TCP connections accepted so far. */
  connections: number
  /** HTTPS only: decrypted (HTTP) bytes received over all TLS connections. */
  bytesReceived: number
  /** HTTPS only: TLS handshakes completed. */
  readonly secureConnections: number
  /** Resolves once every accepted connection has closed (e.g. after the client closed its sockets). */
  drained(): Promise<void>
  close(): Promise<void>
}

/** A request as the server saw it. */
export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage['headers']
  readonly body: Buffer
}

/**
 * Starts an HTTP(S) server on 127.0.0.1, port 0. Records every request (with its body), counts sockets, and on
 * close ends every connection and waits for the server to close.
 */
export async function startServer(handler: TestHandler, options: StartServerOptions = {}): Promise<TestServer> {
  const sockets = new Set<Socket>()
  const requests: RecordedRequest[] = []
  const drainWaiters: (() => void)[] = []
  const state = { connections: 0, bytesReceived: 0, secureConnections: 0 }
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) })
      Promise.resolve(handler(req, res)).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500)
        res.end(String(error))
      })
    })
  }
  const server: Server =
    options.tls === undefined
      ? createHttpServer(listener)
      : (createHttpsServer(
          {
            cert: options.tls.cert,
            key: options.tls.key,
            ca: options.tls.ca,
            requestCert: options.tls.requestCert === true,
            rejectUnauthorized: false,
          },
          listener,
        ) as unknown as Server)
  server.on('connection', (socket: Socket) => {
    state.connections += 1
    sockets.add(socket)
    socket.on('close', () => {
      sockets.delete(socket)
      if (sockets.size === 0) for (const resolve of drainWaiters.splice(0)) resolve()
    })
  })
  server.on('secureConnection', (socket: Socket) => {
    state.secureConnections += 1
    socket.on('data', (d: Buffer) => {
      state.bytesReceived += d.length
    })
  })
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const host = options.host ?? '127.0.0.1'
  const hostText = host.includes(':') ? `[${host}]` : host
  const url = `${options.tls === undefined ? 'http' : 'https'}://${hostText}:${port}`
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
      for (const socket of sockets) socket.destroy()
    })
    return closing
  }
  return {
    server,
    url,
    port,
    requests,
    get connections() {
      return state.connections
    },
    set connections(v: number) {
      state.connections = v
    },
    get bytesReceived() {
      return state.bytesReceived
    },
    set bytesReceived(v: number) {
      state.bytesReceived = v
    },
    get secureConnections() {
      return state.secureConnections
    },
    drained: () =>
      sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => drainWaiters.push(resolve)),
    close,
    [Symbol.asyncDispose]: close,
  }
}

/** Answers like Elasticsearch: JSON with `x-elastic-product: Elasticsearch`. */
export function sendJson(
  res: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body)
  res.writeHead(statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-elastic-product': 'Elasticsearch',
    ...headers,
  })
  res.end(payload)
}

/** A TCP server that accepts connections and never says a byte. `await using` closes it. */
export interface SilentServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`; replace the scheme for an https node. */
  readonly url: string
  readonly port: number
  /** Connections accepted so far. */
  readonly connections: number
  /** Resolves when the next connection is accepted. */
  accepted(): Promise<void>
  close(): Promise<void>
}

/**
 * Starts a TCP server on 127.0.0.1, port 0, that accepts every connection, reads what it is sent and never answers:
 * the node (or proxy) that takes a connection and then hangs.
 */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>()
  const state = { connections: 0 }
  const server = createNetServer((socket) => {
    state.connections += 1
    sockets.add(socket)
    socket.resume()
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      for (const socket of sockets) socket.destroy()
    })
    return closing
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return state.connections
    },
    accepted: () => once(server, 'connection').then(() => undefined),
    close,
    [Symbol.asyncDispose]: close,
  }
}
