// The auth schemes and sniffing are packages of their own, imported by the first request that needs them rather than
// with the client (a cold start pays for each module it loads). Seen from outside: a fresh process that imports and
// constructs the client loads none of them (but their `./checks` modules, which the client's build copies into its
// bundle), the first request loads the one its options name (and sends the credentials), and a bad option still
// fails `new Client()` with the package's own message.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { apiKeyAuth } from '@stretch/auth-api-key'
import { basicAuth } from '@stretch/auth-basic'
import { bearerAuth } from '@stretch/auth-bearer'
import { sniffing } from '@stretch/pool-sniffing'
import { runNode, startServer, type TestServer } from '@stretch/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, ConfigurationError } from '../src/index.js'

let server: TestServer
let dir: string
beforeAll(async () => {
  server = await startServer((_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'x-elastic-product': 'Elasticsearch', 'content-type': 'application/json' })
    res.end(JSON.stringify({ cluster_name: 'cold', version: { number: '9.1.0' } }))
  })
  dir = mkdtempSync(join(tmpdir(), 'stretch-lazy-plugins-'))
})
afterAll(async () => {
  await server?.close()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

const kPlugins = ['auth-api-key', 'auth-basic', 'auth-bearer', 'pool-sniffing'] as const

/** Runs one cold start; returns the plugin packages loaded in each phase. */
async function coldStart(
  name: string,
  options: object,
): Promise<{ atImport: string[]; atConstruction: string[]; byFirstAnswer: string[]; answer: unknown }> {
  const log = join(dir, `${name}.log`)
  // From the TypeScript sources (no build needed): the condition picks src/, the hooks strip the types.
  const { code, stdout, stderr } = await runNode(
    [
      '--conditions=@stretch/source',
      '--import',
      fileURLToPath(new URL('./fixtures/register-ts.mjs', import.meta.url)),
      '--import',
      fileURLToPath(new URL('./fixtures/record-loads.mjs', import.meta.url)),
      fileURLToPath(new URL('./fixtures/cold-start-loads.mjs', import.meta.url)),
    ],
    { env: { ...process.env, STRETCH_LOAD_LOG: log, ES_URL: server.url, CLIENT_OPTIONS: JSON.stringify(options) } },
  )
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
  const phases: string[][] = [[]]
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    if (line.startsWith('-- ')) phases.push([])
    // The packages' `./checks` modules are not counted: the client checks options with them at construction, and
    // its build copies them into its bundle (stretchBuild.inline), so a built client loads no module of theirs.
    if (/\/packages\/[a-z-]+\/src\/checks\.ts/.test(line)) continue
    const plugin = kPlugins.find((p) => line.includes(`/packages/${p}/`))
    if (plugin !== undefined && !(phases.at(-1) as string[]).includes(plugin)) (phases.at(-1) as string[]).push(plugin)
  }
  const [atImport = [], atConstruction = [], byFirstAnswer = []] = phases
  return { atImport, atConstruction, byFirstAnswer, answer: JSON.parse(stdout) }
}

describe('a cold start', () => {
  // Each is a fresh process that transpiles the sources: seconds, not milliseconds.
  it('loads no auth or sniffing package when the options name none', { timeout: 60_000 }, async () => {
    const run = await coldStart('none', {})
    expect(run).toEqual({
      atImport: [],
      atConstruction: [],
      byFirstAnswer: [],
      answer: { cluster_name: 'cold', version: { number: '9.1.0' } },
    })
  })

  it('loads the auth scheme it is given on the first request, and sends its credentials', {
    timeout: 180_000,
  }, async () => {
    const before = server.requests.length
    const run = await coldStart('api-key', { apiKey: { id: 'fn', apiKey: 'secret' } })
    expect(run.atImport).toEqual([])
    expect(run.atConstruction).toEqual([])
    expect(run.byFirstAnswer).toEqual(['auth-api-key'])
    expect(server.requests.slice(before).map((r) => r.headers.authorization)).toEqual([
      `ApiKey ${Buffer.from('fn:secret').toString('base64')}`,
    ])

    const basic = await coldStart('basic', { basicAuth: ['elastic', 'changeme'] })
    expect([basic.atImport, basic.atConstruction, basic.byFirstAnswer]).toEqual([[], [], ['auth-basic']])
    const bearer = await coldStart('bearer', { bearerAuth: 'tok3n' })
    expect([bearer.atImport, bearer.atConstruction, bearer.byFirstAnswer]).toEqual([[], [], ['auth-bearer']])
    expect(server.requests.slice(-2).map((r) => r.headers.authorization)).toEqual([
      `Basic ${Buffer.from('elastic:changeme').toString('base64')}`,
      'Bearer tok3n',
    ])
  })

  it('loads sniffing on the first request when a sniff option is on', { timeout: 60_000 }, async () => {
    const run = await coldStart('sniff', { sniffOnNodeFailure: true })
    expect([run.atImport, run.atConstruction, run.byFirstAnswer]).toEqual([[], [], ['pool-sniffing']])
  })
})

/** The message `make` throws, which must be a ConfigurationError. */
function messageOf(make: () => unknown): string {
  try {
    make()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError)
    return (error as Error).message
  }
  throw new Error('did not throw')
}

describe('a bad auth or sniffing option', () => {
  const node = 'http://127.0.0.1:9200'
  const bad: ReadonlyArray<[string, () => unknown, () => unknown]> = [
    ...[
      ['elastic'],
      'elastic:changeme',
      null,
      { username: 'elastic' },
      { username: '', password: 'x' },
      ['el:astic', 'x'],
      ['elastic', 'pw\n'],
      [1, 'x'],
    ].map((value): [string, () => unknown, () => unknown] => [
      `basicAuth ${JSON.stringify(value)}`,
      () => new Client({ node, basicAuth: value as never }),
      () => basicAuth(value as never),
    ]),
    ...[
      'ApiKey abc',
      'a b',
      '',
      ['id'],
      { id: 'a:b', apiKey: 'k' },
      { id: 'a', api_key: 'k' },
      { id: 'a', apiKey: 'k\r' },
      42,
    ].map((value): [string, () => unknown, () => unknown] => [
      `apiKey ${JSON.stringify(value)}`,
      () => new Client({ node, apiKey: value as never }),
      () => apiKeyAuth(value as never),
    ]),
    ...['', 'Bearer abc', 'a b', 'tok\n', 'tøken', 7, null].map((value): [string, () => unknown, () => unknown] => [
      `bearerAuth ${JSON.stringify(value)}`,
      () => new Client({ node, bearerAuth: value as never }),
      () => bearerAuth(value as never),
    ]),
    ...[
      { sniffInterval: 60_000, sniffOnStart: 'yes' },
      { sniffInterval: 60_000, sniffOnNodeFailure: 1 },
      { sniffOnNodeFailure: true, sniffInterval: -5 },
      { sniffOnStart: true, sniffTimeout: 0 },
      { sniffOnStart: true, sniffEndpoint: 'a b' },
      { sniffOnStart: true, sniffEndpoint: '' },
      { sniffOnStart: true, nodeFilter: 'master' },
      // A wrong trigger alone is refused too, not taken for "sniffing off"
      { sniffOnStart: 'yes' },
      { sniffOnNodeFailure: 1 },
      { sniffInterval: -5 },
      { sniffInterval: '60s' },
    ].map((value): [string, () => unknown, () => unknown] => [
      `sniffing ${JSON.stringify(value)}`,
      () => new Client({ node, ...(value as object) }),
      () => sniffing(value as never),
    ]),
  ]
  it.each(bad)('%s: the constructor throws what the package throws', (_name, client, plugin) => {
    expect(messageOf(client)).toBe(messageOf(plugin))
  })
})
