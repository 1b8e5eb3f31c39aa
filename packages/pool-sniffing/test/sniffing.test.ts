import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { LookupFunction } from 'node:net'
import { undiciConnection } from '@stretch/connection-undici'
import { createCertificates, sendJson, startServer } from '@stretch/test-utils'
import {
  type ConnectionError,
  channels,
  isConfigurationError,
  isConnectionError,
  isResponseError,
  type NodeEvent,
  type RetryEvent,
} from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { defaultNodeFilter, type SniffingOptions, sniffing } from '../src/index.js'
import { type FakeCluster, type FakeNode, fakeCluster } from './fake-cluster.js'
import { authorization, load, manualClock, nextSniff, transport } from './helpers.js'

/**
 * A seed URL by name (localhost) rather than by the address the node publishes (127.0.0.1): after the sniff every
 * node of the pool is a sniffed one. (A seed with a sniffed node's URL keeps its connection, and its seed identity.)
 */
function seedByName(cluster: FakeCluster, node: FakeNode): string {
  return cluster.url(node).replace('127.0.0.1', 'localhost')
}

const onStartAndFailure = { sniffOnStart: true, sniffOnNodeFailure: true } as const

const three = [{ name: 'n1' }, { name: 'n2' }, { name: 'n3' }]

describe('sniffing against a fake cluster', () => {
  it('sniffs before the first request, not at construction, and spreads traffic over every node', async () => {
    await using cluster = await fakeCluster(three)
    const [n1, n2, n3] = cluster.nodes
    const t = transport({ nodes: [cluster.url(n1!)], discovery: sniffing(onStartAndFailure) })
    const seedNode = t.pool.nodes[0]
    // nothing is sent until a request is made
    expect(n1!.server.requests).toHaveLength(0)
    const errors = await load(t, 30)
    expect(errors).toEqual([])
    expect(n1!.server.requests[0]?.url).toBe('/_nodes/_all/http')
    expect(n1!.sniffs()).toHaveLength(1)
    expect(t.pool.nodes.map((n) => n.url.href)).toEqual(cluster.nodes.map((n) => `${n.server.url}/`))
    expect(t.pool.nodes.slice(1).map((n) => [n.id, n.name])).toEqual([
      ['id-n2', 'n2'],
      ['id-n3', 'n3'],
    ])
    expect([n1!.hits(), n2!.hits(), n3!.hits()]).toEqual([10, 10, 10])
    // the seed has the same URL as the sniffed n1: it stays in the pool, with its connection
    expect(t.pool.nodes[0]).toBe(seedNode)
    await t.close()
  })

  it('carries roles and attributes, and the seed scheme and path prefix', async () => {
    await using cluster = await fakeCluster(
      [
        { name: 'a', roles: ['data', 'ingest'], attributes: { zone: 'a' } },
        { name: 'b', roles: [], attributes: { zone: 'b' } },
      ],
      { prefix: '/es' },
    )
    const [a, b] = cluster.nodes
    const t = transport({ nodes: [seedByName(cluster, b!)], discovery: sniffing(onStartAndFailure) })
    await load(t, 4)
    const byName = Object.fromEntries(t.pool.nodes.map((n) => [n.name, n]))
    expect(byName['a']?.url.href).toBe(`http://127.0.0.1:${a!.server.port}/es`)
    expect(byName['a']?.roles).toEqual(['data', 'ingest'])
    expect(byName['a']?.attributes).toEqual({ 'xpack.installed': 'true', zone: 'a' })
    expect(byName['b']?.roles).toEqual([])
    expect(a!.server.requests.map((r) => r.url)).toEqual(['/es/docs/_doc/1', '/es/docs/_doc/1'])
    await t.close()
  })

  it('sends the sniff with the client credentials and headers (the cluster rejects anonymous requests)', async () => {
    await using cluster = await fakeCluster(three, { authorization: 'ApiKey c2VjcmV0' })
    const t = transport({
      nodes: [cluster.url(cluster.nodes[0]!)],
      auth: authorization('ApiKey c2VjcmV0'),
      headers: { 'x-team': 'search' },
      discovery: sniffing(onStartAndFailure),
    })
    expect(await load(t, 6)).toEqual([])
    const sniff = cluster.nodes[0]!.sniffs()[0]
    expect(sniff?.authorization).toBe('ApiKey c2VjcmV0')
    expect(sniff?.['x-team']).toBe('search')
    expect(t.pool.nodes).toHaveLength(3)
    expect(cluster.nodes.map((n) => n.hits())).toEqual([2, 2, 2])
    await t.close()
  })

  it('inherits credentials given in the seed URL', async () => {
    await using cluster = await fakeCluster(three, {
      authorization: `Basic ${Buffer.from('elastic:pw').toString('base64')}`,
    })
    const seed = new URL(cluster.url(cluster.nodes[0]!))
    seed.username = 'elastic'
    seed.password = 'pw'
    const t = transport({ nodes: [seed.href], discovery: sniffing(onStartAndFailure) })
    expect(await load(t, 6)).toEqual([])
    expect(t.pool.nodes).toHaveLength(3)
    expect(cluster.nodes.map((n) => n.hits())).toEqual([2, 2, 2])
    await t.close()
  })

  it('without credentials the sniff is refused, and the request fails on its own 401, not on the sniff', async () => {
    await using cluster = await fakeCluster(three, { authorization: 'ApiKey c2VjcmV0' })
    const t = transport({ nodes: [cluster.url(cluster.nodes[0]!)], discovery: sniffing(onStartAndFailure) })
    const sniffed = nextSniff()
    const error = await t.request({ method: 'GET', path: '/' }).catch((e: unknown) => e)
    expect(isResponseError(error) && error.statusCode).toBe(401)
    const event = await sniffed
    expect(isResponseError(event.error) && event.error.statusCode).toBe(401)
    expect(t.pool.nodes).toHaveLength(1)
    await t.close()
  })

  it('shares one sniff among concurrent first requests', async () => {
    await using cluster = await fakeCluster(three)
    let open: () => void = () => {}
    cluster.sniffGate = new Promise<void>((resolve) => {
      open = resolve
    })
    const t = transport({ nodes: cluster.nodes.map((n) => cluster.url(n)), discovery: sniffing(onStartAndFailure) })
    const arrived = cluster.sniffArrives()
    const pending = Array.from({ length: 10 }, () => t.request({ method: 'GET', path: '/' }))
    await arrived
    // no user request was sent before the sniff answered
    expect(cluster.nodes.map((n) => n.hits())).toEqual([0, 0, 0])
    open()
    await Promise.all(pending)
    expect(cluster.nodes.flatMap((n) => n.sniffs())).toHaveLength(1)
    await t.close()
  })

  it('never sends traffic to master-only or voting-only master nodes, unless nodeFilter says so', async () => {
    await using cluster = await fakeCluster([
      { name: 'data1', roles: ['data', 'master'] },
      { name: 'master', roles: ['master'] },
      { name: 'voter', roles: ['master', 'voting_only'] },
      { name: 'coord', roles: [] },
      { name: 'nohttp', roles: ['data'], publish: null },
    ])
    const t = transport({ nodes: [seedByName(cluster, cluster.nodes[1]!)], discovery: sniffing(onStartAndFailure) })
    expect(await load(t, 40)).toEqual([])
    expect(t.pool.nodes.map((n) => n.name)).toEqual(['data1', 'coord'])
    expect(cluster.nodes.map((n) => n.hits())).toEqual([20, 0, 0, 20, 0])
    await t.close()

    const all = transport({
      nodes: [seedByName(cluster, cluster.nodes[1]!)],
      discovery: sniffing({ sniffOnStart: true, nodeFilter: () => true }),
    })
    await load(all, 4)
    expect(all.pool.nodes.map((n) => n.name)).toEqual(['data1', 'master', 'voter', 'coord'])
    await all.close()

    const zoned = sniffing({
      sniffOnStart: true,
      nodeFilter: (node) => defaultNodeFilter(node) && node.name !== 'coord',
    })
    const z = transport({ nodes: [seedByName(cluster, cluster.nodes[1]!)], discovery: zoned })
    await load(z, 4)
    expect(z.pool.nodes.map((n) => n.name)).toEqual(['data1'])
    await z.close()
  })

  it('uses the hostname of hostname/ip:port and hostname/[v6]:port', async () => {
    await using cluster = await fakeCluster([
      { name: 'v4', publish: (port) => `localhost/127.0.0.1:${port}` },
      { name: 'v6', host: '::1', publish: (port) => `ip6.test/[::1]:${port}` },
      { name: 'bare6', host: '::1', publish: (port) => `[::1]:${port}` },
    ])
    const lookups: string[] = []
    const lookup = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      lookups.push(hostname)
      const address = hostname === 'ip6.test' ? '::1' : '127.0.0.1'
      const family = address.includes(':') ? 6 : 4
      if (options.all === true) callback(null, [{ address, family }])
      else callback(null, address, family)
    }) as unknown as LookupFunction
    const t = transport({
      nodes: [cluster.url(cluster.nodes[0]!)],
      connection: undiciConnection({ proxy: false, lookup }),
      discovery: sniffing(onStartAndFailure),
    })
    expect(await load(t, 6)).toEqual([])
    const [v4, v6, bare6] = cluster.nodes
    expect(t.pool.nodes.map((n) => n.url.host)).toEqual([
      `localhost:${v4!.server.port}`,
      `ip6.test:${v6!.server.port}`,
      `[::1]:${bare6!.server.port}`,
    ])
    expect(cluster.nodes.map((n) => n.hits())).toEqual([2, 2, 2])
    expect(lookups).toContain('ip6.test')
    await t.close()
  })

  it('moves traffic off a node stopped under load with no error for the caller, and back after its backoff', async () => {
    await using cluster = await fakeCluster(three)
    const [n1, n2, n3] = cluster.nodes
    const clock = manualClock()
    const t = transport({
      nodes: [cluster.url(n1!)],
      clock,
      deadNodeBackoff: 5_000,
      discovery: sniffing({ sniffOnStart: true }),
    })
    const dead: NodeEvent[] = []
    const onDead = (e: unknown): void => {
      dead.push(e as NodeEvent)
    }
    subscribe(channels.nodeDead, onDead)
    try {
      const errors = await load(t, 300, 8, async (i) => {
        if (i === 100) await cluster.stop(n2!)
      })
      expect(errors).toEqual([])
      expect(dead.map((e) => e.node.id)).toEqual(['id-n2'])
      const stoppedAt = n2!.hits()
      const before = [n1!.hits(), n3!.hits()]
      expect(await load(t, 20, 4)).toEqual([])
      expect(n2!.hits()).toBe(stoppedAt)
      expect(n1!.hits() + n3!.hits() - before[0]! - before[1]!).toBe(20)
      expect(t.pool.nodes.find((n) => n.id === 'id-n2')?.alive).toBe(false)

      // concurrent failures may each have lengthened the backoff: wait until it is over
      const resting = t.pool.nodes.find((n) => n.id === 'id-n2')!
      expect(resting.deadUntil - clock.now()).toBeGreaterThanOrEqual(5_000)
      await cluster.restart(n2!)
      clock.advance(resting.deadUntil - clock.now() - 1)
      expect(await load(t, 6)).toEqual([])
      expect(n2!.server.requests).toHaveLength(0)
      clock.advance(1)
      expect(await load(t, 30)).toEqual([])
      expect(n2!.server.requests.filter((r) => r.url === '/docs/_doc/1')).toHaveLength(10)
      expect(t.pool.nodes.every((n) => n.alive)).toBe(true)
    } finally {
      unsubscribe(channels.nodeDead, onDead)
      await t.close()
    }
  })

  it('finds a node added to the cluster at the next interval sniff, without timers', async () => {
    await using cluster = await fakeCluster(three)
    const clock = manualClock()
    const t = transport({
      nodes: [seedByName(cluster, cluster.nodes[0]!)],
      clock,
      discovery: sniffing({ sniffOnStart: true, sniffInterval: 60_000 }),
    })
    await load(t, 3)
    expect(t.pool.nodes).toHaveLength(3)
    const n4 = await cluster.add({ name: 'n4' })
    clock.advance(59_999)
    await load(t, 3)
    expect(cluster.nodes.flatMap((n) => n.sniffs())).toHaveLength(1)
    clock.advance(1)
    const sniffed = nextSniff()
    // this request starts the sniff and does not wait for it
    await load(t, 1)
    const event = await sniffed
    expect(event.reason).toBe('interval')
    expect(event.error).toBeUndefined()
    expect(event.nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3', 'n4'])
    await load(t, 8)
    expect(n4.hits()).toBe(2)
    await t.close()
  })

  it('re-sniffs after a node failure and drops a node that left the cluster', async () => {
    await using cluster = await fakeCluster(three)
    const [n1, n2, n3] = cluster.nodes
    const t = transport({ nodes: [seedByName(cluster, n1!)], discovery: sniffing(onStartAndFailure) })
    await load(t, 3)
    cluster.members = [n1!, n3!]
    await cluster.stop(n2!)
    const sniffed = nextSniff((e) => e.reason === 'node-failure')
    expect(await load(t, 6)).toEqual([])
    const event = await sniffed
    expect(event.nodes.map((n) => n.name)).toEqual(['n1', 'n3'])
    expect(t.pool.nodes.map((n) => n.name)).toEqual(['n1', 'n3'])
    await t.close()
  })

  it('with only sniffInterval, the first request does not wait: the sniff runs beside it', async () => {
    await using cluster = await fakeCluster(three)
    let open: () => void = () => {}
    cluster.sniffGate = new Promise<void>((resolve) => {
      open = resolve
    })
    const t = transport({
      nodes: [seedByName(cluster, cluster.nodes[0]!)],
      discovery: sniffing({ sniffInterval: 60_000 }),
    })
    const arrived = cluster.sniffArrives()
    const sniffed = nextSniff()
    const { body } = await t.request<{ name: string }>({ method: 'GET', path: '/' })
    await arrived
    expect(body.name).toBe('n1')
    expect(t.pool.nodes).toHaveLength(1)
    open()
    expect((await sniffed).reason).toBe('interval')
    expect(t.pool.nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3'])
    await t.close()
  })

  it('with only sniffOnNodeFailure, nothing is sniffed until a node fails', async () => {
    await using cluster = await fakeCluster(three)
    const [n1, n2, n3] = cluster.nodes
    const t = transport({
      nodes: [seedByName(cluster, n1!), seedByName(cluster, n2!)],
      discovery: sniffing({ sniffOnNodeFailure: true }),
    })
    expect(await load(t, 6)).toEqual([])
    expect(cluster.nodes.flatMap((n) => n.sniffs())).toHaveLength(0)
    cluster.members = [n1!, n3!]
    await cluster.stop(n2!)
    const sniffed = nextSniff()
    expect(await load(t, 4)).toEqual([])
    const event = await sniffed
    expect(event.reason).toBe('node-failure')
    expect(t.pool.nodes.map((n) => n.name)).toEqual(['n1', 'n3'])
    const before = n3!.hits()
    expect(await load(t, 4)).toEqual([])
    expect(n3!.hits() - before).toBe(2)
    await t.close()
  })

  it('follows a node that kept its id but moved to a new address', async () => {
    await using cluster = await fakeCluster(three)
    const [n1, n2, n3] = cluster.nodes
    const t = transport({ nodes: [seedByName(cluster, n1!)], discovery: sniffing(onStartAndFailure) })
    expect(await load(t, 3)).toEqual([])
    const before = t.pool.nodes.find((n) => n.id === 'id-n2')!
    // n2 restarts elsewhere (same node id, new port)
    await cluster.stop(n2!)
    const moved = await cluster.add({ name: 'n2' }, false)
    cluster.members = [n1!, moved, n3!]
    const sniffed = nextSniff((e) => e.reason === 'node-failure')
    expect(await load(t, 6)).toEqual([])
    await sniffed
    const after = t.pool.nodes.find((n) => n.id === 'id-n2')!
    expect(after.url.port).toBe(String(moved.server.port))
    expect(after).not.toBe(before)
    expect(await load(t, 6)).toEqual([])
    expect(moved.hits()).toBeGreaterThanOrEqual(2)
    await t.close()
  })

  it('shares one sniff among node failures that happen while it is in flight', async () => {
    await using cluster = await fakeCluster([{ name: 'n1' }, { name: 'n2' }, { name: 'n3' }, { name: 'n4' }])
    const [n1, n2, n3, n4] = cluster.nodes
    const t = transport({ nodes: [seedByName(cluster, n1!)], discovery: sniffing(onStartAndFailure) })
    expect(await load(t, 4)).toEqual([])
    let open: () => void = () => {}
    cluster.sniffGate = new Promise<void>((resolve) => {
      open = resolve
    })
    const arrived = cluster.sniffArrives()
    await cluster.stop(n2!)
    await cluster.stop(n3!)
    // both stopped nodes fail (each one at least once) while the first failure sniff is held
    expect(await load(t, 12, 4)).toEqual([])
    await arrived
    const sniffsOf = (): number => [n1!, n4!].reduce((sum, n) => sum + n.sniffs().length, 0)
    expect(sniffsOf()).toBe(2) // the initial sniff and one failure sniff
    const done = nextSniff((e) => e.reason === 'node-failure')
    cluster.members = [n1!, n4!]
    open()
    await done
    expect(sniffsOf()).toBe(2)
    expect(t.pool.nodes.map((n) => n.name)).toEqual(['n1', 'n4'])
    await t.close()
  })

  it('keeps the known nodes when a later sniff fails, and never fails the request', async () => {
    await using cluster = await fakeCluster(three)
    const clock = manualClock()
    const t = transport({
      nodes: [seedByName(cluster, cluster.nodes[0]!)],
      clock,
      discovery: sniffing({ sniffOnStart: true, sniffInterval: 1000 }),
    })
    await load(t, 3)
    const cases: [(res: import('node:http').ServerResponse) => void, Record<string, unknown>][] = [
      [
        (res) => sendJson(res, 500, { error: 'boom' }),
        { name: 'ResponseError', code: 'ES_ERR_RESPONSE', statusCode: 500, message: expect.stringContaining('boom') },
      ],
      [
        (res) => sendJson(res, 200, { unexpected: true }),
        {
          name: 'DeserializationError',
          code: 'ES_ERR_DESERIALIZATION',
          message: 'the sniff answer has no `nodes` object: is `sniffEndpoint` a node-info API?',
        },
      ],
      [
        (res) => sendJson(res, 200, { nodes: {} }),
        {
          name: 'NoLivingNodesError',
          code: 'ES_ERR_NO_LIVING_NODES',
          message: expect.stringContaining('the sniff found no node to send requests to (0 with an HTTP address'),
        },
      ],
    ]
    for (const [answer, error] of cases) {
      cluster.sniffAnswer = answer
      clock.advance(1000)
      const sniffed = nextSniff()
      expect(await load(t, 3)).toEqual([])
      expect((await sniffed).error).toMatchObject(error)
      expect(t.pool.nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3'])
    }
    await t.close()
  })

  it('gives up a sniff after sniffTimeout and serves the request with the known nodes', async () => {
    await using cluster = await fakeCluster([{ name: 'slow' }])
    cluster.sniffGate = new Promise<void>(() => {})
    const t = transport({
      nodes: [cluster.url(cluster.nodes[0]!)],
      discovery: sniffing({ sniffOnStart: true, sniffTimeout: 50 }),
    })
    const sniffed = nextSniff()
    const { body } = await t.request<{ name: string }>({ method: 'GET', path: '/' })
    expect(body.name).toBe('slow')
    expect((await sniffed).error?.code).toBe('ES_ERR_TIMEOUT')
    await t.close()
  })

  it('fails the first request with a clear error when the initial sniff reaches no node, and tries again', async () => {
    const gone = await Promise.all([startServer(() => {}), startServer(() => {})])
    const urls = gone.map((s) => s.url)
    for (const s of gone) await s.close()
    const clock = manualClock()
    const t = transport({
      nodes: urls.map((u) => u.replace('127.0.0.1', 'localhost')),
      clock,
      discovery: sniffing(onStartAndFailure),
    })
    const error = (await t.request({ method: 'GET', path: '/' }).catch((e: unknown) => e)) as ConnectionError
    expect(isConnectionError(error)).toBe(true)
    expect(error.message).toContain('initial sniff')
    for (const url of urls) expect(error.message).toContain(url.replace('127.0.0.1', 'localhost'))
    expect(error.requestSent).toBe(false)
    expect(error.message).not.toMatch(/undefined/)

    // the next request sniffs again: a node that is back by then is found and serves it
    const port = Number(new URL(urls[0]!).port)
    await using back = await startServer(
      (req, res) =>
        req.url === '/_nodes/_all/http'
          ? sendJson(res, 200, {
              nodes: { x: { name: 'x', roles: [], http: { publish_address: `127.0.0.1:${port}` } } },
            })
          : sendJson(res, 200, { ok: true }),
      { port },
    )
    clock.advance(1000) // both seeds rest 1 s after their failure
    const { body } = await t.request({ method: 'GET', path: '/' })
    expect(body).toEqual({ ok: true })
    expect(back.requests.map((r) => r.url)).toEqual(['/_nodes/_all/http', '/'])
    expect(t.pool.nodes.map((n) => n.name)).toEqual(['x'])
    await t.close()
  })

  it('falls back to the seeds when every sniffed node is unreachable', async () => {
    await using seed = await startServer((req, res) => {
      if (req.url === '/_nodes/_all/http') {
        // addresses that cannot be reached from here (as behind a load balancer)
        sendJson(res, 200, {
          nodes: {
            a: { name: 'a', roles: ['data'], http: { publish_address: `127.0.0.1:${unreachable[0]}` } },
            b: { name: 'b', roles: ['data'], http: { publish_address: `127.0.0.1:${unreachable[1]}` } },
          },
        })
      } else sendJson(res, 200, { name: 'seed' })
    })
    const closed = await Promise.all([startServer(() => {}), startServer(() => {})])
    const unreachable = closed.map((s) => s.port)
    for (const s of closed) await s.close()
    const t = transport({ nodes: [seed.url], discovery: sniffing(onStartAndFailure) })
    const results = []
    for (let i = 0; i < 5; i++)
      results.push((await t.request<{ name: string }>({ method: 'GET', path: '/' })).body.name)
    expect(results).toEqual(['seed', 'seed', 'seed', 'seed', 'seed'])
    expect(t.pool.nodes.map((n) => n.name ?? n.id)).toContain(seed.url)
    await t.close()
  })

  it('verifies the TLS hostname of hostname/ip:port addresses', async () => {
    const good = await createCertificates({ dnsNames: ['es1.test'] })
    const lookup = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      const address = hostname === 'es1.test' ? '127.0.0.1' : hostname
      if (options.all === true) callback(null, [{ address, family: 4 }])
      else callback(null, address, 4)
    }) as unknown as LookupFunction
    const sni: unknown[] = []
    await using cluster = await fakeCluster([{ name: 'tls', publish: (port) => `es1.test/127.0.0.1:${port}` }], {
      tls: { cert: good.chain, key: good.server.key },
    })
    cluster.nodes[0]!.server.server.on('secureConnection', (socket: { servername?: unknown }) =>
      sni.push(socket.servername),
    )
    const t = transport({
      nodes: [cluster.url(cluster.nodes[0]!)],
      connection: undiciConnection({ proxy: false, lookup, tls: { ca: good.ca.cert } }),
      discovery: sniffing(onStartAndFailure),
    })
    expect(await load(t, 2)).toEqual([])
    expect(t.pool.nodes.map((n) => n.url.host)).toEqual([`es1.test:${cluster.nodes[0]!.server.port}`])
    expect(sni).toContain('es1.test')
    await t.close()

    // a certificate that does not name es1.test is refused for the sniffed node (the seed, by IP, is fine)
    const other = await createCertificates({ issuer: good.ca })
    await using wrong = await fakeCluster([{ name: 'tls', publish: (port) => `es1.test/127.0.0.1:${port}` }], {
      tls: { cert: other.chain, key: other.server.key },
    })
    const retries: RetryEvent[] = []
    const onRetry = (e: unknown): void => {
      retries.push(e as RetryEvent)
    }
    subscribe(channels.retry, onRetry)
    const w = transport({
      nodes: [wrong.url(wrong.nodes[0]!)],
      connection: undiciConnection({ proxy: false, lookup, tls: { ca: good.ca.cert } }),
      discovery: sniffing({ sniffOnStart: true }),
    })
    try {
      await w.request({ method: 'GET', path: '/' })
      expect(retries.map((r) => [r.node.url, r.reason])).toContainEqual([
        `https://es1.test:${wrong.nodes[0]!.server.port}`,
        'ES_ERR_TLS',
      ])
    } finally {
      unsubscribe(channels.retry, onRetry)
      await w.close()
    }
  })
})

describe('sniffing options', () => {
  it.each<[SniffingOptions, RegExp]>([
    [{ sniffInterval: true as never }, /sniffInterval.*not true/],
    [{ sniffInterval: -1 }, /sniffInterval/],
    [{ sniffOnStart: true, sniffTimeout: 0 }, /sniffTimeout/],
    [{ sniffOnStart: 'yes' as never }, /sniffOnStart/],
    [{ sniffOnStart: true, sniffEndpoint: '' }, /sniffEndpoint/],
    [{ sniffOnStart: true, nodeFilter: 'master' as never }, /nodeFilter/],
    [{}, /no trigger is on/],
    [{ sniffOnStart: false, sniffInterval: false }, /no trigger is on/],
  ])('rejects %j', (options, message) => {
    let error: unknown
    try {
      sniffing(options)
    } catch (e) {
      error = e
    }
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toMatch(message)
  })
})
