type Json = Record<string, unknown>

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function segmentMatches(pattern: string, key: string): boolean {
  if (pattern === '*' || pattern === '**') return true
  if (!pattern.includes('*')) return pattern === key
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  )
  return re.test(key)
}

function include(value: unknown, paths: ReadonlyArray<readonly string[]>): unknown {
  if (paths.some((p) => p.length === 0)) return value
  if (Array.isArray(value)) {
    const items = value.map((v) => include(v, paths)).filter((v) => v !== undefined)
    return items.length === 0 ? undefined : items
  }
  if (!isObject(value)) return undefined
  const out: Json = {}
  for (const [key, child] of Object.entries(value)) {
    const next: string[][] = []
    for (const p of paths) {
      const [head, ...rest] = p as [string, ...string[]]
      if (head === '**') {
        next.push([...p], rest)
      } else if (segmentMatches(head, key)) next.push(rest)
    }
    if (next.length === 0) continue
    const kept = include(child, next)
    if (kept !== undefined) out[key] = kept
  }
  return Object.keys(out).length === 0 ? undefined : out
}

function exclude(value: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return undefined
  if (Array.isArray(value)) return value.map((v) => exclude(v, path))
  if (!isObject(value)) return value
  const [head, ...rest] = path as [string, ...string[]]
  const out: Json = {}
  for (const [key, child] of Object.entries(value)) {
    if (!segmentMatches(head, key)) out[key] = child
    else if (rest.length > 0) {
      const kept = exclude(child, rest)
      if (kept !== undefined) out[key] = kept
    }
  }
  return out
}

/**
 * Elasticsearch's `filter_path`: comma-separated dotted paths with `*` and `**` wildcards; a leading `-` excludes.
 * Inclusions that keep nothing give `{}`.
 */
export function filterPath(body: unknown, filter: string): unknown {
  const parts = filter
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
  const includes = parts.filter((p) => !p.startsWith('-')).map((p) => p.split('.'))
  const excludes = parts.filter((p) => p.startsWith('-')).map((p) => p.slice(1).split('.'))
  let out = includes.length === 0 ? body : (include(body, includes) ?? {})
  for (const e of excludes) out = exclude(out, e) ?? {}
  return out
}
