import { once } from 'node:events'
import { gunzipSync } from 'node:zlib'
import { type Agent, Client, request } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startCluster, type TestCluster } from '../src/index.js'
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
    node.inject({ type: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: '{"truncated":' })
    expect((await call(agent, node.url, { auth })).text).toBe('{"truncated":')
  })
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
    expect(node.requests[0]!.headers.authorization).toBe(auth)
    expect(node.requests[1]!.body.toString()).toBe('{"hello":"world"}')
    expect(cluster.nodes[2]!.requests.some((r) => r.path === '/c/_doc/1')).toBe(false)
    expect(cluster.requests().filter((r) => r.node === node.name)).toHaveLength(2)
  })
})
