import type { Client, SearchHit, SearchResponse } from '@stretch/client'
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
  expectTypeOf(esql(client, 'FROM books').toRecords<Book>()).resolves.toHaveProperty('records').toEqualTypeOf<Book[]>()
})
