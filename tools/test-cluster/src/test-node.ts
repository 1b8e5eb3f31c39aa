import { EventEmitter, once } from 'node:events'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { type AddressInfo, createServer as createNetServer, Server as NetServerBase, type Socket } from 'node:net'
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls'
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib'
import { type ApiCluster, type ApiNode, handleApi } from './api.js'
import { negotiateCompat } from './compat.js'
import { esError, esErrorBody, type Reply } from './es-errors.js'
import { type Fault, FaultQueue, type InjectedFault, type InjectOptions } from './fault-queue.js'
import { filterPath } from './filter-path.js'
import type { AuthenticatedUser } from './security-realm.js'

/** What a node saw of one request. @public */
export interface RecordedRequest {
  readonly method: string
  /** Path and query, as sent. */
  readonly url: string
  /** The path without the query. */
  readonly path: string
  /** Lowercased header names; repeated headers joined as Node does. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /** The raw header list, as sent (name, value, name, value...). */
  readonly rawHeaders: readonly string[]
  /** The body after `content-encoding` was undone. */
  readonly body: Buffer
  /** The body as received (compressed if it was). */
  readonly rawBody: Buffer
  /** The status answered, once answered; undefined for a reset or hang. */
  status: number | undefined
  /** The fault applied, if any. */
  fault: Fault['type'] | undefined
  /** The subject of the TLS client certificate the client sent and the CA accepted, if any (`CN=...`). */
  readonly clientCertificate: string | undefined
}

/** Per-node counters. @public */
export interface NodeStats {
  /** HTTP requests whose headers reached the node. */
  requests: number
  /** TCP connections accepted. */
  connections: number
  /** TLS handshakes completed. */
  tlsHandshakes: number
  /** TLS handshakes that failed (client alert, bad SNI, ...). */
  tlsFailures: number
  /** HTTP bytes received: request lines, headers and bodies as sent (after TLS). Zero when no request was sent. */
  httpBytesReceived: number
  /** Raw TCP bytes received, TLS records included (updated when a socket closes, and live via `tcpBytesReceived`). */
  tcpBytesReceived: number
  /** HTTP bytes sent (bodies, before TLS; headers not counted). */
  bodyBytesSent: number
}

/** Options of one node. @public */
export interface NodeOptions {
  /** Node name. Default `node-<n>`. */
  readonly name?: string
  /** Node roles. Default: all data roles, ingest, master, ml, remote_cluster_client, transform. */
  readonly roles?: readonly string[]
  /** Node attributes (e.g. `{ zone: 'a' }`). */
  readonly attributes?: Readonly<Record<string, string>>
  /** Listen on 127.0.0.1 (default) or ::1. */
  readonly host?: '127.0.0.1' | '::1'
  /** Listen on this port. Default 0 (a free one); kept on restart. */
  readonly port?: number
  /**
   * The form of `http.publish_address` in `GET /_nodes/http`: `ip` gives `127.0.0.1:9200` (or `[::1]:9200`),
   * `hostname` gives `localhost/127.0.0.1:9200` (Elasticsearch's form when `network.publish_host` is a name).
   * A function returns the whole value. Default `ip`.
   */
  readonly publishAddress?: 'ip' | 'hostname' | ((node: { host: string; port: number }) => string)
  /**
   * The host name of the `hostname` publish form and of the `host` field (`network.publish_host`). Default
   * `localhost`. A name outside the certificate (add it with `dnsNames`) makes hostname verification fail; names
   * under `es.stretch.test` resolve to 127.0.0.1 through the exported `lookup`.
   */
  readonly hostname?: string
  /**
   * How long an idle keep-alive connection stays open, in ms (Node's `keepAliveTimeout`; the answer's
   * `Keep-Alive: timeout=` says it). Short values reproduce "other side closed" races. Default 60000.
   */
  readonly keepAliveTimeoutMs?: number
  /**
   * How many requests `requests` keeps: at least the last `recordRequests` (trimmed in batches of an eighth more,
   * oldest first); 0 records none. Default 10000.
   */
  readonly recordRequests?: number
}

/** The default roles of an Elasticsearch 8.x/9.x node. @public */
export const DEFAULT_ROLES: readonly string[] = [
  'data',
  'data_cold',
  'data_content',
  'data_frozen',
  'data_hot',
  'data_warm',
  'ingest',
  'master',
  'ml',
  'remote_cluster_client',
  'transform',
]

/** The cluster side of a node: shared state and the switches that apply to all nodes. */
export interface NodeCluster extends ApiCluster {
  readonly faults: FaultQueue
  readonly productHeader: boolean
  /** Gzip/deflate answers when the client accepts them. */
  readonly compression: boolean
  /** TLS client authentication (`xpack.security.http.ssl.client_authentication`). */
  readonly clientAuthentication: 'none' | 'optional' | 'required'
  /** The CA that client certificates must chain to. */
  readonly clientCa: string | undefined
  readonly tls: { readonly cert: string; readonly key: string } | undefined
  /** Elasticsearch's `http.cors.*`, when enabled. */
  readonly cors?:
    | {
        readonly allowOrigin: string
        readonly allowHeaders: string
        readonly exposeHeaders: string
        readonly allowMethods: string
      }
    | undefined
}

const MAX_BODY = 100 * 1024 * 1024
const SUPPORTED_BODY_TYPES =
  /^application\/(json|x-ndjson|smile|cbor|yaml|vnd\.elasticsearch\+(json|x-ndjson|smile|cbor|yaml))$/i

type NetServer = NetServerBase & { readonly held: Set<Socket> }

/** Node settings that only the cluster sets (the cloud endpoint uses them). */
export interface NodeInternals {
  /** A certificate other than the cluster's. */
  readonly tls?: { readonly cert: string; readonly key: string }
  /** Refuse the TLS handshake unless the client's SNI is this name. */
  readonly requireServername?: string
  /** Runs before authentication; a reply stops the request (a proxy's 404, say). */
  readonly gate?: (req: IncomingMessage) => Reply | undefined
  /** Headers added to every answer. */
  readonly headers?: Readonly<Record<string, string>>
}

/** One Elasticsearch-like node: an HTTP(S) server on loopback sharing the cluster's state. @public */
export class TestNode implements ApiNode {
  readonly id: string
  readonly name: string
  readonly roles: readonly string[]
  readonly attributes: Readonly<Record<string, string>>
  readonly host: string
  readonly hostname: string
  /** Faults of this node only (cluster-wide faults are checked first). */
  readonly faults: FaultQueue = new FaultQueue()
  /** Counters; reset with `resetStats()`. */
  readonly stats: NodeStats = emptyStats()
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = []
  /**
   * Emits `connection` (TCP accepted), `secureConnection` (TLS handshake done), `tlsClientError` (handshake failed),
   * `request` (a {@link RecordedRequest}, once its body is read) and `response` (the same record, answered).
   */
  readonly events: EventEmitter = new EventEmitter()
  /** Set false to drop `X-elastic-product` from this node's answers. */
  productHeader = true
  private currentPort: number
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  private readonly hanging = new Set<ServerResponse>()
  private readonly waits = new Set<() => void>()
  private readonly publishForm: NonNullable<NodeOptions['publishAddress']>
  private readonly keepAliveTimeout: number
  private readonly recordLimit: number
  private blackholeServer: NetServer | undefined
  private readonly cluster: NodeCluster
  private readonly internals: NodeInternals

  /** @internal */
  constructor(cluster: NodeCluster, id: string, index: number, options: NodeOptions, internals: NodeInternals = {}) {
    this.cluster = cluster
    this.internals = internals
    this.id = id
    this.name = options.name ?? `node-${index}`
    this.roles = [...(options.roles ?? DEFAULT_ROLES)]
    this.attributes = { ...(options.attributes ?? {}) }
    this.host = options.host ?? '127.0.0.1'
    this.currentPort = options.port ?? 0
    this.publishForm = options.publishAddress ?? 'ip'
    this.hostname = options.hostname ?? 'localhost'
    this.keepAliveTimeout = options.keepAliveTimeoutMs ?? 60_000
    this.recordLimit = options.recordRequests ?? 10_000
  }

  /** The port (kept across stop/start). */
  get port(): number {
    return this.currentPort
  }

  /** `https://127.0.0.1:<port>` (or `http:`, `[::1]`). */
  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host
    return `${this.tls === undefined ? 'http' : 'https'}://${host}:${this.currentPort}`
  }

  private get tls(): { readonly cert: string; readonly key: string } | undefined {
    return this.internals.tls ?? this.cluster.tls
  }

  /** Whether the node is listening. */
  get running(): boolean {
    return this.server !== undefined
  }

  /** `http.publish_address` as `GET /_nodes/http` reports it. */
  get publishAddress(): string {
    const form = this.publishForm
    if (typeof form === 'function') return form({ host: this.host, port: this.currentPort })
    const ip = this.host.includes(':') ? `[${this.host}]` : this.host
    return form === 'hostname' ? `${this.hostname}/${ip}:${this.currentPort}` : `${ip}:${this.currentPort}`
  }

  /** Raw TCP bytes received so far, including those of open sockets. */
  get tcpBytesReceived(): number {
    let live = 0
    for (const s of this.sockets) live += s.bytesRead
    return this.stats.tcpBytesReceived + live
  }

  /** Starts listening (again), on the same port as before. */
  async start(): Promise<void> {
    if (this.server !== undefined) return
    await this.closeBlackhole()
    const listener = (req: IncomingMessage, res: ServerResponse): void => {
      this.onRequest(req, res).catch((error: unknown) => {
        if (!res.headersSent)
          this.send(
            req,
            res,
            { status: 500, body: esErrorBody(500, { type: 'exception', reason: String(error) }) },
            undefined,
          )
        else res.destroy()
      })
    }
    const tls = this.tls
    const sni = this.internals.requireServername
    const server: Server =
      tls === undefined
        ? createHttpServer({ keepAliveTimeout: this.keepAliveTimeout }, listener)
        : (createHttpsServer(
            {
              cert: tls.cert,
              key: tls.key,
              keepAliveTimeout: this.keepAliveTimeout,
              ...(this.cluster.clientAuthentication === 'none' || this.internals.tls !== undefined
                ? {}
                : {
                    requestCert: true,
                    // `optional`: a certificate is checked when sent; `required`: no certificate, no handshake.
                    rejectUnauthorized: this.cluster.clientAuthentication === 'required',
                    ...(this.cluster.clientCa === undefined ? {} : { ca: this.cluster.clientCa }),
                  }),
              ...(sni === undefined
                ? {}
                : {
                    // Like a proxy that routes by SNI: an unknown name gets no certificate and the handshake fails.
                    SNICallback: (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => {
                      if (servername.toLowerCase() === sni.toLowerCase())
                        cb(null, createSecureContext({ cert: tls.cert, key: tls.key }))
                      else cb(new Error(`unknown server name ${servername}`))
                    },
                  }),
            },
            listener,
          ) as unknown as Server)
    server.on('connection', (socket: Socket) => {
      this.stats.connections += 1
      this.sockets.add(socket)
      this.events.emit('connection', socket)
      socket.on('close', () => {
        this.stats.tcpBytesReceived += socket.bytesRead
        this.sockets.delete(socket)
      })
    })
    // Prepended: the HTTPS server's own `secureConnection` listener hands the socket to the HTTP parser, so a later
    // listener would destroy it only after the request had reached the handler (and been recorded).
    server.prependListener('secureConnection', (socket: TLSSocket) => {
      // `optional` client authentication still refuses a certificate that is sent but not trusted (as Java's
      // "want client auth" does).
      if (this.cluster.clientAuthentication === 'optional' && this.internals.tls === undefined && !socket.authorized) {
        const peer = socket.getPeerCertificate()
        if (peer !== undefined && Object.keys(peer).length > 0) {
          this.stats.tlsFailures += 1
          socket.destroy()
          return
        }
      }
      this.stats.tlsHandshakes += 1
      this.events.emit('secureConnection', socket)
    })
    server.on('tlsClientError', (error: Error) => {
      this.stats.tlsFailures += 1
      this.events.emit('tlsClientError', error)
    })
    server.on('clientError', (_err, socket: Socket) => {
      socket.destroy()
    })
    server.listen(this.currentPort, this.host)
    await once(server, 'listening')
    this.currentPort = (server.address() as AddressInfo).port
    this.server = server
  }

  /** Stops the node: closes the server and every connection (in-flight requests are cut). The port is kept. */
  async stop(): Promise<void> {
    await this.closeBlackhole()
    const server = this.server
    if (server === undefined) return
    this.server = undefined
    for (const res of this.hanging) res.destroy()
    this.hanging.clear()
    for (const socket of this.sockets) socket.destroy()
    for (const done of [...this.waits]) done()
    const closed = new Promise<void>((resolve, reject) => {
      try {
        server.close(() => resolve())
      } catch {
        // Defensive: Node's HTTP close walks its own connection list, which a destroyed socket can leave stale.
        // Closing the listener directly still frees the port; every socket is destroyed above.
        NetServerBase.prototype.close.call(server, (error?: Error) => (error === undefined ? resolve() : reject(error)))
      }
    })
    try {
      server.closeAllConnections()
    } catch {
      // Same stale-entry case as above; the sockets are already destroyed.
    }
    await closed
  }

  /**
   * Stops the node and listens on its port with a server that accepts TCP connections and never reads or answers:
   * no TLS handshake, no HTTP (connect and handshake timeouts). `start()` brings the node back.
   */
  async blackhole(): Promise<void> {
    await this.stop()
    if (this.blackholeServer !== undefined) return
    const held = new Set<Socket>()
    const server = createNetServer({ pauseOnConnect: true }, (socket) => {
      this.stats.connections += 1
      held.add(socket)
      socket.on('close', () => held.delete(socket))
    })
    server.on('close', () => {
      for (const s of held) s.destroy()
    })
    server.listen(this.currentPort, this.host)
    await once(server, 'listening')
    this.currentPort = (server.address() as AddressInfo).port
    this.blackholeServer = Object.assign(server, { held })
  }

  private async closeBlackhole(): Promise<void> {
    const server = this.blackholeServer
    if (server === undefined) return
    this.blackholeServer = undefined
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const s of server.held) s.destroy()
    await closed
  }

  /** Stops and starts the node on the same port. */
  async restart(): Promise<void> {
    await this.stop()
    await this.start()
  }

  /** Adds a fault for the next matching requests to this node. */
  inject(fault: Fault, options?: InjectOptions): InjectedFault {
    return this.faults.add(fault, options)
  }

  /** Answers `status` for the next `times` requests (429 gets `Retry-After`). */
  failNext(times: number, status = 503, retryAfter?: number): InjectedFault {
    return this.inject({ type: 'status', status, ...(retryAfter === undefined ? {} : { retryAfter }) }, { times })
  }

  /** Zeroes the counters and forgets recorded requests. */
  resetStats(): void {
    Object.assign(this.stats, emptyStats())
    this.requests.length = 0
  }

  // Elasticsearch's CorsHandler: headers only for an allowed Origin; a preflight (OPTIONS with
  // Access-Control-Request-Method) is answered 200 here, before authentication, with an empty body.
  private cors(req: IncomingMessage, res: ServerResponse): boolean {
    const cors = this.cluster.cors
    const origin = header(req, 'origin')
    if (cors === undefined || origin === undefined) return false
    if (cors.allowOrigin !== '*' && cors.allowOrigin !== origin) return false
    res.setHeader('access-control-allow-origin', cors.allowOrigin === '*' ? '*' : origin)
    res.setHeader('vary', 'Origin')
    if (req.method === 'OPTIONS' && header(req, 'access-control-request-method') !== undefined) {
      res.writeHead(200, {
        'access-control-allow-methods': cors.allowMethods,
        'access-control-allow-headers': cors.allowHeaders,
        'access-control-max-age': '1728000',
        'content-length': '0',
      })
      res.end()
      req.resume()
      return true
    }
    res.setHeader('access-control-expose-headers', cors.exposeHeaders)
    return false
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const path = q < 0 ? url : url.slice(0, q)
    const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1))
    const method = req.method ?? 'GET'
    this.stats.requests += 1
    // Request line, `name: value\r\n` per header (2 bytes after the name, 2 after the value), blank line.
    const headerBytes =
      `${method} ${url} HTTP/${req.httpVersion}\r\n`.length + req.rawHeaders.reduce((n, h) => n + h.length + 2, 0) + 2
    this.stats.httpBytesReceived += headerBytes
    if (this.cors(req, res)) return
    const fault = this.cluster.faults.take(method, path) ?? this.faults.take(method, path)

    if (fault?.type === 'reset' && fault.when === 'before-body') {
      this.record(req, path, Buffer.alloc(0), Buffer.alloc(0), fault)
      resetSocket(req.socket)
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length
      this.stats.httpBytesReceived += chunk.length
      if (size > MAX_BODY) {
        // Elasticsearch's http.max_content_length (100mb): answer and drop the connection (the rest is unread).
        this.send(
          req,
          res,
          { ...esError(413, 'content_too_long_exception', 'Request body too large'), headers: { connection: 'close' } },
          undefined,
        )
        return
      }
      chunks.push(chunk)
    }
    const rawBody = Buffer.concat(chunks)
    let body = rawBody
    const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase()
    let decodeError: Reply | undefined
    try {
      if (encoding === 'gzip' || encoding === 'x-gzip') body = gunzipSync(rawBody)
      else if (encoding === 'deflate') body = inflateSync(rawBody)
    } catch (error) {
      decodeError = esError(
        400,
        'illegal_argument_exception',
        `failed to decompress the request body: ${(error as Error).message}`,
      )
    }
    const record = this.record(req, path, body, rawBody, fault)
    if (fault !== undefined && (await this.applyFault(fault, req, res, record))) return
    // A proxy in front (the cloud endpoint) answers before Elasticsearch looks at anything.
    const gated = this.internals.gate?.(req)
    if (gated !== undefined) {
      // The proxy's own answer: no Elasticsearch headers.
      const body = Buffer.from(JSON.stringify(gated.body))
      this.sendRaw(res, record, gated.status, { 'content-type': 'application/json; charset=utf-8' }, body, false)
      return
    }
    if (decodeError !== undefined) {
      this.send(req, res, decodeError, record)
      return
    }

    const compat = negotiateCompat(
      this.cluster.version.major,
      header(req, 'accept'),
      header(req, 'content-type'),
      body.length > 0,
    )
    if ('reply' in compat) {
      this.send(req, res, compat.reply, record)
      return
    }
    let user: AuthenticatedUser | undefined
    if (this.cluster.security !== undefined) {
      const auth = this.cluster.security.authenticate(header(req, 'authorization'), url)
      if ('reply' in auth) {
        this.send(req, res, auth.reply, record, compat.version)
        return
      }
      user = auth.user
    }
    // RestController: a body needs a content type Elasticsearch can parse, else 406 (before any handler runs).
    if (body.length > 0) {
      const contentType = header(req, 'content-type')
      if (contentType === undefined || !SUPPORTED_BODY_TYPES.test(contentType.split(';')[0]?.trim() ?? '')) {
        const error =
          contentType === undefined
            ? 'Content-Type header is missing'
            : `Content-Type header [${contentType}] is not supported`
        this.send(req, res, { status: 406, body: { error, status: 406 } }, record, compat.version)
        return
      }
    }
    const warnings =
      fault?.type === 'warning'
        ? (fault.messages ?? ['this request accesses a deprecated feature (injected by the test)']).map(
            (m) =>
              `299 Elasticsearch-${this.cluster.version.number}-${this.cluster.version.buildHash} "${m.replaceAll('"', '\\"')}"`,
          )
        : undefined
    const bulkReject =
      fault?.type === 'bulk-reject'
        ? {
            items: fault.items,
            status: fault.status ?? 429,
            ratio: fault.ratio === undefined ? undefined : { p: fault.ratio, random: fault.random ?? Math.random },
          }
        : undefined
    const reply = await handleApi(
      { method, path, params, body, user, node: this, ...(bulkReject === undefined ? {} : { bulkReject }) },
      this.cluster,
    )
    if (fault?.type === 'reset' && fault.when === 'after-write') {
      resetSocket(req.socket)
      return
    }
    const pretty = params.has('pretty') && params.get('pretty') !== 'false'
    let shaped = reply
    if (warnings !== undefined) shaped = { ...shaped, headers: { ...(shaped.headers ?? {}), warning: warnings } }
    if (reply.body !== undefined && compat.version === 7) shaped = { ...shaped, body: withDocType(shaped.body) }
    const filter = params.get('filter_path')
    if (filter !== null && shaped.body !== undefined) shaped = { ...shaped, body: filterPath(shaped.body, filter) }
    this.send(req, res, shaped, record, compat.version, fault?.type === 'no-product-header', pretty)
  }

  private record(
    req: IncomingMessage,
    path: string,
    body: Buffer,
    rawBody: Buffer,
    fault: Fault | undefined,
  ): RecordedRequest {
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path,
      headers: { ...req.headers },
      rawHeaders: [...req.rawHeaders],
      body,
      rawBody,
      status: undefined,
      fault: fault?.type,
      clientCertificate: clientSubject(req.socket),
    }
    if (this.recordLimit > 0) {
      this.requests.push(record)
      // Trim in batches: one splice per request would move the whole log each time under long load runs.
      const slack = Math.max(1, this.recordLimit >> 3)
      if (this.requests.length >= this.recordLimit + slack)
        this.requests.splice(0, this.requests.length - this.recordLimit)
    }
    this.events.emit('request', record)
    return record
  }

  /** Applies a fault; returns true when the fault answered (or withheld) the response itself. */
  private async applyFault(
    fault: Fault,
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
  ): Promise<boolean> {
    switch (fault.type) {
      case 'reset':
        if (fault.when === 'after-write') return false // applied first, reset instead of the answer (below)
        resetSocket(req.socket)
        return true
      case 'hang':
        this.hanging.add(res)
        res.on('close', () => this.hanging.delete(res))
        return true
      case 'delay':
        await this.wait(fault.ms, res)
        return res.destroyed
      case 'hold':
        await this.hold(fault.until, res)
        return res.destroyed
      case 'no-product-header':
      case 'bulk-reject':
      case 'warning':
        return false
      case 'truncated-body': {
        record.status = 200
        const full = Buffer.from(JSON.stringify({ took: 1, errors: false, items: [], padding: 'x'.repeat(1024) }))
        res.writeHead(200, {
          ...this.productHeaders(),
          'content-type': 'application/json',
          'content-length': String(full.length),
        })
        if (fault.ending === 'close') res.write(full.subarray(0, full.length >> 1), () => res.destroy())
        else {
          res.write(full.subarray(0, full.length >> 1))
          this.hanging.add(res)
          res.on('close', () => this.hanging.delete(res))
        }
        return true
      }
      case 'status': {
        const headers: Record<string, string> = {}
        if (fault.status === 429 || fault.retryAfter !== undefined)
          headers['retry-after'] = String(fault.retryAfter ?? 1)
        this.send(req, res, { status: fault.status, body: fault.body ?? statusBody(fault.status), headers }, record)
        return true
      }
      case 'non-json': {
        const text = fault.body ?? '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>'
        this.sendRaw(res, record, 200, { 'content-type': fault.contentType ?? 'text/html' }, Buffer.from(text))
        return true
      }
      case 'raw': {
        const body = typeof fault.body === 'string' ? Buffer.from(fault.body) : Buffer.from(fault.body)
        this.sendRaw(res, record, fault.status ?? 200, { ...(fault.headers ?? {}) }, body)
        return true
      }
      case 'huge-body':
        await this.sendHuge(res, record, fault.bytes)
        return true
      case 'gzip-bomb':
        this.sendRaw(
          res,
          record,
          200,
          { 'content-type': 'application/json', 'content-encoding': 'gzip' },
          gzipBomb(fault.bytes),
        )
        return true
    }
  }

  /** Waits `ms`, or less if the client goes away or the node stops: no timer outlives the node. */
  private wait(ms: number, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        res.off('close', done)
        this.waits.delete(done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      res.once('close', done)
      this.waits.add(done)
    })
  }

  /** Waits until `until` settles, or less if the client goes away or the node stops. */
  private hold(until: PromiseLike<unknown>, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        res.off('close', done)
        this.waits.delete(done)
        resolve()
      }
      Promise.resolve(until).then(done, done)
      res.once('close', done)
      this.waits.add(done)
    })
  }

  private productHeaders(): Record<string, string> {
    const extra = { ...(this.internals.headers ?? {}) }
    return this.productHeader && this.cluster.productHeader ? { 'x-elastic-product': 'Elasticsearch', ...extra } : extra
  }

  private sendRaw(
    res: ServerResponse,
    record: RecordedRequest,
    status: number,
    headers: Record<string, string>,
    body: Buffer,
    product = true,
  ): void {
    record.status = status
    this.stats.bodyBytesSent += body.length
    res.writeHead(status, {
      ...(product ? this.productHeaders() : {}),
      'content-length': String(body.length),
      ...headers,
    })
    res.end(body)
  }

  private async sendHuge(res: ServerResponse, record: RecordedRequest, bytes: number): Promise<void> {
    record.status = 200
    const head = Buffer.from('{"padding":"')
    const tail = Buffer.from('"}')
    const fill = Math.max(0, bytes - head.length - tail.length)
    res.writeHead(200, {
      ...this.productHeaders(),
      'content-type': 'application/json',
      'content-length': String(head.length + fill + tail.length),
    })
    res.write(head)
    const chunk = Buffer.alloc(64 * 1024, 'x')
    let left = fill
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left)
      left -= piece.length
      this.stats.bodyBytesSent += piece.length
      if (!res.write(piece)) {
        if (!(await drainOrClose(res))) return
      }
    }
    if (!res.destroyed) res.end(tail)
  }

  private send(
    req: IncomingMessage,
    res: ServerResponse,
    reply: Reply,
    record: RecordedRequest | undefined,
    compatVersion?: number,
    dropProduct = false,
    pretty = false,
  ): void {
    if (record !== undefined) {
      record.status = reply.status
      res.once('finish', () => this.events.emit('response', record))
    }
    const headers: Record<string, string | string[]> = this.productHeaders()
    // Elasticsearch echoes X-Opaque-Id on the answer.
    const opaque = req.headers['x-opaque-id']
    if (typeof opaque === 'string') headers['x-opaque-id'] = opaque
    if (dropProduct) delete headers['x-elastic-product']
    for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k] = typeof v === 'string' ? v : [...v]
    let payload = Buffer.alloc(0)
    if (reply.text !== undefined) {
      payload = Buffer.from(reply.text)
      headers['content-type'] = 'text/plain; charset=UTF-8'
    } else if (reply.bytes !== undefined) {
      payload = Buffer.from(reply.bytes.data)
      headers['content-type'] = reply.bytes.contentType
    } else if (reply.body !== undefined) {
      payload = Buffer.from(pretty ? `${JSON.stringify(reply.body, null, 2)}\n` : JSON.stringify(reply.body))
      headers['content-type'] =
        compatVersion === undefined
          ? 'application/json'
          : `application/vnd.elasticsearch+json;compatible-with=${compatVersion}`
    }
    const acceptEncoding = String(req.headers['accept-encoding'] ?? '').toLowerCase()
    if (payload.length > 0 && req.method !== 'HEAD' && this.cluster.compression) {
      if (/\bgzip\b/.test(acceptEncoding)) {
        payload = gzipSync(payload)
        headers['content-encoding'] = 'gzip'
      } else if (/\bdeflate\b/.test(acceptEncoding)) {
        payload = deflateSync(payload)
        headers['content-encoding'] = 'deflate'
      }
    }
    headers['content-length'] = String(payload.length)
    res.writeHead(reply.status, headers)
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    this.stats.bodyBytesSent += payload.length
    res.end(payload)
  }
}

/**
 * Closes a connection with a TCP RST. For TLS the reset goes to the TCP socket under the TLS socket, after the TLS
 * socket is destroyed: resetting the TCP socket first leaves Node's HTTP server with a connection entry whose socket
 * is gone, and a later `server.close()` then throws.
 */
function resetSocket(socket: Socket): void {
  const raw = (socket as Socket & { _parent?: Socket | null })._parent
  if (raw === undefined || raw === null) {
    socket.resetAndDestroy()
    return
  }
  socket.destroy()
  try {
    raw.resetAndDestroy()
  } catch {
    raw.destroy()
  }
}

/**
 * REST compatibility with 7.x: an 8.x server answering `compatible-with=7` adds `"_type": "_doc"` to document
 * results (index, get, delete, update, search hits, bulk items).
 */
function withDocType(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withDocType)
  if (typeof value !== 'object' || value === null) return value
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => [k, k === '_source' ? v : withDocType(v)] as const,
  )
  const out: Record<string, unknown> = {}
  for (const [k, v] of entries) {
    out[k] = v
    if (k === '_index' && '_id' in value) out['_type'] = '_doc'
  }
  return out
}

function clientSubject(socket: Socket): string | undefined {
  const tls = socket as TLSSocket
  if (typeof tls.getPeerCertificate !== 'function' || tls.authorized !== true) return undefined
  const cert = tls.getPeerCertificate()
  const cn = cert?.subject?.CN
  return cn === undefined ? undefined : `CN=${Array.isArray(cn) ? cn.join(',') : cn}`
}

/** Resolves true on `drain`, false on `close`, removing both listeners (no leak over a long streamed body). */
function drainOrClose(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = (drained: boolean): void => {
      res.off('drain', onDrain)
      res.off('close', onClose)
      resolve(drained)
    }
    const onDrain = (): void => finish(true)
    const onClose = (): void => finish(false)
    res.on('drain', onDrain)
    res.on('close', onClose)
  })
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v.join(', ') : v
}

function emptyStats(): NodeStats {
  return {
    requests: 0,
    connections: 0,
    tlsHandshakes: 0,
    tlsFailures: 0,
    httpBytesReceived: 0,
    tcpBytesReceived: 0,
    bodyBytesSent: 0,
  }
}

function statusBody(status: number): unknown {
  if (status === 429) {
    return esErrorBody(429, {
      type: 'es_rejected_execution_exception',
      reason:
        'rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1, max_coordinating_and_primary_bytes=0]',
    })
  }
  if (status === 503) {
    return esErrorBody(503, {
      type: 'cluster_block_exception',
      reason: 'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];',
    })
  }
  if (status === 504) return esErrorBody(504, { type: 'timeout_exception', reason: 'Timeout waiting for task.' })
  if (status === 502) return esErrorBody(502, { type: 'bad_gateway', reason: 'Bad Gateway' })
  return esErrorBody(status, { type: 'exception', reason: `injected status ${status}` })
}

const bombs = new Map<number, Buffer>()

/** gzip of `bytes` bytes of a JSON-looking body; cached per size (compressing is the slow part). */
function gzipBomb(bytes: number): Buffer {
  const cached = bombs.get(bytes)
  if (cached !== undefined) return cached
  // One gzip member per MiB of spaces, repeated: a valid multi-member gzip stream (RFC 1952 section 2.2) without
  // holding `bytes` in memory or compressing them all.
  const chunk = Buffer.alloc(1024 * 1024, 0x20)
  const member = gzipSync(chunk, { level: 9 })
  const parts: Buffer[] = []
  let left = bytes
  while (left >= chunk.length) {
    parts.push(member)
    left -= chunk.length
  }
  if (left > 0) parts.push(gzipSync(chunk.subarray(0, left), { level: 9 }))
  const bomb = Buffer.concat(parts)
  bombs.set(bytes, bomb)
  return bomb
}
