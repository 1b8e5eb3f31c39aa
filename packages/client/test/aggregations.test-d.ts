// Aggregations inferred from the request (checked by `tsc`, `pnpm typecheck`): the response's `aggregations` follow
// the request's `aggs`, with no type argument and no cast; the sub-aggregations sit in each bucket; a typo on a
// request or a response is still a compile error; an explicit aggregations type still wins.
import { expectTypeOf } from 'vitest'
import type { Client, estypes } from '../src/index.js'

interface Product {
  name: string
  price: number
  tags: string[]
}

declare const client: Client

// The program: a terms and a date_histogram with a metric inside.
const result = await client.search({
  index: 'products',
  size: 0,
  aggs: {
    by_tag: { terms: { field: 'tags' } },
    per_month: {
      date_histogram: { field: 'created', calendar_interval: 'month' },
      aggs: { avg_price: { avg: { field: 'price' } } },
    },
  },
})
const aggs = result.aggregations
if (aggs !== undefined) {
  expectTypeOf(aggs.by_tag.buckets[0]?.doc_count).toEqualTypeOf<number | undefined>()
  expectTypeOf(aggs.per_month.buckets[0]?.avg_price.value).toEqualTypeOf<number | null | undefined>()
  // Terms of every value kind; an unmapped field has no buckets at all.
  expectTypeOf(aggs.by_tag.buckets.map((b) => b.doc_count)).toEqualTypeOf<number[]>()
  // The kinds are one aggregate: one array of buckets (a key of a string or a number field), not an array per kind.
  expectTypeOf(aggs.by_tag.buckets).toEqualTypeOf<
    (
      | estypes.AggregationsStringTermsBucketKeys
      | estypes.AggregationsLongTermsBucketKeys
      | estypes.AggregationsDoubleTermsBucketKeys
    )[]
  >()
  expectTypeOf(aggs.by_tag.sum_other_doc_count).toEqualTypeOf<number | undefined>()
  expectTypeOf(aggs.per_month.buckets[0]?.key_as_string).toEqualTypeOf<string | undefined>()
  // @ts-expect-error the request has no `by_author`
  void aggs.by_author
  // @ts-expect-error a typo on a sub-aggregation of a bucket
  void aggs.per_month.buckets[0]?.avg_pric
  // @ts-expect-error a typo on a bucket field
  void aggs.by_tag.buckets[0]?.doc_cont
}

// Metric, single-bucket, pipeline and keyed forms.
const more = await client.search({
  size: 0,
  aggs: {
    card: { cardinality: { field: 'tags' } },
    pct: { percentiles: { field: 'price', percents: [50, 99] } },
    stats: { stats: { field: 'price' } },
    cheap: { filter: { range: { price: { lt: 10 } } }, aggs: { total: { sum: { field: 'price' } } } },
    named: { filters: { filters: { red: { term: { tags: 'red' } }, blue: { term: { tags: 'blue' } } } } },
    anonymous: { filters: { filters: [{ term: { tags: 'red' } }] } },
    prices: { range: { field: 'price', ranges: [{ to: 10 }, { from: 10 }], keyed: true } },
    months: {
      date_histogram: { field: 'created', calendar_interval: 'month' },
      aggs: {
        sales: { sum: { field: 'price' } },
        running: { cumulative_sum: { buckets_path: 'sales' } },
        keep: { bucket_selector: { buckets_path: { s: 'sales' }, script: 'params.s > 0' } },
      },
    },
    best_month: { max_bucket: { buckets_path: 'months>sales' } },
    top: { top_hits: { size: 1 } },
  },
})
const m = more.aggregations
if (m !== undefined) {
  expectTypeOf(m.card.value).toEqualTypeOf<number>()
  expectTypeOf(m.pct).toEqualTypeOf<
    estypes.AggregationsHdrPercentilesAggregate | estypes.AggregationsTDigestPercentilesAggregate
  >()
  expectTypeOf(m.stats.avg).toEqualTypeOf<number | null>()
  expectTypeOf(m.cheap.doc_count).toEqualTypeOf<number>()
  expectTypeOf(m.cheap.total.value).toEqualTypeOf<number | null>()
  // Named filters come by name, anonymous ones in an array; `keyed: true` makes an object of the ranges.
  expectTypeOf(m.named.buckets['red']?.doc_count).toEqualTypeOf<number | undefined>()
  expectTypeOf(m.anonymous.buckets).toBeArray()
  expectTypeOf(m.prices.buckets['*-10.0']?.doc_count).toEqualTypeOf<number | undefined>()
  expectTypeOf(m.months.buckets[0]?.running.value).toEqualTypeOf<number | null | undefined>()
  // A bucket_selector sends nothing.
  expectTypeOf(m.months.buckets[0]?.keep).toEqualTypeOf<undefined>()
  expectTypeOf(m.best_month.keys).toEqualTypeOf<string[]>()
}

// categorize_text sends categories as buckets (with their sub-aggregations); bucket_count_ks_test its p-values.
const categorized = await client.search({
  size: 0,
  aggs: {
    categories: {
      categorize_text: { field: 'message' },
      aggs: { hosts: { terms: { field: 'host' } } },
    },
    by_price: { range: { field: 'price', ranges: [{ to: 10 }, { from: 10 }] } },
    ks: { bucket_count_ks_test: { buckets_path: 'by_price>_count', alternative: ['less', 'greater'] } },
  },
})
const c = categorized.aggregations
if (c !== undefined) {
  const category = c.categories.buckets[0]
  expectTypeOf(category?.key).toEqualTypeOf<string | undefined>()
  expectTypeOf(category?.doc_count).toEqualTypeOf<number | undefined>()
  expectTypeOf(category?.regex).toEqualTypeOf<string | undefined>()
  expectTypeOf(category?.max_matching_length).toEqualTypeOf<number | undefined>()
  expectTypeOf(category?.hosts.buckets[0]?.doc_count).toEqualTypeOf<number | undefined>()
  expectTypeOf(c.categories.buckets.map((b) => b.key)).toEqualTypeOf<string[]>()
  expectTypeOf(c.ks.values).toEqualTypeOf<Record<string, number>>()
  expectTypeOf(c.ks.values['less']).toEqualTypeOf<number | undefined>()
  expectTypeOf(c.ks).toEqualTypeOf<estypes.AggregationsBucketKsAggregate>()
  // @ts-expect-error a typo on a category field
  void category?.regexp
  // @ts-expect-error a K-S test sends `values`, not `value`
  void c.ks.value
}
// Both are members of the aggregate union (a `typed_keys` response may hold them).
expectTypeOf<estypes.AggregationsCategorizeTextAggregate>().toExtend<estypes.AggregationsAggregate>()
expectTypeOf<estypes.AggregationsBucketKsAggregate>().toExtend<estypes.AggregationsAggregate>()

// A document type given by hand turns inference off (TypeScript infers all type arguments or none); name the
// aggregations' type from the request to have both.
const byPrice = { avg_price: { avg: { field: 'price' } } } satisfies Record<
  string,
  estypes.AggregationsAggregationContainer
>
const both = await client.search<Product, estypes.AggregationsInferred<typeof byPrice>>({ aggs: byPrice })
expectTypeOf(both.hits.hits[0]?._source).toEqualTypeOf<Product | undefined>()
expectTypeOf(both.aggregations?.avg_price.value).toEqualTypeOf<number | null | undefined>()

// Every variant of the container says what it sends.
expectTypeOf<keyof estypes.AggregationsAggregateOf>().toEqualTypeOf<
  keyof estypes.AggregationsAggregationContainerExclusiveProps
>()

// Without aggregations, or with aggregations not known from the request, the record of any aggregate.
const plain = await client.search<Product>({ index: 'products' })
expectTypeOf(plain.aggregations).toEqualTypeOf<Record<string, estypes.AggregationsAggregate> | undefined>()
declare const someAggs: Record<string, estypes.AggregationsAggregationContainer>
const dynamic = await client.search({ aggs: someAggs })
expectTypeOf(dynamic.aggregations).toEqualTypeOf<Record<string, estypes.AggregationsAggregate> | undefined>()

// An explicit aggregations type wins over the request.
interface PriceAggs {
  avg_price: estypes.AggregationsAvgAggregate
}
const explicit = await client.search<Product, PriceAggs>({ aggs: { avg_price: { avg: { field: 'price' } } } })
expectTypeOf(explicit.aggregations).toEqualTypeOf<PriceAggs | undefined>()

// `{ meta: true }`, async search and rollup search infer the same way.
const meta = await client.search({ aggs: { n: { value_count: { field: 'name' } } } }, { meta: true })
expectTypeOf(meta.body.aggregations?.n.value).toEqualTypeOf<number | null | undefined>()
const submitted = await client.asyncSearch.submit({ aggs: { n: { max: { field: 'price' } } } })
expectTypeOf(submitted.response.aggregations?.n.value).toEqualTypeOf<number | null | undefined>()

// Mistakes in the request are still caught, at every depth.
// @ts-expect-error `sizee` is not a terms option
void client.search({ aggs: { t: { terms: { field: 'tags', sizee: 5 } } } })
// @ts-expect-error `avgg` is not an aggregation, inside a sub-aggregation
void client.search({ aggs: { t: { terms: { field: 'tags' }, aggs: { a: { avgg: { field: 'price' } } } } } })
// @ts-expect-error `fild` is not an avg option, two levels down
void client.search({ aggs: { t: { terms: { field: 'tags' }, aggs: { a: { avg: { fild: 'price' } } } } } })
// @ts-expect-error `soruce` is not a search option, next to inferred aggregations
void client.search({ aggs: { a: { avg: { field: 'price' } } }, soruce: true })
// @ts-expect-error two variants in one container
void client.search({ aggs: { a: { avg: { field: 'price' }, sum: { field: 'price' } } } })
