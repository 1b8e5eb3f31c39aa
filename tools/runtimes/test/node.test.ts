import { afterAll, beforeAll, describe } from 'vitest'
import {
  bundle,
  bundleFrom,
  type Clusters,
  distEntry,
  envWithoutExtraCa,
  resultsOf,
  run,
  scriptEntry,
  startClusters,
  writeBundle,
} from '../src/harness.js'
import type { Outcome, ScenarioConfig } from '../src/scenarios.js'
import { expectScenarios } from './expectations.js'

let clusters: Clusters
let results: Record<string, Outcome>
let distInputs: readonly string[] = []
beforeAll(async () => {
  clusters = await startClusters()
  // undici resolves names with the OS resolver, which does not know `*.localhost` here: the Cloud ID scenario gets
  // a lookup that answers 127.0.0.1
  const cloud = { ...(clusters.config.cloud as NonNullable<ScenarioConfig['cloud']>), loopbackLookup: true }
  const code = await bundle(scriptEntry({ ...clusters.config, cloud }, 'process.exit(0)', true), 'node')
  const dist = await bundleFrom('dist', distEntry, 'node')
  distInputs = dist.inputs
  const file = await writeBundle('scenarios.mjs', code, { 'dist.mjs': dist.code })
  try {
    const { stdout } = await run(process.execPath, [file.path], {
      env: envWithoutExtraCa(),
    })
    results = resultsOf(stdout)
    if (process.env['STRETCH_RUNTIMES_DUMP']) console.log(JSON.stringify(results, null, 1))
  } finally {
    await file.dispose()
  }
}, 120_000)
afterAll(() => clusters?.[Symbol.asyncDispose]())

describe('Node.js (its global fetch): Transport with fetchConnection against the test cluster', () => {
  expectScenarios(
    () => results,
    () => clusters,
    {
      runtime: 'node',
      name: /Node\.js/,
      caCerts: false,
      pin: 'refused',
      pinAlternative: /use undiciConnection\(\) of @stretch\/connection-undici/,
      noVerify: false,
      resetDeliveries: 1,
      proxy: 'refused',
      clientProxy: 'works',
      dist: { inputs: () => distInputs, clientEntry: 'index.js' },
      cloudId: true,
      // Node's fetch has no TLS option, so the default trust store: the cluster's CA is not in it
      untrusted: { code: 'ES_ERR_TLS', requestSent: false, message: /certificate/i },
      refused: { requestSent: false, message: /ECONNREFUSED/ },
    },
  )
})
