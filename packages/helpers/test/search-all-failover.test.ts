import { Client } from '@stretch/client'
import { startCluster, type TestCluster } from '@stretch/test-cluster'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bulk, searchAll } from '../src/index.js'

let cluster: TestCluster
let client: Client

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 })
  client = new Client({
    nodes: cluster.urls,
    caCerts: cluster.caCert,
    basicAuth: ['elastic', cluster.password],
    retryBackoff: 0,
  })
  await bulk(client, {
    datasource: Array.from({ length: 1000 }, (_, n) => ({ n })),
    onDocument: (doc) => ({ index: { _index: 'failover', _id: `f${doc.n}` } }),
  })
})
afterAll(async () => {
  await client.close()
  await cluster.close()
})

describe('searchAll while a node stops', () => {
  it('goes on from the last sort values on the other node: every hit once, the point in time closed', async () => {
    const ids: string[] = []
    let stopped = false
    for await (const hit of searchAll(client, { index: 'failover', size: 100 })) {
      ids.push(hit._id as string)
      if (ids.length === 150 && !stopped) {
        stopped = true
        await cluster.node(0).stop() // the next pages and the close go to node-1 (the client retries there)
      }
    }
    expect(ids).toHaveLength(1000)
    expect(new Set(ids).size).toBe(1000)
    expect(cluster.store.contexts.openPits).toBe(0)
    expect(cluster.node(1).requests.some((r) => r.method === 'DELETE' && r.path === '/_pit')).toBe(true)
    await cluster.node(0).start()
  })
})
