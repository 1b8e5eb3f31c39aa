// The drift test: each package's generated src/version.ts must carry the version of its package.json, or a bundle
// (and the user-agent) would report another version than the one installed. `pnpm version-packages` rewrites them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { checkVersions, repositoryRoot, versionOutputs, versionSource, writeVersions } from '../src/index.js'

const root = repositoryRoot(fileURLToPath(new URL('.', import.meta.url)))

describe('src/version.ts of the packages', () => {
  it('exists for every package that reads its version, and matches its package.json', () => {
    expect([...versionOutputs(root).keys()]).toEqual(
      expect.arrayContaining(['packages/client/src/version.ts', 'packages/transport/src/version.ts']),
    )
    expect(checkVersions(root)).toEqual([])
  })

  it('holds the version of package.json as a constant', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'packages/transport/package.json'), 'utf8')) as { version: string }
    expect(readFileSync(join(root, 'packages/transport/src/version.ts'), 'utf8')).toContain(
      `export const version: string = '${pkg.version}'\n`,
    )
  })
})

describe('checkVersions and writeVersions', () => {
  let dir: string | undefined
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
    dir = undefined
  })

  const fixture = (): string => {
    dir = mkdtempSync(join(tmpdir(), 'stretch-versions-'))
    const pkg = (name: string, version: string, files: Record<string, string>): void => {
      mkdirSync(join(dir as string, 'packages', name, 'src'), { recursive: true })
      writeFileSync(
        join(dir as string, 'packages', name, 'package.json'),
        JSON.stringify({ name: `@x/${name}`, version }),
      )
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir as string, 'packages', name, file), text)
    }
    // a: imports its version and has a stale version.ts; b: imports it and has none; c: needs none.
    pkg('a', '1.2.3', {
      'src/index.ts': "export { version } from './version.js'\n",
      'src/version.ts': versionSource('@x/a', '1.2.2'),
    })
    pkg('b', '0.4.0-next.1', { 'src/agent.ts': "import { version } from './version.js'\n" })
    pkg('c', '2.0.0', { 'src/index.ts': 'export const x = 1\n' })
    return dir
  }

  it('reports a version.ts that differs from package.json and one that is missing', () => {
    expect(checkVersions(fixture())).toEqual([
      'packages/a/src/version.ts: differs from package.json',
      'packages/b/src/version.ts: missing',
    ])
  })

  it('rewrites them, after which nothing drifts', () => {
    const repo = fixture()
    expect(writeVersions(repo)).toEqual(['packages/a/src/version.ts', 'packages/b/src/version.ts'])
    expect(checkVersions(repo)).toEqual([])
    expect(readFileSync(join(repo, 'packages/b/src/version.ts'), 'utf8')).toContain(
      "export const version: string = '0.4.0-next.1'\n",
    )
    expect(writeVersions(repo)).toEqual([])
  })

  it('refuses a package.json without a semver version', () => {
    const repo = fixture()
    writeFileSync(join(repo, 'packages/a/package.json'), JSON.stringify({ name: '@x/a', version: "1'; evil()" }))
    expect(() => versionOutputs(repo)).toThrow('packages/a/package.json: needs a "name" and a semver "version"')
  })
})
