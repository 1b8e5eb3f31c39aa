import {
  type ApiEndpoint,
  type ApiNamespace,
  privateNote,
  type Spec,
  type SpecEndpoint,
  type SpecParam,
} from './model.js'
import { propertyKey, quote } from './naming.js'
import { docBlock, docText } from './tsdoc.js'
import { kJsonInput, type TypeResolver } from './type-expr.js'
import { kAggsParam, kSearchesParam, kTypesQualifier, typeParam } from './types/spec-types.js'

/** How a response is decoded at run time (see the client's `runtime.ts`). */
export type ResponseKind = 'json' | 'bool' | 'ack' | 'text' | 'cat'

/** Names of the members every request already has (from `RequestBase` / `CatRequestBase`). */
const baseMembers: ReadonlySet<string> = new Set([
  'querystring',
  'body',
  'error_trace',
  'filter_path',
  'human',
  'pretty',
])
const catMembers: ReadonlySet<string> = new Set([...baseMembers, 'format', 'help', 'v', 'bytes', 'time'])

/**
 * The decoded response kind of an endpoint. A HEAD resolves to a boolean, true on 2xx and false on 404 (`bool`). An
 * endpoint whose answer has no body (the spec's `no_body`: `logstash.put_pipeline`, `cluster.post_voting_config_exclusions`,
 * ...) resolves to `true` on 2xx, which is what the spec's `XxxResponse` (`boolean`) says, and rejects on an error
 * status like any other call (`ack`: `logstash.delete_pipeline` of a missing pipeline is a 404 `ResponseError`, as in
 * the official clients); as JSON they resolved to the `undefined` of an empty body.
 */
export function responseKind(spec: SpecEndpoint): ResponseKind {
  if (spec.urls.every((u) => u.methods.length === 1 && u.methods[0] === 'HEAD')) return 'bool'
  if (spec.response.kind === 'none') return 'ack'
  const media = spec.responseMediaType ?? []
  if (media[0] === 'text/plain') {
    return spec.namespace === 'cat' && media.includes('application/json') ? 'cat' : 'text'
  }
  return 'json'
}

function isCat(spec: SpecEndpoint): boolean {
  return spec.behaviors?.includes('CommonCatQueryParameters') === true
}

/** The url variants, most specific (most path parts) first; stable otherwise. */
export function sortedUrls(spec: SpecEndpoint): { path: string; methods: readonly string[] }[] {
  const count = (path: string): number => (path.match(/\{/g) ?? []).length
  return spec.urls
    .map((u, i) => ({ path: u.path, methods: u.methods, i }))
    .sort((a, b) => count(b.path) - count(a.path) || a.i - b.i)
    .map(({ path, methods }) => ({ path, methods }))
}

/** Every parameter an endpoint names as required. */
export function requiredParams(spec: SpecEndpoint): string[] {
  const out: string[] = []
  const add = (name: string): void => {
    if (!out.includes(name)) out.push(name)
  }
  for (const p of spec.pathParts) if (p.required) add(p.name)
  for (const p of spec.query) if (p.required) add(p.name)
  if (spec.body?.kind === 'properties') for (const p of spec.body.properties) if (p.required) add(p.name)
  if (spec.body?.kind === 'value' && spec.body.required) add(spec.body.codegenName)
  return out
}

/** The endpoint's query parameter names, the `cat` common ones included (the four global ones are implied). */
export function queryParams(spec: Spec, endpoint: SpecEndpoint): string[] {
  const names = endpoint.query.map((q) => q.name)
  for (const behavior of endpoint.behaviors ?? []) {
    if (behavior === 'CommonQueryParameters') continue
    for (const p of spec.commonQueryParameters[behavior] ?? []) if (!names.includes(p.name)) names.push(p.name)
  }
  return names
}

/** The body property names, aliases included, or undefined for no properties body. */
export function bodyProps(spec: SpecEndpoint): string[] | undefined {
  if (spec.body?.kind !== 'properties') return undefined
  const out: string[] = []
  for (const p of spec.body.properties) {
    out.push(p.name)
    for (const alias of p.aliases ?? []) out.push(alias)
  }
  return out
}

function stringList(values: readonly string[]): string {
  return `[${values.map(quote).join(', ')}]`
}

/** The data literal of one endpoint, as in the generated `endpoints` table. */
export function endpointData(spec: Spec, endpoint: ApiEndpoint): string {
  const s = endpoint.spec
  const fields: string[] = [`api: ${quote(endpoint.api)}`]
  const urls = sortedUrls(s).map((u) => `{ path: ${quote(u.path)}, methods: ${stringList(u.methods)} }`)
  fields.push(`urls: [${urls.join(', ')}]`)
  fields.push(`path: ${stringList(s.pathParts.map((p) => p.name))}`)
  fields.push(`query: ${stringList(queryParams(spec, s))}`)
  const renamed = s.query.filter((q) => q.wire !== undefined)
  if (renamed.length > 0)
    fields.push(`rename: { ${renamed.map((q) => `${propertyKey(q.name)}: ${quote(q.wire as string)}`).join(', ')} }`)
  const props = bodyProps(s)
  if (props !== undefined) fields.push(`body: ${stringList(props)}`)
  if (s.body?.kind === 'value') fields.push(`value: ${quote(s.body.codegenName)}`)
  if (s.requestMediaType?.includes('application/x-ndjson') === true) fields.push('ndjson: true')
  fields.push(`required: ${stringList(requiredParams(s))}`)
  const kind = responseKind(s)
  if (kind !== 'json') fields.push(`response: ${quote(kind)}`)
  return `{ ${fields.join(', ')} }`
}

/** Text of a TSDoc line, or a fallback. */
function describe(text: string | undefined, fallback: string): string {
  const t = text === undefined || text.trim() === '' ? fallback : text
  return docText(t)
}

interface Member {
  name: string
  types: string[]
  required: boolean
  description: string | undefined
  deprecated: string | undefined
  where: string[]
}

/** The members of a request type, merged by name (a name can be a path part and a body property at once). */
export function requestMembers(resolver: TypeResolver, endpoint: SpecEndpoint): Member[] {
  const generics = endpoint.generics ?? []
  const skip = isCat(endpoint) ? catMembers : baseMembers
  const byName = new Map<string, Member>()
  const add = (p: SpecParam, where: string, type: string, required: boolean): void => {
    if (skip.has(p.name)) return
    const existing = byName.get(p.name)
    const deprecated =
      p.deprecated === undefined ? undefined : (p.deprecated.description ?? `since ${p.deprecated.version ?? '?'}`)
    if (existing === undefined) {
      byName.set(p.name, {
        name: p.name,
        types: [type],
        required,
        description: p.description,
        deprecated,
        where: [where],
      })
    } else {
      if (!existing.types.includes(type)) existing.types.push(type)
      existing.required ||= required
      existing.description ??= p.description
      existing.where.push(where)
    }
  }
  // A parameter that is a body property too keeps its type (`size` of a search is read back as a number).
  const inBody = new Set(
    endpoint.body?.kind === 'properties' ? endpoint.body.properties.flatMap((p) => [p.name, ...(p.aliases ?? [])]) : [],
  )
  const wire = (where: 'path' | 'query', p: SpecParam): string => {
    const type = resolver.resolve(p.type, generics)
    return inBody.has(p.name) ? type : onTheWire(where, type)
  }
  for (const p of endpoint.pathParts) add(p, 'path', wire('path', p), p.required)
  const body = endpoint.body
  if (body?.kind === 'properties') {
    for (const p of body.properties) {
      // The aggregations of a search are a parameter: the response's are inferred from them. The intersection with
      // the declared type keeps the excess-property checks of an object literal (a `sizee` inside `terms`), which
      // the inferred type alone would pass.
      const declared = resolver.spec?.body(endpoint.name, p.name) ?? resolver.resolve(p.type, generics)
      const type =
        p.name === 'aggregations' && resolver.spec?.infersAggregations(endpoint.name) === true
          ? `${kAggsParam} & ${declared}`
          : declared
      add(p, 'body', type, p.required)
      for (const alias of p.aliases ?? []) {
        add({ ...p, name: alias, description: `An alias of \`${p.name}\`.` }, 'body', type, false)
      }
    }
  }
  if (body?.kind === 'value') {
    let type = resolver.spec?.body(endpoint.name, null) ?? resolver.resolve(body.type, generics)
    // The lines of an msearch are a parameter: each response item's aggregations are inferred from its body line
    // (`MsearchSearches` says how they are checked).
    if (resolver.spec?.infersSearchesAggregations(endpoint.name) === true)
      type = `${kTypesQualifier}MsearchSearches<${kSearchesParam}>`
    const ndjson = endpoint.requestMediaType?.includes('application/x-ndjson') === true
    // The lines of a bulk body hold the document type twice, as a line of its own and as an update's `upsert`:
    // inferred from both, it becomes one line's shape and the others are excess properties (the spec's
    // BulkRequestExample2, an update's `doc` beside a script's `upsert`). The caller names it (`bulk<Book>`), else
    // it is `unknown`. A body with the generic once (`ml.post_data`'s `TData[]`) infers the union of its lines.
    // Left `unknown`, a line that is the bare document type would absorb the union (`A | B | unknown` is `unknown`):
    // no check of the lines and no completions for an action line. Unnamed, a document line is any object, so the
    // action lines stay members of their own (`client.bulk({ operations: [{ index: { ... } }] })` completes).
    const twice = generics.filter((g) => (type.match(new RegExp(`\\b${g}\\b`, 'g')) ?? []).length > 1)
    if (ndjson && twice.length > 0) {
      for (const g of twice)
        type = type.replace(new RegExp(`(?<=\\(|\\| )${g}(?=\\)| \\|)`, 'g'), `(unknown extends ${g} ? object : ${g})`)
      type = `NoInfer<${type}>`
    }
    if (ndjson) type = `${type} | string | Uint8Array`
    const description =
      body.description ??
      (ndjson
        ? 'The NDJSON body: one array item per line (objects are serialized as JSON, strings sent as they are), or the whole NDJSON text or its encoded bytes (sent as they are).'
        : 'The request body.')
    add({ name: body.codegenName, type: body.type, required: body.required, description }, 'body', type, body.required)
  }
  for (const p of endpoint.query) add(p, 'query', wire('query', p), p.required)
  return [...byName.values()]
}

/**
 * The type of a path part or query parameter as the URL carries it: text, so Elasticsearch takes what serializes to
 * the same text. A path part takes a number (`id: 1` is `/_doc/1`) and a list part one item; a boolean query
 * parameter takes `'true'`/`'false'` (`v: 'true'`), a numeric one a numeric string (`requests_per_second: '-1'`),
 * a plain string one a number (`from_sort_value: 1577833200000`).
 * The specification's own examples are written this way (`test/api/example-types.test.ts` in the client).
 */
export function onTheWire(where: 'path' | 'query', type: string): string {
  const list = /^([\w.]+)\[\]$/.exec(type)
  if (list !== null) return onTheWire(where, `${list[1]} | ${type}`)
  if (where === 'path') return /\bnumber\b/.test(type) ? type : `${type} | number`
  if (type === 'string') return 'string | number'
  if (type === 'boolean') return "boolean | 'true' | 'false'"
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a TypeScript template literal type
  if (type === 'number') return 'number | `${number}`'
  return type
}

function memberType(member: Member): string {
  if (member.types.includes(kJsonInput)) return kJsonInput
  return member.types.length === 1 ? (member.types[0] as string) : member.types.join(' | ')
}

/** The documentation link, unless the specification has only a placeholder. */
export function docUrl(spec: SpecEndpoint): string | undefined {
  return spec.docUrl === undefined || spec.docUrl === '' || spec.docUrl.includes('#TODO') ? undefined : spec.docUrl
}

function seeLine(spec: SpecEndpoint): string[] {
  return docUrl(spec) === undefined ? [] : [`@see {@link ${spec.docUrl} | Elasticsearch API documentation}`]
}

/** Where an endpoint is available and how stable it is, as one sentence. */
export function availabilityText(spec: SpecEndpoint): string {
  const { stack, serverless } = spec.availability
  const one = (a: { stability?: string; since?: string; visibility?: string } | null): string =>
    a === null || a.visibility === 'private'
      ? 'not available'
      : `${a.stability ?? 'stable'}${a.since === undefined ? '' : `, since ${a.since}`}`
  // A stack-private endpoint that is generated (see `privateGenerated`) exists in the Stack, but not for everyone.
  const inStack =
    stack?.visibility === 'private' && privateNote(spec) !== undefined
      ? `private, ${one({ ...stack, visibility: 'public' })}`
      : one(stack)
  return `Elastic Stack: ${inStack}. Serverless: ${one(serverless)}.`
}

/** The TypeScript type of a response body: the spec's response type where the body is JSON. */
export function responseType(endpoint: ApiEndpoint, resolver?: TypeResolver): string {
  const s = endpoint.spec
  const kind = responseKind(s)
  if (kind === 'bool' || kind === 'ack') return 'boolean'
  if (kind === 'text') return 'string'
  const media = s.responseMediaType ?? []
  if (media[0] === 'text/event-stream') return 'string'
  if (media[0] === 'application/vnd.mapbox-vector-tile') return 'Uint8Array'
  const response = s.response
  const typed = resolver?.spec?.response(s.name)
  if (typed !== undefined) return typed.type
  // cat rows are objects, one per line of the table.
  if (kind === 'cat') return 'JsonObject[]'
  if (response.typeName.startsWith('Array<')) return 'JsonValue[]'
  if (response.typeName.startsWith('Dictionary<')) return 'Record<string, JsonValue>'
  if (response.kind === 'properties' || /Response(Base)?$/.test(response.typeName)) return 'JsonObject'
  return 'JsonValue'
}

/** The generic parameters of a request type that its members use (a type that resolved to JSON drops them). */
export function requestGenerics(resolver: TypeResolver, endpoint: SpecEndpoint): string[] {
  const types = requestMembers(resolver, endpoint).flatMap((m) => m.types)
  const out = (endpoint.generics ?? []).filter((g) => types.some((t) => new RegExp(`\\b${g}\\b`).test(t)))
  if (resolver.spec?.infersAggregations(endpoint.name) === true) out.push(kAggsParam)
  if (resolver.spec?.infersSearchesAggregations(endpoint.name) === true) out.push(kSearchesParam)
  return out
}

function methodGenerics(resolver: TypeResolver, endpoint: ApiEndpoint): string[] {
  const out = requestGenerics(resolver, endpoint.spec)
  const response = responseType(endpoint, resolver)
  for (const g of resolver.spec?.response(endpoint.spec.name)?.generics ?? [])
    if (!out.includes(g) && new RegExp(`\\b${g}\\b`).test(response)) out.push(g)
  // The request's aggregations (or msearch lines) come last: `search<TDocument, TAggregations>` gives the first two
  // by hand.
  const inferred = (g: string): boolean => g === kAggsParam || g === kSearchesParam
  return [...out.filter((g) => !inferred(g)), ...out.filter(inferred)]
}

/** The generated request types of one namespace (types only: no JavaScript is loaded for them). */
export function emitRequestTypes(resolver: TypeResolver, ns: ApiNamespace, header: string): string {
  const used = new Set<string>()
  const parts: string[] = []
  for (const e of ns.endpoints) {
    const s = e.spec
    const members = requestMembers(resolver, s)
    const base = isCat(s) ? 'CatRequestBase' : 'RequestBase'
    used.add(base)
    const generics = requestGenerics(resolver, s)
    const typeParams = generics.length === 0 ? '' : `<${generics.map((g) => typeParam(g)).join(', ')}>`
    const doc = [
      // A link to the method would be ambiguous (it has overloads): name the call and link the class.
      `The request of \`client.${e.api}()\` ({@link ${ns.className}}): path parts, query parameters and body properties side by side.`,
      '',
      '@public',
    ]
    const lines = members.map((m) => {
      const type = memberType(m)
      if (type.includes(kJsonInput)) used.add(kJsonInput)
      const docs = [describe(m.description, `The \`${m.name}\` parameter (${m.where.join(', ')}).`)]
      if (m.deprecated !== undefined) docs.push(`@deprecated ${docText(m.deprecated)}`)
      return `${docBlock(docs, '  ')}  ${propertyKey(m.name)}${m.required ? '' : '?'}: ${type}\n`
    })
    parts.push(
      `${docBlock(doc)}export interface ${e.typeName}Request${typeParams} extends ${base} {\n${lines.join('')}}\n`,
    )
  }
  const imports = [`import type { ${[...used].sort().join(', ')} } from '../types.js'`]
  if (parts.some((part) => part.includes(kTypesQualifier))) imports.push(`import type { estypes } from './estypes.js'`)
  // The class named in the TSDoc links.
  imports.push(`import type { ${ns.className} } from './api.js'`)
  return `${header}\n${imports.join('\n')}\n\n${parts.join('\n')}`
}

/** The note of a namespace whose every endpoint is private and generated anyway, with the same note. */
function namespaceNote(ns: ApiNamespace): string[] {
  const notes = new Set(ns.endpoints.map((e) => privateNote(e.spec)))
  const [note] = notes
  return notes.size === 1 && note !== undefined ? ['', docText(note)] : []
}

function emitClass(
  spec: Spec,
  resolver: TypeResolver,
  ns: ApiNamespace,
  all: readonly ApiNamespace[],
  used: Set<string>,
  responsesUsed: Set<string>,
  requestTypes: Set<string>,
): string {
  const parts: string[] = []
  const table = `${ns.name ?? 'root'}Endpoints`
  const isRoot = ns.name === null
  if (isRoot) {
    // The root APIs (`info()`, `search()`, ...) stay in the main module, built on their first call.
    const rows = ns.endpoints.map((e) => `  ${propertyKey(e.method)}: ${endpointData(spec, e)},`)
    parts.push(`const ${table} = lazyTable(() => ({\n${rows.join('\n')}\n}) satisfies Record<string, Endpoint>)\n`)
  } else {
    // A namespace's table is a module of its own (see emitEndpointChunk), imported on the namespace's first call:
    // a cold start neither reads nor compiles the endpoints of namespaces it never calls.
    parts.push(`const ${table} = endpointChunk(() => import('./${endpointChunkFile(ns)}.js'))\n`)
  }
  for (const e of ns.endpoints) requestTypes.add(`${e.typeName}Request`)
  // The class.
  const classLines: string[] = []
  if (isRoot) {
    classLines.push(
      `${docBlock(['The transport every call goes through. The `Client` subclass reads it to make children.'], '  ')}  protected readonly transport: Transport\n`,
    )
    // One field per namespace, created on first use.
    classLines.push(
      all
        .filter((child) => child.name !== null)
        .map((child) => `  #${child.name}: ${child.className} | undefined\n`)
        .join(''),
    )
    classLines.push(
      `${docBlock(['@param transport - the transport every call goes through, such as `new Transport({ nodes, connection: undiciConnection() })`.'], '  ')}  constructor(transport: Transport) {\n    this.transport = transport\n  }\n`,
    )
    for (const child of all) {
      if (child.name === null) continue
      classLines.push(
        `${docBlock([`The \`${child.specName}\` APIs (${child.endpoints.length}), created on first use.`, ...namespaceNote(child)], '  ')}  get ${child.name}(): ${child.className} {\n    this.#${child.name} ??= new ${child.className}(this.transport)\n    return this.#${child.name}\n  }\n`,
      )
    }
  } else {
    classLines.push('  readonly #transport: Transport\n')
    classLines.push(
      `${docBlock(['@param transport - the transport every call goes through.'], '  ')}  constructor(transport: Transport) {\n    this.#transport = transport\n  }\n`,
    )
  }
  const transportRef = isRoot ? 'this.transport' : 'this.#transport'
  for (const e of ns.endpoints) {
    const s = e.spec
    const generics = methodGenerics(resolver, e)
    const reqGenerics = requestGenerics(resolver, s)
    const typeParams =
      generics.length === 0
        ? ''
        : `<${generics
            .map((g) =>
              // Inferred from the request unless given.
              g === 'TAggregations' &&
              (resolver.spec?.infersAggregations(s.name) === true ||
                resolver.spec?.infersSearchesAggregations(s.name) === true)
                ? typeParam(g, kTypesQualifier, `${kTypesQualifier}AggregationsFromRequest`)
                : // `const`: lines written in place are inferred as a tuple, one type per line.
                  `${g === kSearchesParam ? 'const ' : ''}${typeParam(g)}`,
            )
            .join(', ')}>`
    const request = `${e.typeName}Request${reqGenerics.length === 0 ? '' : `<${reqGenerics.join(', ')}>`}`
    const optional = requiredParams(s).length === 0
    const p = optional ? 'params?' : 'params'
    const response = responseType(e, resolver)
    for (const name of ['JsonValue', 'JsonObject']) if (new RegExp(`\\b${name}\\b`).test(response)) used.add(name)
    if (response.includes(kTypesQualifier)) responsesUsed.add(kTypesQualifier)
    const docs: string[] = [describe(s.description, `Calls \`${s.name}\`.`), '', docText(availabilityText(s))]
    const note = privateNote(s)
    if (note !== undefined) docs.push('', docText(note))
    if (s.deprecated !== undefined) {
      docs.push('', `@deprecated ${docText(s.deprecated.description ?? `since ${s.deprecated.version ?? '?'}`)}`)
    }
    docs.push(
      '',
      `@param params - path parts, query parameters and body properties (see {@link ${e.typeName}Request}).`,
      '@param options - per-request options; `{ meta: true }` resolves to the whole response.',
      ...seeLine(s),
    )
    const key = propertyKey(e.method)
    const call = isRoot
      ? `callApi(${transportRef}, ${table}().${e.method}, params, options)`
      : `callChunk(${transportRef}, ${table}, ${JSON.stringify(e.method)}, params, options)`
    const impl = `  ${key}(${p}: ${e.typeName}Request, options?: CallOptions): Promise<unknown> {\n    return ${call}\n  }\n`
    if (responseKind(s) === 'cat') {
      used.add('CatFormatted')
      classLines.push(
        `${docBlock([...docs.slice(0, 1), '', "Without `format` the call resolves to the text table; with `format: 'json'` to the rows.", ...docs.slice(1)], '  ')}` +
          `  ${key}(params: ${request} & CatFormatted, options?: BodyCallOptions): Promise<${response}>\n` +
          `${overloadDoc(docs, "With `format: 'json'` and `{ meta: true }`: resolves to the whole response, the rows as its body.")}` +
          `  ${key}(params: ${request} & CatFormatted, options: MetaCallOptions): Promise<ApiResponse<${response}>>\n` +
          `${overloadDoc(docs, 'Without `format`: resolves to the text table.')}` +
          `  ${key}(${p}: ${request}, options?: BodyCallOptions): Promise<string>\n` +
          `${overloadDoc(docs, 'Without `format` and with `{ meta: true }`: resolves to the whole response, the text table as its body.')}` +
          `  ${key}(params: ${request} | undefined, options: MetaCallOptions): Promise<ApiResponse<string>>\n` +
          impl,
      )
    } else {
      classLines.push(
        `${docBlock(docs, '  ')}` +
          `  ${key}${typeParams}(${p}: ${request}, options?: BodyCallOptions): Promise<${response}>\n` +
          `${overloadDoc(docs, 'With `{ meta: true }`: resolves to the whole response (body, status, headers, warnings, meta).')}` +
          `  ${key}${typeParams}(${optional ? `params: ${request} | undefined` : `params: ${request}`}, options: MetaCallOptions): Promise<ApiResponse<${response}>>\n` +
          impl,
      )
    }
  }
  const classDoc = isRoot
    ? [
        'Every Elasticsearch API, generated from the specification: the root APIs as methods, the others in lazily',
        'created namespaces (`client.indices`, `client.security`, ...). `Client` extends it with configuration.',
        '',
        '@example',
        '```ts',
        "const api = new ApiClient(new Transport({ nodes: ['http://localhost:9200'], connection: undiciConnection() }))",
        "const result = await api.search({ index: 'books', query: { match: { title: 'dune' } } })",
        '```',
        '@public',
      ]
    : [`The \`${ns.specName}\` APIs: \`client.${ns.name}.*\`.`, ...namespaceNote(ns), '', '@public']
  parts.push(`${docBlock(classDoc)}export class ${ns.className} {\n${classLines.join('\n')}}\n`)

  return parts.join('\n')
}

/** The module of a namespace's endpoint table, beside the generated API: `cat.endpoints` for `client.cat`. */
export function endpointChunkFile(ns: ApiNamespace): string {
  return `${ns.file}.endpoints`
}

/**
 * The endpoint table of a namespace (not the root one) as a module of its own, which the generated API imports on
 * the namespace's first call: one `endpoints` object, one entry per method.
 */
export function emitEndpointChunk(spec: Spec, ns: ApiNamespace, header: string): string {
  const rows = ns.endpoints.map((e) => `  ${propertyKey(e.method)}: ${endpointData(spec, e)},`)
  const keys = ns.endpoints.map((e) => JSON.stringify(e.method)).join(' | ')
  return (
    `${header}\n// The endpoint table of \`client.${ns.name}\`, imported by api.ts on the namespace's first call.\n` +
    `import type { Endpoint } from '../runtime.js'\n\n` +
    `/** @internal */\nexport const endpoints: Readonly<Record<${keys}, Endpoint>> = {\n${rows.join('\n')}\n}\n`
  )
}

/**
 * The TSDoc of a later overload: each overload is its own API item, so each carries its own summary. It repeats the
 * first line, the overload's note, the deprecation (an editor shows the overload it picked) and the parameters.
 */
function overloadDoc(docs: readonly string[], note: string): string {
  const deprecated = docs.filter((line) => line.startsWith('@deprecated '))
  const params = docs.filter((line) => line.startsWith('@param '))
  return docBlock(
    [docs[0] as string, '', note, ...(deprecated.length === 0 ? [] : ['', ...deprecated]), '', ...params],
    '  ',
  )
}

/**
 * The generated runtime code: every namespace's data table and class, and `ApiClient`, in one module (one module
 * instead of one per namespace keeps the import of the client cheap).
 */
export function emitApi(spec: Spec, resolver: TypeResolver, all: readonly ApiNamespace[], header: string): string {
  const used = new Set<string>(['CallOptions', 'BodyCallOptions', 'MetaCallOptions', 'ApiResponse'])
  const responsesUsed = new Set<string>()
  const imports: string[] = []
  // Namespaces first, the root class last (its getters name the namespace classes).
  const ordered = [...all.filter((n) => n.name !== null), ...all.filter((n) => n.name === null)]
  const sections = ordered.map((ns) => {
    const requestTypes = new Set<string>()
    const code = emitClass(spec, resolver, ns, all, used, responsesUsed, requestTypes)
    imports.push(`import type { ${[...requestTypes].sort().join(', ')} } from './${ns.file}.js'`)
    return `// ${ns.name === null ? 'The root APIs and ApiClient' : `client.${ns.name}`}\n\n${code}`
  })
  const head: string[] = []
  head.push("import type { Transport } from '@stretch/transport'")
  head.push("import { callApi, callChunk, type Endpoint, endpointChunk, lazyTable } from '../runtime.js'")
  if (responsesUsed.size > 0) head.push(`import type { estypes } from './estypes.js'`)
  head.push(`import type { ${[...used].sort().join(', ')} } from '../types.js'`)
  return `${header}\n${[...head, ...imports].join('\n')}\n\n${sections.join('\n')}`
}
