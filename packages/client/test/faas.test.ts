// Functions as a service (the Connecting page's last section): a client created in module scope and reused by the
// handler keeps its sockets few and reused, and a process that never closes it still exits on its own.
import { fileURLToPath } from 'node:url'
import { startCluster, type TestCluster } from '@stretch/test-cluster'
import { runNode } from '@stretch/test-utils'
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest'
import type * as awsLambda from '../examples/aws-lambda.js'
import type * as azureFunctions from '../examples/azure-functions.js'
import type * as gcpCloudFunctions from '../examples/gcp-cloud-functions.js'
import { Client } from '../src/index.js'

let cluster: TestCluster
beforeAll(async () => {
  cluster = await startCluster({ nodes: 1, security: true })
  const seed = new Client({ node: cluster.url, caCerts: cluster.caCertPath!, basicAuth: ['elastic', cluster.password] })
  await seed.bulk({
    operations: [{ index: { _index: 'faas' } }, { n: 1 }, { index: { _index: 'faas' } }, { n: 2 }],
    refresh: true,
  })
  await seed.close()
})
afterAll(async () => {
  await cluster.close()
})
afterEach(() => {
  vi.unstubAllEnvs()
})

describe('a handler with a module-scope client', () => {
  it('serves 200 invocations, some concurrent, with one client and at most connectionsPerNode sockets', async () => {
    // A function instance gets its configuration from the environment before its module loads.
    vi.stubEnv('ELASTICSEARCH_URL', cluster.url)
    vi.stubEnv('ES_CA_CERT', cluster.caCertPath!)
    vi.stubEnv('ELASTIC_API_KEY', cluster.createApiKey({ name: 'faas' }).encoded)
    const fn = await import('./fixtures/search-function.js')
    cluster.resetStats()

    const results: Array<{ statusCode: number; hits: number }> = []
    for (let i = 0; i < 100; i++) results.push(await fn.handler({ index: 'faas' }))
    // Bursts wider than the connection limit: the pool queues instead of opening more sockets.
    for (let wave = 0; wave < 5; wave++) {
      results.push(...(await Promise.all(Array.from({ length: 20 }, () => fn.handler({ index: 'faas' })))))
    }
    const again = await import('./fixtures/search-function.js')

    expect(results).toHaveLength(200)
    expect(results.every((r) => r.statusCode === 200 && r.hits === 2)).toBe(true)
    expect(again.instances).toBe(1)
    const stats = cluster.nodes[0]!.stats
    expect(stats.requests).toBe(200)
    expect(stats.connections).toBeGreaterThanOrEqual(1)
    expect(stats.connections).toBeLessThanOrEqual(fn.connectionsPerNode)
    expect(stats.tlsHandshakes).toBeLessThanOrEqual(fn.connectionsPerNode)
    await fn.closeForTest()
  })

  it('lets a process that never calls close() exit on its own', { timeout: 90_000 }, async () => {
    cluster.resetStats()
    // Runs from the TypeScript sources (no build needed): the hooks strip types, the condition picks src/.
    // Without a bound, a process held open by a socket would only show up as a test timeout: runNode kills it after
    // a minute, and the signal fails the test with a reason.
    const { code, signal, stdout, stderr } = await runNode(
      [
        '--conditions=@stretch/source',
        '--import',
        fileURLToPath(new URL('./fixtures/register-ts.mjs', import.meta.url)),
        fileURLToPath(new URL('./fixtures/never-closes.mjs', import.meta.url)),
      ],
      {
        env: {
          ...process.env,
          ELASTICSEARCH_URL: cluster.url,
          ES_CA_CERT: cluster.caCertPath!,
          ELASTIC_PASSWORD: cluster.password,
        },
      },
    )

    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' })
    expect(JSON.parse(stdout)).toEqual({ calls: 20 })
    expect(cluster.nodes[0]!.stats.requests).toBe(20)
    expect(cluster.nodes[0]!.stats.connections).toBeLessThanOrEqual(4)
  })
})

describe('the FaaS examples', () => {
  it('export handlers with the signatures of their platforms', () => {
    expectTypeOf<typeof awsLambda.handler>().returns.resolves.toMatchTypeOf<{ statusCode: number; body: string }>()
    expectTypeOf<typeof gcpCloudFunctions.search>().parameters.toMatchTypeOf<[unknown, unknown]>()
    expectTypeOf<typeof azureFunctions.handler>().returns.resolves.toMatchTypeOf<{ status: number }>()
  })
})
