import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { camelCase, pascalCase } from './naming.js'
import type { AliasEntry } from './type-expr.js'

/** A path part, query parameter or body property of the data. */
export interface SpecParam {
  readonly name: string
  readonly type: string
  readonly required: boolean
  readonly description?: string
  readonly deprecated?: { readonly version?: string; readonly description?: string }
  readonly aliases?: readonly string[]
  /** The JavaScript name, when the specification gives one (`name` for ilm's `{policy}`). */
  readonly codegenName?: string
  /** Set by {@link normalizeEndpoint}: the name on the wire, when the JavaScript name differs. */
  readonly wire?: string
}

/** Availability of an endpoint in one flavour. */
export interface SpecAvailability {
  readonly stability?: string
  readonly visibility?: string
  readonly since?: string
  readonly featureFlag?: string
}

/** One endpoint of endpoints.json. */
export interface SpecEndpoint {
  readonly name: string
  readonly namespace: string | null
  readonly description?: string
  readonly docUrl?: string
  readonly availability: { readonly stack: SpecAvailability | null; readonly serverless: SpecAvailability | null }
  readonly deprecated?: { readonly version?: string; readonly description?: string }
  readonly codegenExclude?: boolean
  readonly generics?: readonly string[]
  readonly urls: readonly {
    readonly path: string
    readonly methods: readonly string[]
    readonly deprecated?: unknown
  }[]
  readonly pathParts: readonly SpecParam[]
  readonly query: readonly SpecParam[]
  readonly behaviors?: readonly string[]
  readonly body:
    | null
    | { readonly kind: 'properties'; readonly required: boolean; readonly properties: readonly SpecParam[] }
    | {
        readonly kind: 'value'
        readonly required: boolean
        readonly type: string
        readonly codegenName: string
        readonly description?: string
      }
  readonly requestMediaType: readonly string[] | null
  readonly responseMediaType: readonly string[] | null
  readonly response: {
    readonly kind: 'properties' | 'value' | 'none'
    readonly typeName: string
    readonly generics?: readonly string[]
  }
}

/** The spec data as read from disk. */
export interface Spec {
  readonly source: {
    readonly repository: string
    readonly branch: string
    readonly commit: string
    readonly license: string
  }
  readonly commonQueryParameters: Readonly<Record<string, readonly SpecParam[]>>
  readonly endpoints: readonly SpecEndpoint[]
  readonly aliases: Readonly<Record<string, AliasEntry>>
}

/** Reads endpoints.json and aliases.json from a directory. */
export function loadSpec(dir: string): Spec {
  const endpoints = JSON.parse(readFileSync(join(dir, 'endpoints.json'), 'utf8')) as Omit<Spec, 'aliases'>
  const aliases = JSON.parse(readFileSync(join(dir, 'aliases.json'), 'utf8')) as { aliases: Record<string, AliasEntry> }
  return { ...endpoints, aliases: aliases.aliases }
}

// The NOTE of these endpoints' full descriptions in the specification (endpoints.json keeps the first paragraph only).
const kOrchestrators =
  'Designed for indirect use by Elastic Cloud, Elastic Cloud Enterprise and Elastic Cloud on Kubernetes; direct use is not supported.'

/**
 * Stack-private endpoints that are generated anyway, each with what the specification says it is for (their TSDoc
 * says it). The official JavaScript client has them, and Elastic's own JavaScript examples call them, so code written
 * for it must run here too. The other stack-private endpoints (`capabilities`, `knn_search`, `ml.validate`,
 * `profiling.*`, the secrets APIs, ...) have no example and stay out.
 */
export const privateGenerated: Readonly<Record<string, string>> = {
  'autoscaling.delete_autoscaling_policy': kOrchestrators,
  'autoscaling.get_autoscaling_capacity': kOrchestrators,
  'autoscaling.get_autoscaling_policy': kOrchestrators,
  'autoscaling.put_autoscaling_policy': kOrchestrators,
  'connector.last_sync':
    "Not for direct use: Elastic's connector service calls it to record each sync, for analytics and monitoring (the specification marks it private and experimental).",
  'shutdown.delete_node': kOrchestrators,
  'shutdown.get_node': kOrchestrators,
  'shutdown.put_node': kOrchestrators,
}

/** What a private endpoint that is generated anyway is meant for (see {@link privateGenerated}), or undefined. */
export function privateNote(endpoint: SpecEndpoint): string | undefined {
  return Object.hasOwn(privateGenerated, endpoint.name) ? privateGenerated[endpoint.name] : undefined
}

/** Why an endpoint is left out, or undefined when it is generated. */
export function skipReason(endpoint: SpecEndpoint): string | undefined {
  if (endpoint.codegenExclude === true) return 'codegen-excluded'
  const { stack, serverless } = endpoint.availability
  if (stack?.featureFlag !== undefined || serverless?.featureFlag !== undefined) return 'feature-flagged'
  if (stack?.visibility === 'private' && privateNote(endpoint) === undefined) return 'stack-private'
  if (stack === null && serverless?.visibility === 'private') return 'private'
  return undefined
}

/**
 * The endpoint as the JavaScript API sees it, following the official client: deprecated url variants are dropped
 * (when another one exists), parameters take their `codegenName`, url templates use those names, and a body
 * property that is also a path part is a path part only.
 */
export function normalizeEndpoint(e: SpecEndpoint): SpecEndpoint {
  const live = e.urls.filter((u) => u.deprecated === undefined)
  const urls0 = live.length > 0 ? live : e.urls
  const jsName = (p: SpecParam): string => p.codegenName ?? p.name
  const inUrls = new Set(urls0.flatMap((u) => [...u.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string)))
  const pathParts = e.pathParts
    .filter((p) => inUrls.has(p.name))
    .map((p): SpecParam => (jsName(p) === p.name ? p : { ...p, name: jsName(p), wire: p.name }))
  const rename = new Map(e.pathParts.map((p) => [p.name, jsName(p)]))
  const urls = urls0.map((u) => ({
    path: u.path.replace(/\{(\w+)\}/g, (_, n: string) => `{${rename.get(n) ?? n}}`),
    methods: u.methods,
  }))
  const pathNames = new Set(pathParts.map((p) => p.name))
  const query = e.query.map((p): SpecParam => (jsName(p) === p.name ? p : { ...p, name: jsName(p), wire: p.name }))
  const body =
    e.body?.kind === 'properties'
      ? { ...e.body, properties: e.body.properties.filter((p) => !pathNames.has(p.name)) }
      : e.body
  return { ...e, urls, pathParts, query, body }
}

/** An endpoint with its JavaScript names. */
export interface ApiEndpoint {
  readonly spec: SpecEndpoint
  /** `indices`, or null for the client's own methods. */
  readonly namespace: string | null
  /** `putMapping`. */
  readonly method: string
  /** `indices.putMapping`. */
  readonly api: string
  /** `IndicesPutMapping`: the prefix of the request type name. */
  readonly typeName: string
}

/** A namespace of the client (`indices`), or the root (`null`). */
export interface ApiNamespace {
  readonly specName: string | null
  readonly name: string | null
  /** `IndicesApi`, or `ApiClient` for the root. */
  readonly className: string
  /** The generated file name, without extension. */
  readonly file: string
  readonly endpoints: readonly ApiEndpoint[]
}

/** The endpoints to generate, grouped by namespace (the root first), and those skipped with their reasons. */
export function buildModel(spec: Spec): {
  namespaces: ApiNamespace[]
  skipped: { name: string; reason: string }[]
} {
  const skipped: { name: string; reason: string }[] = []
  const groups = new Map<string | null, ApiEndpoint[]>()
  for (const spec_ of spec.endpoints) {
    const reason = skipReason(spec_)
    if (reason !== undefined) {
      skipped.push({ name: spec_.name, reason })
      continue
    }
    const ns = spec_.namespace
    const short = ns === null ? spec_.name : spec_.name.slice(ns.length + 1)
    const namespace = ns === null ? null : camelCase(ns)
    const method = camelCase(short)
    const endpoint: ApiEndpoint = {
      spec: normalizeEndpoint(spec_),
      namespace,
      method,
      api: namespace === null ? method : `${namespace}.${method}`,
      typeName: (ns === null ? '' : pascalCase(ns)) + pascalCase(short),
    }
    const list = groups.get(ns) ?? []
    list.push(endpoint)
    groups.set(ns, list)
  }
  const names = [...groups.keys()].sort((a, b) => (a === null ? -1 : b === null ? 1 : a.localeCompare(b)))
  const namespaces = names.map((ns): ApiNamespace => {
    const endpoints = (groups.get(ns) ?? []).sort((a, b) => a.method.localeCompare(b.method))
    return {
      specName: ns,
      name: ns === null ? null : camelCase(ns),
      className: ns === null ? 'ApiClient' : `${pascalCase(ns)}Api`,
      file: ns === null ? 'root' : ns.replace(/_/g, '-'),
      endpoints,
    }
  })
  // The root's methods and namespace getters share one class: a clash would silently hide an API.
  const root = namespaces.find((n) => n.name === null)
  const taken = new Set(['transport', 'constructor', 'options', 'close', 'request', 'child'])
  for (const n of namespaces) if (n.name !== null) taken.add(n.name)
  for (const e of root?.endpoints ?? []) {
    if (taken.has(e.method)) throw new Error(`the root method ${e.method} clashes with a namespace or client member`)
  }
  return { namespaces, skipped }
}
