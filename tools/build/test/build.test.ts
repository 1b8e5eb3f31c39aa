// The build of a published package, on a package made up in a temporary directory: entry points from its exports
// map (a `node` condition beside a neutral default, a subpath), one ES module per entry with its dependencies left as
// imports, declarations beside them, source maps into the shipped `src`, and nothing of an older build left over.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, posix } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { buildPackage, entriesOf, inlineSubpathsOf } from '../src/build.js'

const work = mkdtempSync(join(tmpdir(), 'stretch-build-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
}

const tsconfig = JSON.stringify({
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    declaration: true,
    declarationMap: true,
    emitDeclarationOnly: true,
    rootDir: 'src',
    outDir: 'dist',
    types: [],
  },
  include: ['src'],
})

describe('entriesOf', () => {
  const exists = (files: string[]) => (path: string) => files.includes(path)

  it('takes the @stretch/source of a conditions object that leads to one JavaScript file', () => {
    const manifest = {
      exports: {
        '.': { '@stretch/source': './src/main.ts', types: './dist/index.d.ts', default: './dist/index.js' },
        './package.json': './package.json',
      },
      publishConfig: { exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } } },
    }
    expect(entriesOf(manifest, exists([]))).toEqual([
      { out: './dist/index.js', source: './src/main.ts', conditions: ['default'] },
    ])
  })

  it('maps each target of a `node` and a `default` condition to the same path under src', () => {
    const manifest = {
      exports: {
        '.': {
          '@stretch/source': './src/index.ts',
          types: './dist/index.d.ts',
          node: './dist/index.node.js',
          default: './dist/index.js',
        },
        './internal': { node: { '@stretch/source': './src/internal-node.ts', default: './dist/internal/node.js' } },
      },
    }
    const files = ['./src/index.ts', './src/index.node.ts']
    expect(entriesOf(manifest, exists(files))).toEqual([
      { out: './dist/index.node.js', source: './src/index.node.ts', conditions: ['node'] },
      { out: './dist/index.js', source: './src/index.ts', conditions: ['default'] },
      { out: './dist/internal/node.js', source: './src/internal-node.ts', conditions: ['node', 'default'] },
    ])
  })

  it('names the missing source and the way to give one', () => {
    const manifest = { exports: { '.': { node: './dist/node.js', default: './dist/index.js' } } }
    expect(() => entriesOf(manifest, exists(['./src/index.ts']))).toThrow(
      'exports: no source for ./dist/node.js: add a @stretch/source condition beside it, or a ./src/node.ts',
    )
  })
})

// each build runs tsc (seconds on a busy machine)
describe('buildPackage', { timeout: 60_000 }, () => {
  const dir = join(work, 'pkg')
  write(dir, {
    'package.json': JSON.stringify({
      name: 'made-up',
      type: 'module',
      exports: {
        '.': {
          '@stretch/source': './src/index.ts',
          types: './dist/index.d.ts',
          node: './dist/index.node.js',
          default: './dist/index.js',
        },
        './extra': { types: './dist/extra.d.ts', default: './dist/extra.js' },
      },
      dependencies: { 'made-up-dep': '^1.0.0' },
    }),
    'tsconfig.build.json': tsconfig,
    'src/node.d.ts': "declare module 'node:path' {\n  export const sep: string\n}\n",
    'src/errors.ts': 'export class MadeUpError extends Error {}\n',
    'src/shared.ts':
      "import { MadeUpError } from './errors.js'\nexport const make = (): Error => new MadeUpError('x')\n",
    'src/index.ts': "export { MadeUpError } from './errors.js'\nexport { make } from './shared.js'\n",
    'src/index.node.ts':
      "import { depValue } from 'made-up-dep'\nimport { sep } from 'node:path'\nexport * from './index.js'\nexport const onNode: string = depValue + sep\n",
    'src/extra.ts':
      "import { MadeUpError } from './index.js'\nexport const isMadeUp = (e: unknown): boolean => e instanceof MadeUpError\n",
    'node_modules/made-up-dep/package.json': JSON.stringify({ name: 'made-up-dep', type: 'module', main: 'index.js' }),
    'node_modules/made-up-dep/index.js': "export const depValue = 'dep'\n",
    'node_modules/made-up-dep/index.d.ts': 'export declare const depValue: string\n',
    // left by an older, per-module build
    'dist/shared.js': 'throw new Error("stale")\n',
  })

  it('writes one module per entry, declarations, and maps into src', async () => {
    const entries = await buildPackage(dir)
    expect(entries.map((e) => e.out)).toEqual(['./dist/index.node.js', './dist/index.js', './dist/extra.js'])
    const dist = readdirSync(join(dir, 'dist')).filter((f) => !f.startsWith('.'))
    expect(dist.filter((f) => f.endsWith('.js'))).toEqual(['extra.js', 'index.js', 'index.node.js'])
    expect(dist).toContain('index.d.ts')
    expect(dist).toContain('extra.d.ts')
    expect(dist).toContain('errors.d.ts.map')

    const node = readFileSync(join(dir, 'dist/index.node.js'), 'utf8')
    expect(node).toContain('from "made-up-dep"')
    expect(node).toContain('from "node:path"')
    expect(node).toContain('//# sourceMappingURL=index.node.js.map')
    const map = JSON.parse(readFileSync(join(dir, 'dist/index.js.map'), 'utf8')) as { sources: string[] }
    // every source the map names is a shipped file under src/ (re-export-only modules have no mappings)
    const sources = map.sources.map((s) => posix.join('dist', s))
    expect(sources).toEqual(expect.arrayContaining(['src/errors.ts', 'src/shared.ts']))
    for (const source of sources) expect(existsSync(join(dir, source)), source).toBe(true)
  })

  it('runs, with one class shared by every entry that imports another', async () => {
    const url = (file: string) => pathToFileURL(join(dir, 'dist', file)).href
    const main = await import(url('index.js'))
    const node = await import(url('index.node.js'))
    const extra = await import(url('extra.js'))
    expect(node.onNode).toBe(`dep${posix.sep}`)
    expect(main.make()).toBeInstanceOf(main.MadeUpError)
    expect(extra.isMadeUp(main.make())).toBe(true)
    expect(main.make().constructor.name).toBe('MadeUpError')
    // the node entry re-exports the neutral one: the same class, not a copy
    expect(node.MadeUpError).toBe(main.MadeUpError)
    expect(readFileSync(join(dir, 'dist/extra.js'), 'utf8')).toContain('from "./index.js"')
  })

  it('fails when tsc would emit JavaScript beside the bundles', async () => {
    const emitting = join(work, 'emitting')
    write(emitting, {
      'package.json': JSON.stringify({ name: 'emitting', type: 'module', exports: { '.': './dist/index.js' } }),
      'tsconfig.build.json': tsconfig.replace('"emitDeclarationOnly":true', '"emitDeclarationOnly":false'),
      'src/index.ts': 'export const x = 1\n',
    })
    await expect(buildPackage(emitting)).rejects.toThrow(
      'emitting: tsc emitted JavaScript (index.js): set "emitDeclarationOnly": true in tsconfig.build.json',
    )
  })

  it('fails when the exports map names a file the build does not write', async () => {
    const broken = join(work, 'broken')
    write(broken, {
      'package.json': JSON.stringify({
        name: 'broken',
        type: 'module',
        exports: { '.': { types: './dist/main.d.ts', default: './dist/index.js' } },
      }),
      'tsconfig.build.json': tsconfig,
      'src/index.ts': 'export const x = 1\n',
    })
    await expect(buildPackage(broken)).rejects.toThrow(
      'broken: the exports map names ./dist/main.d.ts, which the build did not write',
    )
  })
})

// The client's endpoint tables: a module the package imports with `import()` is a file of its own, loaded when the
// `import()` runs, and a user's bundler still follows it into one file.
describe('buildPackage, with a conditional `imports` entry', { timeout: 60_000 }, () => {
  // One source for two entries: `#platform` (package.json `imports`) is resolved with the conditions of each entry.
  const dir = join(work, 'pkg-imports')
  write(dir, {
    'package.json': JSON.stringify({
      name: 'made-up-imports',
      type: 'module',
      exports: {
        '.': {
          node: { '@stretch/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
          default: { '@stretch/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.web.js' },
        },
      },
      imports: { '#platform': { node: './src/platform-node.ts', default: './src/platform-web.ts' } },
    }),
    'tsconfig.build.json': tsconfig,
    'src/platform-node.ts': "export const platform: string = 'node'\n",
    'src/platform-web.ts': "export const platform: string = 'web'\n",
    'src/index.ts': "export { platform } from '#platform'\n",
  })

  it('writes one file per condition from one source, each with its own branch only', async () => {
    const entries = await buildPackage(dir)
    expect(entries.map((e) => [e.out, e.source])).toEqual([
      ['./dist/index.js', './src/index.ts'],
      ['./dist/index.web.js', './src/index.ts'],
    ])
    const url = (file: string) => pathToFileURL(join(dir, 'dist', file)).href
    expect((await import(url('index.js'))).platform).toBe('node')
    expect((await import(url('index.web.js'))).platform).toBe('web')
    expect(readFileSync(join(dir, 'dist/index.js'), 'utf8')).not.toContain('platform-web')
    expect(readFileSync(join(dir, 'dist/index.web.js'), 'utf8')).not.toContain('platform-node')
  })

  it('fails when another entry imports the source built once per condition: it could load either file', async () => {
    const other = join(work, 'pkg-imports-extra')
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    manifest.exports['./extra'] = { types: './dist/extra.d.ts', default: './dist/extra.js' }
    write(other, {
      'package.json': JSON.stringify(manifest),
      'tsconfig.build.json': tsconfig,
      'src/platform-node.ts': "export const platform: string = 'node'\n",
      'src/platform-web.ts': "export const platform: string = 'web'\n",
      'src/index.ts': "export { platform } from '#platform'\n",
      'src/extra.ts': "export { platform as fromIndex } from './index.js'\n",
    })
    await expect(buildPackage(other)).rejects.toThrow(
      './dist/extra.js imports src/index.js, which is built into ./dist/index.js and ./dist/index.web.js (one per condition)',
    )
  })
})

describe('buildPackage, with a lazily imported module', { timeout: 60_000 }, () => {
  const files = (table: string): Record<string, string> => ({
    'package.json': JSON.stringify({ name: 'lazy', type: 'module', exports: { '.': './dist/index.js' } }),
    'tsconfig.build.json': tsconfig,
    'src/errors.ts': 'export class LazyError extends Error {}\n',
    'src/index.ts':
      "export { LazyError } from './errors.js'\n" +
      'export const loaded: string[] = []\nexport async function lookUp(key: string): Promise<number | undefined> {\n' +
      "  const { table } = await import('./table.js')\n  loaded.push('table')\n  return table[key]\n}\n",
    'src/table.ts': table,
  })

  it('writes it to dist/chunks, imported only when called, with a map into src', async () => {
    const dir = join(work, 'lazy')
    write(dir, files('export const table: Record<string, number> = { alpha_table_entry: 1, beta: 2 }\n'))
    await buildPackage(dir)
    const main = readFileSync(join(dir, 'dist/index.js'), 'utf8')
    expect(main).toContain('import("./chunks/table.js")')
    expect(main).not.toContain('alpha_table_entry')
    expect(readFileSync(join(dir, 'dist/chunks/table.js'), 'utf8')).toContain('alpha_table_entry')
    const map = JSON.parse(readFileSync(join(dir, 'dist/chunks/table.js.map'), 'utf8')) as { sources: string[] }
    expect(map.sources).toEqual(['../../src/table.ts'])
    expect(existsSync(join(dir, 'dist/chunks', map.sources[0] as string))).toBe(true)

    const lazy = await import(pathToFileURL(join(dir, 'dist/index.js')).href)
    expect(lazy.loaded).toEqual([])
    expect(await lazy.lookUp('beta')).toBe(2)
    expect(lazy.loaded).toEqual(['table'])

    // a user's bundle of the built package is one file that still answers
    const { build } = await import('esbuild')
    const outfile = join(work, 'lazy-bundle', 'app.mjs')
    await build({
      stdin: {
        contents: `import { lookUp } from ${JSON.stringify(join(dir, 'dist/index.js'))}\nconsole.log(await lookUp('alpha_table_entry'))\n`,
        resolveDir: work,
        loader: 'js',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      logLevel: 'silent',
    })
    expect(readdirSync(dirname(outfile))).toEqual(['app.mjs'])
    const { spawnSync } = await import('node:child_process')
    const run = spawnSync(process.execPath, [outfile], { encoding: 'utf8' })
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
      status: 0,
      stdout: '1\n',
      stderr: '',
    })
  })

  it('fails when the lazy module would copy a module its importer bundles too', async () => {
    const dir = join(work, 'lazy-twice')
    write(
      dir,
      files(
        "import { LazyError } from './errors.js'\nexport const table: Record<string, number> = { a: new LazyError().message.length }\n",
      ),
    )
    await expect(buildPackage(dir)).rejects.toThrow(
      'lazy: src/errors.ts is bundled into both ./dist/chunks/table.js (imported lazily) and ./dist/index.js',
    )
  })
})

// A module marked `stretchBuild.inline` (the auth packages' option checks): the package's own entries and the
// packages that depend on it bundle a copy, so importing them loads no extra module.
describe('buildPackage, with a module that may be copied (stretchBuild.inline)', { timeout: 60_000 }, () => {
  const checks =
    "export function checkName(name: string): string {\n  if (name === '') throw new Error('name: must not be empty')\n  return name\n}\n"
  const provider = (extra: Record<string, string> = {}): Record<string, string> => ({
    'package.json': JSON.stringify({
      name: 'made-up-provider',
      type: 'module',
      exports: {
        '.': { '@stretch/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
        './checks': { '@stretch/source': './src/checks.ts', types: './dist/checks.d.ts', default: './dist/checks.js' },
        './package.json': './package.json',
      },
      stretchBuild: { inline: ['./checks'] },
    }),
    'tsconfig.build.json': tsconfig,
    'src/checks.ts': checks,
    'src/index.ts':
      "import { checkName } from './checks.js'\nexport const greet = (name: string): string => 'hello ' + checkName(name)\n",
    ...extra,
  })

  it("copies it into the package's other entries instead of importing its file", async () => {
    const dir = join(work, 'inline-provider')
    write(dir, provider())
    await buildPackage(dir)
    const main = readFileSync(join(dir, 'dist/index.js'), 'utf8')
    expect(main).not.toContain('./checks.js')
    expect(main).toContain('name: must not be empty')
    const loaded = await import(pathToFileURL(join(dir, 'dist/index.js')).href)
    expect(loaded.greet('x')).toBe('hello x')
  })

  it('copies it into a dependent package, whose map points at a shipped copy of its source', async () => {
    const dir = join(work, 'inline-dependent')
    const files: Record<string, string> = {
      'package.json': JSON.stringify({
        name: 'made-up-dependent',
        type: 'module',
        exports: { '.': './dist/index.js' },
        dependencies: { 'made-up-provider': '*' },
      }),
      'tsconfig.build.json': JSON.stringify({
        ...JSON.parse(tsconfig),
        compilerOptions: { ...JSON.parse(tsconfig).compilerOptions, customConditions: ['@stretch/source'] },
      }),
      'src/index.ts':
        "import { checkName } from 'made-up-provider/checks'\n" +
        "export function make(name: string): () => Promise<string> {\n  checkName(name)\n  return async () => (await import('made-up-provider')).greet(name)\n}\n",
    }
    for (const [path, text] of Object.entries(provider())) files[`node_modules/made-up-provider/${path}`] = text
    write(dir, files)
    await buildPackage(dir)
    const main = readFileSync(join(dir, 'dist/index.js'), 'utf8')
    expect(main).not.toContain('made-up-provider/checks')
    expect(main).toContain('name: must not be empty')
    expect(main).toContain('import("made-up-provider")')
    const map = JSON.parse(readFileSync(join(dir, 'dist/index.js.map'), 'utf8')) as { sources: string[] }
    expect(map.sources).toContain('inlined/made-up-provider/src/checks.ts')
    expect(readFileSync(join(dir, 'dist/inlined/made-up-provider/src/checks.ts'), 'utf8')).toBe(checks)
  })

  it('fails when the module marked inline bundles more than its own source', async () => {
    const dir = join(work, 'inline-too-big')
    write(
      dir,
      provider({
        'src/checks.ts': `import { helper } from './helper.js'\n${checks}export const h: number = helper\n`,
        'src/helper.ts': 'export const helper = 1\n',
      }),
    )
    await expect(buildPackage(dir)).rejects.toThrow(
      'made-up-provider: ./dist/checks.js is marked stretchBuild.inline but bundles 2 modules',
    )
  })

  it('fails when it names a subpath the exports map does not have', () => {
    expect(() =>
      inlineSubpathsOf({ name: 'x', exports: { '.': './dist/index.js' }, stretchBuild: { inline: ['./nope'] } }),
    ).toThrow('x: stretchBuild.inline names ./nope, which is not a subpath of its exports map')
  })
})
