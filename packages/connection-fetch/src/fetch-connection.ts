import {
  ConfigurationError,
  type Connection,
  ConnectionError,
  type ConnectionFactory,
  type NodeDescription,
  RequestAbortedError,
  type ResponseLimits,
  TimeoutError,
  TlsError,
  type TransportRequest,
  type TransportResponse,
} from '@stretch/transport'
import { bodyBytes, readLimited, tooLarge } from './body.js'
import { codesOf, mapFetchError, messagesOf } from './errors.js'
import { basicAuthorization, isProxyAuthFailure, type ProxySetting, planProxy, proxyAuthError } from './proxy.js'
import { detectRuntime, type FetchRuntime, runtimeNames } from './runtime.js'
import { type FetchTlsOptions, planTls, type TlsPlan } from './tls.js'

/**
 * Options of {@link fetchConnection}.
 * @public
 */
export interface FetchConnectionOptions {
  /** TLS settings for https nodes; what each runtime honours is in {@link FetchTlsOptions}. */
  readonly tls?: FetchTlsOptions | undefined
  /** The `fetch` to call. Default: the global `fetch`, looked up when the factory is created. */
  readonly fetch?: typeof fetch | undefined
  /** The runtime whose TLS rules and error shapes apply. Default: detected (Deno, Bun, workerd, Node, else browser). */
  readonly runtime?: FetchRuntime | undefined
  /**
   * A forward proxy for every request: an `http:` URL, its userinfo sent to the proxy as `proxy-authorization`.
   * Requests to `http:` nodes go to it as absolute-URI requests, requests to `https:` nodes through a CONNECT
   * tunnel with TLS (and the `tls.ca` check) end to end. Deno (`Deno.createHttpClient({ proxy })`) and Bun (fetch's
   * `proxy`) only; `false` connects directly despite `HTTP_PROXY`/`HTTPS_PROXY`, on Bun only (Deno's fetch always
   * honours them: use `NO_PROXY`). Default: the runtime's own handling of `HTTP_PROXY`, `HTTPS_PROXY` and
   * `NO_PROXY` (Deno and Bun apply them, loopback nodes included).
   */
  readonly proxy?: string | URL | false | undefined
}

// `fetch` decodes these content codings (RFC 9110 section 8.4.1) on every runtime and leaves the header in place.
const kDecodedCodings = new Set(['gzip', 'x-gzip', 'deflate', 'br'])

// Headers a browser sets itself: Chromium drops them silently, other browsers send them and then a CORS preflight
// asks the server to allow them.
const kBrowserOwned = new Set(['user-agent', 'accept-encoding', 'content-length', 'host', 'connection'])

interface DenoHttpClient {
  close(): void
}
interface DenoGlobal {
  createHttpClient(options: {
    caCerts?: string[]
    cert?: string
    key?: string
    proxy?: { url: string; basicAuth?: { username: string; password: string } }
  }): DenoHttpClient
}

interface PeerCertificate {
  readonly fingerprint256?: string
}

type Extra = Record<string, unknown>

function responseHeaders(headers: globalThis.Headers): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  headers.forEach((value, name) => {
    out[name] = value
  })
  const cookies = (headers as { getSetCookie?: () => string[] }).getSetCookie?.()
  if (cookies !== undefined && cookies.length > 1) out['set-cookie'] = cookies
  const coding = out['content-encoding']
  if (typeof coding === 'string') {
    const codings = coding.split(',').map((c) => c.trim().toLowerCase())
    if (codings.every((c) => kDecodedCodings.has(c))) {
      // The body fetch hands out is already decoded: a header that still claims gzip would make the transport
      // inflate it a second time. The length was the encoded one.
      delete out['content-encoding']
      delete out['content-length']
    }
  }
  return out
}

class FetchConnection implements Connection {
  readonly #node: NodeDescription
  readonly #host: string
  readonly #base: string
  readonly #runtime: FetchRuntime
  readonly #fetch: typeof fetch
  readonly #tls: TlsPlan
  readonly #proxy: ProxySetting
  #denoClient: DenoHttpClient | undefined
  #closed = false
  #inFlight = 0
  #idle: (() => void) | undefined

  constructor(node: NodeDescription, runtime: FetchRuntime, fetchFn: typeof fetch, tls: TlsPlan, proxy: ProxySetting) {
    this.#node = node
    this.#host = node.url.host
    const path = node.url.pathname === '/' ? '' : node.url.pathname.replace(/\/$/, '')
    this.#base = node.url.origin + path
    this.#runtime = runtime
    this.#fetch = fetchFn
    this.#tls = tls
    this.#proxy = proxy
  }

  // What the runtime's fetch gets besides the standard init: Deno a client with the CA and the proxy, Bun its `tls`
  // and `proxy` options.
  #extra(): Extra {
    const tls = this.#tls
    const proxy = this.#proxy
    const https = this.#node.url.protocol === 'https:'
    const denoTls = https && (tls.ca !== undefined || tls.cert !== undefined)
    if (this.#runtime === 'deno' && (denoTls || proxy)) {
      if (this.#denoClient === undefined) {
        const deno = (globalThis as { Deno?: DenoGlobal }).Deno
        if (typeof deno?.createHttpClient !== 'function') {
          throw new ConfigurationError(
            "runtime 'deno': Deno.createHttpClient is missing, so tls.ca cannot be honoured; run on Deno or leave out the runtime option",
          )
        }
        this.#denoClient = deno.createHttpClient({
          ...(!https || tls.ca === undefined ? {} : { caCerts: [...tls.ca] }),
          ...(!https || tls.cert === undefined || tls.key === undefined ? {} : { cert: tls.cert, key: tls.key }),
          ...(proxy
            ? {
                proxy: {
                  url: proxy.url.href,
                  ...(proxy.credentials === undefined ? {} : { basicAuth: { ...proxy.credentials } }),
                },
              }
            : {}),
        })
      }
      return { client: this.#denoClient }
    }
    if (this.#runtime === 'bun') {
      const extra: Extra = {}
      if (proxy === false) extra['proxy'] = false
      else if (proxy !== undefined) {
        extra['proxy'] = {
          url: proxy.url.href,
          headers:
            proxy.credentials === undefined ? {} : { 'proxy-authorization': basicAuthorization(proxy.credentials) },
        }
      }
      if (!https) return extra
      const options: Extra = {}
      if (tls.ca !== undefined) options['ca'] = [...tls.ca]
      if (tls.cert !== undefined) options['cert'] = tls.cert
      if (tls.key !== undefined) options['key'] = tls.key
      if (!tls.rejectUnauthorized) options['rejectUnauthorized'] = false
      const pin = tls.pin
      if (pin !== undefined) {
        const host = this.#host
        // Bun calls this after its own chain and name checks passed, with the leaf only.
        options['checkServerIdentity'] = (_hostname: string, cert: PeerCertificate): Error | undefined => {
          const seen = cert.fingerprint256?.toUpperCase()
          if (seen === pin) return undefined
          return new TlsError(
            `the certificate of ${host} does not match sslAssertFingerprint (expected ${pin}, got ${seen ?? 'none'}); on Bun the pin must be the leaf certificate's`,
          )
        }
      }
      if (Object.keys(options).length > 0) extra['tls'] = options
      return extra
    }
    return {}
  }

  #headers(request: TransportRequest): Record<string, string> {
    if (this.#runtime !== 'browser') return { ...request.headers }
    const out: Record<string, string> = {}
    for (const name of Object.keys(request.headers)) {
      if (!kBrowserOwned.has(name)) out[name] = request.headers[name] as string
    }
    return out
  }

  async request(request: TransportRequest, limits: ResponseLimits): Promise<TransportResponse> {
    if (this.#closed) {
      throw new ConnectionError(`the connection to ${this.#host} is closed`, { requestSent: false })
    }
    this.#inFlight += 1
    try {
      return await this.#send(request, limits)
    } finally {
      this.#inFlight -= 1
      if (this.#inFlight === 0) this.#idle?.()
    }
  }

  async #send(request: TransportRequest, limits: ResponseLimits): Promise<TransportResponse> {
    const host = this.#host
    const signal = request.signal
    if (signal?.aborted)
      throw new RequestAbortedError('the request was aborted by its signal', { cause: signal.reason })
    const controller = new AbortController()
    let why: 'timeout' | 'abort' | undefined
    const onAbort = (): void => {
      why ??= 'abort'
      controller.abort(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    const timeout = request.timeout
    const timer =
      timeout === undefined
        ? undefined
        : setTimeout(() => {
            why ??= 'timeout'
            controller.abort(new Error('requestTimeout'))
          }, timeout)
    let answered = false
    try {
      const body = await bodyBytes(request.body)
      const init: Extra = {
        method: request.method,
        headers: this.#headers(request),
        signal: controller.signal,
        // Elasticsearch does not redirect; a redirect is an answer to show, not to follow with the credentials.
        redirect: this.#runtime === 'browser' ? 'follow' : 'manual',
        ...this.#extra(),
      }
      if (body !== undefined) init['body'] = body
      const response = await this.#fetch(this.#base + request.path, init as RequestInit)
      answered = true
      // Through a forward proxy a 407 is the proxy's, never the node's: a configuration error, not an answer.
      if (response.status === 407 && this.#proxy) {
        response.body?.cancel().catch(() => undefined)
        throw proxyAuthError(this.#proxy)
      }
      const headers = responseHeaders(response.headers)
      const length = headers['content-length']
      if (typeof length === 'string' && Number(length) > limits.maxCompressedResponseSize) {
        response.body?.cancel().catch(() => undefined)
        throw tooLarge(host, limits.maxCompressedResponseSize)
      }
      const bytes =
        request.method === 'HEAD'
          ? new Uint8Array(0)
          : await readLimited(response.body, limits.maxCompressedResponseSize, host)
      return { statusCode: response.status, headers, body: bytes }
    } catch (error) {
      if (why === 'timeout') {
        throw new TimeoutError(`no answer from ${host} within requestTimeout (${timeout} ms)`, { cause: error })
      }
      if (why === 'abort') {
        throw new RequestAbortedError('the request was aborted by its signal', { cause: signal?.reason })
      }
      const proxy = this.#proxy
      if (proxy && !answered && isProxyAuthFailure(codesOf(error), messagesOf(error).join(': '))) {
        throw proxyAuthError(proxy)
      }
      throw mapFetchError(error, this.#runtime, host, answered, proxy ? proxy.url.host : undefined)
    } finally {
      if (timer !== undefined) clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#idle = resolve))
    this.#denoClient?.close()
    this.#denoClient = undefined
  }
}

/**
 * Creates a connection factory over the global `fetch`, for workerd (Cloudflare Workers, Vercel's and Netlify's
 * edge functions), Deno, Bun, browsers and Node.js. Request bodies go out as bytes (a stream is collected first),
 * answers that `fetch` already decompressed are handed on without their `content-encoding`, `requestTimeout` and
 * the caller's signal abort the fetch, `maxCompressedResponseSize` stops the read, and failures become the
 * transport's typed errors. TLS and proxy options are checked against the runtime here: what it cannot honour
 * throws.
 *
 * @param options - TLS, a proxy, the `fetch` to use and the runtime (default: detected).
 * @returns a factory for the `connection` option of the transport or the client.
 * @throws `ConfigurationError` for an option the runtime cannot honour, naming the runtime and the alternative.
 * @example
 * ```ts
 * import { Transport } from '@stretch/transport'
 * import { fetchConnection } from '@stretch/connection-fetch'
 *
 * const transport = new Transport({
 *   nodes: ['https://localhost:9200'],
 *   connection: fetchConnection({ tls: { ca: await Deno.readTextFile('http_ca.crt') } }),
 * })
 * ```
 * @public
 */
export function fetchConnection(options: FetchConnectionOptions = {}): ConnectionFactory {
  const runtime = options.runtime ?? detectRuntime()
  if (!(runtime in runtimeNames)) {
    throw new ConfigurationError(
      `runtime: '${String(runtime)}' is not one of 'node', 'deno', 'bun', 'workerd', 'browser'; leave it out to detect it`,
    )
  }
  const tls = planTls(options.tls, runtime)
  const proxy = planProxy(options.proxy, runtime)
  let fetchFn = options.fetch
  if (fetchFn === undefined) {
    if (typeof globalThis.fetch !== 'function') {
      throw new ConfigurationError(`fetch: ${runtimeNames[runtime]} has no global fetch; pass one as the fetch option`)
    }
    // Called through globalThis: a browser's fetch throws `Illegal invocation` when called as another object's method.
    fetchFn = (input, init) => globalThis.fetch(input, init)
  } else if (typeof fetchFn !== 'function') {
    throw new ConfigurationError('fetch: must be a function with the signature of the global fetch')
  }
  const f = fetchFn
  return (node) => new FetchConnection(node, runtime, f, tls, proxy)
}
