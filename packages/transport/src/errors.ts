import { inspectCustom } from './platform.js'

const kBrand: unique symbol = Symbol.for('@stretch/transport.error') as never

/**
 * The stable codes of {@link TransportError} subclasses. Compare `error.code`, never the message.
 * @public
 */
export type TransportErrorCode =
  | 'ES_ERR_CONFIGURATION'
  | 'ES_ERR_CONNECTION'
  | 'ES_ERR_TLS'
  | 'ES_ERR_TIMEOUT'
  | 'ES_ERR_RESPONSE'
  | 'ES_ERR_SERIALIZATION'
  | 'ES_ERR_DESERIALIZATION'
  | 'ES_ERR_PRODUCT_NOT_SUPPORTED'
  | 'ES_ERR_NO_LIVING_NODES'
  | 'ES_ERR_REQUEST_ABORTED'
  | 'ES_ERR_RESPONSE_TOO_LARGE'

/**
 * One attempt of a logical request, as recorded in {@link ErrorMeta}. Contains no header and no credential.
 * @public
 */
export interface AttemptRecord {
  /** The node's id (its URL without credentials unless the user or sniffing named it). */
  readonly node: string
  /** The HTTP status, when the node answered. */
  readonly statusCode?: number
  /** The error code, when the attempt failed without an answer. */
  readonly error?: TransportErrorCode
  /** Milliseconds the attempt took. */
  readonly duration: number
}

/**
 * What the transport knew when an error was raised. Safe to log: it never holds headers or credentials.
 * @public
 */
export interface ErrorMeta {
  /** The request line. */
  readonly request: { readonly method: string; readonly path: string }
  /** Every attempt made, in order. */
  readonly attempts: readonly AttemptRecord[]
}

/**
 * Options shared by every {@link TransportError} constructor.
 * @public
 */
export interface TransportErrorOptions {
  /** The underlying error. */
  readonly cause?: unknown
  /** The request and attempts, attached by the transport. */
  readonly meta?: ErrorMeta
}

// The code of each class of this module. A class that extends one of them (a plugin's own ConnectionError) takes the
// code of the nearest class listed here: nobody can raise an error whose code claims another failure mode.
const kCodes = new WeakMap<object, TransportErrorCode>()

function codeOf(target: object): TransportErrorCode {
  for (let c: object | null = target; c !== null; c = Object.getPrototypeOf(c) as object | null) {
    const code = kCodes.get(c)
    if (code !== undefined) return code
  }
  // Only a class that extends TransportError itself, not one of its subclasses, ends up here.
  throw new TypeError('TransportError is abstract: extend one of its subclasses, such as ConnectionError')
}

/**
 * The base class of every error Stretch raises. Use the guards ({@link isTransportError} and friends) rather
 * than `instanceof`: two copies of this package can coexist in one application. Abstract: each subclass stands for
 * one failure mode and has its fixed {@link TransportErrorCode}.
 * @public
 */
export abstract class TransportError extends Error {
  /** The class name, `'TransportError'`; each subclass sets its own. */
  override name: string = 'TransportError'
  /** A stable code, fixed by the subclass. */
  readonly code: TransportErrorCode
  /** The request and attempts, when the error came out of the transport. */
  meta: ErrorMeta | undefined

  /**
   * @param message - what went wrong and what to do, without secrets.
   * @param options - the cause and the request's meta.
   */
  constructor(message: string, options?: TransportErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = codeOf(new.target)
    this.meta = options?.meta
    Object.defineProperty(this, kBrand, { value: this.code })
  }

  /** A plain, log-safe description: name, code, message and meta. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, meta: this.meta }
  }
}

/**
 * A setting is missing, malformed or contradicts another. Raised before anything is sent; the message names the
 * option and the fix, and never echoes a secret.
 * @public
 */
export class ConfigurationError extends TransportError {
  /** The class name, `'ConfigurationError'`. */
  override name: string = 'ConfigurationError'
  constructor(message: string, options?: TransportErrorOptions) {
    super(message, options)
  }
}

/**
 * Options of {@link ConnectionError}.
 * @public
 */
export interface ConnectionErrorOptions extends TransportErrorOptions {
  /**
   * True when the request may have reached the server (the socket failed after the request was written). The
   * transport then retries only GET, HEAD and `readOnly` requests, or all of them with `retryOnTimeout`.
   */
  readonly requestSent?: boolean
}

/**
 * The node could not be reached or the connection broke: refused, reset, DNS, TLS.
 * @public
 */
export class ConnectionError extends TransportError {
  /** The class name, `'ConnectionError'`. */
  override name: string = 'ConnectionError'
  /** True when the request may have reached the server before the connection broke. */
  readonly requestSent: boolean
  constructor(message: string, options?: ConnectionErrorOptions) {
    super(message, options)
    this.requestSent = options?.requestSent ?? false
  }
}

/**
 * The TLS handshake failed or the server's certificate was not trusted (CA or fingerprint pin). Nothing was sent.
 * @public
 */
export class TlsError extends ConnectionError {
  /** The class name, `'TlsError'`. */
  override name: string = 'TlsError'
  constructor(message: string, options?: TransportErrorOptions) {
    super(message, { ...options, requestSent: false })
  }
}

/**
 * Options of {@link TimeoutError}.
 * @public
 */
export interface TimeoutErrorOptions extends TransportErrorOptions {
  /**
   * False when the time ran out before the request was written (the socket was still connecting); default true.
   * The transport then retries it for any method and marks the node dead, as for a {@link ConnectionError} with
   * `requestSent: false`.
   */
  readonly requestSent?: boolean
}

/**
 * No answer within `requestTimeout`, or no connection within it (then `requestSent` is false).
 * @public
 */
export class TimeoutError extends TransportError {
  /** The class name, `'TimeoutError'`. */
  override name: string = 'TimeoutError'
  /** True when the request may have reached the server; false when the time ran out while connecting. */
  readonly requestSent: boolean
  constructor(message: string, options?: TimeoutErrorOptions) {
    super(message, options)
    this.requestSent = options?.requestSent ?? true
  }
}

/**
 * The request was aborted through its `signal`.
 * @public
 */
export class RequestAbortedError extends TransportError {
  /** The class name, `'RequestAbortedError'`. */
  override name: string = 'RequestAbortedError'
  constructor(message: string, options?: TransportErrorOptions) {
    super(message, options)
  }
}

/**
 * The body could not be serialized (a cycle, a BigInt, an unsupported type).
 * @public
 */
export class SerializationError extends TransportError {
  /** The class name, `'SerializationError'`. */
  override name: string = 'SerializationError'
  constructor(message: string, options?: TransportErrorOptions) {
    super(message, options)
  }
}

/**
 * The response body could not be decoded (malformed JSON, bad gzip, truncated).
 * @public
 */
export class DeserializationError extends TransportError {
  /** The class name, `'DeserializationError'`. */
  override name: string = 'DeserializationError'
  constructor(message: string, options?: TransportErrorOptions) {
    super(message, options)
  }
}

/**
 * The response was larger than `maxResponseSize` (decoded) or `maxCompressedResponseSize` (on the wire); reading
 * stopped there, so a gzip bomb costs no more memory than the limit.
 * @public
 */
export class ResponseTooLargeError extends TransportError {
  /** The class name, `'ResponseTooLargeError'`. */
  override name: string = 'ResponseTooLargeError'
  /** The limit that was exceeded, in bytes. */
  readonly limit: number
  constructor(message: string, limit: number, options?: TransportErrorOptions) {
    super(message, options)
    this.limit = limit
  }
}

/**
 * The server answered 2xx without `X-Elastic-Product: Elasticsearch`. Not retried.
 * @public
 */
export class ProductNotSupportedError extends TransportError {
  /** The class name, `'ProductNotSupportedError'`. */
  override name: string = 'ProductNotSupportedError'
  constructor(message: string, options?: TransportErrorOptions) {
    super(message, options)
  }
}

/**
 * The pool has no node to send to (empty after sniffing, or closed).
 * @public
 */
export class NoLivingNodesError extends TransportError {
  /** The class name, `'NoLivingNodesError'`. */
  override name: string = 'NoLivingNodesError'
  constructor(message: string, options?: TransportErrorOptions) {
    super(message, options)
  }
}

/**
 * One cause of an Elasticsearch error response (the specification's `ErrorCause`): its `type`
 * (`index_not_found_exception`), `reason`, and the causes under it; Elasticsearch adds keys of its own per type
 * (`index`, `resource.id`, ...). Its fields have the specification's types (the arrays are mutable, as a decoded
 * body's are), so a body narrowed by {@link isErrorResponseBody} is assignable to the client's
 * `estypes.ErrorResponseBase`, and that to this.
 * @public
 */
export interface ErrorCauseBody {
  /** The type of error, such as `index_not_found_exception`. */
  readonly type: string
  /** A human-readable explanation of the error, in English. */
  readonly reason?: string | null
  /** The server's stack trace, when the request asked for it (`error_trace`). */
  readonly stack_trace?: string
  /** The cause of this one. */
  readonly caused_by?: ErrorCauseBody
  /** The errors at the root of this one (often on each shard). */
  readonly root_cause?: ErrorCauseBody[]
  /** Errors suppressed while this one was handled. */
  readonly suppressed?: ErrorCauseBody[]
  /** The other keys Elasticsearch sends with this type of error. */
  readonly [key: string]: unknown
}

/**
 * Elasticsearch's JSON error response (the specification's `ErrorResponseBase`): an `error` object with its `type`,
 * `reason` and more, and the `status`. {@link isErrorResponseBody} tells it from the other bodies of a
 * {@link ResponseError}.
 * @public
 */
export interface ErrorResponseBody {
  /** What went wrong. */
  readonly error: ErrorCauseBody
  /** The HTTP status Elasticsearch answered with. */
  readonly status: number
}

/**
 * What the body of a {@link ResponseError} can be, as the transport decodes it: Elasticsearch's JSON error response
 * ({@link ErrorResponseBody}, told apart by {@link isErrorResponseBody}); another JSON value (a `get` of a missing
 * document is a 404 with `{ _index, _id, found: false }`, a proxy may answer JSON of its own, an NDJSON answer is
 * an array); text (`string`: a proxy's HTML page, a `text/plain` answer); the bytes of any other content type; or
 * `undefined` when the answer had no body (a `HEAD`).
 * @public
 */
export type ResponseErrorBody =
  | ErrorResponseBody
  | { readonly [key: string]: unknown }
  | readonly unknown[]
  | string
  | number
  | boolean
  | null
  | Uint8Array
  | undefined

/**
 * Whether a body is Elasticsearch's JSON error response: an object with an `error` object that has a string
 * `type`, and a numeric `status`. Narrows `error.body` of a {@link ResponseError} to {@link ErrorResponseBody}.
 *
 * @example
 * ```ts
 * if (isResponseError(error) && isErrorResponseBody(error.body)) console.log(error.body.error.type)
 * ```
 * @param body - a response body (any value).
 * @returns true when it has the shape of Elasticsearch's error response.
 * @public
 */
export function isErrorResponseBody(body: unknown): body is ErrorResponseBody {
  if (typeof body !== 'object' || body === null) return false
  const { error: cause, status } = body as { error?: unknown; status?: unknown }
  return (
    typeof status === 'number' &&
    typeof cause === 'object' &&
    cause !== null &&
    typeof (cause as { type?: unknown }).type === 'string'
  )
}

/**
 * Options of {@link ResponseError}.
 * @public
 */
export interface ResponseErrorOptions extends TransportErrorOptions {
  /** The HTTP status. */
  readonly statusCode: number
  /** The decoded body. */
  readonly body: ResponseErrorBody
  /** The response headers. */
  readonly headers: Readonly<Record<string, string | string[]>>
  /** The path of the request, for the message. */
  readonly path?: string
}

/**
 * Elasticsearch answered with an error status (4xx or 5xx not listed in `ignore`). The message is built from
 * Elasticsearch's `error.type`, `reason` and root causes.
 * @public
 */
export class ResponseError extends TransportError {
  /** The class name, `'ResponseError'`. */
  override name: string = 'ResponseError'
  /** The HTTP status. */
  readonly statusCode: number
  /**
   * The decoded body: Elasticsearch's error response when it sent one ({@link isErrorResponseBody} narrows it to
   * {@link ErrorResponseBody}), else the JSON, text or bytes it got, or `undefined` without a body.
   */
  readonly body: ResponseErrorBody
  /** The response headers. */
  readonly headers: Readonly<Record<string, string | string[]>>
  constructor(options: ResponseErrorOptions) {
    super(responseErrorMessage(options.statusCode, options.body, options.path), options)
    this.statusCode = options.statusCode
    this.body = options.body
    this.headers = options.headers
  }

  /** The Elasticsearch error type, such as `index_not_found_exception`, when the body has one. */
  get type(): string | undefined {
    const error = (this.body as { error?: { type?: unknown } } | null)?.error
    return typeof error?.type === 'string' ? error.type : undefined
  }

  /** A plain, log-safe description: name, code, message, meta, status and body. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), statusCode: this.statusCode, body: this.body }
  }
}

interface EsCause {
  type?: unknown
  reason?: unknown
  root_cause?: unknown
  caused_by?: unknown
}

function describeCause(cause: EsCause): string {
  const type = typeof cause.type === 'string' ? cause.type : 'error'
  return typeof cause.reason === 'string' ? `${type}: ${cause.reason}` : type
}

function responseErrorMessage(statusCode: number, body: unknown, path: string | undefined): string {
  const where = path === undefined ? '' : ` for ${path}`
  const error = (body as { error?: unknown } | null | undefined)?.error
  if (error !== null && typeof error === 'object') {
    const e = error as EsCause
    let message = `${statusCode} ${describeCause(e)}${where}`
    if (e.caused_by !== null && typeof e.caused_by === 'object') {
      message += `; caused by ${describeCause(e.caused_by as EsCause)}`
    }
    if (Array.isArray(e.root_cause)) {
      const roots = (e.root_cause as EsCause[])
        .filter((r) => r !== null && typeof r === 'object' && (r.type !== e.type || r.reason !== e.reason))
        .map(describeCause)
      if (roots.length > 0) message += `; root causes: ${roots.join(', ')}`
    }
    return message
  }
  if (typeof error === 'string') return `${statusCode} ${error}${where}`
  if (typeof body === 'string' && body.length > 0) return `${statusCode} ${body.slice(0, 200)}${where}`
  return `${statusCode} response error${where}`
}

kCodes.set(ConfigurationError, 'ES_ERR_CONFIGURATION')
kCodes.set(ConnectionError, 'ES_ERR_CONNECTION')
kCodes.set(TlsError, 'ES_ERR_TLS')
kCodes.set(TimeoutError, 'ES_ERR_TIMEOUT')
kCodes.set(RequestAbortedError, 'ES_ERR_REQUEST_ABORTED')
kCodes.set(SerializationError, 'ES_ERR_SERIALIZATION')
kCodes.set(DeserializationError, 'ES_ERR_DESERIALIZATION')
kCodes.set(ResponseTooLargeError, 'ES_ERR_RESPONSE_TOO_LARGE')
kCodes.set(ProductNotSupportedError, 'ES_ERR_PRODUCT_NOT_SUPPORTED')
kCodes.set(NoLivingNodesError, 'ES_ERR_NO_LIVING_NODES')
kCodes.set(ResponseError, 'ES_ERR_RESPONSE')

function brandOf(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<symbol, unknown>)[kBrand] : undefined
}

/**
 * True for any error raised by Stretch, from any copy of this package.
 * @public
 */
export function isTransportError(value: unknown): value is TransportError {
  return typeof brandOf(value) === 'string'
}

/**
 * True for a {@link ConfigurationError}, from any copy of this package.
 * @public
 */
export function isConfigurationError(value: unknown): value is ConfigurationError {
  return brandOf(value) === 'ES_ERR_CONFIGURATION'
}

/** True for connection failures, TLS failures included. @public */
export function isConnectionError(value: unknown): value is ConnectionError {
  const brand = brandOf(value)
  return brand === 'ES_ERR_CONNECTION' || brand === 'ES_ERR_TLS'
}

/**
 * True for a {@link TlsError}, from any copy of this package.
 * @public
 */
export function isTlsError(value: unknown): value is TlsError {
  return brandOf(value) === 'ES_ERR_TLS'
}

/**
 * True for a {@link TimeoutError}, from any copy of this package.
 * @public
 */
export function isTimeoutError(value: unknown): value is TimeoutError {
  return brandOf(value) === 'ES_ERR_TIMEOUT'
}

/**
 * True for a {@link ResponseError}, from any copy of this package.
 * @public
 */
export function isResponseError(value: unknown): value is ResponseError {
  return brandOf(value) === 'ES_ERR_RESPONSE'
}

/**
 * True for a {@link RequestAbortedError}, from any copy of this package.
 * @public
 */
export function isRequestAbortedError(value: unknown): value is RequestAbortedError {
  return brandOf(value) === 'ES_ERR_REQUEST_ABORTED'
}

/**
 * True for a {@link SerializationError}, from any copy of this package.
 * @public
 */
export function isSerializationError(value: unknown): value is SerializationError {
  return brandOf(value) === 'ES_ERR_SERIALIZATION'
}

/**
 * True for a {@link DeserializationError}, from any copy of this package.
 * @public
 */
export function isDeserializationError(value: unknown): value is DeserializationError {
  return brandOf(value) === 'ES_ERR_DESERIALIZATION'
}

/**
 * True for a {@link ResponseTooLargeError}, from any copy of this package.
 * @public
 */
export function isResponseTooLargeError(value: unknown): value is ResponseTooLargeError {
  return brandOf(value) === 'ES_ERR_RESPONSE_TOO_LARGE'
}

/**
 * True for a {@link ProductNotSupportedError}, from any copy of this package.
 * @public
 */
export function isProductNotSupportedError(value: unknown): value is ProductNotSupportedError {
  return brandOf(value) === 'ES_ERR_PRODUCT_NOT_SUPPORTED'
}

/**
 * True for a {@link NoLivingNodesError}, from any copy of this package.
 * @public
 */
export function isNoLivingNodesError(value: unknown): value is NoLivingNodesError {
  return brandOf(value) === 'ES_ERR_NO_LIVING_NODES'
}

// util.inspect of an error prints own enumerable properties; ours hold no secret, but keep the output short.
Object.defineProperty(TransportError.prototype, inspectCustom, {
  value(
    this: TransportError,
    _depth: number,
    options: object,
    defaultInspect: (value: unknown, options: object) => string,
  ): string {
    const base = `${this.stack ?? `${this.name}: ${this.message}`}`
    const extra: Record<string, unknown> = { code: this.code }
    if (this.meta !== undefined) extra['meta'] = this.meta
    if (isResponseError(this)) {
      extra['statusCode'] = this.statusCode
      extra['body'] = this.body
    }
    const cause = this.cause === undefined ? '' : `\n[cause]: ${defaultInspect(this.cause, options)}`
    return `${base} ${defaultInspect(extra, options)}${cause}`
  },
})
