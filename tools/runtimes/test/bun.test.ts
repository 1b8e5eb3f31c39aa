import { afterAll, beforeAll, describe } from 'vitest'
import {
  bundle,
  type Clusters,
  envWithoutExtraCa,
  envWithProxy,
  resultsOf,
  run,
  runtimeBin,
  scriptEntry,
  startClusters,
  writeBundle,
} from '../src/harness.js'
import { envProxyScenarios, type Outcome } from '../src/scenarios.js'
import { expectScenarios } from './expectations.js'

let clusters: Clusters
let results: Record<string, Outcome>
let envResults: Record<string, Outcome>
beforeAll(async () => {
  clusters = await startClusters()
  // Two processes: the scenarios, then the env-proxy ones with HTTP_PROXY and HTTPS_PROXY set to the proxy.
  for (const env of ['none', 'proxy'] as const) {
    const config = env === 'none' ? clusters.config : { ...clusters.config, only: envProxyScenarios }
    const code = await bundle(scriptEntry(config, 'process.exit(0)'), 'bun')
    const file = await writeBundle('scenarios.mjs', code)
    try {
      const { stdout } = await run(runtimeBin('bun'), ['run', file.path], {
        env: env === 'none' ? envWithoutExtraCa() : envWithProxy(clusters),
      })
      if (env === 'none') results = resultsOf(stdout)
      else envResults = resultsOf(stdout)
      if (process.env['STRETCH_RUNTIMES_DUMP']) console.log(stdout)
    } finally {
      await file.dispose()
    }
  }
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
      noVerify: true,
      resetDeliveries: 1,
      proxy: 'works',
      clientProxy: 'works',
      envProxy: { results: () => envResults, proxyFalse: 'direct' },
      refused: { requestSent: false, message: /ConnectionRefused|Unable to connect/ },
    },
  )
})
