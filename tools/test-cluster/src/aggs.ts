import type { StoredDoc, StoredIndex } from './document-store.js'
import { EsHttpError, esError } from './es-errors.js'
import { valuesAt } from './query.js'

type Json = Record<string, unknown>

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The mapping type of a field in an index (following `properties` and `fields`). */
function fieldType(index: StoredIndex, field: string): string | undefined {
  let props: unknown = index.mappings['properties']
  const parts = field.split('.')
  let mapping: unknown
  for (let i = 0; i < parts.length; i++) {
    if (!isObject(props)) return undefined
    mapping = props[parts[i] as string]
    if (!isObject(mapping)) return undefined
    if (i < parts.length - 1) props = isObject(mapping['properties']) ? mapping['properties'] : mapping['fields']
  }
  return isObject(mapping) && typeof mapping['type'] === 'string' ? mapping['type'] : undefined
}

function numbers(docs: readonly StoredDoc[], field: string): number[] {
  return docs.flatMap((d) => valuesAt(d._source, field)).filter((v): v is number => typeof v === 'number')
}

/** Runs `aggs`/`aggregations` (terms, avg, sum, min, max, value_count, cardinality, stats) over the matching docs. */
export function aggregate(spec: unknown, docs: ReadonlyArray<{ index: StoredIndex; doc: StoredDoc }>): Json {
  if (!isObject(spec)) throw new EsHttpError(esError(400, 'parsing_exception', 'Found [aggs] but it is not an object'))
  const out: Json = {}
  for (const [name, def] of Object.entries(spec)) {
    if (!isObject(def))
      throw new EsHttpError(esError(400, 'parsing_exception', `Expected [START_OBJECT] under [${name}]`))
    const sub = def['aggs'] ?? def['aggregations']
    const kinds = Object.keys(def).filter((k) => k !== 'aggs' && k !== 'aggregations' && k !== 'meta')
    const kind = kinds[0]
    const body = kind === undefined ? undefined : def[kind]
    if (kind === undefined || !isObject(body)) {
      throw new EsHttpError(esError(400, 'parsing_exception', `Missing definition for aggregation [${name}]`))
    }
    const field = String(body['field'] ?? '')
    const plain = docs.map((d) => d.doc)
    switch (kind) {
      case 'terms': {
        for (const { index } of docs) {
          if (fieldType(index, field) === 'text') {
            throw new EsHttpError(
              esError(
                400,
                'illegal_argument_exception',
                `Fielddata is disabled on [${field}] in [${index.name}]. Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${field}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`,
              ),
            )
          }
        }
        const counts = new Map<string, { key: unknown; docs: Array<{ index: StoredIndex; doc: StoredDoc }> }>()
        for (const d of docs) {
          for (const v of new Set(valuesAt(d.doc._source, field))) {
            const k = JSON.stringify(v)
            const entry = counts.get(k) ?? { key: v, docs: [] }
            entry.docs.push(d)
            counts.set(k, entry)
          }
        }
        const size = Number(body['size'] ?? 10)
        const sorted = [...counts.values()].sort(
          (a, b) => b.docs.length - a.docs.length || String(a.key).localeCompare(String(b.key)),
        )
        const buckets = sorted.slice(0, size)
        out[name] = {
          doc_count_error_upper_bound: 0,
          sum_other_doc_count: sorted.slice(size).reduce((n, b) => n + b.docs.length, 0),
          buckets: buckets.map((b) => ({
            key: b.key,
            ...(typeof b.key === 'boolean' ? { key_as_string: String(b.key) } : {}),
            doc_count: b.docs.length,
            ...(sub === undefined ? {} : aggregate(sub, b.docs)),
          })),
        }
        break
      }
      case 'avg':
      case 'sum':
      case 'min':
      case 'max': {
        const values = numbers(plain, field)
        const sum = values.reduce((a, b) => a + b, 0)
        const value =
          kind === 'sum'
            ? sum
            : values.length === 0
              ? null
              : kind === 'avg'
                ? sum / values.length
                : kind === 'min'
                  ? Math.min(...values)
                  : Math.max(...values)
        out[name] = { value }
        break
      }
      case 'value_count':
        out[name] = { value: plain.flatMap((d) => valuesAt(d._source, field)).length }
        break
      case 'cardinality':
        out[name] = {
          value: new Set(plain.flatMap((d) => valuesAt(d._source, field)).map((v) => JSON.stringify(v))).size,
        }
        break
      case 'stats': {
        const values = numbers(plain, field)
        const sum = values.reduce((a, b) => a + b, 0)
        out[name] =
          values.length === 0
            ? { count: 0, min: null, max: null, avg: null, sum: 0 }
            : {
                count: values.length,
                min: Math.min(...values),
                max: Math.max(...values),
                avg: sum / values.length,
                sum,
              }
        break
      }
      default:
        throw new EsHttpError(
          esError(400, 'parsing_exception', `Unknown aggregation type [${kind}] did you mean [terms]?`, {
            line: 1,
            col: 1,
          }),
        )
    }
  }
  return out
}
