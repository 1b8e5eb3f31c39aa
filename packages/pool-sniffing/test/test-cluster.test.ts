// Sniffing against @stretch/test-cluster: TLS with the cluster's own CA, security on (anonymous requests get 401),
// the real Transport and undiciConnection.
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { TLSSocket } from 'node:tls'
import { basicAuth } from '@stretch/auth-basic'
import { undiciConnection } from '@stretch/connection-undici'
import { lookup, startCluster, type TestCluster, type TestNode } from '@stretch/test-cluster'
import { channels, isResponseError, type NodeEvent, type RetryEvent, type Transport } from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { type SniffingOptions, sniffing } from '../src/index.js'
import { load as loadPath, type ManualClock, manualClock, nextSniff, transport } from './helpers.js'

/** Sends GET / (the cluster info), as `loadPath` does. */
const load = (
  t: Transport,
  n: number,
  concurrency = 1,
  between?: (i: number) => Promise<void> | void,
): Promise<unknown[]> => loadPath(t, n, concurrency, between, '/')

/** User requests (not sniffs) a node received. */
function hits(node: TestNode): number {
  return node.requests.filter((r) => !r.path.startsWith('/_nodes')).length
}

function client(
  cluster: TestCluster,
  seed: TestNode,
  options: SniffingOptions = {},
  extra: { clock?: ManualClock; deadNodeBackoff?: number; auth?: boolean; byName?: boolean } = {},
): Transport {
  return transport({
    nodes: [extra.byName === true ? seed.url.replace('127.0.0.1', 'localhost') : seed.url],
    connection: undiciConnection({ proxy: false, lookup, tls: { ca: cluster.caCert } }),
    ...(extra.auth === false ? {} : { auth: basicAuth({ username: cluster.username, password: cluster.password }) }),
    ...(extra.clock === undefined ? {} : { clock: extra.clock }),
    ...(extra.deadNodeBackoff === undefined ? {} : { deadNodeBackoff: extra.deadNodeBackoff }),
    discovery: sniffing({ sniffOnStart: true, sniffOnNodeFailure: true, ...options }),
  })
}

describe('sniffing against @stretch/test-cluster', () => {
  it('finds all three nodes from one seed, with authenticated sniffs, and spreads the traffic', async () => {
    await using cluster = await startCluster({ nodes: 3 })
    // the seed by name, as users usually give it (nodes publish their IP): every pooled node comes from the sniff
    const t = client(cluster, cluster.node(1), {}, { byName: true })
    expect(await load(t, 30, 3)).toEqual([])
    expect(t.pool.nodes.map((n) => n.name).sort()).toEqual(['node-0', 'node-1', 'node-2'])
    expect(cluster.nodes.map(hits)).toEqual([10, 10, 10])
    const sniffs = cluster.requests().filter((r) => r.path === '/_nodes/_all/http')
    expect(sniffs).toHaveLength(1)
    expect(sniffs[0]?.headers['authorization']).toMatch(/^Basic /)
    await t.close()
  })

  it('without credentials the cluster refuses the sniff: the pool keeps its seed and the caller sees the 401', async () => {
    await using cluster = await startCluster({ nodes: 3 })
    const t = client(cluster, cluster.node(0), {}, { auth: false })
    const sniffed = nextSniff()
    const error = await t.request({ method: 'GET', path: '/' }).catch((e: unknown) => e)
    expect(isResponseError(error) && error.statusCode).toBe(401)
    expect((await sniffed).error).toMatchObject({
      name: 'ResponseError',
      code: 'ES_ERR_RESPONSE',
      statusCode: 401,
      message: expect.stringContaining('security_exception'),
    })
    expect(t.pool.nodes.map((n) => n.url.href)).toEqual([`${cluster.node(0).url}/`])
    await t.close()
  })

  it('shifts traffic off a node stopped under load with zero caller errors, and back after its backoff', async () => {
    await using cluster = await startCluster({ nodes: 3 })
    const clock = manualClock()
    const t = client(cluster, cluster.node(0), { sniffOnNodeFailure: false }, { clock, deadNodeBackoff: 2_000 })
    const victim = cluster.node(2)
    const dead: NodeEvent[] = []
    const onDead = (e: unknown): void => {
      dead.push(e as NodeEvent)
    }
    subscribe(channels.nodeDead, onDead)
    try {
      const errors = await load(t, 300, 8, async (i) => {
        if (i === 100) await victim.stop()
      })
      expect(errors).toEqual([])
      expect(dead.map((e) => e.node.name)).toEqual(['node-2'])
      const pooled = t.pool.nodes.find((n) => n.name === 'node-2')!
      expect(pooled.alive).toBe(false)
      const before = hits(victim)
      expect(await load(t, 20, 4)).toEqual([])
      expect(hits(victim)).toBe(before)

      await victim.start()
      clock.advance(pooled.deadUntil - clock.now())
      victim.requests.length = 0
      expect(await load(t, 30)).toEqual([])
      expect(hits(victim)).toBe(10)
      expect(pooled.alive).toBe(true)
    } finally {
      unsubscribe(channels.nodeDead, onDead)
      await t.close()
    }
  })

  it('with sniffOnNodeFailure, drops a stopped node (the cluster no longer lists it) and finds it again later', async () => {
    await using cluster = await startCluster({ nodes: 3 })
    const clock = manualClock()
    const t = client(cluster, cluster.node(0), { sniffInterval: 60_000 }, { clock, byName: true })
    expect(await load(t, 3)).toEqual([])
    const victim = cluster.node(1)
    const dropped = nextSniff((e) => e.reason === 'node-failure')
    const errors = await load(t, 60, 4, async (i) => {
      if (i === 10) await victim.stop()
    })
    expect(errors).toEqual([])
    expect((await dropped).nodes.map((n) => n.name).sort()).toEqual(['node-0', 'node-2'])
    expect(t.pool.nodes.map((n) => n.name).sort()).toEqual(['node-0', 'node-2'])

    await victim.start()
    clock.advance(60_000)
    const found = nextSniff((e) => e.reason === 'interval')
    await load(t, 1)
    expect((await found).nodes.map((n) => n.name).sort()).toEqual(['node-0', 'node-1', 'node-2'])
    victim.requests.length = 0
    expect(await load(t, 30)).toEqual([])
    expect(hits(victim)).toBe(10)
    await t.close()
  })

  it('finds a node added to the cluster at the next interval sniff', async () => {
    await using cluster = await startCluster({ nodes: 3 })
    const clock = manualClock()
    const t = client(cluster, cluster.node(0), { sniffInterval: 30_000 }, { clock })
    await load(t, 3)
    const added = await cluster.addNode({ name: 'node-new' })
    clock.advance(30_000)
    const sniffed = nextSniff((e) => e.reason === 'interval')
    await load(t, 1)
    expect((await sniffed).nodes.map((n) => n.name)).toContain('node-new')
    expect(await load(t, 40)).toEqual([])
    expect(hits(added)).toBe(10)
    await t.close()
  })

  it('never sends traffic to master-only or voting-only nodes, even when one of them is the seed', async () => {
    await using cluster = await startCluster({
      nodes: [
        { name: 'data-0' },
        { name: 'master-only', roles: ['master'] },
        { name: 'data-1' },
        { name: 'voter', roles: ['master', 'voting_only'] },
      ],
    })
    const t = client(cluster, cluster.node('master-only'))
    expect(await load(t, 40, 4)).toEqual([])
    expect(t.pool.nodes.map((n) => n.name).sort()).toEqual(['data-0', 'data-1'])
    expect(cluster.nodes.map((n) => [n.name, hits(n)])).toEqual([
      ['data-0', 20],
      ['master-only', 0],
      ['data-1', 20],
      ['voter', 0],
    ])
    await t.close()
  })

  it('connects to hostname/ip:port addresses by hostname, and TLS verifies that name', async () => {
    await using cluster = await startCluster({
      nodes: [{ publishAddress: 'hostname' }, { publishAddress: ({ port }) => `es-1.localhost/127.0.0.1:${port}` }],
      dnsNames: ['es-1.localhost'],
    })
    const names: unknown[] = []
    for (const node of cluster.nodes) node.events.on('secureConnection', (s: TLSSocket) => names.push(s.servername))
    const t = client(cluster, cluster.node(0))
    expect(await load(t, 10, 2)).toEqual([])
    expect(t.pool.nodes.map((n) => n.url.hostname).sort()).toEqual(['es-1.localhost', 'localhost'])
    expect(names).toContain('es-1.localhost')
    expect(names).toContain('localhost')
    expect(cluster.nodes.map(hits)).toEqual([5, 5])
    await t.close()
  })

  it('refuses a sniffed hostname the certificate does not name, and serves through the seed meanwhile', async () => {
    await using cluster = await startCluster({
      nodes: [{ publishAddress: ({ port }) => `other.localhost/127.0.0.1:${port}` }],
    })
    const retries: RetryEvent[] = []
    const onRetry = (e: unknown): void => {
      retries.push(e as RetryEvent)
    }
    subscribe(channels.retry, onRetry)
    const t = client(cluster, cluster.node(0), { sniffOnNodeFailure: false })
    try {
      expect(await load(t, 3)).toEqual([])
      expect(retries.map((r) => [new URL(r.node.url).hostname, r.reason])).toContainEqual([
        'other.localhost',
        'ES_ERR_TLS',
      ])
    } finally {
      unsubscribe(channels.retry, onRetry)
      await t.close()
    }
  })
})
