function fold(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '')
}

// Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions, each substring edited once).
function editDistance(a: string, b: string): number {
  const width = b.length + 1
  const d = new Array<number>((a.length + 1) * width)
  for (let i = 0; i <= a.length; i++) d[i * width] = i
  for (let j = 0; j <= b.length; j++) d[j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(
        (d[(i - 1) * width + j] as number) + 1,
        (d[i * width + j - 1] as number) + 1,
        (d[(i - 1) * width + j - 1] as number) + cost,
      )
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (d[(i - 2) * width + j - 2] as number) + 1)
      }
      d[i * width + j] = best
    }
  }
  return d[a.length * width + b.length] as number
}

/**
 * The known name nearest to `name`, for a "did you mean" in the message of an unknown option. Case, `_` and `-`
 * are ignored (so `request_timeout` finds `requestTimeout`); a name is near when it is at most one edit (insert,
 * delete, replace, or swap of two neighbours) per three characters of the longer name away, and at least one.
 * @param name - the name the user gave.
 * @param known - the names that exist.
 * @returns the nearest known name, the first of equally near ones, or `undefined` when none is near.
 * @example
 * ```ts
 * nearestName('requestTimout', ['requestTimeout', 'maxRetries']) // 'requestTimeout'
 * ```
 * @public
 */
export function nearestName(name: string, known: Iterable<string>): string | undefined {
  const folded = fold(name)
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of known) {
    const other = fold(candidate)
    const limit = Math.max(1, Math.floor(Math.max(folded.length, other.length) / 3))
    if (Math.abs(folded.length - other.length) > limit) continue
    const distance = editDistance(folded, other)
    if (distance <= limit && distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}
