import { gunzipSync, gzipSync } from 'node:zlib'
import { Agent, request } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startCluster, type TestCluster } from '../src/index.js'
import { agentFor, basic, call } from './helpers.js'

describe.each(['8.19.0', '9.1.0'])('REST compatibility on %s', (version) => {
  let cluster: TestCluster
  const major = Number(version.split('.')[0])
  beforeAll(async () => {
    cluster = await startCluster({ version, security: false })
  })
  afterAll(async () => {
    await cluster.close()
  })
  const agent = new Agent()
  afterAll(async () => {
    await agent.close()
  })

  test.each([major, major - 1])('compatible-with=%i is accepted and answered in kind', async (n) => {
    const vnd = `application/vnd.elasticsearch+json; compatible-with=${n}`
    const res = await call(agent, `${cluster.url}/idx/_doc/1`, {
      method: 'PUT',
      headers: { accept: vnd, 'content-type': vnd },
      body: '{"a":1}',
    })
    expect(res.status).toBeLessThan(300)
    expect(res.headers['content-type']).toBe(`application/vnd.elasticsearch+json;compatible-with=${n}`)
    const bulk = await call(agent, `${cluster.url}/_bulk`, {
      method: 'POST',
      headers: {
        accept: `${vnd},text/plain`,
        'content-type': `application/vnd.elasticsearch+x-ndjson; compatible-with=${n}`,
      },
      body: '{"index":{"_index":"idx","_id":"2"}}\n{"a":2}\n',
    })
    expect(bulk.status).toBe(200)
    expect(bulk.body.errors).toBe(false)
  })

  test.each([major + 1, major - 2])('compatible-with=%i gets media_type_header_exception', async (n) => {
    const vnd = `application/vnd.elasticsearch+json; compatible-with=${n}`
    const res = await call(agent, `${cluster.url}/`, { headers: { accept: vnd } })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      error: {
        root_cause: [{ type: 'media_type_header_exception', reason: 'Invalid media-type value on headers [Accept]' }],
        type: 'media_type_header_exception',
        reason: 'Invalid media-type value on headers [Accept]',
        caused_by: {
          type: 'status_exception',
          reason: `Accept version must be either version ${major} or ${major - 1}, but found ${n}. Accept=${vnd}`,
        },
      },
      status: 400,
    })
    const body = await call(agent, `${cluster.url}/idx/_search`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': vnd },
      body: '{}',
    })
    expect(body.status).toBe(400)
    expect(body.body.error.reason).toBe('Invalid media-type value on headers [Content-Type]')
  })

  test('plain application/json always works; mismatched versions with a body are refused', async () => {
    const plain = await call(agent, `${cluster.url}/idx/_search`, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: '{"query":{"match_all":{}}}',
    })
    expect(plain.status).toBe(200)
    expect(plain.headers['content-type']).toBe('application/json')
    const mixed = await call(agent, `${cluster.url}/idx/_search`, {
      method: 'POST',
      headers: {
        accept: `application/vnd.elasticsearch+json; compatible-with=${major}`,
        'content-type': `application/vnd.elasticsearch+json; compatible-with=${major - 1}`,
      },
      body: '{}',
    })
    expect(mixed.status).toBe(400)
    expect(mixed.body.error.type).toBe('media_type_header_exception')
  })

  test('filter_path keeps and drops fields like Elasticsearch', async () => {
    const info = await call(agent, `${cluster.url}/?filter_path=version.number,tagline`)
    expect(info.body).toEqual({ version: { number: version }, tagline: 'You Know, for Search' })
    const nodes = await call(agent, `${cluster.url}/_nodes/http?filter_path=nodes.*.http.publish_address`)
    expect(Object.values(nodes.body.nodes)).toEqual([
      { http: { publish_address: expect.stringMatching(/^127\.0\.0\.1:\d+$/) } },
    ])
    const minus = await call(agent, `${cluster.url}/?filter_path=-version,-tagline`)
    expect(Object.keys(minus.body).sort()).toEqual(['cluster_name', 'cluster_uuid', 'name'])
    const deep = await call(agent, `${cluster.url}/?filter_path=**.number`)
    expect(deep.body).toEqual({ version: { number: version } })
  })

  test('GET / reports the version and its compatibility numbers', async () => {
    const info = await call(agent, `${cluster.url}/`)
    expect(info.body).toMatchObject({
      name: 'node-0',
      cluster_name: 'stretch-test-cluster',
      version: { number: version, build_flavor: 'default' },
      tagline: 'You Know, for Search',
    })
    expect(info.body.version.minimum_wire_compatibility_version).toMatch(major === 9 ? /^8\./ : /^7\./)
    expect(info.body.version.lucene_version).toMatch(major === 9 ? /^10\./ : /^9\./)
    const head = await request(`${cluster.url}/`, { method: 'HEAD', dispatcher: agent })
    await head.body.text()
    expect(head.statusCode).toBe(200)
    expect(head.headers['x-elastic-product']).toBe('Elasticsearch')
  })
})

test('an 8.x server answering compatible-with=7 adds _type: _doc to documents', async () => {
  await using cluster = await startCluster({ version: '8.19.0', security: false })
  const agent = new Agent()
  const v7 = 'application/vnd.elasticsearch+json; compatible-with=7'
  const put = await call(agent, `${cluster.url}/typed/_doc/1`, {
    method: 'PUT',
    headers: { accept: v7, 'content-type': v7 },
    body: '{"a":1}',
  })
  expect(put.body).toMatchObject({ _index: 'typed', _type: '_doc', _id: '1' })
  const hits = await call(agent, `${cluster.url}/typed/_search`, {
    method: 'POST',
    headers: { accept: v7, 'content-type': v7 },
    body: '{}',
  })
  expect(hits.body.hits.hits[0]).toMatchObject({ _index: 'typed', _type: '_doc', _id: '1', _source: { a: 1 } })
  const plain = await call(agent, `${cluster.url}/typed/_doc/1`)
  expect(plain.body._type).toBeUndefined()
  await agent.close()
})

describe('compression and headers', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster({ nodes: 1 })
  })
  afterAll(async () => {
    await cluster.close()
  })

  test('gzip request bodies are accepted; answers are gzipped on request', async () => {
    const agent = agentFor(cluster)
    const body = gzipSync(JSON.stringify({ title: 'zipped' }))
    const res = await request(`${cluster.url}/z/_doc/1?refresh=true`, {
      dispatcher: agent,
      method: 'PUT',
      headers: {
        authorization: basic('elastic', cluster.password),
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'accept-encoding': 'gzip',
      },
      body,
    })
    expect(res.statusCode).toBe(201)
    expect(res.headers['content-encoding']).toBe('gzip')
    const raw = Buffer.from(await res.body.arrayBuffer())
    expect(JSON.parse(gunzipSync(raw).toString())).toMatchObject({ _index: 'z', _id: '1', result: 'created' })
    const recorded = cluster.nodes[0]!.requests.at(-1)!
    expect(recorded.rawBody.equals(body)).toBe(true)
    expect(JSON.parse(recorded.body.toString())).toEqual({ title: 'zipped' })
    await agent.close()
  })

  test('X-Opaque-Id is echoed; compression can be switched off like http.compression', async () => {
    const agent = agentFor(cluster)
    const res = await call(agent, cluster.url, { headers: { 'x-opaque-id': 'trace-1' } })
    expect(res.headers['x-opaque-id']).toBe('trace-1')
    await using plain = await startCluster({ compression: false })
    const plainAgent = agentFor(plain)
    const raw = await request(plain.url, {
      dispatcher: plainAgent,
      headers: { authorization: basic('elastic', plain.password), 'accept-encoding': 'gzip' },
    })
    expect(raw.headers['content-encoding']).toBeUndefined()
    expect(((await raw.body.json()) as { tagline: string }).tagline).toBe('You Know, for Search')
    await plainAgent.close()
    await agent.close()
  })

  test('X-elastic-product is on every answer (401 too) until switched off', async () => {
    const agent = agentFor(cluster)
    expect((await call(agent, cluster.url)).headers['x-elastic-product']).toBe('Elasticsearch')
    cluster.productHeader = false
    const off = await call(agent, cluster.url, { auth: basic('elastic', cluster.password) })
    expect(off.status).toBe(200)
    expect(off.headers['x-elastic-product']).toBeUndefined()
    cluster.productHeader = true
    await agent.close()
  })
})

describe('GET /_nodes/_all/http (sniffing)', () => {
  test('lists every running node with roles, attributes and the publish address forms', async () => {
    await using cluster = await startCluster({
      nodes: [
        { roles: ['master'], attributes: { zone: 'a' } },
        { publishAddress: 'hostname', attributes: { zone: 'b' } },
        { host: '::1' },
        { publishAddress: 'hostname', hostname: 'node-d.es.stretch.test' },
      ],
    })
    const agent = agentFor(cluster)
    const auth = basic('elastic', cluster.password)
    expect((await call(agent, `${cluster.url}/_nodes/_all/http`)).status).toBe(401)
    for (const path of ['/_nodes/_all/http', '/_nodes/http']) {
      const res = await call(agent, `${cluster.nodes[2]!.url}${path}`, { auth })
      expect(res.status).toBe(200)
      expect(res.body._nodes).toEqual({ total: 4, successful: 4, failed: 0 })
      const [a, b, c, d] = cluster.nodes
      expect(res.body.nodes[a!.id]).toMatchObject({
        name: 'node-0',
        roles: ['master'],
        attributes: { zone: 'a' },
        ip: '127.0.0.1',
        version: '9.1.0',
        http: { publish_address: `127.0.0.1:${a!.port}` },
      })
      expect(res.body.nodes[a!.id].host).toBe('127.0.0.1')
      expect(res.body.nodes[b!.id].http.publish_address).toBe(`localhost/127.0.0.1:${b!.port}`)
      expect(res.body.nodes[b!.id].host).toBe('localhost')
      expect(res.body.nodes[b!.id].roles).toContain('data')
      expect(res.body.nodes[c!.id].http.publish_address).toBe(`[::1]:${c!.port}`)
      expect(res.body.nodes[d!.id]).toMatchObject({
        host: 'node-d.es.stretch.test',
        http: { publish_address: `node-d.es.stretch.test/127.0.0.1:${d!.port}` },
      })
    }
    await cluster.nodes[1]!.stop()
    const after = await call(agent, `${cluster.url}/_nodes/_all/http`, { auth })
    expect(Object.keys(after.body.nodes)).toEqual([cluster.nodes[0]!.id, cluster.nodes[2]!.id, cluster.nodes[3]!.id])
    const added = await cluster.addNode({ name: 'late' })
    const withNew = await call(agent, `${added.url}/_nodes/_all/http`, { auth })
    expect(withNew.body.nodes[added.id]).toMatchObject({
      name: 'late',
      http: { publish_address: `127.0.0.1:${added.port}` },
    })
    await agent.close()
  })
})
