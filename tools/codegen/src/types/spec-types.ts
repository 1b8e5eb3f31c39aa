// The bridge between the API emitter (endpoints.json) and the model (schema.json): the spec types of an endpoint's
// body properties and response, as TypeScript naming the `estypes` module.
import { kAggregationsGeneric, TypeEmitter, typeName } from './emit-types.js'
import { kAggsParam, kSearchesParam, kTypesQualifier } from './generics.js'
import { key, type Property, type Schema, type TypeDefinition, type TypeName } from './schema.js'

export { kAggsParam, kGenericDefaults, kSearchesParam, typeParam } from './generics.js'
export { kTypesQualifier }

/** The spec types of the endpoints, by endpoint name (`indices.put_mapping`). */
export class SpecTypes {
  readonly #emitter: TypeEmitter
  readonly #requests = new Map<string, Extract<TypeDefinition, { kind: 'request' }>>()
  readonly #responses = new Map<string, Extract<TypeDefinition, { kind: 'response' }>>()

  constructor(schema: Schema) {
    this.#emitter = new TypeEmitter(schema, new Map())
    for (const e of schema.endpoints) {
      const request = e.request === null ? undefined : this.#emitter.get(e.request)
      const response = e.response === null ? undefined : this.#emitter.get(e.response)
      if (request?.kind === 'request') this.#requests.set(e.name, request)
      if (response?.kind === 'response') this.#responses.set(e.name, response)
    }
  }

  /** The spec name of an endpoint's request type (its name in `estypes`), or undefined. */
  requestName(endpoint: string): TypeName | undefined {
    return this.#requests.get(endpoint)?.name
  }

  /**
   * The type of a body property of an endpoint (`property` null: the whole-value body), or undefined when the model
   * has no such property. The request's generic parameters keep their names.
   */
  body(endpoint: string, property: string | null): string | undefined {
    const request = this.#requests.get(endpoint)
    if (request === undefined) return undefined
    let prop: Property | undefined
    if (property === null) {
      if (request.body.kind !== 'value') return undefined
      prop = { name: '', type: request.body.value, required: true }
    } else {
      if (request.body.kind !== 'properties') return undefined
      prop = request.body.properties.find((p) => p.name === property || p.aliases?.includes(property) === true)
    }
    if (prop === undefined) return undefined
    const generics = new Map((request.generics ?? []).map((g) => [key(g), g.name]))
    return this.#emitter.render(prop.type, { generics, aggregations: false }, kTypesQualifier)
  }

  /**
   * Whether the response's aggregations of an endpoint are inferred from its request's (`search`): the request
   * has `aggregations` of aggregation containers and the response takes `TAggregations`.
   */
  infersAggregations(endpoint: string): boolean {
    const request = this.#requests.get(endpoint)
    const response = this.#responses.get(endpoint)
    if (request === undefined || response === undefined || request.body.kind !== 'properties') return false
    const aggs = request.body.properties.find((p) => p.name === 'aggregations')
    return (
      aggs?.type.kind === 'dictionary_of' &&
      aggs.type.value.kind === 'instance_of' &&
      key(aggs.type.value.type) === '_types.aggregations:AggregationContainer' &&
      kAggregationsGeneric.has(key(response.name))
    )
  }

  /**
   * Whether each response item's aggregations of an endpoint are inferred from its request's lines (`msearch`): the
   * body is an array of msearch lines (header, body, ...) and the response the multi-search result, one item per
   * body line.
   */
  infersSearchesAggregations(endpoint: string): boolean {
    const request = this.#requests.get(endpoint)
    const response = this.#responses.get(endpoint)
    if (request === undefined || response === undefined) return false
    if (request.body.kind !== 'value' || response.body.kind !== 'value') return false
    const lines = request.body.value
    const result = response.body.value
    return (
      lines.kind === 'array_of' &&
      lines.value.kind === 'instance_of' &&
      key(lines.value.type) === '_global.msearch:RequestItem' &&
      result.kind === 'instance_of' &&
      key(result.type) === '_global.msearch:MultiSearchResult'
    )
  }

  /** The response type of an endpoint with its generic parameters (`estypes.SearchResponse<TDocument, ...>`). */
  response(endpoint: string): { readonly type: string; readonly generics: readonly string[] } | undefined {
    const response = this.#responses.get(endpoint)
    if (response === undefined) return undefined
    const generics = (response.generics ?? []).map((g) => g.name)
    if (kAggregationsGeneric.has(key(response.name))) generics.push('TAggregations')
    if (this.infersSearchesAggregations(endpoint)) {
      // One item per body line, each typed from its own line (`MsearchResult`).
      const args = [...generics, kSearchesParam].join(', ')
      return { type: `${kTypesQualifier}MsearchResult<${args}>`, generics }
    }
    const infer = this.infersAggregations(endpoint)
    const args =
      generics.length === 0
        ? ''
        : `<${generics.map((g) => (g === 'TAggregations' && infer ? `${kTypesQualifier}AggregationsResult<TAggregations, ${kAggsParam}>` : g)).join(', ')}>`
    return { type: `${kTypesQualifier}${typeName(response.name)}${args}`, generics }
  }
}
