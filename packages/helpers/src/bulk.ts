import type { BulkRequest, BulkResponse, BulkResponseItem, Client, ErrorCause } from '@stretch/client'
import { ConfigurationError, ResponseError } from '@stretch/transport'
import { abortError, checkInteger, describe, sleep, whenAborted } from './internal.js'

/**
 * Where `bulk` reads documents from: an array, any iterable or async iterable (a generator, a Node.js `Readable`
 * in object mode), or a Web `ReadableStream`. It is read one document at a time, only as fast as Elasticsearch
 * takes them.
 * @public
 */
export type BulkDatasource<TDocument> = Iterable<TDocument> | AsyncIterable<TDocument> | ReadableStream<TDocument>

/**
 * The metadata of one bulk action: `_index`, `_id` and the other action-line fields Elasticsearch accepts
 * (`routing`, `if_seq_no`, `if_primary_term`, `version`, `version_type`, `pipeline`, `require_alias`, ...).
 * @public
 */
export interface BulkActionMeta {
  /** The target index (or data stream, or alias). */
  readonly _index?: string | undefined
  /** The document id; without it Elasticsearch assigns one (index and create only). */
  readonly _id?: string | undefined
  /** Routing value. */
  readonly routing?: string | undefined
  /** Any other action-line field. */
  readonly [field: string]: unknown
}

/**
 * What `onDocument` returns for each document: the action and its metadata.
 *
 * - `{ index: meta }`, `{ create: meta }`: the document is the source (or `document`, when given).
 * - `{ update: meta, doc_as_upsert?, upsert? }`: a partial update with the document (or `doc`) as `doc`.
 *   The official client's `[{ update: meta }, { doc_as_upsert: true }]` form is accepted too.
 * - `{ delete: meta }`: no source.
 * @public
 */
export type BulkAction =
  | { readonly index: BulkActionMeta; readonly document?: unknown }
  | { readonly create: BulkActionMeta; readonly document?: unknown }
  | {
      readonly update: BulkActionMeta
      readonly doc?: unknown
      readonly doc_as_upsert?: boolean | undefined
      readonly upsert?: unknown
    }
  | readonly [{ readonly update: BulkActionMeta }, { readonly doc_as_upsert?: boolean; readonly upsert?: unknown }]
  | { readonly delete: BulkActionMeta }

/**
 * A document that was not written, handed to `onDrop`.
 * @public
 */
export interface BulkDrop<TDocument> {
  /** The document, as the datasource gave it. */
  readonly document: TDocument
  /** The action `onDocument` returned for it. */
  readonly action: BulkAction
  /** The operation: `index`, `create`, `update` or `delete`. */
  readonly operation: 'index' | 'create' | 'update' | 'delete'
  /** The item's HTTP status (409, 400, 429 after the last retry, ...); undefined when the request itself failed without one. */
  readonly status: number | undefined
  /**
   * Why: for an item Elasticsearch refused, a `ResponseError` whose `body.error` is the item's error
   * (`type`, `reason`); when the whole request failed, that request's error (`ConnectionError`, `ResponseError`, ...).
   */
  readonly error: Error
  /** How many times the item was sent. */
  readonly attempts: number
}

/**
 * What `bulk` resolves to.
 * @public
 */
export interface BulkStats {
  /** Documents read from the datasource (after an abort, some of them may never have been sent). */
  readonly total: number
  /** Items Elasticsearch applied (including `noop` updates). */
  readonly successful: number
  /** Items not applied, each handed to `onDrop`. */
  readonly failed: number
  /** Item re-sends after a 429 (one item sent three times counts 2). */
  readonly retried: number
  /** Updates Elasticsearch answered with `result: noop` (nothing changed). */
  readonly noop: number
  /** Bytes of NDJSON sent, re-sends included. */
  readonly bytes: number
  /** Milliseconds from the call to the end. */
  readonly time: number
  /** True when `signal` aborted the run. */
  readonly aborted: boolean
  /**
   * `index` and `create` actions without `_id` whose outcome Elasticsearch did not confirm exactly once: in a bulk
   * request the client sent more than once (an earlier attempt may have been applied too), or in one that failed
   * without an answer (a connection error or timeout: counted in `failed`, yet possibly written). Such documents may
   * be stored twice, or once although dropped. With ids, a re-send overwrites instead, and this stays 0.
   */
  readonly uncertain: number
}

/**
 * Options of {@link bulk}.
 * @public
 */
export interface BulkOptions<TDocument> {
  /** The documents. */
  readonly datasource: BulkDatasource<TDocument>
  /** Turns each document into its action (`{ index: { _index: 'logs' } }`, ...). */
  readonly onDocument: (document: TDocument) => BulkAction
  /** Send a batch once it holds this many bytes of NDJSON. Default 5 MB (5,000,000), as the official helper. */
  readonly flushBytes?: number | undefined
  /** Send a partial batch when no document arrived for this many ms. Default 30,000. */
  readonly flushInterval?: number | undefined
  /** Bulk requests in flight at once. Default 5. */
  readonly concurrency?: number | undefined
  /** How many times an item rejected with 429 is sent again. Default 3. */
  readonly retries?: number | undefined
  /** First backoff before re-sending 429s, in ms (full jitter, doubling). Default 500. */
  readonly retryBackoff?: number | undefined
  /** Longest backoff, in ms. Default 30,000. */
  readonly maxRetryBackoff?: number | undefined
  /** Called for every document not written (item error, 429 after the last retry, request failure). */
  readonly onDrop?: ((drop: BulkDrop<TDocument>) => void) | undefined
  /** Called once per successful item (its `status`, `result`, `_id` and `_index`: the helper's `filter_path`). */
  readonly onSuccess?:
    | ((success: { readonly document: TDocument; readonly item: BulkResponseItem }) => void)
    | undefined
  /**
   * Stops the run: nothing is read or sent after the abort; requests in flight finish, their answers are counted,
   * and `bulk` resolves with `aborted: true`.
   */
  readonly signal?: AbortSignal | undefined
  /** Query parameters of every bulk request (`pipeline`, `refresh`, `routing`, `timeout`, ...; not `filter_path`). */
  readonly request?: Omit<BulkRequest, 'operations'> | undefined
  /** Refresh the written indices once done (`client.indices.refresh`). Default false. */
  readonly refreshOnCompletion?: boolean | string | undefined
}

/**
 * The part of the client `bulk` uses.
 * @public
 */
export type BulkClient = Pick<Client, 'bulk'> & { readonly indices: Pick<Client['indices'], 'refresh'> }

type Operation = 'index' | 'create' | 'update' | 'delete'

interface Entry<TDocument> {
  readonly document: TDocument
  readonly action: BulkAction
  readonly operation: Operation
  readonly index: string | undefined
  readonly ndjson: string
  readonly bytes: number
  readonly autoId: boolean
  attempts: number
}

// Only what the helper reads: the response of a 5 MB batch then weighs a few bytes per item instead of ~150.
const kFilterPath = 'errors,items.*.status,items.*.result,items.*.error,items.*._id,items.*._index'

// The action line of the common case, `{ _index }` or `{ _index, _id }` with string values, is built from a prefix
// cached per run: JSON.stringify of a fresh metadata object per document was a fifth of the helper's CPU in a profile.
function actionLine(operation: Operation, meta: BulkActionMeta, prefixes: Map<string, string>): string {
  let index: string | undefined
  let id: string | undefined
  let fields = 0
  for (const key in meta) {
    const value = meta[key]
    if (value === undefined) continue
    fields++
    if (key === '_index' && typeof value === 'string') index = value
    else if (key === '_id' && typeof value === 'string') id = value
    else return `{"${operation}":${JSON.stringify(meta)}}\n`
  }
  if (index === undefined || fields !== (id === undefined ? 1 : 2)) return `{"${operation}":${JSON.stringify(meta)}}\n`
  const key = `${operation}\u0000${index}`
  let prefix = prefixes.get(key)
  if (prefix === undefined) {
    prefix = `{"${operation}":{"_index":${JSON.stringify(index)}`
    if (prefixes.size < 1024) prefixes.set(key, prefix)
  }
  return id === undefined ? `${prefix}}}\n` : `${prefix},"_id":${JSON.stringify(id)}}}\n`
}

function toEntry<TDocument>(
  document: TDocument,
  action: BulkAction,
  prefixes: Map<string, string>,
  keep: boolean,
): Entry<TDocument> {
  if (action === null || typeof action !== 'object') {
    throw new ConfigurationError(
      `bulk: \`onDocument\` must return an action such as { index: { _index: 'my-index' } } (got ${describe(action)})`,
    )
  }
  let operation: Operation
  let meta: BulkActionMeta
  let source: unknown
  if (Array.isArray(action)) {
    const [head, tail] = action as readonly [{ update?: BulkActionMeta }, Record<string, unknown> | undefined]
    if (head?.update === undefined) {
      throw new ConfigurationError(
        'bulk: an array returned by `onDocument` must be [{ update: { _index, _id } }, { doc_as_upsert: true }]',
      )
    }
    operation = 'update'
    meta = head.update
    source = { ...(tail ?? {}), doc: document }
  } else {
    const a = action as Record<string, unknown>
    if (a['index'] !== undefined) {
      operation = 'index'
      meta = a['index'] as BulkActionMeta
      source = 'document' in a ? a['document'] : document
    } else if (a['create'] !== undefined) {
      operation = 'create'
      meta = a['create'] as BulkActionMeta
      source = 'document' in a ? a['document'] : document
    } else if (a['update'] !== undefined) {
      operation = 'update'
      meta = a['update'] as BulkActionMeta
      const body: Record<string, unknown> = { doc: 'doc' in a ? a['doc'] : document }
      if (a['doc_as_upsert'] !== undefined) body['doc_as_upsert'] = a['doc_as_upsert']
      if (a['upsert'] !== undefined) body['upsert'] = a['upsert']
      source = body
    } else if (a['delete'] !== undefined) {
      operation = 'delete'
      meta = a['delete'] as BulkActionMeta
    } else {
      throw new ConfigurationError(
        `bulk: \`onDocument\` returned an object without index, create, update or delete (keys: ${Object.keys(a).join(', ') || 'none'})`,
      )
    }
  }
  if (meta === null || typeof meta !== 'object') {
    throw new ConfigurationError(`bulk: the \`${operation}\` metadata returned by \`onDocument\` must be an object`)
  }
  const head = actionLine(operation, meta, prefixes)
  const ndjson = operation === 'delete' ? head : `${head}${JSON.stringify(source)}\n`
  return {
    // Without onDrop or onSuccess nobody asks for them: not holding a batch's documents spares the GC a 5 MB batch
    // of objects per request in flight (the NDJSON, kept for 429 re-sends, is enough).
    document: keep ? document : (undefined as TDocument),
    action: keep ? action : (undefined as unknown as BulkAction),
    operation,
    index: typeof meta._index === 'string' ? meta._index : undefined,
    ndjson,
    bytes: Buffer.byteLength(ndjson),
    autoId: (operation === 'index' || operation === 'create') && meta._id === undefined,
    attempts: 0,
  }
}

function iteratorOf<T>(datasource: BulkDatasource<T>): AsyncIterator<T> | Iterator<T> {
  const source = datasource as unknown as Record<symbol | string, unknown>
  if (typeof source[Symbol.asyncIterator] === 'function')
    return (datasource as AsyncIterable<T>)[Symbol.asyncIterator]()
  if (typeof source[Symbol.iterator] === 'function') return (datasource as Iterable<T>)[Symbol.iterator]()
  if (typeof source['getReader'] === 'function') {
    const reader = (datasource as ReadableStream<T>).getReader()
    return {
      next: async () => {
        const r = await reader.read()
        return r.done ? { done: true, value: undefined } : { done: false, value: r.value }
      },
      return: async () => {
        await reader.cancel()
        return { done: true, value: undefined }
      },
    }
  }
  throw new ConfigurationError(
    `bulk: \`datasource\` must be an array, an iterable, an async iterable or a ReadableStream (got ${describe(datasource)})`,
  )
}

/** Entries Elasticsearch gives an id itself: written twice if a request is applied twice. */
function autoIds(entries: readonly Entry<unknown>[]): number {
  let n = 0
  for (const e of entries) if (e.autoId) n++
  return n
}

function itemError(item: BulkResponseItem): ResponseError {
  const cause: ErrorCause = item.error ?? { type: 'unknown', reason: `status ${item.status}` }
  return new ResponseError({
    statusCode: item.status,
    body: { error: cause, status: item.status },
    headers: {},
    path: '/_bulk',
  })
}

/**
 * Indexes, creates, updates or deletes many documents with bulk requests: batches of `flushBytes`, `concurrency`
 * requests in flight, the datasource read only as fast as Elasticsearch takes the documents (memory stays bounded
 * whatever its size), items rejected with 429 sent again with backoff and jitter, other failures handed to `onDrop`.
 *
 * Rejects when the datasource, `onDocument`, `onDrop` or `onSuccess` throws (after the requests in flight end);
 * an item or request failure never rejects: it is counted in `failed` and handed to `onDrop`.
 *
 * @param client - a `@stretch/client` `Client` (or anything with its `bulk` method).
 * @param options - the datasource, the action of each document, batching and retries; see {@link BulkOptions}.
 * @returns the counts of the run.
 * @example
 * ```ts
 * const stats = await bulk(client, {
 *   datasource: [{ id: '1', title: 'Dune' }, { id: '2', title: 'Emma' }],
 *   onDocument: (book) => ({ index: { _index: 'books', _id: book.id } }),
 *   onDrop: (drop) => console.error(drop.status, drop.error.message),
 * })
 * console.log(stats.successful) // 2
 * ```
 * @public
 */
export async function bulk<TDocument>(client: BulkClient, options: BulkOptions<TDocument>): Promise<BulkStats> {
  const started = performance.now()
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('bulk: pass an options object: bulk(client, { datasource, onDocument })')
  }
  if (typeof options.onDocument !== 'function') {
    throw new ConfigurationError(
      "bulk: `onDocument` must be a function returning the action, e.g. (doc) => ({ index: { _index: 'my-index' } })",
    )
  }
  checkInteger('bulk', 'flushBytes', options.flushBytes, 1)
  checkInteger('bulk', 'flushInterval', options.flushInterval, 0)
  checkInteger('bulk', 'concurrency', options.concurrency, 1, 1024)
  checkInteger('bulk', 'retries', options.retries, 0)
  checkInteger('bulk', 'retryBackoff', options.retryBackoff, 0)
  checkInteger('bulk', 'maxRetryBackoff', options.maxRetryBackoff, 0)
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new ConfigurationError(`bulk: \`signal\` must be an AbortSignal (got ${describe(options.signal)})`)
  }
  const iterator = iteratorOf(options.datasource)
  const flushBytes = options.flushBytes ?? 5_000_000
  const flushInterval = options.flushInterval ?? 30_000
  const concurrency = options.concurrency ?? 5
  const retries = options.retries ?? 3
  const retryBackoff = options.retryBackoff ?? 500
  const maxRetryBackoff = options.maxRetryBackoff ?? 30_000
  const { signal, onDocument, onDrop, onSuccess } = options
  // The helper's filter_path wins: without `items.*.status` it could not tell what was written.
  const request = { ...(options.request ?? {}), filter_path: kFilterPath }

  const stats = {
    total: 0,
    successful: 0,
    failed: 0,
    retried: 0,
    noop: 0,
    bytes: 0,
    time: 0,
    aborted: false,
    uncertain: 0,
  }
  const indices = new Set<string>()
  const prefixes = new Map<string, string>()
  const keep = onDrop !== undefined || onSuccess !== undefined
  let fatal: { error: unknown } | undefined
  let batch: Entry<TDocument>[] = []
  let batchBytes = 0
  let inFlight = 0
  const slotWaiters: (() => void)[] = []
  const running = new Set<Promise<void>>()

  const fail = (error: unknown): void => {
    fatal ??= { error }
  }
  const drop = (entry: Entry<TDocument>, status: number | undefined, error: Error): void => {
    stats.failed++
    if (onDrop === undefined) return
    try {
      onDrop({
        document: entry.document,
        action: entry.action,
        operation: entry.operation,
        status,
        error,
        attempts: entry.attempts,
      })
    } catch (e) {
      fail(e)
    }
  }

  const acquire = async (): Promise<void> => {
    while (inFlight >= concurrency) await new Promise<void>((resolve) => slotWaiters.push(resolve))
    inFlight++
  }
  const release = (): void => {
    inFlight--
    slotWaiters.shift()?.()
  }

  // One batch, start to end, in one concurrency slot: the 429 re-sends wait in the slot too, so an overloaded
  // cluster slows the reading of the datasource instead of piling up retries in memory.
  const send = async (entries: Entry<TDocument>[]): Promise<void> => {
    let pending = entries
    while (pending.length > 0) {
      let ndjson = ''
      for (const entry of pending) {
        ndjson += entry.ndjson
        entry.attempts++
      }
      stats.bytes += Buffer.byteLength(ndjson)
      let response: BulkResponse
      try {
        const result = await client.bulk({ ...request, operations: ndjson }, { meta: true })
        response = result.body
        if (result.meta.attempts > 1) stats.uncertain += autoIds(pending)
      } catch (error) {
        const status = (error as { statusCode?: unknown }).statusCode
        const attempts = (error as { meta?: { attempts?: unknown } }).meta?.attempts
        if (typeof status !== 'number' || (Array.isArray(attempts) && attempts.length > 1)) {
          stats.uncertain += autoIds(pending)
        }
        for (const entry of pending) drop(entry, typeof status === 'number' ? status : undefined, error as Error)
        return
      }
      const retry: Entry<TDocument>[] = []
      const items = response.items ?? []
      for (let i = 0; i < pending.length; i++) {
        const entry = pending[i] as Entry<TDocument>
        const wrapped = items[i]
        const item = wrapped?.[entry.operation] ?? (wrapped === undefined ? undefined : Object.values(wrapped)[0])
        if (item === undefined) {
          drop(
            entry,
            undefined,
            new ResponseError({
              statusCode: 200,
              body: { error: { type: 'missing_item', reason: `the bulk response has no item ${i}` } },
              headers: {},
              path: '/_bulk',
            }),
          )
          continue
        }
        if (item.status >= 200 && item.status < 300) {
          stats.successful++
          if (item.result === 'noop') stats.noop++
          if (onSuccess !== undefined) {
            try {
              onSuccess({ document: entry.document, item })
            } catch (e) {
              fail(e)
            }
          }
        } else if (item.status === 429 && entry.attempts <= retries && signal?.aborted !== true) {
          retry.push(entry)
        } else {
          drop(entry, item.status, itemError(item))
        }
      }
      if (retry.length === 0) return
      // Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): spreads the re-sends of many
      // writers that were rejected at the same moment.
      const attempt = (retry[0] as Entry<TDocument>).attempts
      const cap = Math.min(maxRetryBackoff, retryBackoff * 2 ** (attempt - 1))
      await sleep(Math.random() * cap, signal)
      if (signal?.aborted === true) {
        // Nothing is sent after the abort: the rejected items were not written; say so.
        for (const entry of retry) drop(entry, 429, abortError('bulk', signal))
        return
      }
      stats.retried += retry.length
      pending = retry
    }
  }

  // Resolves once the batch has a concurrency slot (the caller then reads on); the send itself is tracked in
  // `running` from the start, so the end of the run waits for a batch that is still waiting for its slot.
  const flush = (): Promise<void> => {
    if (batch.length === 0) return Promise.resolve()
    const entries = batch
    batch = []
    batchBytes = 0
    let slot = (): void => {}
    const acquired = new Promise<void>((resolve) => {
      slot = resolve
    })
    const p = (async () => {
      await acquire()
      slot()
      try {
        if (signal?.aborted === true || fatal !== undefined) return
        await send(entries)
      } finally {
        release()
      }
    })().catch(fail)
    running.add(p)
    void p.then(() => running.delete(p))
    return acquired
  }

  let timer: NodeJS.Timeout | undefined
  const arm = (): void => {
    if (flushInterval === 0 || timer !== undefined) return
    timer = setTimeout(() => {
      timer = undefined
      void flush()
    }, flushInterval)
  }
  const disarm = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
  }

  const aborted = whenAborted(signal)
  const kAborted = Symbol('aborted')
  try {
    while (fatal === undefined && signal?.aborted !== true) {
      let next: IteratorResult<TDocument>
      try {
        const pulled = iterator.next()
        // A sync iterator answers at once: no race, no promise per document; without a signal, nothing to race.
        if (!(pulled instanceof Promise)) next = pulled
        else if (signal === undefined) next = await pulled
        else {
          const raced = await Promise.race([pulled, aborted.promise.then(() => kAborted)])
          if (raced === kAborted) break
          next = raced as IteratorResult<TDocument>
        }
      } catch (error) {
        fail(error)
        break
      }
      if (next.done === true) break
      stats.total++
      let entry: Entry<TDocument>
      try {
        entry = toEntry(next.value, onDocument(next.value), prefixes, keep)
      } catch (error) {
        fail(error)
        break
      }
      if (entry.index !== undefined) indices.add(entry.index)
      batch.push(entry)
      batchBytes += entry.bytes
      if (batchBytes >= flushBytes) {
        disarm()
        await flush()
      } else arm()
    }
    disarm()
    if (fatal === undefined && signal?.aborted !== true) await flush()
  } finally {
    disarm()
    aborted.cleanup()
    if (fatal !== undefined || signal?.aborted === true) {
      // Closes a generator or a stream early (its `finally`, its file handle); a pending read may never settle.
      void Promise.resolve()
        .then(() => iterator.return?.())
        .catch(() => {})
    }
    while (running.size > 0) await Promise.all([...running])
  }
  if (fatal !== undefined) throw fatal.error
  stats.aborted = signal?.aborted === true
  const refresh = options.refreshOnCompletion
  if (refresh !== undefined && refresh !== false && !stats.aborted && stats.successful > 0) {
    const index = typeof refresh === 'string' ? refresh : [...indices].join(',') || undefined
    await client.indices.refresh(index === undefined ? {} : { index })
  }
  stats.time = performance.now() - started
  return stats
}
