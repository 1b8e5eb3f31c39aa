// Reads the specification data the API is generated from, and derives from it, independently of the generated
// code, what each call must send: the expectations of the table tests.
import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'

export interface SpecParam {
  readonly name: string
  readonly type: string
  readonly required: boolean
  readonly codegenName?: string
}

export interface SpecEndpoint {
  readonly name: string
  readonly namespace: string | null
  readonly codegenExclude?: boolean
  readonly availability: {
    readonly stack: { readonly visibility?: string; readonly featureFlag?: string } | null
    readonly serverless: { readonly visibility?: string; readonly featureFlag?: string } | null
  }
  readonly urls: readonly { readonly path: string; readonly methods: readonly string[]; readonly deprecated?: object }[]
  readonly pathParts: readonly SpecParam[]
  readonly query: readonly SpecParam[]
  readonly body:
    | null
    | { readonly kind: 'properties'; readonly properties: readonly SpecParam[] }
    | { readonly kind: 'value'; readonly required: boolean; readonly codegenName: string; readonly type: string }
  readonly requestMediaType: readonly string[] | null
  readonly responseMediaType: readonly string[] | null
  readonly response: { readonly kind: 'properties' | 'value' | 'none' }
}

const specFile = fileURLToPath(new URL('../../../../tools/codegen/spec/endpoints.json', import.meta.url))
const spec = JSON.parse(readFileSync(specFile, 'utf8')) as { endpoints: SpecEndpoint[] }

/** Every endpoint of the data. */
export const allEndpoints: readonly SpecEndpoint[] = spec.endpoints

/**
 * Stack-private endpoints the client has anyway: the official client has them and Elastic's own JavaScript examples
 * call them (the examples test runs those).
 */
export const privateButGenerated: readonly string[] = [
  'autoscaling.delete_autoscaling_policy',
  'autoscaling.get_autoscaling_capacity',
  'autoscaling.get_autoscaling_policy',
  'autoscaling.put_autoscaling_policy',
  'connector.last_sync',
  'shutdown.delete_node',
  'shutdown.get_node',
  'shutdown.put_node',
]

/** Whether the README's rule leaves the endpoint out (stack-private, feature-flagged, codegen-excluded). */
export function isSkipped(e: SpecEndpoint): boolean {
  const { stack, serverless } = e.availability
  return (
    e.codegenExclude === true ||
    stack?.featureFlag !== undefined ||
    serverless?.featureFlag !== undefined ||
    (stack?.visibility === 'private' && !privateButGenerated.includes(e.name)) ||
    (stack === null && serverless?.visibility === 'private')
  )
}

/** The endpoints the client must have. */
export const generatedEndpoints: readonly SpecEndpoint[] = allEndpoints.filter((e) => !isSkipped(e))

const camel = (s: string): string => s.replace(/^_+/, '').replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/** `['indices', 'putMapping']` or `[null, 'search']`. */
export function jsName(e: SpecEndpoint): [string | null, string] {
  const short = e.namespace === null ? e.name : e.name.slice(e.namespace.length + 1)
  return [e.namespace === null ? null : camel(e.namespace), camel(short)]
}

export type ApiFunction = (params?: object, options?: object) => Promise<unknown>

/** The method of a client (ours or the official one) for an endpoint, or undefined. */
export function methodOf(client: object, e: SpecEndpoint): ApiFunction | undefined {
  const [ns, method] = jsName(e)
  const target = (ns === null ? client : (client as Record<string, unknown>)[ns]) as Record<string, unknown> | undefined
  const fn = target?.[method]
  return typeof fn === 'function' ? (fn.bind(target) as ApiFunction) : undefined
}

/** The required parameters of an endpoint, by their JavaScript names. */
export function requiredNames(e: SpecEndpoint): string[] {
  const call = callFor(e, 'required')
  const js = (p: SpecParam): string => p.codegenName ?? p.name
  const names = [
    ...e.pathParts.filter((p) => p.required).map(js),
    ...e.query.filter((p) => p.required).map(js),
    ...(e.body?.kind === 'properties' ? e.body.properties.filter((p) => p.required).map(js) : []),
    ...(e.body?.kind === 'value' && e.body.required ? [e.body.codegenName] : []),
  ]
  return [...new Set(names)].filter((n) => n in call.params)
}

export function isNdjson(e: SpecEndpoint): boolean {
  return e.requestMediaType?.includes('application/x-ndjson') === true
}

export function isHead(e: SpecEndpoint): boolean {
  return e.urls.every((u) => u.methods.length === 1 && u.methods[0] === 'HEAD')
}

/** Whether an endpoint resolves to a boolean: a HEAD, or an answer without a body (the spec's `no_body`). */
export function isBoolean(e: SpecEndpoint): boolean {
  return isHead(e) || e.response.kind === 'none'
}

/** A path value: a string with characters that need percent-encoding, or a list for list-typed parts. */
function pathValue(p: SpecParam): string | string[] {
  return /\[\]|^(Indices|Names|Ids|Fields|Metrics|NodeIds|IndexMetrics|ScrollIds|Routing)$/.test(p.type)
    ? [`${p.name}-1`, `${p.name} 2`]
    : `${p.name}/é:1`
}

export interface Call {
  readonly params: Record<string, unknown>
  readonly method: string
  readonly path: string
  readonly query: Record<string, string>
  /** The parsed JSON body, the NDJSON lines, or undefined. */
  readonly body: unknown
}

/** Which parameters a generated call gives: the required ones, plus every path part, plus everything. */
export type CallMode = 'required' | 'paths' | 'all'

/**
 * A call with every required parameter (and, by `mode`, every path part or every parameter), and what it must send
 * according to the data: the most specific url whose parts are all given, the method the official client picks
 * (POST when a GET/POST endpoint has a body), the required query parameters and body.
 */
export function callFor(e: SpecEndpoint, mode: CallMode): Call {
  const all = mode === 'all'
  // As the official client: deprecated url variants are not used, `codegenName` is the parameter's name, and a
  // body property that is also a path part goes into the path only.
  const live = e.urls.filter((u) => u.deprecated === undefined)
  const parts = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string)
  const urls = (live.length > 0 ? live : e.urls).slice().sort((a, b) => parts(b.path).length - parts(a.path).length)
  const inUrls = new Set(urls.flatMap((u) => parts(u.path)))
  const pathParts = e.pathParts.filter((p) => inUrls.has(p.name))
  const jsName = (p: SpecParam): string => p.codegenName ?? p.name
  const params: Record<string, unknown> = {}
  const query: Record<string, string> = {}
  let body: unknown
  const pathNames = new Set(pathParts.map(jsName))
  const bodyNames =
    e.body?.kind === 'properties' ? e.body.properties.map((b) => b.name).filter((n) => !pathNames.has(n)) : []
  for (const p of pathParts) if (p.required || mode !== 'required') params[jsName(p)] = pathValue(p)
  for (const q of e.query) {
    if ((q.required || all) && !(jsName(q) in params) && !pathNames.has(jsName(q))) {
      params[jsName(q)] = `${q.name}-value`
      // A name that is also a body property goes into the body, as in the official client.
      if (bodyNames.includes(q.name)) body = { ...(body as object), [q.name]: `${q.name}-value` }
      else query[q.name] = `${q.name}-value`
    }
  }
  if (e.body?.kind === 'properties') {
    for (const b of e.body.properties) {
      if (!(b.required || all) || !bodyNames.includes(b.name)) continue
      const value = { marker: b.name }
      params[b.name] = value
      body = { ...(body as object), [b.name]: value }
      delete query[b.name]
    }
  } else if (e.body?.kind === 'value' && (e.body.required || all)) {
    const value = isNdjson(e) ? [{ line: 1 }, { line: 2, text: 'two' }] : { whole: e.body.codegenName }
    params[e.body.codegenName] = value
    body = value
  }
  const byWire = new Map(pathParts.map((p) => [p.name, jsName(p)]))
  const given = new Set(Object.keys(params))
  const url = urls.find((u) => parts(u.path).every((p) => given.has(byWire.get(p) ?? p)))
  if (url === undefined) throw new Error(`${e.name}: no url fits ${[...given].join(', ')}`)
  const path = url.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[byWire.get(name) ?? name]
    return encodeURIComponent(Array.isArray(v) ? v.join(',') : String(v))
  })
  const m = url.methods
  const method = m.includes('GET') && m.includes('POST') ? (body === undefined ? 'GET' : 'POST') : (m[0] as string)
  return { params, method, path, query, body }
}

/** The request as a recording server saw it, parsed for comparison. */
export function parseRecorded(r: { method: string; url: string; body: Buffer; headers: IncomingMessage['headers'] }): {
  method: string
  path: string
  query: Record<string, string>
  body: unknown
} {
  const url = new URL(r.url, 'http://localhost')
  const query: Record<string, string> = {}
  for (const [k, v] of url.searchParams) query[k] = v
  const text = r.body.toString('utf8')
  let body: unknown
  if (text !== '') {
    const type = String(r.headers['content-type'] ?? '')
    body = type.includes('ndjson')
      ? text
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as unknown)
      : (JSON.parse(text) as unknown)
  }
  // The raw path: URL would normalize percent-encoding we want to compare byte for byte.
  return { method: r.method, path: r.url.split('?')[0] as string, query, body }
}

/** Answers like Elasticsearch: JSON, text for `accept: text/plain`, no body for HEAD. */
export function elasticsearchLike(req: IncomingMessage, res: ServerResponse): void {
  const headers = { 'x-elastic-product': 'Elasticsearch' }
  if (req.method === 'HEAD') {
    res.writeHead(req.url?.includes('missing') === true ? 404 : 200, headers)
    res.end()
  } else if (String(req.headers['accept']).startsWith('text/plain')) {
    res.writeHead(200, { ...headers, 'content-type': 'text/plain; charset=UTF-8' })
    res.end('green open books\n')
  } else {
    res.writeHead(200, { ...headers, 'content-type': 'application/json' })
    res.end(JSON.stringify({ acknowledged: true }))
  }
}
