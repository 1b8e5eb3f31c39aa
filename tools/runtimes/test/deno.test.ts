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
  const code = await bundle(scriptEntry(clusters.config, 'Deno.exit(0)'), 'deno')
  const file = await writeBundle('scenarios.mjs', code)
  try {
    const { stdout } = await run(runtimeBin('deno'), ['run', '--allow-net=127.0.0.1', '--allow-env', file.path], {
      env: envWithoutExtraCa(),
    })
    results = resultsOf(stdout)
    if (process.env['STRETCH_RUNTIMES_DUMP']) console.log(JSON.stringify(results, null, 1))
  } finally {
    await file.dispose()
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
      refused: { requestSent: false, message: /Connection refused|tcp connect error/i },
    },
  )
})
