import { randomBytes } from 'node:crypto'
import { EsHttpError, esError, esErrorBody, illegalArgument, type Reply } from './es-errors.js'
import { parseDuration } from './security-realm.js'

/** Elasticsearch's `search.max_keep_alive` and `point_in_time.max_keep_alive` defaults. */
export const MAX_KEEP_ALIVE_MS = 86_400_000

/** What a scroll or point in time id carries: its kind, its context number and a random part. */
interface DecodedId {
  readonly kind: 'scroll' | 'pit'
  readonly number: number
}

// The leading bytes decide how the base64 starts: Elasticsearch scroll ids start `FGluY2x1ZGVfY29udGV4dF91dWlk`
// (`include_context_uuid`), point in time ids `46To`. Ours look alike but are only opaque tokens.
const PREFIX = {
  scroll: Buffer.from('\x14include_context_uuid\x0dqueryAndFetch\x01', 'latin1'),
  pit: Buffer.from([0xe3, 0xa4, 0xe8, 0x03, 0x01]),
} as const
const TAIL = 8 + 16

/** Base64url with padding, as Elasticsearch's `Base64.getUrlEncoder()` writes. */
function encode(kind: 'scroll' | 'pit', number: number): string {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(number))
  const raw = Buffer.concat([PREFIX[kind], counter, randomBytes(16)]).toString('base64url')
  return raw.padEnd(Math.ceil(raw.length / 4) * 4, '=')
}

function decode(kind: 'scroll' | 'pit', id: string): DecodedId | undefined {
  if (!/^[A-Za-z0-9_-]+=*$/.test(id)) return undefined
  const bytes = Buffer.from(id, 'base64url')
  const prefix = PREFIX[kind]
  if (bytes.length !== prefix.length + TAIL || !bytes.subarray(0, prefix.length).equals(prefix)) return undefined
  return { kind, number: Number(bytes.readBigUInt64BE(prefix.length)) }
}

/** Elasticsearch's `TimeValue.toString()`: the largest unit that keeps the value at least 1, one decimal at most. */
export function formatTimeValue(ms: number): string {
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ]
  for (const [unit, size] of units) {
    if (ms >= size) {
      const value = Math.round((ms / size) * 10) / 10
      return `${value}${unit}`
    }
  }
  return `${ms}ms`
}

/** `Validation Failed: 1: a;2: b;` as `action_request_validation_exception`. */
export function validationFailed(messages: readonly string[]): Reply {
  return esError(
    400,
    'action_request_validation_exception',
    `Validation Failed: ${messages.map((m, i) => `${i + 1}: ${m};`).join('')}`,
  )
}

/**
 * A failure on the shards, as the coordinating node reports it: `search_phase_execution_exception` "all shards
 * failed" whose root cause is the shard's error (with one shard, Elasticsearch groups it so).
 */
export function searchPhaseFailure(
  status: number,
  cause: { type: string; reason: string },
  phase = 'query',
  shard: { shard: number; index: string | null } = { shard: -1, index: null },
): Reply {
  return {
    status,
    body: {
      error: {
        root_cause: [cause],
        type: 'search_phase_execution_exception',
        reason: 'all shards failed',
        phase,
        grouped: true,
        failed_shards: [{ ...shard, reason: cause }],
        caused_by: cause,
      },
      status,
    },
  }
}

function contextMissing(number: number): EsHttpError {
  return new EsHttpError(
    searchPhaseFailure(404, {
      type: 'search_context_missing_exception',
      reason: `No search context found for id [${number}]`,
    }),
  )
}

/**
 * Parses a keep-alive (`1m`, `30s`) and checks Elasticsearch's maximum. `setting` names the limit in the message;
 * `wrap` puts the error inside a search phase failure (scroll: the shards refuse it), else it is the top-level error.
 */
export function parseKeepAlive(value: unknown, name: string, setting: string, wrap: boolean): number {
  const ms = parseDuration(value)
  if (ms === undefined) {
    throw new EsHttpError(
      esError(
        400,
        'illegal_argument_exception',
        `failed to parse setting [${name}] with value [${String(value)}] as a time value: unit is missing or unrecognized`,
      ),
    )
  }
  if (ms > MAX_KEEP_ALIVE_MS) {
    const cause = {
      type: 'illegal_argument_exception',
      reason: `Keep alive for request (${formatTimeValue(ms)}) is too large. It must be less than (${formatTimeValue(MAX_KEEP_ALIVE_MS)}). This limit can be set by changing the [${setting}] cluster level setting.`,
    }
    throw new EsHttpError(wrap ? searchPhaseFailure(400, cause) : { status: 400, body: esErrorBody(400, cause) })
  }
  return ms
}

/** An open context: what it holds and when it expires (renewed by each use). */
interface Context<T> {
  readonly id: string
  readonly number: number
  readonly data: T
  keepAliveMs: number
  expiresAt: number
}

/**
 * The open scroll and point-in-time contexts of a cluster. They expire lazily: every access drops the ones whose
 * keep-alive ran out (no timers, so nothing keeps a process alive or leaks).
 * @public
 */
export class SearchContexts<S, P> {
  private counter = 0
  private readonly scrolls = new Map<string, Context<S>>()
  private readonly pits = new Map<string, Context<P>>()
  readonly now: () => number

  constructor(now: () => number) {
    this.now = now
  }

  private sweep(): void {
    const now = this.now()
    for (const map of [this.scrolls, this.pits] as Array<Map<string, Context<unknown>>>)
      for (const [id, c] of map) if (c.expiresAt <= now) map.delete(id)
  }

  /** The number of live scroll contexts (expired ones dropped). */
  get openScrolls(): number {
    this.sweep()
    return this.scrolls.size
  }

  /** The number of live point-in-time contexts (expired ones dropped). */
  get openPits(): number {
    this.sweep()
    return this.pits.size
  }

  private open<T>(kind: 'scroll' | 'pit', map: Map<string, Context<T>>, data: T, keepAliveMs: number): string {
    this.sweep()
    const number = ++this.counter
    const id = encode(kind, number)
    map.set(id, { id, number, data, keepAliveMs, expiresAt: this.now() + keepAliveMs })
    return id
  }

  private use<T>(
    kind: 'scroll' | 'pit',
    map: Map<string, Context<T>>,
    id: string,
    keepAliveMs: number | undefined,
  ): Context<T> {
    this.sweep()
    const decoded = decode(kind, id)
    if (decoded === undefined) {
      // SearchScrollRequest / SearchContextId.decode, for a string that is no id at all.
      throw new EsHttpError(illegalArgument(kind === 'scroll' ? 'Cannot parse scroll id' : `invalid id: [${id}]`))
    }
    const context = map.get(id)
    if (context === undefined) throw contextMissing(decoded.number)
    if (keepAliveMs !== undefined) context.keepAliveMs = keepAliveMs
    context.expiresAt = this.now() + context.keepAliveMs
    return context
  }

  openScroll(data: S, keepAliveMs: number): string {
    return this.open('scroll', this.scrolls, data, keepAliveMs)
  }

  /**
   * The scroll's data; 400 for an id that is not a scroll id, 404 when it expired or was cleared. Without a new
   * keep-alive the context keeps its own, counted from now (Elasticsearch's `processScroll`).
   */
  scroll(id: string, keepAliveMs: number | undefined): S {
    return this.use('scroll', this.scrolls, id, keepAliveMs).data
  }

  /** Frees scrolls (`_all`: every one); an id that is not a scroll id is a 400 before anything is freed. */
  clearScrolls(ids: readonly string[]): number {
    this.sweep()
    if (ids.includes('_all')) {
      const n = this.scrolls.size
      this.scrolls.clear()
      return n
    }
    for (const id of ids)
      if (decode('scroll', id) === undefined) throw new EsHttpError(illegalArgument('Cannot parse scroll id'))
    let freed = 0
    for (const id of ids) if (this.scrolls.delete(id)) freed++
    return freed
  }

  openPit(data: P, keepAliveMs: number): string {
    return this.open('pit', this.pits, data, keepAliveMs)
  }

  /** The point in time's data; `keepAliveMs` (the search's `pit.keep_alive`) renews it. */
  pit(id: string, keepAliveMs: number | undefined): P {
    return this.use('pit', this.pits, id, keepAliveMs).data
  }

  closePit(id: string): number {
    this.sweep()
    if (decode('pit', id) === undefined) throw new EsHttpError(illegalArgument(`invalid id: [${id}]`))
    return this.pits.delete(id) ? 1 : 0
  }
}
