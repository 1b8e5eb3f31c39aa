import { afterAll, beforeAll, describe } from 'vitest'
import { type Clusters, runScriptScenarios, startClusters } from '../src/harness.js'
import type { Outcome } from '../src/scenarios.js'
import { expectScenarios } from './expectations.js'

let clusters: Clusters
let results: Record<string, Outcome>
let envResults: Record<string, Outcome>
beforeAll(async () => {
  clusters = await startClusters()
  ;({ results, envResults } = await runScriptScenarios(clusters, 'deno', 'Deno.exit(0)', (file) => [
    'run',
    '--allow-net=127.0.0.1',
    '--allow-env',
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
      cloudId:
        "Deno's fetch resolves names with getaddrinfo, which knows no `*.localhost` here, and Deno.createHttpClient takes no resolver (Deno.resolveDns does know it)",
      envProxy: { results: () => envResults, proxyFalse: 'refused' },
      refused: { requestSent: false, message: /Connection refused|tcp connect error/i },
    },
  )
})
