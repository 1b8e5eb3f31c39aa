import type { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startCluster, type TestCluster } from '../src/index.js'
import { agentFor, basic, call } from './helpers.js'

let cluster: TestCluster
let agent: Agent

beforeAll(async () => {
  cluster = await startCluster({ nodes: 2 })
  agent = agentFor(cluster)
})
afterAll(async () => {
  await agent.close()
  await cluster.close()
})

const MISSING = {
  error: {
    root_cause: [
      {
        type: 'security_exception',
        reason: 'missing authentication credentials for REST request [/]',
        header: {
          'WWW-Authenticate': ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', 'ApiKey'],
        },
      },
    ],
    type: 'security_exception',
    reason: 'missing authentication credentials for REST request [/]',
    header: { 'WWW-Authenticate': ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', 'ApiKey'] },
  },
  status: 401,
}

describe('authentication', () => {
  test('a request without credentials gets Elasticsearch 401 body and three WWW-Authenticate headers', async () => {
    const res = await call(agent, cluster.url)
    expect(res.status).toBe(401)
    expect(res.body).toEqual(MISSING)
    expect(res.headers['www-authenticate']).toEqual([
      'Basic realm="security", charset="UTF-8"',
      'Bearer realm="security"',
      'ApiKey',
    ])
    expect(res.headers['x-elastic-product']).toBe('Elasticsearch')
  })

  test('the elastic user and added users authenticate with Basic; a wrong password is refused', async () => {
    expect((await call(agent, cluster.url, { auth: basic('elastic', cluster.password) })).status).toBe(200)
    cluster.addUser('alice', 'secret: with colon', ['viewer'])
    const me = await call(agent, `${cluster.url}/_security/_authenticate`, {
      auth: basic('alice', 'secret: with colon'),
    })
    expect(me.body).toMatchObject({ username: 'alice', roles: ['viewer'], authentication_type: 'realm' })
    const bad = await call(agent, cluster.url, { auth: basic('elastic', 'nope') })
    expect(bad.status).toBe(401)
    expect(bad.body.error.reason).toBe('unable to authenticate user [elastic] for REST request [/]')
  })

  test('API keys: create over HTTP, use on another node, invalidate by id or name', async () => {
    const created = await call(agent, `${cluster.url}/_security/api_key`, {
      method: 'POST',
      auth: basic('elastic', cluster.password),
      body: JSON.stringify({ name: 'k1' }),
    })
    expect(created.status).toBe(200)
    const { id, name, api_key, encoded } = created.body
    expect(name).toBe('k1')
    expect(Buffer.from(encoded, 'base64').toString()).toBe(`${id}:${api_key}`)
    const other = cluster.nodes[1]!.url
    const me = await call(agent, `${other}/_security/_authenticate`, { auth: `ApiKey ${encoded}` })
    expect(me.body).toMatchObject({ username: 'elastic', authentication_type: 'api_key', api_key: { id, name: 'k1' } })

    const del = await call(agent, `${cluster.url}/_security/api_key`, {
      method: 'DELETE',
      auth: `ApiKey ${encoded}`,
      body: JSON.stringify({ ids: [id] }),
    })
    expect(del.body).toEqual({ invalidated_api_keys: [id], previously_invalidated_api_keys: [], error_count: 0 })
    const after = await call(agent, other, { auth: `ApiKey ${encoded}` })
    expect(after.status).toBe(401)
    expect(after.body.error.type).toBe('security_exception')

    const k2 = cluster.createApiKey({ name: 'by-name' })
    expect((await call(agent, other, { auth: `ApiKey ${k2.encoded}` })).status).toBe(200)
    const byName = await call(agent, `${cluster.url}/_security/api_key`, {
      method: 'DELETE',
      auth: basic('elastic', cluster.password),
      body: JSON.stringify({ name: 'by-name' }),
    })
    expect(byName.body.invalidated_api_keys).toEqual([k2.id])
    expect((await call(agent, other, { auth: `ApiKey ${k2.encoded}` })).status).toBe(401)
    expect((await call(agent, other, { auth: 'ApiKey bm9wZTpub3Bl' })).status).toBe(401)
  })

  test('API keys expire: with an expiration at creation, or from the test', async () => {
    const key = cluster.createApiKey({ name: 'short' })
    expect((await call(agent, cluster.url, { auth: `ApiKey ${key.encoded}` })).status).toBe(200)
    cluster.expireApiKey(key.id)
    const expired = await call(agent, cluster.url, { auth: `ApiKey ${key.encoded}` })
    expect(expired.status).toBe(401)
    expect(expired.body.error.additional_unsuccessful_credentials).toBe('API key: api key is expired')
    const created = await call(agent, `${cluster.url}/_security/api_key`, {
      method: 'POST',
      auth: basic('elastic', cluster.password),
      body: JSON.stringify({ name: 'day', expiration: '1d' }),
    })
    expect(created.body.expiration).toBeGreaterThan(Date.now() + 86_000_000)
  })

  test('bearer tokens: password grant, use, expire from the test, refresh', async () => {
    const token = await call(agent, `${cluster.url}/_security/oauth2/token`, {
      method: 'POST',
      auth: basic('elastic', cluster.password),
      body: JSON.stringify({ grant_type: 'password', username: 'elastic', password: cluster.password }),
    })
    expect(token.status).toBe(200)
    expect(token.body).toMatchObject({ type: 'Bearer', expires_in: 1200 })
    const bearer = `Bearer ${token.body.access_token}`
    expect((await call(agent, cluster.url, { auth: bearer })).status).toBe(200)
    cluster.expireToken(token.body.access_token)
    const expired = await call(agent, cluster.url, { auth: bearer })
    expect(expired.status).toBe(401)
    expect(expired.body.error.reason).toBe('token expired')
    expect(expired.headers['www-authenticate']).toBe(
      'Bearer realm="security", error="invalid_token", error_description="The access token expired"',
    )
    const refreshed = await call(agent, `${cluster.url}/_security/oauth2/token`, {
      method: 'POST',
      auth: basic('elastic', cluster.password),
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: token.body.refresh_token }),
    })
    expect((await call(agent, cluster.url, { auth: `Bearer ${refreshed.body.access_token}` })).status).toBe(200)
  })

  test('service account tokens created in code authenticate as Bearer', async () => {
    const token = cluster.createServiceToken({ name: 'demo' })
    const me = await call(agent, `${cluster.url}/_security/_authenticate`, { auth: `Bearer ${token.value}` })
    expect(me.body).toMatchObject({ username: 'elastic/fleet-server', authentication_type: 'service_account' })
  })

  test('a user without roles is authenticated but not authorized (403)', async () => {
    cluster.addUser('nobody', 'pw-nobody', [])
    const res = await call(agent, `${cluster.url}/_search`, { auth: basic('nobody', 'pw-nobody') })
    expect(res.status).toBe(403)
    expect(res.body.error.type).toBe('security_exception')
  })
})

test('util.inspect and JSON of the cluster and its realm show no password, key or token', async () => {
  const { inspect } = await import('node:util')
  const key = cluster.createApiKey({ name: 'quiet' })
  const token = cluster.createToken()
  const dumps = [
    inspect(cluster, { depth: 10 }),
    JSON.stringify(cluster),
    inspect(cluster.realm, { depth: 10 }),
    JSON.stringify(cluster.realm),
  ]
  for (const dump of dumps) {
    for (const secret of [cluster.password, key.api_key, key.encoded, token.access_token])
      expect(dump).not.toContain(secret)
  }
  expect(dumps[0]).toContain(cluster.url)
})

describe('security off', () => {
  test('plain HTTP, no credentials needed, no CA', async () => {
    await using open = await startCluster({ security: false })
    expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(open.caCert).toBeUndefined()
    const res = await call(agent, open.url)
    expect(res.status).toBe(200)
    expect(res.body.tagline).toBe('You Know, for Search')
  })
})
