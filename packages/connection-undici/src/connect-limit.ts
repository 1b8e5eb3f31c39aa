import type { Socket } from 'node:net'
import { ConnectionError, TimeoutError } from '@stretch/transport'

/** What undici hands a connector: where to connect. @internal */
export interface ConnectTarget {
  readonly hostname: string
  readonly host?: string
  readonly port: string
  readonly protocol: string
  readonly servername?: string | null
}

/** A connector's callback, as undici passes it. @internal */
export type ConnectCallback = (error: Error | null, socket: Socket | null) => void

/** The connector undici calls for a new socket. @internal */
export type Connect = (target: ConnectTarget, callback: ConnectCallback) => void

/** One of our connectors: undici's arguments, and the bound of this socket's set-up. @internal */
export type BoundConnect = (target: ConnectTarget, callback: ConnectCallback, bound: ConnectBound) => void

/**
 * What bounds the set-up of each new socket of one connection: its `connectTimeout`, and the `requestTimeout` of
 * the request being dispatched (0 for none), which the connection writes before every dispatch. undici opens a
 * socket synchronously within the dispatch that needs it (Client `[kDispatch]` -> `resume` -> `connect` -> the
 * connector), so a connector reads the timeout of the request that made it open a socket: one field write per
 * request, and no timer or closure for a request that finds a connected socket. A socket undici opens later for a
 * queued request (its first socket closed meanwhile) is bounded by the latest request's timeout instead.
 * @internal
 */
export class ConnectLimits {
  readonly connectTimeout: number
  /** The `requestTimeout` of the request being dispatched, in milliseconds; 0 for none. */
  requestTimeout: number

  constructor(connectTimeout: number) {
    this.connectTimeout = connectTimeout
    this.requestTimeout = 0
  }

  /** The bound of a socket's set-up that starts now: the smaller of the two timeouts. */
  bound(): ConnectBound {
    const request = this.requestTimeout
    const byRequest = request > 0 && request < this.connectTimeout
    const ms = byRequest ? request : this.connectTimeout
    return { ms, option: byRequest ? 'requestTimeout' : 'connectTimeout', deadline: performance.now() + ms }
  }
}

/** The time one socket's set-up may take, fixed when undici asks for the socket. @internal */
export interface ConnectBound {
  /** Milliseconds, as the option gave them. */
  readonly ms: number
  /** The option they come from, named in the error. */
  readonly option: 'connectTimeout' | 'requestTimeout'
  /** `performance.now()` at which the set-up fails, every phase included. */
  readonly deadline: number
}

/** Milliseconds left of `bound`. @internal */
export function remaining(bound: ConnectBound): number {
  return Math.max(0, bound.deadline - performance.now())
}

/** `500 ms (requestTimeout)`: how an error names the bound that ran out. @internal */
export function limitText(bound: ConnectBound): string {
  return `${bound.ms} ms (${bound.option})`
}

/**
 * The error of a set-up that ran out of time; nothing was written, so the transport retries it for any method and
 * marks the node dead. Under `requestTimeout` it is a `TimeoutError` (the user's bound of the request ran out, and
 * `isTimeoutError` says so), under `connectTimeout` a `ConnectionError`.
 * @internal
 */
export function connectExpired(bound: ConnectBound, message: string): ConnectionError | TimeoutError {
  return bound.option === 'requestTimeout'
    ? new TimeoutError(message, { requestSent: false })
    : new ConnectionError(message, { requestSent: false })
}

/**
 * Runs `connect` (undici's connector, which returns the socket it opens) under `bound`: one timer per new socket,
 * which destroys the socket with an error that `phase(socket)` names (`connecting to ...`, `TLS handshake with
 * ...`). undici's own connect timer is off (`timeout: 0`): its error names neither the phase nor the option.
 * @internal
 */
export function timed(
  connect: (target: ConnectTarget, callback: ConnectCallback) => Socket,
  phase: (socket: Socket) => string,
): BoundConnect {
  return (target, callback, bound) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    let done = false
    const socket = connect(target, (error, connected) => {
      done = true
      if (timer !== undefined) clearTimeout(timer)
      callback(error, connected)
    })
    if (done) return
    timer = setTimeout(() => {
      socket.destroy(connectExpired(bound, `${phase(socket)} timed out after ${limitText(bound)}`))
    }, remaining(bound))
  }
}
