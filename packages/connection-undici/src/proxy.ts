import type { LookupFunction, Socket } from 'node:net'
import type { TLSSocket, ConnectionOptions as TlsConnectionOptions } from 'node:tls'
import { ConfigurationError, ConnectionError, isLoopbackHost, type TlsError } from '@stretch/transport'
import { type ConnectBound, connectExpired, limitText, remaining } from './connect-limit.js'

/** @internal */
export interface ProxyTarget {
  /** The proxy URL without its userinfo: safe to print. */
  readonly url: URL
  /** The `proxy-authorization` value from the URL's userinfo; never printed. */
  readonly authorization: string | undefined
}

/** Validates a proxy URL; only `http:` proxies are supported. Its userinfo becomes `authorization`. @internal */
export function parseProxy(value: string | URL, option: string): ProxyTarget {
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    throw new ConfigurationError(`${option}: not a valid URL; give one such as 'http://proxy.internal:3128'`)
  }
  if (url.protocol !== 'http:') {
    throw new ConfigurationError(`${option}: only http: proxies are supported (CONNECT tunnels); got '${url.protocol}'`)
  }
  let authorization: string | undefined
  if (url.username !== '' || url.password !== '') {
    const user = decodeURIComponent(url.username)
    const pass = decodeURIComponent(url.password)
    authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
    url.username = ''
    url.password = ''
  }
  return { url, authorization }
}

/**
 * The proxy for a target from HTTPS_PROXY / HTTP_PROXY and NO_PROXY. Loopback targets never use an environment
 * proxy.
 * @internal
 */
export function proxyFromEnv(target: URL, env: NodeJS.ProcessEnv = process.env): ProxyTarget | undefined {
  if (isLoopbackHost(target.hostname)) return undefined
  const host = target.hostname.replace(/^\[|\]$/g, '')
  const raw =
    target.protocol === 'https:' ? (env['HTTPS_PROXY'] ?? env['https_proxy']) : (env['HTTP_PROXY'] ?? env['http_proxy'])
  if (raw === undefined || raw === '') return undefined
  const noProxy = (env['NO_PROXY'] ?? env['no_proxy'] ?? '').split(/[\s,]+/).filter(Boolean)
  for (const entry of noProxy) {
    if (entry === '*') return undefined
    const [name, port] = entry.split(':')
    if (port !== undefined && port !== (target.port || (target.protocol === 'https:' ? '443' : '80'))) continue
    const bare = (name ?? '').replace(/^\*?\./, '')
    if (host === bare || host.endsWith(`.${bare}`)) return undefined
  }
  return parseProxy(raw, target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY')
}

/**
 * The error for a 407 from the proxy: a configuration problem, so the transport neither retries it nor marks the
 * node dead. It never shows the credentials.
 * @internal
 */
export function proxyAuthError(proxy: ProxyTarget): ConfigurationError {
  return new ConfigurationError(
    proxy.authorization === undefined
      ? `the proxy at ${proxy.url.host} wants credentials (407): put them in the proxy URL, http://user:password@host:port`
      : `the proxy at ${proxy.url.host} refused the credentials in the proxy URL (407): check the user and password in it`,
  )
}

/** Where a tunnel goes, and how TLS runs over it. @internal */
export interface TunnelTarget {
  readonly hostname: string
  readonly port: number
  /** TLS options for the end-to-end handshake (servername already resolved). */
  readonly tls: TlsConnectionOptions
  /** Checks the server's certificate once the handshake is done (the fingerprint pin). */
  readonly verify: (socket: TLSSocket) => TlsError | undefined
  /** The time for all of it: TCP to the proxy, the CONNECT answer and the TLS handshake. */
  readonly bound: ConnectBound
  /** Resolves the proxy's name (the proxy resolves the node's). */
  readonly lookup: LookupFunction | undefined
}

// A CONNECT answer head larger than this is not a proxy talking.
const kMaxHead = 16 * 1024

/**
 * Opens a TLS connection to an https node through a CONNECT tunnel: TCP to the proxy, `CONNECT host:port`, then the
 * TLS handshake with the node over the tunnel, so CA checks and the pin apply end to end. One bound covers the
 * three phases, and an error names the phase that failed and the option the bound came from. A TLS error of the handshake itself is passed on as Node
 * raised it, for the connection to explain as it does without a proxy.
 * @internal
 */
export function openTunnel(proxy: ProxyTarget, target: TunnelTarget): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const authority = `${target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname}:${target.port}`
    const node = authority
    const proxyHost = proxy.url.host
    let phase: 'connect' | 'answer' | 'tls' = 'connect'
    let tls: TLSSocket | undefined
    let settled = false
    const fail = (error: Error): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      // Once TLS wraps the socket, only the TLS socket may destroy it: destroying the wrapped socket under a live
      // TLSWrap crashes Node (a segfault seen here on Node 20).
      if (tls === undefined) raw.destroy()
      else tls.destroy()
      reject(error)
    }
    const bound = target.bound
    const timer = setTimeout(() => {
      const after = limitText(bound)
      fail(
        connectExpired(
          bound,
          phase === 'connect'
            ? `connecting to the proxy at ${proxyHost} timed out after ${after}`
            : phase === 'answer'
              ? `the proxy at ${proxyHost} did not answer the CONNECT to ${authority} within ${after}`
              : `TLS handshake with ${node} through the proxy at ${proxyHost} timed out after ${after}`,
        ),
      )
    }, remaining(bound))

    // Through `getBuiltinModule`, not an `import` of node:net: see readFile in tls.ts.
    const raw: Socket = process.getBuiltinModule('node:net').connect({
      host: proxy.url.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.url.port === '' ? 80 : Number(proxy.url.port),
      ...(target.lookup === undefined ? {} : { lookup: target.lookup }),
    })
    // As undici's own connector sets them on its sockets.
    raw.setNoDelay(true)
    raw.setKeepAlive(true, 60_000)
    raw.once('connect', () => {
      phase = 'answer'
      const auth = proxy.authorization === undefined ? '' : `proxy-authorization: ${proxy.authorization}\r\n`
      raw.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n${auth}\r\n`)
    })
    raw.on('error', (cause: Error & { code?: string }) => {
      if (phase === 'tls') return // the TLS socket reports it
      const what = cause.code ?? cause.message
      fail(
        new ConnectionError(
          phase === 'connect'
            ? `cannot reach the proxy at ${proxyHost} (${what})`
            : `the proxy at ${proxyHost} broke the connection before answering the CONNECT to ${authority} (${what})`,
          { cause, requestSent: false },
        ),
      )
    })
    raw.on('end', () => {
      if (phase === 'answer') {
        fail(
          new ConnectionError(
            `the proxy at ${proxyHost} closed the connection without answering the CONNECT to ${authority}`,
            { requestSent: false },
          ),
        )
      }
    })

    let head = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end === -1) {
        if (head.length > kMaxHead) {
          fail(
            new ConnectionError(`the proxy at ${proxyHost} sent no valid answer to the CONNECT`, {
              requestSent: false,
            }),
          )
        }
        return
      }
      raw.off('data', onData)
      raw.pause()
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'))?.[1] ?? 0)
      if (status === 407) {
        fail(proxyAuthError(proxy))
        return
      }
      if (status < 200 || status > 299) {
        fail(
          new ConnectionError(
            status === 0
              ? `the proxy at ${proxyHost} sent no valid answer to the CONNECT to ${authority}`
              : `the proxy at ${proxyHost} refused the tunnel to ${authority} with status ${status}${
                  status === 403 ? ' (proxies often allow CONNECT to port 443 only)' : ''
                }`,
            { requestSent: false },
          ),
        )
        return
      }
      // The node speaks only after our ClientHello, so nothing follows the head; keep it anyway if a proxy sends it.
      const rest = head.subarray(end + 4)
      if (rest.length > 0) raw.unshift(rest)
      phase = 'tls'
      tls = process.getBuiltinModule('node:tls').connect({ ...target.tls, socket: raw })
      tls.once('secureConnect', () => {
        if (settled) return
        const failure = target.verify(tls as TLSSocket)
        if (failure !== undefined) {
          fail(failure)
          return
        }
        settled = true
        clearTimeout(timer)
        resolve(tls as TLSSocket)
      })
      tls.once('error', fail)
    }
    raw.on('data', onData)
  })
}
