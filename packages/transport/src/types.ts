/**
 * The HTTP methods Elasticsearch uses.
 * @public
 */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'

/**
 * A query-string value: lists are joined by commas, booleans and numbers sent as text, `undefined` and `null`
 * left out.
 * @public
 */
export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[]

/**
 * Header names are lowercase; the transport lowercases what users pass.
 * @public
 */
export type Headers = Readonly<Record<string, string>>

/**
 * A request body as the caller gives it: a JSON value (serialized with `JSON.stringify`), a string or bytes (sent
 * as they are), or a stream (a Node `Readable`, a Web `ReadableStream` or an async iterable of bytes; sent as it
 * comes, never retried).
 * @public
 */
export type RequestBody =
  | string
  | Uint8Array
  | NodeReadable
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | object
  | number
  | boolean
  | null

/**
 * One logical request, before serialization.
 * @public
 */
export interface TransportRequestParams {
  /** The HTTP method. */
  readonly method: HttpMethod
  /** The path, already percent-encoded, starting with `/`, without the node's path prefix. */
  readonly path: string
  /** Query-string parameters. */
  readonly querystring?: Readonly<Record<string, QueryValue>> | undefined
  /** The body: see {@link RequestBody}. */
  readonly body?: RequestBody | undefined
  /**
   * An NDJSON body (bulk, msearch): each item is one line, objects serialized with `JSON.stringify`, strings sent
   * as they are; or a `Uint8Array` of NDJSON already serialized (every line ending in a newline), sent as it is.
   * Takes the place of `body`.
   */
  readonly ndjson?: readonly unknown[] | Uint8Array | undefined
  /**
   * The request changes nothing on the server: safe to resend after a possible delivery, like GET. A search, count,
   * msearch or mget goes out as POST because it carries a body; with `readOnly` it is retried after a socket broke
   * once the request was written, or after a timeout. Never set it for a write: a write that may have reached the
   * server is not resent (unless `retryOnTimeout`). The client sets it for every endpoint whose specification allows
   * GET. Default false (only GET and HEAD are resendable).
   */
  readonly readOnly?: boolean | undefined
  /**
   * The API endpoint's name, such as `search` or `indices.create` (the client sets it). Only instrumentation reads
   * it (see `RequestHook`); the transport sends nothing of it.
   */
  readonly endpoint?: string | undefined
  /** The values of the path's parameters, such as `{ index: 'my-index' }` (the client sets them), for instrumentation. */
  readonly pathParts?: Readonly<Record<string, string>> | undefined
}

/**
 * Options of one request; each overrides the transport's setting of the same name.
 * @public
 */
export interface RequestOptions {
  /** Aborts the request, including its retries and backoff waits. */
  readonly signal?: AbortSignal | undefined
  /** Milliseconds to wait for each attempt's answer; `null` waits forever. Default 30 000. */
  readonly requestTimeout?: number | null | undefined
  /** Retries after the first attempt. Default 3. */
  readonly maxRetries?: number | undefined
  /** Also retry requests that may have reached the server (timeouts, sockets closed after writing). */
  readonly retryOnTimeout?: boolean | undefined
  /** Statuses that are retried. Default 429, 502, 503, 504. */
  readonly retryOnStatus?: readonly number[] | undefined
  /** Extra headers; they win over the transport's defaults. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Sent as `x-opaque-id`, to find the request in Elasticsearch's task and slow logs. */
  readonly opaqueId?: string | undefined
  /** Error statuses that resolve instead of throwing (for example 404). */
  readonly ignore?: readonly number[] | undefined
  /**
   * Who made the request when it is not the application's own call, such as `helpers.bulk`: a non-empty string
   * that only instrumentation reads (`HookedRequest.origin`); never sent.
   */
  readonly origin?: string | undefined
  /**
   * Resolve a 2xx answer's body to its bytes (`Uint8Array`, gzip already decoded, `maxResponseSize` applied),
   * unparsed; an empty body (HEAD) is an empty array. Error statuses are parsed into `ResponseError` as always.
   * For callers that can often skip the parse, such as a bulk answer that starts with `"errors":false`.
   */
  readonly asBytes?: boolean | undefined
}

/**
 * Response headers: names lowercase, repeated headers as arrays.
 * @public
 */
export type ResponseHeaders = Readonly<Record<string, string | string[]>>

/**
 * What the transport knew about a completed request.
 * @public
 */
export interface ResultMeta {
  /** The node that answered. */
  readonly node: NodeInfo
  /** How many attempts were made (1 when the first succeeded). */
  readonly attempts: number
  /** Milliseconds from the call to the decoded body, retries and waits included. */
  readonly duration: number
  /** The request line. */
  readonly request: { readonly method: HttpMethod; readonly path: string }
}

/**
 * A decoded response.
 * @public
 */
export interface TransportResult<TBody = unknown> {
  /** The decoded body: JSON, an array for NDJSON, a string for text, `undefined` for HEAD or an empty body. */
  readonly body: TBody
  /** The HTTP status. */
  readonly statusCode: number
  /** The response headers. */
  readonly headers: ResponseHeaders
  /** The deprecation warnings of the `Warning` header, or null. */
  readonly warnings: readonly string[] | null
  /** Which node answered and how long it took. */
  readonly meta: ResultMeta
}

/**
 * A serialized body, ready for the wire. A stream body is a Node `Readable` wherever node:stream exists (Node,
 * Deno, Bun, workerd with nodejs_compat: any runtime with `process.getBuiltinModule`); on a runtime without it (a
 * browser, workerd without nodejs_compat) the transport reads a stream body into bytes first, which is what `fetch`
 * there needs anyway (Chromium refuses streamed request bodies over HTTP/1.1).
 * @public
 */
export type SerializedBody = string | Uint8Array | NodeReadable

/**
 * A Node.js `stream.Readable`, described by the members these declarations need rather than imported from
 * `node:stream`, so that a project without `@types/node` (a browser or a Worker project, `skipLibCheck: false`)
 * type-checks against them. Every `Readable` is one; a connection that hands it to a Node API that wants a
 * `Readable` casts it to one.
 * @public
 */
export interface NodeReadable extends AsyncIterable<unknown> {
  /** Whether the stream can still be read (`Readable.readable`). */
  readonly readable: boolean
  /** Ends the stream and releases its resources (`Readable.destroy`). */
  destroy(error?: Error): unknown
  /** Pipes the stream into a Node `Writable` (an `http.ClientRequest`, a `zlib` stream), which it returns. */
  pipe(destination: unknown, options?: { end?: boolean | undefined }): unknown
}

/**
 * One attempt of a request, as a middleware sees it: serialized, with its node chosen. Immutable: a middleware
 * passes a changed copy to `next`.
 * @public
 */
export interface TransportRequest {
  /** The HTTP method. */
  readonly method: HttpMethod
  /** Path and query string, without the node's path prefix. */
  readonly path: string
  /** Headers, lowercase names. */
  readonly headers: Headers
  /** The serialized body, or undefined. */
  readonly body: SerializedBody | undefined
  /** The node chosen for this attempt. */
  readonly node: PoolNode
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  readonly attempt: number
  /** The caller's abort signal. */
  readonly signal: AbortSignal | undefined
  /** Milliseconds to wait for an answer, or undefined for no limit. */
  readonly timeout: number | undefined
}

/**
 * What a {@link Handler} resolves to: the raw answer of one attempt.
 * @public
 */
export interface TransportResponse {
  /** The HTTP status. */
  readonly statusCode: number
  /** The response headers. */
  readonly headers: ResponseHeaders
  /** The body bytes as received (still compressed if `content-encoding` says so). Empty for HEAD. */
  readonly body: Uint8Array
}

/**
 * Sends one attempt.
 * @public
 */
export type Handler = (request: TransportRequest) => Promise<TransportResponse>

/**
 * Wraps a handler. The factory validates options; `(next) =>` runs once per client; `(request) =>` per attempt.
 * `mws[0]` sees the request first and the response last.
 * @public
 */
export type Middleware = (next: Handler) => Handler

/**
 * Limits a connection enforces while reading a body.
 * @public
 */
export interface ResponseLimits {
  /** Bytes on the wire after which reading stops with `ResponseTooLargeError`. */
  readonly maxCompressedResponseSize: number
}

/**
 * One node's HTTP: sends attempts and closes. Errors are {@link TransportError}s: `ConnectionError` (with
 * `requestSent`), `TlsError`, `TimeoutError`, `RequestAbortedError`, `ResponseTooLargeError`.
 * @public
 */
export interface Connection {
  /** Sends one attempt to this connection's node. */
  request(request: TransportRequest, limits: ResponseLimits): Promise<TransportResponse>
  /** Closes the sockets; waits for requests in flight. */
  close(): Promise<void>
}

/**
 * Creates the connection of a node; called once per node, when it joins the pool.
 * @public
 */
export type ConnectionFactory = (node: NodeDescription) => Connection

/**
 * A node as configured by the user or found by sniffing.
 * @public
 */
export interface NodeOptions {
  /** The node's URL; userinfo becomes a node-level basic `authorization` header and is removed from the URL. */
  readonly url: string | URL
  /** A stable id; defaults to the URL without credentials. */
  readonly id?: string | undefined
  /** The node name. */
  readonly name?: string | undefined
  /** Elasticsearch roles such as `master`, `data`, `ingest`. */
  readonly roles?: readonly string[] | undefined
  /** Node attributes, such as `zone`. */
  readonly attributes?: Readonly<Record<string, string>> | undefined
  /** Headers sent to this node only (the transport's and the request's win). */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * A validated node: the URL has no userinfo and its path prefix has no trailing slash.
 * @public
 */
export interface NodeDescription {
  /** The node's URL, without credentials. */
  readonly url: URL
  /** A stable id. */
  readonly id: string
  /** The node name, when known. */
  readonly name: string | undefined
  /** Elasticsearch roles, when known. */
  readonly roles: readonly string[] | undefined
  /** Node attributes, when known. */
  readonly attributes: Readonly<Record<string, string>>
  /** Node-level headers. May hold credentials: never printed by `toJSON` or `util.inspect`. */
  readonly headers: Headers
}

/**
 * A log-safe summary of a node.
 * @public
 */
export interface NodeInfo {
  /** The node id. */
  readonly id: string
  /** The URL without credentials. */
  readonly url: string
  /** The node name, when known. */
  readonly name: string | undefined
}

/**
 * A node in the pool, with its connection and health.
 * @public
 */
export interface PoolNode extends NodeDescription {
  /** The node's connection. */
  readonly connection: Connection
  /** False from a failure until the node answers again. */
  readonly alive: boolean
  /** Consecutive failures. */
  readonly failures: number
  /** When a dead node may be tried again (milliseconds of the transport's clock); 0 when alive. */
  readonly deadUntil: number
  /** Attempts in flight on this node: kept by the pool, in {@link NodePool.acquire} and {@link NodePool.release}. */
  readonly inFlight: number
  /** A log-safe summary. */
  info(): NodeInfo
}

/**
 * What a selector knows about the request being routed.
 * @public
 */
export interface SelectContext {
  /** The request method. */
  readonly method: HttpMethod
  /** The request path (with query string). */
  readonly path: string
  /** 1 for the first attempt. */
  readonly attempt: number
}

/**
 * Picks one node among candidates (the living nodes, never empty).
 * @public
 */
export type NodeSelectorFunction = (nodes: readonly PoolNode[], context: SelectContext) => PoolNode

/**
 * A selector with state, as an object.
 * @public
 */
export interface NodeSelectorObject {
  /** Picks one of `nodes` (never empty). */
  select(nodes: readonly PoolNode[], context: SelectContext): PoolNode
}

/**
 * A node selector: a function or an object with `select`.
 * @public
 */
export type NodeSelector = NodeSelectorFunction | NodeSelectorObject

/**
 * The set of known nodes with their health. {@link createNodePool} makes the standard one; a pool of your own
 * implements every member. The transport calls, per attempt: `select`, then `acquire(node)`, then sends through
 * `node.connection` with `node.headers` merged under the request's headers, then `release(node)` once the attempt
 * settled, then `markDead` (a connection error, 502, 503, 504) or `markAlive` (any other answer from a node that was
 * dead or had failures). It only reads nodes; every change of their state is the pool's.
 * @public
 */
export interface NodePool {
  /** Every node, living or dead, in configuration order. */
  readonly nodes: readonly PoolNode[]
  /**
   * Picks a node for an attempt: a living one through the selector, avoiding `tried` where another is alive; when
   * every node is dead, the one whose backoff ends first (among those not in `tried`, if any). Throws
   * `NoLivingNodesError` when the pool is empty.
   */
  select(context: SelectContext, tried?: ReadonlySet<PoolNode>): PoolNode
  /** Records a failure: the node rests for min(base x 2^(failures-1), max). */
  markDead(node: PoolNode): void
  /** Records an answer: the node is alive again. */
  markAlive(node: PoolNode): void
  /**
   * Called by the transport right before it sends an attempt to `node` (one that `select` returned): count it in
   * `inFlight`. A `NoLivingNodesError` (or any error) thrown here fails the request without sending it.
   */
  acquire(node: PoolNode): void
  /**
   * Called by the transport exactly once per `acquire`, when that attempt settled (answered, failed, timed out or
   * aborted). A node that `update` removed may close its connection once its last attempt is released.
   */
  release(node: PoolNode): void
  /**
   * Replaces the node set: nodes with a known id or URL keep their connection, new ones get one, removed ones are
   * closed once their requests in flight finish.
   */
  update(nodes: readonly (NodeOptions | NodeDescription)[]): void
  /** Closes every connection. */
  close(): Promise<void>
}

/**
 * The view of the transport that discovery (sniffing) gets.
 * @public
 */
export interface DiscoveryContext {
  /** The pool to update. */
  readonly pool: NodePool
  /**
   * Sends a request through the transport (same headers, auth and TLS) without triggering discovery again.
   */
  request<TBody = unknown>(params: TransportRequestParams, options?: RequestOptions): Promise<TransportResult<TBody>>
  /** The transport's clock, in milliseconds. */
  now(): number
}

/**
 * Hooks that keep the node set current (see `@stretch/pool-sniffing`).
 * @public
 */
export interface NodeDiscovery {
  /**
   * Called when a request starts, before a node is chosen. A returned promise makes the request wait for it (the
   * first sniff); a rejected one fails the request.
   */
  onRequestStart?(context: DiscoveryContext): Promise<void> | undefined
  /** Called after a node failed with a connection error or a 502, 503 or 504. */
  onNodeFailure?(node: PoolNode, context: DiscoveryContext): void
  /** Called by `close()`. */
  close?(): void
}

/**
 * A source of time: injectable so tests of backoff need no real sleep.
 * @public
 */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number
  /** Resolves after `ms`, or rejects when `signal` aborts. Must not keep the process alive. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}
