// What the server answers and what the clients send. Shapes follow Elasticsearch 9.
import type { estypes } from '@stretch/client'

/** The version the server reports; every adapter checks it in `info`. */
export const serverVersion = '9.1.0'

/** `GET /`. */
export const infoResponse: object = {
  name: 'bench-node-0',
  cluster_name: 'bench',
  cluster_uuid: 'bM6t6mV6Rt2aZ0gD1x4Uyw',
  version: {
    number: serverVersion,
    build_flavor: 'default',
    build_type: 'docker',
    build_hash: '0c781091a2f57de895a73a1391ff8426c0153c8d',
    build_date: '2025-07-21T16:03:23.047486553Z',
    build_snapshot: false,
    lucene_version: '10.2.2',
    minimum_wire_compatibility_version: '8.19.0',
    minimum_index_compatibility_version: '8.0.0',
  },
  tagline: 'You Know, for Search',
}

/** Hits in the search answer. */
export const searchHits = 5

/** `POST /<index>/_search`: about 2 KB. */
export const searchResponse: object = {
  took: 3,
  timed_out: false,
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
  hits: {
    total: { value: 1342, relation: 'eq' },
    max_score: 2.3862944,
    hits: Array.from({ length: searchHits }, (_, i) => ({
      _index: 'bench',
      _id: `doc-${1000 + i}`,
      _score: 2.3862944 - i * 0.1,
      _source: {
        title: `Stretch benchmark document number ${i}`,
        body: 'A short paragraph of text, long enough to look like what a search returns for a small page of hits.',
        tags: ['bench', 'search', `tag-${i}`],
        price: 10 + i,
        in_stock: i % 2 === 0,
        created_at: `2025-0${1 + i}-1${i}T10:00:00Z`,
      },
    })),
  },
}

/** `PUT /<index>/_doc/<id>`. */
export const indexResponse: object = {
  _index: 'bench',
  _id: 'doc-1',
  _version: 1,
  result: 'created',
  _shards: { total: 1, successful: 1, failed: 0 },
  _seq_no: 0,
  _primary_term: 1,
}

/** `POST /_bulk` with `items` actions: one item per action line, all created. */
export function bulkResponse(items: number): unknown {
  return {
    errors: false,
    took: 7,
    items: Array.from({ length: items }, (_, i) => ({
      index: {
        _index: 'bench',
        _id: String(i + 1),
        _version: 1,
        result: 'created',
        _shards: { total: 1, successful: 1, failed: 0 },
        _seq_no: i,
        _primary_term: 1,
        status: 201,
      },
    })),
  }
}

/** The index every request names. */
export const indexName = 'bench'

/** The small query every `search` sends. */
export const searchQuery: estypes.QueryDslQueryContainer = { match: { title: 'stretch benchmark' } }

/** Documents per bulk request. */
export const bulkDocuments = 1000

/** The 1,000 small documents of a bulk request, as action and document lines (2,000 values). */
export function bulkOperations(): object[] {
  const out: object[] = []
  for (let i = 0; i < bulkDocuments; i++) {
    out.push({ index: { _index: indexName, _id: String(i + 1) } })
    out.push({ title: `document ${i}`, count: i, tags: ['a', 'b'], ok: true })
  }
  return out
}

/** Throws unless `body` is the server's info answer. */
export function checkInfo(body: unknown): void {
  const version = (body as { version?: { number?: unknown } } | null)?.version?.number
  if (version !== serverVersion) throw new Error(`info: unexpected body ${preview(body)}`)
}

/** Throws unless `body` is the server's search answer. */
export function checkSearch(body: unknown): void {
  const hits = (body as { hits?: { hits?: unknown[] } } | null)?.hits?.hits
  if (!Array.isArray(hits) || hits.length !== searchHits) throw new Error(`search: unexpected body ${preview(body)}`)
}

/** Throws unless `body` answers a bulk of all {@link bulkDocuments} documents. */
export function checkBulk(body: unknown): void {
  const b = body as { errors?: unknown; items?: unknown[] } | null
  if (b?.errors !== false || !Array.isArray(b.items) || b.items.length !== bulkDocuments) {
    throw new Error(`bulk: unexpected body ${preview(body)}`)
  }
}

function preview(body: unknown): string {
  const text = JSON.stringify(body) ?? String(body)
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}
