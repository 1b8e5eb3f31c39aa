// Functions as a service are deployed bundled: `esbuild --bundle --platform=node` of a handler, one file uploaded
// without node_modules (AWS Lambda, Azure Functions, Cloud Functions). Each FaaS example is bundled here, as CommonJS
// and as an ES module, into a temporary directory outside the repository (nothing there can be resolved from
// node_modules), run in a fresh process against the test cluster's cloud endpoint, and its handler's answer checked.
//
// The examples configure nothing but ELASTIC_CLOUD_ID and ELASTIC_API_KEY. The cloud endpoint's name is made up
// (`<uuid>.es.stretch.test`), so the child reaches it the way a function in a private network reaches the
// internet: through an HTTP CONNECT proxy (HTTPS_PROXY, which the client honours), with the test CA trusted
// through NODE_EXTRA_CA_CERTS, as a function's runtime trusts its CAs.
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createNetServer, connect as netConnect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CLOUD_DOMAIN, startCluster, type TestCluster } from '@stretch/test-cluster'
import { runNode } from '@stretch/test-utils'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '../src/index.js'

// An ES module bundle of CommonJS code (undici is CommonJS) needs a `require`: esbuild's documented banner.
const kEsmBanner = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"

interface Example {
  readonly file: string
  /** Calls the handler as its platform does; resolves to `{ status, hits, logs? }`. Runs in the child. */
  readonly invoke: string
}

const examples: readonly Example[] = [
  {
    file: 'aws-lambda',
    invoke: `async (fn) => {
      const r = await fn.handler({ queryStringParameters: { q: 'dune' } })
      return { status: r.statusCode, hits: JSON.parse(r.body) }
    }`,
  },
  {
    file: 'azure-functions',
    invoke: `async (fn) => {
      const logs = []
      const r = await fn.handler({ query: new URLSearchParams('q=dune') }, { log: (...a) => logs.push(a.join(' ')) })
      return { status: r.status, hits: r.jsonBody, logs }
    }`,
  },
  {
    file: 'gcp-cloud-functions',
    invoke: `async (fn) => {
      let out
      await fn.search({ query: { q: 'dune' } }, { status: (code) => ({ json: (body) => { out = { status: code, hits: body } } }) })
      return out
    }`,
  },
]

let cluster: TestCluster
let proxy: Server
let proxyUrl: string
const tunnels: string[] = []
const proxySockets = new Set<Socket>()
let dir: string

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1, security: true, cloud: true })
  const seed = new Client({ node: cluster.url, caCerts: cluster.caCertPath!, basicAuth: ['elastic', cluster.password] })
  await seed.bulk({
    operations: [
      { index: { _index: 'my-index', _id: '1' } },
      { title: 'Dune' },
      { index: { _index: 'my-index', _id: '2' } },
      { title: 'Dune Messiah' },
      { index: { _index: 'my-index', _id: '3' } },
      { title: 'Neuromancer' },
    ],
    refresh: true,
  })
  await seed.close()

  // A CONNECT proxy that tunnels to the cloud endpoint's made-up name only.
  proxy = createNetServer((socket: Socket) => {
    proxySockets.add(socket)
    socket.once('close', () => proxySockets.delete(socket))
    socket.on('error', () => socket.destroy())
    socket.once('data', (head: Buffer) => {
      const target = /^CONNECT (\S+) HTTP\/1\.1\r\n/.exec(head.toString('latin1'))?.[1] ?? ''
      tunnels.push(target)
      const [host, port] = target.split(':')
      if (!host?.endsWith(`.${CLOUD_DOMAIN}`)) {
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
        return
      }
      const upstream = netConnect(Number(port), '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.pipe(socket)
        socket.pipe(upstream)
      })
      proxySockets.add(upstream)
      upstream.once('close', () => proxySockets.delete(upstream))
      upstream.on('error', () => socket.destroy())
    })
  })
  proxy.listen(0, '127.0.0.1')
  await once(proxy, 'listening')
  proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`
  // Outside the repository: a bundle that still needed node_modules fails here.
  dir = mkdtempSync(join(tmpdir(), 'stretch-faas-bundle-'))
}, 60_000)

afterAll(async () => {
  for (const socket of proxySockets) socket.destroy()
  proxy?.close()
  await cluster?.close()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

async function bundle(example: Example, format: 'cjs' | 'esm', banner: boolean): Promise<string> {
  const outfile = join(dir, `${example.file}${banner ? '' : '-no-banner'}.${format === 'cjs' ? 'cjs' : 'mjs'}`)
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`../examples/${example.file}.ts`, import.meta.url))],
    bundle: true,
    platform: 'node',
    format,
    target: 'node20',
    // From the TypeScript sources, as the tests run (no build needed): the workspace packages' source condition.
    conditions: ['@stretch/source'],
    outfile,
    metafile: true,
    logLevel: 'silent',
    ...(format === 'esm' && banner ? { banner: { js: kEsmBanner } } : {}),
  })
  // undici is in the bundle (its Pool: see cold-start.test.ts), not left to a require() only node_modules answers.
  expect(Object.keys(result.metafile.inputs).some((path) => path.endsWith('undici/lib/dispatcher/pool.js'))).toBe(true)
  expect(result.warnings).toEqual([])
  return outfile
}

interface ChildResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Loads the bundle in a fresh process with the function's environment, invokes its handler once, prints the result. */
async function invoke(example: Example, file: string): Promise<ChildResult> {
  const esm = file.endsWith('.mjs')
  const runner = join(dir, `run-${example.file}-${esm ? 'esm' : 'cjs'}.${esm ? 'mjs' : 'cjs'}`)
  const load = esm ? `await import(${JSON.stringify(file)})` : `require(${JSON.stringify(file)})`
  writeFileSync(
    runner,
    `;(async () => {\n` +
      `  const fn = ${load}\n` +
      `  try {\n` +
      `    process.stdout.write(JSON.stringify(await (${example.invoke})(fn)))\n` +
      `  } catch (error) {\n` +
      `    process.stdout.write(JSON.stringify({ error: { name: error.name, code: error.code, message: error.message } }))\n` +
      `  }\n` +
      // No close() and no process.exit(): a function's process must be able to end with the client's sockets idle.
      `})()\n`,
  )
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ELASTIC_CLOUD_ID: cluster.cloud!.cloudId,
    ELASTIC_API_KEY: cluster.createApiKey({ name: `faas-${example.file}` }).encoded,
    HTTPS_PROXY: proxyUrl,
    NODE_EXTRA_CA_CERTS: cluster.caCertPath!,
    NODE_OPTIONS: '',
  }
  for (const name of ['NO_PROXY', 'no_proxy', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) delete env[name]
  // A process held open by a socket would only show as a test timeout: runNode kills it after a minute.
  return runNode([runner], { cwd: dir, env })
}

const titles = (hits: unknown): string[] =>
  (hits as Array<{ _source: { title: string } }>).map((hit) => hit._source.title).sort()

describe.each(['cjs', 'esm'] as const)('a FaaS example bundled by esbuild (--format=%s --platform=node)', (format) => {
  it.each(examples)('$file runs with no node_modules beside it and answers through its handler', async (example) => {
    const file = await bundle(example, format, true)
    const before = tunnels.length
    const { code, stdout, stderr } = await invoke(example, file)

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    const result = JSON.parse(stdout) as { status: number; hits: unknown; logs?: string[] }
    expect(result.status).toBe(200)
    expect(titles(result.hits)).toEqual(['Dune', 'Dune Messiah'])
    if (example.file === 'azure-functions') expect(result.logs).toEqual(['search for dune: 2 hits'])
    // It went to the cloud endpoint of its Cloud ID (through the proxy), over one tunnel.
    expect(tunnels.slice(before)).toEqual([`${cluster.cloud!.hostname}:${cluster.cloud!.port}`])
    // The bundle carries the versions as constants: the user-agent names the client's version.
    const seen = cluster.cloud!.node.requests.at(-1)!
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    expect(seen.headers['user-agent']).toMatch(new RegExp(`^stretch/${version.replaceAll('.', '\\.')} \\(Node\\.js v`))
  })
})

describe('an ES module bundle without a require banner', () => {
  it('fails its first request with a ConfigurationError that says how to bundle undici', async () => {
    const example = examples[0]!
    const { code, stdout, stderr } = await invoke(example, await bundle(example, 'esm', false))

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    const { error } = JSON.parse(stdout) as { error: { name: string; code: string; message: string } }
    expect(error.name).toBe('ConfigurationError')
    expect(error.code).toBe('ES_ERR_CONFIGURATION')
    expect(error.message).toContain('@stretch/connection-undici cannot load undici (Dynamic require of "node:')
    expect(error.message).toContain(
      "bundle as CommonJS, or add the banner `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url)`",
    )
  })
})
