import type { Client, estypes, MsearchRequest, MsearchResponse, SearchRequest, SearchResponse } from '@stretch/client'
import { ConfigurationError, checkNumber, ResponseError } from '@stretch/transport'
import { abortError, describe, kAtLeastOne, kConcurrency, kMilliseconds, optionOf } from './internal.js'

/**
 * Options of {@link msearch}.
 * @public
 */
export interface MsearchOptions {
  /** Searches per msearch request: a batch is sent as soon as it holds this many. Default 100. */
  readonly maxSearches?: number | undefined
  /** How long a partial batch waits for more searches, in ms. Default 5. */
  readonly flushInterval?: number | undefined
  /** msearch requests in flight at once; later batches wait. Default 5. */
  readonly concurrency?: number | undefined
  /** Query parameters of every msearch request (`max_concurrent_searches`, `typed_keys`, ...). */
  readonly request?: Omit<MsearchRequest, 'searches' | 'index'> | undefined
}

/**
 * What {@link msearch} returns: `search()` as `client.search()` would answer, batched into msearch requests.
 * @public
 */
export interface MsearchHelper {
  /**
   * Queues one search; resolves to its own response or rejects with its own error (a `ResponseError` with the
   * item's `status` and `error`), whatever happens to the other searches of the batch. As with `client.search()`,
   * the response's aggregations are inferred from the request's `aggs` unless `TAggregations` is given.
   */
  search<
    TDocument = unknown,
    TAggregations = estypes.AggregationsFromRequest,
    TAggs extends Record<string, estypes.AggregationsAggregationContainer> = Record<
      string,
      estypes.AggregationsAggregationContainer
    >,
  >(
    request: SearchRequest<TAggs>,
    options?: { readonly signal?: AbortSignal | undefined },
  ): Promise<SearchResponse<TDocument, estypes.AggregationsResult<TAggregations, TAggs>>>
  /** Sends what is queued now and resolves when those requests have answered. */
  flush(): Promise<void>
  /** Sends what is queued, waits for every answer; `search()` then rejects with a `ConfigurationError`. */
  close(): Promise<void>
}

/**
 * The part of the client `msearch` uses.
 * @public
 */
export type MsearchClient = Pick<Client, 'msearch'>

interface Pending {
  readonly header: Record<string, unknown>
  readonly body: Record<string, unknown>
  readonly resolve: (value: SearchResponse<unknown>) => void
  readonly reject: (error: unknown) => void
  readonly signal: AbortSignal | undefined
  settled: boolean
}

// The msearch header fields; everything else of a search request goes to the body line.
const kHeaderKeys = new Set([
  'index',
  'routing',
  'preference',
  'search_type',
  'request_cache',
  'allow_no_indices',
  'expand_wildcards',
  'ignore_unavailable',
  'ignore_throttled',
  'allow_partial_search_results',
  'ccs_minimize_roundtrips',
])

/**
 * Batches individual searches into msearch requests: by count (`maxSearches`) and a short interval
 * (`flushInterval`), with `concurrency` requests in flight. Each caller gets its own result or error.
 *
 * @param client - a `@stretch/client` `Client`.
 * @param options - batching; see {@link MsearchOptions}.
 * @example
 * ```ts
 * const m = msearch(client)
 * const [a, b] = await Promise.all([
 *   m.search({ index: 'books', query: { match: { title: 'dune' } } }),
 *   m.search({ index: 'authors', query: { term: { name: 'herbert' } } }),
 * ]) // one msearch request
 * await m.close()
 * ```
 * @public
 */
export function msearch(client: MsearchClient, options: MsearchOptions = {}): MsearchHelper {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError(`msearch: options must be an object (got ${describe(options)})`)
  }
  checkNumber(optionOf('msearch', 'maxSearches'), options.maxSearches, kAtLeastOne)
  checkNumber(optionOf('msearch', 'flushInterval'), options.flushInterval, kMilliseconds)
  checkNumber(optionOf('msearch', 'concurrency'), options.concurrency, kConcurrency)
  const maxSearches = options.maxSearches ?? 100
  const flushInterval = options.flushInterval ?? 5
  const concurrency = options.concurrency ?? 5
  const request = options.request ?? {}

  const queue: Pending[] = []
  let inFlight = 0
  let closed = false
  let timer: NodeJS.Timeout | undefined
  const running = new Set<Promise<void>>()

  const settle = (p: Pending, fn: () => void): void => {
    if (p.settled) return
    p.settled = true
    fn()
  }

  const send = async (batch: Pending[]): Promise<void> => {
    const searches: unknown[] = []
    for (const p of batch) searches.push(p.header, p.body)
    let response: MsearchResponse<unknown>
    try {
      // The lines are built at run time (an array, not a tuple): every item is typed alike, as `MsearchResponse`.
      response = await client.msearch(
        { ...request, searches: searches as estypes.MsearchRequestItem[] },
        { origin: 'helpers.msearch' },
      )
    } catch (error) {
      for (const p of batch) settle(p, () => p.reject(error))
      return
    }
    batch.forEach((p, i) => {
      const item = response.responses[i]
      if (item === undefined) {
        const error = new ResponseError({
          statusCode: 200,
          body: { error: { type: 'missing_response', reason: `the msearch response has no item ${i}` } },
          headers: {},
          path: '/_msearch',
        })
        settle(p, () => p.reject(error))
      } else if ('error' in item) {
        const status = (item as { status?: unknown }).status
        const error = new ResponseError({
          statusCode: typeof status === 'number' ? status : 500,
          body: item,
          headers: {},
          path: '/_msearch',
        })
        settle(p, () => p.reject(error))
      } else {
        settle(p, () => p.resolve(item))
      }
    })
  }

  const drain = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    while (inFlight < concurrency && queue.length > 0) {
      const batch = queue.splice(0, maxSearches).filter((p) => !p.settled)
      if (batch.length === 0) continue
      inFlight++
      const done = send(batch).finally(() => {
        inFlight--
        running.delete(done)
        drain()
      })
      running.add(done)
    }
  }

  const flush = async (): Promise<void> => {
    drain()
    while (running.size > 0 || queue.length > 0) {
      await Promise.all([...running])
      drain()
    }
  }

  // Contextually typed by the return type: search() gets its generic signature (and its parameters' types) from
  // MsearchHelper instead of declaring it a second time.
  return {
    search(searchRequest, callOptions) {
      if (closed) return Promise.reject(new ConfigurationError('msearch: search() was called after close()'))
      if (searchRequest === null || typeof searchRequest !== 'object') {
        return Promise.reject(
          new ConfigurationError(`msearch: search() takes a search request object (got ${describe(searchRequest)})`),
        )
      }
      const signal = callOptions?.signal
      if (signal?.aborted === true) return Promise.reject(abortError('msearch', signal))
      const header: Record<string, unknown> = {}
      const body: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(searchRequest)) {
        if (value === undefined) continue
        if (kHeaderKeys.has(key)) header[key] = value
        else body[key] = value
      }
      return new Promise((resolve, reject) => {
        const pending: Pending = {
          header,
          body,
          resolve: resolve as (value: SearchResponse<unknown>) => void,
          reject,
          signal,
          settled: false,
        }
        // An abort settles the caller's promise at once; a search not yet sent is then left out of its batch.
        signal?.addEventListener('abort', () => settle(pending, () => reject(abortError('msearch', signal))), {
          once: true,
        })
        queue.push(pending)
        if (queue.length >= maxSearches) drain()
        else if (timer === undefined) {
          timer = setTimeout(drain, flushInterval)
        }
      })
    },
    flush,
    async close(): Promise<void> {
      closed = true
      await flush()
    },
  }
}
