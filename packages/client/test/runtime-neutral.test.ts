// Every runtime but Node loads the client through the export conditions `workerd`, `worker`, `browser`, `deno` and
// `bun`. Bundled the way a Worker or a page is (esbuild, `platform: 'neutral'` or `'browser'`, the conditions
// wrangler and browsers use), no package of the client may pull in a Node built-in; and the bundle of the client
// must run its whole request path (credentials, JSON, NDJSON, gzip both ways, retries) on a runtime that has no
// `process.getBuiltinModule`, with the Web APIs alone.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import { startServer, type TestServer } from '@stretch/test-utils'
import { build, type Plugin } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const kPackageDir = fileURLToPath(new URL('..', import.meta.url))
const kConditions = ['workerd', 'worker', 'browser', '@stretch/source']
const kBuiltin = new RegExp(`^(node:.*|${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`)

/** Bundles `source` (a module importing packages) and returns the Node built-ins it imports and its input files. */
async function bundle(
  source: string,
  platform: 'neutral' | 'browser',
  outfile?: string,
): Promise<{ builtins: string[]; inputs: string[] }> {
  const builtins: string[] = []
  const recordBuiltins: Plugin = {
    name: 'record-builtins',
    setup(b) {
      b.onResolve({ filter: kBuiltin }, (args) => {
        builtins.push(`${args.path} (from ${args.importer.replace(kPackageDir, '')})`)
        return { path: args.path, external: true }
      })
    },
  }
  const result = await build({
    stdin: { contents: source, resolveDir: kPackageDir, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform,
    conditions: kConditions,
    mainFields: ['module', 'main'],
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
    plugins: [recordBuiltins],
    ...(outfile === undefined ? { write: false } : { outfile, write: true }),
  })
  return { builtins, inputs: Object.keys(result.metafile?.inputs ?? {}) }
}

// The client resolves itself by name through its own exports (self-reference), as a Worker's import would.
const kPackages = [
  '@stretch/transport',
  '@stretch/auth-basic',
  '@stretch/auth-api-key',
  '@stretch/auth-bearer',
  '@stretch/pool-random',
  '@stretch/pool-round-robin',
  '@stretch/pool-sniffing',
  '@stretch/client',
]

describe.each(['neutral', 'browser'] as const)('bundled for platform %s with workerd, worker, browser', (platform) => {
  it.each(kPackages)('%s imports no Node built-in', async (name) => {
    const { builtins, inputs } = await bundle(`export * from '${name}'`, platform)
    expect(builtins).toEqual([])
    expect(inputs.length).toBeGreaterThan(0)
  })

  it('resolves @stretch/client to its fetch entry, without undici', async () => {
    const { inputs } = await bundle(`export * from '@stretch/client'`, platform)
    expect(inputs.some((i) => i.endsWith('src/platform-web.ts'))).toBe(true)
    expect(inputs.some((i) => i.endsWith('src/platform-node.ts'))).toBe(false)
    expect(inputs.some((i) => i.includes('connection-undici') || i.includes('undici/'))).toBe(false)
  })
})

describe('the neutral bundle runs the request path without process.getBuiltinModule', () => {
  let dir: string
  let server: TestServer
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stretch-neutral-'))
    server = await startServer((req, res) => {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-elastic-product': 'Elasticsearch',
        'content-encoding': 'gzip',
      }
      let answer: unknown = { name: 'node-1', version: { number: '9.0.0' } }
      if (req.url?.startsWith('/my-index/_search')) answer = { hits: { total: { value: 1 }, hits: [] } }
      if (req.url?.startsWith('/_bulk')) answer = { errors: false, items: [] }
      res.writeHead(200, headers)
      res.end(gzipSync(JSON.stringify(answer)))
    })
  })
  afterAll(async () => {
    await server?.close()
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  })

  it('answers info, search and bulk with gzip both ways and basic credentials, through a stub connection and through its default fetch connection', async () => {
    const clientFile = join(dir, 'client.mjs')
    const { builtins } = await bundle(`export { Client } from '@stretch/client'`, 'neutral', clientFile)
    expect(builtins).toEqual([])
    // The child deletes process.getBuiltinModule before loading the bundle: the transport then has no node:zlib,
    // node:stream or node:diagnostics_channel, as on a browser or workerd without nodejs_compat. Its connection, a
    // stub of the Connection interface, is test code and may use node:http.
    writeFileSync(
      join(dir, 'run.mjs'),
      `import { request as httpRequest } from 'node:http'
delete process.getBuiltinModule
const { Client } = await import('./client.mjs')
const connection = (node) => ({
  request: (req) => new Promise((resolve, reject) => {
    if (typeof req.body === 'object' && req.body !== null && !(req.body instanceof Uint8Array)) {
      reject(new Error('a stream body reached the connection'))
      return
    }
    const r = httpRequest(new URL(req.path, node.url), { method: req.method, headers: req.headers }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ statusCode: res.statusCode, headers: res.headers, body: new Uint8Array(Buffer.concat(chunks)) }))
    })
    r.on('error', reject)
    r.end(req.body)
  }),
  close: async () => {},
})
const client = new Client({ node: process.argv[2], connection, httpCompress: true, basicAuth: ['elastic', 'pässword'] })
const info = await client.info()
const search = await client.search({ index: 'my-index', query: { match_all: {} } })
const bulk = await client.bulk({ operations: [{ index: { _index: 'my-index' } }, { title: 'Dune' }] })
const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{"title":"streamed"}')); c.close() } })
await client.index({ index: 'my-index', document: body })
// Without \`connection\`: the default of this entry, fetchConnection() over the global fetch.
const viaFetch = new Client({ node: process.argv[2], httpCompress: true, basicAuth: ['elastic', 'pässword'] })
const fetched = await viaFetch.search({ index: 'my-index', query: { match_all: {} } })
console.log(JSON.stringify({ info: info.name, total: search.hits.total, bulk: bulk.errors, fetched: fetched.hits.total }))
`,
    )
    const child = spawn(process.execPath, [join(dir, 'run.mjs'), server.url], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
    })
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString()
    })
    const [code] = await once(child, 'close')
    expect(err).toBe('')
    expect(code).toBe(0)
    expect(JSON.parse(out)).toEqual({ info: 'node-1', total: { value: 1 }, bulk: false, fetched: { value: 1 } })
    const [info, search, bulk, indexed, fetched] = server.requests
    expect(info?.headers['authorization']).toBe(`Basic ${Buffer.from('elastic:pässword').toString('base64')}`)
    expect(info?.headers['accept-encoding']).toBe('gzip')
    expect(search?.headers['content-encoding']).toBe('gzip')
    expect(JSON.parse(gunzipSync(search?.body as Buffer).toString())).toEqual({ query: { match_all: {} } })
    expect(gunzipSync(bulk?.body as Buffer).toString()).toBe('{"index":{"_index":"my-index"}}\n{"title":"Dune"}\n')
    expect(gunzipSync(indexed?.body as Buffer).toString()).toBe('{"title":"streamed"}')
    // fetch sends the gzipped bytes, and the answer fetch already decoded is not gunzipped a second time
    expect(fetched?.headers['content-encoding']).toBe('gzip')
    expect(fetched?.headers['authorization']).toBe(info?.headers['authorization'])
    expect(JSON.parse(gunzipSync(fetched?.body as Buffer).toString())).toEqual({ query: { match_all: {} } })
  })
})
