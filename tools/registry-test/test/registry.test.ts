// The release flow against a real registry. A copy of the repository runs `pnpm run version-packages` and
// `pnpm release` into a verdaccio on 127.0.0.1 (no uplink: undici is published into it from the local store, so
// nothing leaves loopback). A user project then installs @stretch/client and a third-party selector plugin with npm,
// as users do. Then transport gets a minor release, the user upgrades, and the same checks run again: one copy of
// @stretch/transport, `instanceof` with the client's re-exported classes for errors made in every package, the
// third-party selector in use.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, commitAll, copyRepo, root, run } from '../src/repo.js'

const work = mkdtempSync(join(tmpdir(), 'stretch-registry-'))
const repo = join(work, 'repo')
const app = join(work, 'app')
const fixtures = join(import.meta.dirname, '../fixtures')
const published = readdirSync(join(root, 'packages'))
// Every published package but transport and the client is a plugin (auth-*, pool-*, connection-*, helpers, otel and
// any later one) and peers on transport: CONTRIBUTING.md, "Plugins peer on transport".
const plugins = published.filter((dir) => dir !== 'transport' && dir !== 'client')
const kTransportPeer = '>=0.0.0 <1'

let verdaccio: ChildProcess | undefined
let registry = ''
let env: NodeJS.ProcessEnv = {}

const npm = (args: string[], cwd: string): Promise<string> => run('npm', args, { cwd, env })
const pnpm = (args: string[]): Promise<string> => run('pnpm', args, { cwd: repo, env })
const manifest = (dir: string) => JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8'))
const view = async (spec: string, field: string): Promise<unknown> =>
  JSON.parse(await npm(['view', spec, field, '--json'], work))

/** Every distinct installed copy of @stretch/transport in the user's project, as `path@version`. */
async function transportCopies(): Promise<string[]> {
  const out = await npm(['ls', '@stretch/transport', '--all', '--parseable', '--long'], app)
  return [...new Set(out.trim().split('\n'))].map((line) => line.split(':').slice(0, 2).join(' ').replace(app, '.'))
}

interface Seen {
  from: string | null
  name: string
  code: string
  isTransportError: boolean
  guard: boolean
  instanceOf: boolean
}
interface Check {
  classesAreTransports: boolean
  answers: string[]
  served: string[]
  errors: Record<string, Seen>
}

/** Runs the user's script (fixtures/check.mjs) in the user's project. */
async function userCheck(): Promise<Check> {
  cpSync(join(fixtures, 'check.mjs'), join(app, 'check.mjs'))
  return JSON.parse(await run('node', ['check.mjs'], { cwd: app, env }))
}

function expectUserSeesOneStretch(check: Check): void {
  expect(check.classesAreTransports).toBe(true)
  // the third-party selector picks the last of the two nodes, every time
  expect(check.answers).toEqual(['b', 'b', 'b'])
  expect(check.served).toEqual(['b', 'b', 'b', 'b'])
  const made = (from: string, name: string, code: string) => ({
    from,
    name,
    code,
    isTransportError: true,
    guard: true,
    instanceOf: true,
  })
  expect(check.errors).toEqual({
    response: made('@stretch/transport', 'ResponseError', 'ES_ERR_RESPONSE'),
    connection: made('@stretch/connection-undici', 'ConnectionError', 'ES_ERR_CONNECTION'),
    // checked by the client at construction (the package is imported by the first request); basic, API-key and
    // bearer credentials go through the transport's shared `checkCredential` (bearer's and API keys' token rules
    // are its `scheme` rule), so their error is made there, from the client's inlined copy of the checks as from
    // the plugin
    basicAuth: made('@stretch/transport', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    bearerAuth: made('@stretch/transport', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    apiKey: made('@stretch/transport', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    basicAuthPlugin: made('@stretch/transport', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    bearerAuthPlugin: made('@stretch/transport', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    apiKeyPlugin: made('@stretch/transport', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    bearerAuthScheme: made('@stretch/transport', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    apiKeyScheme: made('@stretch/transport', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    bearerAuthSchemePlugin: made('@stretch/transport', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    apiKeySchemePlugin: made('@stretch/transport', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    thirdParty: made('stretch-selector-last', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    // every other plugin's own errors, made in the package, and connection-fetch's refused connection
    randomPlugin: made('@stretch/pool-random', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    sniffingPlugin: made('@stretch/pool-sniffing', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    // the client's inlined copy of sniffing's checks
    sniffing: made('@stretch/client', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    fetchPlugin: made('@stretch/connection-fetch', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    fetchConnection: made('@stretch/connection-fetch', 'ConnectionError', 'ES_ERR_CONNECTION'),
    helpersPlugin: made('@stretch/helpers', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
    otelPlugin: made('@stretch/otel', 'ConfigurationError', 'ES_ERR_CONFIGURATION'),
  })
}

async function startVerdaccio(): Promise<void> {
  const config = join(work, 'verdaccio.yaml')
  // JSON is YAML. No uplinks: a package that is not published here does not exist.
  writeFileSync(
    config,
    JSON.stringify({
      storage: join(work, 'storage'),
      auth: { htpasswd: { file: join(work, 'htpasswd'), max_users: -1 } },
      uplinks: {},
      packages: { '**': { access: '$all', publish: '$all', unpublish: '$all' } },
      web: { enable: false },
      max_body_size: '200mb',
      log: { type: 'stdout', format: 'json', level: 'error' },
    }),
  )
  const child = spawn(process.execPath, [join(import.meta.dirname, '../src/verdaccio-server.mjs'), config], {
    cwd: work,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  verdaccio = child
  let line = ''
  for await (const chunk of child.stdout) {
    line += chunk
    if (line.includes('\n')) break
  }
  const { port } = JSON.parse(line.split('\n')[0] as string) as { port: number }
  registry = `http://127.0.0.1:${port}/`
  // a test-owned npm configuration: the local registry, a dummy token (npm refuses to publish without one) and a
  // cache of our own; the user's ~/.npmrc is not read
  const npmrc = join(work, 'npmrc')
  writeFileSync(
    npmrc,
    [
      `registry=${registry}`,
      `//127.0.0.1:${port}/:_authToken=registry-test-dummy-token`,
      `cache=${join(work, 'npm-cache')}`,
      'audit=false',
      'fund=false',
      'update-notifier=false',
      '',
    ].join('\n'),
  )
  env = cleanEnv({
    npm_config_userconfig: npmrc,
    npm_config_registry: registry,
    npm_config_cache: join(work, 'npm-cache'),
  })
}

beforeAll(async () => {
  await startVerdaccio()
  await copyRepo(repo)
  // pnpm reads a project's .npmrc even where it ignores npm_config_userconfig
  cpSync(join(work, 'npmrc'), join(repo, '.npmrc'))
  await commitAll(repo, 'the test registry')
  await pnpm(['install', '--frozen-lockfile', '--offline', '--reporter=silent'])

  // The third-party packages a user installs come from the local store (the registry has no uplink): undici, the
  // one runtime dependency, and @opentelemetry/api, the peer of @stretch/otel.
  for (const [from, dependency] of [
    ['connection-undici', 'undici'],
    ['otel', '@opentelemetry/api'],
  ] as const) {
    // The package's own link in pnpm's layout (@opentelemetry/api exports no `./package.json` to resolve), packed
    // from a copy: npm 11 crashes ("Exit handler never called") packing @opentelemetry/api inside pnpm's store.
    const source = join(work, 'third-party', dependency)
    cpSync(realpathSync(join(root, 'packages', from, 'node_modules', dependency)), source, { recursive: true })
    const packed = await npm(['pack', '--ignore-scripts', '--pack-destination', work, '--json'], source)
    const [{ filename }] = JSON.parse(packed) as [{ filename: string }]
    await npm(['publish', '--ignore-scripts', join(work, filename)], work)
  }
})

afterAll(async () => {
  if (verdaccio !== undefined && verdaccio.exitCode === null) {
    verdaccio.kill('SIGTERM')
    await once(verdaccio, 'exit')
  }
  rmSync(work, { recursive: true, force: true })
})

describe('the release flow into a local registry', () => {
  it('versions every package and releases it built, tagged and with the peer ranges plugin authors rely on', async () => {
    await pnpm(['run', 'version-packages'])
    for (const dir of published) expect(manifest(dir).version).toBe('0.1.0')
    // soft: a wrong range is reported, and the release and the user's checks still run
    for (const dir of plugins) {
      expect.soft(manifest(dir).peerDependencies?.['@stretch/transport'], dir).toBe(kTransportPeer)
    }
    // the "Version Packages" commit; `pnpm publish` wants a clean tree on main
    await commitAll(repo, 'Version Packages')

    await pnpm(['release'])

    const tags = (await run('git', ['tag', '--list'], { cwd: repo, env })).trim().split('\n').sort()
    expect(tags).toEqual(published.map((dir) => `${manifest(dir).name}@0.1.0`).sort())
    for (const dir of plugins) {
      const name = manifest(dir).name
      expect.soft(await view(`${name}@0.1.0`, 'peerDependencies'), name).toMatchObject({
        '@stretch/transport': kTransportPeer,
      })
      const dependencies = await view(`${name}@0.1.0`, 'dependencies').catch(() => ({}))
      expect.soft(dependencies).not.toHaveProperty('@stretch/transport')
    }
    expect(await view('@stretch/connection-undici@0.1.0', 'dependencies')).toEqual({ undici: '^7.30.2' })
  })

  it('a user installs @stretch/client and a third-party selector: one transport, instanceof holds everywhere', async () => {
    const plugin = join(work, 'selector-plugin')
    cpSync(join(fixtures, 'selector-plugin'), plugin, { recursive: true })
    await npm(['publish'], plugin)

    mkdirSync(app)
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
    await npm(
      [
        'install',
        '@stretch/client@^0.1.0',
        '@stretch/helpers@^0.1.0',
        '@stretch/otel@^0.1.0',
        'stretch-selector-last@^1.0.0',
      ],
      app,
    )

    expect(await transportCopies()).toEqual(['./node_modules/@stretch/transport @stretch/transport@0.1.0'])
    const installed = JSON.parse(readFileSync(join(app, 'node_modules/@stretch/client/package.json'), 'utf8'))
    expect(installed.version).toBe('0.1.0')
    expectUserSeesOneStretch(await userCheck())
  })

  it('after a transport minor, changesets bumps no plugin, and `npm update` gives the user one new transport', async () => {
    // a transport minor keeps the plugin contracts and everything the client re-exports (CONTRIBUTING.md,
    // "Versions"): the plugins' peer range still holds, so they are not bumped; the client takes the patch that
    // moves its dependency to ^0.2.0
    writeFileSync(join(repo, '.changeset/transport-next.md'), "---\n'@stretch/transport': minor\n---\n\nNew.\n")
    await pnpm(['run', 'version-packages'])
    // soft: what changesets computed is reported, and the user-facing checks below still run
    expect.soft(manifest('transport').version).toBe('0.2.0')
    expect.soft(manifest('client').version).toBe('0.1.1')
    for (const dir of plugins) {
      expect.soft(manifest(dir).version, `${dir} must not be re-released`).toBe('0.1.0')
      expect.soft(manifest(dir).peerDependencies?.['@stretch/transport'], dir).toBe(kTransportPeer)
    }
    await commitAll(repo, 'Version Packages')
    await pnpm(['release'])
    const tags = (await run('git', ['tag', '--list'], { cwd: repo, env })).trim().split('\n')
    expect(tags).toEqual(expect.arrayContaining(['@stretch/transport@0.2.0', '@stretch/client@0.1.1']))
    expect(await view('@stretch/transport', 'versions')).toEqual(['0.1.0', '0.2.0'])
    expect.soft(await view('@stretch/pool-random', 'versions')).toEqual(['0.1.0'])
    expect(await view('@stretch/client@0.1.1', 'dependencies')).toMatchObject({ '@stretch/transport': '^0.2.0' })

    await npm(['update'], app)

    const installed = JSON.parse(readFileSync(join(app, 'node_modules/@stretch/client/package.json'), 'utf8'))
    expect(installed.version).toBe('0.1.1')
    expect(await transportCopies()).toEqual(['./node_modules/@stretch/transport @stretch/transport@0.2.0'])
    expectUserSeesOneStretch(await userCheck())
  })
})
