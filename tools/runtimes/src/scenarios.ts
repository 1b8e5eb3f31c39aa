// Runs inside each runtime (bundled by esbuild): the seed scenarios through Transport and fetchConnection, against
// the test cluster. It returns what it saw; the vitest suites on Node assert it. No Node built-in here.
import { Client, type ClientOptions } from '@stretch/client'
import { fetchConnection } from '@stretch/connection-fetch'
import { sniffing } from '@stretch/pool-sniffing'
import { type PoolNode, Transport, type TransportOptions } from '@stretch/transport'

/** What the Node side tells a runtime: URLs and credentials of the test clusters. */
export interface ScenarioConfig {
  /** A security-on, plain HTTP cluster with two nodes (and CORS on for the browser). */
  readonly http: {
    readonly urls: readonly string[]
    readonly password: string
    readonly apiKey: string
    readonly bearer: string
  }
  /** A node URL where nothing listens (a stopped node). */
  readonly stopped: string
  /** The HTTPS cluster, where the runtime can be given a CA (Deno, Bun). */
  readonly https?: {
    readonly url: string
    readonly password: string
    readonly ca: string
    readonly leafFingerprint: string
    /** A client certificate and key signed by the cluster's CA (the node asks for one, optionally). */
    readonly cert: string
    readonly key: string
  }
  /**
   * A forward proxy on 127.0.0.1 that wants credentials: `url` carries them, `anonymous` does not. CONNECT reaches
   * the HTTPS cluster's port only.
   */
  readonly proxy?: { readonly url: string; readonly anonymous: string }
  /**
   * An Elastic Cloud-like endpoint (HTTPS, the cluster's CA) and its Cloud ID, whose URL is
   * `https://<uuid>.localhost:<port>`. `ca` is given to the client as `caCerts` unless `trustCa` is false (a
   * runtime that trusts the endpoint's certificate by its own means); `loopbackLookup` gives the client a `lookup`
   * that resolves every name to 127.0.0.1 (Node, whose resolver does not know `*.localhost` here).
   */
  readonly cloud?: {
    readonly id: string
    readonly password: string
    readonly ca: string
    readonly trustCa?: boolean
    readonly loopbackLookup?: boolean
  }
  /** Which scenarios to run. */
  readonly only?: readonly string[]
}

/** A failure as seen inside the runtime. */
export interface SeenError {
  readonly name: string
  readonly code: string | undefined
  readonly message: string
  readonly requestSent: boolean | undefined
}

/** One scenario's outcome: its value, or the error it raised. */
export type Outcome = { readonly value: unknown } | { readonly error: SeenError }

function seen(error: unknown): SeenError {
  const e = error as { name?: string; code?: string; message?: string; requestSent?: boolean }
  return { name: String(e.name), code: e.code, message: String(e.message), requestSent: e.requestSent }
}

function basic(password: string): string {
  return `Basic ${btoa(`elastic:${password}`)}`
}

function transport(urls: readonly string[], extra: Partial<TransportOptions> = {}): Transport {
  return new Transport({ nodes: [...urls], connection: fetchConnection(), maxRetries: 0, ...extra })
}

async function use<T>(t: Transport, fn: (t: Transport) => Promise<T>): Promise<T> {
  try {
    return await fn(t)
  } finally {
    await t.close()
  }
}

type Scenario = (config: ScenarioConfig) => Promise<unknown>

// `dns.lookup`'s shape (both callback forms), every name to 127.0.0.1, written out: no `node:` import here.
function loopbackLookup(
  _hostname: string,
  options: { all?: boolean } | ((...args: unknown[]) => void),
  callback?: (...args: unknown[]) => void,
): void {
  const done = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void
  if (typeof options === 'object' && options.all === true) done(null, [{ address: '127.0.0.1', family: 4 }])
  else done(null, '127.0.0.1', 4)
}

const info = async (t: Transport): Promise<unknown> => {
  const result = await t.request<{ version: { number: string } }>({ method: 'GET', path: '/' })
  return { statusCode: result.statusCode, version: result.body.version.number }
}

function proxyOf(c: ScenarioConfig): NonNullable<ScenarioConfig['proxy']> {
  return c.proxy as NonNullable<ScenarioConfig['proxy']>
}

/** `info` from the http or https node through `fetchConnection({ proxy })`, the CA trusted unless `trustCa: false`. */
function viaProxy(
  c: ScenarioConfig,
  how: {
    readonly node: 'http' | 'https'
    readonly proxy: string | false
    readonly trustCa?: boolean
    readonly opaqueId?: string
    readonly maxRetries?: number
  },
): Promise<unknown> {
  const h = how.node === 'https' ? (c.https as NonNullable<ScenarioConfig['https']>) : undefined
  const tls = h !== undefined && how.trustCa !== false ? { tls: { ca: h.ca } } : {}
  const headers: Record<string, string> = { authorization: basic(h?.password ?? c.http.password) }
  if (how.opaqueId !== undefined) headers['x-opaque-id'] = how.opaqueId
  return use(
    new Transport({
      nodes: [h?.url ?? (c.http.urls[0] as string)],
      connection: fetchConnection({ ...tls, proxy: how.proxy }),
      headers,
      maxRetries: how.maxRetries ?? 0,
    }),
    info,
  )
}

/**
 * `info` through the client with no connection option, one attempt. No `opaqueId`: in a browser its
 * `X-Opaque-Id` header would need `http.cors.allow-headers` to list it.
 */
async function browserClientInfo(c: ScenarioConfig, requestTimeout: number): Promise<unknown> {
  const client = new Client({
    node: c.http.urls[0] as string,
    basicAuth: ['elastic', c.http.password],
    maxRetries: 0,
    requestTimeout,
  })
  try {
    return { version: (await client.info()).version.number }
  } finally {
    await client.close()
  }
}

const scenarios: Record<string, Scenario> = {
  basic: (c) => use(transport(c.http.urls, { headers: { authorization: basic(c.http.password) } }), info),
  bearer: (c) => use(transport(c.http.urls, { headers: { authorization: `Bearer ${c.http.bearer}` } }), info),
  apiKey: (c) => use(transport(c.http.urls, { headers: { authorization: `ApiKey ${c.http.apiKey}` } }), info),
  wrongPassword: (c) => use(transport(c.http.urls, { headers: { authorization: basic('wrong') } }), info),
  gzip: (c) =>
    use(transport(c.http.urls, { headers: { authorization: basic(c.http.password) }, compress: true }), async (t) => {
      const doc = { title: 'gzip'.repeat(200) }
      await t.request({ method: 'PUT', path: '/runtime-gzip/_doc/1', querystring: { refresh: true }, body: doc })
      const got = await t.request<{ _source: unknown }>({ method: 'GET', path: '/runtime-gzip/_doc/1' })
      return { same: JSON.stringify(got.body._source) === JSON.stringify(doc) }
    }),
  // The Node side makes `/_hang` hang: one request aborted by the caller, one timed out.
  abort: (c) =>
    use(transport(c.http.urls, { headers: { authorization: basic(c.http.password) } }), async (t) => {
      const controller = new AbortController()
      const pending = t.request({ method: 'GET', path: '/_hang' }, { signal: controller.signal })
      setTimeout(() => controller.abort(), 50)
      return pending
    }),
  timeout: (c) =>
    use(transport(c.http.urls, { headers: { authorization: basic(c.http.password) } }), (t) =>
      t.request({ method: 'GET', path: '/_hang' }, { requestTimeout: 100 }),
    ),
  // The client itself, with no connection option: it picks the fetch connection on every runtime but Node (export
  // conditions deno, bun, workerd, worker, browser) and undici on Node. Its API, round-robin, gzip, and options()
  // with the two other schemes.
  client: async (c) => {
    const client = new Client({
      nodes: [...c.http.urls],
      basicAuth: ['elastic', c.http.password],
      httpCompress: true,
      nodeSelector: 'round-robin',
    })
    try {
      const info = await client.info()
      await client.index({ index: 'runtime-client', id: '1', document: { from: 'client' }, refresh: true })
      const got = await client.get<{ from: string }>({ index: 'runtime-client', id: '1' })
      const byKey = await client.options({ apiKey: c.http.apiKey }).count({ index: 'runtime-client' })
      const byToken = await client.options({ bearerAuth: c.http.bearer }).count({ index: 'runtime-client' })
      return { version: info.version.number, source: got._source, counts: [byKey.count, byToken.count] }
    } finally {
      await client.close()
    }
  },
  // A streamed body (an async iterable): the connection collects it and sends it with a content-length.
  stream: (c) =>
    use(transport(c.http.urls, { headers: { authorization: basic(c.http.password) } }), async (t) => {
      const encoder = new TextEncoder()
      async function* lines(): AsyncGenerator<Uint8Array> {
        yield encoder.encode('{"index":{"_index":"runtime-stream","_id":"1"}}\n')
        yield encoder.encode('{"streamed":true}\n')
      }
      const result = await t.request<{ errors: boolean; items: unknown[] }>({
        method: 'POST',
        path: '/_bulk',
        querystring: { refresh: true },
        body: lines(),
      })
      return { errors: result.body.errors, items: result.body.items.length }
    }),
  // Sniffing from one seed finds both nodes (they publish 127.0.0.1 addresses the runtime can reach).
  sniff: (c) =>
    use(
      transport([c.http.urls[0] as string], {
        headers: { authorization: basic(c.http.password) },
        discovery: sniffing({ sniffOnStart: true }),
      }),
      async (t) => {
        await t.request({ method: 'GET', path: '/' })
        return { nodes: t.pool.nodes.length }
      },
    ),
  // The client's default selector (round-robin) over the two nodes: which node answered each request.
  roundRobin: async (c) => {
    const client = new Client({ nodes: [...c.http.urls], basicAuth: ['elastic', c.http.password], maxRetries: 0 })
    try {
      const urls: string[] = []
      for (let i = 0; i < 4; i++)
        urls.push((await client.request({ method: 'GET', path: '/' }, { meta: true })).meta.node.url)
      return { urls }
    } finally {
      await client.close()
    }
  },
  // The client by Cloud ID: HTTPS to `<uuid>.localhost`, compression on by default, the Cloud ID's Host and SNI.
  cloudId: async (c) => {
    const cloud = c.cloud as NonNullable<ScenarioConfig['cloud']>
    const client = new Client({
      cloudId: cloud.id,
      basicAuth: ['elastic', cloud.password],
      maxRetries: 0,
      ...(cloud.trustCa === false ? {} : { caCerts: cloud.ca }),
      ...(cloud.loopbackLookup === true ? { lookup: loopbackLookup as unknown as ClientOptions['lookup'] } : {}),
    })
    try {
      const info = await client.info()
      await client.index({ index: 'runtime-cloud', id: '1', document: { from: 'cloud' }, refresh: true })
      return { version: info.version.number }
    } finally {
      await client.close()
    }
  },
  retryStopped: (c) =>
    use(
      transport([c.stopped, ...c.http.urls], {
        headers: { authorization: basic(c.http.password) },
        maxRetries: 2,
        selector: (nodes) => nodes[0] as PoolNode,
      }),
      async (t) => {
        const result = await t.request({ method: 'GET', path: '/' })
        return { attempts: result.meta.attempts, firstAlive: t.pool.nodes[0]?.alive }
      },
    ),
  refused: (c) => use(transport([c.stopped]), info),
  // The Node side resets the socket of `/_reset` once the request was read: a write that may have been applied.
  reset: (c) =>
    use(transport(c.http.urls, { headers: { authorization: basic(c.http.password) }, maxRetries: 0 }), (t) =>
      t.request({ method: 'POST', path: '/_reset', body: { a: 1 } }),
    ),
  caCerts: (c) => {
    const h = c.https as NonNullable<ScenarioConfig['https']>
    return use(
      new Transport({
        nodes: [h.url],
        connection: fetchConnection({ tls: { ca: h.ca } }),
        headers: { authorization: basic(h.password) },
        maxRetries: 0,
      }),
      info,
    )
  },
  // Mutual TLS: the node records the subject of the client certificate.
  clientCert: (c) => {
    const h = c.https as NonNullable<ScenarioConfig['https']>
    return use(
      new Transport({
        nodes: [h.url],
        connection: fetchConnection({ tls: { ca: h.ca, cert: h.cert, key: h.key } }),
        headers: { authorization: basic(h.password), 'x-opaque-id': 'client-cert' },
        maxRetries: 0,
      }),
      info,
    )
  },
  untrusted: (c) => {
    const h = c.https as NonNullable<ScenarioConfig['https']>
    return use(transport([h.url], { headers: { authorization: basic(h.password) } }), info)
  },
  pin: (c) => {
    const h = c.https as NonNullable<ScenarioConfig['https']>
    return use(
      new Transport({
        nodes: [h.url],
        connection: fetchConnection({ tls: { ca: h.ca, fingerprint256: h.leafFingerprint } }),
        headers: { authorization: basic(h.password) },
        maxRetries: 0,
      }),
      info,
    )
  },
  pinMismatch: (c) => {
    const h = c.https as NonNullable<ScenarioConfig['https']>
    return use(
      new Transport({
        nodes: [h.url],
        connection: fetchConnection({ tls: { ca: h.ca, fingerprint256: 'AB:'.repeat(31) + 'AB' } }),
        headers: { authorization: basic(h.password) },
        maxRetries: 0,
      }),
      info,
    )
  },
  // Through the forward proxy: an http node gets absolute-URI requests, an https node a CONNECT tunnel with the CA
  // checked end to end. Each request carries an x-opaque-id that the Node side looks for in the proxy's log.
  proxyHttp: (c) => viaProxy(c, { node: 'http', proxy: proxyOf(c).url, opaqueId: 'proxy-http' }),
  proxyHttps: (c) => viaProxy(c, { node: 'https', proxy: proxyOf(c).url, opaqueId: 'proxy-https' }),
  // The tunnel opens, but the node's certificate is still checked: without the CA nothing is sent.
  proxyHttpsUntrusted: (c) =>
    viaProxy(c, { node: 'https', trustCa: false, proxy: proxyOf(c).url, opaqueId: 'proxy-untrusted' }),
  // The proxy's 407 is a ConfigurationError (never the node's answer, never retried), for http and for CONNECT.
  proxyNoCredentials: (c) => viaProxy(c, { node: 'http', proxy: proxyOf(c).anonymous, maxRetries: 2 }),
  proxyNoCredentialsHttps: (c) => viaProxy(c, { node: 'https', proxy: proxyOf(c).anonymous, maxRetries: 2 }),
  // A proxy where nothing listens: the connection was the proxy's, and nothing was sent.
  proxyRefused: (c) => viaProxy(c, { node: 'http', proxy: c.stopped }),
  // The client's own `proxy` option: undici on Node, fetchConnection on Deno and Bun, refused on workerd and in a
  // browser (naming the runtime).
  clientProxy: async (c) => {
    const p = c.proxy as NonNullable<ScenarioConfig['proxy']>
    const client = new Client({
      node: c.http.urls[0] as string,
      basicAuth: ['elastic', c.http.password],
      proxy: p.url,
      opaqueId: 'client-proxy',
    })
    try {
      return { version: (await client.info()).version.number }
    } finally {
      await client.close()
    }
  },
  // In a browser whose own proxy settings send the page's requests to a proxy (no option can: the page's fetch
  // takes none). The Node side launches Chromium with --proxy-server and reads the proxy's log.
  browserProxy: (c) => browserClientInfo(c, 30_000),
  // The same behind a proxy that wants credentials the page cannot give: the transport's requestTimeout ends it.
  browserProxyAuth: (c) => browserClientInfo(c, 2_000),
  // Run in a second process of the runtime, with HTTP_PROXY and HTTPS_PROXY set to the proxy: with no option the
  // runtime's fetch honours them; `proxy: false` connects directly (Bun), or is refused (Deno).
  envProxy: (c) =>
    use(
      transport([c.http.urls[0] as string], {
        headers: { authorization: basic(c.http.password), 'x-opaque-id': 'env-proxy' },
      }),
      info,
    ),
  proxyFalse: (c) => viaProxy(c, { node: 'http', proxy: false, opaqueId: 'proxy-false' }),
  // What the runtime cannot honour is refused at construction, naming the runtime.
  refusedOptions: async () => {
    const out: Record<string, string> = {}
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    for (const [name, tls] of [
      ['ca', { ca: pem }],
      ['pin', { fingerprint256: 'AB:'.repeat(31) + 'AB' }],
      ['noVerify', { rejectUnauthorized: false }],
      ['cert', { cert: pem, key: pem.replace(/CERTIFICATE/g, 'PRIVATE KEY') }],
    ] as const) {
      try {
        fetchConnection({ tls })
        out[name] = 'accepted'
      } catch (error) {
        out[name] = `${(error as Error).name}: ${(error as Error).message}`
      }
    }
    try {
      fetchConnection({ proxy: 'http://proxy.internal:3128' })
      out['proxy'] = 'accepted'
    } catch (error) {
      out['proxy'] = `${(error as Error).name}: ${(error as Error).message}`
    }
    return out
  },
}

/** The scenarios that need HTTP_PROXY and HTTPS_PROXY set, in a process of their own: run only when named. */
export const envProxyScenarios: readonly string[] = ['envProxy', 'proxyFalse']

/** The scenarios for a browser launched with a proxy of its own: run only when named. */
export const browserProxyScenarios: readonly string[] = ['browserProxy', 'browserProxyAuth']

/**
 * Runs the scenarios (all but the env-proxy and browser-proxy ones, or `config.only`) one after the other; each
 * outcome by name.
 */
export async function runScenarios(config: ScenarioConfig): Promise<Record<string, Outcome>> {
  const out: Record<string, Outcome> = {}
  const byDefault = (n: string): boolean => !envProxyScenarios.includes(n) && !browserProxyScenarios.includes(n)
  for (const name of config.only ?? Object.keys(scenarios).filter(byDefault)) {
    const scenario = scenarios[name]
    if (scenario === undefined) throw new Error(`no scenario ${name}`)
    try {
      out[name] = { value: await scenario(config) }
    } catch (error) {
      out[name] = { error: seen(error) }
    }
  }
  return out
}
