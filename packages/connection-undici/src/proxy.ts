import { request as httpRequest } from 'node:http'
import type { Socket } from 'node:net'
import { ConfigurationError, ConnectionError, isLoopbackHost } from '@stretch/transport'

/** @internal */
export interface ProxyTarget {
  readonly url: URL
  readonly authorization: string | undefined
}

/** Validates a proxy URL; only `http:` proxies (CONNECT tunnels) are supported. @internal */
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

/** Opens a CONNECT tunnel to `host:port` through the proxy. @internal */
export function openTunnel(proxy: ProxyTarget, host: string, port: number, timeout: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`
    const headers: Record<string, string> = { host: authority }
    if (proxy.authorization !== undefined) headers['proxy-authorization'] = proxy.authorization
    const req = httpRequest({
      host: proxy.url.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.url.port === '' ? 80 : Number(proxy.url.port),
      method: 'CONNECT',
      path: authority,
      headers,
      timeout,
    })
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) {
        resolve(socket)
      } else {
        socket.destroy()
        reject(
          new ConnectionError(
            `the proxy ${proxy.url.host} refused the tunnel to ${authority} with status ${res.statusCode}`,
          ),
        )
      }
    })
    req.once('timeout', () => req.destroy(new Error('proxy connect timeout')))
    req.once('error', (cause) =>
      reject(
        new ConnectionError(`cannot open a tunnel through the proxy ${proxy.url.host}: ${cause.message}`, { cause }),
      ),
    )
    req.end()
  })
}
