// A user installs only the packages they need: pack each public package the way `pnpm publish` would, install
// only those tarballs into an empty project, and import and require each one. Anything that leans on an
// undeclared or hoisted dependency, or a file missing from `files`, fails here. Each tarball's manifest, source
// maps and README links are checked too: what npm shows, and what a user's editor follows, must exist. The FaaS
// examples of the client are bundled from these installed packages, as users bundle a function, and run (faas.ts).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, posix, resolve } from 'node:path'
import type { TestCluster } from '@stretch/test-cluster'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bundle,
  type Example,
  examples,
  type FaasBackend,
  invoke,
  kEsmBanner,
  startFaasBackend,
  titles,
} from './faas.js'

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
    // The client's estypes declaration map alone is over the 1 MiB default (ENOBUFS).
    maxBuffer: 256 * 1024 * 1024,
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

  it('ships dist, src, README, CHANGELOG and LICENSE, with exports that publint and attw accept', () => {
    const tarball = tarballs.get(name) as string
    const files = run('tar', ['-tzf', tarball], work).trim().split('\n')
    expect(files).toContain('package/README.md')
    expect(files).toContain('package/CHANGELOG.md')
    expect(files).toContain('package/LICENSE')
    expect(files).toContain('package/dist/index.js')
    expect(files).toContain('package/dist/index.d.ts')
    // src ships so that the source maps (and declaration maps: go to definition) resolve; tests do not
    expect(files).toContain('package/src/index.ts')
    expect(files.filter((f) => f.startsWith('package/test/') || f.endsWith('.tsbuildinfo'))).toEqual([])
    const packed = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], work))
    expect(JSON.stringify(packed.exports)).not.toContain('@stretch/source')
    expect(JSON.stringify(packed.dependencies ?? {})).not.toContain('workspace:')
    const bin = join(root, 'tools/pack-test/node_modules/.bin')
    run(join(bin, 'publint'), ['--strict', p.dir], p.dir)
    run(join(bin, 'attw'), ['--profile', 'esm-only', '--format', 'ascii', tarball], work)
  })

  it('names its repository, homepage, issues and types, and pins no third-party dependency', () => {
    const packed = JSON.parse(run('tar', ['-xzOf', tarballs.get(name) as string, 'package/package.json'], work))
    const dir = `packages/${p.dir.split('/').at(-1)}`
    expect(packed.repository).toEqual({
      type: 'git',
      url: 'git+https://github.com/stretch-js/stretch.git',
      directory: dir,
    })
    expect(packed.homepage).toBe(`https://github.com/stretch-js/stretch/tree/main/${dir}#readme`)
    expect(packed.bugs).toEqual({ url: 'https://github.com/stretch-js/stretch/issues' })
    // TypeScript with moduleResolution node10 reads only the top-level field (checked by tsc below)
    expect(packed.types).toBe('./dist/index.d.ts')
    for (const [dep, range] of Object.entries<string>(packed.dependencies ?? {})) {
      if (!dep.startsWith('@stretch/')) expect(range, `${dep} must be a range, not a pin`).toMatch(/^\^/)
    }
  })

  it('has source maps that resolve inside the tarball and README links that do', () => {
    const tarball = tarballs.get(name) as string
    const files = new Set(run('tar', ['-tzf', tarball], work).trim().split('\n'))
    const maps = [...files].filter((f) => f.endsWith('.map'))
    expect(maps.length).toBeGreaterThan(0)
    for (const map of maps) {
      const { sources } = JSON.parse(run('tar', ['-xzOf', tarball, map], work)) as { sources: string[] }
      for (const source of sources) {
        expect(files, `${map} points at ${source}`).toContain(posix.join(posix.dirname(map), source))
      }
    }
    const readme = run('tar', ['-xzOf', tarball, 'package/README.md'], work)
    for (const [, target] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:|#)/.test(target as string)) continue
      const file = posix.join('package', (target as string).split('#')[0] as string)
      expect(files, `README link ${target} is not in the tarball`).toContain(file)
    }
  })
})

// Every published package but transport and the client is a plugin (auth-*, pool-*, connection-*, helpers, otel and
// any later one): CONTRIBUTING.md, "Plugins peer on transport".
const kNotPlugins = new Set(['@stretch/transport', '@stretch/client'])
const plugins = packages.filter((p) => !kNotPlugins.has(p.manifest.name))
describe.each(plugins.map((p) => [p.manifest.name as string]))('%s, a plugin', (name) => {
  it('peers on @stretch/transport with a range that survives a transport minor', () => {
    const packed = JSON.parse(run('tar', ['-xzOf', tarballs.get(name) as string, 'package/package.json'], work))
    expect(packed.dependencies?.['@stretch/transport']).toBeUndefined()
    const range = packed.peerDependencies?.['@stretch/transport'] as string
    expect(range, 'a caret range excludes the next 0.x minor').toMatch(/^>=0\.\d+\.0 <1$/)
  })
})

describe('TypeScript with moduleResolution node10', () => {
  it('finds the types of every package through the top-level types field', () => {
    const dir = join(work, 'app', 'node10')
    mkdirSync(dir, { recursive: true })
    const imports = packages.map((p, i) => `import * as p${i} from '${p.manifest.name}'\nexport { p${i} }`)
    writeFileSync(join(dir, 'index.ts'), `${imports.join('\n')}\n`)
    // skipLibCheck as most projects do: this checks that the types resolve, not the .d.ts against a Node-less lib
    const compilerOptions = {
      module: 'commonjs',
      moduleResolution: 'node10',
      target: 'es2022',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    }
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }))
    // tsc reports on stdout: keep it in the failure message
    const tsc = join(root, 'tools/pack-test/node_modules/.bin/tsc')
    const result = spawnSync(tsc, ['-p', '.'], { cwd: dir, encoding: 'utf8' })
    expect(result.stdout).toBe('')
    expect(result.status).toBe(0)
  })
})

// The client's types through `exports` (`types` condition), as ESM-first projects resolve them; a typed program, so
// that a resolution to `any` would fail too (the inferred aggregations need the whole estypes).
describe.each([
  ['node16', 'node16'],
  ['nodenext', 'nodenext'],
  ['bundler', 'esnext'],
])('TypeScript with moduleResolution %s', (moduleResolution, module) => {
  it('finds the types of every package through exports, and types a program with the client', () => {
    const dir = join(work, 'app', moduleResolution)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n')
    const imports = packages.map((p, i) => `import * as p${i} from '${p.manifest.name}'\nexport { p${i} }`)
    const program = [
      "import { Client, type estypes } from '@stretch/client'",
      'declare const client: Client',
      "const found = await client.search({ aggs: { avg_price: { avg: { field: 'price' } } } })",
      'export const price: number | null | undefined = found.aggregations?.avg_price.value',
      'export const query: estypes.QueryDslQueryContainer = { match_all: {} }',
      '// @ts-expect-error a typo on a response field',
      'export const typo = found.tookk',
    ]
    writeFileSync(join(dir, 'index.ts'), `${[...imports, ...program].join('\n')}\n`)
    const compilerOptions = {
      module,
      moduleResolution,
      target: 'es2022',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    }
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }))
    const tsc = join(root, 'tools/pack-test/node_modules/.bin/tsc')
    const result = spawnSync(tsc, ['-p', '.'], { cwd: dir, encoding: 'utf8' })
    expect(result.stdout).toBe('')
    expect(result.status).toBe(0)
  })
})

// A browser (or Worker) project: lib dom, no @types/node, and skipLibCheck false, so that every published
// declaration it loads is checked. A `node:` import in a declaration of the client's graph fails it (issue 14).
describe('a browser TypeScript project without @types/node (skipLibCheck: false, moduleResolution bundler)', () => {
  it('type-checks a program with @stretch/client and @stretch/connection-fetch', () => {
    const dir = join(work, 'app', 'browser')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n')
    const program = [
      "import { Client, type ClientOptions } from '@stretch/client'",
      "import { detectRuntime, fetchConnection } from '@stretch/connection-fetch'",
      "const options: ClientOptions = { node: 'https://localhost:9200', apiKey: 'key', connection: fetchConnection() }",
      'const client = new Client(options)',
      'export const version: string = (await client.info()).version.number',
      "export const runtime: 'browser' | 'node' | 'deno' | 'bun' | 'workerd' = detectRuntime()",
      '// the control: Node built-ins really are unknown here',
      '// @ts-expect-error no @types/node',
      "export type { Readable } from 'node:stream'",
    ]
    writeFileSync(join(dir, 'index.ts'), `${program.join('\n')}\n`)
    const compilerOptions = {
      module: 'esnext',
      moduleResolution: 'bundler',
      customConditions: ['browser'],
      target: 'es2022',
      lib: ['dom', 'es2022'],
      types: [],
      skipLibCheck: false,
      strict: true,
      noEmit: true,
    }
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }))
    const tsc = join(root, 'tools/pack-test/node_modules/.bin/tsc')
    const result = spawnSync(tsc, ['-p', '.'], { cwd: dir, encoding: 'utf8' })
    expect(result.stdout).toBe('')
    expect(result.status).toBe(0)
  })
})

// A CommonJS project (no `"type": "module"`) and the ESM-only client. Under node16, TypeScript models a CommonJS
// file's static import as `require()`, which cannot load an ES module: TS1479 on a value import, TS1541 on an
// `import type`; that is TypeScript's right answer, and the client README says to write `import()` or
// `import type ... with { 'resolution-mode': 'import' }` there, which compile. Under nodenext (TypeScript 5.8 and
// later model Node's `require()` of an ES module, which Node 20.19 has) a static import compiles.
describe('TypeScript in a CommonJS project', () => {
  const compile = (name: string, module: string, source: string[]) => {
    const dir = join(work, 'app', name)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), '{ "private": true }\n')
    writeFileSync(join(dir, 'index.ts'), `${source.join('\n')}\n`)
    const compilerOptions = {
      module,
      moduleResolution: module,
      target: 'es2022',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    }
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['index.ts'] }))
    const tsc = join(root, 'tools/pack-test/node_modules/.bin/tsc')
    return spawnSync(tsc, ['-p', '.'], { cwd: dir, encoding: 'utf8' })
  }
  const program = [
    "  const found = await client.search({ aggs: { avg_price: { avg: { field: 'price' } } } })",
    '  // @ts-expect-error a typo on a response field',
    '  void found.tookk',
    '  return found.aggregations?.avg_price.value',
    '}',
  ]

  it('under node16, types the client through import() and resolution-mode, and refuses a static import', () => {
    const result = compile('cjs-node16', 'node16', [
      "import type { estypes } from '@stretch/client' with { 'resolution-mode': 'import' }",
      "export type Client = import('@stretch/client', { with: { 'resolution-mode': 'import' } }).Client",
      "export type ClientModule = typeof import('@stretch/client', { with: { 'resolution-mode': 'import' } })",
      'export const query: estypes.QueryDslQueryContainer = { match_all: {} }',
      'export async function search(node: string): Promise<number | null | undefined> {',
      "  const { Client } = await import('@stretch/client')",
      '  const client: Client = new Client({ node })',
      ...program,
    ])
    expect(result.stdout).toBe('')
    expect(result.status).toBe(0)
    const refused = compile('cjs-node16-static', 'node16', [
      "import type { estypes } from '@stretch/client'",
      "import { Client } from '@stretch/client'",
      'export const query: estypes.QueryDslQueryContainer = { match_all: {} }',
      'export const client = new Client({ node: "http://localhost:9200" })',
    ])
    expect(refused.stdout).toMatch(/TS1541: Type-only import of an ECMAScript module from a CommonJS module/)
    expect(refused.stdout).toMatch(/TS1479: The current file is a CommonJS module/)
  })

  it('under nodenext, types the client through a static import', () => {
    const result = compile('cjs-nodenext', 'nodenext', [
      "import { Client, type estypes } from '@stretch/client'",
      'export const query: estypes.QueryDslQueryContainer = { match_all: {} }',
      'export async function search(node: string): Promise<number | null | undefined> {',
      '  const client = new Client({ node })',
      ...program,
    ])
    expect(result.stdout).toBe('')
    expect(result.status).toBe(0)
  })
})

describe('the FaaS examples bundled by esbuild from the installed packages (--platform=node)', () => {
  const examplesDir = join(root, 'packages/client/examples')
  const clientVersion = (
    JSON.parse(readFileSync(join(packagesDir, 'client/package.json'), 'utf8')) as {
      version: string
    }
  ).version
  let backend: FaasBackend
  let outDir: string
  beforeAll(async () => {
    backend = await startFaasBackend()
    // Outside the user's project: a bundle that still needed node_modules fails here.
    outDir = mkdtempSync(join(tmpdir(), 'stretch-faas-bundle-'))
  })
  afterAll(async () => {
    await backend?.close()
    if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true })
  })
  const bundleOf = (example: Example, format: 'cjs' | 'esm', banner: boolean) =>
    bundle(example, { project: join(work, 'app'), examples: examplesDir, outDir, format, banner })

  describe.each(['cjs', 'esm'] as const)('--format=%s', (format) => {
    it.each(examples)('$file runs with no node_modules beside it and answers through its handler', async (example) => {
      const { file, inputs, warnings } = await bundleOf(example, format, true)
      expect(warnings).toEqual([])
      // The installed dist, not a source: no `.ts` file of a package is in the bundle, and undici's Pool is.
      expect(inputs.filter((path) => path.includes('node_modules/@stretch/') && !path.endsWith('.js'))).toEqual([])
      expect(inputs.some((path) => path.includes('node_modules/@stretch/client/dist/'))).toBe(true)
      expect(inputs.some((path) => path.endsWith('undici/lib/dispatcher/pool.js'))).toBe(true)
      const before = backend.tunnels.length
      const { code, stdout, stderr } = await invoke(example, file, backend, outDir)

      expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
      const result = JSON.parse(stdout) as { status: number; hits: unknown; logs?: string[] }
      expect(result.status).toBe(200)
      expect(titles(result.hits)).toEqual(['Dune', 'Dune Messiah'])
      if (example.file === 'azure-functions') expect(result.logs).toEqual(['search for dune: 2 hits'])
      // It went to the cloud endpoint of its Cloud ID (through the proxy), over one tunnel.
      const cloud = backend.cluster.cloud as NonNullable<TestCluster['cloud']>
      expect(backend.tunnels.slice(before)).toEqual([`${cloud.hostname}:${cloud.port}`])
      // The bundle carries the versions as constants: the user-agent names the client's version.
      const seen = cloud.node.requests.at(-1)
      expect(seen?.headers['user-agent']).toMatch(
        new RegExp(`^stretch/${clientVersion.replaceAll('.', '\\.')} \\(Node\\.js v`),
      )
    })
  })

  it('an ES module bundle without the require banner fails its first request with a ConfigurationError that gives the exact flag', async () => {
    const example = examples[0] as Example
    const { file } = await bundleOf(example, 'esm', false)
    const { code, stdout, stderr } = await invoke(example, file, backend, outDir)

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    const { error } = JSON.parse(stdout) as { error: { name: string; code: string; message: string } }
    expect(error.name).toBe('ConfigurationError')
    expect(error.code).toBe('ES_ERR_CONFIGURATION')
    expect(error.message).toContain('@stretch/connection-undici cannot load undici (Dynamic require of "node:')
    expect(error.message).toContain(
      `bundle as CommonJS (esbuild --format=cjs), or give the bundle one with esbuild's banner, exactly: --banner:js="${kEsmBanner}"`,
    )
  })
})
