import type { Client, estypes, SearchHit, SearchResponse } from '@stretch/client'
import { expectTypeOf, test } from 'vitest'
import { type BulkDrop, type BulkStats, bulk, esql, msearch, scroll, searchAll } from '../src/index.js'

interface Book {
  id: string
  title: string
}
declare const client: Client

test('bulk is typed by the document: onDocument and onDrop see it', () => {
  const run = bulk<Book>(client, {
    datasource: [{ id: '1', title: 'Dune' }],
    onDocument: (book) => {
      expectTypeOf(book).toEqualTypeOf<Book>()
      return { index: { _index: 'books', _id: book.id } }
    },
    onDrop: (drop) => expectTypeOf(drop).toEqualTypeOf<BulkDrop<Book>>(),
  })
  expectTypeOf(run).toEqualTypeOf<Promise<BulkStats>>()
  // @ts-expect-error the datasource holds Books
  bulk<Book>(client, { datasource: [42], onDocument: () => ({ index: {} }) })
  // @ts-expect-error an action is index, create, update or delete
  bulk<Book>(client, { datasource: [], onDocument: () => ({ upsert: {} }) })
})

test('searchAll and scroll yield hits, or documents in documents mode', () => {
  expectTypeOf(searchAll<Book>(client, { index: 'books' })).toEqualTypeOf<
    AsyncGenerator<SearchHit<Book>, void, undefined>
  >()
  expectTypeOf(searchAll<Book>(client, { index: 'books' }, { documents: true })).toEqualTypeOf<
    AsyncGenerator<Book, void, undefined>
  >()
  expectTypeOf(scroll<Book>(client, { index: 'books' }, { documents: true })).toEqualTypeOf<
    AsyncGenerator<Book, void, undefined>
  >()
  // @ts-expect-error the point in time needs an index
  searchAll(client, { query: { match_all: {} } })
  // @ts-expect-error `from` is the helper's
  searchAll(client, { index: 'books', from: 10 })
})

test('msearch and esql carry the caller types', () => {
  expectTypeOf(msearch(client).search<Book>({ index: 'books' })).toEqualTypeOf<Promise<SearchResponse<Book>>>()
})

test("msearch's search() answers what client.search() answers for the same call (its signature mirrors it)", () => {
  const m = msearch(client)
  const aggs = { by_title: { terms: { field: 'title' } }, n: { value_count: { field: 'id' } } }
  expectTypeOf(m.search({ index: 'books' })).toEqualTypeOf(client.search({ index: 'books' }))
  expectTypeOf(m.search<Book>({ index: 'books', aggs })).toEqualTypeOf(client.search<Book>({ index: 'books', aggs }))
  expectTypeOf(m.search({ aggs })).toEqualTypeOf(client.search({ aggs }))
  expectTypeOf(m.search<Book, { total: estypes.AggregationsSumAggregate }>({ aggs })).toEqualTypeOf(
    client.search<Book, { total: estypes.AggregationsSumAggregate }>({ aggs }),
  )
})

test("msearch's search() infers its response's aggregations from its request, as client.search() does", async () => {
  const m = msearch(client)
  const result = await m.search({
    index: 'books',
    size: 0,
    aggs: { by_title: { terms: { field: 'title' } }, n: { value_count: { field: 'id' } } },
  })
  expectTypeOf(result.aggregations?.by_title.buckets[0]?.doc_count).toEqualTypeOf<number | undefined>()
  expectTypeOf(result.aggregations?.n.value).toEqualTypeOf<number | null | undefined>()
  // @ts-expect-error the request has no `by_year` aggregation
  void result.aggregations?.by_year
  // @ts-expect-error `fild` is not a property of an avg aggregation
  void m.search({ aggs: { a: { avg: { fild: 'year' } } } })
  // An explicit aggregations type still wins.
  const given = await m.search<Book, { total: estypes.AggregationsSumAggregate }>({
    aggs: { total: { sum: { field: 'n' } } },
  })
  expectTypeOf(given.aggregations?.total.value).toEqualTypeOf<number | null | undefined>()
  expectTypeOf(esql(client, 'FROM books').toRecords<Book>()).resolves.toHaveProperty('records').toEqualTypeOf<Book[]>()
})
