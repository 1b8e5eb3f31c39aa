// The shapes of the specification's compiled model (`spec/schema.json`, described in `spec/README.md`), as far as
// the type emitter reads them.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** `{ namespace, name }`: the identity of a type (simple names repeat across namespaces). */
export interface TypeName {
  readonly namespace: string
  readonly name: string
}

/** A value: the type of a property, an alias target or a body. */
export type Value =
  | { readonly kind: 'instance_of'; readonly type: TypeName; readonly generics?: readonly Value[] }
  | { readonly kind: 'array_of'; readonly value: Value }
  | { readonly kind: 'union_of'; readonly items: readonly Value[] }
  | { readonly kind: 'dictionary_of'; readonly key: Value; readonly value: Value; readonly singleKey: boolean }
  | { readonly kind: 'literal_value'; readonly value: string | number | boolean }
  | { readonly kind: 'user_defined_value' }

/** A property of an interface, or a path part, query parameter or body property of a request. */
export interface Property {
  readonly name: string
  readonly type: Value
  readonly required: boolean
  readonly description?: string
  readonly deprecation?: { readonly version?: string; readonly description?: string }
  readonly aliases?: readonly string[]
  readonly codegenName?: string
  readonly containerProperty?: boolean
}

/** A behavior (`AdditionalProperties<K, V>`, `AdditionalProperty<K, V>`, `OverloadOf<T>`, ...). */
export interface Behavior {
  readonly type: TypeName
  readonly generics?: readonly Value[]
  readonly meta?: Readonly<Record<string, string>>
}

/** An inheritance clause. */
export interface Inherits {
  readonly type: TypeName
  readonly generics?: readonly Value[]
}

interface TypeBase {
  readonly name: TypeName
  readonly description?: string
  readonly deprecation?: { readonly version?: string; readonly description?: string }
  readonly generics?: readonly TypeName[]
}

/** A body of a request or response. */
export type Body =
  | { readonly kind: 'no_body' }
  | { readonly kind: 'properties'; readonly properties: readonly Property[] }
  | { readonly kind: 'value'; readonly value: Value; readonly codegenName?: string }

/** A definition of `types[]`. */
export type TypeDefinition =
  | (TypeBase & {
      readonly kind: 'interface'
      readonly properties: readonly Property[]
      readonly inherits?: Inherits
      readonly behaviors?: readonly Behavior[]
      readonly shortcutProperty?: string
      readonly variants?: { readonly kind: 'container'; readonly nonExhaustive?: boolean }
    })
  | (TypeBase & {
      readonly kind: 'request'
      readonly path: readonly Property[]
      readonly query: readonly Property[]
      readonly body: Body
      readonly inherits?: Inherits
      readonly behaviors?: readonly Behavior[]
    })
  | (TypeBase & { readonly kind: 'response'; readonly body: Body })
  | (TypeBase & {
      readonly kind: 'enum'
      readonly isOpen?: boolean
      readonly members: readonly { readonly name: string; readonly aliases?: readonly string[] }[]
    })
  | (TypeBase & {
      readonly kind: 'type_alias'
      readonly type: Value
      readonly variants?: { readonly kind: string; readonly tag?: string; readonly nonExhaustive?: boolean }
    })

/** An endpoint of `endpoints[]`. */
export interface SchemaEndpoint {
  readonly name: string
  readonly request: TypeName | null
  readonly response: TypeName | null
}

/** The reduced model of `spec/schema.json`. */
export interface Schema {
  readonly _info: Readonly<Record<string, unknown>>
  readonly endpoints: readonly SchemaEndpoint[]
  readonly types: readonly TypeDefinition[]
}

/** The name of the model file in the spec directory. */
export const kSchemaFile = 'schema.json'

/** Reads the model from the spec directory. */
export function loadSchema(specDir: string): Schema {
  return JSON.parse(readFileSync(join(specDir, kSchemaFile), 'utf8')) as Schema
}

/** The key of a type name in lookup tables. */
export function key(name: TypeName): string {
  return `${name.namespace}:${name.name}`
}

/** Keys left out of the committed copy: examples and documentation links that no generated type uses. */
const kDropped: ReadonlySet<string> = new Set([
  'examples',
  'specLocation',
  'extDocId',
  'extDocUrl',
  'extDocDescription',
  'docId',
  'docTag',
  'docUrl',
  'docUrlServerless',
])

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) if (!kDropped.has(k)) out[k] = strip(v)
  return out
}

/**
 * The committed reduced form of the specification's `schema.json`: `endpoints` (name, request, response) and
 * `types` without examples and documentation links, with the source named (`source` comes from endpoints.json,
 * which is of the same commit; `sha256` is the full file's).
 */
export function reduceSchema(full: Schema, source: Readonly<Record<string, string>>): string {
  const endpoints = full.endpoints.map((e) => ({ name: e.name, request: e.request, response: e.response }))
  const reduced = { _info: { ...full._info, source }, endpoints, types: strip(full.types) }
  // One type per line: diffs of a specification update stay readable.
  const types = (reduced.types as unknown[]).map((t) => JSON.stringify(t)).join(',\n')
  return `{"_info":${JSON.stringify(reduced._info)},\n"endpoints":${JSON.stringify(endpoints)},\n"types":[\n${types}\n]}\n`
}
