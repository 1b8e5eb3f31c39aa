// Aggregations inferred from the request: which aggregate (response) type each variant of `AggregationContainer`
// (request) yields, derived from the model, and the types that map a request's `aggs` to its response's
// `aggregations`. See README.md ("Aggregations inferred from the request") for the rules and their exceptions.
import { docBlock } from '../tsdoc.js'
import { typeName } from './emit-types.js'
import { key, type Schema, type TypeDefinition, type TypeName, type Value } from './schema.js'

const kNs = '_types.aggregations'

/**
 * The words that name the value kind of an aggregate (`StringTermsAggregate`, `UnmappedSignificantTermsAggregate`,
 * `HdrPercentilesAggregate`): one request variant yields any of its kinds, told apart by the field it reads.
 */
const kValueKinds: readonly string[] = ['String', 'Long', 'Double', 'Unmapped', 'Hdr', 'TDigest']

/**
 * Variants for which the model holds no link from request to response. Each names the aggregates by their
 * `variantName` (the `typed_keys` prefix Elasticsearch sends), `never` for those that put nothing in the
 * response, or `unknown` for those whose result the model has no type for (they stay `AggregationsAggregate`).
 * The generator fails when a variant is neither covered by a rule nor listed here, and when a listed one is.
 */
export const kAggregateExceptions: Readonly<
  Record<string, { readonly to: readonly string[] | 'never' | 'unknown'; readonly why: string }>
> = {
  max_bucket: {
    to: ['bucket_metric_value'],
    why: 'the bucket metric pipelines send the value and the keys of the buckets that hold it',
  },
  min_bucket: {
    to: ['bucket_metric_value'],
    why: 'the bucket metric pipelines send the value and the keys of the buckets that hold it',
  },
  cumulative_cardinality: { to: ['simple_long_value'], why: 'a cardinality is a whole number' },
  moving_percentiles: {
    to: ['tdigest_percentiles', 'hdr_percentiles'],
    why: 'it sends the percentiles of its window, of the kind the referenced percentiles use',
  },
  significant_text: { to: ['sigsterms', 'umsigterms'], why: 'text terms are strings (or unmapped)' },
  diversified_sampler: { to: ['sampler', 'unmapped_sampler'], why: 'Elasticsearch sends it as a sampler' },
  random_sampler: {
    to: ['sampler'],
    why: 'the result is one bucket with a doc_count and the sub-aggregations, as a sampler',
  },
  bucket_selector: { to: 'never', why: 'it drops buckets of its parent and adds nothing to the response' },
  bucket_sort: {
    to: 'never',
    why: 'it sorts and truncates the buckets of its parent and adds nothing to the response',
  },
  bucket_correlation: {
    to: ['simple_value'],
    why: 'it sends one value, the correlation (its request type is not a PipelineAggregationBase)',
  },
}

/** What one variant yields. */
interface Yield {
  readonly variant: string
  /** Aggregate type names, `never`, or `unknown`. */
  readonly to: readonly TypeName[] | 'never' | 'unknown'
  readonly rule: string
  /** The variant's other names (`frequent_items`), which send the same. */
  readonly aliases?: readonly string[]
}

/** The model's aggregate types by variant name, and the container's variants with their request types. */
function tables(types: ReadonlyMap<string, TypeDefinition>): {
  aggregates: Map<string, TypeDefinition>
  variants: { name: string; request: string; aliases: readonly string[] }[]
} {
  const union = types.get(`${kNs}:Aggregate`)
  const container = types.get(`${kNs}:AggregationContainer`)
  if (union?.kind !== 'type_alias' || union.type.kind !== 'union_of' || container?.kind !== 'interface')
    throw new Error('aggregations: the model has no Aggregate union or AggregationContainer')
  const aggregates = new Map<string, TypeDefinition>()
  for (const item of union.type.items) {
    if (item.kind !== 'instance_of') continue
    const def = types.get(key(item.type))
    const variantName = (def as { variantName?: string } | undefined)?.variantName
    if (def !== undefined && variantName !== undefined) aggregates.set(variantName, def)
  }
  const variants = container.properties
    .filter((p) => p.containerProperty !== true)
    .map((p) => ({
      name: p.name,
      request: p.type.kind === 'instance_of' ? key(p.type.type) : '',
      aliases: p.aliases ?? [],
    }))
  return { aggregates, variants }
}

function inheritsFrom(
  types: ReadonlyMap<string, TypeDefinition>,
  def: TypeDefinition | undefined,
  base: string,
): boolean {
  // A union of request types (`MovingAverageAggregation`): each of its members.
  if (def?.kind === 'type_alias' && def.type.kind === 'union_of')
    return def.type.items.every((i) => i.kind === 'instance_of' && inheritsFrom(types, types.get(key(i.type)), base))
  for (let d = def; d !== undefined; ) {
    if (key(d.name) === base) return true
    const parent = d.kind === 'interface' || d.kind === 'request' ? d.inherits : undefined
    d = parent === undefined ? undefined : types.get(key(parent.type))
  }
  return false
}

/**
 * The aggregate types of every variant of `AggregationContainer`, by these rules in order:
 * 1. the aggregate whose `variantName` is the variant's name (`avg` -> `AvgAggregate`);
 * 2. with it, the aggregates whose name is the variant's request type's stem with a value kind added (and that
 *    are not another variant's by rule 1)
 *    (`TermsAggregation` -> `StringTermsAggregate`, `LongTermsAggregate`, `DoubleTermsAggregate`,
 *    `UnmappedTermsAggregate`; `SamplerAggregation` -> `SamplerAggregate`, `UnmappedSamplerAggregate`);
 * 3. a variant with the request type of another variant yields what that one yields (`line` is `geo_line`);
 * 4. the exceptions of `kAggregateExceptions`;
 * 5. a pipeline aggregation (its request type inherits `PipelineAggregationBase`) sends a `simple_value`.
 */
export function aggregateYields(schema: Schema): Yield[] {
  const types = new Map(schema.types.map((t) => [key(t.name), t]))
  const { aggregates, variants } = tables(types)
  const byName = new Map([...aggregates.values()].map((d) => [d.name.name, d.name]))
  const out = new Map<string, Yield>()
  const claimed = new Set(
    variants.flatMap((v) => {
      const own = aggregates.get(v.name)
      return own === undefined ? [] : [key(own.name)]
    }),
  )
  for (const v of variants) {
    const found: TypeName[] = []
    const exact = aggregates.get(v.name)
    if (exact !== undefined) found.push(exact.name)
    const stem = types.get(v.request)?.name.name.replace(/Aggregation$/, '')
    for (const [name, ref] of byName) {
      // An aggregate that is another variant's own (`StringStatsAggregate` of `string_stats`) is not a kind of this one.
      if (stem === undefined || found.includes(ref) || claimed.has(key(ref))) continue
      if (kValueKinds.some((kind) => name.replace(kind, '') === `${stem}Aggregate` && name !== `${stem}Aggregate`))
        found.push(ref)
    }
    if (found.length > 0) out.set(v.name, { variant: v.name, to: found, rule: exact === undefined ? 'kinds' : 'name' })
  }
  for (const v of variants) {
    if (out.has(v.name)) continue
    const same = variants.find((o) => o.request === v.request && o.name !== v.name && out.has(o.name))
    if (same !== undefined) out.set(v.name, { ...(out.get(same.name) as Yield), variant: v.name, rule: 'same request' })
  }
  for (const [variant, exception] of Object.entries(kAggregateExceptions)) {
    if (out.has(variant)) throw new Error(`aggregations: ${variant} is listed as an exception but a rule covers it`)
    if (!variants.some((v) => v.name === variant)) throw new Error(`aggregations: ${variant} is not a variant`)
    const to =
      exception.to === 'never' || exception.to === 'unknown'
        ? exception.to
        : exception.to.map((n) => {
            const def = aggregates.get(n)
            if (def === undefined) throw new Error(`aggregations: no aggregate has the variant name ${n}`)
            return def.name
          })
    out.set(variant, { variant, to, rule: 'exception' })
  }
  const simple = aggregates.get('simple_value')
  for (const v of variants) {
    if (out.has(v.name)) continue
    if (simple !== undefined && inheritsFrom(types, types.get(v.request), `${kNs}:PipelineAggregationBase`))
      out.set(v.name, { variant: v.name, to: [simple.name], rule: 'pipeline' })
    else throw new Error(`aggregations: no rule says what ${v.name} sends; add it to kAggregateExceptions`)
  }
  return variants.map((v) => ({ ...(out.get(v.name) as Yield), aliases: v.aliases }))
}

/** The bucket type of a multi-bucket aggregate (its `buckets: Buckets<TBucket>`), through its parents. */
function bucketOf(
  types: ReadonlyMap<string, TypeDefinition>,
  def: TypeDefinition,
  args: ReadonlyMap<string, Value> = new Map(),
): Value | undefined {
  if (def.kind !== 'interface') return undefined
  const resolve = (v: Value): Value => (v.kind === 'instance_of' ? (args.get(key(v.type)) ?? v) : v)
  for (const p of def.properties) {
    if (p.name === 'buckets' && p.type.kind === 'instance_of' && key(p.type.type) === `${kNs}:Buckets`) {
      const arg = p.type.generics?.[0]
      return arg === undefined ? undefined : resolve(arg)
    }
  }
  if (def.inherits === undefined) return undefined
  const parent = types.get(key(def.inherits.type))
  if (parent === undefined) return undefined
  const next = new Map<string, Value>()
  ;(parent.generics ?? []).forEach((g, i) => {
    const a = def.inherits?.generics?.[i]
    if (a !== undefined) next.set(key(g), resolve(a))
  })
  return bucketOf(types, parent, next)
}

/**
 * The value kinds of a multi-bucket variant as one: their nearest common parent (when no kind adds a property of
 * its own below it) and their bucket types (the unmapped kinds, with `Void` buckets, have none). `undefined` when
 * the kinds are one, are not all multi-bucket, or differ in more than their buckets.
 */
function mergedKinds(
  types: ReadonlyMap<string, TypeDefinition>,
  kinds: readonly TypeName[],
): { base: TypeName; buckets: TypeName[] } | undefined {
  if (kinds.length < 2) return undefined
  const chains = kinds.map((k) => {
    const chain: TypeDefinition[] = []
    for (let d = types.get(key(k)); d !== undefined; ) {
      chain.push(d)
      d = d.kind === 'interface' && d.inherits !== undefined ? types.get(key(d.inherits.type)) : undefined
    }
    return chain
  })
  const first = chains[0] ?? []
  const base = first.find((d) => chains.every((c) => c.some((o) => key(o.name) === key(d.name))))
  if (base === undefined || base.kind !== 'interface') return undefined
  const buckets: TypeName[] = []
  for (const [i, chain] of chains.entries()) {
    const below = chain.slice(
      0,
      chain.findIndex((d) => key(d.name) === key(base.name)),
    )
    if (below.some((d) => d.kind !== 'interface' || d.properties.length > 0)) return undefined
    const own = types.get(key(kinds[i] as TypeName)) as TypeDefinition
    const bucket = bucketOf(types, own)
    if (bucket === undefined || bucket.kind !== 'instance_of') return undefined
    if (bucket.type.name !== 'Void' && bucket.type.name !== 'void') buckets.push(bucket.type)
  }
  return { base: base.name, buckets }
}

/** The hooks the emitter gives: whether a type has extra keys (a `Keys` interface). */
export interface AggregationsHost {
  hasKeys(def: TypeDefinition): boolean
}

/**
 * The inference types, inside the `estypes` namespace: `AggregationsAggregateOf` (what each variant yields, with
 * the sub-aggregations `TSub` in its buckets and the variant's request body `TBody`), and the types around it.
 */
export function emitAggregationInference(schema: Schema, host: AggregationsHost): string {
  const types = new Map(schema.types.map((t) => [key(t.name), t]))
  const rows: string[] = []
  for (const y of aggregateYields(schema)) {
    let type: string
    const merged = y.to === 'never' || y.to === 'unknown' ? undefined : mergedKinds(types, y.to)
    if (y.to === 'never') type = 'never'
    else if (y.to === 'unknown') type = 'AggregationsAggregate'
    else if (merged !== undefined) {
      // The value kinds of one multi-bucket variant (`terms`: string, long, double, unmapped) as one aggregate
      // with a union of buckets: one bucket array to call `map` on, where a union of four aggregates made tsc
      // build every array method four times.
      const buckets = merged.buckets.map((b) => {
        const def = types.get(key(b))
        return def !== undefined && host.hasKeys(def) && (def.generics ?? []).length === 0
          ? `${typeName(b)}Keys`
          : typeName(b)
      })
      const keyed = y.variant === 'filters' ? 'AggregationsFiltersKeyed<TBody>' : 'AggregationsKeyed<TBody>'
      const b = buckets.length === 0 ? 'never' : `(${buckets.join(' | ')}) & TSub`
      type = `AggregationsMultiBucketOf<${typeName(merged.base)}, ${b}, ${keyed}>`
    } else
      type = y.to
        .map((ref) => {
          const def = types.get(key(ref)) as TypeDefinition
          const name = typeName(ref)
          const bucket = bucketOf(types, def)
          if (bucket !== undefined && bucket.kind === 'instance_of') {
            const bucketDef = types.get(key(bucket.type))
            // An unmapped aggregate's buckets are `Void`: it never has one.
            const none = bucket.type.name === 'Void' || bucket.type.name === 'void'
            const b = none
              ? 'never'
              : bucketDef !== undefined && host.hasKeys(bucketDef) && (bucketDef.generics ?? []).length === 0
                ? `${typeName(bucket.type)}Keys`
                : typeName(bucket.type)
            const keyed = y.variant === 'filters' ? 'AggregationsFiltersKeyed<TBody>' : 'AggregationsKeyed<TBody>'
            return `AggregationsMultiBucketOf<${name}, ${none ? b : `${b} & TSub`}, ${keyed}>`
          }
          return host.hasKeys(def) ? `${name}Keys & TSub` : name
        })
        .join(' | ')
    const why = y.rule === 'exception' ? ` (${kAggregateExceptions[y.variant]?.why ?? ''})` : ''
    rows.push(`${docBlock([`What \`${y.variant}\` sends${why}.`], '  ')}  ${y.variant}: ${type}\n`)
    for (const alias of y.aliases ?? [])
      rows.push(`${docBlock([`An alias of \`${y.variant}\`.`], '  ')}  ${alias}: ${type}\n`)
  }
  const doc = (lines: string[]): string => docBlock([...lines, '', '@public'])
  return [
    `${doc([
      "The default of a search's `TAggregations`: the response's `aggregations` are inferred from the request's",
      '`aggs` (`AggregationsInferred`). A marker, never a value.',
    ])}export interface AggregationsFromRequest {\n${docBlock(['Marks the type; no value has it.'], '  ')}  readonly '~aggregations': 'from the request'\n}\n`,
    `${doc([
      'The aggregations of a response: `TAggregations` when the caller gives it, else the ones inferred from the',
      "request's `aggs` (`TAggs`).",
    ])}export type AggregationsResult<TAggregations, TAggs> = [TAggregations] extends [AggregationsFromRequest]\n  ? AggregationsInferred<TAggs>\n  : TAggregations\n`,
    `${doc([
      "The response's `aggregations` for a request's `aggs`: each name maps to the aggregate its variant sends,",
      'with the sub-aggregations inferred in its buckets. Aggregations not known from the request (a `Record`)',
      'stay `Record<AggregateName, AggregationsAggregate>`.',
      // Not readonly: the lines of an msearch are inferred `const` (readonly), its items read like a search's.
    ])}export type AggregationsInferred<TAggs> = string extends keyof TAggs\n  ? Record<AggregateName, AggregationsAggregate>\n  : { -readonly [K in keyof TAggs]: AggregationsAggregateFor<TAggs[K]> }\n`,
    `${doc([
      'The aggregate that one aggregation container of a request yields (its one variant picks the type).',
    ])}export type AggregationsAggregateFor<TContainer> = AggregationsAggregationContainer extends TContainer\n  ? AggregationsAggregate\n  : {\n      [V in keyof TContainer & keyof AggregationsAggregateOf]: AggregationsAggregateOf<\n        AggregationsSubOf<TContainer>,\n        TContainer[V]\n      >[V]\n    }[keyof TContainer & keyof AggregationsAggregateOf]\n`,
    `${doc([
      'The sub-aggregations of a container (`aggs` or `aggregations`), as they appear in each of its buckets.',
    ])}export type AggregationsSubOf<TContainer> = TContainer extends { aggs: infer TSub }\n  ? AggregationsInferred<TSub>\n  : TContainer extends { aggregations: infer TSub }\n    ? AggregationsInferred<TSub>\n    : unknown\n`,
    `${doc([
      'Whether the buckets of a multi-bucket aggregation come as an object by key (`keyed: true`) or as an array.',
    ])}export type AggregationsKeyed<TBody> = TBody extends { keyed: true } ? true : false\n`,
    `${doc([
      'Whether the buckets of a `filters` aggregation come as an object: named filters (an object) unless',
      '`keyed: false`; anonymous filters (an array) come as an array.',
    ])}export type AggregationsFiltersKeyed<TBody> = TBody extends { keyed: false }\n  ? false\n  : TBody extends { filters: readonly unknown[] }\n    ? false\n    : TBody extends { filters: object }\n      ? true\n      : false\n`,
    `${doc([
      'A multi-bucket aggregate with its buckets typed: `TBucket` (the bucket with its sub-aggregations), by key',
      'or in an array.',
    ])}export type AggregationsMultiBucketOf<TAggregate, TBucket, TKeyed extends boolean> = Omit<TAggregate, 'buckets'> & {\n${docBlock(['The buckets.'], '  ')}  buckets: TKeyed extends true ? Record<string, TBucket> : TBucket[]\n}\n`,
    `${doc([
      'The response of `msearch()`. With the searches written in place (a tuple of lines: header, body, header,',
      "body, ...), one item per body line, each with the aggregations inferred from that line's `aggs`",
      '(`MsearchInferredResponses`). With searches built at run time (an array), NDJSON text or bytes, or',
      '`TAggregations` given, `MsearchResponse<TDocument, TAggregations>`: every item alike.',
    ])}export type MsearchResult<TDocument, TAggregations, TSearches extends readonly unknown[]> = [TAggregations] extends [\n  AggregationsFromRequest,\n]\n  ? number extends TSearches['length']\n    ? MsearchResponse<TDocument>\n    : MsearchInferredResult<MsearchInferredResponses<TDocument, TSearches>>\n  : MsearchResponse<TDocument, TAggregations>\n`,
    `${doc([
      'The `searches` of an msearch request, as its lines `TSearches` are checked. Lines written in place (a tuple):',
      'the tuple itself, each response item inferred from it, intersected with the declared lines, which keeps the',
      'excess-property checks of the object literals (a `sizee` inside `terms`). An array built at run time: the',
      'declared lines alone, which is cheaper to check than the intersection.',
    ])}export type MsearchSearches<TSearches extends readonly MsearchRequestItem[]> = number extends TSearches['length']\n  ? readonly MsearchRequestItem[]\n  : TSearches & readonly MsearchRequestItem[]\n`,
    `${doc([
      'An msearch response whose items are typed one by one (see `MsearchResult`).',
    ])}export interface MsearchInferredResult<TResponses extends readonly unknown[]> {\n${docBlock(['How long the searches took, in milliseconds.'], '  ')}  took: long\n${docBlock(["One item per search, in the order of the request's body lines; `'error' in item` narrows a failed one."], '  ')}  responses: TResponses\n}\n`,
    `${doc([
      'The response items of an msearch whose lines are the tuple `TLines` (header, body, header, body, ...): one',
      "per body line, with that line's aggregations (`MsearchBodyAggregations`). `TItems` accumulates them.",
    ])}export type MsearchInferredResponses<\n  TDocument,\n  TLines extends readonly unknown[],\n  TItems extends unknown[] = [],\n> = TLines extends readonly [unknown, infer TBody, ...infer TRest]\n  ? MsearchInferredResponses<\n      TDocument,\n      TRest,\n      [...TItems, MsearchResponseItem<TDocument, AggregationsInferred<MsearchBodyAggregations<TBody>>>]\n    >\n  : TItems\n`,
    `${doc([
      'The aggregations of an msearch body line: its `aggs` (or `aggregations`); a line without any gets the',
      'record of any aggregate in its response, as a search does.',
    ])}export type MsearchBodyAggregations<TBody> = TBody extends { aggs: infer TAggs }\n  ? TAggs\n  : TBody extends { aggregations: infer TAggs }\n    ? TAggs\n    : Record<string, AggregationsAggregationContainer>\n`,
    `${doc([
      'What each variant of `AggregationsAggregationContainer` sends in the response, derived from the model',
      "(see the codegen README): `TSub` are the inferred sub-aggregations, `TBody` the variant's request body.",
    ])}export interface AggregationsAggregateOf<TSub = unknown, TBody = unknown> {\n${rows.join('')}}\n`,
  ].join('\n')
}
