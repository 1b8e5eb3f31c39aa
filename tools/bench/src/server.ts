// The bench server: a child process that answers like Elasticsearch, as cheaply as it can, so that the client under
// test is what the numbers measure. Every static answer is serialized (and gzipped) once at start; bulk answers
// are cached by item count; request bodies are never parsed beyond what checking them needs.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createGunzip, gzipSync } from 'node:zlib'
import { createCertificates } from '@stretch/test-utils'
import { BulkCounter } from './bulk-counter.js'
import { bulkResponse, indexResponse, infoResponse, searchResponse } from './fixtures.js'
import type { ServerReady, ServerRequest, ServerStats } from './protocol.js'

interface Payload {
  readonly plain: Buffer
  readonly gzip: Buffer
  readonly plainHeaders: readonly string[]
  readonly gzipHeaders: readonly string[]
}

function payload(value: unknown): Payload {
  const plain = Buffer.from(JSON.stringify(value))
  const gzip = gzipSync(plain)
  // Flat [name, value, ...] arrays: writeHead copies them without building a header object per response.
  const base = ['content-type', 'application/json; charset=UTF-8', 'x-elastic-product', 'Elasticsearch']
  return {
    plain,
    gzip,
    plainHeaders: [...base, 'content-length', String(plain.length)],
    gzipHeaders: [...base, 'content-encoding', 'gzip', 'content-length', String(gzip.length)],
  }
}

const info = payload(infoResponse)
const search = payload(searchResponse)
const indexed = payload(indexResponse)
const badRequest = payload({
  error: { type: 'parse_exception', reason: 'the request body is not valid JSON' },
  status: 400,
})
const notFound = payload({ error: { type: 'no_handler_found_exception', reason: 'no handler' }, status: 404 })
const bulkCache = new Map<string, Payload>()

const stats = { connections: 0, requests: 0, bulkItems: 0, scanHits: 0 }

function wantsGzip(req: IncomingMessage): boolean {
  const accept = req.headers['accept-encoding']
  return accept?.includes('gzip') === true
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: Payload): void {
  if (wantsGzip(req)) {
    res.writeHead(status, body.gzipHeaders as string[])
    res.end(body.gzip)
  } else {
    res.writeHead(status, body.plainHeaders as string[])
    res.end(body.plain)
  }
}

/** The request body as a stream of plain bytes: gunzipped when the client compressed it. */
function bodyOf(req: IncomingMessage): NodeJS.ReadableStream {
  return req.headers['content-encoding'] === 'gzip' ? req.pipe(createGunzip()) : req
}

function collect(req: IncomingMessage, done: (body: Buffer) => void, fail: () => void): void {
  const chunks: Buffer[] = []
  const stream = bodyOf(req)
  stream.on('data', (chunk: Buffer) => chunks.push(chunk))
  stream.on('end', () => done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)))
  stream.on('error', fail)
}

function filterPathOf(url: string): string | undefined {
  const q = url.indexOf('?')
  if (q === -1) return undefined
  return new URLSearchParams(url.slice(q + 1)).get('filter_path') ?? undefined
}

/**
 * Elasticsearch's `filter_path` for the bulk answer, in the forms a bulk client sends: top-level keys (`errors`,
 * `took`) and item fields (`items.*.status`, `items.*._id`, ...); anything else keeps the whole answer. A client
 * that asks for less gets (and parses) less, as from Elasticsearch.
 */
function filterBulk(answer: unknown, filter: string | undefined): unknown {
  if (filter === undefined) return answer
  const top = new Set<string>()
  const fields = new Set<string>()
  for (const part of filter.split(',')) {
    const m = /^items\.\*\.([\w]+)$/.exec(part)
    if (m !== null) fields.add(m[1] as string)
    else if (/^\w+$/.test(part)) top.add(part)
    else return answer
  }
  const body = answer as { items: Array<Record<string, Record<string, unknown>>> } & Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(body)) if (top.has(key)) out[key] = body[key]
  if (fields.size > 0) {
    out['items'] = body.items.map((item) =>
      Object.fromEntries(
        Object.entries(item).map(([op, r]) => [
          op,
          Object.fromEntries(Object.entries(r).filter(([k]) => fields.has(k))),
        ]),
      ),
    )
  }
  return out
}

// The read-everything scenario (`bench:ingest`, searchAll against scrollDocuments): an index named `scan-<N>` holds
// N documents `{ n, title, year, tags }`. A point in time is opened on it (`POST /scan-N/_pit`; its id is the index
// name) and paged with `search_after` on `n`; a scroll (`POST /scan-N/_search?scroll=...`) is paged by its id
// (`scan-N:<offset>`). Pages are built by string concatenation: the server's cost is the same for every client.
const scanPrefix = '/scan-'

function json(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(text)
  res.writeHead(status, [
    'content-type',
    'application/json; charset=UTF-8',
    'x-elastic-product',
    'Elasticsearch',
    'content-length',
    String(body.length),
  ])
  res.end(body)
}

function scanHits(index: string, total: number, from: number, size: number): string {
  const end = Math.min(total, from + size)
  let out = ''
  for (let n = from; n < end; n++) {
    if (out !== '') out += ','
    out += `{"_index":"${index}","_id":"${n}","_score":null,"_source":{"n":${n},"title":"The quick brown fox","year":2026,"tags":["a","b"]},"sort":[${n}]}`
  }
  stats.scanHits += end - from
  return out
}

function scanTotal(index: string): number {
  return Number(index.slice('scan-'.length))
}

/** Answers the PIT, search_after and scroll requests of the scan scenario; false when `url` is not one. */
function handleScan(req: IncomingMessage, res: ServerResponse, url: string, method: string | undefined): boolean {
  const path = url.split('?')[0] as string
  if (path === '/_pit' && method === 'DELETE') {
    req.resume()
    json(res, 200, '{"succeeded":true,"num_freed":1}')
    return true
  }
  if (path === '/_search/scroll') {
    collect(
      req,
      (raw) => {
        if (method === 'DELETE') return json(res, 200, '{"succeeded":true,"num_freed":1}')
        const body = JSON.parse(raw.toString('utf8') || '{}') as { scroll_id?: string }
        const [index, offset, size] = String(body.scroll_id ?? '').split(':')
        const from = Number(offset)
        const n = Number(size)
        const total = scanTotal(String(index))
        json(
          res,
          200,
          `{"_scroll_id":"${index}:${from + n}:${n}","took":1,"timed_out":false,"hits":{"total":{"value":${total},"relation":"eq"},"hits":[${scanHits(String(index), total, from, n)}]}}`,
        )
      },
      () => json(res, 400, '{"error":"bad scroll body","status":400}'),
    )
    return true
  }
  if (path.startsWith(scanPrefix) && path.endsWith('/_pit') && method === 'POST') {
    req.resume()
    json(res, 200, `{"id":"${path.slice(1, -'/_pit'.length)}"}`)
    return true
  }
  const scroll = path.startsWith(scanPrefix) && path.endsWith('/_search')
  if (scroll || path === '/_search') {
    collect(
      req,
      (raw) => {
        const body = JSON.parse(raw.toString('utf8') || '{}') as {
          size?: number
          pit?: { id?: string }
          search_after?: number[]
        }
        const size = body.size ?? 10
        if (scroll) {
          const index = path.slice(1, -'/_search'.length)
          const total = scanTotal(index)
          json(
            res,
            200,
            `{"_scroll_id":"${index}:${size}:${size}","took":1,"timed_out":false,"hits":{"total":{"value":${total},"relation":"eq"},"hits":[${scanHits(index, total, 0, size)}]}}`,
          )
          return
        }
        const index = String(body.pit?.id)
        const from = body.search_after === undefined ? 0 : Number(body.search_after[0]) + 1
        json(
          res,
          200,
          `{"pit_id":"${index}","took":1,"timed_out":false,"hits":{"hits":[${scanHits(index, scanTotal(index), from, size)}]}}`,
        )
      },
      () => json(res, 400, '{"error":"bad search body","status":400}'),
    )
    return true
  }
  return false
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  stats.requests++
  const url = req.url ?? '/'
  const method = req.method
  const fail = (): void => send(req, res, 400, badRequest)
  if (
    (url.startsWith(scanPrefix) || url.startsWith('/_pit') || url.startsWith('/_search')) &&
    handleScan(req, res, url, method)
  ) {
    return
  }
  if (method === 'GET' && (url === '/' || url.startsWith('/?'))) {
    req.resume()
    send(req, res, 200, info)
  } else if (url.includes('/_search')) {
    // Small bodies: parsing them proves the client sent valid JSON, at a cost the same for every client.
    collect(
      req,
      (body) => {
        let ok = body.length === 0
        if (!ok) {
          try {
            ok = typeof JSON.parse(body.toString('utf8')) === 'object'
          } catch {
            ok = false
          }
        }
        send(req, res, ok ? 200 : 400, ok ? search : badRequest)
      },
      fail,
    )
  } else if (url.includes('/_bulk')) {
    const counter = new BulkCounter()
    const stream = bodyOf(req)
    stream.on('data', (chunk: Buffer) => counter.push(chunk))
    stream.on('error', fail)
    stream.on('end', () => {
      const items = counter.end()
      stats.bulkItems += items
      const filter = filterPathOf(url)
      const key = `${items} ${filter ?? ''}`
      let answer = bulkCache.get(key)
      if (answer === undefined) {
        answer = payload(filterBulk(bulkResponse(items), filter))
        bulkCache.set(key, answer)
      }
      send(req, res, 200, answer)
    })
  } else if (url.includes('/_doc') && (method === 'PUT' || method === 'POST')) {
    collect(req, () => send(req, res, 201, indexed), fail)
  } else {
    req.resume()
    send(req, res, 404, notFound)
  }
}

function listen(server: Server): Promise<number> {
  // Idle sockets stay open long after any client's own keep-alive timeout: the client decides when to close.
  server.keepAliveTimeout = 120_000
  server.headersTimeout = 125_000
  server.requestTimeout = 0
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

async function main(): Promise<void> {
  const certs = await createCertificates({ ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'] })
  const http = createHttpServer({ keepAlive: true, noDelay: true }, handle)
  const https = createHttpsServer({ keepAlive: true, noDelay: true, key: certs.server.key, cert: certs.chain }, handle)
  http.on('connection', () => stats.connections++)
  https.on('secureConnection', () => stats.connections++)
  const [httpPort, httpsPort] = await Promise.all([listen(http), listen(https)])
  process.on('message', (message: ServerRequest) => {
    if (message.type === 'stats') {
      const reply: ServerStats = { type: 'stats', id: message.id, ...stats }
      process.send?.(reply)
    }
  })
  // The parent's IPC channel closing means the bench is over (or crashed): never outlive it.
  process.on('disconnect', () => process.exit(0))
  const ready: ServerReady = {
    type: 'ready',
    http: `http://127.0.0.1:${httpPort}`,
    https: `https://127.0.0.1:${httpsPort}`,
    ca: certs.ca.cert,
  }
  process.send?.(ready)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
