// The generated `estypes` module, and the names the client exports from it.

import { requestGenerics } from '../emit.js'
import type { ApiNamespace } from '../model.js'
import type { TypeResolver } from '../type-expr.js'
import { type ExternalType, emitTypes, typeName } from './emit-types.js'
import { key, type Schema } from './schema.js'
import type { SpecTypes } from './spec-types.js'

/**
 * Types of the model that the client also exports by name (they were hand-written before the model was generated);
 * every other one is reached through `estypes`.
 */
export const kNamedExports: readonly string[] = [
  'BulkOperationType',
  'BulkResponseItem',
  'ErrorCause',
  'HealthStatus',
  'MgetResponseItem',
  'MsearchResponseItem',
  'SearchHit',
  'ShardStatistics',
  'WriteResponseBase',
]

/** The estypes module's source and the names to export from the client: each API's response type, and a few more. */
export function emitTypesModule(
  schema: Schema,
  specTypes: SpecTypes,
  resolver: TypeResolver,
  namespaces: readonly ApiNamespace[],
  header: string,
): { readonly source: string; readonly responseNames: string[] } {
  // The request types of the generated APIs are the API layer's (path, query and body side by side): re-exported.
  const external = new Map<string, ExternalType>()
  const responses = new Map(schema.endpoints.map((e) => [e.name, e.response]))
  const responseNames = new Set<string>(kNamedExports)
  for (const ns of namespaces) {
    for (const e of ns.endpoints) {
      const request = specTypes.requestName(e.spec.name)
      if (request !== undefined)
        external.set(key(request), {
          from: `./${ns.file}.js`,
          name: `${e.typeName}Request`,
          generics: requestGenerics(resolver, e.spec),
        })
      const response = responses.get(e.spec.name)
      if (response !== undefined && response !== null) responseNames.add(typeName(response))
    }
  }
  return { source: emitTypes(schema, external, header, responseNames), responseNames: [...responseNames].sort() }
}
