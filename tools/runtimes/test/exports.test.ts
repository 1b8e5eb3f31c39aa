// The dist variants bundle the workspace packages without the @stretch/source condition: that resolves through the
// published conditions only if `exports` without that condition is `publishConfig.exports`, checked here.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageDir } from '../src/harness.js'

const packagesDir = join(packageDir, '..', '..', 'packages')
const manifests = readdirSync(packagesDir).map(
  (dir) => JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as Record<string, unknown>,
)

function withoutSource(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '@stretch/source')
      .map(([key, inner]) => [key, withoutSource(inner)]),
  )
}

describe('the dist bundles resolve as a published package does', () => {
  it.each(manifests.filter((m) => m['private'] !== true).map((m) => [m['name'] as string, m]))(
    '%s: exports without @stretch/source is publishConfig.exports',
    (_name, manifest) => {
      const published = (manifest['publishConfig'] as { exports?: unknown } | undefined)?.exports
      expect(withoutSource(manifest['exports'])).toEqual(published ?? manifest['exports'])
    },
  )
})
