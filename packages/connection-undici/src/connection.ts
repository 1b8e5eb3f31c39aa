import type { LookupFunction, Socket } from 'node:net'
import type { Readable } from 'node:stream'
import type { TLSSocket, ConnectionOptions as TlsConnectionOptions } from 'node:tls'
import {
  ConfigurationError,
  type Connection,
  ConnectionError,
  type ConnectionFactory,
  checkNumber,
  checkOptionNames,
  isTransportError,
  type NodeDescription,
  type NumberRule,
  RequestAbortedError,
  type ResponseLimits,
  ResponseTooLargeError,
  TimeoutError,
  TlsError,
  type TransportRequest,
  type TransportResponse,
} from '@stretch/transport'
import type { buildConnector as BuildConnector, Pool } from 'undici'
import {
  type BoundConnect,
  type Connect,
  type ConnectCallback,
  ConnectLimits,
  type ConnectTarget,
  timed,
} from './connect-limit.js'
import { openTunnel, type ProxyTarget, parseProxy, proxyAuthError, proxyFromEnv } from './proxy.js'
import { HeaderMemo, type HeaderRecord, type RawHeaders } from './response-headers.js'
import { SocketBudget } from './socket-budget.js'
import { checkPin, loadCertificates, loadPem, normalizeFingerprint } from './tls.js'

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
   * closed at once to make room) within its set-up bound (see `connectTimeout`). Default: no cap beyond `connectionsPerNode`.
   */
  readonly maxConnections?: number | undefined
  /**
   * Milliseconds an idle socket is kept. Default 30 000: shorter than common load balancers' idle timeouts (60 s
   * and more), so a reused socket is rarely closed under us. A shorter `Keep-Alive: timeout` from the server wins.
   */
  readonly keepAliveTimeout?: number | undefined
  /**
   * Milliseconds to establish a connection: DNS, TCP and TLS; through a proxy, TCP to the proxy, its answer to the
   * CONNECT and the TLS handshake over the tunnel, all together (with `maxConnections`, the wait for a slot too).
   * A request's `requestTimeout` bounds the set-up of the socket it opens as well: the smaller of the two applies,
   * and the error names it (a `ConnectionError` for `connectTimeout`, a `TimeoutError` for `requestTimeout`, both
   * with `requestSent: false`). Default 10 000.
   */
  readonly connectTimeout?: number | undefined
  /**
   * A DNS lookup function, as `net.connect` takes (for example to map a name to 127.0.0.1 in tests). Through a
   * proxy it resolves the proxy's name; the proxy resolves the node's.
   */
  readonly lookup?: LookupFunction | undefined
  /**
   * An `http:` proxy URL (userinfo becomes `proxy-authorization`), or `false` to ignore the environment. Requests to
   * `https:` nodes go through a CONNECT tunnel (TLS end to end); requests to `http:` nodes go to the proxy as
   * absolute-URI requests. Default: `HTTPS_PROXY`/`HTTP_PROXY` unless `NO_PROXY` matches; loopback nodes never use
   * an environment proxy.
   */
  readonly proxy?: string | URL | false | undefined
}

const kTlsCodes = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH|ERR_OSSL)/

// What a connection's errors call the node: `host` for most messages, `origin` when the scheme is the point.
interface NodeLabel {
  readonly host: string
  readonly origin: string
  readonly https: boolean
  /** Requests go to a forward proxy, not to the node: a socket error says nothing about the node's scheme. */
  readonly forwarded: boolean
}

// OpenSSL's errors when the bytes that came back are not a TLS record, such as `HTTP/1.1 400` from a plain server.
const kNotTls = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST'])
// A TLS record header (RFC 8446 section 5.1): alert (21) or handshake (22), then version 3.x.
const kTlsRecord = /^[\x15\x16]\x03[\x00-\x04]/

function mapError(error: unknown, sent: boolean, node: NodeLabel): Error {
  if (isTransportError(error)) return error
  const err = error as Error & { code?: string; data?: string; socket?: { bytesRead?: number } }
  const code = err.code ?? ''
  const host = node.host
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new TimeoutError(`no answer from ${host} within requestTimeout`, { cause: err })
  }
  if (code === 'UND_ERR_ABORTED' || err.name === 'AbortError') {
    return new RequestAbortedError('the request was aborted by its signal', { cause: err })
  }
  if (node.https && kNotTls.has(code)) {
    return new TlsError(`the server at ${node.origin} does not speak TLS: is the node \`http://\`?`, { cause: err })
  }
  if (!node.https && !node.forwarded) {
    // undici's HTTPParserError keeps the bytes it could not parse (its `code` is not always set).
    if (err.name === 'HTTPParserError' && kTlsRecord.test(err.data ?? '')) {
      return new ConnectionError(`the server at ${node.origin} speaks TLS: is the node \`https://\`?`, {
        cause: err,
        requestSent: sent,
      })
    }
    // A TLS-only server (Elasticsearch with xpack.security.http.ssl) closes a plain-text connection without a byte.
    if (code === 'UND_ERR_SOCKET' && err.socket?.bytesRead === 0) {
      return new ConnectionError(
        `the server at ${node.origin} closed the connection without answering: if it serves HTTPS, the node must be \`https://\``,
        { cause: err, requestSent: sent },
      )
    }
  }
  if (kTlsCodes.test(code)) {
    const hint =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? 'the certificate does not name this host; connect by a name the certificate lists or set servername'
        : "the server's certificate is not trusted; give the cluster's CA (caCerts, e.g. config/certs/http_ca.crt) or pin its SHA-256 fingerprint (sslAssertFingerprint)"
    return new TlsError(`TLS handshake with ${host} failed (${code}): ${hint}`, { cause: err })
  }
  const what =
    code === '' ? err.message : `${code}${err.message && !err.message.includes(code) ? `: ${err.message}` : ''}`
  return new ConnectionError(`cannot reach ${host} (${what})`, { cause: err, requestSent: sent })
}

const kEmpty: Buffer = Buffer.alloc(0)

function ignore(): void {}

const kOnce: { readonly once: true } = { once: true }

// The executor of every collector's promise: one module-level function, no closure per request. `answer()` sets
// `capturing` right before `new Promise` calls this, synchronously.
let capturing: ResponseCollector | undefined
function capture(resolve: (response: TransportResponse) => void, reject: (error: Error) => void): void {
  const collector = capturing as ResponseCollector
  capturing = undefined
  collector.resolve = resolve
  collector.reject = reject
}

// What every request of one connection shares: set with the pool, read by each collector through one field.
interface Route {
  readonly node: NodeLabel
  /** The forward proxy that http requests go to (a 407 is then the proxy's), or undefined. */
  readonly proxy: ProxyTarget | undefined
  readonly headers: HeaderMemo
}

// A legacy undici dispatch handler: no Readable stream per response, and `onRequestSent` tells whether a broken
// socket may already have delivered the request (which decides whether a POST may be retried).
// Its fields are declared (no emitted field definitions) and set in the constructor: field initializers would be a
// function of their own (`<instance_members_initializer>`), called for every request and optimized apart.
class ResponseCollector {
  declare sent: boolean
  declare statusCode: number
  // Set by onHeaders; no placeholder object per request.
  declare headers: HeaderRecord | undefined
  // Most answers arrive in one chunk: it is kept alone, and an array is made only for a second one.
  declare first: Buffer | undefined
  declare chunks: Buffer[] | undefined
  declare size: number
  declare abort: ((reason?: Error) => void) | undefined
  declare readonly limit: number
  declare readonly route: Route
  // Set by `answer()`, before undici can call any method.
  declare resolve: (response: TransportResponse) => void
  declare reject: (error: Error) => void
  declare readonly signal: AbortSignal | undefined

  constructor(limit: number, route: Route, signal: AbortSignal | undefined) {
    this.sent = false
    this.statusCode = 0
    this.headers = undefined
    this.first = undefined
    this.chunks = undefined
    this.size = 0
    this.abort = undefined
    this.limit = limit
    this.route = route
    this.resolve = ignore
    this.reject = ignore
    this.signal = signal
    // The collector is the listener (its handleEvent), so a signal costs no closure per request.
    signal?.addEventListener('abort', this, kOnce)
  }

  /** The signal's `abort` event. */
  handleEvent(): void {
    this.abort?.(
      new RequestAbortedError('the request was aborted by its signal', { cause: (this.signal as AbortSignal).reason }),
    )
  }

  /** The promise this collector settles. */
  answer(): Promise<TransportResponse> {
    capturing = this
    return new Promise<TransportResponse>(capture)
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
    const headers = this.route.headers.headersOf(rawHeaders)
    this.headers = headers
    const length = headers['content-length']
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
    if (this.first === undefined) this.first = chunk
    else if (this.chunks === undefined) this.chunks = [this.first, chunk]
    else this.chunks.push(chunk)
    return true
  }

  onComplete(): void {
    this.cleanup()
    // Through a forward proxy a 407 is the proxy's, never the node's: a configuration error, not an answer.
    const proxy = this.route.proxy
    const { resolve, reject } = this
    if (this.statusCode === 407 && proxy !== undefined) {
      this.release()
      reject(proxyAuthError(proxy))
      return
    }
    const chunks = this.chunks
    const body = chunks !== undefined ? Buffer.concat(chunks, this.size) : (this.first ?? kEmpty)
    this.release()
    resolve({ statusCode: this.statusCode, headers: this.headers ?? {}, body })
  }

  onError(error: Error): void {
    this.cleanup()
    const reject = this.reject
    this.release()
    reject(mapError(error, this.sent, this.route.node))
  }

  // undici keeps a handler reachable for a while after its last callback; what it holds then (the socket's chunks
  // and, through the resolvers, the settled promise and its body) would live on into the old space and stay there,
  // dead, until a full GC: about 14 MB of a long bulk run's peak RSS.
  release(): void {
    this.first = undefined
    this.chunks = undefined
    this.resolve = ignore
    this.reject = ignore
  }

  onUpgrade(): void {
    this.onError(new Error('unexpected protocol upgrade'))
  }

  tooLarge(): ResponseTooLargeError {
    return new ResponseTooLargeError(
      `the response of ${this.route.node.host} is larger than maxCompressedResponseSize (${this.limit} bytes); raise it or ask for less data`,
      this.limit,
    )
  }

  cleanup(): void {
    this.signal?.removeEventListener('abort', this)
  }
}

type Undici = {
  readonly Pool: typeof Pool
  readonly buildConnector: typeof BuildConnector
  readonly util: { readonly headerNameToString: (value: string | Buffer) => string }
}

// undici takes longer to load than the rest of Stretch together: it is imported when the first request needs a
// socket, so importing the client (a function's cold start) stays fast. A dynamic `import()` and not `require()`
// through `createRequire(import.meta.url)`: bundlers (esbuild, webpack, rollup) follow an `import()` and put
// undici in the bundle, and keep it lazy there too. The module, once loaded, is the same for every connection.
//
// Only the three modules a connection uses, not undici's index: the index loads fetch, WebSocket, EventSource, the
// cache and mock agents and the global dispatcher as well, two thirds of undici's load time and of its bytes in a
// bundle, none of which a Pool that dispatches needs (`pool.dispatch` is Dispatcher's own method; the index adds
// only `request`, `stream` and the like, unused here). The same files the index requires, so the classes are the
// same ones a user of `undici` gets. undici has no `exports` map, so the paths resolve in Node and in every bundler;
// they are internal to undici, though: should a later undici 7 move or reshape one, the index is loaded instead
// (through a specifier bundlers do not follow, so the whole of undici never lands in a bundle beside the three).
// The `as string` keeps TypeScript from asking for declarations of files undici ships without them; esbuild drops
// it and still sees the literal.
// A CommonJS module imported: its `module.exports` is the default export.
type UndiciModule = { readonly default: unknown }
const kUndiciIndex = 'undici'
let undici: Undici | undefined
let loadingUndici: Promise<Undici> | undefined
function loadUndici(): Promise<Undici> {
  loadingUndici ??= Promise.all([
    import('undici/lib/dispatcher/pool.js' as string),
    import('undici/lib/core/connect.js' as string),
    import('undici/lib/core/util.js' as string),
  ])
    .then(
      ([pool, connect, util]: [UndiciModule, UndiciModule, UndiciModule]): Undici | Promise<Undici> => {
        const loaded = {
          Pool: pool.default as Undici['Pool'],
          buildConnector: connect.default as Undici['buildConnector'],
          util: util.default as Undici['util'],
        }
        // The files are there but export something else (a later undici reshaped them): the index, as when moved.
        const usable =
          typeof loaded.Pool === 'function' &&
          typeof loaded.buildConnector === 'function' &&
          typeof loaded.util?.headerNameToString === 'function'
        return usable ? loaded : import(/* webpackIgnore: true */ kUndiciIndex)
      },
      // Any other failure (an ES module bundle without `require`, below) is the one to report.
      (cause: unknown): Promise<Undici> =>
        isModuleNotFound(cause) ? import(/* webpackIgnore: true */ kUndiciIndex) : Promise.reject(cause),
    )
    .then(
      (module) => {
        undici = module
        return module
      },
      (cause: unknown) => {
        throw undiciLoadError(cause)
      },
    )
  return loadingUndici
}

function isModuleNotFound(cause: unknown): boolean {
  const code = (cause as { code?: unknown } | null)?.code
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
}

// What an ES module bundle must start with for undici's CommonJS to find `require` (see undiciLoadError).
const kRequireBanner = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"

function undiciLoadError(cause: unknown): ConfigurationError {
  const message = cause instanceof Error ? cause.message : String(cause)
  // esbuild's ES module output has no `require` for the CommonJS it bundles (undici is CommonJS, and has no ES module
  // build), so undici's own `require('node:net')` throws (evanw/esbuild#1921). Nothing a library does fixes that short
  // of a global `require`: a `require` declared in this module is renamed by esbuild's scope hoisting, and the shim
  // reads the global one. The bundle itself must declare it, at its top: the banner below.
  const hint = message.includes('Dynamic require of')
    ? `an ES module bundle needs a \`require\` for undici, which is CommonJS: bundle as CommonJS (esbuild --format=cjs), or give the bundle one with esbuild's banner, exactly: --banner:js="${kRequireBanner}"`
    : 'install the dependencies of @stretch/connection-undici, or bundle undici with your function'
  return new ConfigurationError(`@stretch/connection-undici cannot load undici (${message}): ${hint}`, { cause })
}

// The connector undici calls for every new socket: it fixes the socket's bound (see ConnectLimits), waits for a slot
// of the socket budget within it, then connects within what is left.
function makeConnector(
  undici: Undici,
  options: UndiciConnectionOptions,
  node: NodeDescription,
  proxy: ProxyTarget | undefined,
  tls: TlsConnectionOptions,
  pin: string | undefined,
  budget: SocketBudget | undefined,
  limits: ConnectLimits,
): Connect {
  const base = makeBaseConnector(undici, options, node, proxy, tls, pin)
  const connect = budget === undefined ? base : budget.wrap(base, node.url.host)
  return (target, callback) => connect(target, callback, limits.bound())
}

// undici's connector, without its own connect timer (`timeout: 0`): `timed` runs one that names the phase and the
// option. It returns the socket it opens.
function undiciConnector(
  undici: Undici,
  options: BuildConnector.BuildOptions,
): (target: ConnectTarget, callback: ConnectCallback) => Socket {
  return undici.buildConnector({ ...options, timeout: 0 }) as never
}

function makeBaseConnector(
  undici: Undici,
  options: UndiciConnectionOptions,
  node: NodeDescription,
  proxy: ProxyTarget | undefined,
  tls: TlsConnectionOptions,
  pin: string | undefined,
): BoundConnect {
  const https = node.url.protocol === 'https:'
  const host = node.url.host
  if (proxy !== undefined && !https) return forwardProxyConnector(undici, proxy, options.lookup)
  if (proxy === undefined) {
    const base = timed(
      undiciConnector(undici, {
        ...(https ? tls : {}),
        ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
        // With a pin, every connection does a full handshake so the whole chain is visible to the check.
        ...(pin === undefined ? {} : { maxCachedSessions: 0 }),
      } as BuildConnector.BuildOptions),
      // DNS and TCP until `connect`; for https the TLS handshake after it.
      (socket) => (socket.connecting || !https ? `connecting to ${host}` : `TLS handshake with ${host}`),
    )
    if (pin === undefined || !https) return base
    return (target, callback, bound) => {
      base(
        target,
        (error, socket) => {
          if (error !== null) {
            callback(error, null)
            return
          }
          const failure = checkPin(socket as TLSSocket, pin, host)
          if (failure !== undefined) {
            ;(socket as Socket).destroy()
            callback(failure, null)
            return
          }
          callback(null, socket)
        },
        bound,
      )
    }
  }
  // https through a proxy: our own CONNECT tunnel, so the CA check and the pin apply end to end and every phase
  // runs under the socket's bound (a tunnel's TLS socket gets no timer from undici).
  return (target, callback, bound) => {
    const servername = tls.servername ?? (target.servername || target.hostname)
    openTunnel(proxy, {
      hostname: target.hostname,
      port: Number(target.port) || 443,
      tls: { ...tls, servername: /^[\d.]+$|:/.test(servername) ? undefined : servername } as TlsConnectionOptions,
      verify: (socket) => (pin === undefined ? undefined : checkPin(socket, pin, host)),
      bound,
      lookup: options.lookup,
    }).then(
      (socket) => callback(null, socket),
      (error: Error) => callback(error, null),
    )
  }
}

// http through a proxy: plain sockets to the proxy, which gets absolute-URI requests (RFC 9112 section 3.2.2), as
// curl and urllib3 send them. Stock proxy policies allow CONNECT to port 443 only, so a tunnel would be refused.
function forwardProxyConnector(undici: Undici, proxy: ProxyTarget, lookup: LookupFunction | undefined): BoundConnect {
  const label = proxy.url.host
  const base = timed(
    undiciConnector(undici, (lookup === undefined ? {} : { lookup }) as BuildConnector.BuildOptions),
    () => `connecting to the proxy at ${label}`,
  )
  return (target, callback, bound) => {
    base(
      target,
      (error, socket) => {
        if (error === null) {
          callback(null, socket)
          return
        }
        if (isTransportError(error)) {
          callback(error, null)
          return
        }
        const code = (error as { code?: string }).code
        callback(
          new ConnectionError(`cannot reach the proxy at ${label} (${code ?? error.message})`, {
            cause: error,
            requestSent: false,
          }),
          null,
        )
      },
      bound,
    )
  }
}

// The option names, as records of the interfaces (an option added there and not here fails the typecheck): a
// misspelt one (`conectTimeout`) is a ConfigurationError, not a silent default.
const kOptionNames: ReadonlySet<string> = new Set(
  Object.keys({
    tls: true,
    connectionsPerNode: true,
    maxConnections: true,
    keepAliveTimeout: true,
    connectTimeout: true,
    lookup: true,
    proxy: true,
  } satisfies Record<keyof UndiciConnectionOptions, true>),
)
const kTlsNames: ReadonlySet<string> = new Set(
  Object.keys({
    ca: true,
    cert: true,
    key: true,
    rejectUnauthorized: true,
    servername: true,
    minVersion: true,
    fingerprint256: true,
  } satisfies Record<keyof TlsOptions, true>),
)

const kAtLeastOne: NumberRule = { integer: true, positive: true }
const kMilliseconds: NumberRule = { positive: true, unit: 'milliseconds' }
const kConnectTimeout = 10_000

class UndiciConnection implements Connection {
  #pool: Pool | undefined
  #closed = false
  #awaitingUndici = false
  // Set with the pool: the label, the forward proxy that http requests go to (as absolute URIs) and the header
  // memo, shared by every request.
  #route: Route | undefined
  readonly #prefix: string
  #label: NodeLabel
  readonly #node: NodeDescription
  readonly #options: UndiciConnectionOptions
  readonly #tls: TlsConnectionOptions
  readonly #pin: string | undefined
  readonly #budget: SocketBudget | undefined
  // The bound of each new socket's set-up: connectTimeout, and the requestTimeout of the request being dispatched.
  readonly #limits: ConnectLimits

  constructor(
    node: NodeDescription,
    options: UndiciConnectionOptions,
    tls: TlsConnectionOptions,
    pin: string | undefined,
    budget: SocketBudget | undefined,
  ) {
    this.#budget = budget
    this.#limits = new ConnectLimits(options.connectTimeout ?? kConnectTimeout)
    this.#label = {
      host: node.url.host,
      origin: node.url.origin,
      https: node.url.protocol === 'https:',
      forwarded: false,
    }
    this.#prefix = node.url.pathname === '/' ? '' : node.url.pathname
    this.#node = node
    this.#options = options
    this.#tls = tls
    this.#pin = pin
  }

  // Created on the first request: constructing a client opens nothing and loads no HTTP stack. Apart from #send,
  // which only reads #pool: a request's path stays small (V8 inlines it and optimizes it sooner).
  #createPool(loaded: Undici): Pool {
    let forward: ProxyTarget | undefined
    const options = this.#options
    const proxy: ProxyTarget | undefined =
      options.proxy === false
        ? undefined
        : options.proxy !== undefined
          ? parseProxy(options.proxy, 'proxy')
          : proxyFromEnv(this.#node.url)
    if (proxy !== undefined && !this.#label.https) {
      forward = proxy
      this.#label = { ...this.#label, forwarded: true }
    }
    const pool = new loaded.Pool(forward?.url.origin ?? this.#node.url.origin, {
      connections: options.connectionsPerNode ?? 128,
      pipelining: 1,
      keepAliveTimeout: options.keepAliveTimeout ?? 30_000,
      keepAliveMaxTimeout: Math.max(options.keepAliveTimeout ?? 30_000, 60_000),
      connect: makeConnector(
        loaded,
        options,
        this.#node,
        proxy,
        this.#tls,
        this.#pin,
        this.#budget,
        this.#limits,
      ) as never,
    })
    this.#route = { node: this.#label, proxy: forward, headers: new HeaderMemo(loaded.util.headerNameToString) }
    this.#pool = pool
    return pool
  }

  request(request: TransportRequest, limits: ResponseLimits): Promise<TransportResponse> {
    if (this.#closed) {
      return Promise.reject(
        new ConnectionError(`the connection to ${this.#label.host} is closed`, { requestSent: false }),
      )
    }
    if (undici !== undefined) return this.#send(request, limits, undici)
    // The first request of the process: undici is still to load. A signal aborted meanwhile is seen by onConnect;
    // a close() meanwhile waits for this request, as for any request in flight.
    this.#awaitingUndici = true
    return loadUndici().then((loaded) => this.#send(request, limits, loaded))
  }

  // Not async, and no closure per request: the collector is the handler and holds the promise's resolvers.
  #send(request: TransportRequest, limits: ResponseLimits, loaded: Undici): Promise<TransportResponse> {
    let pool = this.#pool
    if (pool === undefined) {
      try {
        // First, so that the first request already knows whether it goes to a forward proxy.
        pool = this.#createPool(loaded)
      } catch (error) {
        return Promise.reject(mapError(error, false, this.#label))
      }
    }
    const route = this.#route as Route
    const forward = route.proxy
    const collector = new ResponseCollector(limits.maxCompressedResponseSize, route, request.signal)
    const answer = collector.answer()
    const timeout = request.timeout ?? 0
    const path = this.#prefix === '' ? request.path : this.#prefix + request.path
    // A socket this dispatch opens is set up within this request's timeout (see ConnectLimits).
    this.#limits.requestTimeout = timeout
    try {
      pool.dispatch(
        {
          origin: undefined as never,
          method: request.method,
          path: forward === undefined ? path : this.#node.url.origin + path,
          headers: forward === undefined ? request.headers : this.#forwardHeaders(request.headers, forward),
          // the transport's stream bodies are node:stream Readables on Node; its type describes them structurally
          body: (request.body ?? null) as string | Uint8Array | Readable | null,
          headersTimeout: timeout,
          bodyTimeout: timeout,
        },
        collector as never,
      )
    } catch (error) {
      collector.onError(error as Error)
    }
    return answer
  }

  // The Host is the node's, not the proxy's; a `proxy-authorization` the caller set wins.
  #forwardHeaders(headers: TransportRequest['headers'], proxy: ProxyTarget): Record<string, string> {
    const out: Record<string, string> = { ...headers, host: this.#node.url.host }
    if (proxy.authorization !== undefined && out['proxy-authorization'] === undefined) {
      out['proxy-authorization'] = proxy.authorization
    }
    return out
  }

  close(): Promise<void> {
    this.#closed = true
    if (this.#pool !== undefined) return this.#pool.close()
    // Requests that wait for undici are dispatched first (their callbacks were registered before this one).
    if (this.#awaitingUndici && loadingUndici !== undefined) {
      return loadingUndici.then(
        () => this.#pool?.close(),
        () => undefined,
      )
    }
    return Promise.resolve()
  }
}

/**
 * Creates the Node.js connection factory: one undici `Pool` per node, keep-alive, TLS (CA, client certificate,
 * fingerprint pin checked before any byte of HTTP), custom DNS lookup, and HTTP proxies (CONNECT tunnels for https
 * nodes, absolute-URI requests for http nodes).
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
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('undiciConnection: options must be an object, such as { connectTimeout: 5000 }')
  }
  checkOptionNames('undiciConnection', options, kOptionNames)
  if (options.tls !== undefined) checkOptionNames('undiciConnection `tls`', options.tls, kTlsNames)
  checkNumber('connectionsPerNode', options.connectionsPerNode, kAtLeastOne)
  checkNumber('connectTimeout', options.connectTimeout, kMilliseconds)
  checkNumber('keepAliveTimeout', options.keepAliveTimeout, kMilliseconds)
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
      : new SocketBudget(checkNumber('maxConnections', options.maxConnections, kAtLeastOne))
  return (node) => new UndiciConnection(node, options, tls, pin, budget)
}
