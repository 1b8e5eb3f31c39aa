import type { Socket } from 'node:net'
import { type BoundConnect, type ConnectBound, connectExpired, limitText, remaining } from './connect-limit.js'

interface Waiter {
  readonly grant: () => void
  readonly timer: NodeJS.Timeout
}

/**
 * A cap on the sockets open across every node of one client (`maxConnections`). A connection that would pass it
 * waits for a socket to close; an idle socket (undici unrefs a socket while it carries no request) is closed at once
 * to make room, so traffic that moves from one node to another is never stuck behind the old node's idle sockets.
 * @internal
 */
export class SocketBudget {
  readonly #max: number
  #open = 0
  readonly #idle = new Set<Socket>()
  readonly #waiters: Waiter[] = []

  constructor(max: number) {
    this.#max = max
  }

  /** Sockets open now (for tests). */
  get open(): number {
    return this.#open
  }

  /**
   * Wraps a connector so every socket it opens counts against the budget. The wait for a slot is part of the
   * socket's set-up: it and the connect that follows run under one bound.
   */
  wrap(connect: BoundConnect, host: string): BoundConnect {
    return (options, callback, bound) => {
      this.#acquire(bound, host).then(
        () => {
          connect(
            options,
            (error, socket) => {
              if (error !== null || socket === null) {
                this.#release()
                callback(error, null)
                return
              }
              this.#track(socket)
              callback(null, socket)
            },
            bound,
          )
        },
        (error: Error) => callback(error, null),
      )
    }
  }

  #acquire(bound: ConnectBound, host: string): Promise<void> {
    if (this.#open < this.#max) {
      this.#open += 1
      return Promise.resolve()
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          const at = this.#waiters.indexOf(waiter)
          if (at !== -1) this.#waiters.splice(at, 1)
          reject(
            connectExpired(
              bound,
              `no socket for ${host} within ${limitText(bound)}: all ${this.#max} sockets of maxConnections are busy; raise maxConnections or send fewer requests at once`,
            ),
          )
        }, remaining(bound)),
      }
      this.#waiters.push(waiter)
      this.#evictIdle()
    })
  }

  // A socket's slot passes straight to the next waiter, so the count never dips below what is promised.
  #release(): void {
    const next = this.#waiters.shift()
    if (next === undefined) {
      this.#open -= 1
      return
    }
    clearTimeout(next.timer)
    next.grant()
  }

  #evictIdle(): void {
    for (const socket of this.#idle) {
      if (this.#waiters.length === 0) return
      this.#idle.delete(socket)
      socket.destroy()
    }
  }

  #track(socket: Socket): void {
    socket.once('close', () => {
      this.#idle.delete(socket)
      this.#release()
    })
    // undici unrefs a socket that carries no request and refs it again before the next one (client-h1.js resumeH1).
    const unref = socket.unref.bind(socket)
    const ref = socket.ref.bind(socket)
    socket.unref = () => {
      this.#idle.add(socket)
      if (this.#waiters.length > 0) this.#evictIdle()
      return unref()
    }
    socket.ref = () => {
      this.#idle.delete(socket)
      return ref()
    }
  }
}
