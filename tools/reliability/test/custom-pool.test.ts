// A node pool written by a third party, with nothing but the public contract of @stretch/transport (ListPool, in
// support/list-pool.ts), keeps what the contract promises: node credentials from URL userinfo, acquire and release
// balanced and in-flight counts back to 0 under load with a node stopped, retries on another node. Every scenario
// of faults.test.ts runs over it as well.

import { ApiClient } from '@stretch/client'
import { undiciConnection } from '@stretch/connection-undici'
import type { TestCluster } from '@stretch/test-cluster'
import { Transport } from '@stretch/transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listenTransport } from './support/channels.js'
import { recordFigure } from './support/figures.js'
import { ListPool } from './support/list-pool.js'
import { runLoad, startTestCluster } from './support/load.js'
import { watchProcess } from './support/watch.js'

const suite = 'faults'
// The `elastic` password travels only as URL userinfo here: the watch fails the file if it shows up anywhere.
const watch = watchProcess()

let cluster: TestCluster
beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 3 })
})
afterAll(async () => {
  await cluster.close()
})

/** The cluster's node URLs with the `elastic` credentials as userinfo: the only credentials the transport gets. */
function urlsWithCredentials(): string[] {
  return cluster.urls.map((u) => {
    const url = new URL(u)
    url.username = cluster.username
    url.password = cluster.password
    return url.href
  })
}

function setup(options: { maxRetries?: number } = {}): { pool: ListPool; api: ApiClient; transport: Transport } {
  const pool = new ListPool(urlsWithCredentials(), undiciConnection({ tls: { ca: cluster.caCert as string } }))
  const transport = new Transport({ pool, retryBackoff: 0, maxRetries: options.maxRetries ?? 3 })
  return { pool, api: new ApiClient(transport), transport }
}

describe('a third-party NodePool', () => {
  it('sends the credentials of the node URL: the cluster authenticates every request', async () => {
    const { pool, api, transport } = setup()
    cluster.resetStats()
    try {
      const info = await api.info()
      expect(info.cluster_name).toBe(cluster.clusterName)
      const auth = await api.security.authenticate()
      expect(auth['username']).toBe('elastic')
      const expected = `Basic ${Buffer.from(`elastic:${cluster.password}`).toString('base64')}`
      const seen = cluster.requests()
      expect(seen).toHaveLength(2)
      for (const r of seen) expect(r.headers['authorization']).toBe(expected)
      expect(pool.acquired).toBe(2)
      expect(pool.released).toBe(2)
    } finally {
      await transport.close()
    }
  })

  it('a node stopped under load: no caller error, acquire and release balance, in-flight back to 0', async () => {
    const { pool, api, transport } = setup()
    const victim = cluster.node(1)
    const events = listenTransport()
    let outage: Promise<void> | undefined
    try {
      const run = await runLoad({
        concurrency: 32,
        more: (i) => i < 2000,
        task: () => api.info(),
        onSettled: (done) => {
          if (done === 400) outage = victim.stop()
        },
      })
      await outage
      events.stop()
      for (const { error } of run.errors) watch.error(error)
      expect(run.errors.map((e) => String(e.error))).toEqual([])
      expect(events.retries.length).toBeGreaterThan(0)
      expect(pool.acquired).toBe(run.count + events.retries.length)
      expect(pool.released).toBe(pool.acquired)
      for (const node of pool.nodes) expect(node.inFlight, node.id).toBe(0)
      const dead = pool.nodes.find((n) => n.url.href.replace(/\/$/, '') === victim.url)
      expect(dead?.failures).toBeGreaterThan(0)
      recordFigure({
        suite,
        scenario: 'third-party NodePool, one node stopped, 2000 GET',
        requests: run.count,
        faults: 1,
        errors: run.errors.length,
        retries: events.retries.length,
        notes: `public contract only; acquire ${pool.acquired} = release ${pool.released}`,
      })
    } finally {
      events.stop()
      await victim.start()
      await transport.close()
    }
  })

  it('a reset on one node: the read-only search is retried on another node', async () => {
    const { pool, api, transport } = setup()
    const first = cluster.node(0)
    const reset = first.inject({ type: 'reset', when: 'after-body' }, { times: 1 })
    try {
      const answer = await api.search({ query: { match_all: {} } }, { meta: true })
      expect(answer.meta.attempts).toBe(2)
      expect(reset.hits).toBe(1)
      expect(answer.meta.node.url).not.toBe(first.url)
      expect(pool.released).toBe(2)
      for (const node of pool.nodes) expect(node.inFlight).toBe(0)
    } finally {
      reset.clear()
      await transport.close()
    }
  })
})
