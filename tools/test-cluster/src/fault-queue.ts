/**
 * Faults a test injects into a node or the whole cluster: they apply to the next matching requests, in order.
 */

/** A fault: what a node does instead of (or before) its normal answer. @public */
export type Fault =
  /** Answer this status (429/502/503/504/...) with an Elasticsearch-like JSON error; 429 gets `Retry-After`. */
  | { readonly type: 'status'; readonly status: number; readonly retryAfter?: number | string; readonly body?: unknown }
  /** Wait `ms`, then answer normally. */
  | { readonly type: 'delay'; readonly ms: number }
  /**
   * Reset the TCP connection (RST): `before-body` before reading the body, `after-body` once it is read but
   * before the request is applied, `after-write` after the request was applied (a bulk written, the answer lost: a
   * client cannot tell it from `after-body`).
   */
  | { readonly type: 'reset'; readonly when: 'before-body' | 'after-body' | 'after-write' }
  /** Read the request and never answer (until the node stops). */
  | { readonly type: 'hang' }
  /**
   * Read the request, then wait until `until` settles (the test releases it), then answer normally: a request held
   * on an event rather than on a timer (a slow cluster, for backpressure tests). Stopping the node ends the wait.
   */
  | { readonly type: 'hold'; readonly until: PromiseLike<unknown> }
  /** Answer exactly these bytes. */
  | {
      readonly type: 'raw'
      readonly status?: number
      readonly headers?: Readonly<Record<string, string>>
      readonly body: string | Uint8Array
    }
  /** Answer 200 with a JSON body of about `bytes` bytes, streamed. */
  | { readonly type: 'huge-body'; readonly bytes: number }
  /** Answer 200 `content-encoding: gzip` whose body inflates to `bytes` bytes (compressed about 1000:1). */
  | { readonly type: 'gzip-bomb'; readonly bytes: number }
  /** Answer 200 with a body that is not JSON (`text/html` by default, like a proxy page). */
  | { readonly type: 'non-json'; readonly body?: string; readonly contentType?: string }
  /** Answer normally but without `X-elastic-product`. */
  | { readonly type: 'no-product-header' }
  /**
   * Answer normally with one `Warning` header per message, in Elasticsearch's form:
   * `299 Elasticsearch-<version>-<build hash> "<message>"`.
   */
  | { readonly type: 'warning'; readonly messages?: readonly string[] }
  /**
   * For `_bulk` only (other requests pass it by): run the bulk, but answer the listed items (0-based positions;
   * all items when omitted) with `status` (default 429, `es_rejected_execution_exception`) without writing them.
   * With `ratio` (and no `items`), each item is rejected with that probability (`random`, default `Math.random`):
   * "10% of the items rejected" as a busy write thread pool does it.
   */
  | {
      readonly type: 'bulk-reject'
      readonly items?: readonly number[]
      readonly status?: number
      readonly ratio?: number
      readonly random?: () => number
    }
  /**
   * Send the status line, headers (with the full `content-length`) and part of a JSON body, then `hang` (the
   * client's body timeout fires) or `close` the connection (a truncated body).
   */
  | { readonly type: 'truncated-body'; readonly ending: 'hang' | 'close' }

/** Which requests a fault applies to. @public */
export interface FaultMatch {
  readonly method?: string
  /** The path (without query) equals this string or matches this RegExp. */
  readonly path?: string | RegExp
}

/** Options of `inject`. @public */
export interface InjectOptions {
  /** How many matching requests get the fault. Default 1; `Infinity` for all until cleared. */
  readonly times?: number
  readonly match?: FaultMatch
  /**
   * Take the fault for a matching request only with this probability (0 to 1; default 1). A request that is not
   * picked does not count against `times`. E.g. `{ times: Infinity, probability: 0.1 }`: 10% of requests.
   */
  readonly probability?: number
  /** The random source for `probability` (a seeded one makes runs repeatable). Default `Math.random`. */
  readonly random?: () => number
}

/** A fault in a queue; `remaining` counts down as requests take it. @public */
export interface InjectedFault {
  readonly fault: Fault
  /** Requests still to be hit. */
  readonly remaining: number
  /** Requests hit so far. */
  readonly hits: number
  /** Removes the fault. */
  clear(): void
}

interface Entry {
  fault: Fault
  remaining: number
  hits: number
  match: FaultMatch | undefined
  probability: number
  random: () => number
}

/** An ordered list of faults. */
export class FaultQueue {
  private entries: Entry[] = []

  add(fault: Fault, options: InjectOptions = {}): InjectedFault {
    const times = options.times ?? 1
    if (!(times > 0)) throw new TypeError('inject: `times` must be a positive number (or Infinity)')
    const probability = options.probability ?? 1
    if (!(probability >= 0 && probability <= 1))
      throw new TypeError('inject: `probability` must be a number from 0 to 1')
    const entry: Entry = {
      fault,
      remaining: times,
      hits: 0,
      match: options.match,
      probability,
      random: options.random ?? Math.random,
    }
    this.entries.push(entry)
    return {
      fault,
      get remaining() {
        return entry.remaining
      },
      get hits() {
        return entry.hits
      },
      clear: () => {
        this.entries = this.entries.filter((e) => e !== entry)
      },
    }
  }

  /** Takes the first fault matching the request, counting it. */
  take(method: string, path: string): Fault | undefined {
    const entry = this.entries.find(
      (e) =>
        e.remaining > 0 &&
        matchesRequest(e.match, method, path) &&
        (e.fault.type !== 'bulk-reject' || path.endsWith('/_bulk')) &&
        (e.probability >= 1 || e.random() < e.probability),
    )
    if (entry === undefined) return undefined
    entry.remaining -= 1
    entry.hits += 1
    if (entry.remaining <= 0) this.entries = this.entries.filter((e) => e !== entry)
    return entry.fault
  }

  clear(): void {
    this.entries = []
  }

  get size(): number {
    return this.entries.length
  }
}

function matchesRequest(match: FaultMatch | undefined, method: string, path: string): boolean {
  if (match === undefined) return true
  if (match.method !== undefined && match.method.toUpperCase() !== method) return false
  if (match.path === undefined) return true
  return typeof match.path === 'string' ? match.path === path : match.path.test(path)
}
