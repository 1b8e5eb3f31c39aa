import { dirname } from 'node:path'
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
  ;({ results, envResults, distInputs } = await runScriptScenarios(clusters, 'deno', 'Deno.exit(0)', (file) => [
    'run',
    '--allow-net=127.0.0.1',
    '--allow-env',
    // the dist bundle beside the main one (imported at run time)
    `--allow-read=${dirname(file)}`,
    file,
  ]))
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
      pinAlternative: /give the cluster's CA as tls\.ca \(caCerts\) instead/,
      noVerify: false,
      resetDeliveries: 'runtime-may-resend',
      proxy: 'works',
      clientProxy: 'works',
      dist: { inputs: () => distInputs, clientEntry: 'index.web.js' },
      cloudId:
        "Deno's fetch resolves names with getaddrinfo, which knows no `*.localhost` here, and Deno.createHttpClient takes no resolver (Deno.resolveDns does know it)",
      envProxy: { results: () => envResults, proxyFalse: 'refused' },
      refused: { requestSent: false, message: /Connection refused|tcp connect error/i },
    },
  )
})
