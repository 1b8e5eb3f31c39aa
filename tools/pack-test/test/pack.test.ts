// A user installs only the packages they need: pack each public package the way `pnpm publish` would, install
// only those tarballs into an empty project, and import and require each one. Anything that leans on an
// undeclared or hoisted dependency, or a file missing from `files`, fails here.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../../..')
const packagesDir = join(root, 'packages')
const packages = readdirSync(packagesDir)
  .map((dir) => ({
    dir: join(packagesDir, dir),
    manifest: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')),
  }))
  .filter((p) => p.manifest.private !== true)

const work = mkdtempSync(join(tmpdir(), 'stretch-pack-'))
const tarballs = new Map<string, string>()
const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  })

beforeAll(() => {
  const dest = join(work, 'tarballs')
  for (const p of packages) {
    const out = run('pnpm', ['pack', '--pack-destination', dest], p.dir).trim().split('\n').at(-1) as string
    tarballs.set(p.manifest.name, out.startsWith('/') ? out : join(dest, out))
  }
  const project = join(work, 'app')
  run('mkdir', ['-p', project], work)
  const dependencies = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]))
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'app', private: true, type: 'module', dependencies }),
  )
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], project)
})

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
})

describe.each(packages.map((p) => [p.manifest.name as string, p]))('%s', (name, p) => {
  it('imports and requires from its tarball alone', () => {
    const project = join(work, 'app')
    const esm = run(
      'node',
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(name)}); console.log(Object.keys(m).length)`,
      ],
      project,
    )
    expect(Number(esm.trim())).toBeGreaterThan(0)
    const cjs = run(
      'node',
      ['--no-warnings', '-e', `const m = require(${JSON.stringify(name)}); console.log(Object.keys(m).length)`],
      project,
    )
    expect(Number(cjs.trim())).toBeGreaterThan(0)
  })

  it('ships only dist, README and LICENSE, with exports that publint and attw accept', () => {
    const tarball = tarballs.get(name) as string
    const files = run('tar', ['-tzf', tarball], work).trim().split('\n')
    expect(files).toContain('package/README.md')
    expect(files).toContain('package/LICENSE')
    expect(files).toContain('package/dist/index.js')
    expect(files).toContain('package/dist/index.d.ts')
    expect(files.filter((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toEqual([])
    const packed = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], work))
    expect(JSON.stringify(packed.exports)).not.toContain('@stretch/source')
    expect(JSON.stringify(packed.dependencies ?? {})).not.toContain('workspace:')
    const bin = join(root, 'tools/pack-test/node_modules/.bin')
    run(join(bin, 'publint'), ['--strict', p.dir], p.dir)
    run(join(bin, 'attw'), ['--profile', 'esm-only', '--format', 'ascii', tarball], work)
  })
})
