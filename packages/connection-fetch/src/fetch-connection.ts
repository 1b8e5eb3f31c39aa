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
import { mapFetchError } from './errors.js'
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
  createHttpClient(options: { caCerts?: string[]; cert?: string; key?: string }): DenoHttpClient
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
  #denoClient: DenoHttpClient | undefined
  #closed = false
  #inFlight = 0
  #idle: (() => void) | undefined

  constructor(node: NodeDescription, runtime: FetchRuntime, fetchFn: typeof fetch, tls: TlsPlan) {
    this.#node = node
    this.#host = node.url.host
    const path = node.url.pathname === '/' ? '' : node.url.pathname.replace(/\/$/, '')
    this.#base = node.url.origin + path
    this.#runtime = runtime
    this.#fetch = fetchFn
    this.#tls = tls
  }

  // What the runtime's fetch gets besides the standard init: Deno a client with the CA, Bun its `tls` option.
  #extra(): Extra {
    const tls = this.#tls
    const https = this.#node.url.protocol === 'https:'
    if (!https) return {}
    if (this.#runtime === 'deno' && (tls.ca !== undefined || tls.cert !== undefined)) {
      if (this.#denoClient === undefined) {
        const deno = (globalThis as { Deno?: DenoGlobal }).Deno
        if (typeof deno?.createHttpClient !== 'function') {
          throw new ConfigurationError(
            "runtime 'deno': Deno.createHttpClient is missing, so tls.ca cannot be honoured; run on Deno or leave out the runtime option",
          )
        }
        this.#denoClient = deno.createHttpClient({
          ...(tls.ca === undefined ? {} : { caCerts: [...tls.ca] }),
          ...(tls.cert === undefined || tls.key === undefined ? {} : { cert: tls.cert, key: tls.key }),
        })
      }
      return { client: this.#denoClient }
    }
    if (this.#runtime === 'bun') {
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
      return Object.keys(options).length === 0 ? {} : { tls: options }
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
      throw mapFetchError(error, this.#runtime, host, answered)
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
 * transport's typed errors. TLS options are checked against the runtime here: what it cannot honour throws.
 *
 * @param options - TLS, the `fetch` to use and the runtime (default: detected).
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
  return (node) => new FetchConnection(node, runtime, f, tls)
}
