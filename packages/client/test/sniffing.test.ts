import { startCluster } from '@stretch/test-cluster'
import { expect, it } from 'vitest'
import { Client } from '../src/index.js'

it('discovers every node from one seed before the first request, with the client credentials, and spreads traffic', async () => {
  await using cluster = await startCluster({ nodes: [{}, {}, {}, { roles: ['master'] }], security: true })
  const client = new Client({
    node: cluster.url,
    caCerts: cluster.caCertPath!,
    basicAuth: ['elastic', cluster.password],
    sniffOnStart: true,
  })
  // nothing happens at construction
  expect(cluster.totalStats().requests).toBe(0)
  for (let i = 0; i < 30; i++) await client.info()
  const sniff = cluster.requests().find((r) => r.path.startsWith('/_nodes'))!
  expect(sniff.headers['authorization']).toBe(`Basic ${Buffer.from(`elastic:${cluster.password}`).toString('base64')}`)
  const served = cluster.nodes.map((n) => n.requests.filter((r) => r.path === '/').length)
  // three data nodes share the traffic; the master-only node gets none
  expect(served.slice(0, 3).every((n) => n >= 9)).toBe(true)
  expect(served[3]).toBe(0)
  await client.close()
})
