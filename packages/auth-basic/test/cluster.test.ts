import { undiciConnection } from '@stretch/connection-undici'
import { startCluster, type TestCluster } from '@stretch/test-cluster'
import { printed, recordDiagnostics, rejection, sniffOnStart } from '@stretch/test-utils'
import { isResponseError, type Middleware, type ResponseError, Transport } from '@stretch/transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { basicAuth } from '../src/index.js'

let cluster: TestCluster

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 }) // security on: TLS with its own HTTP CA, `elastic` with a password
})
afterAll(async () => {
  await cluster.close()
})

function transport(auth: Middleware): Transport {
  return new Transport({
    nodes: cluster.urls,
    connection: undiciConnection({ tls: { ca: cluster.caCert } }),
    auth,
    retryBackoff: 0,
  })
}

describe('basicAuth against the test cluster (security on)', () => {
  it('authenticates the elastic user', async () => {
    const t = transport(basicAuth(['elastic', cluster.password]))
    const me = await t.request<{ username: string; authentication_type: string }>({
      method: 'GET',
      path: '/_security/_authenticate',
    })
    expect(me.statusCode).toBe(200)
    expect(me.body).toMatchObject({ username: 'elastic', authentication_type: 'realm' })
    await t.close()
  })

  it('authenticates a user whose name and password are not ASCII', async () => {
    cluster.addUser('jürgen', 'pässwörd: €', ['viewer'])
    const t = transport(basicAuth({ username: 'jürgen', password: 'pässwörd: €' }))
    const me = await t.request<{ username: string }>({ method: 'GET', path: '/_security/_authenticate' })
    expect(me.body.username).toBe('jürgen')
    await t.close()
  })

  it('gets a 401 ResponseError (security_exception) with a wrong password, which appears on no surface', async () => {
    const wrong = 'pw-S3cr3t-planted-4711'
    const mw = basicAuth(['elastic', wrong])
    const t = transport(mw)
    const diagnostics = recordDiagnostics()
    let error: unknown
    try {
      error = await rejection(t.request({ method: 'GET', path: '/' }))
    } finally {
      diagnostics.stop()
    }
    expect(isResponseError(error)).toBe(true)
    const e = error as ResponseError
    expect(e.statusCode).toBe(401)
    expect((e.body as { error: { type: string } }).error.type).toBe('security_exception')
    const everything = printed(e, e.toJSON(), e.meta, diagnostics.events, t, t.pool.nodes, mw)
    expect(everything).not.toContain(wrong)
    expect(everything).not.toContain(Buffer.from(`elastic:${wrong}`).toString('base64'))
    await t.close()
  })

  it('stays authenticated when the retry goes to another node', async () => {
    cluster.resetStats()
    cluster.node(0).faults.add({ type: 'status', status: 503 }, { times: 1 })
    const t = transport(basicAuth(['elastic', cluster.password]))
    const result = await t.request({ method: 'GET', path: '/_security/_authenticate' })
    expect(result.statusCode).toBe(200)
    expect(result.meta.attempts).toBe(2)
    expect(result.meta.node.url).toBe(cluster.node(1).url)
    const expected = `Basic ${Buffer.from(`elastic:${cluster.password}`).toString('base64')}`
    expect(cluster.node(0).requests.map((r) => r.headers['authorization'])).toEqual([expected])
    expect(cluster.node(1).requests.map((r) => r.headers['authorization'])).toEqual([expected])
    await t.close()
  })

  it('authenticates the sniff request too', async () => {
    cluster.resetStats()
    const t = new Transport({
      nodes: [cluster.url],
      connection: undiciConnection({ tls: { ca: cluster.caCert } }),
      discovery: sniffOnStart(cluster.url),
      auth: basicAuth(['elastic', cluster.password]),
    })
    await t.request({ method: 'GET', path: '/' })
    expect(t.pool.nodes).toHaveLength(2)
    const sniffs = cluster.requests().filter((r) => r.path.startsWith('/_nodes'))
    expect(sniffs).toHaveLength(1)
    expect(sniffs[0]?.headers['authorization']).toBe(
      `Basic ${Buffer.from(`elastic:${cluster.password}`).toString('base64')}`,
    )
    await t.close()
  })
})
