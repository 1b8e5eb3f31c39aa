import { lookup, startCluster, type TestCluster } from '@stretch/test-cluster'
import { scenarios as allScenarios, type Scenario } from './scenarios.js'
import { type DemoTarget, remoteTarget } from './target.js'

/** Options of {@link runDemo}. @public */
export interface RunDemoOptions {
  /**
   * Where to read `ELASTICSEARCH_URL`, `ELASTIC_PASSWORD`, `ELASTIC_API_KEY`, `ES_CA_CERT`, `ES_FINGERPRINT`,
   * `ELASTIC_CLOUD_ID` and `ELASTIC_USERNAME` from. Default `process.env`. Without `ELASTICSEARCH_URL` and
   * `ELASTIC_CLOUD_ID`, the demo starts the embedded test cluster. Either way it writes the target's settings into
   * `process.env`, where the FaaS scenario's function reads them when it loads.
   */
  readonly env?: NodeJS.ProcessEnv
  /** Receives each line of output. Default: standard output. */
  readonly write?: (line: string) => void
  /** The scenarios to run. Default: all of them. */
  readonly scenarios?: readonly Scenario[]
}

/** What one scenario did. @public */
export interface ScenarioResult {
  readonly name: string
  readonly status: 'passed' | 'failed' | 'skipped'
  /** The one-line result, the reason of a skip, or the error message. */
  readonly detail: string
}

/** The outcome of {@link runDemo}. @public */
export interface DemoReport {
  readonly mode: DemoTarget['mode']
  readonly results: readonly ScenarioResult[]
  /** True when no scenario failed. */
  readonly ok: boolean
}

const marks = { passed: '✓', failed: '✗', skipped: '-' } as const

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  const line = text.split('\n')[0] ?? text
  return line.length > 240 ? `${line.slice(0, 237)}...` : line
}

/** Starts the embedded clusters and describes them as a target. */
async function embeddedTarget(
  write: (line: string) => void,
): Promise<{ target: DemoTarget; close: () => Promise<void> }> {
  const cluster: TestCluster = await startCluster({ nodes: 3, security: true, cloud: true })
  let open: TestCluster
  try {
    open = await startCluster({ nodes: 1, security: false, clusterName: 'stretch-open-cluster' })
  } catch (error) {
    await cluster.close()
    throw error
  }
  for (const line of cluster.banner().trimEnd().split('\n')) write(line)
  write('')
  for (const line of open.banner().trimEnd().split('\n')) write(line)
  write('')
  const target: DemoTarget = {
    mode: 'embedded',
    urls: cluster.urls,
    caCerts: cluster.caCertPath,
    fingerprint: cluster.caFingerprint,
    username: 'elastic',
    password: cluster.password,
    cloudId: cluster.cloud?.cloudId,
    // The cloud endpoint's CA is private and its domain made up: trust the CA and resolve the name to loopback.
    cloudExtras: { caCerts: cluster.caCert, lookup },
    openUrl: open.url,
    embedded: { cluster, open },
  }
  return { target, close: async () => void (await Promise.all([cluster.close(), open.close()])) }
}

// The FaaS scenario's function reads its configuration from process.env when its module loads, as a deployed
// function does: give it exactly the target's settings (and not stray ones of the shell, in embedded mode).
function exportForFunction(target: DemoTarget): void {
  const apiKey = target.embedded?.cluster.createApiKey({ name: 'faas-function' }).encoded ?? target.apiKey
  const settings: Record<string, string | undefined> = {
    ELASTICSEARCH_URL: target.urls[0],
    ES_CA_CERT: target.caCerts,
    ES_FINGERPRINT: target.caCerts === undefined ? target.fingerprint : undefined,
    ELASTIC_USERNAME: target.username,
    ELASTIC_PASSWORD: target.password,
    ELASTIC_API_KEY: apiKey,
  }
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
}

/**
 * Runs every scenario of the Connecting page and prints one line per scenario: against the embedded test cluster
 * (3 nodes with security, a cloud endpoint, and a cluster without security), or, with `ELASTICSEARCH_URL`, against
 * that cluster.
 * @public
 */
export async function runDemo(options: RunDemoOptions = {}): Promise<DemoReport> {
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`))
  const remote = remoteTarget(options.env ?? process.env)
  const setup =
    remote === undefined ? await embeddedTarget(write) : { target: remote, close: async (): Promise<void> => undefined }
  const { target } = setup
  exportForFunction(target)
  write(
    target.mode === 'embedded'
      ? 'Connecting scenarios, against the embedded test cluster:'
      : `Connecting scenarios, against ${target.urls.join(', ') || 'the Cloud ID'}:`,
  )
  const results: ScenarioResult[] = []
  const width = Math.max(...(options.scenarios ?? allScenarios).map((s) => s.name.length))
  try {
    for (const scenario of options.scenarios ?? allScenarios) {
      let result: ScenarioResult
      try {
        const outcome = await scenario.run(target)
        result =
          typeof outcome === 'string'
            ? { name: scenario.name, status: 'passed', detail: outcome }
            : { name: scenario.name, status: 'skipped', detail: `skipped: ${outcome.skipped}` }
      } catch (error) {
        result = { name: scenario.name, status: 'failed', detail: firstLine(error) }
      }
      results.push(result)
      write(`${marks[result.status]} ${result.name.padEnd(width)}  ${result.detail}`)
    }
  } finally {
    await setup.close()
  }
  const count = (status: ScenarioResult['status']): number => results.filter((r) => r.status === status).length
  write('')
  write(`${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`)
  return { mode: target.mode, results, ok: count('failed') === 0 }
}
