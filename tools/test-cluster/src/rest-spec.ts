import { readFileSync } from 'node:fs'
import { illegalArgument, type Reply } from './es-errors.js'

/** One URL of an endpoint of the Elasticsearch API specification, with the query parameters the endpoint takes. */
interface SpecUrl {
  readonly name: string
  readonly methods: readonly string[]
  readonly segments: readonly string[]
  readonly params: ReadonlySet<string>
}

interface SpecFile {
  readonly commonQueryParameters: Record<string, ReadonlyArray<{ readonly name: string }>>
  readonly endpoints: ReadonlyArray<{
    readonly name: string
    readonly urls: ReadonlyArray<{ readonly path: string; readonly methods: readonly string[] }>
    readonly pathParts: ReadonlyArray<{ readonly name: string }>
    readonly query: ReadonlyArray<{ readonly name: string }>
    readonly behaviors: readonly string[]
  }>
}

// tools/codegen/spec/endpoints.json, the data `pnpm codegen` generates the client from; the same relative path
// works from src/ (tests) and dist/ (the CLI).
const SPEC_URL = new URL('../../codegen/spec/endpoints.json', import.meta.url)

/**
 * Parameters every handler takes: `error_trace` (RestController), `filter_path`, `pretty`, `human` and `format`
 * (BaseRestHandler's ALWAYS_SUPPORTED and the response parameters), whatever the endpoint.
 */
const ALWAYS = ['error_trace', 'filter_path', 'format', 'human', 'pretty']

// Read once per process, on the first request: immutable afterwards. The URLs by their number of segments.
let loaded: ReadonlyMap<number, readonly SpecUrl[]> | undefined

function specUrls(length: number): readonly SpecUrl[] {
  if (loaded !== undefined) return loaded.get(length) ?? []
  const spec = JSON.parse(readFileSync(SPEC_URL, 'utf8')) as SpecFile
  const out = new Map<number, SpecUrl[]>()
  for (const e of spec.endpoints) {
    const params = new Set<string>([
      ...ALWAYS,
      ...e.query.map((q) => q.name),
      ...e.pathParts.map((p) => p.name),
      ...e.behaviors.flatMap((b) => (spec.commonQueryParameters[b] ?? []).map((q) => q.name)),
    ])
    for (const u of e.urls) {
      const segments = u.path.split('/').filter((s) => s !== '')
      const same = out.get(segments.length) ?? []
      same.push({ name: e.name, methods: u.methods, segments, params })
      out.set(segments.length, same)
    }
  }
  loaded = out
  return out.get(length) ?? []
}

/**
 * The endpoint Elasticsearch would route a request to: the URLs of that length whose literal segments match, the
 * most literal first from the left (its path trie prefers a literal over a `{param}` at each level). HEAD falls back
 * to GET, as Elasticsearch registers GET handlers for HEAD.
 */
function findEndpoint(method: string, segments: readonly string[]): SpecUrl | undefined {
  let best: SpecUrl | undefined
  let bestRank = ''
  for (const wanted of method === 'HEAD' ? ['HEAD', 'GET'] : [method]) {
    for (const u of specUrls(segments.length)) {
      if (!u.methods.includes(wanted)) continue
      let rank = ''
      let ok = true
      for (let i = 0; i < segments.length; i++) {
        const part = u.segments[i] as string
        if (part.startsWith('{')) rank += '0'
        else if (part === segments[i]) rank += '1'
        else {
          ok = false
          break
        }
      }
      if (ok && (best === undefined || rank > bestRank)) {
        best = u
        bestRank = rank
      }
    }
    if (best !== undefined) return best
  }
  return undefined
}

/** Lucene's LevenshteinDistance.getDistance: 1 - edits / longer length (1 is equal). */
function similarity(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return a === b ? 1 : 0
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      cur[j] = Math.min((cur[j - 1] as number) + 1, (prev[j] as number) + 1, (prev[j - 1] as number) + cost)
    }
    prev = cur
  }
  return 1 - (prev[b.length] as number) / Math.max(a.length, b.length)
}

/**
 * Elasticsearch's 400 for query parameters the endpoint does not take (BaseRestHandler.unrecognized): sorted names,
 * each with "-> did you mean [x]?" (or "any of [x, y]") for the known ones more than half similar.
 * Undefined when all are known, or when the request is not one of the specification's endpoints.
 */
export function checkParams(
  method: string,
  path: string,
  segments: readonly string[],
  params: URLSearchParams,
): Reply | undefined {
  const endpoint = findEndpoint(method, segments)
  if (endpoint === undefined) return undefined
  const unknown = [...new Set(params.keys())].filter((k) => !endpoint.params.has(k)).sort()
  if (unknown.length === 0) return undefined
  // The handler's candidates are the parameters it consumed: its own, its path parts and error_trace.
  const candidates = [...endpoint.params].filter((p) => !['filter_path', 'format', 'human', 'pretty'].includes(p))
  const described = unknown.map((name) => {
    const close = candidates
      .map((c) => ({ c, d: similarity(name, c) }))
      .filter((x) => x.d > 0.5)
      .sort((x, y) => y.d - x.d || (x.c < y.c ? -1 : x.c > y.c ? 1 : 0))
      .map((x) => x.c)
    if (close.length === 0) return `[${name}]`
    return `[${name}] -> did you mean ${close.length > 1 ? 'any of ' : ''}[${close.join(', ')}]?`
  })
  return illegalArgument(
    `request [${path}] contains unrecognized parameter${unknown.length > 1 ? 's' : ''}: ${described.join(', ')}`,
  )
}
