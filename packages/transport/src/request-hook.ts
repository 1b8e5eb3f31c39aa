import type { HttpMethod, Middleware, NodeInfo, QueryValue, TransportResult } from './types.js'

/**
 * One logical request as a {@link RequestHook} sees it, before any attempt.
 * @public
 */
export interface HookedRequest {
  /** The HTTP method. */
  readonly method: HttpMethod
  /** The path without the query string and without the node's path prefix, such as `/my-index/_search`. */
  readonly path: string
  /** The query-string parameters as the caller gave them. */
  readonly querystring: Readonly<Record<string, QueryValue>> | undefined
  /** The API endpoint's name (such as `search` or `indices.create`), when the caller named it; see {@link TransportRequestParams.endpoint}. */
  readonly endpoint: string | undefined
  /** The values of the path's parameters (such as `{ index: 'my-index' }`), when the caller gave them. */
  readonly pathParts: Readonly<Record<string, string>> | undefined
  /**
   * Who made the request when it is not the application's own call (such as `helpers.bulk`), from
   * {@link RequestOptions.origin}; undefined for the application's own calls and for the transport's own requests
   * (which {@link RequestHook.wrapInternal} marks by their purpose).
   */
  readonly origin: string | undefined
}

/**
 * A request the transport makes for its own work rather than for an API call, as
 * {@link RequestHook.wrapInternal} sees it.
 * @public
 */
export interface InternalRequest extends HookedRequest {
  /** What the request is for: `discovery` for node discovery (sniffing, `GET /_nodes/_all/http`). */
  readonly purpose: 'discovery'
}

/**
 * Sent to {@link AttemptObserver.attemptStart} before an attempt goes to its node.
 * @public
 */
export interface AttemptStart {
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  readonly attempt: number
  /** The node the attempt goes to. */
  readonly node: NodeInfo
}

/**
 * Sent to {@link AttemptObserver.attemptEnd} when an attempt has an answer or failed.
 * @public
 */
export interface AttemptEnd {
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  readonly attempt: number
  /** The node of the attempt. */
  readonly node: NodeInfo
  /** The HTTP status, when the node answered. */
  readonly statusCode: number | undefined
  /** Why the attempt failed, when it got no answer (usually a `TransportError`). */
  readonly error: unknown
  /** Milliseconds from sending to the answer or the failure. */
  readonly duration: number
  /** Milliseconds the transport waits before the next attempt; undefined when no attempt follows. */
  readonly retryDelay: number | undefined
}

/**
 * Receives the attempts of one logical request. Both methods are optional and called synchronously from the
 * attempt loop: keep them cheap, and never throw (a throw is swallowed).
 * @public
 */
export interface AttemptObserver {
  /** Before an attempt is sent (after its node is chosen and before middleware and auth run). */
  attemptStart?(event: AttemptStart): void
  /** After an attempt ended, with the retry decision. */
  attemptEnd?(event: AttemptEnd): void
}

/**
 * The one seam for instrumentation (tracing, metrics): it wraps each logical request, every attempt, backoff and
 * decoding included, without touching the attempt loop. `wrap` must call `send` once and settle with what it
 * settles with (it may wrap it in a span, an async context, a timer). The `observer` it passes to `send` hears each
 * attempt. Discovery's own requests (sniffing) go to the optional `wrapInternal` instead, and are not wrapped when a
 * hook has none. With no hook installed the transport calls nothing and allocates nothing for it.
 *
 * @example
 * ```ts
 * const hook: RequestHook = {
 *   wrap(request, send) {
 *     const started = performance.now()
 *     return send({
 *       attemptEnd: (a) => console.log(request.endpoint, a.attempt, a.node.url, a.statusCode ?? a.error, a.retryDelay),
 *     }).finally(() => console.log(request.endpoint, performance.now() - started))
 *   },
 * }
 * const transport = new Transport({ nodes, connection, requestHook: hook })
 * ```
 * @public
 */
export interface RequestHook {
  /**
   * Wraps one logical request.
   * @param request - the request, before serialization.
   * @param send - runs the request; call it once, with an observer or none.
   * @returns what `send` returns (or a promise that settles the same way).
   */
  wrap<TBody>(
    request: HookedRequest,
    send: (observer?: AttemptObserver) => Promise<TransportResult<TBody>>,
  ): Promise<TransportResult<TBody>>
  /**
   * Wraps one request the transport makes for itself (node discovery), never called for an API call; the same
   * rules as `wrap`. Optional: without it these requests run unwrapped (they still pass through the middleware).
   * @param request - the request and its purpose.
   * @param send - runs the request; call it once, with an observer of its attempts or none.
   * @returns what `send` returns (or a promise that settles the same way).
   */
  wrapInternal?<TBody>(
    request: InternalRequest,
    send: (observer?: AttemptObserver) => Promise<TransportResult<TBody>>,
  ): Promise<TransportResult<TBody>>
  /**
   * Middleware the hook needs on every attempt (such as one that writes a `traceparent` header), `middleware[0]`
   * outermost. The transport runs it before (outside) the `middleware` option's, on its own requests too, in this
   * transport and every child: the application's `middleware` option, given after a spread of the hook's options
   * or to a child, adds to it and never drops it. Optional.
   */
  readonly middleware?: readonly Middleware[] | undefined
}
