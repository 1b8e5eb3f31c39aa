// `pnpm test` fails when the committed API sources differ from what the generator writes: this test regenerates in
// memory (formatted by biome, as `pnpm codegen` does) and compares with the files on disk.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { diffOutputs, generate, repositoryRoot } from '../src/index.js'

const root = repositoryRoot(fileURLToPath(new URL('.', import.meta.url)))

describe('the generated API of @stretch/client', () => {
  it('is up to date with the generator and the spec (run `pnpm codegen` if not)', { timeout: 180_000 }, async () => {
    expect(await generate({ root, check: true })).toEqual([])
  })

  it('reports a file that differs, and a stale one', () => {
    const files = new Map([
      ['packages/client/src/api/generated/indices.ts', '// not what is on disk\n'],
      ['packages/client/src/api/generated/nowhere.ts', 'x'],
    ])
    const problems = diffOutputs(root, files)
    expect(problems).toContain('packages/client/src/api/generated/indices.ts: differs')
    expect(problems).toContain('packages/client/src/api/generated/nowhere.ts: missing')
    expect(problems).toContain('packages/client/src/api/generated/cat.ts: stale (not generated any more)')
  })
})
