// Type contracts of the request and response types generated from the specification's model, checked by `tsc`
// (`pnpm typecheck`): everyday programs compile with no cast, and each deliberate mistake is a compile error (a
// `@ts-expect-error` that finds no error fails the check).
import { expectTypeOf } from 'vitest'
import {
  type BulkResponse,
  type BulkResponseItem,
  type Client,
  type ErrorCause,
  type ErrorCauseBody,
  type ErrorResponseBody,
  type estypes,
  isElasticsearchError,
  isErrorResponseBody,
  isResponseError,
  type MsearchResponseItem,
  type SearchHit,
  type SearchRequest,
  type SearchResponse,
} from '../src/index.js'

interface Book {
  title: string
  year: number
  tags: string[]
}

declare const client: Client

// A typed search: the hits carry the document type, the response is closed.
const found = await client.search<Book>({
  index: 'books',
  query: { bool: { must: [{ match: { title: 'dune' } }], filter: [{ range: { year: { gte: 1960 } } }] } },
  sort: [{ year: 'desc' }, '_score'],
  _source: ['title'],
  size: 10,
})
expectTypeOf(found).toEqualTypeOf<SearchResponse<Book>>()
expectTypeOf(found.took).toEqualTypeOf<number>()
const hit = found.hits.hits[0]
if (hit !== undefined) expectTypeOf(hit._source).toEqualTypeOf<Book | undefined>()
expectTypeOf<SearchHit<Book>['_source']>().toEqualTypeOf<Book | undefined>()
// @ts-expect-error a typo on a response field: the response has no index signature
void found.tookk
// @ts-expect-error a typo on a hit field
void hit?._sorce

// The official client's names under estypes.
expectTypeOf<estypes.SearchResponse<Book>>().toEqualTypeOf<SearchResponse<Book>>()
expectTypeOf<estypes.SearchRequest>().toEqualTypeOf<SearchRequest>()
const query: estypes.QueryDslQueryContainer = { term: { tags: 'classic' } }
const shortcut: estypes.QueryDslQueryContainer = { match: { title: 'dune' } }
const full: estypes.QueryDslQueryContainer = { match: { title: { query: 'dune', operator: 'and' } } }
void [query, shortcut, full]

// @ts-expect-error `mtach` is not a query
void client.search({ query: { mtach: { title: 'dune' } } })
// @ts-expect-error `fitler` is not a clause of bool
void client.search({ query: { bool: { fitler: [{ term: { tags: 'a' } }] } } })
// @ts-expect-error a container takes exactly one variant
void client.search({ query: { match: { title: 'dune' }, term: { tags: 'a' } } })
// @ts-expect-error `minimum_should_match` is a number or a string
void client.search({ query: { bool: { should: [query], minimum_should_match: true } } })
// @ts-expect-error `soruce` is not a property of a script
void client.updateByQuery({ index: 'books', script: { soruce: 'ctx._source.year++' } })
void client.updateByQuery({ index: 'books', script: { source: 'ctx._source.year++', lang: 'painless' } })
void client.updateByQuery({ index: 'books', script: 'ctx._source.year++' })

// Aggregations: the request is typed down to the intervals.
void client.search({
  size: 0,
  aggs: {
    by_tag: { terms: { field: 'tags', size: 5 } },
    per_month: {
      date_histogram: { field: 'created', calendar_interval: 'month' },
      aggs: { avg_price: { avg: { field: 'price' } } },
    },
  },
})
// @ts-expect-error `mnth` is not a calendar interval
void client.search({ aggs: { m: { date_histogram: { field: 'created', calendar_interval: 'mnth' } } } })
// @ts-expect-error `avgg` is not an aggregation
void client.search({ aggs: { p: { avgg: { field: 'price' } } } })
// With an explicit aggregations type, the response carries it.
const aggregated = await client.search<Book, { by_tag: estypes.AggregationsStringTermsAggregate }>({ size: 0 })
const buckets = aggregated.aggregations?.by_tag.buckets
if (Array.isArray(buckets)) expectTypeOf(buckets[0]?.doc_count).toEqualTypeOf<number | undefined>()

// Mappings: the `type` discriminates, closed enums take their members only.
await client.indices.create({
  index: 'books',
  mappings: {
    dynamic: 'strict',
    properties: {
      title: { type: 'text', analyzer: 'english', fields: { raw: { type: 'keyword', ignore_above: 256 } } },
      year: { type: 'integer' },
      tags: { type: 'keyword' },
      author: { properties: { name: { type: 'text' } } },
    },
  },
})
// @ts-expect-error `keywrod` is not a field type
void client.indices.create({ index: 'books', mappings: { properties: { tags: { type: 'keywrod' } } } })
// @ts-expect-error `dynamic` is a closed enum
void client.indices.create({ index: 'books', mappings: { dynamic: 'sometimes' } })
// An open enum accepts any string (plugins add values).
const open: estypes.IndicesIndexSettings = { 'index.codec': 'best_compression' }
void open

// Point in time: durations are strings (or -1 and 0).
const pit = await client.openPointInTime({ index: 'books', keep_alive: '1m' })
expectTypeOf(pit.id).toEqualTypeOf<string>()
await client.search<Book>({ pit: { id: pit.id, keep_alive: '1m' }, search_after: [1965, 'dune'] })
// @ts-expect-error `keep_alive` is a duration string, not a number of seconds
void client.openPointInTime({ index: 'books', keep_alive: 60 })

// Bulk: the operations array is action lines and documents (or partial documents).
const bulk = await client.bulk<Book, Partial<Book>>({
  operations: [
    { index: { _index: 'books', _id: '1' } },
    { title: 'Dune', year: 1965, tags: [] },
    { update: { _index: 'books', _id: '1' } },
    { doc: { year: 1966 } },
    { delete: { _index: 'books', _id: '2' } },
  ],
})
expectTypeOf(bulk.errors).toEqualTypeOf<boolean>()
const item = bulk.items[0]?.index
if (item !== undefined) expectTypeOf(item).toEqualTypeOf<BulkResponseItem>()
expectTypeOf<BulkResponseItem['error']>().toEqualTypeOf<ErrorCause | undefined>()
// @ts-expect-error `indx` is not a bulk action, nor a Book
void client.bulk<Book>({ operations: [{ indx: { _index: 'books' } }] })
// @ts-expect-error a Book's `year` is a number
void client.bulk<Book>({ operations: [{ index: { _index: 'books' } }, { title: 'Dune', year: '1965', tags: [] }] })
// Without type arguments the document type is not inferred from the lines (a document line is any object): an
// update's partial `doc` beside a script's `upsert` of another shape (the spec's BulkRequestExample2) compiles.
await client.bulk({
  operations: [
    { update: { _id: '1', _index: 'index1', retry_on_conflict: 3 } },
    { doc: { field: 'value' } },
    { update: { _id: '0', _index: 'index1', retry_on_conflict: 3 } },
    {
      script: { source: 'ctx._source.counter += params.param1', lang: 'painless', params: { param1: 1 } },
      upsert: { counter: 1 },
    },
    { update: { _id: '2', _index: 'index1', retry_on_conflict: 3 } },
    { doc: { field: 'value' }, doc_as_upsert: true },
    { update: { _id: '3', _index: 'index1', _source: true } },
    { doc: { field: 'value' } },
  ],
})

// Untyped, the lines are still lines: objects (an action, an update's body, a document), not any value.
// @ts-expect-error a line is an object, not a number
void client.bulk({ operations: [{ index: { _index: 'books' } }, 1965] })
await client.bulk({ operations: [{ index: { _index: 'books' } }, { title: 'Dune' }, { delete: { _id: '2' } }] })

// get, mget, index, update keep their document generics.
const got = await client.get<Book>({ index: 'books', id: '1' })
if (got.found) expectTypeOf(got._source).toEqualTypeOf<Book | undefined>()
const many = await client.mget<Book>({ index: 'books', ids: ['1', '2'] })
const first = many.docs[0]
if (first !== undefined && 'found' in first) expectTypeOf(first._source).toEqualTypeOf<Book | undefined>()
await client.index<Book>({ index: 'books', id: '1', document: { title: 'Dune', year: 1965, tags: [] } })
// @ts-expect-error the document must be a Book
void client.index<Book>({ index: 'books', document: { title: 'Dune' } })
const updated = await client.update<Book, Partial<Book>>({ index: 'books', id: '1', doc: { year: 1966 } })
expectTypeOf(updated.result).toEqualTypeOf<estypes.Result>()

// msearch items narrow with `'error' in item`.
const multi = await client.msearch<Book>({ searches: [{ index: 'books' }, { query: { match_all: {} } }] })
for (const response of multi.responses) {
  expectTypeOf(response).toEqualTypeOf<MsearchResponseItem<Book>>()
  if ('error' in response) expectTypeOf(response.error).toEqualTypeOf<ErrorCause>()
  else expectTypeOf(response.hits.hits[0]?._source).toEqualTypeOf<Book | undefined>()
}

// msearch infers each item's aggregations from its own body line, as `search({ aggs })` does: the searches written
// in place are a tuple of lines (header, body, header, body, ...), and the responses a tuple with one item per body.
const perItem = await client.msearch({
  index: 'books',
  searches: [
    { index: 'books' },
    {
      size: 0,
      aggs: {
        by_tag: { terms: { field: 'tags' } },
        per_decade: { histogram: { field: 'year', interval: 10 }, aggs: { avg_year: { avg: { field: 'year' } } } },
      },
    },
    { index: 'authors', routing: 'a' },
    { size: 0, aggregations: { n: { value_count: { field: 'name' } } } },
    {},
    { query: { match_all: {} } },
  ],
})
// One item per body line, the header lines count for none.
expectTypeOf(perItem.responses.length).toEqualTypeOf<3>()
expectTypeOf(perItem.took).toEqualTypeOf<number>()
const [firstItem, second, third] = perItem.responses
if (!('error' in firstItem)) {
  const aggs = firstItem.aggregations
  expectTypeOf(aggs?.by_tag.buckets[0]?.doc_count).toEqualTypeOf<number | undefined>()
  expectTypeOf(aggs?.per_decade.buckets[0]?.avg_year.value).toEqualTypeOf<number | null | undefined>()
  // The first body's aggregations only: `n` is the second's.
  // @ts-expect-error `n` is not an aggregation of the first search
  void aggs?.n
  // The same type as a search with the same `aggs` (not readonly, though the lines are inferred `const`).
  const alone = await client.search({ size: 0, aggs: { by_tag: { terms: { field: 'tags' } } } })
  expectTypeOf(aggs?.by_tag).toEqualTypeOf<NonNullable<typeof alone.aggregations>['by_tag'] | undefined>()
} else expectTypeOf(firstItem.error).toEqualTypeOf<ErrorCause>()
if (!('error' in second)) {
  expectTypeOf(second.aggregations?.n.value).toEqualTypeOf<number | null | undefined>()
  // @ts-expect-error `by_tag` is the first search's
  void second.aggregations?.by_tag
}
// A body without aggregations: the record of any aggregate, as for a search.
if (!('error' in third))
  expectTypeOf(third.aggregations).toEqualTypeOf<Record<string, estypes.AggregationsAggregate> | undefined>()
// @ts-expect-error three searches, three items
void perItem.responses[3]

// The README's msearch example.
{
  const { responses } = await client.msearch({
    searches: [
      { index: 'books' },
      { size: 0, aggs: { by_tag: { terms: { field: 'tags' } } } },
      { index: 'authors' },
      { size: 0, aggs: { oldest: { min: { field: 'born' } } } },
    ],
  })
  const [books, authors] = responses
  if (!('error' in books))
    expectTypeOf(books.aggregations?.by_tag.buckets[0]?.doc_count).toEqualTypeOf<number | undefined>()
  if (!('error' in authors)) expectTypeOf(authors.aggregations?.oldest.value).toEqualTypeOf<number | null | undefined>()
}

// A mistake inside an item's aggregations is still an error, on that item (here the second search's body).
await client.msearch({
  searches: [
    { index: 'books' },
    { aggs: { by_tag: { terms: { field: 'tags' } } } },
    { index: 'books' },
    // @ts-expect-error `fild` is not a property of an avg aggregation
    { aggs: { n: { avg: { fild: 'year' } } } },
  ],
})
await client.msearch({
  searches: [
    { index: 'books' },
    // @ts-expect-error `sizee` is not a property of a terms aggregation (it shares `field`, so only the excess check
    // finds it)
    { aggs: { t: { terms: { field: 'tags', sizee: 3 } } } },
  ],
})
// A header line is a header: a misspelled header field is an error too.
await client.msearch({
  searches: [
    // @ts-expect-error `indx` is neither a header nor a body field
    { indx: 'books' },
    { query: { match_all: {} } },
  ],
})

// The lines as a constant tuple (`as const`) infer the same way.
const lines = [{ index: 'books' }, { size: 0, aggs: { oldest: { min: { field: 'year' } } } }] as const
const fromConst = await client.msearch({ searches: lines })
const [oldest] = fromConst.responses
if (!('error' in oldest)) expectTypeOf(oldest.aggregations?.oldest.value).toEqualTypeOf<number | null | undefined>()

// Searches built at run time (an array, not a tuple) fall back to one type for every item: the record of any
// aggregate, or the aggregations type given, which `AggregationsInferred` derives from an aggregations object.
const built: estypes.MsearchRequestItem[] = []
for (const title of ['dune', 'emma']) built.push({ index: 'books' }, { query: { match: { title } } })
const runtime = await client.msearch<Book>({ searches: built })
expectTypeOf(runtime.responses).toEqualTypeOf<MsearchResponseItem<Book>[]>()
const untyped = await client.msearch({ searches: built })
expectTypeOf(untyped.responses).toEqualTypeOf<MsearchResponseItem[]>()
const runtimeItem = untyped.responses[0]
if (runtimeItem !== undefined && !('error' in runtimeItem))
  expectTypeOf(runtimeItem.aggregations).toEqualTypeOf<Record<string, estypes.AggregationsAggregate> | undefined>()
// `msearch<Book>` alone turns inference off, as `search<Book>` does (TypeScript infers all type arguments or none).
const bookItems = await client.msearch<Book>({
  searches: [{ index: 'books' }, { size: 0, aggs: { n: { avg: { field: 'year' } } } }],
})
expectTypeOf(bookItems.responses).toEqualTypeOf<MsearchResponseItem<Book>[]>()
const byTag = { by_tag: { terms: { field: 'tags' } } } satisfies Record<
  string,
  estypes.AggregationsAggregationContainer
>
const tagged = await client.msearch<Book, estypes.AggregationsInferred<typeof byTag>>({
  searches: [{ index: 'books' }, { size: 0, aggs: byTag }],
})
const taggedItem = tagged.responses[0]
if (taggedItem !== undefined && !('error' in taggedItem)) {
  expectTypeOf(taggedItem.aggregations?.by_tag.buckets[0]?.doc_count).toEqualTypeOf<number | undefined>()
  expectTypeOf(taggedItem.hits.hits[0]?._source).toEqualTypeOf<Book | undefined>()
  // @ts-expect-error the aggregations object has no `by_author`
  void taggedItem.aggregations?.by_author
}
// The NDJSON text (header and body lines as written on the wire) or its bytes: every item alike.
const text = await client.msearch({ searches: '{"index":"books"}\n{"size":0,"aggs":{"n":{"avg":{"field":"year"}}}}\n' })
expectTypeOf(text.responses).toEqualTypeOf<MsearchResponseItem[]>()
// With `{ meta: true }` the body is inferred the same way.
const withMeta = await client.msearch(
  { searches: [{ index: 'books' }, { size: 0, aggs: { n: { max: { field: 'year' } } } }] },
  { meta: true },
)
const [metaItem] = withMeta.body.responses
if (!('error' in metaItem)) expectTypeOf(metaItem.aggregations?.n.value).toEqualTypeOf<number | null | undefined>()

// NDJSON bodies take their encoded bytes too, sent as they are (as the bulk helper sends its batches).
const ndjson = new TextEncoder().encode('{"index":{"_index":"books"}}\n{"title":"Dune"}\n')
expectTypeOf(await client.bulk({ operations: ndjson })).toEqualTypeOf<BulkResponse>()
await client.msearch({ searches: new TextEncoder().encode('{"index":"books"}\n{"size":0}\n') })
// @ts-expect-error bytes, not any array-like of numbers
void client.bulk({ operations: new Uint16Array(2) })

// count, ES|QL, cat.
const counted = await client.count({ index: 'books', query: { term: { tags: 'classic' } } })
expectTypeOf(counted.count).toEqualTypeOf<number>()
const esql = await client.esql.query({ query: 'FROM books | LIMIT 10' })
expectTypeOf(esql.columns[0]?.name).toEqualTypeOf<string | undefined>()
expectTypeOf(esql.values).toEqualTypeOf<estypes.FieldValue[][]>()
const rows = await client.cat.indices({ format: 'json' })
expectTypeOf(rows[0]?.index).toEqualTypeOf<string | undefined>()

// Error handling: a ResponseError's body narrowed by either guard is the specification's error response, assignable
// both ways (the transport's ErrorResponseBody is written without the client, which depends on the transport).
{
  const caught: unknown = undefined
  if (isResponseError(caught) && isErrorResponseBody(caught.body)) {
    const b: estypes.ErrorResponseBase = caught.body
    const cause: estypes.ErrorCause = caught.body.error
    const roots: estypes.ErrorCause[] | undefined = caught.body.error.root_cause
    void [b, cause, roots]
    expectTypeOf(caught.body).toEqualTypeOf<ErrorResponseBody>()
  }
  if (isElasticsearchError(caught)) {
    const b: estypes.ErrorResponseBase = caught.body
    const body: ErrorResponseBody = caught.body
    void [b, body]
    expectTypeOf(caught.body.error.root_cause?.[0]?.type).toEqualTypeOf<string | undefined>()
  }
  expectTypeOf<ErrorResponseBody>().toExtend<estypes.ErrorResponseBase>()
  expectTypeOf<ErrorCauseBody>().toExtend<estypes.ErrorCause>()
  expectTypeOf<estypes.ErrorResponseBase>().toExtend<ErrorResponseBody>()
  expectTypeOf<estypes.ErrorCause>().toExtend<ErrorCauseBody>()
}

declare const aPipeline: estypes.LogstashPipeline
// The endpoints that answer without a body resolve to what their response types say: a boolean (true on 2xx, false
// on 404), as a HEAD does.
expectTypeOf(await client.logstash.deletePipeline({ id: 'p' })).toEqualTypeOf<estypes.LogstashDeletePipelineResponse>()
expectTypeOf(
  await client.logstash.putPipeline({ id: 'p', pipeline: aPipeline }),
).toEqualTypeOf<estypes.LogstashPutPipelineResponse>()
expectTypeOf(
  await client.cluster.deleteVotingConfigExclusions(),
).toEqualTypeOf<estypes.ClusterDeleteVotingConfigExclusionsResponse>()
expectTypeOf(
  await client.cluster.postVotingConfigExclusions({ node_names: 'n1' }),
).toEqualTypeOf<estypes.ClusterPostVotingConfigExclusionsResponse>()
expectTypeOf(
  await client.security.samlCompleteLogout({ realm: 'saml1', ids: ['_1'] }),
).toEqualTypeOf<estypes.SecuritySamlCompleteLogoutResponse>()
expectTypeOf<estypes.SecuritySamlCompleteLogoutResponse>().toEqualTypeOf<boolean>()

// Deliberate mistakes, two per program, as the everyday programs make them.
// count: a misspelled body property, a misspelled response field.
{
  // @ts-expect-error `qeury` is not a count parameter
  void client.count({ index: 'books', qeury: { match_all: {} } })
  const n = await client.count({ index: 'books' })
  // @ts-expect-error `cont` is not a field of the count response
  void n.cont
}
// ES|QL: a misspelled parameter, a misspelled response field.
{
  // @ts-expect-error `qeury` is not an ES|QL query parameter
  void client.esql.query({ qeury: 'FROM books' })
  const resp = await client.esql.query({ query: 'FROM books | LIMIT 1' })
  // @ts-expect-error `colums` is not a field of an ES|QL result
  void resp.colums
}
// cat: a misspelled column of a record, a wrong value of a parameter.
{
  const records = await client.cat.indices({ index: 'books', format: 'json' })
  // @ts-expect-error `indx` is not a column of cat.indices
  void records[0]?.indx
  // @ts-expect-error `bytes` is a unit (`b`, `kb`, `mb`, ...), not a number
  void client.cat.indices({ bytes: 1024 })
}
// get and mget: a misspelled parameter, a misspelled response field.
{
  // @ts-expect-error `idz` is not an mget parameter
  void client.mget<Book>({ index: 'books', idz: ['1', '2'] })
  const doc = await client.get<Book>({ index: 'books', id: '1' })
  // @ts-expect-error `_sorce` is not a field of a get response
  void doc._sorce
  // @ts-expect-error `docz` is not a field of an mget response
  void (await client.mget<Book>({ index: 'books', ids: ['1'] })).docz
  const docs = await client.mget<Book>({ index: 'books', ids: ['1'] })
  const one = docs.docs[0]
  // @ts-expect-error a Book has no `titel`
  if (one !== undefined && 'found' in one) void one._source?.titel
}
// Error handling: a misspelled field of the error response, a misspelled field of its cause.
{
  const caught: unknown = undefined
  if (isElasticsearchError(caught)) {
    // @ts-expect-error `stauts` is not a field of the error response
    void caught.body.stauts
    // @ts-expect-error `eror` is not a field of the error response
    void caught.body.eror
  }
  if (isResponseError(caught) && isErrorResponseBody(caught.body)) {
    // @ts-expect-error `root_causes` is not a field of the error cause (its extra keys are `unknown`): not an array
    void caught.body.error.root_causes?.map((c) => c.type)
    // @ts-expect-error `statusCode` is the error's, not the body's
    void caught.body.statusCode.toFixed()
  }
}
