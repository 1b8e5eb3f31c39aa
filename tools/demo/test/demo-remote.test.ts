// `pnpm demo` against "a real cluster" (ELASTICSEARCH_URL and friends): here a test cluster the demo did not start,
// so the remote code path runs over real sockets and TLS, and the test can check the demo cleaned up after itself.
import { startCluster, type TestCluster } from '@stretch/test-cluster'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDemo } from '../src/index.js'

let cluster: TestCluster
beforeAll(async () => {
  cluster = await startCluster({ nodes: 2, security: true })
})
afterAll(async () => {
  await cluster.close()
})

describe('pnpm demo with ELASTICSEARCH_URL', () => {
  it('runs the scenarios that make sense against that cluster, and leaves nothing behind', async () => {
    const lines: string[] = []
    const report = await runDemo({
      env: {
        ELASTICSEARCH_URL: cluster.urls.join(','),
        ELASTIC_PASSWORD: cluster.password,
        ES_CA_CERT: cluster.caCertPath!,
        ES_FINGERPRINT: cluster.caFingerprintHex!,
      },
      write: (line) => lines.push(line),
    })
    const output = lines.join('\n')

    expect(report.mode).toBe('remote')
    expect(output).not.toContain('Password for the elastic user') // no cluster started, no start-up block
    expect(Object.fromEntries(report.results.map((r) => [r.name, r.status]))).toEqual({
      'Cloud ID': 'skipped',
      caCerts: 'passed',
      sslAssertFingerprint: 'passed',
      'no security (http)': 'skipped',
      'multiple nodes': 'passed',
      'basic auth': 'passed',
      'bearer auth': 'passed',
      'API key auth': 'passed',
      'options()': 'passed',
      'compatibility mode': 'passed',
      'FaaS handler': 'passed',
    })
    expect(report.ok).toBe(true)
    expect(output).toMatch(
      /multiple nodes +20 requests, round-robin: https:\/\/127\.0\.0\.1:\d+ 10, https:\/\/127\.0\.0\.1:\d+ 10/,
    )
    expect(output).toContain('- Cloud ID')
    expect(output).toContain('9 passed, 0 failed, 2 skipped')
    // The indices and API keys the demo made on "someone's cluster" are gone again.
    expect([...cluster.store.indices.keys()].filter((name) => name.startsWith('stretch-demo'))).toEqual([])
    const keys = [...(cluster.realm?.apiKeys.values() ?? [])].filter((k) => k.name.startsWith('stretch-demo'))
    expect(keys.length).toBeGreaterThan(0)
    expect(keys.every((k) => k.invalidated)).toBe(true)
  })

  it('reports a failing scenario with ✗ and its error, and is not ok', async () => {
    const lines: string[] = []
    const report = await runDemo({
      env: { ELASTICSEARCH_URL: cluster.url, ELASTIC_PASSWORD: cluster.password, ES_CA_CERT: cluster.caCertPath! },
      write: (line) => lines.push(line),
      scenarios: [
        {
          name: 'basic auth, wrong password',
          async run() {
            const { Client } = await import('@stretch/client')
            const client = new Client({
              node: cluster.url,
              caCerts: cluster.caCertPath!,
              basicAuth: ['elastic', 'nope'],
            })
            try {
              return `unexpectedly ${(await client.info()).cluster_name}`
            } finally {
              await client.close()
            }
          },
        },
      ],
    })
    expect(report.ok).toBe(false)
    expect(lines).toContainEqual(expect.stringMatching(/^✗ basic auth, wrong password {2}ResponseError: .*401/))
    expect(lines.at(-1)).toBe('0 passed, 1 failed, 0 skipped')
  })
})
