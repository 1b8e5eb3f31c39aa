import { undiciConnection } from '@stretch/connection-undici'
import { startCluster, type TestCluster } from '@stretch/test-cluster'
import { printed, recordDiagnostics, rejection, sniffOnStart } from '@stretch/test-utils'
import { isResponseError, type Middleware, type ResponseError, Transport } from '@stretch/transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiKeyAuth } from '../src/index.js'

let cluster: TestCluster
let admin: Transport

interface Created {
  readonly id: string
  readonly name: string
  readonly api_key: string
  readonly encoded: string
}
interface Me {
  readonly username: string
  readonly authentication_type: string
  readonly api_key?: { readonly id: string; readonly name: string }
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
  // The administrator's transport authenticates with a per-transport header, not with this package.
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

async function createKey(name: string): Promise<Created> {
  const { body } = await admin.request<Created>({ method: 'POST', path: '/_security/api_key', body: { name } })
  return body
}

function expectUnauthorized(error: unknown): void {
  expect(isResponseError(error)).toBe(true)
  const e = error as ResponseError
  expect(e.statusCode).toBe(401)
  expect((e.body as { error: { type: string } }).error.type).toBe('security_exception')
}

describe('apiKeyAuth against the test cluster (security on)', () => {
  it('authenticates with a key created through the API, in every form, until it is invalidated', async () => {
    const key = await createKey('stretch-auth-api-key')
    const forms = [key.encoded, { id: key.id, apiKey: key.api_key }, [key.id, key.api_key] as const]
    const transports = forms.map((form) => transport(apiKeyAuth(form)))
    for (const t of transports) {
      const me = await t.request<Me>({ method: 'GET', path: '/_security/_authenticate' })
      expect(me.statusCode).toBe(200)
      expect(me.body).toMatchObject({
        username: 'elastic',
        authentication_type: 'api_key',
        api_key: { id: key.id, name: 'stretch-auth-api-key' },
      })
    }

    const invalidated = await admin.request<{ invalidated_api_keys: string[] }>({
      method: 'DELETE',
      path: '/_security/api_key',
      body: { ids: [key.id] },
    })
    expect(invalidated.body.invalidated_api_keys).toEqual([key.id])

    for (const t of transports) {
      expectUnauthorized(await rejection(t.request({ method: 'GET', path: '/_security/_authenticate' })))
      await t.close()
    }
  })

  it('gets a 401 ResponseError (security_exception) with a wrong secret, which appears on no surface', async () => {
    const key = await createKey('wrong-secret')
    const wrong = 'key-S3cr3t-planted-4711'
    const mw = apiKeyAuth({ id: key.id, apiKey: wrong })
    const t = transport(mw)
    const diagnostics = recordDiagnostics()
    let error: unknown
    try {
      error = await rejection(t.request({ method: 'GET', path: '/' }))
    } finally {
      diagnostics.stop()
    }
    expectUnauthorized(error)
    const e = error as ResponseError
    const everything = printed(e, e.toJSON(), e.meta, diagnostics.events, t, t.pool.nodes, mw)
    expect(everything).not.toContain(wrong)
    expect(everything).not.toContain(Buffer.from(`${key.id}:${wrong}`).toString('base64'))
    // and the genuine key was never on the wire
    expect(everything).not.toContain(key.api_key)
    await t.close()
  })

  it('stays authenticated when the retry goes to another node', async () => {
    const key = await createKey('retry')
    cluster.resetStats()
    cluster.node(0).faults.add({ type: 'status', status: 503 }, { times: 1 })
    const t = transport(apiKeyAuth(key.encoded))
    const result = await t.request<Me>({ method: 'GET', path: '/_security/_authenticate' })
    expect(result.body.authentication_type).toBe('api_key')
    expect(result.meta.attempts).toBe(2)
    expect(result.meta.node.url).toBe(cluster.node(1).url)
    expect(cluster.node(0).requests.map((r) => r.headers['authorization'])).toEqual([`ApiKey ${key.encoded}`])
    expect(cluster.node(1).requests.map((r) => r.headers['authorization'])).toEqual([`ApiKey ${key.encoded}`])
    await t.close()
  })

  it('authenticates the sniff request too', async () => {
    const key = await createKey('sniff')
    cluster.resetStats()
    const t = new Transport({
      nodes: [cluster.url],
      connection: undiciConnection({ tls: { ca: cluster.caCert } }),
      discovery: sniffOnStart(cluster.url),
      auth: apiKeyAuth([key.id, key.api_key]),
    })
    await t.request({ method: 'GET', path: '/' })
    expect(t.pool.nodes).toHaveLength(2)
    const sniffs = cluster.requests().filter((r) => r.path.startsWith('/_nodes'))
    expect(sniffs).toHaveLength(1)
    expect(sniffs[0]?.headers['authorization']).toBe(`ApiKey ${key.encoded}`)
    await t.close()
  })
})
