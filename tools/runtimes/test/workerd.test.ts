import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe } from 'vitest'
import { bundle, bundleFrom, type Clusters, distEntry, startClusters, withDist } from '../src/harness.js'
import type { Outcome } from '../src/scenarios.js'
import { expectScenarios, httpsScenarios } from './expectations.js'

let clusters: Clusters
let results: Record<string, Outcome>
let distInputs: readonly string[] = []
beforeAll(async () => {
  clusters = await startClusters()
  const config = clusters.config
  const only = [
    'client',
    'basic',
    'bearer',
    'apiKey',
    'wrongPassword',
    'gzip',
    'stream',
    'sniff',
    'abort',
    'timeout',
    'roundRobin',
    'retryStopped',
    'refused',
    'reset',
    'refusedOptions',
    'clientProxy',
    'proxyHttp',
  ]
    .filter((name) => !httpsScenarios.includes(name))
    // HTTPS to a certificate whose CA workerd does not trust (it can be given none)
    .concat('untrusted')
  const script = await bundle(
    `import { runScenarios } from './src/scenarios.ts'
export default {
  async fetch() {
    const results = await runScenarios(${JSON.stringify({ ...config, only })})
    ${withDist('results', config, './dist.mjs')}
    return Response.json(results)
  },
}
`,
    'workerd',
  )
  // The client from its built dist, a second module of the same Worker
  const dist = await bundleFrom('dist', distEntry, 'workerd')
  distInputs = dist.inputs
  // One workerd for the suite, without nodejs_compat: the transport and the client need no Node built-in.
  const mf = new Miniflare({
    modules: [
      { type: 'ESModule', path: 'main.mjs', contents: script },
      { type: 'ESModule', path: 'dist.mjs', contents: dist.code },
    ],
    compatibilityDate: '2025-09-01',
    compatibilityFlags: [],
  })
  try {
    const response = await mf.dispatchFetch('http://localhost/')
    const text = await response.text()
    if (response.status !== 200) throw new Error(`the Worker answered ${response.status}: ${text}`)
    results = JSON.parse(text) as Record<string, Outcome>
    if (process.env['STRETCH_RUNTIMES_DUMP']) console.log(JSON.stringify(results, null, 1))
  } finally {
    await mf.dispose()
  }
}, 120_000)
afterAll(() => clusters?.[Symbol.asyncDispose]())

describe('workerd (miniflare): a Worker with Transport and fetchConnection against the test cluster', () => {
  expectScenarios(
    () => results,
    () => clusters,
    {
      runtime: 'workerd',
      name: /workerd/,
      caCerts: false,
      pin: 'refused',
      pinAlternative: /serve the cluster with one \(Elastic Cloud does\), or put a proxy with such a certificate/,
      noVerify: false,
      resetDeliveries: 1,
      proxy: 'refused',
      clientProxy: 'refused',
      dist: { inputs: () => distInputs, clientEntry: 'index.web.js' },
      cloudId:
        "workerd resolves names with the OS resolver (no `*.localhost` to loopback here) and cannot be given the endpoint's CA",
      // workerd tells the Worker only `internal error; reference = …` (its log says "TLS peer's certificate is not
      // trusted"): a ConnectionError, not a TlsError
      untrusted: { code: 'ES_ERR_CONNECTION', requestSent: true, message: /internal error/ },
      refused: { requestSent: true, message: /Network connection lost|connect/i },
    },
  )
})
