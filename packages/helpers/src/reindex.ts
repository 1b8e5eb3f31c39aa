import type { SearchHit } from '@stretch/client'
import { ConfigurationError } from '@stretch/transport'
import { type BulkClient, type BulkDrop, type BulkOptions, type BulkStats, bulk } from './bulk.js'
import { type SearchAllClient, type SearchAllRequest, searchAll } from './search-all.js'

/**
 * Options of {@link reindex}.
 * @public
 */
export interface ReindexOptions<TSource, TTarget = TSource>
  extends Pick<
    BulkOptions<SearchHit<TSource>>,
    | 'flushBytes'
    | 'flushInterval'
    | 'concurrency'
    | 'retries'
    | 'retryBackoff'
    | 'maxRetryBackoff'
    | 'signal'
    | 'refreshOnCompletion'
  > {
  /** What to read: a search (`index` required) run with `searchAll`. */
  readonly source: SearchAllRequest
  /** Where to write: the index (or data stream, with `op: 'create'`). */
  readonly target: { readonly index: string; readonly op?: 'index' | 'create' | undefined }
  /** The client that writes (another cluster); default the reading client. */
  readonly targetClient?: BulkClient | undefined
  /** Turns a source document into the target one; `null` skips it. Default: copied as is. */
  readonly transform?: ((source: TSource, hit: SearchHit<TSource>) => TTarget | null) | undefined
  /** Called for every document not written. */
  readonly onDrop?: ((drop: BulkDrop<SearchHit<TSource>>) => void) | undefined
}

/**
 * Copies the documents a search finds into another index, on the same cluster or another one: read with
 * `searchAll` (a point in time), written with {@link bulk} (its backpressure, retries and counts), ids kept.
 *
 * @param client - the client that reads (and writes, unless `targetClient` is given).
 * @param options - the source search, the target index, an optional `transform`, and the bulk options.
 * @returns the counts of the bulk side (`total` is the number of hits read).
 * @example
 * ```ts
 * const stats = await reindex(client, { source: { index: 'books-v1' }, target: { index: 'books-v2' } })
 * ```
 * @public
 */
export async function reindex<TSource = unknown, TTarget = TSource>(
  client: SearchAllClient & BulkClient,
  options: ReindexOptions<TSource, TTarget>,
): Promise<BulkStats> {
  if (options === null || typeof options !== 'object' || typeof options.target?.index !== 'string') {
    throw new ConfigurationError(
      "reindex: `target.index` is required: reindex(client, { source: { index: 'a' }, target: { index: 'b' } })",
    )
  }
  const { source, target, targetClient, transform, ...rest } = options
  const op = target.op ?? 'index'
  const transformed = new WeakMap<SearchHit<TSource>, unknown>()
  const hits = searchAll<TSource>(client, source, rest.signal === undefined ? {} : { signal: rest.signal })
  // The transform runs as the hits are read, so a skipped document (`null`) never reaches bulk.
  async function* documents(): AsyncGenerator<SearchHit<TSource>> {
    for await (const hit of hits) {
      if (transform === undefined) {
        yield hit
        continue
      }
      const doc = transform(hit._source as TSource, hit)
      if (doc === null) continue
      transformed.set(hit, doc)
      yield hit
    }
  }
  return bulk<SearchHit<TSource>>(targetClient ?? client, {
    ...rest,
    datasource: documents(),
    onDocument: (hit) => {
      const document = transform === undefined ? hit._source : transformed.get(hit)
      const meta = { _index: target.index, _id: hit._id }
      return op === 'create' ? { create: meta, document } : { index: meta, document }
    },
  })
}
