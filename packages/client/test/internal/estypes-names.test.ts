// `estypes` uses the official client's type names, so `import type { estypes } from '@elastic/elasticsearch'`
// migrates by changing the package name: every name of its lib/api/types.d.ts is here, but for the listed ones.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'

/** Names of the official client that estypes does not have, and why. */
const kNotHere: Readonly<Record<string, string>> = {
  TODO: "the official client's placeholder for types it had not written yet",
  SpecUtilsAdditionalProperties: 'a marker of the model (extra keys), rendered as an index signature',
  SpecUtilsAdditionalProperty: 'a marker of the model (one extra key), rendered as an index signature',
  SpecUtilsOverloadOf: 'a marker of the model (a read-side variant), not a type of data',
  SortOptionsKeys: 'SortOptions is a container: a field name is one more variant, not a Keys interface',
  InferenceEmbeddingContentObjectContents: 'not in the specification commit of this client (9.5)',
  WatcherSearchInputRequestBody: 'not in the specification commit of this client (9.5)',
}

function exportedNames(source: string): Set<string> {
  const names = new Set([...source.matchAll(/^\s*export (?:interface|type) (\w+)/gm)].map((m) => m[1] as string))
  for (const block of source.matchAll(/^export type \{([^}]*)\} from/gm)) {
    for (const part of (block[1] as string).split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop()
      if (name !== undefined && name !== '') names.add(name)
    }
  }
  return names
}

describe('estypes', () => {
  const require = createRequire(import.meta.url)
  const official = exportedNames(
    readFileSync(join(dirname(require.resolve('@elastic/elasticsearch/package.json')), 'lib/api/types.d.ts'), 'utf8'),
  )
  const ours = exportedNames(readFileSync(new URL('../../src/api/generated/estypes.ts', import.meta.url), 'utf8'))

  it("has every type name of the official client's estypes, but the listed ones", () => {
    expect(official.size).toBeGreaterThan(3800)
    const missing = [...official].filter((n) => !ours.has(n)).sort()
    expect(missing).toEqual(Object.keys(kNotHere).sort())
  })
})
