import { randomBytes } from 'node:crypto'
import { aggregate } from './aggs.js'
import { EsHttpError, esError, indexNotFound, parsingError, type Reply } from './es-errors.js'
import { compareSortValues, matches, parseSort, score, sortValue } from './query.js'

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

  /** Runs a search body over the indices an expression names. */
  search(expression: string | undefined, body: Json, params: URLSearchParams): Reply {
    const names = this.resolve(expression, params.get('ignore_unavailable') !== 'true')
    if (!Array.isArray(names)) return names
    const query = body['query'] ?? queryFromQ(params.get('q'))
    const size = Number(params.get('size') ?? body['size'] ?? 10)
    const from = Number(params.get('from') ?? body['from'] ?? 0)
    if (!Number.isInteger(size) || size < 0)
      return esError(400, 'illegal_argument_exception', '[size] parameter cannot be negative')
    if (!Number.isInteger(from) || from < 0)
      return esError(400, 'illegal_argument_exception', '[from] parameter cannot be negative')
    if (from + size > 10_000) {
      const reason = `Result window is too large, from + size must be less than or equal to: [10000] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`
      return esError(
        400,
        'search_phase_execution_exception',
        'all shards failed',
        { phase: 'query', grouped: true, failed_shards: [] },
        { type: 'illegal_argument_exception', reason },
      )
    }
    const sort = parseSort(params.get('sort') ?? body['sort'])
    const hits: Array<{ index: StoredIndex; doc: StoredDoc; score: number; seq: number }> = []
    let seq = 0
    for (const name of names) {
      const index = this.indices.get(name)
      if (index === undefined) continue
      for (const doc of index.docs.values()) {
        seq++
        if (matches(query, doc)) hits.push({ index, doc, score: score(query, doc), seq })
      }
    }
    if (sort.length > 0) {
      hits.sort((a, b) => {
        for (const key of sort) {
          const c = compareSortValues(sortValue({ ...a.doc, ...a }, key), sortValue({ ...b.doc, ...b }, key), key.order)
          if (c !== 0) return c
        }
        return a.seq - b.seq
      })
    } else hits.sort((a, b) => b.score - a.score || a.seq - b.seq)
    const page = hits.slice(from, from + size)
    const sorted = sort.length > 0
    const tracked = body['track_total_hits']
    const limit = tracked === true ? Number.POSITIVE_INFINITY : typeof tracked === 'number' ? tracked : 10_000
    const total =
      tracked === false
        ? undefined
        : { value: Math.min(hits.length, limit), relation: hits.length > limit ? 'gte' : 'eq' }
    const sourceWanted = body['_source'] !== false && params.get('_source') !== 'false'
    const aggsSpec = body['aggs'] ?? body['aggregations']
    const aggregations = aggsSpec === undefined ? undefined : aggregate(aggsSpec, hits)
    return {
      status: 200,
      body: {
        took: 1,
        timed_out: false,
        _shards: { total: names.length, successful: names.length, skipped: 0, failed: 0 },
        hits: {
          ...(total === undefined ? {} : { total }),
          max_score: sorted || hits.length === 0 ? null : Math.max(...hits.map((h) => h.score)),
          hits: page.map((h) => ({
            _index: h.index.name,
            _id: h.doc._id,
            _score: sorted ? null : h.score,
            ...(sourceWanted ? { _source: h.doc._source } : {}),
            ...(sorted ? { sort: sort.map((key) => sortValue({ ...h.doc, ...h }, key)) } : {}),
          })),
        },
        ...(aggregations === undefined ? {} : { aggregations }),
      },
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
