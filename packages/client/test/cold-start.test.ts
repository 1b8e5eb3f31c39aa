// A cold start (a function's first invocation on a new instance) pays for every module it loads. undici's index
// loads fetch, WebSocket, EventSource, the cache and mock agents and the global dispatcher, about two thirds of
// undici, and a connection needs none of it: a Pool, the connector and one helper. These tests check what a user's
// process actually loads and what a bundle actually carries, in a fresh process answering a real `info()`.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runNode, startServer, type TestServer } from '@stretch/test-utils'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const info = { name: 'node-1', cluster_name: 'cold', version: { number: '9.1.0' }, tagline: 'You Know, for Search' }

// What a connection takes from undici; the index (and fetch, which only the index loads) must stay out.
const kNeeded = ['undici/lib/dispatcher/pool.js', 'undici/lib/core/connect.js', 'undici/lib/core/util.js']
const kNotNeeded = ['undici/index.js', 'undici/lib/web/fetch/index.js', 'undici/lib/web/websocket/websocket.js']

let server: TestServer
let dir: string

beforeAll(async () => {
  server = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' })
    res.end(JSON.stringify(info))
  })
  // Outside the repository: the bundled form must need no node_modules.
  dir = mkdtempSync(join(tmpdir(), 'stretch-cold-start-'))
})

afterAll(async () => {
  await server?.close()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

// A function's handler: import the client, construct it, answer `info()`, report which undici files Node loaded.
const kHandler = `
const { Client } = require(${JSON.stringify(fileURLToPath(new URL('../src/index.ts', import.meta.url)))})
;(async () => {
  const client = new Client({ node: process.argv[2] })
  const body = await client.info()
  const undici = Object.keys(require.cache).filter((file) => file.includes('undici')).map((file) => file.replaceAll('\\\\', '/'))
  // node:zlib only when a body is compressed: neither this request nor its answer is.
  const zlib = process.moduleLoadList.includes('NativeModule zlib')
  process.stdout.write(JSON.stringify({ body, undici, zlib }))
  process.exit(0)
})().catch((error) => { console.error(error); process.exit(1) })
`

async function bundle(name: string, external: readonly string[]): Promise<{ file: string; inputs: string[] }> {
  const entry = join(dir, `${name}-entry.cjs`)
  writeFileSync(entry, kHandler)
  const file = join(dir, `${name}.cjs`)
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    conditions: ['@stretch/source'],
    external: [...external],
    outfile: file,
    metafile: true,
    logLevel: 'silent',
  })
  expect(result.warnings).toEqual([])
  return { file, inputs: Object.keys(result.metafile.inputs).map((path) => path.replaceAll('\\', '/')) }
}

async function run(file: string): Promise<{ body: unknown; undici: string[]; zlib: boolean }> {
  // A child that hangs fails with its stderr rather than leaving a process behind the test's timeout.
  const { code, stdout, stderr } = await runNode([file, server.url], {
    cwd: dir,
    env: { ...process.env, NODE_OPTIONS: '' },
    killAfterMs: 15_000,
  })
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
  return JSON.parse(stdout) as { body: unknown; undici: string[]; zlib: boolean }
}

const endsWithAny = (files: readonly string[], suffixes: readonly string[]): string[] =>
  suffixes.filter((suffix) => files.some((file) => file.endsWith(suffix)))

describe('the first request of a fresh process', () => {
  it('loads from node_modules only the undici modules a connection uses, not undici whole', async () => {
    // Stretch from its sources, undici left to Node from a node_modules beside the file, as an unbundled function
    // has it (undici is a dependency of @stretch/connection-undici: its node_modules).
    const from = createRequire(new URL('../../connection-undici/src/index.ts', import.meta.url))
    mkdirSync(join(dir, 'unbundled'))
    symlinkSync(dirname(dirname(from.resolve('undici'))), join(dir, 'unbundled', 'node_modules'), 'junction')
    const { file } = await bundle('unbundled/handler', ['undici', 'undici/*'])
    const { body, undici, zlib } = await run(file)

    expect(body).toEqual(info)
    expect(endsWithAny(undici, kNeeded)).toEqual(kNeeded)
    expect(endsWithAny(undici, kNotNeeded)).toEqual([])
    // Nothing compressed, so node:zlib is never loaded (the transport takes it on first use).
    expect(zlib).toBe(false)
  })

  // A fake undici package whose index is the real undici, with `files` (path -> source) beside it: how a later
  // undici 7 that moved or reshaped the three modules would look to the connection's imports.
  async function withLaterUndici(
    name: string,
    files: Record<string, string>,
  ): Promise<{ body: unknown; index: boolean }> {
    const real = createRequire(new URL('../../connection-undici/src/index.ts', import.meta.url)).resolve('undici')
    const fake = join(dir, name, 'node_modules', 'undici')
    mkdirSync(fake, { recursive: true })
    writeFileSync(join(fake, 'package.json'), JSON.stringify({ name: 'undici', version: '7.99.0', main: 'index.js' }))
    writeFileSync(join(fake, 'index.js'), `module.exports = require(${JSON.stringify(real)})\n`)
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(dirname(join(fake, path)), { recursive: true })
      writeFileSync(join(fake, path), source)
    }
    const { file } = await bundle(`${name}/handler`, ['undici', 'undici/*'])
    const { body, undici } = await run(file)
    return { body, index: undici.includes(join(fake, 'index.js').replaceAll('\\', '/')) }
  }

  it('falls back to undici whole when a later undici 7 has moved those modules, and answers', async () => {
    expect(await withLaterUndici('moved', {})).toEqual({ body: info, index: true })
  })

  it('falls back to undici whole when a later undici 7 exports something else from them, and answers', async () => {
    const real = dirname(
      createRequire(new URL('../../connection-undici/src/index.ts', import.meta.url)).resolve('undici'),
    )
    const reshaped = await withLaterUndici('reshaped', {
      'lib/dispatcher/pool.js': `module.exports = require(${JSON.stringify(join(real, 'lib/dispatcher/pool.js'))})\n`,
      'lib/core/connect.js': `module.exports = require(${JSON.stringify(join(real, 'lib/core/connect.js'))})\n`,
      'lib/core/util.js': 'module.exports = { renamedHelper() {} }\n',
    })
    expect(reshaped).toEqual({ body: info, index: true })
  })

  it('bundled by esbuild (--bundle --platform=node --format=cjs), carries only those undici modules', async () => {
    const { file, inputs } = await bundle('bundled', [])
    expect(endsWithAny(inputs, kNeeded)).toEqual(kNeeded)
    expect(endsWithAny(inputs, kNotNeeded)).toEqual([])

    const { body } = await run(file)
    expect(body).toEqual(info)
  })

  it('as ES modules, loads no Node built-in beyond what undici loads (no import runs a built-in namespace getter)', async () => {
    // ES module output keeps Stretch's imports of Node built-ins as ES imports, as the published dist/ has them. An ES
    // `import { connect } from 'node:net'` builds node:net's whole namespace and so runs its lazy getters (BlockList,
    // SocketAddress), and one from node:fs loads its streams: modules a bare undici Pool never loads.
    mkdirSync(join(dir, 'esm'))
    const from = createRequire(new URL('../../connection-undici/src/index.ts', import.meta.url))
    symlinkSync(dirname(dirname(from.resolve('undici'))), join(dir, 'esm', 'node_modules'), 'junction')
    const entry = join(dir, 'esm', 'entry.mjs')
    writeFileSync(
      entry,
      `import { Client } from ${JSON.stringify(fileURLToPath(new URL('../src/index.ts', import.meta.url)))}
const body = await new Client({ node: process.argv[2] }).info()
const extra = ['NativeModule internal/blocklist', 'NativeModule internal/socketaddress', 'NativeModule internal/fs/streams', 'NativeModule zlib']
const loaded = process.moduleLoadList.filter((m) => extra.includes(m))
process.stdout.write(JSON.stringify({ body, undici: [], zlib: false, loaded }))
process.exit(0)
`,
    )
    const file = join(dir, 'esm', 'handler.mjs')
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['@stretch/source'],
      external: ['undici', 'undici/*'],
      outfile: file,
      logLevel: 'silent',
    })
    expect(result.warnings).toEqual([])
    const { body, loaded } = (await run(file)) as { body: unknown; loaded?: string[] }
    expect(body).toEqual(info)
    expect(loaded).toEqual([])
  })
})
