// Every scenario of the Connecting page (../shared/seed/connecting.md), written as a user would write it. Each
// returns a one-line account of what happened, throws when something is wrong, or returns skip() when it cannot
// run against this target (a real cluster without the variable it needs).
import { basename } from 'node:path'
import { Client, type ClientOptions, isTlsError } from '@stretch/client'
import type { DemoTarget } from './target.js'

/** A scenario that does not apply to the target. @public */
export interface Skipped {
  readonly skipped: string
}

/** One scenario of the demo. @public */
export interface Scenario {
  /** Its name, as printed. */
  readonly name: string
  /** Runs it: a short result, or {@link Skipped}; throws on failure. */
  run(target: DemoTarget): Promise<string | Skipped>
}

function skip(reason: string): Skipped {
  return { skipped: reason }
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

/** How to trust the cluster: the CA if given, else the pin, else Node's root certificates. */
function trust(t: DemoTarget): Pick<ClientOptions, 'caCerts' | 'sslAssertFingerprint'> {
  if (t.caCerts !== undefined) return { caCerts: t.caCerts }
  if (t.fingerprint !== undefined) return { sslAssertFingerprint: t.fingerprint }
  return {}
}

/** The password if there is one, else the API key. */
function credentials(t: DemoTarget): Pick<ClientOptions, 'basicAuth' | 'apiKey'> {
  if (t.password !== undefined) return { basicAuth: [t.username, t.password] }
  if (t.apiKey !== undefined) return { apiKey: t.apiKey }
  return {}
}

function firstUrl(t: DemoTarget): string | undefined {
  return t.urls[0]
}

async function using<T>(client: Client, body: (client: Client) => Promise<T>): Promise<T> {
  try {
    return await body(client)
  } finally {
    await client.close()
  }
}

function header(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '')
}

const suffix = (): string => `${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`

const cloudId: Scenario = {
  name: 'Cloud ID',
  async run(t) {
    if (t.cloudId === undefined) return skip('set ELASTIC_CLOUD_ID to connect by Cloud ID')
    const options: ClientOptions = { cloudId: t.cloudId, ...credentials(t), ...t.cloudExtras }
    return using(new Client(options), async (client) => {
      const info = await client.info()
      let gzip = ''
      if (t.embedded !== undefined) {
        const seen = t.embedded.cluster.cloud?.node.requests.at(-1)
        check(header(seen?.headers['accept-encoding']).includes('gzip'), 'the cloud endpoint saw no gzip request')
        gzip = ', https + gzip'
      }
      return `cluster ${info.cluster_name} (${info.version.number}), answered by ${info.name}${gzip}`
    })
  },
}

const caCerts: Scenario = {
  name: 'caCerts',
  async run(t) {
    const node = firstUrl(t)
    if (node === undefined || t.caCerts === undefined) return skip('set ES_CA_CERT (path to http_ca.crt)')
    return using(new Client({ node, caCerts: t.caCerts, ...credentials(t) }), async (client) => {
      const info = await client.info()
      const ca = t.caCerts?.includes('-----BEGIN') === true ? 'the CA' : basename(t.caCerts ?? '')
      return `verified with ${ca}: ${info.cluster_name}, Elasticsearch ${info.version.number}`
    })
  },
}

// A fingerprint that matches no certificate of ours (the example of the Connecting page).
const wrongPin = 'A5:2D:D9:35:11:E8:C6:04:5E:21:F1:66:54:B7:7C:9E:E0:F3:4A:EA:26:D9:F4:03:20:B5:31:C4:74:67:62:28'

const fingerprint: Scenario = {
  name: 'sslAssertFingerprint',
  async run(t) {
    const node = firstUrl(t)
    if (node === undefined || t.fingerprint === undefined) return skip('set ES_FINGERPRINT (the CA SHA-256)')
    const info = await using(new Client({ node, sslAssertFingerprint: t.fingerprint, ...credentials(t) }), (c) =>
      c.info(),
    )
    t.embedded?.cluster.resetStats()
    const refused = await using(
      new Client({ node, sslAssertFingerprint: wrongPin, ...credentials(t) }),
      async (client) => {
        try {
          await client.info()
        } catch (error) {
          return error
        }
        return undefined
      },
    )
    check(isTlsError(refused), `a wrong pin was not refused with a TlsError (got ${String(refused)})`)
    let sent = 'before any HTTP'
    if (t.embedded !== undefined) {
      const stats = t.embedded.cluster.totalStats()
      check(stats.requests === 0 && stats.httpBytesReceived === 0, 'the server received HTTP despite a wrong pin')
      sent = '0 bytes of HTTP sent'
    }
    return `pinned CA accepted (${info.cluster_name}); wrong pin refused: ${refused.code}, ${sent}`
  },
}

const noSecurity: Scenario = {
  name: 'no security (http)',
  async run(t) {
    const node = t.openUrl ?? firstUrl(t)
    if (node === undefined || !node.startsWith('http:')) return skip('the cluster uses https')
    if (t.openUrl === undefined && (t.password !== undefined || t.apiKey !== undefined)) {
      return skip('credentials were given: the cluster has security on')
    }
    return using(new Client({ node }), async (client) => {
      const info = await client.info()
      return `${node} without credentials: ${info.cluster_name}, "${info.tagline}"`
    })
  },
}

const multipleNodes: Scenario = {
  name: 'multiple nodes',
  async run(t) {
    if (t.urls.length < 2) return skip('give several comma-separated URLs in ELASTICSEARCH_URL')
    const rounds = 10 * t.urls.length
    return using(new Client({ nodes: t.urls, ...trust(t), ...credentials(t) }), async (client) => {
      t.embedded?.cluster.resetStats()
      const perUrl = new Map<string, number>(t.urls.map((u) => [new URL(u).origin, 0]))
      for (let i = 0; i < rounds; i++) {
        const result = await client.info(undefined, { meta: true })
        const origin = new URL(result.meta.node.url).origin
        perUrl.set(origin, (perUrl.get(origin) ?? 0) + 1)
      }
      if (t.embedded !== undefined) {
        // What the servers counted, not what the client believes.
        const nodes = t.embedded.cluster.nodes
        const counts = nodes.map((n) => n.stats.requests)
        check(
          counts.every((c) => c === rounds / nodes.length),
          `round-robin expected ${rounds / nodes.length} per node, got ${counts}`,
        )
        return `${rounds} requests, round-robin: ${nodes.map((n) => `${n.name} ${n.stats.requests}`).join(', ')}`
      }
      check(
        [...perUrl.values()].every((c) => c > 0),
        'some node got no request',
      )
      return `${rounds} requests, round-robin: ${[...perUrl].map(([u, c]) => `${u} ${c}`).join(', ')}`
    })
  },
}

interface Authenticated {
  readonly username?: string
  readonly authentication_type?: string
  readonly api_key?: { readonly name?: string }
  readonly authentication_realm?: { readonly name?: string }
}

const basicAuth: Scenario = {
  name: 'basic auth',
  async run(t) {
    const node = firstUrl(t)
    if (node === undefined || t.password === undefined) return skip('set ELASTIC_PASSWORD')
    return using(new Client({ node, ...trust(t), basicAuth: [t.username, t.password] }), async (client) => {
      const me = (await client.security.authenticate()) as Authenticated
      check(me.username === t.username, `authenticated as ${me.username}, not ${t.username}`)
      return `authenticated as ${me.username} (realm ${me.authentication_realm?.name ?? me.authentication_type})`
    })
  },
}

const bearerAuth: Scenario = {
  name: 'bearer auth',
  async run(t) {
    const node = firstUrl(t)
    if (node === undefined || t.password === undefined) return skip('set ELASTIC_PASSWORD (to get a token)')
    const password = t.password
    return using(new Client({ node, ...trust(t), basicAuth: [t.username, password] }), async (client) => {
      const token = await client.security.getToken({ grant_type: 'password', username: t.username, password })
      try {
        const me = await using(new Client({ node, ...trust(t), bearerAuth: token.access_token }), (bearer) =>
          bearer.security.authenticate(),
        )
        const who = me as Authenticated
        check(who.authentication_type === 'token', `expected a token authentication, got ${who.authentication_type}`)
        return `token from the token API: authenticated as ${who.username} (${who.authentication_type})`
      } finally {
        await client.security.invalidateToken({ token: token.access_token })
      }
    })
  },
}

/** Runs `body` with an encoded API key: the given one, or one created with the password and invalidated after. */
async function withApiKey<T>(t: DemoTarget, body: (encoded: string, name: string) => Promise<T>): Promise<T> {
  if (t.apiKey !== undefined) return body(t.apiKey, 'ELASTIC_API_KEY')
  const node = firstUrl(t) as string
  const password = t.password as string
  return using(new Client({ node, ...trust(t), basicAuth: [t.username, password] }), async (client) => {
    const key = await client.security.createApiKey({ name: `stretch-demo-${suffix()}`, expiration: '1h' })
    try {
      return await body(key.encoded, key.name)
    } finally {
      await client.security.invalidateApiKey({ ids: [key.id] })
    }
  })
}

const apiKeyAuth: Scenario = {
  name: 'API key auth',
  async run(t) {
    const node = firstUrl(t)
    if (node === undefined || (t.apiKey === undefined && t.password === undefined)) {
      return skip('set ELASTIC_API_KEY or ELASTIC_PASSWORD')
    }
    return withApiKey(t, async (apiKey, name) => {
      const me = await using(new Client({ node, ...trust(t), apiKey }), (client) => client.security.authenticate())
      const who = me as Authenticated
      check(who.authentication_type === 'api_key', `expected an API key authentication, got ${who.authentication_type}`)
      return `authenticated as ${who.username} with API key ${who.api_key?.name ?? name}`
    })
  },
}

const perRequestOptions: Scenario = {
  name: 'options()',
  async run(t) {
    const node = firstUrl(t)
    if (node === undefined || (t.apiKey === undefined && t.password === undefined)) {
      return skip('set ELASTIC_API_KEY or ELASTIC_PASSWORD')
    }
    const index = t.mode === 'embedded' ? 'example-index' : `stretch-demo-${suffix()}`
    return using(new Client({ node, ...trust(t), ...credentials(t) }), async (client) => {
      // Authenticate via the .options() method (the seed's `basic_auth=("username", "password")`):
      let asUser: Pick<ClientOptions, 'basicAuth' | 'apiKey'> = credentials(t)
      if (t.embedded !== undefined) {
        t.embedded.cluster.addUser('username', 'password', ['superuser'])
        asUser = { basicAuth: ['username', 'password'] }
      }
      const indices = await client.options(asUser).indices.get({ index: '*' })
      return withApiKey(t, async (apiKey) => {
        // You can persist the authenticated client to use later or use for multiple API calls:
        const authClient = client.options({ apiKey })
        try {
          for (let i = 0; i < 10; i++) {
            await authClient.index({ index, document: { field: i } })
          }
          await client.indices.refresh({ index })
          const { count } = await client.count({ index })
          check(count === 10, `expected 10 documents in ${index}, counted ${count}`)
          let seen = ''
          if (t.embedded !== undefined) {
            const requests = t.embedded.cluster.requests()
            const get = requests.filter((r) => r.method === 'GET' && r.path.startsWith('/*')).at(-1)
            check(
              get?.headers['authorization'] === `Basic ${Buffer.from('username:password').toString('base64')}`,
              'indices.get did not carry the credentials given to options()',
            )
            const writes = requests.filter((r) => r.path.startsWith(`/${index}/_doc`))
            check(
              writes.length === 10 && writes.every((r) => r.headers['authorization'] === `ApiKey ${apiKey}`),
              'the 10 index calls did not all carry the API key',
            )
            seen = ' (server saw Basic, then 10 x ApiKey)'
          }
          const n = Object.keys(indices).length
          return `options() indices.get: ${n} ${n === 1 ? 'index' : 'indices'}; persisted API-key client: 10 index calls, count ${count}${seen}`
        } finally {
          if (t.mode === 'remote') await client.indices.delete({ index })
        }
      })
    })
  },
}

const compatibility: Scenario = {
  name: 'compatibility mode',
  async run(t) {
    const forced = process.env['ELASTIC_CLIENT_APIVERSIONING']
    if (t.embedded !== undefined) {
      const open = t.embedded.open
      const seen = (): string => header(open.nodes[0]?.requests.at(-1)?.headers['accept'])
      const contentType = (): string => header(open.nodes[0]?.requests.at(-1)?.headers['content-type'])
      const [accept, bulk] = await using(new Client({ node: open.url }), async (client) => {
        await client.info()
        const a = seen()
        await client.bulk({ operations: [{ index: { _index: 'compat' } }, { a: 1 }] })
        return [a, contentType()]
      })
      const plain = await using(new Client({ node: open.url, compatibility: false }), async (client) => {
        await client.info()
        return seen()
      })
      if (forced === undefined) {
        check(accept === 'application/vnd.elasticsearch+json; compatible-with=8', `accept was ${accept}`)
        check(bulk === 'application/vnd.elasticsearch+x-ndjson; compatible-with=8', `bulk content-type was ${bulk}`)
        check(plain === 'application/json', `compatibility: false sent ${plain}`)
      }
      return `server saw accept "${accept}", bulk "${bulk}"; compatibility: false sends "${plain}"`
    }
    const node = firstUrl(t)
    if (node === undefined) return skip('set ELASTICSEARCH_URL')
    return using(new Client({ node, ...trust(t), ...credentials(t) }), async (client) => {
      const result = await client.info(undefined, { meta: true })
      const answered = header(result.headers['content-type'])
      if (forced === undefined) check(answered.includes('compatible-with=8'), `the server answered ${answered}`)
      return `asked for compatible-with=8, Elasticsearch ${result.body.version.number} answered "${answered}"`
    })
  },
}

const faas: Scenario = {
  name: 'FaaS handler',
  async run(t) {
    const node = firstUrl(t)
    if (node === undefined || (t.apiKey === undefined && t.password === undefined)) {
      return skip('set ELASTICSEARCH_URL and ELASTIC_API_KEY or ELASTIC_PASSWORD')
    }
    const index = t.mode === 'embedded' ? 'faas' : `stretch-demo-faas-${suffix()}`
    return using(new Client({ node, ...trust(t), ...credentials(t) }), async (setup) => {
      await setup.index({ index, document: { title: 'hello from a function' }, refresh: true })
      try {
        // The function's module reads its configuration from the environment when it loads, like a deployed one.
        const fn = await import('./faas-function.js')
        t.embedded?.cluster.resetStats()
        let ok = 0
        for (let i = 0; i < 30; i++) ok += (await fn.handler({ index })).hits
        for (let wave = 0; wave < 2; wave++) {
          const burst = await Promise.all(Array.from({ length: 10 }, () => fn.handler({ index })))
          ok += burst.reduce((sum, r) => sum + r.hits, 0)
        }
        check(ok === 50, `${50 - ok} of 50 invocations found no document`)
        let sockets = ''
        if (t.embedded !== undefined) {
          const connections = t.embedded.cluster.totalStats().connections
          check(
            connections <= fn.connectionsPerNode,
            `${connections} TCP connections, more than the limit ${fn.connectionsPerNode}`,
          )
          sockets = `, ${connections} TCP connection${connections === 1 ? '' : 's'} (limit ${fn.connectionsPerNode})`
        }
        return `50 invocations (30 in a row, 2 bursts of 10) on one module-scope client${sockets}`
      } finally {
        if (t.mode === 'remote') await setup.indices.delete({ index })
      }
    })
  },
}

/** The scenarios, in the order of the Connecting page. @public */
export const scenarios: readonly Scenario[] = [
  cloudId,
  caCerts,
  fingerprint,
  noSecurity,
  multipleNodes,
  basicAuth,
  bearerAuth,
  apiKeyAuth,
  perRequestOptions,
  compatibility,
  faas,
]
