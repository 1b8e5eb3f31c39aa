// The type emitter: every type of the specification's model as TypeScript, under the names of the official client
// (`estypes`), with its TSDoc. See README.md ("Types") for the rules.
import { propertyKey } from '../naming.js'
import { docBlock, docText } from '../tsdoc.js'
import { emitAggregationInference } from './aggregations.js'
import { typeParam } from './generics.js'
import {
  type Behavior,
  key,
  type Property,
  type Schema,
  type TypeDefinition,
  type TypeName,
  type Value,
} from './schema.js'

/**
 * Types that take the aggregations type of a search (`TAggregations`), as the official client's do; the spec has
 * no such parameter. `MsearchMultiSearchItem` and `MsearchResponseItem` take it too, so that msearch items carry it.
 */
export const kAggregationsGeneric: ReadonlySet<string> = new Set([
  '_global.search:ResponseBody',
  '_global.search:Response',
  '_global.scroll:Response',
  '_global.msearch:MultiSearchResult',
  '_global.msearch:MultiSearchItem',
  '_global.msearch:ResponseItem',
  '_global.msearch:Response',
  '_global.msearch_template:Response',
  'async_search._types:AsyncSearch',
  'async_search._types:AsyncSearchDocumentResponseBase',
  'async_search.get:Response',
  'async_search.submit:Response',
  'rollup.rollup_search:Response',
  'search_application.search:Response',
])

/** `_types.query_dsl` -> `QueryDsl`, `_global.search._types` -> `Search`: the official client's prefix. */
export function namespacePrefix(namespace: string): string {
  return namespace
    .split('.')
    .filter((part) => part !== '_global' && part !== '_types')
    .map((part) =>
      part
        .replace(/^_+/, '')
        .split('_')
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join(''),
    )
    .join('')
}

/** The official client's name of a type: `_types.query_dsl:QueryContainer` -> `QueryDslQueryContainer`. */
export function typeName(name: TypeName): string {
  return namespacePrefix(name.namespace) + name.name
}

const kBuiltins: Readonly<Record<string, string>> = {
  string: 'string',
  boolean: 'boolean',
  number: 'number',
  null: 'null',
  binary: 'ArrayBuffer',
  // `void` only makes sense as a return type; a value that is absent is undefined.
  void: 'undefined',
}

interface Context {
  /** The generic parameters in scope, by their spec namespace and name. */
  readonly generics: ReadonlyMap<string, string>
  /** Whether `TAggregations` is in scope. */
  readonly aggregations: boolean
}

const kNoContext: Context = { generics: new Map(), aggregations: false }

function contextOf(def: TypeDefinition, aggregations: boolean): Context {
  return { generics: new Map((def.generics ?? []).map((g) => [key(g), g.name])), aggregations }
}

function paren(type: string): string {
  return /^[\w$.]+(<.*>)?(\[\])*$/.test(type) || /^'[^']*'$/.test(type) ? type : `(${type})`
}

function literal(value: string | number | boolean): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(value)
}

/** A type the API layer defines (a request type), that estypes names too. */
export interface ExternalType {
  /** The module, relative to estypes. */
  readonly from: string
  readonly name: string
  /** Its generic parameters (all default to `unknown`). */
  readonly generics: readonly string[]
}

/** The local name of an imported request type (the namespace has a member of the same name). */
function importedName(external: ExternalType): string {
  return `${external.name}_`
}

/** Renders the model. */
export class TypeEmitter {
  readonly #types: ReadonlyMap<string, TypeDefinition>
  /** Request types that the API layer generates (re-exported here, not emitted): spec key -> module and name. */
  readonly #external: ReadonlyMap<string, ExternalType>

  constructor(schema: Schema, external: ReadonlyMap<string, ExternalType>) {
    this.#types = new Map(schema.types.map((t) => [key(t.name), t]))
    this.#external = external
  }

  /** A type definition by name, or undefined. */
  get(name: TypeName): TypeDefinition | undefined {
    return this.#types.get(key(name))
  }

  /** The TypeScript of a value, with names qualified by `qualifier` (`''` inside estypes, `estypes.` outside). */
  render(value: Value, ctx: Context = kNoContext, qualifier = ''): string {
    switch (value.kind) {
      case 'instance_of': {
        const ref = value.type
        if (ref.namespace === '_builtins') return kBuiltins[ref.name] ?? 'unknown'
        const generic = ctx.generics.get(key(ref))
        if (generic !== undefined) return generic
        const args = (value.generics ?? []).map((g) => this.render(g, ctx, qualifier))
        const refKey = key(ref)
        if (ctx.aggregations && kAggregationsGeneric.has(refKey)) {
          // Fill the document parameters the spec leaves to their defaults before the aggregations one.
          const arity = this.get(ref)?.generics?.length ?? 0
          while (args.length < arity) args.push('unknown')
          args.push('TAggregations')
        }
        const name = `${qualifier}${typeName(ref)}${args.length === 0 ? '' : `<${args.join(', ')}>`}`
        const def = this.get(ref)
        if (def?.kind === 'interface' && def.shortcutProperty !== undefined) {
          // The object may be written as just the value of its shortcut property (`match: { title: 'x' }`).
          const prop = this.#allProperties(def).find((p) => p.name === def.shortcutProperty)
          if (prop !== undefined) return `${name} | ${this.render(prop.type, contextOf(def, false), qualifier)}`
        }
        return name
      }
      case 'array_of':
        return `${paren(this.render(value.value, ctx, qualifier))}[]`
      case 'union_of':
        return [...new Set(value.items.map((v) => this.render(v, ctx, qualifier)))].join(' | ')
      case 'dictionary_of': {
        const k = this.render(value.key, ctx, qualifier)
        const v = this.render(value.value, ctx, qualifier)
        // An enum key names optional keys (a Record of a union key would require every member).
        return value.singleKey || !this.#isStringKey(value.key) ? `Partial<Record<${k}, ${v}>>` : `Record<${k}, ${v}>`
      }
      case 'literal_value':
        return literal(value.value)
      case 'user_defined_value':
        return 'unknown'
    }
  }

  #isStringKey(value: Value): boolean {
    if (value.kind !== 'instance_of') return false
    if (value.type.namespace === '_builtins') return value.type.name === 'string'
    const def = this.get(value.type)
    return def?.kind === 'type_alias' && this.#isStringKey(def.type)
  }

  /** Whether a type has extra keys, and so a `Keys` interface with its named properties. */
  hasKeys(def: TypeDefinition): boolean {
    return def.kind === 'interface' && def.variants?.kind !== 'container' && this.#extraKeys(def) !== undefined
  }

  /** The properties of an interface and of every interface it inherits. */
  #allProperties(def: TypeDefinition): Property[] {
    if (def.kind !== 'interface') return []
    const parent = def.inherits === undefined ? undefined : this.get(def.inherits.type)
    return [...def.properties, ...(parent === undefined ? [] : this.#allProperties(parent))]
  }

  /**
   * The extra-keys behavior of an interface, its own or inherited (`StringTermsBucket` takes sub-aggregations
   * through `MultiBucketBase`), with the context its generic arguments render in. Undefined when it has none.
   */
  #extraKeys(
    def: TypeDefinition,
    ctx: Context = contextOf(def, false),
  ): { behavior: Behavior; ctx: Context } | undefined {
    if (def.kind !== 'interface') return undefined
    const own = def.behaviors?.find(
      (b) =>
        b.type.namespace === '_spec_utils' &&
        (b.type.name === 'AdditionalProperties' || b.type.name === 'AdditionalProperty'),
    )
    if (own !== undefined) return { behavior: own, ctx }
    const parent = def.inherits === undefined ? undefined : this.get(def.inherits.type)
    if (parent === undefined || def.inherits === undefined) return undefined
    const args = def.inherits.generics ?? []
    const generics = new Map(
      (parent.generics ?? []).map((g, i) => {
        const arg = args[i]
        return [key(g), arg === undefined ? 'unknown' : this.render(arg, ctx)] as const
      }),
    )
    return this.#extraKeys(parent, { generics, aggregations: false })
  }

  /** The name an `extends` clause uses for a parent (its `Keys` interface when it has extra keys). */
  #parentName(ref: TypeName, generics: readonly Value[] | undefined, ctx: Context): string {
    const def = this.get(ref)
    const args = (generics ?? []).map((g) => this.render(g, ctx))
    if (ctx.aggregations && kAggregationsGeneric.has(key(ref))) args.push('TAggregations')
    if (def !== undefined && this.#extraKeys(def) !== undefined) {
      const kept = this.#keysParams(def)
      const keysArgs = args.filter((_, i) => kept.includes(def.generics?.[i]?.name ?? ''))
      return `${typeName(ref)}Keys${keysArgs.length === 0 ? '' : `<${keysArgs.join(', ')}>`}`
    }
    return `${typeName(ref)}${args.length === 0 ? '' : `<${args.join(', ')}>`}`
  }

  /** The generic parameters that the `Keys` interface of a type with extra keys uses. */
  #keysParams(def: TypeDefinition): string[] {
    if (def.kind !== 'interface') return []
    const ctx = contextOf(def, kAggregationsGeneric.has(key(def.name)))
    const text =
      this.#members(def.properties, ctx) +
      (def.inherits === undefined ? '' : this.#parentName(def.inherits.type, def.inherits.generics, ctx))
    return (def.generics ?? []).map((g) => g.name).filter((g) => new RegExp(`\\b${g}\\b`).test(text))
  }

  #typeParams(def: TypeDefinition, aggregations: boolean, qualifier = ''): string {
    const params = (def.generics ?? []).map((g) => `${g.name} = unknown`)
    if (aggregations)
      params.push(`TAggregations = Record<${qualifier}AggregateName, ${qualifier}AggregationsAggregate>`)
    return params.length === 0 ? '' : `<${params.join(', ')}>`
  }

  // `fallback` stands where the specification has no description: every export is documented (ae-undocumented),
  // and the text says honestly where the type comes from.
  #doc(
    description: string | undefined,
    deprecation?: { version?: string; description?: string },
    indent = '',
    fallback?: string,
  ): string {
    const lines: string[] = []
    if (description !== undefined && description.trim() !== '') lines.push(docText(description))
    else if (fallback !== undefined) lines.push(fallback)
    if (deprecation !== undefined) {
      const text =
        deprecation.description === undefined || deprecation.description === '' ? '' : ` ${deprecation.description}`
      lines.push(`@deprecated ${docText(`since ${deprecation.version ?? '?'}.${text}`)}`)
    }
    if (indent === '') {
      if (lines.length > 0) lines.push('')
      lines.push('@public')
    }
    return lines.length === 0 ? '' : docBlock(lines, indent)
  }

  #members(props: readonly Property[], ctx: Context, forceRequired = false): string {
    return props
      .flatMap((p) => {
        const names = [p.name, ...(p.aliases ?? [])]
        return names.map((name, i) => {
          let type = this.render(p.type, ctx)
          if (ctx.aggregations && name === 'aggregations' && p.type.kind === 'dictionary_of') type = 'TAggregations'
          const doc = this.#doc(
            i === 0 ? p.description : `An alias of \`${p.name}\`.`,
            p.deprecation,
            '  ',
            `\`${p.name}\` (the specification does not describe it).`,
          )
          const optional = forceRequired || (p.required && i === 0) ? '' : '?'
          return `${doc}  ${propertyKey(name)}${optional}: ${type}\n`
        })
      })
      .join('')
  }

  /** A top-level alias of a member of the namespace (the client exports some by name). */
  alias(def: TypeDefinition): string {
    const name = typeName(def.name)
    const aggregations = kAggregationsGeneric.has(key(def.name))
    const args = (def.generics ?? []).map((g) => g.name)
    if (aggregations) args.push('TAggregations')
    const self = args.length === 0 ? '' : `<${args.join(', ')}>`
    const doc = docBlock([`\\\`estypes.${name}\\\`, exported by name too.`, '', '@public'])
    return `${doc}export type ${name}${this.#typeParams(def, aggregations, 'estypes.')} = estypes.${name}${self}\n`
  }

  /** One definition as TypeScript (an empty string for the types that are not emitted). */
  emit(def: TypeDefinition): string {
    const name = typeName(def.name)
    const aggregations = kAggregationsGeneric.has(key(def.name))
    const ctx = contextOf(def, aggregations)
    const params = this.#typeParams(def, aggregations)
    const doc = this.#doc(
      def.description,
      def.deprecation,
      '',
      `\`${def.name.name}\` of the specification's \`${def.name.namespace}\` namespace (the specification does not describe it).`,
    )
    switch (def.kind) {
      case 'enum': {
        const values = def.members.flatMap((m) => [m.name, ...(m.aliases ?? [])])
        const members = values.map((v) => literal(v))
        // `true`/`false` members are sent as booleans too (`refresh: true`).
        if (values.includes('true') && values.includes('false')) members.unshift('boolean')
        if (def.isOpen === true) members.push('string')
        return `${doc}export type ${name} = ${members.join(' | ')}\n`
      }
      case 'type_alias':
        return `${doc}export type ${name}${params} = ${this.render(def.type, ctx)}\n`
      case 'response': {
        if (def.body.kind === 'no_body') return `${doc}export type ${name}${params} = boolean\n`
        if (def.body.kind === 'value')
          return `${doc}export type ${name}${params} = ${this.render(def.body.value, ctx)}\n`
        return `${doc}export interface ${name}${params} {\n${this.#members(def.body.properties, ctx)}}\n`
      }
      case 'request': {
        const external = this.#external.get(key(def.name))
        if (external !== undefined) {
          const gs = external.generics
          const ps = gs.length === 0 ? '' : `<${gs.map((g) => typeParam(g, '')).join(', ')}>`
          const as = gs.length === 0 ? '' : `<${gs.join(', ')}>`
          return `${doc}export type ${name}${ps} = ${importedName(external)}${as}\n`
        }
        const body: Property[] =
          def.body.kind === 'properties'
            ? [...def.body.properties]
            : def.body.kind === 'value'
              ? [{ name: def.body.codegenName ?? 'body', type: def.body.value, required: true }]
              : []
        const parent =
          def.inherits === undefined
            ? ''
            : ` extends ${this.#parentName(def.inherits.type, def.inherits.generics, ctx)}`
        return `${doc}export interface ${name}${params}${parent} {\n${this.#members(mergeByName([...def.path, ...body, ...def.query]), ctx)}}\n`
      }
      case 'interface':
        return this.#emitInterface(def, name, params, doc, ctx)
    }
  }

  #emitInterface(
    def: Extract<TypeDefinition, { kind: 'interface' }>,
    name: string,
    params: string,
    doc: string,
    ctx: Context,
  ): string {
    const parents: string[] = []
    if (def.inherits !== undefined) parents.push(this.#parentName(def.inherits.type, def.inherits.generics, ctx))
    // Behaviors that are plain interfaces (`CommonQueryParameters`) are inherited.
    for (const b of def.behaviors ?? []) {
      const target = this.get(b.type)
      if (target?.kind === 'interface' && target.properties.length > 0)
        parents.push(this.#parentName(b.type, b.generics, ctx))
    }
    const ext = parents.length === 0 ? '' : ` extends ${parents.join(', ')}`
    const args = (def.generics ?? []).map((g) => g.name)
    if (ctx.aggregations) args.push('TAggregations')
    const self = args.length === 0 ? '' : `<${args.join(', ')}>`
    if (def.variants?.kind === 'container') {
      const common = def.properties.filter((p) => p.containerProperty === true)
      const variants = def.properties.filter((p) => p.containerProperty !== true)
      const commonName = `${name}CommonProps`
      const exclusiveName = `${name}ExclusiveProps`
      const out: string[] = []
      const hasCommon = common.length > 0 || parents.length > 0
      if (hasCommon) {
        out.push(
          `${this.#doc(`The properties of \`${name}\` that may sit next to its one variant.`)}export interface ${commonName}${params}${ext} {\n${this.#members(common, ctx)}}\n`,
        )
      }
      out.push(
        `${this.#doc(`The variants of \`${name}\`: exactly one is set.`)}export interface ${exclusiveName}${params} {\n${this.#members(variants, ctx, true)}}\n`,
      )
      // Exactly one variant, spelled out: each member has its variant and marks every other one absent. The
      // generic `ExactlyOne` cost n² instantiations per container (31,600 of the 37,580 the bench's programs cost);
      // an object type per member, with the variant's own TSDoc, costs none and one type per member.
      const each: Property[] = variants.flatMap((p) => [
        { ...p, aliases: [] },
        ...(p.aliases ?? []).map((alias) => ({
          ...p,
          name: alias,
          aliases: [],
          description: `An alias of \`${p.name}\`.`,
        })),
      ])
      const one =
        each.length === 1
          ? `${exclusiveName}${self}`
          : `(\n${each
              .map(
                (v) =>
                  `    | {\n${this.#members([v], ctx, true)}${each
                    .filter((o) => o !== v)
                    .map((o) => `  ${propertyKey(o.name)}?: never\n`)
                    .join('')}}\n`,
              )
              .join('')}  )`
      const extra = this.#extraKeys(def)?.behavior
      // A container with an extra key (`SortOptions`: `{ year: 'desc' }`) takes that key instead of a variant.
      const alt =
        extra?.generics?.[1] === undefined
          ? ''
          : ` | { [${extra.meta?.['key'] ?? 'key'}: string]: ${this.render(extra.generics[1], ctx)} }`
      out.push(`${doc}export type ${name}${params} = ${hasCommon ? `${commonName}${self} & ${one}` : one}${alt}\n`)
      return out.join('\n')
    }
    const found = this.#extraKeys(def, ctx)
    if (found !== undefined) {
      const extra = found.behavior
      const keysName = `${name}Keys`
      const members = this.#members(def.properties, ctx)
      // The parameters that only the extra keys use stay off the Keys interface.
      const keyArgs = this.#keysParams(def)
      const keysParams = keyArgs.length === 0 ? '' : `<${keyArgs.map((g) => `${g} = unknown`).join(', ')}>`
      const keysSelf = keyArgs.length === 0 ? '' : `<${keyArgs.join(', ')}>`
      const value = extra.generics?.[1] === undefined ? 'unknown' : this.render(extra.generics[1], found.ctx)
      const keysDoc = this.#doc(`The named properties of \`${name}\`.`)
      return (
        `${keysDoc}export interface ${keysName}${keysParams}${ext} {\n${members}}\n\n` +
        // Every named property must fit the index signature too, hence the union.
        // (With `unknown` values the union is `unknown`: spelled out, tsc would still resolve every member's type.)
        `${doc}export type ${name}${params} = ${keysName}${keysSelf} & { [property: string]: ${value === 'unknown' ? value : `${value} | ${keysName}${keysSelf}[keyof ${keysName}${keysSelf}]`} }\n`
      )
    }
    const body = this.#members(def.properties, ctx)
    // An empty interface stays an interface: as a type alias (`{}`, biome's fix) every interface that extends it
    // gets its own `this` type, which multiplies the types tsc instantiates.
    const keep =
      body === '' && ext === ''
        ? '// biome-ignore lint/suspicious/noEmptyInterface: an interface keeps `this` types out of the interfaces that extend it\n'
        : ''
    return `${doc}${keep}export interface ${name}${params}${ext} {\n${body}}\n`
  }
}

/** Request members by name: a name in the path and the body (or the query) is one member, of either type. */
function mergeByName(props: readonly Property[]): Property[] {
  const out = new Map<string, Property>()
  for (const p of props) {
    const seen = out.get(p.name)
    if (seen === undefined) out.set(p.name, p)
    else
      out.set(p.name, {
        ...seen,
        required: seen.required || p.required,
        type: { kind: 'union_of', items: [seen.type, p.type] },
      })
  }
  return [...out.values()]
}

/** The behaviors that are markers of the model, not types of data. */
const kMarkers: ReadonlySet<string> = new Set([
  '_spec_utils:AdditionalProperties',
  '_spec_utils:AdditionalProperty',
  '_spec_utils:OverloadOf',
])

/** The helper types of the module, before the model's. */
const kPrelude = `/**
 * Exactly one property of \`T\`: the others are absent. The generated containers (\`QueryDslQueryContainer\`) are this
 * union spelled out, which costs the compiler far less; it stays for types of one's own.
 *
 * @public
 */
export type ExactlyOne<T> = {
  [K in keyof T]: { [P in K]: T[P] } & { [P in Exclude<keyof T, K>]?: never }
}[keyof T]
`

/**
 * The whole `estypes` module: one type-only namespace `estypes` (a namespace declaration rather than a module
 * namespace, so that api-extractor and the other generated modules see one symbol), and top-level aliases of the
 * members named in `topLevel`.
 */
export function emitTypes(
  schema: Schema,
  external: ReadonlyMap<string, ExternalType>,
  header: string,
  topLevel: ReadonlySet<string> = new Set(),
): string {
  const emitter = new TypeEmitter(schema, external)
  const seen = new Map<string, string>()
  const parts: string[] = []
  const sorted = [...schema.types].sort((a, b) => {
    const x = typeName(a.name)
    const y = typeName(b.name)
    return x < y ? -1 : x > y ? 1 : 0
  })
  for (const def of sorted) {
    if (kMarkers.has(key(def.name))) continue
    const name = typeName(def.name)
    const other = seen.get(name)
    if (other !== undefined) throw new Error(`${key(def.name)} and ${other} both map to ${name}`)
    seen.set(name, key(def.name))
    parts.push(emitter.emit(def))
  }
  // A model with aggregations (every real one; small test models may have none) gets their inference.
  if (emitter.get({ namespace: '_types.aggregations', name: 'AggregationContainer' }) !== undefined)
    parts.push(emitAggregationInference(schema, emitter))
  const imports = [...external.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => `import type { ${e.name} as ${importedName(e)} } from '${e.from}'\n`)
    .join('')
  const aliases = sorted.filter((d) => topLevel.has(typeName(d.name))).map((d) => emitter.alias(d))
  const nsDoc = docBlock([
    "Every type of the Elasticsearch specification's model, under the names of the official client's `estypes`",
    '(`estypes.QueryDslQueryContainer`, `estypes.SearchResponse`, ...).',
    '',
    '@public',
  ])
  return `${header}\n${imports}\n${nsDoc}export declare namespace estypes {\n${kPrelude}\n${parts.join('\n')}}\n\n${aliases.join('\n')}`
}
