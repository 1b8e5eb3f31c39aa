import { request as httpsRequest } from 'node:https'
import { connect } from 'node:tls'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CLOUD_DOMAIN, lookup, startCluster, type TestCluster } from '../src/index.js'
import { basic, call } from './helpers.js'

let cluster: TestCluster
let agent: Agent
beforeAll(async () => {
  cluster = await startCluster({ nodes: 2, cloud: { name: 'my-deployment' } })
  agent = new Agent({ connect: { ca: cluster.caCert, lookup } })
})
afterAll(async () => {
  await agent.close()
  await cluster.close()
})

describe('cloud endpoint', () => {
  test('the Cloud ID decodes to host:port$es_uuid$kibana_uuid', () => {
    const cloud = cluster.cloud!
    const [name, encoded] = cloud.cloudId.split(':')
    expect(name).toBe('my-deployment')
    expect(Buffer.from(encoded!, 'base64').toString()).toBe(
      `${CLOUD_DOMAIN}:${cloud.port}$${cloud.esUuid}$${cloud.kibanaUuid}`,
    )
    expect(cloud.url).toBe(`https://${cloud.esUuid}.${CLOUD_DOMAIN}:${cloud.port}`)
  })

  test('answers for <es_uuid>.<host> through the lookup helper, with the cluster behind it', async () => {
    const cloud = cluster.cloud!
    const auth = basic('elastic', cluster.password)
    const info = await call(agent, cloud.url, { auth })
    expect(info.status).toBe(200)
    expect(info.body).toMatchObject({ name: 'instance-0000000000', cluster_name: cluster.clusterName })
    expect(info.headers['x-found-handling-cluster']).toBe(cloud.esUuid)
    expect(info.headers['x-elastic-product']).toBe('Elasticsearch')
    await call(agent, `${cloud.url}/c/_doc/1`, { method: 'PUT', auth, body: '{"via":"cloud"}' })
    expect(
      (await call(agent, `${cluster.nodes[1]!.url.replace('127.0.0.1', 'localhost')}/c/_doc/1`, { auth })).body._source,
    ).toEqual({ via: 'cloud' })
    expect((await call(agent, cloud.url)).status).toBe(401)
    expect(cloud.node.stats.requests).toBe(3)
  })

  test('a wrong Host header gets the proxy 404; no SNI too', async () => {
    const cloud = cluster.cloud!
    // undici derives SNI from a Host header; node:https lets the two differ, as a confused client might.
    const wrongHost = await new Promise<{ status: number; body: string; product: unknown }>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: cloud.port,
          servername: cloud.hostname,
          ca: cluster.caCert,
          headers: { host: `other.${CLOUD_DOMAIN}:${cloud.port}` },
        },
        (res) => {
          let body = ''
          res.on('data', (d: Buffer) => {
            body += d.toString()
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, product: res.headers['x-elastic-product'] }))
        },
      )
      req.on('error', reject)
      req.end()
    })
    expect(wrongHost.status).toBe(404)
    expect(JSON.parse(wrongHost.body)).toEqual({ ok: false, message: 'Unknown resource.' })
    expect(wrongHost.product).toBeUndefined()
    // By IP: no SNI is sent, so the proxy cannot route.
    const byIp = await call(agent, `https://127.0.0.1:${cloud.port}/`)
    expect(byIp.status).toBe(404)
    expect(byIp.headers['x-elastic-product']).toBeUndefined()
  })

  test('a wrong SNI fails the TLS handshake', async () => {
    const cloud = cluster.cloud!
    const error = await new Promise<Error>((resolve, reject) => {
      const socket = connect(
        { host: '127.0.0.1', port: cloud.port, servername: `nope.${CLOUD_DOMAIN}`, ca: cluster.caCert },
        () => {
          socket.destroy()
          reject(new Error('handshake succeeded'))
        },
      )
      socket.on('error', resolve)
    })
    expect(error.message).toMatch(/alert|handshake|socket/i)
    expect(cloud.node.stats.tlsFailures).toBeGreaterThan(0)
  })

  test('lookup resolves the made-up domain to loopback, in both callback forms', async () => {
    const one = await new Promise((resolve) =>
      lookup(`abc.${CLOUD_DOMAIN}`, {}, (_e, address, family) => resolve([address, family])),
    )
    expect(one).toEqual(['127.0.0.1', 4])
    const all = await new Promise((resolve) =>
      lookup(`abc.${CLOUD_DOMAIN}`, { all: true }, (_e, addresses) => resolve(addresses)),
    )
    expect(all).toEqual([{ address: '127.0.0.1', family: 4 }])
  })

  test('cloud needs security', async () => {
    await expect(startCluster({ cloud: true, security: false })).rejects.toThrow(/cloud.*security/)
  })
})
