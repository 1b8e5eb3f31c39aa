// The FaaS examples of @stretch/client, as users deploy them: `esbuild --bundle --platform=node` of a handler that
// imports the installed packages (the tarballs pack.test.ts installed: dist, the published exports map, no source
// condition), as CommonJS and as an ES module, into a directory outside the project (nothing there can be resolved
// from node_modules), run in a fresh process against the test cluster's cloud endpoint.
//
// The examples configure nothing but ELASTIC_CLOUD_ID and ELASTIC_API_KEY. The cloud endpoint's name is made up
// (`<uuid>.es.stretch.test`), so the child reaches it the way a function in a private network reaches the
// internet: through an HTTP CONNECT proxy (HTTPS_PROXY, which the client honours), with the test CA trusted
// through NODE_EXTRA_CA_CERTS, as a function's runtime trusts its CAs.
import { once } from 'node:events'
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { createServer as createNetServer, connect as netConnect, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { CLOUD_DOMAIN, startCluster, type TestCluster } from '@stretch/test-cluster'
import { type NodeProcessResult, runNode } from '@stretch/test-utils'
import { build, type Metafile } from 'esbuild'

/** The banner an ES module bundle needs for undici's CommonJS: what the client's examples README documents. */
export const kEsmBanner = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"

/** One example of packages/client/examples. */
export interface Example {
  readonly file: string
  /** Calls the handler as its platform does; resolves to `{ status, hits, logs? }`. Runs in the child. */
  readonly invoke: string
}

/** The examples, each with how its platform calls it. */
export const examples: readonly Example[] = [
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

/** The test cluster with its cloud endpoint, seeded, behind a CONNECT proxy. */
export interface FaasBackend {
  readonly cluster: TestCluster
  readonly proxyUrl: string
  /** The CONNECT targets the proxy was asked for, in order. */
  readonly tunnels: readonly string[]
  close(): Promise<void>
}

/** Starts the cluster, indexes three books through its node over HTTPS, and starts the proxy. */
export async function startFaasBackend(): Promise<FaasBackend> {
  const cluster = await startCluster({ nodes: 1, security: true, cloud: true })
  await seed(cluster)
  const tunnels: string[] = []
  const sockets = new Set<Socket>()
  // A CONNECT proxy that tunnels to the cloud endpoint's made-up name only.
  const proxy: Server = createNetServer((socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
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
      sockets.add(upstream)
      upstream.once('close', () => sockets.delete(upstream))
      upstream.on('error', () => socket.destroy())
    })
  })
  proxy.listen(0, '127.0.0.1')
  await once(proxy, 'listening')
  return {
    cluster,
    proxyUrl: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`,
    tunnels,
    async close() {
      for (const socket of sockets) socket.destroy()
      proxy.close()
      await cluster.close()
    },
  }
}

// Plain HTTPS, not the client: what is under test here is the client as the bundles carry it.
async function seed(cluster: TestCluster): Promise<void> {
  const lines = [
    { index: { _index: 'my-index', _id: '1' } },
    { title: 'Dune' },
    { index: { _index: 'my-index', _id: '2' } },
    { title: 'Dune Messiah' },
    { index: { _index: 'my-index', _id: '3' } },
    { title: 'Neuromancer' },
  ]
  const body = `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`
  const url = new URL('/_bulk?refresh=true', cluster.url)
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: 'POST',
        ca: cluster.caCert as string,
        headers: {
          authorization: `Basic ${Buffer.from(`elastic:${cluster.password}`).toString('base64')}`,
          'content-type': 'application/x-ndjson',
        },
      },
      (res) => {
        res.resume()
        res.once('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.once('error', reject)
    req.end(body)
  })
  if (status !== 200) throw new Error(`seeding the FaaS test cluster answered ${status}`)
}

/**
 * Bundles `example` with esbuild as a user would, from `project` (where the packages are installed), into `outDir`.
 * @returns the bundle's path and the files esbuild read.
 */
export async function bundle(
  example: Example,
  options: { project: string; examples: string; outDir: string; format: 'cjs' | 'esm'; banner: boolean },
): Promise<{ file: string; inputs: string[]; warnings: unknown[] }> {
  // The handler sits in the user's project, so `@stretch/client` resolves to the installed tarball.
  const sources = join(options.project, 'faas')
  mkdirSync(sources, { recursive: true })
  const entry = join(sources, `${example.file}.ts`)
  copyFileSync(join(options.examples, `${example.file}.ts`), entry)
  const ext = options.format === 'cjs' ? 'cjs' : 'mjs'
  const file = join(options.outDir, `${example.file}${options.banner ? '' : '-no-banner'}.${ext}`)
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: options.project,
    bundle: true,
    platform: 'node',
    format: options.format,
    target: 'node20',
    outfile: file,
    metafile: true,
    logLevel: 'silent',
    ...(options.format === 'esm' && options.banner ? { banner: { js: kEsmBanner } } : {}),
  })
  return { file, inputs: Object.keys((result.metafile as Metafile).inputs), warnings: result.warnings }
}

/** Loads the bundle in a fresh process with the function's environment, invokes its handler once, prints the result. */
export async function invoke(
  example: Example,
  file: string,
  backend: FaasBackend,
  outDir: string,
): Promise<NodeProcessResult> {
  const esm = file.endsWith('.mjs')
  const runner = join(outDir, `run-${example.file}-${esm ? 'esm' : 'cjs'}.${esm ? 'mjs' : 'cjs'}`)
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
  const cluster = backend.cluster
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ELASTIC_CLOUD_ID: cluster.cloud?.cloudId,
    ELASTIC_API_KEY: cluster.createApiKey({ name: `faas-${example.file}` }).encoded,
    HTTPS_PROXY: backend.proxyUrl,
    NODE_EXTRA_CA_CERTS: cluster.caCertPath,
    NODE_OPTIONS: '',
  }
  for (const name of ['NO_PROXY', 'no_proxy', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) delete env[name]
  // A process held open by a socket would only show as a test timeout: runNode kills it after a minute.
  return runNode([runner], { cwd: outDir, env })
}

/** The titles of a handler's hits, sorted. */
export const titles = (hits: unknown): string[] =>
  (hits as Array<{ _source: { title: string } }>).map((hit) => hit._source.title).sort()
