import { afterAll, beforeAll, describe } from 'vitest'
import {
  bundle,
  type Clusters,
  envWithoutExtraCa,
  resultsOf,
  run,
  runtimeBin,
  scriptEntry,
  startClusters,
  writeBundle,
} from '../src/harness.js'
import type { Outcome } from '../src/scenarios.js'
import { expectScenarios } from './expectations.js'

let clusters: Clusters
let results: Record<string, Outcome>
beforeAll(async () => {
  clusters = await startClusters()
  const code = await bundle(scriptEntry(clusters.config, 'process.exit(0)'), 'bun')
  const file = await writeBundle('scenarios.mjs', code)
  try {
    const { stdout } = await run(runtimeBin('bun'), ['run', file.path], {
      env: envWithoutExtraCa(),
    })
    results = resultsOf(stdout)
    if (process.env['STRETCH_RUNTIMES_DUMP']) console.log(JSON.stringify(results, null, 1))
  } finally {
    await file.dispose()
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
      refused: { requestSent: false, message: /ConnectionRefused|Unable to connect/ },
    },
  )
})
