import type { ApiKeyAuthOptions } from '@stretch/auth-api-key'
import type { BasicAuthOptions } from '@stretch/auth-basic'
import type { SniffedNode } from '@stretch/pool-sniffing'
import type { ConnectionFactory, Middleware, NodeOptions, NodeSelector, RequestHook } from '@stretch/transport'

/**
 * The options Node passes to a `lookup` function (`dns.LookupOptions`).
 * @public
 */
export interface LookupOptions {
  /** 4, 6, `'IPv4'` or `'IPv6'`; 0 or absent for either. */
  readonly family?: number | 'IPv4' | 'IPv6' | undefined
  /** `getaddrinfo` flags. */
  readonly hints?: number | undefined
  /** Answer every address (an array) rather than the first. */
  readonly all?: boolean | undefined
  /** The order of IPv4 and IPv6 answers. */
  readonly order?: 'ipv4first' | 'ipv6first' | 'verbatim' | undefined
  /** Keep the resolver's order. */
  readonly verbatim?: boolean | undefined
}

/**
 * One address of a `lookup` answer (`dns.LookupAddress`).
 * @public
 */
export interface LookupAddress {
  /** The IP address. */
  readonly address: string
  /** 4 or 6. */
  readonly family: number
}

/**
 * A DNS lookup function with the shape of Node's `dns.lookup` (`net.LookupFunction`), written out so that the
 * client's declarations need no `@types/node` (a browser project type-checks against them); `dns.lookup` is one.
 * @example
 * ```ts
 * const lookup: LookupFunction = (hostname, options, callback) =>
 *   options.all === true ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4)
 * ```
 * @public
 */
export type LookupFunction = (
  hostname: string,
  options: LookupOptions,
  callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
) => void

/**
 * A node: a URL, or a URL with metadata that custom selectors can use.
 * @public
 */
export type NodeInput = string | URL | NodeOptions

/**
 * A bearer token, or an async provider of one (called lazily, refreshed once after a 401).
 * @public
 */
export type BearerAuthInput = string | (() => Promise<string>)

/**
 * Credentials, one scheme at a time. Given to the constructor or to `client.options()`.
 * @public
 */
export interface AuthOptions {
  /** HTTP Basic: `['elastic', password]` or `{ username, password }`. */
  readonly basicAuth?: BasicAuthOptions | undefined
  /** HTTP Bearer: a token (service-account or token API) or an async provider. */
  readonly bearerAuth?: BearerAuthInput | undefined
  /** An API key: the `encoded` value of the create-API-key API, `[id, apiKey]` or `{ id, apiKey }`. */
  readonly apiKey?: ApiKeyAuthOptions | undefined
  /** Any credential middleware, for custom schemes. */
  readonly auth?: Middleware | undefined
}

/**
 * Options of one call, or of `client.options()`: they override the client's.
 * @public
 */
export interface PerRequestOptions extends AuthOptions {
  /** Extra headers. An `authorization` header cannot be combined with an auth option. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Sent as `x-opaque-id`. */
  readonly opaqueId?: string | undefined
  /** Milliseconds per attempt; `null` waits forever. */
  readonly requestTimeout?: number | null | undefined
  /** Retries after the first attempt. */
  readonly maxRetries?: number | undefined
  /** Statuses retried on another node. */
  readonly retryOnStatus?: readonly number[] | undefined
  /** Also retry requests that may have reached the server. */
  readonly retryOnTimeout?: boolean | undefined
  /** Error statuses that resolve instead of throwing. */
  readonly ignore?: readonly number[] | undefined
}

/**
 * Options of `new Client()`: camelCase of the Python client's names. Exactly one of `cloudId`, `node`, `nodes`.
 * @public
 */
export interface ClientOptions extends PerRequestOptions {
  /** The Cloud ID of an Elastic Cloud deployment. Turns on https and `httpCompress`; refuses sniffing. */
  readonly cloudId?: string | undefined
  /** One node. URL userinfo becomes basic auth for that node. */
  readonly node?: NodeInput | undefined
  /** Several nodes. */
  readonly nodes?: readonly NodeInput[] | undefined

  /**
   * Trusted CA certificates: PEM text, bytes, or a list; on Node also a file path (such as
   * `config/certs/http_ca.crt`). On Deno and Bun the fetch connection passes them to `fetch`; workerd and browsers
   * trust only the platform's store and refuse this option.
   */
  readonly caCerts?: string | Uint8Array | readonly (string | Uint8Array)[] | undefined
  /**
   * The SHA-256 fingerprint of a certificate of the server's chain (colons and case ignored), as Elasticsearch
   * prints it at first start. It is the trust anchor: checked on every connection before anything is sent.
   */
  readonly sslAssertFingerprint?: string | undefined
  /** `false` skips certificate verification (with one warning). Default true. */
  readonly verifyCerts?: boolean | undefined
  /** A client certificate for mutual TLS (PEM; on Node also a file path). */
  readonly clientCert?: string | Uint8Array | undefined
  /** The client certificate's key (PEM; on Node also a file path). */
  readonly clientKey?: string | Uint8Array | undefined
  /** Allow credentials over `http:` to a host other than loopback. Default false. */
  readonly allowInsecureTransport?: boolean | undefined

  /** `'round-robin'` (default), `'random'`, or a selector function or object. */
  readonly nodeSelector?: 'round-robin' | 'random' | NodeSelector | undefined
  /** Discover the cluster's nodes before the first request. */
  readonly sniffOnStart?: boolean | undefined
  /** Rediscover when a request starts and this many milliseconds passed since the last discovery. */
  readonly sniffInterval?: number | false | undefined
  /** Rediscover when a node fails. */
  readonly sniffOnNodeFailure?: boolean | undefined
  /** Milliseconds a discovery request may take. */
  readonly sniffTimeout?: number | undefined
  /** Which discovered nodes get traffic (default: all but master-only nodes). */
  readonly nodeFilter?: ((node: SniffedNode) => boolean) | undefined
  /** The discovery path. Default `/_nodes/_all/http`. */
  readonly sniffEndpoint?: string | undefined

  /** Gzip request bodies and ask for gzip responses. Default false (true with `cloudId`). */
  readonly httpCompress?: boolean | undefined
  /** Largest decoded response in bytes; a bigger one (a gzip bomb) fails with `ResponseTooLargeError`. */
  readonly maxResponseSize?: number | undefined
  /** Largest response on the wire in bytes. */
  readonly maxCompressedResponseSize?: number | undefined
  /** First retry backoff in milliseconds (full jitter). Default 100. */
  readonly retryBackoff?: number | undefined
  /** Longest retry backoff in milliseconds. Default 4 000. */
  readonly maxRetryBackoff?: number | undefined
  /** Longest `Retry-After` honoured in milliseconds; longer ends the retries. Default 30 000. */
  readonly maxRetryAfter?: number | undefined
  /** First rest of a failed node in milliseconds. Default 1 000. */
  readonly deadNodeBackoff?: number | undefined
  /** Longest rest of a failed node in milliseconds. Default 30 000. */
  readonly maxDeadNodeBackoff?: number | undefined
  /**
   * Middleware around every attempt, before the credentials, and after (inside) the `requestHook`'s own middleware,
   * which this option never replaces.
   */
  readonly middleware?: readonly Middleware[] | undefined
  /** A DNS lookup function. Node only. */
  readonly lookup?: LookupFunction | undefined
  /**
   * An `http:` proxy URL (userinfo becomes `proxy-authorization`), or `false` to ignore HTTPS_PROXY/HTTP_PROXY.
   * Requests to `https:` nodes go through a CONNECT tunnel, TLS checked end to end. Node (undici), Deno
   * (`Deno.createHttpClient`) and Bun (fetch's `proxy`); `false` on Node and Bun only. workerd and browsers refuse
   * it with a `ConfigurationError`.
   */
  readonly proxy?: string | URL | false | undefined
  /**
   * Milliseconds to set up a socket: DNS, TCP and TLS; through a proxy, TCP to the proxy, its answer to the CONNECT
   * and the TLS handshake over the tunnel, together. A request's `requestTimeout` bounds the set-up of the socket it
   * opens as well: the smaller of the two applies, and the error names it (`ConnectionError` for `connectTimeout`,
   * `TimeoutError` for `requestTimeout`, both `requestSent: false`, so retried on another node). Default 10 000.
   * Node only (elsewhere `fetch` connects, within `requestTimeout`).
   */
  readonly connectTimeout?: number | undefined
  /** Most sockets per node. Default 128. Node only. */
  readonly connectionsPerNode?: number | undefined
  /**
   * Most sockets across all nodes; idle sockets are closed to make room. Default: no cap beyond the per-node one.
   * Node only.
   */
  readonly maxConnections?: number | undefined
  /**
   * The connection factory, instead of the runtime's default: `undiciConnection()` of `@stretch/connection-undici`
   * on Node, `fetchConnection()` of `@stretch/connection-fetch` elsewhere, or a third party's. The factory carries
   * its own TLS and socket settings, so `caCerts`, `sslAssertFingerprint`, `verifyCerts`, `clientCert`,
   * `clientKey`, `lookup`, `proxy`, `connectTimeout`, `connectionsPerNode` and `maxConnections` cannot be combined with it (a
   * `ConfigurationError` says so): give them to the factory. `allowInsecureTransport` still applies.
   * @example
   * ```ts
   * import { fetchConnection } from '@stretch/connection-fetch'
   * const client = new Client({ node: 'https://localhost:9200', connection: fetchConnection() })
   * ```
   */
  readonly connection?: ConnectionFactory | undefined
  /** Instrumentation around every API call (one `wrap` per call, with each attempt); see `RequestHook` of `@stretch/transport`. */
  readonly requestHook?: RequestHook | undefined
  /**
   * REST API compatibility: the major version sent in `compatible-with` (default 8, which Elasticsearch 8 and 9
   * accept), or `false` for plain `application/json` (7.x servers). `ELASTIC_CLIENT_APIVERSIONING` overrides it.
   */
  readonly compatibility?: 8 | 9 | false | undefined
}
