import { undiciConnection } from '@stretch/connection-undici'
import { startCluster, type TestCluster } from '@stretch/test-cluster'
import { printed, recordDiagnostics, rejection, sniffOnStart } from '@stretch/test-utils'
import { isResponseError, type Middleware, type ResponseError, Transport } from '@stretch/transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearerAuth } from '../src/index.js'

let cluster: TestCluster
let admin: Transport

interface Me {
  readonly username: string
  readonly authentication_type: string
}

function transport(auth: Middleware): Transport {
  return new Transport({
    nodes: cluster.urls,
    connection: undiciConnection({ tls: { ca: cluster.caCert } }),
    auth,
    retryBackoff: 0,
  })
}

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 }) // security on
  // The transport that talks to the token API authenticates with a per-transport header.
  admin = new Transport({
    nodes: cluster.urls,
    connection: undiciConnection({ tls: { ca: cluster.caCert } }),
    headers: { authorization: `Basic ${Buffer.from(`elastic:${cluster.password}`).toString('base64')}` },
  })
})
afterAll(async () => {
  await admin.close()
  await cluster.close()
})

/** A token from the token API, as an application would get one. */
async function getToken(): Promise<string> {
  const { body } = await admin.request<{ access_token: string; type: string }>({
    method: 'POST',
    path: '/_security/oauth2/token',
    body: { grant_type: 'client_credentials' },
  })
  expect(body.type).toBe('Bearer')
  return body.access_token
}

function expectUnauthorized(error: unknown): ResponseError {
  expect(isResponseError(error)).toBe(true)
  const e = error as ResponseError
  expect(e.statusCode).toBe(401)
  expect((e.body as { error: { type: string } }).error.type).toBe('security_exception')
  return e
}

describe('bearerAuth against the test cluster (security on)', () => {
  it('authenticates with a token from the token API', async () => {
    const t = transport(bearerAuth(await getToken()))
    const me = await t.request<Me>({ method: 'GET', path: '/_security/_authenticate' })
    expect(me.statusCode).toBe(200)
    expect(me.body).toMatchObject({ username: 'elastic', authentication_type: 'token' })
    await t.close()
  })

  it('authenticates with a service account token', async () => {
    const { body } = await admin.request<{ token: { value: string } }>({
      method: 'POST',
      path: '/_security/service/elastic/fleet-server/credential/token/stretch-test',
    })
    const t = transport(bearerAuth(body.token.value))
    const me = await t.request<Me>({ method: 'GET', path: '/_security/_authenticate' })
    expect(me.body).toMatchObject({ username: 'elastic/fleet-server', authentication_type: 'service_account' })
    await t.close()
  })

  it('gets a 401 ResponseError (security_exception) with a wrong token, which appears on no surface', async () => {
    const wrong = 'tok-S3cr3t-planted-4711'
    const mw = bearerAuth(wrong)
    const t = transport(mw)
    const diagnostics = recordDiagnostics()
    let error: unknown
    try {
      error = await rejection(t.request({ method: 'GET', path: '/' }))
    } finally {
      diagnostics.stop()
    }
    const e = expectUnauthorized(error)
    expect(printed(e, e.toJSON(), e.meta, diagnostics.events, t, t.pool.nodes, mw)).not.toContain(wrong)
    await t.close()
  })

  it('a static token that expired stays refused', async () => {
    const token = await getToken()
    const t = transport(bearerAuth(token))
    await t.request({ method: 'GET', path: '/' })
    cluster.expireToken(token)
    expectUnauthorized(await rejection(t.request({ method: 'GET', path: '/' })))
    await t.close()
  })

  it('a refreshing provider recovers from an expired token', async () => {
    const issued: string[] = []
    const t = transport(
      bearerAuth(async () => {
        const token = await getToken()
        issued.push(token)
        return token
      }),
    )
    expect((await t.request<Me>({ method: 'GET', path: '/_security/_authenticate' })).body.authentication_type).toBe(
      'token',
    )
    expect(issued).toHaveLength(1)
    cluster.expireToken(issued[0] as string)
    cluster.resetStats()
    const again = await t.request<Me>({ method: 'GET', path: '/_security/_authenticate' })
    expect(again.statusCode).toBe(200)
    expect(again.meta.attempts).toBe(1)
    expect(issued).toHaveLength(2)
    expect(issued[1]).not.toBe(issued[0])
    // on the wire: refused with the expired token, then accepted with the new one
    const authenticate = cluster.requests().filter((r) => r.path === '/_security/_authenticate')
    expect(authenticate.map((r) => r.headers['authorization'])).toEqual([`Bearer ${issued[0]}`, `Bearer ${issued[1]}`])
    // and the new token is cached
    await t.request({ method: 'GET', path: '/' })
    expect(issued).toHaveLength(2)
    await t.close()
  })

  it('stays authenticated when the retry goes to another node', async () => {
    let calls = 0
    const token = await getToken()
    cluster.resetStats()
    cluster.node(0).faults.add({ type: 'status', status: 503 }, { times: 1 })
    const t = transport(
      bearerAuth(async () => {
        calls += 1
        return token
      }),
    )
    const result = await t.request<Me>({ method: 'GET', path: '/_security/_authenticate' })
    expect(result.body.authentication_type).toBe('token')
    expect(result.meta.attempts).toBe(2)
    expect(result.meta.node.url).toBe(cluster.node(1).url)
    expect(cluster.node(0).requests.map((r) => r.headers['authorization'])).toEqual([`Bearer ${token}`])
    expect(cluster.node(1).requests.map((r) => r.headers['authorization'])).toEqual([`Bearer ${token}`])
    expect(calls).toBe(1)
    await t.close()
  })

  it('authenticates the sniff request too', async () => {
    const token = await getToken()
    let calls = 0
    cluster.resetStats()
    const t = new Transport({
      nodes: [cluster.url],
      connection: undiciConnection({ tls: { ca: cluster.caCert } }),
      discovery: sniffOnStart(cluster.url),
      auth: bearerAuth(async () => {
        calls += 1
        return token
      }),
    })
    await t.request({ method: 'GET', path: '/' })
    expect(t.pool.nodes).toHaveLength(2)
    const sniffs = cluster.requests().filter((r) => r.path.startsWith('/_nodes'))
    expect(sniffs).toHaveLength(1)
    expect(sniffs[0]?.headers['authorization']).toBe(`Bearer ${token}`)
    expect(calls).toBe(1)
    await t.close()
  })
})
