import { afterAll, beforeAll, describe } from 'vitest'
import { type Clusters, runScriptScenarios, startClusters } from '../src/harness.js'
import type { Outcome } from '../src/scenarios.js'
import { expectScenarios } from './expectations.js'

let clusters: Clusters
let results: Record<string, Outcome>
let envResults: Record<string, Outcome>
let distInputs: readonly string[] = []
beforeAll(async () => {
  clusters = await startClusters()
  ;({ results, envResults, distInputs } = await runScriptScenarios(clusters, 'bun', 'process.exit(0)', (file) => [
    'run',
    file,
  ]))
}, 120_000)
afterAll(() => clusters?.[Symbol.asyncDispose]())

describe('Bun: Transport with fetchConnection against the test cluster', () => {
  expectScenarios(
    () => results,
    () => clusters,
    {
      runtime: 'bun',
      name: /Bun/,
      caCerts: true,
      pin: 'works',
      pinAlternative: /give the cluster's CA as tls\.ca \(caCerts\) with the leaf's fingerprint/,
      noVerify: true,
      resetDeliveries: 1,
      proxy: 'works',
      clientProxy: 'works',
      dist: { inputs: () => distInputs, clientEntry: 'index.web.js' },
      cloudId: true,
      envProxy: { results: () => envResults, proxyFalse: 'direct' },
      refused: { requestSent: false, message: /ConnectionRefused|Unable to connect/ },
    },
  )
})
