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
    const code = await bundle(scriptEntry(config, 'Deno.exit(0)'), 'deno')
    const file = await writeBundle('scenarios.mjs', code)
    try {
      const { stdout } = await run(runtimeBin('deno'), ['run', '--allow-net=127.0.0.1', '--allow-env', file.path], {
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

describe('Deno: Transport with fetchConnection against the test cluster', () => {
  expectScenarios(
    () => results,
    () => clusters,
    {
      runtime: 'deno',
      name: /Deno/,
      caCerts: true,
      pin: 'refused',
      noVerify: false,
      resetDeliveries: 'runtime-may-resend',
      proxy: 'works',
      clientProxy: 'works',
      envProxy: { results: () => envResults, proxyFalse: 'refused' },
      refused: { requestSent: false, message: /Connection refused|tcp connect error/i },
    },
  )
})
