import { EsHttpError, parsingError } from './es-errors.js'

/** A stored document as the query engine sees it. */
export interface QueryDoc {
  readonly _id: string
  readonly _source: Record<string, unknown>
}

type Json = Record<string, unknown>

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Values at a dotted path, flattening arrays (like Elasticsearch's field lookup). `x.keyword` reads `x`. */
export function valuesAt(source: unknown, field: string): unknown[] {
  const path = field.endsWith('.keyword') ? field.slice(0, -'.keyword'.length) : field
  let current: unknown[] = [source]
  for (const part of path.split('.')) {
    const next: unknown[] = []
    for (const c of current) {
      const items = Array.isArray(c) ? c : [c]
      for (const item of items) if (isObject(item) && part in item) next.push(item[part])
    }
    current = next
  }
  // A dotted key stored literally (`{"a.b": 1}`) counts too.
  if (current.length === 0 && isObject(source) && path in source) current = [source[path]]
  return current.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== null && v !== undefined)
}

/** The standard analyzer, roughly: lowercase word tokens. */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []
}

function termMatches(value: unknown, term: unknown, exact: boolean): boolean {
  if (typeof value === 'string' && typeof term === 'string') {
    if (value === term) return true
    return !exact && tokens(value).includes(term)
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value) === String(term)
  return false
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '' && !Number.isNaN(Number(b)))
    return a - Number(b)
  if (typeof a === 'string' && typeof b === 'string') {
    const da = Date.parse(a)
    const db = Date.parse(b)
    if (/^\d{4}-\d\d/.test(a) && !Number.isNaN(da) && !Number.isNaN(db)) return da - db
    return a < b ? -1 : a > b ? 1 : 0
  }
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
}

function single(query: Json, name: string): [string, unknown] {
  const entries = Object.entries(query)
  if (entries.length !== 1)
    throw new EsHttpError(
      parsingError(
        `[${name}] query doesn't support multiple fields, found [${entries.map(([k]) => k).join('] and [')}]`,
      ),
    )
  return entries[0] as [string, unknown]
}

function asArray(v: unknown): unknown[] {
  if (v === undefined) return []
  return Array.isArray(v) ? v : [v]
}

/** Evaluates an Elasticsearch query against one document; throws `EsHttpError` (400) for an unknown query. */
export function matches(query: unknown, doc: QueryDoc): boolean {
  if (query === undefined) return true
  if (!isObject(query)) throw new EsHttpError(parsingError('query malformed, must start with start_object'))
  const entries = Object.entries(query)
  if (entries.length !== 1) {
    throw new EsHttpError(
      parsingError(
        entries.length === 0
          ? 'query malformed, empty clause found'
          : `[${entries[0]?.[0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`,
      ),
    )
  }
  const [type, raw] = entries[0] as [string, unknown]
  const body: Json = isObject(raw) ? raw : {}
  switch (type) {
    case 'match_all':
      return true
    case 'match_none':
      return false
    case 'ids':
      return asArray(body['values']).map(String).includes(doc._id)
    case 'exists':
      return valuesAt(doc._source, String(body['field'])).length > 0
    case 'term': {
      const [field, spec] = single(body, 'term')
      const value = isObject(spec) ? spec['value'] : spec
      if (field === '_id') return String(value) === doc._id
      return valuesAt(doc._source, field).some((v) => termMatches(v, value, field.endsWith('.keyword')))
    }
    case 'terms': {
      const entry = Object.entries(body).find(([k]) => k !== 'boost')
      if (entry === undefined) throw new EsHttpError(parsingError('[terms] query requires a field'))
      const [field, list] = entry
      if (!Array.isArray(list)) throw new EsHttpError(parsingError(`[terms] query does not support [${field}]`))
      if (field === '_id') return list.map(String).includes(doc._id)
      return valuesAt(doc._source, field).some((v) => list.some((t) => termMatches(v, t, field.endsWith('.keyword'))))
    }
    case 'prefix': {
      const [field, spec] = single(body, 'prefix')
      const value = String(isObject(spec) ? spec['value'] : spec)
      return valuesAt(doc._source, field).some(
        (v) => typeof v === 'string' && (v.startsWith(value) || tokens(v).some((t) => t.startsWith(value))),
      )
    }
    case 'match':
    case 'match_phrase': {
      const [field, spec] = single(body, type)
      const query = isObject(spec) ? spec['query'] : spec
      const operator = isObject(spec) && String(spec['operator']).toLowerCase() === 'and' ? 'and' : 'or'
      const values = valuesAt(doc._source, field)
      if (typeof query !== 'string') return values.some((v) => termMatches(v, query, true))
      const wanted = tokens(query)
      if (wanted.length === 0) return false
      const have = new Set(values.flatMap((v) => (typeof v === 'string' ? tokens(v) : [String(v).toLowerCase()])))
      if (type === 'match_phrase') {
        return values.some((v) => typeof v === 'string' && ` ${tokens(v).join(' ')} `.includes(` ${wanted.join(' ')} `))
      }
      return operator === 'and' ? wanted.every((t) => have.has(t)) : wanted.some((t) => have.has(t))
    }
    case 'range': {
      const [field, spec] = single(body, 'range')
      if (!isObject(spec))
        throw new EsHttpError(parsingError('[range] query malformed, no start_object after query name'))
      return valuesAt(doc._source, field).some((v) => {
        if (spec['gt'] !== undefined && !(compare(v, spec['gt']) > 0)) return false
        if (spec['gte'] !== undefined && !(compare(v, spec['gte']) >= 0)) return false
        if (spec['lt'] !== undefined && !(compare(v, spec['lt']) < 0)) return false
        if (spec['lte'] !== undefined && !(compare(v, spec['lte']) <= 0)) return false
        return true
      })
    }
    case 'bool': {
      for (const key of Object.keys(body)) {
        if (!['must', 'filter', 'should', 'must_not', 'minimum_should_match', 'boost', '_name'].includes(key)) {
          throw new EsHttpError(parsingError(`[bool] query does not support [${key}]`))
        }
      }
      const must = [...asArray(body['must']), ...asArray(body['filter'])]
      const should = asArray(body['should'])
      const mustNot = asArray(body['must_not'])
      if (!must.every((q) => matches(q, doc))) return false
      if (mustNot.some((q) => matches(q, doc))) return false
      if (should.length === 0) return true
      const msm =
        body['minimum_should_match'] !== undefined ? Number(body['minimum_should_match']) : must.length > 0 ? 0 : 1
      return should.filter((q) => matches(q, doc)).length >= msm
    }
    case 'constant_score':
      return matches(body['filter'], doc)
    default:
      throw new EsHttpError(parsingError(`unknown query [${type}]`))
  }
}

/** A relevance-like score: the number of query tokens found (1 for filters), enough to order `match` hits. */
export function score(query: unknown, doc: QueryDoc): number {
  if (!isObject(query)) return 1
  const [type, raw] = (Object.entries(query)[0] ?? ['match_all', {}]) as [string, unknown]
  if ((type === 'match' || type === 'match_phrase') && isObject(raw)) {
    const [field, spec] = Object.entries(raw)[0] ?? ['', '']
    const q = isObject(spec) ? spec['query'] : spec
    if (typeof q !== 'string') return 1
    const have = valuesAt(doc._source, field).flatMap((v) => (typeof v === 'string' ? tokens(v) : []))
    return Math.max(
      1,
      tokens(q).reduce((n, t) => n + have.filter((h) => h === t).length, 0),
    )
  }
  if (type === 'bool' && isObject(raw)) {
    const parts = [...asArray(raw['must']), ...asArray(raw['should'])]
    return parts.length === 0 ? 1 : parts.reduce<number>((n, q) => n + (matches(q, doc) ? score(q, doc) : 0), 0)
  }
  return 1
}

/** One sort key: field and direction. */
export interface SortKey {
  readonly field: string
  readonly order: 'asc' | 'desc'
}

/** Normalizes the `sort` forms Elasticsearch accepts: `'f'`, `'f:desc'`, `{f: 'desc'}`, `{f: {order}}` and arrays of them. */
export function parseSort(sort: unknown): SortKey[] {
  const out: SortKey[] = []
  for (const item of asArray(sort)) {
    if (typeof item === 'string') {
      for (const part of item.split(',')) {
        const [field, order] = part.split(':')
        if (field === undefined || field === '') continue
        out.push({ field, order: order === 'desc' || (order === undefined && field === '_score') ? 'desc' : 'asc' })
      }
    } else if (isObject(item)) {
      for (const [field, spec] of Object.entries(item)) {
        const order = isObject(spec) ? spec['order'] : spec
        out.push({
          field,
          order: order === 'desc' ? 'desc' : order === 'asc' ? 'asc' : field === '_score' ? 'desc' : 'asc',
        })
      }
    } else throw new EsHttpError(parsingError('[sort] malformed'))
  }
  return out
}

/** The sort value of a document for a key (first value of the field; `_id`, `_score`, `_doc`). */
export function sortValue(doc: QueryDoc & { score: number; seq: number; shardDoc?: number }, key: SortKey): unknown {
  if (key.field === '_score') return doc.score
  if (key.field === '_doc') return doc.seq
  if (key.field === '_shard_doc') return doc.shardDoc ?? doc.seq
  if (key.field === '_id') return doc._id
  const values = valuesAt(doc._source, key.field)
  if (values.length === 0) return null
  return values.reduce((a, b) => (key.order === 'asc' ? (compare(a, b) <= 0 ? a : b) : compare(a, b) >= 0 ? a : b))
}

/** Compares two sort values; missing values sort last whatever the order, as in Elasticsearch. */
export function compareSortValues(a: unknown, b: unknown, order: 'asc' | 'desc'): number {
  if (a === null && b === null) return 0
  if (a === null) return 1
  if (b === null) return -1
  const c = compare(a, b)
  return order === 'asc' ? c : -c
}
