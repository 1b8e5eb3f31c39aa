// The type emitter on small models (one rule per case) and on the committed one.
import { describe, expect, it } from 'vitest'
import {
  aggregateYields,
  applyCorrections,
  emitTypes,
  kAggregateExceptions,
  loadSchema,
  loadSpec,
  namespacePrefix,
  type Schema,
  SpecTypes,
  type TypeDefinition,
  typeName,
} from '../src/index.js'

/** The emitted code without its TSDoc blocks (every type and property has one), to match shapes. */
const withoutDocs = (code: string): string => code.replace(/^ *\/\*\*[\s\S]*?\*\/\n/gm, '')

const str = { kind: 'instance_of', type: { namespace: '_builtins', name: 'string' } } as const
const ref = (namespace: string, name: string) => ({ kind: 'instance_of', type: { namespace, name } }) as const

function emit(types: TypeDefinition[]): string {
  const schema: Schema = { _info: {}, endpoints: [], types }
  return emitTypes(schema, new Map(), '// test')
}

describe('type names', () => {
  it.each([
    ['_types.query_dsl', 'QueryContainer', 'QueryDslQueryContainer'],
    ['_global.search', 'Request', 'SearchRequest'],
    ['_global.search._types', 'Hit', 'SearchHit'],
    ['_types.aggregations', 'Aggregate', 'AggregationsAggregate'],
    ['_types', 'ErrorCause', 'ErrorCause'],
    ['indices.get_mapping', 'Response', 'IndicesGetMappingResponse'],
    ['_spec_utils', 'BaseNode', 'SpecUtilsBaseNode'],
  ])('%s:%s is %s, as in the official client', (namespace, name, expected) => {
    expect(typeName({ namespace, name })).toBe(expected)
  })
  it('drops _global and _types from the prefix', () => {
    expect(namespacePrefix('_global.msearch_template')).toBe('MsearchTemplate')
  })
})

describe('emitTypes', () => {
  it('emits a container as exactly one variant next to its container properties', () => {
    const out = emit([
      {
        kind: 'interface',
        name: { namespace: '_types.query_dsl', name: 'QueryContainer' },
        variants: { kind: 'container' },
        properties: [
          { name: 'match', required: false, type: str },
          { name: 'term', required: false, type: str },
          { name: 'meta', required: false, type: str, containerProperty: true },
        ],
      },
    ])
    expect(withoutDocs(out)).toContain(
      'export interface QueryDslQueryContainerExclusiveProps {\n  match: string\n  term: string\n}',
    )
    expect(withoutDocs(out)).toContain('export interface QueryDslQueryContainerCommonProps {\n  meta?: string\n}')
    // Spelled out (no generic `ExactlyOne`, whose n² instantiations every program paid): each member has its
    // variant and marks the others absent.
    expect(withoutDocs(out).replace(/\s+/g, ' ')).toContain(
      'export type QueryDslQueryContainer = QueryDslQueryContainerCommonProps & ( | { match: string term?: never } | { term: string match?: never } )',
    )
  })

  it('emits open enums with `| string`, closed ones with their members only, true/false with boolean', () => {
    const out = emit([
      { kind: 'enum', name: { namespace: '_types', name: 'Open' }, isOpen: true, members: [{ name: 'a' }] },
      { kind: 'enum', name: { namespace: '_types', name: 'Closed' }, members: [{ name: 'a', aliases: ['b'] }] },
      { kind: 'enum', name: { namespace: '_types', name: 'Refresh' }, members: [{ name: 'true' }, { name: 'false' }] },
    ])
    expect(out).toContain("export type Open = 'a' | string")
    expect(out).toContain("export type Closed = 'a' | 'b'\n")
    expect(out).toContain("export type Refresh = boolean | 'true' | 'false'")
  })

  it('widens a reference to a type with a shortcut property, and keeps extra keys to the spec', () => {
    const out = emit([
      {
        kind: 'interface',
        name: { namespace: '_types.query_dsl', name: 'MatchQuery' },
        shortcutProperty: 'query',
        properties: [{ name: 'query', required: true, type: str }],
      },
      {
        kind: 'interface',
        name: { namespace: '_types.query_dsl', name: 'TermsQuery' },
        behaviors: [{ type: { namespace: '_spec_utils', name: 'AdditionalProperty' }, generics: [str, str] }],
        properties: [{ name: 'boost', required: false, type: str }],
      },
      {
        kind: 'interface',
        name: { namespace: '_types', name: 'Holder' },
        properties: [{ name: 'm', required: false, type: ref('_types.query_dsl', 'MatchQuery') }],
      },
    ])
    expect(withoutDocs(out)).toContain('  m?: QueryDslMatchQuery | string\n')
    expect(withoutDocs(out)).toContain(
      'export type QueryDslTermsQuery = QueryDslTermsQueryKeys & { [property: string]: string | QueryDslTermsQueryKeys[keyof QueryDslTermsQueryKeys] }',
    )
    expect(withoutDocs(out)).toMatch(/export interface Holder \{\n {2}m\?: /)
  })

  it('refuses two spec types with one TypeScript name', () => {
    expect(() =>
      emit([
        { kind: 'type_alias', name: { namespace: '_types.a', name: 'B' }, type: str },
        { kind: 'type_alias', name: { namespace: '_types', name: 'AB' }, type: str },
      ]),
    ).toThrow(/both map to AB/)
  })
})

describe('the committed model', () => {
  const schema = loadSchema(new URL('../spec', import.meta.url).pathname)
  const types = new SpecTypes(schema)
  it('comes from the commit of endpoints.json', () => {
    const endpoints = loadSpec(new URL('../spec', import.meta.url).pathname)
    expect((schema._info['source'] as { commit: string }).commit).toBe(endpoints.source.commit)
  })
  it('has every endpoint and type of the specification', () => {
    expect(schema.endpoints).toHaveLength(603)
    expect(schema.types).toHaveLength(3903)
  })
  it('types the search body and response from it, with the official client generics', () => {
    expect(types.body('search', 'query')).toBe('estypes.QueryDslQueryContainer')
    expect(types.body('search', 'aggs')).toBe('Record<string, estypes.AggregationsAggregationContainer>')
    // The response's aggregations are inferred from the request's unless TAggregations is given.
    expect(types.response('search')).toEqual({
      type: 'estypes.SearchResponse<TDocument, estypes.AggregationsResult<TAggregations, TAggs>>',
      generics: ['TDocument', 'TAggregations'],
    })
    expect(types.infersAggregations('search')).toBe(true)
    expect(types.infersAggregations('async_search.submit')).toBe(true)
    expect(types.infersAggregations('count')).toBe(false)
    expect(types.body('bulk', null)).toContain('estypes.BulkUpdateAction<TDocument, TPartialDocument> | TDocument')
  })
  it("types each msearch item from its own body line, and only msearch's", () => {
    expect(types.infersSearchesAggregations('msearch')).toBe(true)
    expect(types.response('msearch')).toEqual({
      type: 'estypes.MsearchResult<TDocument, TAggregations, TSearches>',
      generics: ['TDocument', 'TAggregations'],
    })
    // Templates have no aggregations to read; fleet's msearch answers `docs`, not the multi-search result.
    for (const endpoint of ['msearch_template', 'fleet.msearch', 'search', 'bulk'])
      expect(types.infersSearchesAggregations(endpoint), endpoint).toBe(false)
  })
})

describe('aggregations inferred from the request', () => {
  // The generator reads the corrected model: the corrections add the aggregates the spec has no type for.
  const schema = applyCorrections(loadSchema(new URL('../spec', import.meta.url).pathname))
  const yields = new Map(aggregateYields(schema).map((y) => [y.variant, y]))
  const names = (variant: string): string[] | string => {
    const to = yields.get(variant)?.to ?? 'none'
    return typeof to === 'string' ? to : to.map((t) => t.name)
  }
  it('maps every variant of AggregationContainer, by name, by value kind, by request type, or as a pipeline', () => {
    expect(yields.size).toBe(81)
    expect(names('avg')).toEqual(['AvgAggregate'])
    expect(names('terms')).toEqual([
      'StringTermsAggregate',
      'LongTermsAggregate',
      'DoubleTermsAggregate',
      'UnmappedTermsAggregate',
    ])
    // `StringStatsAggregate` is string_stats' own, not a kind of stats.
    expect(names('stats')).toEqual(['StatsAggregate'])
    expect(names('percentiles')).toEqual(['HdrPercentilesAggregate', 'TDigestPercentilesAggregate'])
    expect(yields.get('line')?.rule).toBe('same request')
    expect(names('line')).toEqual(['GeoLineAggregate'])
    expect(names('cumulative_sum')).toEqual(['SimpleValueAggregate'])
    expect(yields.get('frequent_item_sets')?.aliases).toEqual(['frequent_items'])
  })
  it('takes the exceptions from one table, each with its reason', () => {
    const exceptions = [...yields.values()].filter((y) => y.rule === 'exception').map((y) => y.variant)
    expect(exceptions.sort()).toEqual(Object.keys(kAggregateExceptions).sort())
    expect(names('max_bucket')).toEqual(['BucketMetricValueAggregate'])
    expect(names('bucket_selector')).toBe('never')
    // No variant is left without a result type.
    expect([...yields.values()].filter((y) => y.to === 'unknown')).toEqual([])
  })
  it('takes the aggregates the corrections add by their variant name (categorize_text, bucket_count_ks_test)', () => {
    expect(names('categorize_text')).toEqual(['CategorizeTextAggregate'])
    expect(yields.get('categorize_text')?.rule).toBe('name')
    expect(names('bucket_count_ks_test')).toEqual(['BucketKsAggregate'])
    // Without the corrections the model has no result type for them, and no rule covers them.
    const plain = loadSchema(new URL('../spec', import.meta.url).pathname)
    expect(() => aggregateYields(plain)).toThrow(/no rule says what (categorize_text|bucket_count_ks_test) sends/)
  })
  it('refuses a model with a variant that no rule or exception covers', () => {
    const types = schema.types.map((t) =>
      t.name.name === 'AggregationContainer' && t.kind === 'interface'
        ? {
            ...t,
            properties: [
              ...t.properties,
              {
                name: 'brand_new',
                required: false,
                type: { kind: 'instance_of', type: { namespace: '_types', name: 'Field' } },
              } as const,
            ],
          }
        : t,
    )
    expect(() => aggregateYields({ ...schema, types })).toThrow(/no rule says what brand_new sends/)
  })
})
