import { randomBytes } from 'node:crypto'
import { aggregate } from './aggs.js'
import { EsHttpError, esError, indexNotFound, parsingError, type Reply } from './es-errors.js'
import { compareSortValues, matches, parseSort, type SortKey, score, sortValue } from './query.js'
import { parseKeepAlive, SearchContexts, searchPhaseFailure, validationFailed } from './search-contexts.js'

type Json = Record<string, unknown>

/** A stored document. @public */
export interface StoredDoc {
  readonly _id: string
  _source: Json
  _version: number
  _seq_no: number
  _primary_term: number
}

/** An index of the in-memory store. @public */
export interface StoredIndex {
  readonly name: string
  readonly uuid: string
  readonly creationDate: number
  readonly docs: Map<string, StoredDoc>
  mappings: Json
  settings: Json
  aliases: Json
  seqNo: number
}

const SHARDS = { total: 2, successful: 1, failed: 0 }

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function inferMapping(value: unknown): Json | undefined {
  if (typeof value === 'string') {
    if (/^\d{4}-\d\d-\d\d([T ][\d:.]+(Z|[+-]\d\d:?\d\d)?)?$/.test(value) && !Number.isNaN(Date.parse(value)))
      return { type: 'date' }
    return { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } }
  }
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'long' : 'float' }
  if (typeof value === 'boolean') return { type: 'boolean' }
  if (Array.isArray(value)) return value.map(inferMapping).find((m) => m !== undefined)
  if (isObject(value)) return { properties: inferProperties(value, {}) }
  return undefined
}

function inferProperties(source: Json, existing: Json): Json {
  const out: Json = { ...existing }
  for (const [key, value] of Object.entries(source)) {
    const current = out[key]
    if (isObject(current) && isObject(value) && isObject(current['properties'])) {
      out[key] = { ...current, properties: inferProperties(value, current['properties']) }
    } else if (current === undefined) {
      const m = inferMapping(value)
      if (m !== undefined) out[key] = m
    }
  }
  return out
}

/** The index name rules of Elasticsearch (lowercase, no leading `_-+`, no `\/*?"<>| ,#:`). */
export function validateIndexName(name: string): Reply | undefined {
  const reason =
    name !== name.toLowerCase()
      ? 'must be lowercase'
      : /^[_\-+]/.test(name)
        ? "must not start with '_', '-', or '+'"
        : /[\\/*?"<>| ,#:]/.test(name)
          ? "must not contain the following characters ['\\', '/', '*', '?', '\"', '<', '>', '|', ' ', ',', '#', ':']"
          : name === '.' || name === '..' || name === ''
            ? "must not be '.' or '..'"
            : undefined
  if (reason === undefined) return undefined
  return esError(400, 'invalid_index_name_exception', `Invalid index name [${name}], ${reason}`, {
    index_uuid: '_na_',
    index: name,
  })
}

/** Options of a write. */
export interface WriteOptions {
  readonly opType?: 'index' | 'create'
  readonly ifSeqNo?: number
  readonly ifPrimaryTerm?: number
}

/** A write result: status and the per-document body (`_index`, `_id`, `_version`, `result`, ...) or an error reply. */
export type WriteResult = { readonly status: number; readonly body: Json }

/** One shared in-memory store for all nodes of a cluster. @public */
export class DocumentStore {
  readonly indices: Map<string, StoredIndex> = new Map()
  /** Successful writes per `index/id`: lets tests prove a bulk item was written once. */
  readonly writeCounts: Map<string, number> = new Map()

  createIndex(name: string, body: Json = {}): Reply {
    const invalid = validateIndexName(name)
    if (invalid !== undefined) return invalid
    const existing = this.indices.get(name)
    if (existing !== undefined) {
      return esError(400, 'resource_already_exists_exception', `index [${name}/${existing.uuid}] already exists`, {
        index_uuid: existing.uuid,
        index: name,
      })
    }
    this.add(name, body)
    return { status: 200, body: { acknowledged: true, shards_acknowledged: true, index: name } }
  }

  private add(name: string, body: Json = {}): StoredIndex {
    const mappings = isObject(body['mappings']) ? body['mappings'] : {}
    const settings = isObject(body['settings']) ? body['settings'] : {}
    const index: StoredIndex = {
      name,
      uuid: randomBytes(16).toString('base64url').slice(0, 22),
      creationDate: Date.now(),
      docs: new Map(),
      mappings: { ...mappings },
      settings: { ...settings },
      aliases: isObject(body['aliases']) ? body['aliases'] : {},
      seqNo: 0,
    }
    this.indices.set(name, index)
    return index
  }

  deleteIndex(expression: string): Reply {
    const names = this.resolve(expression, true)
    if (!Array.isArray(names)) return names
    for (const n of names) this.indices.delete(n)
    return { status: 200, body: { acknowledged: true } }
  }

  /** Resolves `a,b`, `logs-*`, `_all` to existing index names, or a 404 reply for a missing concrete one. */
  resolve(expression: string | undefined, strict = true): string[] | Reply {
    if (expression === undefined || expression === '' || expression === '_all' || expression === '*')
      return [...this.indices.keys()]
    const out = new Set<string>()
    for (const part of expression.split(',')) {
      if (part.includes('*')) {
        const re = new RegExp(
          `^${part
            .split('*')
            .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*')}$`,
        )
        for (const n of this.indices.keys()) if (re.test(n)) out.add(n)
      } else {
        const alias = [...this.indices.values()].filter((i) => part in i.aliases).map((i) => i.name)
        if (this.indices.has(part)) out.add(part)
        else if (alias.length > 0) for (const a of alias) out.add(a)
        else if (strict) return indexNotFound(part)
      }
    }
    return [...out]
  }

  getIndex(name: string): StoredIndex | undefined {
    return this.indices.get(name)
  }

  /** The index to write into, created on the fly (Elasticsearch's `action.auto_create_index`). */
  private writable(name: string): StoredIndex | Reply {
    const existing = this.indices.get(name)
    if (existing !== undefined) return existing
    const invalid = validateIndexName(name)
    if (invalid !== undefined) return invalid
    return this.add(name)
  }

  private counted(index: string, id: string): void {
    const key = `${index}/${id}`
    this.writeCounts.set(key, (this.writeCounts.get(key) ?? 0) + 1)
  }

  private conflict(index: StoredIndex, id: string, reason: string): WriteResult {
    const body = esError(409, 'version_conflict_engine_exception', `[${id}]: ${reason}`, {
      index_uuid: index.uuid,
      shard: '0',
      index: index.name,
    }).body as Json
    return { status: 409, body }
  }

  private result(index: StoredIndex, doc: StoredDoc, result: string): Json {
    return {
      _index: index.name,
      _id: doc._id,
      _version: doc._version,
      result,
      _shards: SHARDS,
      _seq_no: doc._seq_no,
      _primary_term: doc._primary_term,
    }
  }

  private checkSeqNo(
    index: StoredIndex,
    id: string,
    current: StoredDoc | undefined,
    options: WriteOptions,
  ): WriteResult | undefined {
    if (options.ifSeqNo === undefined && options.ifPrimaryTerm === undefined) return undefined
    if (current === undefined) {
      return this.conflict(
        index,
        id,
        `version conflict, required seqNo [${options.ifSeqNo}], primary term [${options.ifPrimaryTerm}] but no document was found`,
      )
    }
    if (current._seq_no !== options.ifSeqNo || current._primary_term !== (options.ifPrimaryTerm ?? 1)) {
      return this.conflict(
        index,
        id,
        `version conflict, required seqNo [${options.ifSeqNo}], primary term [${options.ifPrimaryTerm}]. current document has seqNo [${current._seq_no}] and primary term [${current._primary_term}]`,
      )
    }
    return undefined
  }

  /** Index (create or replace) a document. `id` undefined generates one. */
  index(indexName: string, id: string | undefined, source: unknown, options: WriteOptions = {}): WriteResult {
    const index = this.writable(indexName)
    if (!('docs' in index)) return { status: index.status, body: index.body as Json }
    if (!isObject(source)) {
      return {
        status: 400,
        body: esError(400, 'document_parsing_exception', '[1:1] failed to parse: the document must be a JSON object')
          .body as Json,
      }
    }
    const docId = id ?? randomBytes(15).toString('base64url')
    const current = index.docs.get(docId)
    if (options.opType === 'create' && current !== undefined) {
      return this.conflict(
        index,
        docId,
        `version conflict, document already exists (current version [${current._version}])`,
      )
    }
    const seqCheck = this.checkSeqNo(index, docId, current, options)
    if (seqCheck !== undefined) return seqCheck
    const doc: StoredDoc = {
      _id: docId,
      _source: source,
      _version: (current?._version ?? 0) + 1,
      _seq_no: index.seqNo++,
      _primary_term: 1,
    }
    index.docs.set(docId, doc)
    index.mappings = {
      ...index.mappings,
      properties: inferProperties(source, isObject(index.mappings['properties']) ? index.mappings['properties'] : {}),
    }
    this.counted(index.name, docId)
    return {
      status: current === undefined ? 201 : 200,
      body: this.result(index, doc, current === undefined ? 'created' : 'updated'),
    }
  }

  /** Partial update (`doc`, `doc_as_upsert`, `upsert`). */
  update(indexName: string, id: string, body: unknown, options: WriteOptions = {}): WriteResult {
    if (!isObject(body)) return { status: 400, body: parsingError('request body is required').body as Json }
    if (body['script'] !== undefined) {
      return {
        status: 400,
        body: esError(400, 'illegal_argument_exception', 'scripts are not supported by the Stretch test cluster')
          .body as Json,
      }
    }
    const existingIndex = this.indices.get(indexName)
    const current = existingIndex?.docs.get(id)
    const partial = isObject(body['doc']) ? body['doc'] : undefined
    if (current === undefined || existingIndex === undefined) {
      const upsert = body['doc_as_upsert'] === true ? partial : isObject(body['upsert']) ? body['upsert'] : undefined
      if (upsert === undefined) {
        if (existingIndex === undefined) {
          const reply = indexNotFound(indexName)
          return { status: reply.status, body: reply.body as Json }
        }
        const reply = esError(404, 'document_missing_exception', `[${id}]: document missing`, {
          index_uuid: existingIndex.uuid,
          shard: '0',
          index: indexName,
        })
        return { status: 404, body: reply.body as Json }
      }
      return this.index(indexName, id, upsert, { opType: 'create' })
    }
    const seqCheck = this.checkSeqNo(existingIndex, id, current, options)
    if (seqCheck !== undefined) return seqCheck
    if (partial === undefined)
      return {
        status: 400,
        body: esError(400, 'action_request_validation_exception', 'Validation Failed: 1: script or doc is missing;')
          .body as Json,
      }
    const merged = deepMerge(current._source, partial)
    if (JSON.stringify(merged) === JSON.stringify(current._source) && body['detect_noop'] !== false) {
      return { status: 200, body: this.result(existingIndex, current, 'noop') }
    }
    const written = this.index(indexName, id, merged)
    if (written.status === 200) return { status: 200, body: { ...written.body, result: 'updated' } }
    return written
  }

  delete(indexName: string, id: string, options: WriteOptions = {}): WriteResult {
    const index = this.indices.get(indexName)
    if (index === undefined) {
      const reply = indexNotFound(indexName)
      return { status: reply.status, body: reply.body as Json }
    }
    const current = index.docs.get(id)
    const seqCheck = this.checkSeqNo(index, id, current, options)
    if (seqCheck !== undefined) return seqCheck
    if (current === undefined) {
      return {
        status: 404,
        body: {
          _index: indexName,
          _id: id,
          _version: 1,
          result: 'not_found',
          _shards: SHARDS,
          _seq_no: index.seqNo++,
          _primary_term: 1,
        },
      }
    }
    index.docs.delete(id)
    this.counted(index.name, id)
    const tomb: StoredDoc = { ...current, _version: current._version + 1, _seq_no: index.seqNo++ }
    return { status: 200, body: this.result(index, tomb, 'deleted') }
  }

  get(indexName: string, id: string): WriteResult {
    const index = this.indices.get(indexName)
    if (index === undefined) {
      const reply = indexNotFound(indexName)
      return { status: reply.status, body: reply.body as Json }
    }
    const doc = index.docs.get(id)
    if (doc === undefined) return { status: 404, body: { _index: indexName, _id: id, found: false } }
    return {
      status: 200,
      body: {
        _index: indexName,
        _id: id,
        _version: doc._version,
        _seq_no: doc._seq_no,
        _primary_term: doc._primary_term,
        found: true,
        _source: doc._source,
      },
    }
  }

  /** The clock of scroll and point-in-time keep-alives; tests may replace it to expire contexts. */
  now: () => number = () => Date.now()
  /** Open scroll and point-in-time contexts (they expire lazily, by `now`). */
  readonly contexts: SearchContexts<ScrollState, PitState> = new SearchContexts(() => this.now())

  /** Runs a search body over the indices an expression names (or a point in time's snapshot); `scroll` opens one. */
  search(expression: string | undefined, body: Json, params: URLSearchParams): Reply {
    const scrollParam = params.get('scroll')
    const pit = body['pit']
    const searchAfter = body['search_after']
    const size = Number(params.get('size') ?? body['size'] ?? 10)
    const from = Number(params.get('from') ?? body['from'] ?? 0)
    const tracked = params.has('track_total_hits')
      ? trackParam(params.get('track_total_hits'))
      : body['track_total_hits']
    const sort = parseSort(params.get('sort') ?? body['sort'])
    // SearchRequest.validate(): the request-level checks, then the search source's, in Elasticsearch's order.
    const invalid: string[] = []
    if (scrollParam !== null && pit !== undefined)
      invalid.push('using [point in time] is not allowed in a scroll context')
    if (scrollParam !== null) {
      if (tracked === false || typeof tracked === 'number')
        invalid.push('disabling [track_total_hits] is not allowed in a scroll context')
      if (from > 0) invalid.push('using [from] is not allowed in a scroll context')
      if (size === 0) invalid.push('[size] cannot be [0] in a scroll context')
      if (Array.isArray(searchAfter) && searchAfter.length > 0)
        invalid.push('[search_after] cannot be used in a scroll context')
    }
    if (body['slice'] !== undefined && pit === undefined && scrollParam === null)
      invalid.push('[slice] can only be used with [scroll] or [point-in-time] requests')
    if (from > 0 && Array.isArray(searchAfter) && searchAfter.length > 0)
      invalid.push('[from] parameter must be set to 0 when [search_after] is used')
    if (pit === undefined && sort.some((k) => k.field === '_shard_doc'))
      invalid.push('[_shard_doc] sort field cannot be used without [point in time]')
    if (pit !== undefined && expression !== undefined)
      invalid.push('[indices] cannot be used with point in time. Do not specify any index with point in time.')
    if (invalid.length > 0) return validationFailed(invalid)
    if (!Number.isInteger(size) || size < 0)
      return esError(400, 'illegal_argument_exception', '[size] parameter cannot be negative')
    if (!Number.isInteger(from) || from < 0)
      return esError(400, 'illegal_argument_exception', '[from] parameter cannot be negative')
    if (scrollParam === null && from + size > 10_000) {
      const reason = `Result window is too large, from + size must be less than or equal to: [10000] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`
      return searchPhaseFailure(400, { type: 'illegal_argument_exception', reason })
    }
    const keepAlive =
      scrollParam === null ? undefined : parseKeepAlive(scrollParam, 'scroll', 'search.max_keep_alive', true)

    let sources: ReadonlyArray<{ readonly index: StoredIndex; readonly docs: Iterable<StoredDoc> }>
    let pitId: string | undefined
    if (pit !== undefined) {
      if (!isObject(pit) || typeof pit['id'] !== 'string')
        throw new EsHttpError(parsingError('[pit] failed to parse field [id]'))
      const pitKeepAlive =
        pit['keep_alive'] === undefined
          ? undefined
          : parseKeepAlive(pit['keep_alive'], 'keep_alive', 'point_in_time.max_keep_alive', true)
      sources = this.contexts.pit(pit['id'], pitKeepAlive).indices
      pitId = pit['id']
    } else {
      const names = this.resolve(expression, params.get('ignore_unavailable') !== 'true')
      if (!Array.isArray(names)) return names
      sources = names.flatMap((n) => {
        const index = this.indices.get(n)
        return index === undefined ? [] : [{ index, docs: index.docs.values() }]
      })
    }
    // SearchRequest.rewrite: a sorted PIT search gets the `_shard_doc` tiebreaker (ascending) unless its last key is
    // already `_shard_doc` or a search_after leaves no value for it; search_after pages then never skip a tie.
    const after = Array.isArray(searchAfter) && searchAfter.length > 0 ? searchAfter : undefined
    if (
      pit !== undefined &&
      sort.length > 0 &&
      sort.at(-1)?.field !== '_shard_doc' &&
      (after === undefined || after.length === sort.length + 1)
    )
      sort.push({ field: '_shard_doc', order: 'asc' })
    const slice = parseSlice(body['slice'])
    const query = body['query'] ?? queryFromQ(params.get('q'))
    const hits: Hit[] = []
    let seq = 0
    sources.forEach(({ index, docs }, shard) => {
      let ordinal = 0
      for (const doc of docs) {
        seq++
        // `_shard_doc`: the shard's ordinal in the upper 32 bits, the document's in the lower (one shard per index).
        const shardDoc = shard * 2 ** 32 + ordinal++
        if (slice !== undefined && sliceOf(doc._id, slice.max) !== slice.id) continue
        if (!matches(query, doc)) continue
        const hit = { index, doc, score: score(query, doc), seq, shardDoc }
        hits.push({ ...hit, values: sort.map((key) => sortValue({ ...doc, ...hit }, key)) })
      }
    })
    if (sort.length > 0) hits.sort((a, b) => compareHits(a, b, sort))
    else hits.sort((a, b) => b.score - a.score || a.seq - b.seq)
    let window: Hit[] = hits
    if (after !== undefined) {
      if (sort.length === 0)
        return searchPhaseFailure(400, {
          type: 'illegal_argument_exception',
          reason: 'Sort must contain at least one field.',
        })
      if (after.length !== sort.length) {
        return searchPhaseFailure(400, {
          type: 'illegal_argument_exception',
          reason: `search_after has ${after.length} value(s) but sort has ${sort.length}.`,
        })
      }
      window = hits.filter((h) => {
        for (let i = 0; i < sort.length; i++) {
          const key = sort[i] as SortKey
          const c = compareSortValues(h.values[i] ?? null, after[i] ?? null, key.order)
          if (c !== 0) return c > 0
        }
        return false
      })
    }
    const limit = tracked === true ? Number.POSITIVE_INFINITY : typeof tracked === 'number' ? tracked : 10_000
    const state: ScrollState = {
      hits: window,
      next: 0,
      size,
      sort,
      total:
        tracked === false
          ? undefined
          : { value: Math.min(hits.length, limit), relation: hits.length > limit ? 'gte' : 'eq' },
      maxScore: sort.length > 0 || hits.length === 0 ? null : Math.max(...hits.map((h) => h.score)),
      sourceWanted: body['_source'] !== false && params.get('_source') !== 'false',
      totalAsInt: params.get('rest_total_hits_as_int') === 'true',
      shards: sources.length,
    }
    const aggsSpec = body['aggs'] ?? body['aggregations']
    const aggregations = aggsSpec === undefined ? undefined : aggregate(aggsSpec, hits)
    let head: Json = {}
    if (keepAlive !== undefined) {
      state.next = size
      head = { _scroll_id: this.contexts.openScroll(state, keepAlive) }
    } else if (pitId !== undefined) head = { pit_id: pitId }
    const page = searchPage(state, window.slice(from, from + size))
    return { status: 200, body: { ...head, ...page, ...(aggregations === undefined ? {} : { aggregations }) } }
  }

  /** The next page of a scroll (`keepAlive` renews it). */
  scroll(id: string, keepAlive: number | undefined): Reply {
    const state = this.contexts.scroll(id, keepAlive)
    const page = state.hits.slice(state.next, state.next + state.size)
    state.next += page.length
    return { status: 200, body: { _scroll_id: id, ...searchPage(state, page) } }
  }

  /** Opens a point in time: a snapshot of the indices' documents as they are now. */
  openPointInTime(expression: string, keepAlive: number, params: URLSearchParams): Reply {
    const names = this.resolve(expression, params.get('ignore_unavailable') !== 'true')
    if (!Array.isArray(names)) return names
    const indices = names.flatMap((n) => {
      const index = this.indices.get(n)
      // Stored documents are replaced, never changed in place, on write: the array of today's objects is a snapshot.
      return index === undefined ? [] : [{ index, docs: [...index.docs.values()] }]
    })
    const id = this.contexts.openPit({ indices }, keepAlive)
    return {
      status: 200,
      body: { id, _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 } },
    }
  }

  count(expression: string | undefined, body: Json, params: URLSearchParams): Reply {
    const names = this.resolve(expression, params.get('ignore_unavailable') !== 'true')
    if (!Array.isArray(names)) return names
    const query = body['query'] ?? queryFromQ(params.get('q'))
    let count = 0
    for (const name of names)
      for (const doc of this.indices.get(name)?.docs.values() ?? []) if (matches(query, doc)) count++
    return {
      status: 200,
      body: { count, _shards: { total: names.length, successful: names.length, skipped: 0, failed: 0 } },
    }
  }
}

/** One matching document of a search. */
interface Hit {
  readonly index: StoredIndex
  readonly doc: StoredDoc
  readonly score: number
  readonly seq: number
  readonly shardDoc: number
  /** The hit's values for the search's sort keys, computed once. */
  readonly values: readonly unknown[]
}

/** The hits of a search, kept for a scroll's next pages. */
interface ScrollState {
  readonly hits: readonly Hit[]
  next: number
  readonly size: number
  readonly sort: readonly SortKey[]
  readonly total: { readonly value: number; readonly relation: string } | undefined
  readonly maxScore: number | null
  readonly sourceWanted: boolean
  readonly totalAsInt: boolean
  readonly shards: number
}

/** A point in time: the documents of each index when it was opened. */
interface PitState {
  readonly indices: ReadonlyArray<{ readonly index: StoredIndex; readonly docs: readonly StoredDoc[] }>
}

function compareHits(a: Hit, b: Hit, sort: readonly SortKey[]): number {
  for (let i = 0; i < sort.length; i++) {
    const c = compareSortValues(a.values[i] ?? null, b.values[i] ?? null, (sort[i] as SortKey).order)
    if (c !== 0) return c
  }
  return a.seq - b.seq
}

function searchPage(state: ScrollState, page: readonly Hit[]): Json {
  const sorted = state.sort.length > 0
  return {
    took: 1,
    timed_out: false,
    _shards: { total: state.shards, successful: state.shards, skipped: 0, failed: 0 },
    hits: {
      ...(state.total === undefined ? {} : { total: state.totalAsInt ? state.total.value : state.total }),
      max_score: state.maxScore,
      hits: page.map((h) => ({
        _index: h.index.name,
        _id: h.doc._id,
        _score: sorted ? null : h.score,
        ...(state.sourceWanted ? { _source: h.doc._source } : {}),
        ...(sorted ? { sort: h.values } : {}),
      })),
    },
  }
}

function trackParam(value: string | null): unknown {
  if (value === 'true' || value === '') return true
  if (value === 'false') return false
  return Number(value)
}

/** `slice: { id, max }`: which part of the documents a sliced scroll or point in time reads. */
function parseSlice(slice: unknown): { id: number; max: number } | undefined {
  if (slice === undefined) return undefined
  // Elasticsearch's parser takes integers or numeric strings (the specification types `id` as a string)
  const id = isObject(slice) ? toInteger(slice['id']) : undefined
  const max = isObject(slice) ? toInteger(slice['max']) : undefined
  if (id === undefined || max === undefined)
    throw new EsHttpError(parsingError('[slice] failed to parse: [id] and [max] are required'))
  if (max <= 1) throw new EsHttpError(esError(400, 'illegal_argument_exception', 'max must be greater than 1'))
  if (id < 0) throw new EsHttpError(esError(400, 'illegal_argument_exception', 'id must be greater than or equal to 0'))
  if (id >= max) throw new EsHttpError(esError(400, 'illegal_argument_exception', 'max must be greater than id'))
  return { id, max }
}

function toInteger(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined
}

/** The slice of a document: a hash of its `_id` (FNV-1a) modulo `max`, as Elasticsearch slices on `_id`. */
function sliceOf(id: string, max: number): number {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0
  return h % max
}

function queryFromQ(q: string | null): unknown {
  if (q === null || q === '' || q === '*' || q === '*:*') return undefined
  const colon = q.indexOf(':')
  if (colon < 0)
    throw new EsHttpError(
      esError(400, 'illegal_argument_exception', 'the Stretch test cluster supports only q=field:value'),
    )
  return { match: { [q.slice(0, colon)]: q.slice(colon + 1) } }
}

function deepMerge(target: Json, patch: Json): Json {
  const out: Json = { ...target }
  for (const [k, v] of Object.entries(patch)) {
    const t = out[k]
    out[k] = isObject(t) && isObject(v) ? deepMerge(t, v) : v
  }
  return out
}
