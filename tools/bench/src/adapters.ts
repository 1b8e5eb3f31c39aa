// One adapter per client: the same three calls, written the way a user of that client writes them. Each adapter
// imports its client lazily, so a worker process loads only the client it measures (peak RSS stays comparable).
import { promisify } from 'node:util'
import { gunzip, gunzipSync, gzip, gzipSync } from 'node:zlib'
import { bulkOperations, indexName, searchQuery } from './fixtures.js'
import type { AdapterName } from './protocol.js'

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

/** What every adapter can do; each call resolves to the parsed response body. */
export interface Adapter {
  info(): Promise<unknown>
  search(): Promise<unknown>
  bulk(): Promise<unknown>
  close(): Promise<void>
}

/** How an adapter connects. */
export interface AdapterOptions {
  /** The node URL (`http:` or `https:`). */
  readonly url: string
  /** PEM of the CA that signed the server's certificate. */
  readonly ca: string
  /** Gzip request bodies and ask for gzip responses. */
  readonly compress: boolean
}

/** Every adapter, in the order of the report. `undici` is the floor. */
export const adapterNames: readonly AdapterName[] = [
  'stretch',
  'stretch-otel',
  'stretch-fetch',
  'undici',
  'dispatch',
  'es9',
  'es9-otel',
  'es8',
  'opensearch',
  'fetch',
]

/**
 * Diagnostic clients, run only when `--adapters` names them (not in the default run): Stretch's layers one by one,
 * each sending the limit's bytes, to tell where Stretch's cost over the limit goes with real sockets.
 * `stretch-connection` is `@stretch/connection-undici` alone (its `request()`, then `JSON.parse`);
 * `stretch-transport` adds `@stretch/transport` (`transport.requestMapped()`, the call the client's API methods
 * make), without the client's API layer.
 */
export const diagnosticAdapterNames: readonly AdapterName[] = ['stretch-connection', 'stretch-transport']

/** Human names for the report. */
export const adapterLabels: Readonly<Record<AdapterName, string>> = {
  stretch: 'Stretch',
  'stretch-otel': 'Stretch + @stretch/otel',
  'stretch-fetch': 'Stretch on @stretch/connection-fetch',
  undici: 'undici Pool (floor)',
  dispatch: 'undici Pool.dispatch (limit)',
  'stretch-connection': 'Stretch: @stretch/connection-undici alone',
  'stretch-transport': 'Stretch: @stretch/transport alone',
  es9: '@elastic/elasticsearch 9',
  'es9-otel': '@elastic/elasticsearch 9, OpenTelemetry SDK on',
  es8: '@elastic/elasticsearch 8',
  opensearch: '@opensearch-project/opensearch',
  fetch: 'fetch (Node built-in)',
}

/** Creates the adapter named `name`. */
export async function createAdapter(name: AdapterName, options: AdapterOptions): Promise<Adapter> {
  switch (name) {
    case 'stretch':
      return stretch(options, false)
    case 'stretch-otel':
      await startTracing()
      return stretch(options, true)
    case 'stretch-fetch':
      return stretchFetch(options)
    case 'es9':
      return elastic(options, await import('@elastic/elasticsearch'))
    case 'es9-otel':
      // Its transport instruments every API call with the global tracer (openTelemetry.enabled is on by default).
      await startTracing()
      return elastic(options, await import('@elastic/elasticsearch'))
    case 'es8':
      return elastic(options, await import('es8'))
    case 'opensearch':
      return opensearch(options)
    case 'fetch':
      return fetchAdapter(options)
    case 'undici':
      return undiciFloor(options)
    case 'dispatch':
      return dispatchFloor(options)
    case 'stretch-connection':
      return connectionOnly(options)
    case 'stretch-transport':
      return transportOnly(options)
  }
}

/**
 * A real tracer provider (every span sampled, batched, then dropped by the exporter) and the async-hooks context
 * manager, registered globally: what tracing costs the client, without the cost of shipping spans. Registered with
 * `@opentelemetry/api` 1.10, the version `@elastic/transport` reads the global with (a reader refuses a global
 * registered by an older minor); `@stretch/otel` (1.9) accepts it too.
 */
async function startTracing(): Promise<void> {
  const { context, trace } = await import('@opentelemetry/api')
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks')
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base')
  const dropAll = {
    export: (_spans: unknown, done: (result: { code: 0 }) => void) => done({ code: 0 }),
    shutdown: async () => {},
  }
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropAll)] }))
}

async function stretch(options: AdapterOptions, otel: boolean): Promise<Adapter> {
  const { Client } = await import('@stretch/client')
  const https = options.url.startsWith('https:')
  const client = new Client({
    node: options.url,
    ...(https ? { caCerts: options.ca } : {}),
    httpCompress: options.compress,
    ...(otel ? (await import('@stretch/otel')).openTelemetry() : {}),
  })
  const operations = bulkOperations()
  return {
    info: () => client.info(),
    search: () => client.search({ index: indexName, query: searchQuery }),
    bulk: () => client.bulk({ operations }),
    close: () => client.close(),
  }
}

// The same client API over the fetch connection (Node's global fetch): what a user trades for one code path on every
// runtime. Node's fetch takes no CA: it trusts the server's through NODE_EXTRA_CA_CERTS, which the runner sets.
async function stretchFetch(options: AdapterOptions): Promise<Adapter> {
  const [{ ApiClient }, { Transport }, { fetchConnection }] = await Promise.all([
    import('@stretch/client'),
    import('@stretch/transport'),
    import('@stretch/connection-fetch'),
  ])
  const transport = new Transport({ nodes: [options.url], connection: fetchConnection(), compress: options.compress })
  const client = new ApiClient(transport)
  const operations = bulkOperations()
  return {
    info: () => client.info(),
    search: () => client.search({ index: indexName, query: searchQuery }),
    bulk: () => client.bulk({ operations }),
    close: () => transport.close(),
  }
}

// 8.x and 9.x have the same surface for these calls (their overloads differ in types only).
type ElasticModule = typeof import('@elastic/elasticsearch') | typeof import('es8')
interface ElasticCalls {
  info(): Promise<unknown>
  search(params: { index: string; query: object }): Promise<unknown>
  bulk(params: { operations: object[] }): Promise<unknown>
  close(): Promise<void>
}

function elastic(options: AdapterOptions, module: ElasticModule): Adapter {
  const client = new module.Client({
    node: options.url,
    ...(options.url.startsWith('https:') ? { tls: { ca: options.ca } } : {}),
    compression: options.compress,
  }) as unknown as ElasticCalls
  const operations = bulkOperations()
  return {
    info: () => client.info(),
    search: () => client.search({ index: indexName, query: searchQuery }),
    bulk: () => client.bulk({ operations }),
    close: () => client.close(),
  }
}

async function opensearch(options: AdapterOptions): Promise<Adapter> {
  const { Client } = await import('@opensearch-project/opensearch')
  const client = new Client({
    node: options.url,
    ...(options.url.startsWith('https:') ? { ssl: { ca: options.ca } } : {}),
    ...(options.compress ? { compression: 'gzip' as const } : {}),
  })
  const operations = bulkOperations()
  // OpenSearch's own query types differ from Elasticsearch's; the JSON sent is the same.
  const query: object = searchQuery
  return {
    info: async () => (await client.info()).body,
    search: async () => (await client.search({ index: indexName, body: { query } })).body,
    bulk: async () => (await client.bulk({ body: operations })).body,
    close: () => client.close(),
  }
}

/** A careful hand-written NDJSON body: one string, no array of lines. */
function ndjson(operations: readonly object[]): string {
  let out = ''
  for (const op of operations) out += `${JSON.stringify(op)}\n`
  return out
}

function fetchAdapter(options: AdapterOptions): Adapter {
  // Node's fetch trusts the CA through NODE_EXTRA_CA_CERTS, which the runner sets for every worker.
  const base = options.url
  const compress = options.compress
  // fetch asks for gzip unless told otherwise; without httpCompress every client gets the same identity bytes.
  const accept = { accept: 'application/json', 'accept-encoding': compress ? 'gzip' : 'identity' }
  const operations = bulkOperations()
  const post = async (path: string, text: string, type: string): Promise<unknown> => {
    const headers: Record<string, string> = { ...accept, 'content-type': type }
    let body: string | Buffer = text
    if (compress) {
      body = await gzipAsync(text)
      headers['content-encoding'] = 'gzip'
    }
    const res = await fetch(base + path, { method: 'POST', headers, body })
    if (!res.ok) throw new Error(`fetch: status ${res.status}`)
    return res.json()
  }
  return {
    info: async () => {
      const res = await fetch(`${base}/`, { headers: accept })
      if (!res.ok) throw new Error(`fetch: status ${res.status}`)
      return res.json()
    },
    search: () => post(`/${indexName}/_search`, JSON.stringify({ query: searchQuery }), 'application/json'),
    bulk: () => post('/_bulk', ndjson(operations), 'application/x-ndjson'),
    close: async () => {},
  }
}

// The floor and the limit send the header set Stretch sends (user-agent of the same length, the compatibility media
// types), so every adapter on the bare pool puts the same bytes on the wire as the client it is compared with.
const kWireJson = 'application/vnd.elasticsearch+json; compatible-with=8'
const kWireNdjson = 'application/vnd.elasticsearch+x-ndjson; compatible-with=8'
const kWireUserAgent = `stretch/0.0.0 (Node.js ${process.version}; ${process.platform}-${process.arch})`

function floorHeaders(compress: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': kWireUserAgent, accept: kWireJson }
  if (compress) headers['accept-encoding'] = 'gzip'
  return headers
}

async function undiciFloor(options: AdapterOptions): Promise<Adapter> {
  const { Pool } = await import('undici')
  const url = new URL(options.url)
  const pool = new Pool(url.origin, {
    connections: 128,
    ...(url.protocol === 'https:' ? { connect: { ca: options.ca } } : {}),
  })
  const compress = options.compress
  const accept = floorHeaders(compress)
  const operations = bulkOperations()
  const send = async (method: 'GET' | 'POST', path: string, text?: string, type?: string): Promise<unknown> => {
    let headers = accept
    let body: string | Buffer | undefined = text
    if (text !== undefined) {
      headers = { ...accept, 'content-type': type as string }
      if (compress) {
        body = await gzipAsync(text)
        headers['content-encoding'] = 'gzip'
      }
    }
    const res = await pool.request({ method, path, headers, body: body ?? null })
    if (res.statusCode !== 200) {
      await res.body.dump()
      throw new Error(`undici: status ${res.statusCode}`)
    }
    if (res.headers['content-encoding'] === 'gzip') {
      const raw = Buffer.from(await res.body.arrayBuffer())
      return JSON.parse((await gunzipAsync(raw)).toString('utf8'))
    }
    return res.body.json()
  }
  return {
    info: () => send('GET', '/'),
    search: () => send('POST', `/${indexName}/_search`, JSON.stringify({ query: searchQuery }), kWireJson),
    bulk: () => send('POST', '/_bulk', ndjson(operations), kWireNdjson),
    close: () => pool.close(),
  }
}

/**
 * The physical limit: `Pool.dispatch` with a bare handler. The chunks are collected, then one `Buffer.concat` (and
 * one gunzip when the answer is gzipped) and one `JSON.parse`: no `Readable`, no body mixin, no header object (the
 * raw header list is scanned for `content-encoding` only). The request bytes are the floor's. zlib runs on the main
 * thread below the sizes where Stretch does so too (64 KB to gzip, 8 KB to gunzip): a thread-pool hop costs more.
 */
async function dispatchFloor(options: AdapterOptions): Promise<Adapter> {
  const { Pool } = await import('undici')
  const url = new URL(options.url)
  const pool = new Pool(url.origin, {
    connections: 128,
    ...(url.protocol === 'https:' ? { connect: { ca: options.ca } } : {}),
  })
  const compress = options.compress
  const accept = floorHeaders(compress)
  const operations = bulkOperations()
  const call = (method: 'GET' | 'POST', path: string, headers: Record<string, string>, body: string | Buffer | null) =>
    new Promise<{ gzip: boolean; bytes: Buffer }>((resolve, reject) => {
      const chunks: Buffer[] = []
      let status = 0
      let gzipped = false
      pool.dispatch(
        { origin: url.origin, method, path, headers, body },
        {
          onConnect() {},
          onError: reject,
          onHeaders(statusCode: number, raw: Buffer[]) {
            status = statusCode
            if (compress) {
              for (let i = 0; i < raw.length; i += 2) {
                const name = raw[i] as Buffer
                if (name.length === 16 && name.toString('latin1').toLowerCase() === 'content-encoding') {
                  gzipped = (raw[i + 1] as Buffer).toString('latin1') === 'gzip'
                }
              }
            }
            return true
          },
          onData(chunk: Buffer) {
            chunks.push(chunk)
            return true
          },
          onComplete() {
            if (status !== 200) reject(new Error(`dispatch: status ${status}`))
            else resolve({ gzip: gzipped, bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) })
          },
        },
      )
    })
  const send = async (method: 'GET' | 'POST', path: string, text?: string, type?: string): Promise<unknown> => {
    let headers = accept
    let body: string | Buffer | null = text ?? null
    if (text !== undefined) {
      headers = { ...accept, 'content-type': type as string }
      if (compress) {
        body = text.length * 3 < 65536 ? gzipSync(text) : await gzipAsync(text)
        headers['content-encoding'] = 'gzip'
      }
    }
    const res = await call(method, path, headers, body)
    // zlib on the main thread for small answers (a thread-pool hop costs more than the work), as Stretch does.
    const bytes = !res.gzip ? res.bytes : res.bytes.length < 8192 ? gunzipSync(res.bytes) : await gunzipAsync(res.bytes)
    return JSON.parse(bytes.toString('utf8'))
  }
  return {
    info: () => send('GET', '/'),
    search: () => send('POST', `/${indexName}/_search`, JSON.stringify({ query: searchQuery }), kWireJson),
    bulk: () => send('POST', '/_bulk', ndjson(operations), kWireNdjson),
    close: () => pool.close(),
  }
}

// Plain scenarios only: it sends what the limit sends, which gzips nothing.
async function connectionOnly(options: AdapterOptions): Promise<Adapter> {
  if (options.compress) throw new Error('stretch-connection: plain (not gzip) scenarios only')
  const { undiciConnection } = await import('@stretch/connection-undici')
  const url = new URL(options.url)
  const factory = undiciConnection(url.protocol === 'https:' ? { tls: { ca: options.ca } } : {})
  const connection = factory({ url, id: url.origin, name: undefined, roles: undefined, attributes: {} } as never)
  const accept = floorHeaders(false)
  const operations = bulkOperations()
  const limits = { maxCompressedResponseSize: 100 * 1024 * 1024, maxResponseSize: 100 * 1024 * 1024 } as never
  const send = async (method: 'GET' | 'POST', path: string, text?: string, type?: string): Promise<unknown> => {
    const headers = text === undefined ? accept : { ...accept, 'content-type': type as string }
    const res = await connection.request(
      { method, path, headers, body: text ?? undefined, timeout: 30_000 } as never,
      limits,
    )
    if (res.statusCode !== 200) throw new Error(`stretch-connection: status ${res.statusCode}`)
    return JSON.parse((res.body as Buffer).toString('utf8'))
  }
  return {
    info: () => send('GET', '/'),
    search: () => send('POST', `/${indexName}/_search`, JSON.stringify({ query: searchQuery }), kWireJson),
    bulk: () => send('POST', '/_bulk', ndjson(operations), kWireNdjson),
    close: () => connection.close(),
  }
}

async function transportOnly(options: AdapterOptions): Promise<Adapter> {
  const [{ Transport }, { undiciConnection }] = await Promise.all([
    import('@stretch/transport'),
    import('@stretch/connection-undici'),
  ])
  const https = options.url.startsWith('https:')
  const transport = new Transport({
    nodes: [options.url],
    connection: undiciConnection(https ? { tls: { ca: options.ca } } : {}),
    compress: options.compress,
  })
  const operations = bulkOperations()
  // requestMapped, as the client's API methods call it: the answer is the body, no promise of its own per call.
  const bodyOf = (result: { readonly body: unknown }): unknown => result.body
  const send = (params: object): Promise<unknown> => transport.requestMapped(params as never, undefined, bodyOf)
  return {
    info: () => send({ method: 'GET', path: '/' }),
    search: () => send({ method: 'POST', path: `/${indexName}/_search`, body: { query: searchQuery } }),
    bulk: () => send({ method: 'POST', path: '/_bulk', ndjson: operations }),
    close: () => transport.close(),
  }
}
