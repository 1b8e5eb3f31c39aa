// The user programs of the `types` scenario: 15 everyday programs, each written once per client the way its
// documentation says (construction, errors and aggregations differ; the calls are the same API). Every program is a
// correct program: it must compile with no error and no cast (the scenario counts errors, and fails on any).

/** The clients the scenario type-checks. */
export type TypesClient = 'stretch' | 'es9'

/** One program: a file name and its source for each client. */
export interface TypesProgram {
  readonly name: string
  readonly source: Readonly<Record<TypesClient, string>>
}

const header: Readonly<Record<TypesClient, string>> = {
  stretch: [
    "import { Client, type estypes, isElasticsearchError } from '@stretch/client'",
    "const client = new Client({ node: 'https://localhost:9200', basicAuth: ['elastic', 'changeme'] })",
  ].join('\n'),
  es9: [
    "import { Client, errors, type estypes } from '@elastic/elasticsearch'",
    "const client = new Client({ node: 'https://localhost:9200', auth: { username: 'elastic', password: 'changeme' } })",
  ].join('\n'),
}

const doc = `interface Book {
  title: string
  year: number
  price: number
  tags: string[]
}`

/** A program whose body is the same for both clients. */
function same(name: string, body: string): TypesProgram {
  return { name, source: { stretch: program('stretch', body), es9: program('es9', body) } }
}

function program(client: TypesClient, body: string): string {
  return `${header[client]}\n${doc}\n\nexport async function run(): Promise<unknown> {\n${body}\n}\n`
}

/** The 15 programs. */
export const typesPrograms: readonly TypesProgram[] = [
  same(
    'typed-search',
    `  const found = await client.search<Book>({ index: 'books', query: { match: { title: 'dune' } }, size: 10 })
  const titles: string[] = found.hits.hits.flatMap((h) => (h._source === undefined ? [] : [h._source.title]))
  return [found.took, titles]`,
  ),
  {
    name: 'aggregations',
    source: {
      // Stretch infers the aggregations from the request.
      stretch: program(
        'stretch',
        `  const result = await client.search({
    index: 'books',
    size: 0,
    aggs: {
      by_tag: { terms: { field: 'tags' } },
      per_year: { histogram: { field: 'year', interval: 10 }, aggs: { avg_price: { avg: { field: 'price' } } } },
    },
  })
  const tags: number[] = result.aggregations?.by_tag.buckets.map((b) => b.doc_count) ?? []
  const prices: (number | null)[] = result.aggregations?.per_year.buckets.map((b) => b.avg_price.value) ?? []
  return [tags, prices]`,
      ),
      // The official client takes the aggregations' type by hand, and its buckets are an array or a keyed object.
      es9: program(
        'es9',
        `  type Aggs = {
    by_tag: estypes.AggregationsStringTermsAggregate
    per_year: estypes.AggregationsHistogramAggregate
  }
  const result = await client.search<Book, Aggs>({
    index: 'books',
    size: 0,
    aggs: {
      by_tag: { terms: { field: 'tags' } },
      per_year: { histogram: { field: 'year', interval: 10 }, aggs: { avg_price: { avg: { field: 'price' } } } },
    },
  })
  const byTag = result.aggregations?.by_tag.buckets
  const tags: number[] = Array.isArray(byTag) ? byTag.map((b) => b.doc_count) : []
  const perYear = result.aggregations?.per_year.buckets
  const prices = Array.isArray(perYear)
    ? perYear.map((b) => (b['avg_price'] as estypes.AggregationsAvgAggregate).value)
    : []
  return [tags, prices]`,
      ),
    },
  },
  same(
    'bool-query',
    `  return client.search<Book>({
    index: 'books',
    query: {
      bool: {
        must: [{ match: { title: 'dune' } }],
        filter: [{ range: { year: { gte: 1960 } } }, { terms: { tags: ['classic', 'scifi'] } }],
        must_not: [{ term: { tags: 'draft' } }],
        should: [{ match_phrase: { title: 'desert planet' } }],
        minimum_should_match: 1,
      },
    },
    sort: [{ year: 'desc' }, '_score'],
  })`,
  ),
  same(
    'bulk',
    `  const result = await client.bulk<Book, Partial<Book>>({
    refresh: 'wait_for',
    operations: [
      { index: { _index: 'books', _id: '1' } },
      { title: 'Dune', year: 1965, price: 9, tags: ['classic'] },
      { update: { _index: 'books', _id: '2' } },
      { doc: { price: 10 } },
      { delete: { _index: 'books', _id: '3' } },
    ],
  })
  return result.errors ? result.items.filter((i) => i.index?.error !== undefined) : []`,
  ),
  same(
    'mappings',
    `  return client.indices.create({
    index: 'books',
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: {
      dynamic: 'strict',
      properties: {
        title: { type: 'text', analyzer: 'english', fields: { raw: { type: 'keyword', ignore_above: 256 } } },
        year: { type: 'integer' },
        price: { type: 'scaled_float', scaling_factor: 100 },
        tags: { type: 'keyword' },
        published: { type: 'date', format: 'strict_date_optional_time' },
      },
    },
  })`,
  ),
  same(
    'scripts',
    `  await client.putScript({ id: 'discount', script: { lang: 'painless', source: 'ctx._source.price *= params.f' } })
  return client.update<Book, Partial<Book>>({
    index: 'books',
    id: '1',
    script: { id: 'discount', params: { f: 0.9 } },
    upsert: { title: 'Dune', year: 1965, price: 9, tags: [] },
  })`,
  ),
  same(
    'update-by-query',
    `  const result = await client.updateByQuery({
    index: 'books',
    query: { term: { tags: 'classic' } },
    script: { source: 'ctx._source.price += 1', lang: 'painless' },
    conflicts: 'proceed',
    wait_for_completion: true,
  })
  return [result.updated, result.failures?.length]`,
  ),
  same(
    'msearch',
    `  const result = await client.msearch<Book>({
    searches: [{ index: 'books' }, { query: { match: { title: 'dune' } } }, { index: 'books' }, { query: { match_all: {} } }],
  })
  return result.responses.map((r) => ('error' in r ? r.error.reason : r.hits.hits[0]?._source?.title))`,
  ),
  same(
    'get-mget',
    `  const one = await client.get<Book>({ index: 'books', id: '1' })
  const many = await client.mget<Book>({ index: 'books', ids: ['1', '2'] })
  const titles = many.docs.map((d) => ('found' in d && d.found ? d._source?.title : undefined))
  return [one.found ? one._source?.year : undefined, titles]`,
  ),
  same(
    'count',
    `  const result = await client.count({ index: 'books', query: { range: { price: { lt: 10 } } } })
  return result.count + 1`,
  ),
  same(
    'esql',
    `  const result = await client.esql.query({ query: 'FROM books | STATS avg(price) BY year | LIMIT 10' })
  return [result.columns.map((c) => c.name), result.values.length]`,
  ),
  same(
    'cat',
    `  const rows = await client.cat.indices({ format: 'json', index: 'books' })
  return rows.map((r) => [r.index, r['docs.count']])`,
  ),
  same(
    'point-in-time',
    `  const pit = await client.openPointInTime({ index: 'books', keep_alive: '1m' })
  let after: estypes.SortResults | undefined
  const titles: string[] = []
  for (let page = 0; page < 3; page++) {
    const result = await client.search<Book>({
      pit: { id: pit.id, keep_alive: '1m' },
      size: 100,
      sort: [{ year: 'asc' }],
      ...(after === undefined ? {} : { search_after: after }),
    })
    for (const hit of result.hits.hits) if (hit._source !== undefined) titles.push(hit._source.title)
    after = result.hits.hits.at(-1)?.sort
    if (after === undefined) break
  }
  await client.closePointInTime({ id: pit.id })
  return titles`,
  ),
  {
    name: 'errors',
    source: {
      stretch: program(
        'stretch',
        `  try {
    return await client.get<Book>({ index: 'books', id: 'missing' })
  } catch (error) {
    if (isElasticsearchError(error) && error.body.error.type === 'index_not_found_exception') return undefined
    if (isElasticsearchError(error)) return [error.statusCode, error.body.error.reason]
    throw error
  }`,
      ),
      es9: program(
        'es9',
        `  try {
    return await client.get<Book>({ index: 'books', id: 'missing' })
  } catch (error) {
    if (error instanceof errors.ResponseError) {
      const body = error.body as estypes.ErrorResponseBase
      if (body.error.type === 'index_not_found_exception') return undefined
      return [error.statusCode, body.error.reason]
    }
    throw error
  }`,
      ),
    },
  },
  same(
    'index-update',
    `  const created = await client.index<Book>({
    index: 'books',
    id: '1',
    document: { title: 'Dune', year: 1965, price: 9, tags: ['classic'] },
    refresh: true,
  })
  const updated = await client.update<Book, Partial<Book>>({ index: 'books', id: '1', doc: { price: 8 } })
  return [created.result, updated.result, updated._version]`,
  ),
]
