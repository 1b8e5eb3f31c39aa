import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { LookupFunction } from 'node:net'
import { type TLSSocket, type ConnectionOptions as TlsConnectionOptions, connect as tlsConnect } from 'node:tls'
import {
  ConfigurationError,
  type Connection,
  ConnectionError,
  type ConnectionFactory,
  isTransportError,
  type NodeDescription,
  RequestAbortedError,
  type ResponseLimits,
  ResponseTooLargeError,
  TimeoutError,
  TlsError,
  type TransportRequest,
  type TransportResponse,
} from '@stretch/transport'
import type { buildConnector as BuildConnector, Pool } from 'undici'
import { openTunnel, type ProxyTarget, parseProxy, proxyFromEnv } from './proxy.js'
import { SocketBudget } from './socket-budget.js'
import { checkPin, loadCertificates, normalizeFingerprint } from './tls.js'

/**
 * TLS settings of {@link undiciConnection}.
 * @public
 */
export interface TlsOptions {
  /** Trusted CA certificates: PEM text, Buffers or file paths. Default: Node's bundled root certificates. */
  readonly ca?: string | Uint8Array | readonly (string | Uint8Array)[] | undefined
  /** A client certificate (PEM or path) for mutual TLS. */
  readonly cert?: string | Uint8Array | undefined
  /** The client certificate's private key (PEM or path). */
  readonly key?: string | Uint8Array | undefined
  /** Verify the server's chain and hostname. Default true. */
  readonly rejectUnauthorized?: boolean | undefined
  /** The SNI name and the name checked against the certificate. Default: the node's hostname. */
  readonly servername?: string | undefined
  /** Oldest TLS version accepted. Default `TLSv1.2`. */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3' | undefined
  /**
   * A SHA-256 fingerprint (64 hex digits, colons and case ignored). The connection succeeds only when a
   * certificate of the chain the server presents (leaf or CA) has it; it is checked on every new connection before
   * a byte of HTTP is written, and it is the trust anchor: the chain need not verify against a CA.
   */
  readonly fingerprint256?: string | undefined
}

/**
 * Options of {@link undiciConnection}.
 * @public
 */
export interface UndiciConnectionOptions {
  /** TLS settings for https nodes. */
  readonly tls?: TlsOptions | undefined
  /** Most sockets per node. Default 128. */
  readonly connectionsPerNode?: number | undefined
  /**
   * Most sockets across all nodes of this client. A new socket past it waits for one to close (idle sockets are
   * closed at once to make room) for up to `connectTimeout`. Default: no cap beyond `connectionsPerNode`.
   */
  readonly maxConnections?: number | undefined
  /**
   * Milliseconds an idle socket is kept. Default 30 000: shorter than common load balancers' idle timeouts (60 s
   * and more), so a reused socket is rarely closed under us. A shorter `Keep-Alive: timeout` from the server wins.
   */
  readonly keepAliveTimeout?: number | undefined
  /** Milliseconds to establish a connection (TCP and TLS). Default 10 000. */
  readonly connectTimeout?: number | undefined
  /** A DNS lookup function, as `net.connect` takes (for example to map a name to 127.0.0.1 in tests). */
  readonly lookup?: LookupFunction | undefined
  /**
   * An `http:` proxy URL (userinfo becomes `proxy-authorization`), or `false` to ignore the environment. Default:
   * `HTTPS_PROXY`/`HTTP_PROXY` unless `NO_PROXY` matches; loopback nodes never use an environment proxy.
   */
  readonly proxy?: string | URL | false | undefined
}

type RawHeaders = Buffer[]

const kTlsCodes = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH|ERR_OSSL)/

function mapError(error: unknown, sent: boolean, host: string): Error {
  if (isTransportError(error)) return error
  const err = error as Error & { code?: string }
  const code = err.code ?? ''
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new TimeoutError(`no answer from ${host} within requestTimeout`, { cause: err })
  }
  if (code === 'UND_ERR_ABORTED' || err.name === 'AbortError') {
    return new RequestAbortedError('the request was aborted by its signal', { cause: err })
  }
  if (kTlsCodes.test(code)) {
    const hint =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? 'the certificate does not name this host; connect by a name the certificate lists or set servername'
        : "the server's certificate is not trusted; give the cluster's CA (caCerts, e.g. config/certs/http_ca.crt) or pin its SHA-256 fingerprint (sslAssertFingerprint)"
    return new TlsError(`TLS handshake with ${host} failed (${code}): ${hint}`, { cause: err })
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new ConnectionError(`connecting to ${host} timed out`, { cause: err, requestSent: false })
  }
  const what =
    code === '' ? err.message : `${code}${err.message && !err.message.includes(code) ? `: ${err.message}` : ''}`
  return new ConnectionError(`cannot reach ${host} (${what})`, { cause: err, requestSent: sent })
}

function headersOf(raw: RawHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString('latin1').toLowerCase()
    const value = (raw[i + 1] as Buffer).toString('latin1')
    const existing = out[name]
    if (existing === undefined) out[name] = value
    else if (Array.isArray(existing)) existing.push(value)
    else out[name] = [existing, value]
  }
  return out
}

// A legacy undici dispatch handler: no Readable stream per response, and `onRequestSent` tells whether a broken
// socket may already have delivered the request (which decides whether a POST may be retried).
class ResponseCollector {
  sent = false
  statusCode = 0
  headers: Record<string, string | string[]> = {}
  chunks: Buffer[] = []
  size = 0
  abort: ((reason?: Error) => void) | undefined
  readonly limit: number
  readonly host: string
  readonly resolve: (response: TransportResponse) => void
  readonly reject: (error: Error) => void
  readonly signal: AbortSignal | undefined
  readonly onAbort: (() => void) | undefined

  constructor(
    limit: number,
    host: string,
    signal: AbortSignal | undefined,
    resolve: (response: TransportResponse) => void,
    reject: (error: Error) => void,
  ) {
    this.limit = limit
    this.host = host
    this.resolve = resolve
    this.reject = reject
    this.signal = signal
    if (signal !== undefined) {
      this.onAbort = () =>
        this.abort?.(new RequestAbortedError('the request was aborted by its signal', { cause: signal.reason }))
      signal.addEventListener('abort', this.onAbort, { once: true })
    }
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abort = abort
    if (this.signal?.aborted) abort(new RequestAbortedError('the request was aborted by its signal'))
  }

  onRequestSent(): void {
    this.sent = true
  }

  onHeaders(statusCode: number, rawHeaders: RawHeaders): boolean {
    if (statusCode < 200) return true
    this.statusCode = statusCode
    this.headers = headersOf(rawHeaders)
    const length = this.headers['content-length']
    if (typeof length === 'string' && Number(length) > this.limit) {
      this.abort?.(this.tooLarge())
    }
    return true
  }

  onData(chunk: Buffer): boolean {
    this.size += chunk.length
    if (this.size > this.limit) {
      this.abort?.(this.tooLarge())
      return false
    }
    this.chunks.push(chunk)
    return true
  }

  onComplete(): void {
    this.cleanup()
    const body = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size)
    this.resolve({ statusCode: this.statusCode, headers: this.headers, body })
  }

  onError(error: Error): void {
    this.cleanup()
    this.reject(mapError(error, this.sent, this.host))
  }

  onUpgrade(): void {
    this.onError(new Error('unexpected protocol upgrade'))
  }

  tooLarge(): ResponseTooLargeError {
    return new ResponseTooLargeError(
      `the response of ${this.host} is larger than maxCompressedResponseSize (${this.limit} bytes); raise it or ask for less data`,
      this.limit,
    )
  }

  cleanup(): void {
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort)
  }
}

type Connector = ReturnType<typeof BuildConnector>
type Undici = { Pool: typeof Pool; buildConnector: typeof BuildConnector }

// undici takes longer to load than the rest of Stretch together; load it when the first request needs a socket,
// so importing the client (a cold start of a function) stays fast.
const requireUndici = createRequire(import.meta.url)
let undici: Undici | undefined
function loadUndici(): Undici {
  undici ??= requireUndici('undici') as Undici
  return undici
}

function makeConnector(
  options: UndiciConnectionOptions,
  node: NodeDescription,
  tls: TlsConnectionOptions,
  pin: string | undefined,
  budget: SocketBudget | undefined,
): Connector {
  const connector = makeBaseConnector(options, node, tls, pin)
  if (budget === undefined) return connector
  return budget.wrap(connector as never, options.connectTimeout ?? 10_000, node.url.host) as never
}

function makeBaseConnector(
  options: UndiciConnectionOptions,
  node: NodeDescription,
  tls: TlsConnectionOptions,
  pin: string | undefined,
): Connector {
  const connectTimeout = options.connectTimeout ?? 10_000
  const proxy: ProxyTarget | undefined =
    options.proxy === false
      ? undefined
      : options.proxy !== undefined
        ? parseProxy(options.proxy, 'proxy')
        : proxyFromEnv(node.url)
  const https = node.url.protocol === 'https:'
  const host = node.url.host
  if (proxy === undefined) {
    const base = loadUndici().buildConnector({
      ...(https ? tls : {}),
      ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
      // With a pin, every connection does a full handshake so the whole chain is visible to the check.
      ...(pin === undefined ? {} : { maxCachedSessions: 0 }),
      timeout: connectTimeout,
    } as BuildConnector.BuildOptions)
    if (pin === undefined || !https) return base
    return (opts, callback) => {
      base(opts, (error, socket) => {
        if (error !== null) {
          callback(error, null)
          return
        }
        const failure = checkPin(socket as TLSSocket, pin, host)
        if (failure !== undefined) {
          socket.destroy()
          callback(failure, null)
          return
        }
        callback(null, socket)
      })
    }
  }
  return (opts, callback) => {
    const port = Number(opts.port) || (https ? 443 : 80)
    openTunnel(proxy, opts.hostname, port, connectTimeout).then(
      (tunnel) => {
        if (!https) {
          callback(null, tunnel)
          return
        }
        const servername = tls.servername ?? (opts.servername || opts.hostname)
        const socket = tlsConnect({
          ...tls,
          socket: tunnel,
          servername: /^[\d.]+$|:/.test(servername) ? undefined : servername,
        })
        socket.once('secureConnect', () => {
          const failure = pin === undefined ? undefined : checkPin(socket, pin, host)
          if (failure !== undefined) {
            socket.destroy()
            callback(failure, null)
          } else {
            callback(null, socket)
          }
        })
        socket.once('error', (error) => callback(error, null))
      },
      (error: Error) => callback(error, null),
    )
  }
}

function positiveInt(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(`${option}: must be a whole number, 1 or more`)
  }
  return value
}

class UndiciConnection implements Connection {
  #pool: Pool | undefined
  #closed = false
  readonly #prefix: string
  readonly #host: string
  readonly #node: NodeDescription
  readonly #options: UndiciConnectionOptions
  readonly #tls: TlsConnectionOptions
  readonly #pin: string | undefined
  readonly #budget: SocketBudget | undefined

  constructor(
    node: NodeDescription,
    options: UndiciConnectionOptions,
    tls: TlsConnectionOptions,
    pin: string | undefined,
    budget: SocketBudget | undefined,
  ) {
    this.#budget = budget
    this.#host = node.url.host
    this.#prefix = node.url.pathname === '/' ? '' : node.url.pathname
    this.#node = node
    this.#options = options
    this.#tls = tls
    this.#pin = pin
  }

  // Created on the first request: constructing a client opens nothing and loads no HTTP stack.
  #getPool(): Pool {
    if (this.#pool === undefined) {
      const options = this.#options
      this.#pool = new (loadUndici().Pool)(this.#node.url.origin, {
        connections: positiveInt('connectionsPerNode', options.connectionsPerNode, 128),
        pipelining: 1,
        keepAliveTimeout: options.keepAliveTimeout ?? 30_000,
        keepAliveMaxTimeout: Math.max(options.keepAliveTimeout ?? 30_000, 60_000),
        connect: makeConnector(options, this.#node, this.#tls, this.#pin, this.#budget),
      })
    }
    return this.#pool
  }

  request(request: TransportRequest, limits: ResponseLimits): Promise<TransportResponse> {
    return new Promise<TransportResponse>((resolve, reject) => {
      const collector = new ResponseCollector(
        limits.maxCompressedResponseSize,
        this.#host,
        request.signal,
        resolve,
        reject,
      )
      const timeout = request.timeout ?? 0
      try {
        if (this.#closed) throw new ConnectionError(`the connection to ${this.#host} is closed`, { requestSent: false })
        this.#getPool().dispatch(
          {
            origin: undefined as never,
            method: request.method,
            path: this.#prefix === '' ? request.path : this.#prefix + request.path,
            headers: request.headers,
            // undici types `body` as optional-but-not-undefined; null is its own "no body".
            body: request.body ?? null,
            headersTimeout: timeout,
            bodyTimeout: timeout,
          },
          collector as never,
        )
      } catch (error) {
        collector.onError(error as Error)
      }
    })
  }

  close(): Promise<void> {
    this.#closed = true
    return this.#pool === undefined ? Promise.resolve() : this.#pool.close()
  }
}

/**
 * Creates the Node.js connection factory: one undici `Pool` per node, keep-alive, TLS (CA, client certificate,
 * fingerprint pin checked before any byte of HTTP), custom DNS lookup, and HTTP proxies through CONNECT tunnels.
 *
 * @example
 * ```ts
 * import { Transport } from '@stretch/transport'
 * import { undiciConnection } from '@stretch/connection-undici'
 *
 * const transport = new Transport({
 *   nodes: ['https://localhost:9200'],
 *   connection: undiciConnection({ tls: { ca: '/path/to/http_ca.crt' } }),
 * })
 * ```
 * @public
 */
export function undiciConnection(options: UndiciConnectionOptions = {}): ConnectionFactory {
  positiveInt('connectionsPerNode', options.connectionsPerNode, 1)
  const t = options.tls ?? {}
  const pin = t.fingerprint256 === undefined ? undefined : normalizeFingerprint(t.fingerprint256, 'fingerprint256')
  const tls: TlsConnectionOptions = {
    minVersion: t.minVersion ?? 'TLSv1.2',
    // A pin is the trust anchor: the chain need not verify against a CA, the pin check decides.
    rejectUnauthorized: pin === undefined ? (t.rejectUnauthorized ?? true) : false,
  }
  if (t.ca !== undefined) tls.ca = loadCertificates(t.ca, 'ca')
  if (t.cert !== undefined) tls.cert = loadPem(t.cert, 'cert')
  if (t.key !== undefined) tls.key = loadPem(t.key, 'key')
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new ConfigurationError('cert and key: give both the client certificate and its private key, or neither')
  }
  if (t.servername !== undefined) tls.servername = t.servername
  if (options.proxy !== undefined && options.proxy !== false) parseProxy(options.proxy, 'proxy')
  const budget =
    options.maxConnections === undefined
      ? undefined
      : new SocketBudget(positiveInt('maxConnections', options.maxConnections, 1))
  return (node) => new UndiciConnection(node, options, tls, pin, budget)
}

function loadPem(value: string | Uint8Array, option: string): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8')
  if (value.includes('-----BEGIN')) return value
  try {
    return readFileSync(value, 'utf8')
  } catch (cause) {
    throw new ConfigurationError(
      `${option}: cannot read the file '${value}' (${(cause as { code?: string }).code ?? 'error'})`,
    )
  }
}
