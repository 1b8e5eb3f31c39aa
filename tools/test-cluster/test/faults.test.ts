import { once } from 'node:events'
import type { Socket } from 'node:net'
import { gunzipSync } from 'node:zlib'
import { Agent, Client, request } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startCluster, type TestCluster, type TestNode } from '../src/index.js'
import { agentFor, basic, call } from './helpers.js'

let cluster: TestCluster
let agent: Agent
let auth: string
beforeAll(async () => {
  cluster = await startCluster({ nodes: 3 })
  agent = agentFor(cluster)
  auth = basic('elastic', cluster.password)
})
afterAll(async () => {
  await agent.close()
  await cluster.close()
})

describe('node lifecycle', () => {
  test('stop refuses connections; restart serves again on the same port', async () => {
    const node = cluster.nodes[1]!
    const port = node.port
    await node.stop()
    expect(node.running).toBe(false)
    await expect(call(agent, node.url, { auth })).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    await node.start()
    expect(node.port).toBe(port)
    expect((await call(agent, node.url, { auth })).status).toBe(200)
    await node.restart()
    expect(node.port).toBe(port)
    expect((await call(agent, node.url, { auth })).status).toBe(200)
  })

  test('stopping a node cuts its in-flight requests', async () => {
    const node = cluster.nodes[2]!
    node.inject({ type: 'hang' })
    const arrived = once(node.events, 'request')
    const pending = call(agent, node.url, { auth })
    await arrived
    await node.stop()
    await expect(pending).rejects.toMatchObject({ code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/) })
    await node.start()
  })

  test('addNode joins the cluster and shares its documents', async () => {
    await call(agent, `${cluster.url}/shared/_doc/x`, { method: 'PUT', auth, body: '{"v":1}' })
    const node = await cluster.addNode({ roles: ['data'], attributes: { zone: 'c' } })
    expect(cluster.nodes).toContain(node)
    expect((await call(agent, `${node.url}/shared/_doc/x`, { auth })).body._source).toEqual({ v: 1 })
    await node.stop()
  })
})

describe('status faults', () => {
  test('429 with Retry-After, then 502/503/504 for the next K requests, then normal answers', async () => {
    const node = cluster.nodes[0]!
    node.failNext(1, 429, 3)
    const busy = await call(agent, node.url, { auth })
    expect(busy.status).toBe(429)
    expect(busy.headers['retry-after']).toBe('3')
    expect(busy.headers['x-elastic-product']).toBe('Elasticsearch')
    expect(busy.body.error.type).toBe('es_rejected_execution_exception')
    for (const status of [502, 503, 504]) {
      const fault = node.failNext(2, status)
      expect((await call(agent, node.url, { auth })).status).toBe(status)
      expect((await call(agent, node.url, { auth })).status).toBe(status)
      expect(fault.hits).toBe(2)
      expect(fault.remaining).toBe(0)
      expect((await call(agent, node.url, { auth })).status).toBe(200)
    }
  })

  test('cluster-wide faults hit any node; match narrows them to a path', async () => {
    const fault = cluster.inject({ type: 'status', status: 503 }, { times: 2, match: { path: '/_bulk' } })
    expect((await call(agent, cluster.nodes[1]!.url, { auth })).status).toBe(200)
    const bulk = '{"index":{"_index":"f","_id":"1"}}\n{"a":1}\n'
    expect((await call(agent, `${cluster.nodes[1]!.url}/_bulk`, { method: 'POST', auth, body: bulk })).status).toBe(503)
    expect((await call(agent, `${cluster.nodes[2]!.url}/_bulk`, { method: 'POST', auth, body: bulk })).status).toBe(503)
    expect(cluster.writeCount('f', '1')).toBe(0)
    expect((await call(agent, `${cluster.nodes[0]!.url}/_bulk`, { method: 'POST', auth, body: bulk })).status).toBe(200)
    expect(cluster.writeCount('f', '1')).toBe(1)
    expect(fault.hits).toBe(2)
  })
})

describe('socket faults', () => {
  test('delay holds the answer (a short client timeout fires first)', async () => {
    const node = cluster.nodes[0]!
    node.inject({ type: 'delay', ms: 5_000 })
    const impatient = agentFor(cluster, {})
    const slow = request(node.url, { dispatcher: impatient, headers: { authorization: auth }, headersTimeout: 100 })
    await expect(slow).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' })
    await impatient.destroy()
    const quick = node.inject({ type: 'delay', ms: 1 })
    expect((await call(agent, node.url, { auth })).status).toBe(200)
    expect(quick.hits).toBe(1)
  })

  test('reset before reading the body and after reading it', async () => {
    const node = cluster.nodes[0]!
    node.resetStats()
    node.inject({ type: 'reset', when: 'before-body' })
    await expect(call(agent, `${node.url}/r/_doc/1`, { method: 'PUT', auth, body: '{"a":1}' })).rejects.toMatchObject({
      code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/),
    })
    node.inject({ type: 'reset', when: 'after-body' })
    await expect(call(agent, `${node.url}/r/_doc/2`, { method: 'PUT', auth, body: '{"a":2}' })).rejects.toMatchObject({
      code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/),
    })
    expect(node.requests.map((r) => [r.fault, r.body.toString(), r.status])).toEqual([
      ['reset', '', undefined],
      ['reset', '{"a":2}', undefined],
    ])
    expect(cluster.writeCount('r', '2')).toBe(0)
  })

  test('reset after the write: the request is applied, the answer never comes', async () => {
    const node = cluster.nodes[0]!
    node.inject({ type: 'reset', when: 'after-write' })
    await expect(call(agent, `${node.url}/r/_doc/3`, { method: 'PUT', auth, body: '{"a":3}' })).rejects.toMatchObject({
      code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/),
    })
    expect(cluster.writeCount('r', '3')).toBe(1)
  })

  test('hold answers normally once the test releases it, not before', async () => {
    const node = cluster.nodes[0]!
    let release = (): void => {}
    const until = new Promise<void>((resolve) => {
      release = resolve
    })
    node.inject({ type: 'hold', until }, { match: { path: '/held/_doc/1' } })
    const held = (event: string): Promise<{ status?: number; fault?: string }> =>
      new Promise((resolve) => {
        const on = (r: { path: string; status?: number; fault?: string }): void => {
          if (r.path !== '/held/_doc/1') return
          node.events.off(event, on)
          resolve(r)
        }
        node.events.on(event, on)
      })
    const arrived = held('request')
    const answered = held('response')
    const pending = call(agent, `${node.url}/held/_doc/1`, { method: 'PUT', auth, body: '{"a":1}' })
    await arrived
    // Held: the document is not written until the release (the write runs after the hold).
    expect(cluster.writeCount('held', '1')).toBe(0)
    release()
    const record = await answered
    expect(record).toMatchObject({ status: 201, fault: 'hold' })
    expect((await pending).status).toBe(201)
    expect(cluster.writeCount('held', '1')).toBe(1)
  })

  test('a delayed answer leaves no timer behind when the node stops', async () => {
    await using slow = await startCluster({ security: false })
    const node = slow.nodes[0]!
    node.inject({ type: 'delay', ms: 60_000 })
    const plain = new Agent()
    const arrived = once(node.events, 'request')
    const pending = call(plain, node.url).catch((error: { code?: string }) => error.code)
    await arrived
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    await node.stop()
    expect(await pending).toMatch(/UND_ERR_SOCKET|ECONNRESET/)
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThan(timersBefore)
    await plain.close()
  })

  test('hang never answers', async () => {
    const node = cluster.nodes[0]!
    node.inject({ type: 'hang' })
    const res = request(node.url, { dispatcher: agent, headers: { authorization: auth }, headersTimeout: 150 })
    await expect(res).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' })
  })
})

describe('body faults', () => {
  test('huge body: a JSON body of the size asked for', async () => {
    cluster.nodes[0]!.inject({ type: 'huge-body', bytes: 5 * 1024 * 1024 })
    const res = await request(cluster.url, { dispatcher: agent, headers: { authorization: auth } })
    expect(res.headers['content-length']).toBe(String(5 * 1024 * 1024))
    const text = await res.body.text()
    expect(text.length).toBe(5 * 1024 * 1024)
    expect(JSON.parse(text).padding).toHaveLength(5 * 1024 * 1024 - 14)
  })

  test('gzip bomb: a small gzip body inflating to the size asked for', async () => {
    cluster.nodes[0]!.inject({ type: 'gzip-bomb', bytes: 32 * 1024 * 1024 })
    const res = await request(cluster.url, {
      dispatcher: agent,
      headers: { authorization: auth, 'accept-encoding': 'gzip' },
    })
    expect(res.headers['content-encoding']).toBe('gzip')
    const raw = Buffer.from(await res.body.arrayBuffer())
    expect(raw.length).toBeLessThan(256 * 1024)
    expect(gunzipSync(raw).length).toBe(32 * 1024 * 1024)
  })

  test('non-JSON body and a dropped product header', async () => {
    const node = cluster.nodes[0]!
    node.inject({ type: 'non-json' })
    const html = await call(agent, node.url, { auth })
    expect(html.status).toBe(200)
    expect(html.headers['content-type']).toBe('text/html')
    expect(html.text).toContain('<html>')
    node.inject({ type: 'no-product-header' })
    const bare = await call(agent, node.url, { auth })
    expect(bare.status).toBe(200)
    expect(bare.body.tagline).toBe('You Know, for Search')
    expect(bare.headers['x-elastic-product']).toBeUndefined()
    node.inject({ type: 'warning', messages: ['[types removal] "quoted" things are deprecated', 'second'] })
    const warned = await call(agent, node.url, { auth })
    expect(warned.status).toBe(200)
    // One header line per warning; quotes inside the message escaped, as Elasticsearch does.
    expect(warned.headers['warning']).toEqual([
      expect.stringMatching(
        /^299 Elasticsearch-9\.1\.0-[0-9a-f]{40} "\[types removal\] \\"quoted\\" things are deprecated"$/,
      ),
      expect.stringMatching(/^299 Elasticsearch-9\.1\.0-[0-9a-f]{40} "second"$/),
    ])
    node.inject({ type: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: '{"truncated":' })
    expect((await call(agent, node.url, { auth })).text).toBe('{"truncated":')
  })
})

describe('bulk and streaming faults', () => {
  test('bulk-reject with a ratio rejects each item with that probability, from the given random source', async () => {
    const node = cluster.nodes[0]!
    const draws = [0.05, 0.5, 0.09, 0.99] // below 0.1: rejected
    node.inject({ type: 'bulk-reject', ratio: 0.1, random: () => draws.shift() ?? 1 })
    const body = `${[1, 2, 3, 4].map((n) => `{"index":{"_index":"ratio","_id":"${n}"}}\n{"n":${n}}`).join('\n')}\n`
    const res = await call(agent, `${node.url}/_bulk`, {
      method: 'POST',
      auth,
      body,
      headers: { 'content-type': 'application/x-ndjson' },
    })
    expect(res.body.items.map((i: Record<string, { status: number }>) => Object.values(i)[0]!.status)).toEqual([
      429, 201, 429, 201,
    ])
    expect([1, 2, 3, 4].map((n) => cluster.writeCount('ratio', String(n)))).toEqual([0, 1, 0, 1])
  })

  test('bulk-reject answers chosen items with 429 and writes the others', async () => {
    const node = cluster.nodes[0]!
    node.inject({ type: 'bulk-reject', items: [1] })
    const body = [
      '{"index":{"_index":"br","_id":"1"}}',
      '{"n":1}',
      '{"index":{"_index":"br","_id":"2"}}',
      '{"n":2}',
      '{"delete":{"_index":"br","_id":"3"}}',
      '',
    ].join('\n')
    // A request that is not a bulk passes the fault by.
    expect((await call(agent, node.url, { auth })).status).toBe(200)
    const res = await call(agent, `${node.url}/_bulk`, {
      method: 'POST',
      auth,
      body,
      headers: { 'content-type': 'application/x-ndjson' },
    })
    expect(res.status).toBe(200)
    expect(res.body.errors).toBe(true)
    expect(res.body.items.map((i: Record<string, { status: number }>) => Object.values(i)[0]!.status)).toEqual([
      201, 429, 404,
    ])
    expect(res.body.items[1].index.error.type).toBe('es_rejected_execution_exception')
    expect(cluster.writeCount('br', '1')).toBe(1)
    expect(cluster.writeCount('br', '2')).toBe(0)
  })

  test('truncated body: hang (body timeout) or close (premature end)', async () => {
    const node = cluster.nodes[0]!
    node.inject({ type: 'truncated-body', ending: 'hang' })
    const hung = await request(node.url, { dispatcher: agent, headers: { authorization: auth }, bodyTimeout: 150 })
    expect(hung.statusCode).toBe(200)
    await expect(hung.body.text()).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' })
    node.inject({ type: 'truncated-body', ending: 'close' })
    const closed = await request(node.url, { dispatcher: agent, headers: { authorization: auth } })
    await expect(closed.body.text()).rejects.toMatchObject({
      code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET|UND_ERR_RES_CONTENT_LENGTH_MISMATCH/),
    })
  })

  test('blackhole: TCP accepted, no TLS handshake, until start()', async () => {
    const node = cluster.nodes[2]!
    await node.blackhole()
    const before = node.stats.connections
    const impatient = agentFor(cluster, { timeout: 200 })
    const waiting = request(node.url, { dispatcher: impatient, headers: { authorization: auth } })
    await expect(waiting).rejects.toMatchObject({
      code: expect.stringMatching(/UND_ERR_CONNECT_TIMEOUT|UND_ERR_SOCKET/),
    })
    await impatient.destroy()
    expect(node.stats.connections).toBe(before + 1)
    await node.start()
    expect((await call(agent, node.url, { auth })).status).toBe(200)
  })

  test('a body needs a content type Elasticsearch knows (406 otherwise)', async () => {
    const res = await call(agent, `${cluster.url}/x/_search`, {
      method: 'POST',
      auth,
      body: '{}',
      headers: { 'content-type': 'text/plain' },
    })
    expect(res.status).toBe(406)
    expect(res.body).toEqual({ error: 'Content-Type header [text/plain] is not supported', status: 406 })
  })

  test('a short keep-alive timeout closes idle connections (Keep-Alive: timeout= says so)', async () => {
    await using quick = await startCluster({ nodeDefaults: { keepAliveTimeoutMs: 1000, recordRequests: 2 } })
    const client = new Client(quick.url, { connect: { ca: quick.caCert } })
    const node = quick.nodes[0]!
    const accepted = once(node.events, 'connection') as Promise<[Socket]>
    const res = await call(client, quick.url, { auth: basic('elastic', quick.password) })
    expect(res.headers['keep-alive']).toBe('timeout=1')
    const [socket] = await accepted
    await once(socket, 'close')
    expect(node.stats.connections).toBe(1)
    for (let i = 0; i < 3; i++) await call(client, `${quick.url}/_count`, { auth: basic('elastic', quick.password) })
    // recordRequests: 2 keeps the last 2, trimmed once the log reaches 3.
    expect(node.requests.map((r) => r.path)).toEqual(['/_count', '/_count'])
    expect(node.stats.requests).toBe(4)
    // undici may open a connection per request when the keep-alive is this short; at least the closed one and a new one.
    expect(node.stats.connections).toBeGreaterThanOrEqual(2)
    await client.close()
  })
})

describe('faults under load', () => {
  test('probability picks a share of requests, repeatably with a seeded random source', async () => {
    const node = cluster.nodes[0]!
    let state = 42
    const seeded = (): number => {
      state = (state * 16807) % 2147483647
      return state / 2147483647
    }
    const fault = node.inject({ type: 'status', status: 503 }, { times: Infinity, probability: 0.25, random: seeded })
    const statuses: number[] = []
    for (let i = 0; i < 40; i++) statuses.push((await call(agent, node.url, { auth })).status)
    fault.clear()
    const failed = statuses.filter((s) => s === 503).length
    expect(failed).toBe(fault.hits)
    expect(failed).toBeGreaterThan(2)
    expect(failed).toBeLessThan(25)
    expect(statuses.filter((s) => s === 200)).toHaveLength(40 - failed)
  })

  test('stop and start under load with TLS resets never throw, and the node serves again', async () => {
    await using busy = await startCluster({ nodes: 2 })
    const busyAgent = agentFor(busy)
    const busyAuth = basic('elastic', busy.password)
    for (const node of busy.nodes) {
      node.inject({ type: 'reset', when: 'before-body' }, { times: Infinity, probability: 0.1 })
      node.inject({ type: 'reset', when: 'after-body' }, { times: Infinity, probability: 0.1 })
      node.inject({ type: 'status', status: 503 }, { times: Infinity, probability: 0.1 })
    }
    let running = true
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; running; i++) {
        const node = busy.nodes[(w + i) % 2]!
        await call(busyAgent, `${node.url}/load/_doc/${w}-${i}`, {
          method: 'PUT',
          auth: busyAuth,
          body: '{"a":1}',
        }).catch(() => undefined)
      }
    }
    const workers = Array.from({ length: 48 }, (_, w) => worker(w))
    const requestsOn = (node: TestNode, n: number): Promise<void> =>
      new Promise((resolve) => {
        let seen = 0
        const onRequest = (): void => {
          if (++seen >= n) {
            node.events.off('request', onRequest)
            resolve()
          }
        }
        node.events.on('request', onRequest)
      })
    for (let round = 0; round < 3; round++) {
      const node = busy.nodes[round % 2]!
      await requestsOn(node, 150)
      await node.stop()
      await node.start()
    }
    running = false
    await Promise.all(workers)
    for (const node of busy.nodes) node.faults.clear()
    for (const node of busy.nodes) expect((await call(busyAgent, node.url, { auth: busyAuth })).status).toBe(200)
    await busyAgent.close()
  }, 60_000)
})

describe('counters', () => {
  test('requests, headers, bytes, connections and TLS handshakes per node', async () => {
    const node = cluster.nodes[1]!
    node.resetStats()
    // One undici Client is one connection: the counters below then have exact values.
    const fresh = new Client(node.url, { connect: { ca: cluster.caCert } })
    await call(fresh, `${node.url}/_count`, { auth, headers: { 'x-opaque-id': 'abc' } })
    await call(fresh, `${node.url}/c/_doc/1`, { method: 'PUT', auth, body: '{"hello":"world"}' })
    await fresh.close()
    expect(node.stats).toMatchObject({ requests: 2, connections: 1, tlsHandshakes: 1, tlsFailures: 0 })
    expect(node.stats.httpBytesReceived).toBeGreaterThan(17)
    expect(node.tcpBytesReceived).toBeGreaterThan(node.stats.httpBytesReceived)
    expect(node.requests[0]!.headers['x-opaque-id']).toBe('abc')
    expect(node.requests[0]!.headers['authorization']).toBe(auth)
    expect(node.requests[1]!.body.toString()).toBe('{"hello":"world"}')
    expect(cluster.nodes[2]!.requests.some((r) => r.path === '/c/_doc/1')).toBe(false)
    expect(cluster.requests().filter((r) => r.node === node.name)).toHaveLength(2)
  })
})
