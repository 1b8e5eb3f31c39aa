// A node pool written by a third party, with nothing but the public contract of @stretch/transport, carries the
// reliability scenarios: node credentials from URL userinfo, fail-over of a stopped node, balanced in-flight
// counts, retries on another node.

import { ApiClient } from '@stretch/client'
import { undiciConnection } from '@stretch/connection-undici'
import type { TestCluster } from '@stretch/test-cluster'
import {
  type Connection,
  type ConnectionFactory,
  describeNode,
  type NodeDescription,
  type NodeInfo,
  type NodeOptions,
  type NodePool,
  NoLivingNodesError,
  type PoolNode,
  type SelectContext,
  Transport,
} from '@stretch/transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listenTransport } from './support/channels.js'
import { recordFigure } from './support/figures.js'
import { runLoad, startTestCluster } from './support/load.js'
import { watchProcess } from './support/watch.js'

const suite = 'faults'
// The `elastic` password travels only as URL userinfo here: the watch fails the file if it shows up anywhere.
const watch = watchProcess()

/** A node of {@link ListPool}: plain fields, health kept by the pool. */
class ListNode implements PoolNode {
  readonly url: URL
  readonly id: string
  readonly name: string | undefined
  readonly roles: readonly string[] | undefined
  readonly attributes: Readonly<Record<string, string>>
  declare readonly headers: Readonly<Record<string, string>>
  readonly connection: Connection
  alive = true
  failures = 0
  deadUntil = 0
  inFlight = 0

  constructor(description: NodeDescription, connection: Connection) {
    this.url = description.url
    this.id = description.id
    this.name = description.name
    this.roles = description.roles
    this.attributes = description.attributes
    this.connection = connection
    // the headers may hold the URL's credentials: not enumerable, so they stay out of logs
    Object.defineProperty(this, 'headers', { value: description.headers, enumerable: false })
  }

  info(): NodeInfo {
    return { id: this.id, url: this.url.href.replace(/\/$/, ''), name: this.name }
  }
}

/** Round robin over the living nodes, a fixed 500 ms rest for a dead one, counts of acquire and release. */
class ListPool implements NodePool {
  #nodes: ListNode[]
  #next = 0
  readonly #connection: ConnectionFactory
  acquired = 0
  released = 0

  constructor(nodes: readonly (string | NodeOptions)[], connection: ConnectionFactory) {
    this.#connection = connection
    this.#nodes = nodes.map((n) => this.#create(describeNode(n)))
  }

  #create(description: NodeDescription): ListNode {
    return new ListNode(description, this.#connection(description))
  }

  #own(node: PoolNode): ListNode {
    const own = this.#nodes.find((n) => n === node)
    if (own === undefined) throw new Error(`ListPool: ${node.id} is not one of my nodes`)
    return own
  }

  get nodes(): readonly PoolNode[] {
    return this.#nodes
  }

  select(_context: SelectContext, tried?: ReadonlySet<PoolNode>): PoolNode {
    const now = performance.now()
    const living = this.#nodes.filter((n) => n.alive || n.deadUntil <= now)
    const fresh = living.filter((n) => tried?.has(n) !== true)
    const candidates = fresh.length > 0 ? fresh : living
    if (candidates.length === 0) {
      const soonest = [...this.#nodes].sort((a, b) => a.deadUntil - b.deadUntil)[0]
      if (soonest === undefined) throw new NoLivingNodesError('ListPool: no node')
      return soonest
    }
    return candidates[this.#next++ % candidates.length] as ListNode
  }

  markDead(node: PoolNode): void {
    const own = this.#own(node)
    own.alive = false
    own.failures += 1
    own.deadUntil = performance.now() + 500
  }

  markAlive(node: PoolNode): void {
    const own = this.#own(node)
    own.alive = true
    own.failures = 0
    own.deadUntil = 0
  }

  acquire(node: PoolNode): void {
    this.#own(node).inFlight += 1
    this.acquired += 1
  }

  release(node: PoolNode): void {
    this.#own(node).inFlight -= 1
    this.released += 1
  }

  update(nodes: readonly (NodeOptions | NodeDescription)[]): void {
    this.#nodes = nodes.map((n) => this.#create(describeNode(n as NodeOptions)))
  }

  async close(): Promise<void> {
    await Promise.all(this.#nodes.map((n) => n.connection.close()))
  }
}

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
