import type { QueryValue, RequestBody, TransportResult, Transport as TransportType } from '@stretch/transport'
import { buildUserAgent, ConfigurationError, Transport } from '@stretch/transport'
import { platform } from '#platform'
import { ApiClient } from './api/index.js'
import type { CallOptions } from './api/types.js'
import { checkRawCallOptionNames } from './check-option-names.js'
import { childDefaults, setupFrom } from './config.js'
import type { ClientOptions, PerRequestOptions } from './options.js'
import { version } from './version.js'

/**
 * The `user-agent` the client sends: `stretch/<version> (Node.js <version>; <platform>-<arch>)`.
 * @public
 */
export const userAgent: string = buildUserAgent('stretch', version)

/**
 * A raw request, for endpoints the API does not cover.
 * @public
 */
export interface RawRequest {
  /** The HTTP method. */
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'
  /** The path, such as `/_cluster/settings`, percent-encoded. */
  readonly path: string
  /** Query-string parameters. */
  readonly querystring?: Readonly<Record<string, QueryValue>> | undefined
  /** A JSON value, a string, bytes or a stream. */
  readonly body?: RequestBody | undefined
  /** NDJSON (bulk-like endpoints), instead of `body`: the lines, or bytes already serialized (sent as they are). */
  readonly ndjson?: readonly unknown[] | Uint8Array | undefined
  /**
   * The API name, such as `bulk`, for request hooks, OpenTelemetry spans and diagnostics (the typed methods set
   * it); nothing of it is sent.
   */
  readonly endpoint?: string | undefined
  /** The values of the path's parameters, such as `{ index: 'books' }`, for request hooks and spans. */
  readonly pathParts?: Readonly<Record<string, string>> | undefined
}

/**
 * The options of `client.request()`: {@link CallOptions} plus `asBytes`.
 * @public
 */
export interface RawCallOptions extends CallOptions {
  /**
   * Resolve a 2xx answer's body to its bytes (`Uint8Array`, gzip decoded), unparsed; error statuses still reject
   * with a parsed `ResponseError`. See the transport's `RequestOptions.asBytes`.
   */
  readonly asBytes?: boolean | undefined
}

// options() hands its child transport to the constructor wrapped in this class: it is not exported, so no caller
// can make one, and the public constructor keeps one parameter.
class Inherited {
  readonly transport: TransportType
  constructor(transport: TransportType) {
    this.transport = transport
  }
}

/**
 * The Elasticsearch client: one per application, created in module scope and reused (also in functions as a
 * service). Creating it opens nothing; the first request opens the first socket.
 *
 * @example
 * ```ts
 * import { Client } from '@stretch/client'
 *
 * const client = new Client({
 *   node: 'https://localhost:9200',
 *   caCerts: '/path/to/http_ca.crt',
 *   basicAuth: ['elastic', process.env.ELASTIC_PASSWORD ?? ''],
 * })
 * console.log(await client.info())
 * ```
 * @public
 */
export class Client extends ApiClient {
  readonly #root: boolean

  /**
   * @param options - where the cluster is, how to trust it and how to authenticate; see {@link ClientOptions}.
   */
  constructor(options: ClientOptions) {
    const parent = (options as unknown) instanceof Inherited ? (options as unknown as Inherited).transport : undefined
    super(parent ?? new Transport(setupFrom(options, userAgent, platform).transport))
    this.#root = parent === undefined
  }

  /**
   * A client for some requests with other credentials, headers, timeouts or retries. It shares this client's
   * nodes and sockets (thousands cost no socket); its credentials replace this client's, never merge with them.
   * @example
   * ```ts
   * const asUser = client.options({ apiKey: userKey })
   * await asUser.indices.get({ index: '*' })
   * ```
   */
  options(options: PerRequestOptions): Client {
    if (options === null || typeof options !== 'object') {
      throw new ConfigurationError('options(): give an object, such as client.options({ requestTimeout: 5000 })')
    }
    return new Client(new Inherited(this.transport.child(childDefaults(options))) as never)
  }

  /**
   * Not a method of this client: `child()` is the name in `@elastic/elasticsearch`. Throws a
   * `ConfigurationError` that says so.
   * @deprecated Use {@link Client.options}: it shares the sockets and replaces the credentials.
   */
  child(_options: never): never {
    throw new ConfigurationError(
      'child(): that is the @elastic/elasticsearch name; use client.options({ ... }), which shares the sockets and replaces the credentials',
    )
  }

  /**
   * Sends any request through the client's nodes, credentials and retries; with `{ asBytes: true }`, resolves to
   * a 2xx answer's body as bytes, unparsed (an error status still rejects with a parsed `ResponseError`).
   * @example
   * ```ts
   * const bytes = await client.request({ method: 'POST', path: '/_bulk', ndjson: lines, endpoint: 'bulk' }, { asBytes: true })
   * ```
   */
  request(params: RawRequest, options: RawCallOptions & { asBytes: true; meta?: false }): Promise<Uint8Array>
  /**
   * Sends any request through the client's nodes, credentials and retries; with `{ asBytes: true, meta: true }`,
   * resolves to the whole result, its body the answer's bytes.
   */
  request(
    params: RawRequest,
    options: RawCallOptions & { asBytes: true; meta: true },
  ): Promise<TransportResult<Uint8Array>>
  /**
   * Sends any request through the client's nodes, credentials and retries; resolves to the body (or the whole
   * result with `{ meta: true }`).
   */
  request<TBody = unknown>(
    params: RawRequest,
    options?: RawCallOptions & { asBytes?: false; meta?: false },
  ): Promise<TBody>
  /**
   * Sends any request through the client's nodes, credentials and retries; with `{ meta: true }`, resolves to the
   * whole result: body, status, headers, warnings and meta.
   */
  request<TBody = unknown>(
    params: RawRequest,
    options: RawCallOptions & { asBytes?: false; meta: true },
  ): Promise<TransportResult<TBody>>
  async request<TBody = unknown>(
    params: RawRequest,
    options?: RawCallOptions,
  ): Promise<TBody | TransportResult<TBody>> {
    if (options !== undefined && options !== null) checkRawCallOptionNames(options)
    const result = await this.transport.request<TBody>(params, options)
    return options?.meta === true ? result : result.body
  }

  /**
   * Closes every socket of the client and of the clients made by `options()`. On a client made by `options()`, it
   * does nothing: close the client you created.
   */
  async close(): Promise<void> {
    if (this.#root) await this.transport.close()
  }
}
