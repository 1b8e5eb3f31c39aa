// Every scenario of the Connecting page (../shared/seed/connecting.md), as a TypeScript user writes it, against
// tools/test-cluster over real sockets and TLS.
import { inspect } from 'node:util'
import { lookup, startCluster, type TestCluster } from '@stretch/test-cluster'
import { rejection } from '@stretch/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client, isConfigurationError, isResponseError, isTlsError } from '../src/index.js'

let cluster: TestCluster
let open: TestCluster
beforeAll(async () => {
  cluster = await startCluster({ nodes: 3, security: true, cloud: true })
  open = await startCluster({ nodes: 1, security: false })
})
afterAll(async () => {
  await cluster.close()
  await open.close()
})

describe('Connecting to Elastic Cloud', () => {
  it('connects by Cloud ID with basic auth, over HTTPS with compression', async () => {
    const cloud = cluster.cloud!
    const client = new Client({
      cloudId: cloud.cloudId,
      basicAuth: ['elastic', cluster.password],
      // the test cloud's CA is private and its domain made up: trust the CA and resolve the name to loopback
      caCerts: cluster.caCert!,
      lookup,
    })
    const info = await client.info()
    expect(info.cluster_name).toBe(cluster.clusterName)
    const seen = cloud.node.requests.at(-1)!
    expect(seen.headers['host']).toBe(`${cloud.hostname}:${cloud.port}`)
    expect(seen.headers['accept-encoding']).toContain('gzip')
    await client.close()
  })

  it('refuses sniffing options with a Cloud ID', () => {
    expect(() => new Client({ cloudId: cluster.cloud!.cloudId, sniffOnStart: true })).toThrow(
      /sniffing cannot be used with cloudId/,
    )
  })
})

describe('Connecting to a self-managed cluster', () => {
  it('verifies HTTPS with the CA certificate file (caCerts)', async () => {
    const client = new Client({
      node: cluster.url,
      caCerts: cluster.caCertPath!,
      basicAuth: ['elastic', cluster.password],
    })
    expect((await client.info()).version.number).toBe(cluster.version)
    await client.close()
  })

  it('verifies HTTPS with the CA fingerprint (sslAssertFingerprint), colons and case ignored', async () => {
    for (const pin of [cluster.caFingerprint!, cluster.caFingerprintHex!]) {
      const client = new Client({
        node: cluster.url,
        sslAssertFingerprint: pin,
        basicAuth: ['elastic', cluster.password],
      })
      expect((await client.info()).cluster_name).toBe(cluster.clusterName)
      await client.close()
    }
  })

  it('refuses a wrong fingerprint and sends nothing, not even the credentials', async () => {
    cluster.resetStats()
    const wrong = 'A5:2D:D9:35:11:E8:C6:04:5E:21:F1:66:54:B7:7C:9E:E0:F3:4A:EA:26:D9:F4:03:20:B5:31:C4:74:67:62:28'
    const client = new Client({
      nodes: cluster.urls,
      sslAssertFingerprint: wrong,
      basicAuth: ['elastic', cluster.password],
    })
    const error = await rejection(client.info())
    expect(isTlsError(error)).toBe(true)
    expect((error as Error).message).toContain(wrong)
    expect((error as Error).message).toContain(cluster.caFingerprint!)
    expect(cluster.totalStats().requests).toBe(0)
    expect(cluster.totalStats().httpBytesReceived).toBe(0)
    await client.close()
  })

  it('connects without security over plain HTTP', async () => {
    const client = new Client({ node: open.url })
    expect((await client.info()).tagline).toBe('You Know, for Search')
    await client.close()
  })

  it('spreads requests over several nodes, round-robin by default', async () => {
    cluster.resetStats()
    const client = new Client({
      nodes: cluster.urls,
      caCerts: cluster.caCertPath!,
      basicAuth: ['elastic', cluster.password],
    })
    for (let i = 0; i < 30; i++) await client.info()
    expect(cluster.nodes.map((n) => n.stats.requests)).toEqual([10, 10, 10])
    await client.close()
  })
})

describe('Authentication', () => {
  it('authenticates from the constructor and through options(), and persists an authenticated client', async () => {
    const client = new Client({
      node: cluster.url,
      caCerts: cluster.caCertPath!,
      basicAuth: ['elastic', cluster.password],
    })
    cluster.addUser('reader', 'reader-password', ['superuser'])
    const indices = await client.options({ basicAuth: ['reader', 'reader-password'] }).indices.get({ index: '*' })
    expect(typeof indices).toBe('object')
    const key = await client.security.createApiKey({ name: 'seed' })
    const authClient = client.options({ apiKey: key.encoded })
    for (let i = 0; i < 10; i++) {
      await authClient.index({ index: 'example-index', document: { field: i } })
    }
    await client.indices.refresh({ index: 'example-index' })
    expect((await client.count({ index: 'example-index' })).count).toBe(10)
    const last = cluster
      .requests()
      .filter((r) => r.path.startsWith('/example-index/_doc'))
      .at(-1)!
    expect(last.headers['authorization']).toBe(`ApiKey ${key.encoded}`)
    await client.close()
  })

  it('uses bearer tokens from the token API and API keys given as id and key', async () => {
    const client = new Client({
      node: cluster.url,
      caCerts: cluster.caCertPath!,
      basicAuth: ['elastic', cluster.password],
    })
    const token = await client.security.getToken({
      grant_type: 'password',
      username: 'elastic',
      password: cluster.password,
    })
    const bearer = new Client({ node: cluster.url, caCerts: cluster.caCertPath!, bearerAuth: token.access_token })
    expect((await bearer.info()).cluster_name).toBe(cluster.clusterName)
    const key = await client.security.createApiKey({ name: 'pair' })
    const pair = new Client({ node: cluster.url, caCerts: cluster.caCertPath!, apiKey: [key.id, key.api_key] })
    expect((await pair.info()).cluster_name).toBe(cluster.clusterName)
    await Promise.all([client.close(), bearer.close(), pair.close()])
  })

  it('answers bad credentials with a 401 ResponseError that carries no secret', async () => {
    const secret = 'not-the-password-123'
    const client = new Client({ node: cluster.url, caCerts: cluster.caCertPath!, basicAuth: ['elastic', secret] })
    const error = await rejection(client.info())
    expect(isResponseError(error) && error.statusCode).toBe(401)
    expect((error as { body: { error: { type: string } } }).body.error.type).toBe('security_exception')
    for (const surface of [
      (error as Error).message,
      JSON.stringify(error),
      inspect(error, { depth: 8 }),
      inspect(client, { depth: 4 }),
    ]) {
      expect(surface).not.toContain(secret)
      expect(surface).not.toContain(Buffer.from(`elastic:${secret}`).toString('base64'))
    }
    await client.close()
  })

  it('rejects two credential schemes at once, and credentials over plain HTTP to a remote host', () => {
    expect(() => new Client({ node: cluster.url, basicAuth: ['a', 'b'], apiKey: 'k' })).toThrow(
      /only one of basicAuth, bearerAuth, apiKey and auth/,
    )
    expect(() => new Client({ node: cluster.url, apiKey: 'k', headers: { Authorization: 'x' } })).toThrow(
      /'authorization' header cannot be combined/,
    )
    expect(() => new Client({ node: 'http://es.example.com:9200', apiKey: 'k' })).toThrow(
      /unencrypted.*allowInsecureTransport/,
    )
    expect(
      () => new Client({ node: 'http://es.example.com:9200', apiKey: 'k', allowInsecureTransport: true }),
    ).not.toThrow()
    expect(() => new Client({ node: 'http://localhost:9200', caCerts: cluster.caCert! })).toThrow(
      /TLS options need https/,
    )
  })
})

describe('Compatibility mode', () => {
  it('sends compatible-with=8 by default, 9 on request, and plain JSON when turned off', async () => {
    const seen = (): string | string[] | undefined => open.nodes[0]!.requests.at(-1)!.headers['accept']
    const byDefault = new Client({ node: open.url })
    await byDefault.info()
    expect(seen()).toBe('application/vnd.elasticsearch+json; compatible-with=8')
    await byDefault.index({ index: 'compat', document: { a: 1 } })
    expect(open.nodes[0]!.requests.at(-1)!.headers['content-type']).toBe(
      'application/vnd.elasticsearch+json; compatible-with=8',
    )
    await byDefault.bulk({ operations: [{ index: { _index: 'compat' } }, { a: 2 }] })
    expect(open.nodes[0]!.requests.at(-1)!.headers['content-type']).toBe(
      'application/vnd.elasticsearch+x-ndjson; compatible-with=8',
    )
    const nine = new Client({ node: open.url, compatibility: 9 })
    await nine.info()
    expect(seen()).toBe('application/vnd.elasticsearch+json; compatible-with=9')
    const off = new Client({ node: open.url, compatibility: false })
    await off.info()
    expect(seen()).toBe('application/json')
    await Promise.all([byDefault.close(), nine.close(), off.close()])
  })
})

describe('options()', () => {
  it('replaces credentials without leaking them to the parent or siblings', async () => {
    const client = new Client({ node: open.url, basicAuth: ['parent', 'p'] })
    const a = client.options({ apiKey: 'key-a' })
    const b = client.options({ bearerAuth: 'token-b' })
    await client.info()
    await a.info()
    await b.info()
    await client.info()
    const auths = open.nodes[0]!.requests.slice(-4).map((r) => r.headers['authorization'])
    expect(auths).toEqual([
      `Basic ${Buffer.from('parent:p').toString('base64')}`,
      'ApiKey key-a',
      'Bearer token-b',
      `Basic ${Buffer.from('parent:p').toString('base64')}`,
    ])
    expect(() => client.options({ apiKey: 'x', bearerAuth: 'y' })).toThrow(/only one/)
    await client.close()
  })

  it('rejects malformed options with ConfigurationError', () => {
    for (const bad of [
      () => new Client({} as never),
      () => new Client({ node: 'ftp://x' }),
      () => new Client({ nodes: [] }),
      () => new Client({ node: open.url, nodes: [open.url] }),
      () => new Client({ node: open.url, nodeSelector: 'fastest' as never }),
      () => new Client({ node: open.url, compatibility: 7 as never }),
    ]) {
      let error: unknown
      try {
        bad()
      } catch (e) {
        error = e
      }
      expect(isConfigurationError(error)).toBe(true)
    }
  })
})
