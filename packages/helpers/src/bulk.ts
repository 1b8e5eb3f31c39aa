import type { BulkRequest, BulkResponse, BulkResponseItem, Client, ErrorCause } from '@stretch/client'
import {
  ConfigurationError,
  checkNumber,
  DeserializationError,
  type NumberRule,
  type QueryValue,
  ResponseError,
} from '@stretch/transport'
import {
  abortError,
  describe,
  kAtLeastOne,
  kConcurrency,
  kCount,
  kMilliseconds,
  optionOf,
  sleep,
  whenAborted,
} from './internal.js'

const kBytes: NumberRule = { ...kAtLeastOne, unit: 'bytes' }

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
export type BulkClient = Pick<Client, 'request'> & { readonly indices: Pick<Client['indices'], 'refresh'> }

type Operation = 'index' | 'create' | 'update' | 'delete'
const kOperations: readonly Operation[] = ['index', 'create', 'update', 'delete']

/**
 * One document turned into NDJSON, as the pieces `append` writes straight into the batch buffer: a scratch object
 * reused for every document of a run. The action line of the common case is cached bytes (`head`, then the id's
 * JSON and `}}\n` when there is an id); the source is the one string per document, `JSON.stringify`'s. Joining
 * the pieces into one string first cost two cons strings and a flattened copy per document, all garbage at once.
 */
interface Line {
  operation: number
  index: string | undefined
  autoId: boolean
  /** The cached start of the action line; undefined when the line is `text` (metadata beyond `_index`/`_id`). */
  head: Uint8Array | undefined
  /** With `head`: the id as JSON, followed by `}}\n`; undefined without an id (`head` is then the whole line). */
  id: string | undefined
  /** Without `head`: the whole action line, newline included. */
  text: string
  /** The source line's JSON, without its newline; undefined for a delete. */
  source: string | undefined
}

/** The cached action-line starts of one index: per operation, without an id (the whole line) and before an id. */
interface Heads {
  readonly whole: (Uint8Array | undefined)[]
  readonly beforeId: (Uint8Array | undefined)[]
}

/**
 * A batch as the bytes that are sent: the NDJSON is written into one Buffer as the documents arrive, with the end
 * offset and operation of each item. A run holds no object and no string per document (only the documents and
 * actions themselves when `onDrop` or `onSuccess` may need them): at 5 MB batches of small documents, one object
 * per document kept `concurrency` batches' worth of small objects alive, promoted to the old space and collected
 * late, and the process's peak RSS grew with the length of the run (173 MB at 100,000 documents, 403 MB at
 * 1,000,000). Bytes in a Buffer are outside the V8 heap, freed as soon as a request is done with them.
 */
interface Batch<TDocument> {
  buffer: Buffer
  bytes: number
  /**
   * Per item, `end * 8 + code`: the byte offset where it ends, and its operation (index of `kOperations`) plus 4
   * when it is an index or create without `_id`. A typed array (outside the V8 heap, reused with the buffer).
   */
  items: Float64Array
  /** Items in the batch. */
  count: number
  readonly documents: TDocument[] | undefined
  readonly actions: BulkAction[] | undefined
  autoIds: number
  /** Update actions (only their items can be `noop`). */
  updates: number
  /** Delete actions (a 404 `not_found` item is no error to Elasticsearch: `"errors":false` does not cover it). */
  deletes: number
}

/** A batch's storage, used again once its request is answered. */
interface Slab {
  readonly buffer: Buffer
  readonly items: Float64Array
}

const endOf = (batch: Batch<unknown>, i: number): number => (i < 0 ? 0 : Math.floor((batch.items[i] as number) / 8))
const codeOf = (batch: Batch<unknown>, i: number): number => (batch.items[i] as number) % 8

function pushItem(batch: Batch<unknown>, end: number, code: number): void {
  if (batch.count === batch.items.length) {
    const grown = new Float64Array(batch.items.length * 2)
    grown.set(batch.items)
    batch.items = grown
  }
  batch.items[batch.count++] = end * 8 + code
}

function newBatch<TDocument>(slab: Slab, keep: boolean): Batch<TDocument> {
  return {
    buffer: slab.buffer,
    bytes: 0,
    items: slab.items,
    count: 0,
    documents: keep ? [] : undefined,
    actions: keep ? [] : undefined,
    autoIds: 0,
    updates: 0,
    deletes: 0,
  }
}

const kTail = 0x7d // }
const kNewline = 0x0a

function append<TDocument>(batch: Batch<TDocument>, line: Line, document: TDocument, action: BulkAction): void {
  const { head, id, source } = line
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only a line near the end of the buffer needs its exact length.
  const bound =
    (head === undefined ? line.text.length * 3 : head.length + (id === undefined ? 0 : id.length * 3 + 3)) +
    (source === undefined ? 0 : source.length * 3 + 1)
  if (batch.buffer.length - batch.bytes < bound) {
    const needed =
      (head === undefined
        ? Buffer.byteLength(line.text)
        : head.length + (id === undefined ? 0 : Buffer.byteLength(id) + 3)) +
      (source === undefined ? 0 : Buffer.byteLength(source) + 1)
    if (batch.buffer.length - batch.bytes < needed) {
      const grown = Buffer.allocUnsafe(Math.max(batch.buffer.length * 2, batch.bytes + needed))
      batch.buffer.copy(grown, 0, 0, batch.bytes)
      batch.buffer = grown
    }
  }
  const buffer = batch.buffer
  let at = batch.bytes
  if (head === undefined) at += buffer.write(line.text, at)
  else {
    buffer.set(head, at)
    at += head.length
    if (id !== undefined) {
      at += buffer.write(id, at)
      buffer[at++] = kTail
      buffer[at++] = kTail
      buffer[at++] = kNewline
    }
  }
  if (source !== undefined) {
    at += buffer.write(source, at)
    buffer[at++] = kNewline
  }
  batch.bytes = at
  pushItem(batch as Batch<unknown>, at, line.operation + (line.autoId ? 4 : 0))
  if (line.autoId) batch.autoIds++
  if (line.operation === 2) batch.updates++
  else if (line.operation === 3) batch.deletes++
  batch.documents?.push(document)
  batch.actions?.push(action)
}

// Only what the helper reads: the response of a 5 MB batch then weighs a few bytes per item instead of ~150. An
// item's `result` tells only an update's `noop` apart; onSuccess hands over each item's `_id` and `_index` too.
const kFilterPath = 'errors,items.*.status,items.*.error'
const kFilterPathWithResult = `${kFilterPath},items.*.result`
const kFilterPathWithIds = `${kFilterPathWithResult},items.*._id,items.*._index`

const kDecoder = new TextDecoder()

// Whether a bulk answer says `"errors":false` among the scalars that open it (Elasticsearch sends
// `{"errors":false,"took":3,"items":[` and older versions `took` first; whitespace allowed) and holds `count`
// items: then every item was applied. Anything else (`"errors":true`, another shape, fewer items) is parsed.
function allSucceeded(bytes: Uint8Array, count: number): boolean {
  const n = bytes.length
  let i = space(bytes, 0)
  if (bytes[i++] !== 0x7b) return false // {
  for (;;) {
    i = space(bytes, i)
    if (bytes[i++] !== 0x22) return false // a key's "
    const key = i
    while (i < n && bytes[i] !== 0x22 && bytes[i] !== 0x5c) i++
    if (bytes[i] !== 0x22) return false // an escape in a key: not a bulk answer's head
    const isErrors = i - key === 6 && kDecoder.decode(bytes.subarray(key, i)) === 'errors'
    i = space(bytes, i + 1)
    if (bytes[i++] !== 0x3a) return false // :
    i = space(bytes, i)
    if (isErrors) {
      if (bytes[i] !== 0x66 || kDecoder.decode(bytes.subarray(i, i + 5)) !== 'false') return false
      return countItems(bytes, i + 5) === count
    }
    // A number, true, false or null before `errors` (took, ingest_took); an object, array or string: parse.
    const first = bytes[i]
    if (first === undefined || first === 0x7b || first === 0x5b || first === 0x22) return false
    while (i < n && bytes[i] !== 0x2c && bytes[i] !== 0x7d) i++
    if (bytes[i++] !== 0x2c) return false // , (a } here: no `errors` key)
  }
}

function space(bytes: Uint8Array, i: number): number {
  let c = bytes[i]
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = bytes[++i]
  return i
}

// The objects directly inside the answer's arrays at its second level (the `items`), strings skipped: about a
// millisecond for the 38 000 items of a 5 MB batch, a tenth of a parse.
function countItems(bytes: Uint8Array, from: number): number {
  let depth = 1
  let items = 0
  for (let i = from, n = bytes.length; i < n; i++) {
    const c = bytes[i]
    if (c === 0x22) {
      for (i++; i < n && bytes[i] !== 0x22; i++) if (bytes[i] === 0x5c) i++
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === 2 && c === 0x7b) items++
      depth++
    } else if (c === 0x7d || c === 0x5d) {
      depth--
    }
  }
  return depth === 0 ? items : -1
}

// An answer's bytes are freed as soon as `bulk` is done with them (counted or decoded), not at the next full GC:
// whatever still holds them for a while (a connection's finished handler, which undici keeps reachable; a third
// party's connection) can let their handle reach the old space, where a 1 MB answer per 5 MB batch of small
// documents piled up, dead, until a full GC (about 20 MB of a 1,000,000-document run's peak before
// @stretch/connection-undici let go of its handlers' chunks; 1 to 5 MB since, in 2 alternated pairs). Only a buffer the bytes fill on their own is let go (never a slice of a shared or pooled one); the
// transfer moves the memory into a throwaway ArrayBuffer (freed at the next scavenge, or at once by `transfer(0)`)
// and leaves `bytes` empty.
const kReleaseMin = 64 * 1024
const arrayBufferTransfer = (ArrayBuffer.prototype as { transfer?: (length?: number) => ArrayBuffer }).transfer

function releaseBytes(bytes: Uint8Array): void {
  const buffer = bytes.buffer
  if (bytes.byteLength < kReleaseMin || bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength) return
  if (!(buffer instanceof ArrayBuffer)) return
  try {
    if (arrayBufferTransfer !== undefined) arrayBufferTransfer.call(buffer, 0)
    else if (typeof structuredClone === 'function') structuredClone(buffer, { transfer: [buffer] })
  } catch {
    // Not transferable here (a runtime without either, a buffer that cannot be detached): the GC frees it later.
  }
}

const kEncoder = new TextEncoder()

// The action line of the common case, `{ _index }` or `{ _index, _id }` with string values, is written from bytes
// cached per run and index: JSON.stringify of a fresh metadata object per document was a fifth of the helper's CPU
// in a profile, and a string per document garbage.
function actionLine(operation: number, meta: BulkActionMeta, prefixes: Map<string, Heads>, line: Line): void {
  let index: string | undefined
  let id: string | undefined
  let fields = 0
  for (const key in meta) {
    const value = meta[key]
    if (value === undefined) continue
    fields++
    if (key === '_index' && typeof value === 'string') index = value
    else if (key === '_id' && typeof value === 'string') id = value
    else fields = -Infinity
  }
  if (index === undefined || fields !== (id === undefined ? 1 : 2)) {
    line.head = undefined
    line.id = undefined
    line.text = `{"${kOperations[operation]}":${JSON.stringify(meta)}}\n`
    return
  }
  let heads = prefixes.get(index)
  if (heads === undefined) {
    heads = { whole: [], beforeId: [] }
    if (prefixes.size < 1024) prefixes.set(index, heads)
  }
  const cache = id === undefined ? heads.whole : heads.beforeId
  let head = cache[operation]
  if (head === undefined) {
    const prefix = `{"${kOperations[operation]}":{"_index":${JSON.stringify(index)}`
    head = kEncoder.encode(id === undefined ? `${prefix}}}\n` : `${prefix},"_id":`)
    cache[operation] = head
  }
  line.head = head
  line.id = id === undefined ? undefined : JSON.stringify(id)
}

function toLine(document: unknown, action: BulkAction, prefixes: Map<string, Heads>, line: Line): void {
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
  line.operation = kOperations.indexOf(operation)
  actionLine(line.operation, meta, prefixes, line)
  line.source = operation === 'delete' ? undefined : (JSON.stringify(source) ?? 'undefined')
  line.index = typeof meta._index === 'string' ? meta._index : undefined
  line.autoId = (operation === 'index' || operation === 'create') && meta._id === undefined
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

/** The items `retry` of `batch` (its indexes), copied into `slab` (its buffer grown if too small), as a new batch. */
function subset<TDocument>(
  batch: Batch<TDocument>,
  retry: readonly number[],
  slab: Slab,
  keep: boolean,
): Batch<TDocument> {
  let size = 0
  for (const i of retry) size += endOf(batch, i) - endOf(batch, i - 1)
  const next = newBatch<TDocument>(
    slab.buffer.length >= size ? slab : { buffer: Buffer.allocUnsafe(size), items: slab.items },
    keep,
  )
  for (const i of retry) {
    next.bytes += batch.buffer.copy(next.buffer, next.bytes, endOf(batch, i - 1), endOf(batch, i))
    const code = codeOf(batch, i)
    pushItem(next as Batch<unknown>, next.bytes, code)
    if (code >= 4) next.autoIds++
    if ((code & 3) === 2) next.updates++
    else if ((code & 3) === 3) next.deletes++
    next.documents?.push(batch.documents?.[i] as TDocument)
    next.actions?.push(batch.actions?.[i] as BulkAction)
  }
  return next
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
  checkNumber(optionOf('bulk', 'flushBytes'), options.flushBytes, kBytes)
  checkNumber(optionOf('bulk', 'flushInterval'), options.flushInterval, kMilliseconds)
  checkNumber(optionOf('bulk', 'concurrency'), options.concurrency, kConcurrency)
  checkNumber(optionOf('bulk', 'retries'), options.retries, kCount)
  checkNumber(optionOf('bulk', 'retryBackoff'), options.retryBackoff, kMilliseconds)
  checkNumber(optionOf('bulk', 'maxRetryBackoff'), options.maxRetryBackoff, kMilliseconds)
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
  const keep = onDrop !== undefined || onSuccess !== undefined
  // The helper's filter_path wins: without `items.*.status` it could not tell what was written.
  const { index: target, querystring: extra, body: _body, ...named } = options.request ?? {}
  const base = { ...extra, ...named } as Record<string, QueryValue>
  if (target === '') throw new ConfigurationError('bulk: `request.index` must not be empty; leave it out or name one')
  const path = target === undefined ? '/_bulk' : `/${encodeURIComponent(String(target))}/_bulk`
  const pathParts = target === undefined ? undefined : { index: String(target) }
  const withIds = { ...base, filter_path: kFilterPathWithIds }
  const withResult = { ...base, filter_path: kFilterPathWithResult }
  const statusOnly = { ...base, filter_path: kFilterPath }
  // The buffer of a batch: room for flushBytes and one more line of common size (a bigger line grows it).
  const capacity = Math.min(flushBytes, 64 * 1024 * 1024) + 16 * 1024

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
  let lastIndex: string | undefined
  const prefixes = new Map<string, Heads>()
  const line: Line = {
    operation: 0,
    index: undefined,
    autoId: false,
    head: undefined,
    id: undefined,
    text: '',
    source: undefined,
  }
  let fatal: { error: unknown } | undefined
  let batch: Batch<TDocument> | undefined
  let inFlight = 0
  const slotWaiters: (() => void)[] = []
  const running = new Set<Promise<void>>()
  // Batch buffers come back here once Elasticsearch answered their request (it read the whole body then): a run
  // allocates about `concurrency` of them, whatever its length, instead of one per batch left to the GC.
  const spare: Slab[] = []
  const take = (): Slab =>
    spare.pop() ?? {
      buffer: Buffer.allocUnsafe(capacity),
      items: new Float64Array(Math.min(flushBytes >> 4, 65_536) || 16),
    }
  const giveBack = (batch: Batch<TDocument>): void => {
    if (batch.buffer.length === capacity && spare.length <= concurrency) {
      spare.push({ buffer: batch.buffer, items: batch.items })
    }
  }

  const fail = (error: unknown): void => {
    fatal ??= { error }
  }
  const drop = (
    batch: Batch<TDocument>,
    i: number,
    attempts: number,
    status: number | undefined,
    error: Error,
  ): void => {
    stats.failed++
    if (onDrop === undefined) return
    try {
      onDrop({
        document: batch.documents?.[i] as TDocument,
        action: batch.actions?.[i] as BulkAction,
        operation: kOperations[codeOf(batch as Batch<unknown>, i) & 3] as Operation,
        status,
        error,
        attempts,
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
  // cluster slows the reading of the datasource instead of piling up retries in memory. Every item of a round has
  // been sent the same number of times.
  const send = async (first: Batch<TDocument>): Promise<void> => {
    let pending = first
    for (let attempts = 1; ; attempts++) {
      const count = pending.count
      const body = pending.buffer.subarray(0, pending.bytes)
      stats.bytes += body.length
      let response: BulkResponse
      try {
        // The NDJSON as bytes, sent as they are. The answer comes back as bytes: one that says
        // `"errors":false` for a batch of index and create actions without onSuccess is counted without being parsed (parsed, a 5 MB
        // batch's answer is some 76 000 objects, which V8 puts straight into the old space, garbage until a full GC).
        const statusOnlyBatch = onSuccess === undefined && pending.updates === 0
        const countable = statusOnlyBatch && pending.deletes === 0
        const querystring = statusOnlyBatch ? statusOnly : onSuccess !== undefined ? withIds : withResult
        const result = await client.request(
          { method: 'POST', path, querystring, ndjson: body, endpoint: 'bulk', pathParts },
          { meta: true, asBytes: true, origin: 'helpers.bulk' },
        )
        if (result.meta.attempts > 1) stats.uncertain += pending.autoIds
        if (countable && allSucceeded(result.body, count)) {
          releaseBytes(result.body)
          stats.successful += count
          giveBack(pending)
          return
        }
        try {
          const text = kDecoder.decode(result.body)
          releaseBytes(result.body)
          response = JSON.parse(text) as BulkResponse
        } catch (error) {
          throw new DeserializationError(`bulk: the answer is not JSON (${(error as Error).message})`, {
            meta: { request: result.meta.request, attempts: [] },
          })
        }
      } catch (error) {
        const status = (error as { statusCode?: unknown }).statusCode
        const tries = (error as { meta?: { attempts?: unknown } }).meta?.attempts
        if (typeof status !== 'number' || (Array.isArray(tries) && tries.length > 1)) {
          stats.uncertain += pending.autoIds
        }
        for (let i = 0; i < count; i++) {
          drop(pending, i, attempts, typeof status === 'number' ? status : undefined, error as Error)
        }
        return
      }
      let retry: number[] | undefined
      const items = response.items ?? []
      for (let i = 0; i < count; i++) {
        const wrapped = items[i]
        const operation = kOperations[codeOf(pending as Batch<unknown>, i) & 3] as Operation
        const item = wrapped?.[operation] ?? (wrapped === undefined ? undefined : Object.values(wrapped)[0])
        if (item === undefined) {
          drop(
            pending,
            i,
            attempts,
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
              onSuccess({ document: pending.documents?.[i] as TDocument, item })
            } catch (e) {
              fail(e)
            }
          }
        } else if (item.status === 429 && attempts <= retries && signal?.aborted !== true) {
          if (retry === undefined) retry = [i]
          else retry.push(i)
        } else {
          drop(pending, i, attempts, item.status, itemError(item))
        }
      }
      if (retry === undefined) {
        giveBack(pending)
        return
      }
      // Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): spreads the re-sends of many
      // writers that were rejected at the same moment.
      const cap = Math.min(maxRetryBackoff, retryBackoff * 2 ** (attempts - 1))
      await sleep(Math.random() * cap, signal)
      if (signal?.aborted === true) {
        // Nothing is sent after the abort: the rejected items were not written; say so.
        for (const i of retry) drop(pending, i, attempts, 429, abortError('bulk', signal))
        return
      }
      stats.retried += retry.length
      const answered = pending
      pending = subset(answered, retry, take(), keep)
      giveBack(answered)
    }
  }

  // Resolves once the batch has a concurrency slot (the caller then reads on); the send itself is tracked in
  // `running` from the start, so the end of the run waits for a batch that is still waiting for its slot.
  const flush = (): Promise<void> => {
    if (batch === undefined || batch.count === 0) return Promise.resolve()
    const entries = batch
    batch = undefined
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
      // A new batch starts only once a request slot is free: at most `concurrency` buffers of `flushBytes` at once.
      if (batch === undefined && inFlight >= concurrency) {
        await new Promise<void>((resolve) => slotWaiters.push(resolve))
        continue
      }
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
      try {
        const action = onDocument(next.value)
        toLine(next.value, action, prefixes, line)
        if (line.index !== undefined && line.index !== lastIndex) {
          lastIndex = line.index
          indices.add(lastIndex)
        }
        batch ??= newBatch(take(), keep)
        append(batch, line, next.value, action)
      } catch (error) {
        fail(error)
        break
      }
      if (batch.bytes >= flushBytes) {
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
    await client.indices.refresh(index === undefined ? {} : { index }, { origin: 'helpers.bulk' })
  }
  stats.time = performance.now() - started
  return stats
}
