// The Node side of the runtime suites: the test clusters, a bundle per runtime, the runtime processes.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { connect } from 'node:tls'
import { fileURLToPath } from 'node:url'
import { type CorsOptions, startCluster, type TestCluster } from '@stretch/test-cluster'
import { fingerprintOf, startProxy, type TestProxy } from '@stretch/test-utils'
import { build } from 'esbuild'
import { envProxyScenarios, type Outcome, type ScenarioConfig } from './scenarios.js'

const here = dirname(fileURLToPath(import.meta.url))
/** The folder of this package. */
export const packageDir: string = join(here, '..')
const bin = (name: string): string => join(packageDir, 'node_modules', '.bin', name)

/** The clusters of one suite and what a runtime needs to reach them. */
export interface Clusters extends AsyncDisposable {
  readonly http: TestCluster
  readonly https: TestCluster
  /** A forward proxy that wants credentials (`config.proxy`), and CONNECTs to the HTTPS cluster's port only. */
  readonly proxy: TestProxy
  readonly config: ScenarioConfig
}

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * Starts the clusters once per suite: two plain-HTTP nodes with security on (CORS when asked), one HTTPS node, and a
 * forward proxy in front of them.
 */
export async function startClusters(cors?: CorsOptions): Promise<Clusters> {
  const http = await startCluster({ nodes: 2, tls: false, ...(cors === undefined ? {} : { cors }) })
  // The HTTPS cluster also serves an Elastic Cloud-like endpoint whose Cloud ID names `localhost`: its URL
  // `https://<uuid>.localhost:<port>` resolves to loopback in Deno, Bun and Chromium without any DNS set-up.
  const https = await startCluster({
    nodes: 1,
    clientAuthentication: 'optional',
    cloud: { host: 'localhost' },
    ...(cors === undefined ? {} : { cors }),
  })
  const cloud = https.cloud as NonNullable<TestCluster['cloud']>
  const client = await https.createClientCertificate('stretch-runtime')
  http.inject({ type: 'hang' }, { times: Number.POSITIVE_INFINITY, match: { path: '/_hang' } })
  http.inject({ type: 'reset', when: 'after-body' }, { times: Number.POSITIVE_INFINITY, match: { path: '/_reset' } })
  const apiKey = http.createApiKey({ name: 'runtimes' }).encoded
  const bearer = http.createToken().access_token
  const proxyCredentials = { username: 'runtime', password: 'proxy-secret' }
  const proxy = await startProxy({ connectPorts: [Number(new URL(https.url).port)], credentials: proxyCredentials })
  const config: ScenarioConfig = {
    http: { urls: http.urls, password: http.password, apiKey, bearer },
    stopped: `http://127.0.0.1:${await freePort()}`,
    proxy: {
      url: `http://${proxyCredentials.username}:${proxyCredentials.password}@127.0.0.1:${proxy.port}`,
      anonymous: proxy.url,
    },
    https: {
      url: https.url,
      password: https.password,
      ca: https.caCert as string,
      leafFingerprint: fingerprintOf(https.nodeCert as string),
      cert: client.cert,
      key: client.key,
    },
    cloud: { id: cloud.cloudId, password: https.password, ca: https.caCert as string },
  }
  const close = async (): Promise<void> => {
    await Promise.all([http.close(), https.close(), proxy.close()])
  }
  return { http, https, proxy, config, [Symbol.asyncDispose]: close }
}

/**
 * The base64 SHA-256 of the public key (SPKI) of the certificate that `127.0.0.1:port` presents for `servername`:
 * what Chromium's `--ignore-certificate-errors-spki-list` takes to trust that one certificate and no other.
 */
export async function spkiSha256(port: number, servername: string): Promise<string> {
  // rejectUnauthorized: false on this one socket only, to read the certificate it presents (no request is sent)
  const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false })
  await once(socket, 'secureConnect')
  const cert = socket.getPeerX509Certificate()
  socket.destroy()
  if (cert === undefined) throw new Error(`no certificate from 127.0.0.1:${port}`)
  const der = cert.publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(der).digest('base64')
}

/** How a bundle is built for a runtime. */
export type Target = 'node' | 'deno' | 'bun' | 'workerd' | 'browser'

/**
 * Bundles `entry` (code that imports `runScenarios` from './src/scenarios.ts') for a runtime with esbuild, from the
 * workspace sources (the `@stretch/source` condition), and returns the bundle's text.
 */
export async function bundle(entry: string, target: Target, minify = false): Promise<string> {
  return (await bundleFrom('source', entry, target, minify)).code
}

/**
 * Bundles `entry` as {@link bundle} does, from the workspace sources or from the built packages: `'dist'` leaves
 * out the `@stretch/source` condition, so each package resolves through the same conditions as its
 * `publishConfig.exports` (`deno`, `bun`, `workerd`, `worker`, `browser`, `node`) to its `dist/` files. Returns the
 * code and the workspace files the bundle took in (relative to the repository).
 */
export async function bundleFrom(
  from: 'source' | 'dist',
  entry: string,
  target: Target,
  minify = false,
): Promise<{ code: string; inputs: readonly string[] }> {
  const runtime =
    target === 'workerd' ? ['workerd', 'worker', 'browser'] : target === 'browser' ? ['browser'] : [target]
  const conditions = from === 'source' ? ['@stretch/source', ...runtime] : runtime
  const result = await build({
    metafile: true,
    stdin: { contents: entry, resolveDir: packageDir, loader: 'ts', sourcefile: `${target}-entry.ts` },
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    platform: target === 'browser' ? 'browser' : 'neutral',
    mainFields: ['module', 'main'],
    conditions,
    // Deno and Bun provide Node's built-ins (the scenarios' own harness code may use them); workerd runs without
    // nodejs_compat and a browser has none, so a `node:` import there fails the bundle.
    external: target === 'browser' || target === 'workerd' ? [] : ['node:*'],
    minify,
    // On Node the client picks undici, which is CommonJS: an ES module bundle gives it a `require` (evanw/esbuild#1921).
    ...(target === 'node'
      ? {
          banner: {
            js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
          },
        }
      : {}),
    logLevel: 'silent',
  })
  const root = join(packageDir, '..', '..')
  const inputs = Object.keys(result.metafile.inputs).map((file) => relative(root, join(packageDir, file)))
  return { code: result.outputFiles[0]?.text ?? '', inputs }
}

/**
 * The entry of the dist bundle: `run(config)` runs the `client` scenario with `@stretch/client` as built. A
 * runtime's main bundle imports it at run time (a module of its own, beside the main one) and reports its outcome
 * as `clientDist`, so that each runtime still starts once per suite.
 */
export const distEntry = `import { runScenarios } from './src/scenarios.ts'
export function run(config) {
  return runScenarios({ ...config, only: ['client'] })
}
`

/**
 * Code for a main entry: imports the dist bundle from `specifier` (a variable, so esbuild leaves it to the runtime)
 * and adds its `client` outcome to `results` as `clientDist`.
 */
export function withDist(results: string, config: ScenarioConfig, specifier: string): string {
  return `const distSpecifier = ${JSON.stringify(specifier)}
const dist = await import(distSpecifier)
${results}.clientDist = (await dist.run(${JSON.stringify(config)})).client
`
}

/**
 * The entry of a script runtime (Deno, Bun, Node): runs the scenarios and prints them as one JSON line; with `dist`,
 * also the dist bundle's `client` scenario, imported from `./dist.mjs` beside it (see {@link withDist}).
 */
export function scriptEntry(config: ScenarioConfig, exit: string, dist = false): string {
  return `import { runScenarios } from './src/scenarios.ts'
const results = await runScenarios(${JSON.stringify(config)})
${dist ? withDist('results', config, './dist.mjs') : ''}console.log('RESULTS ' + JSON.stringify(results))
${exit}
`
}

/** Runs a command to its end; resolves with its output, rejects with it when the exit code is not 0. */
export async function run(
  command: string,
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly cwd?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: 'pipe' })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const [code] = (await once(child, 'close')) as [number | null]
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}\n${stdout}`)
  return { stdout, stderr }
}

/** The environment with HTTP_PROXY and HTTPS_PROXY set to the suite's proxy (with its credentials). */
export function envWithProxy(clusters: Clusters): NodeJS.ProcessEnv {
  const url = clusters.config.proxy?.url as string
  return { ...envWithoutExtraCa(), HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url }
}

/** The environment without the machine's extra CA: "no CA given" must mean no CA. */
export function envWithoutExtraCa(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  delete env['NODE_EXTRA_CA_CERTS']
  delete env['DENO_CERT']
  // The machine's own proxy settings must not reroute the loopback clusters (Deno and Bun apply them to 127.0.0.1).
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY']) {
    delete env[name]
    delete env[name.toLowerCase()]
  }
  return env
}

/** Parses the `RESULTS {...}` line a script printed. */
export function resultsOf(stdout: string): Record<string, Outcome> {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULTS '))
  if (line === undefined) throw new Error(`no RESULTS line in:\n${stdout}`)
  return JSON.parse(line.slice('RESULTS '.length)) as Record<string, Outcome>
}

/**
 * Writes a bundle to a fresh temporary folder, with other modules beside it (`name` to code); `dispose` removes it.
 */
export async function writeBundle(
  name: string,
  code: string,
  beside: Readonly<Record<string, string>> = {},
): Promise<{ path: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'stretch-runtimes-'))
  const path = join(dir, name)
  await writeFile(path, code)
  for (const [other, text] of Object.entries(beside)) await writeFile(join(dir, other), text)
  return { path, dispose: () => rm(dir, { recursive: true, force: true }) }
}

/**
 * Runs the scenarios in a script runtime twice, each in a fresh process of a fresh bundle: all of them, then the
 * env-proxy ones with HTTP_PROXY and HTTPS_PROXY set to the suite's proxy. `args` gives the runtime's command line
 * for the bundle's path; `exit` is the runtime's way to end the script.
 */
export async function runScriptScenarios(
  clusters: Clusters,
  runtime: 'deno' | 'bun',
  exit: string,
  args: (file: string) => readonly string[],
): Promise<{
  results: Record<string, Outcome>
  envResults: Record<string, Outcome>
  distInputs: readonly string[]
}> {
  const out: Record<string, Record<string, Outcome>> = {}
  // The first process also runs the client from its built dist (beside the sources' bundle, in the same process).
  const dist = await bundleFrom('dist', distEntry, runtime)
  for (const env of ['none', 'proxy'] as const) {
    const config = env === 'none' ? clusters.config : { ...clusters.config, only: envProxyScenarios }
    const main = await bundle(scriptEntry(config, exit, env === 'none'), runtime)
    const file = await writeBundle('scenarios.mjs', main, env === 'none' ? { 'dist.mjs': dist.code } : {})
    try {
      const { stdout } = await run(runtimeBin(runtime), args(file.path), {
        env: env === 'none' ? envWithoutExtraCa() : envWithProxy(clusters),
      })
      out[env] = resultsOf(stdout)
      if (process.env['STRETCH_RUNTIMES_DUMP']) console.log(stdout)
    } finally {
      await file.dispose()
    }
  }
  return {
    results: out['none'] as Record<string, Outcome>,
    envResults: out['proxy'] as Record<string, Outcome>,
    distInputs: dist.inputs,
  }
}

/** The path of an installed runtime binary (`deno`, `bun`). */
export function runtimeBin(name: 'deno' | 'bun'): string {
  return bin(name)
}
