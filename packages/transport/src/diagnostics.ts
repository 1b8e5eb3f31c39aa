import type { ErrorMeta, TransportError } from './errors.js'
import { type EventChannel, eventChannel } from './platform.js'
import type { HttpMethod, NodeInfo } from './types.js'

/**
 * Published on `stretch:request` before each attempt is sent. Headers are redacted.
 * @public
 */
export interface RequestEvent {
  /** The HTTP method. */
  readonly method: HttpMethod
  /** Path and query string, without the node's path prefix. */
  readonly path: string
  /** The node this attempt goes to. */
  readonly node: NodeInfo
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  readonly attempt: number
  /** Request headers; credential values replaced by `[redacted]`. */
  readonly headers: Readonly<Record<string, string>>
}

/**
 * Published on `stretch:response` when an attempt got an answer.
 * @public
 */
export interface ResponseEvent {
  /** The HTTP method. */
  readonly method: HttpMethod
  /** Path and query string, without the node's path prefix. */
  readonly path: string
  /** The node that answered. */
  readonly node: NodeInfo
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  readonly attempt: number
  /** The HTTP status of the answer. */
  readonly statusCode: number
  /** Milliseconds since the attempt started. */
  readonly duration: number
}

/**
 * Published on `stretch:retry` before the transport waits and retries.
 * @public
 */
export interface RetryEvent {
  /** The HTTP method. */
  readonly method: HttpMethod
  /** Path and query string, without the node's path prefix. */
  readonly path: string
  /** The node of the attempt that failed. */
  readonly node: NodeInfo
  /** The attempt that failed. */
  readonly attempt: number
  /** Why: an HTTP status or an error code. */
  readonly reason: number | string
  /** Milliseconds the transport waits before the next attempt. */
  readonly delay: number
}

/**
 * Published on `stretch:error` when a request fails for good.
 * @public
 */
export interface ErrorEvent {
  /** The error the caller receives. */
  readonly error: TransportError
  /** The request and its attempts (the same as `error.meta`). */
  readonly meta: ErrorMeta | undefined
}

/**
 * Published on `stretch:node:dead` and `stretch:node:alive`.
 * @public
 */
export interface NodeEvent {
  /** The node whose state changed. */
  readonly node: NodeInfo
  /** Consecutive failures (0 when alive). */
  readonly failures: number
}

/**
 * The names of the diagnostics channels Stretch publishes on, as `node:diagnostics_channel` channels. Publishing
 * costs nothing while nobody subscribes. On a runtime without `process.getBuiltinModule` (browsers, workerd without
 * nodejs_compat) nothing is published; use a {@link RequestHook} there.
 * @example
 * ```ts
 * import { subscribe } from 'node:diagnostics_channel'
 * subscribe(channels.response, (event) => console.log(event))
 * ```
 * @public
 */
export const channels: {
  readonly request: 'stretch:request'
  readonly response: 'stretch:response'
  readonly retry: 'stretch:retry'
  readonly error: 'stretch:error'
  readonly nodeDead: 'stretch:node:dead'
  readonly nodeAlive: 'stretch:node:alive'
} = {
  request: 'stretch:request',
  response: 'stretch:response',
  retry: 'stretch:retry',
  error: 'stretch:error',
  nodeDead: 'stretch:node:dead',
  nodeAlive: 'stretch:node:alive',
} as const

/** @internal */
export const requestChannel: EventChannel = eventChannel(channels.request)
/** @internal */
export const responseChannel: EventChannel = eventChannel(channels.response)
/** @internal */
export const retryChannel: EventChannel = eventChannel(channels.retry)
/** @internal */
export const errorChannel: EventChannel = eventChannel(channels.error)
/** @internal */
export const nodeDeadChannel: EventChannel = eventChannel(channels.nodeDead)
/** @internal */
export const nodeAliveChannel: EventChannel = eventChannel(channels.nodeAlive)
