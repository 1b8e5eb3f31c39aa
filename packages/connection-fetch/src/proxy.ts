import { ConfigurationError, encodeBase64 } from '@stretch/transport'
import { type FetchRuntime, where } from './runtime.js'

/**
 * A forward proxy, checked at construction: the URL without its userinfo, and the credentials apart from it (they
 * are sent to the proxy only, and never shown in an error).
 * @internal
 */
export interface ProxyPlan {
  /** The proxy's URL without userinfo. */
  readonly url: URL
  /** The decoded user and password of the proxy URL, when it had any. */
  readonly credentials: { readonly username: string; readonly password: string } | undefined
}

/**
 * What the connection does about proxies: `undefined` leaves it to the runtime (Deno and Bun honour
 * `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY`), `false` connects directly (Bun only), a plan sends every request through
 * that proxy.
 * @internal
 */
export type ProxySetting = ProxyPlan | false | undefined

const kNoProxy: Record<'node' | 'workerd' | 'browser', string> = {
  node: "Node's fetch takes no proxy: use undiciConnection() of @stretch/connection-undici (the default connection on Node), which takes proxy and HTTP(S)_PROXY",
  workerd:
    "a Worker's fetch cannot go through a forward proxy: call the cluster directly, or put a reverse proxy with a public address in front of it",
  browser:
    "a page's fetch goes through the browser's own proxy settings and takes none of its own: configure the proxy in the browser or the system",
}

/**
 * Validates the `proxy` option for one runtime.
 * @internal
 */
export function planProxy(value: string | URL | false | undefined, runtime: FetchRuntime): ProxySetting {
  if (value === undefined) return undefined
  if (runtime === 'node' || runtime === 'workerd' || runtime === 'browser') {
    throw new ConfigurationError(`proxy cannot be honoured ${where(runtime)}: ${kNoProxy[runtime]}`)
  }
  if (value === false) {
    if (runtime === 'deno') {
      throw new ConfigurationError(
        `proxy: false cannot be honoured ${where(runtime)}: Deno's fetch always honours HTTP_PROXY, HTTPS_PROXY and NO_PROXY; leave proxy out and list the cluster's hosts in NO_PROXY, or unset HTTP(S)_PROXY for the process`,
      )
    }
    return false
  }
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw new ConfigurationError("proxy: expected a URL such as 'http://proxy.internal:3128', or false")
  }
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    throw new ConfigurationError("proxy: not a valid URL; give one such as 'http://proxy.internal:3128'")
  }
  if (url.protocol !== 'http:') {
    throw new ConfigurationError(
      `proxy: only http: proxies are supported (https nodes go through a CONNECT tunnel, TLS end to end); got '${url.protocol}'`,
    )
  }
  let credentials: ProxyPlan['credentials']
  if (url.username !== '' || url.password !== '') {
    credentials = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
    url.username = ''
    url.password = ''
  }
  return { url, credentials }
}

/** `Basic <base64 of user:password>`, the UTF-8 bytes encoded. @internal */
export function basicAuthorization(credentials: NonNullable<ProxyPlan['credentials']>): string {
  return `Basic ${encodeBase64(`${credentials.username}:${credentials.password}`)}`
}

/**
 * The error for a 407 from the proxy: a configuration problem, so the transport neither retries it nor marks the
 * node dead. It never shows the credentials.
 * @internal
 */
export function proxyAuthError(proxy: ProxyPlan): ConfigurationError {
  return new ConfigurationError(
    proxy.credentials === undefined
      ? `the proxy at ${proxy.url.host} wants credentials (407): put them in the proxy URL, http://user:password@host:port`
      : `the proxy at ${proxy.url.host} refused the credentials in the proxy URL (407): check the user and password in it`,
  )
}

/**
 * True when a failed fetch is the proxy refusing the credentials of a CONNECT: Deno says `proxy authentication
 * required`, Bun `ERR_PROXY_TUNNEL` with the 407 status line.
 * @internal
 */
export function isProxyAuthFailure(codes: readonly string[], text: string): boolean {
  return /proxy authentication required/i.test(text) || (codes.includes('ERR_PROXY_TUNNEL') && /\b407\b/.test(text))
}
