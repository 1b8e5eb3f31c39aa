// The bridge between the API emitter (endpoints.json) and the model (schema.json): the spec types of an endpoint's
// body properties and response, as TypeScript naming the `estypes` module.
import { kAggregationsGeneric, TypeEmitter, typeName } from './emit-types.js'
import { key, type Property, type Schema, type TypeDefinition, type TypeName } from './schema.js'

/** How the API modules name the types module. */
export const kTypesQualifier = 'estypes.'

/** Defaults of the generic parameters that are not `unknown`. */
export const kGenericDefaults: Readonly<Record<string, string>> = {
  TAggregations: `Record<string, ${kTypesQualifier}AggregationsAggregate>`,
}

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

  /** The response type of an endpoint with its generic parameters (`estypes.SearchResponse<TDocument, ...>`). */
  response(endpoint: string): { readonly type: string; readonly generics: readonly string[] } | undefined {
    const response = this.#responses.get(endpoint)
    if (response === undefined) return undefined
    const generics = (response.generics ?? []).map((g) => g.name)
    if (kAggregationsGeneric.has(key(response.name))) generics.push('TAggregations')
    const args = generics.length === 0 ? '' : `<${generics.join(', ')}>`
    return { type: `${kTypesQualifier}${typeName(response.name)}${args}`, generics }
  }
}
