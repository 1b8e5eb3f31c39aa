import { Readable } from 'node:stream'
import { inspect } from 'node:util'
import { Client, isConfigurationError, isResponseError, type ResponseError } from '@stretch/client'
import { startCluster, type TestCluster } from '@stretch/test-cluster'
import { startServer } from '@stretch/test-utils'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type BulkAction, type BulkDrop, bulk } from '../src/index.js'

interface Book {
  id: string
  title: string
  year?: number
}

let cluster: TestCluster
let client: Client

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1 })
  client = new Client({ node: cluster.url, caCerts: cluster.caCert, basicAuth: ['elastic', cluster.password] })
})
afterAll(async () => {
  await client.close()
  await cluster.close()
})
afterEach(() => {
  cluster.clearFaults()
  cluster.resetStats()
})

const books = (n: number, prefix = 'b'): Book[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, title: `Book ${i}` }))

const bulkRequests = (): Array<{ path: string; body: Buffer }> =>
  cluster.requests().filter((r) => r.path.endsWith('/_bulk'))
const linesOf = (body: Buffer): unknown[] =>
  body
    .toString()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l))

/** Resolves when the n-th `_bulk` request (counted from now) reaches the node. */
function bulkArrivals(n: number): Promise<void> {
  const events = cluster.node(0).events
  let seen = 0
  return new Promise((resolve) => {
    const on = (r: { path: string }): void => {
      if (!r.path.endsWith('/_bulk') || ++seen < n) return
      events.off('request', on)
      resolve()
    }
    events.on('request', on)
  })
}

function releasable(): { until: Promise<void>; release: () => void } {
  let release = (): void => {}
  const until = new Promise<void>((resolve) => {
    release = resolve
  })
  return { until, release }
}

async function source(index: string, id: string): Promise<unknown> {
  const doc = await client.get({ index, id })
  return doc._source
}

describe('bulk: datasources', () => {
  it('indexes an array and resolves to the counts', async () => {
    const stats = await bulk(client, {
      datasource: books(3, 'arr'),
      onDocument: (book) => ({ index: { _index: 'ds-array', _id: book.id } }),
    })
    expect(stats).toMatchObject({
      total: 3,
      successful: 3,
      failed: 0,
      retried: 0,
      noop: 0,
      aborted: false,
      uncertain: 0,
    })
    expect(stats.bytes).toBe(bulkRequests()[0]?.body.byteLength)
    // Labelled as NDJSON, as Elasticsearch documents for the bulk API (with the compatibility media type).
    expect(cluster.requests().find((r) => r.path.endsWith('/_bulk'))?.headers['content-type']).toBe(
      'application/vnd.elasticsearch+x-ndjson; compatible-with=8',
    )
    expect(stats.time).toBeGreaterThan(0)
    expect(await source('ds-array', 'arr2')).toEqual({ id: 'arr2', title: 'Book 2' })
    expect(cluster.writeCount('ds-array', 'arr0')).toBe(1)
  })

  it('reads sync and async generators, a Node.js Readable and a Web ReadableStream', async () => {
    function* sync(): Generator<Book> {
      yield* books(2, 'sync')
    }
    async function* asynchronous(): AsyncGenerator<Book> {
      for (const b of books(2, 'async')) yield b
    }
    const web = new ReadableStream<Book>({
      start(controller) {
        for (const b of books(2, 'web')) controller.enqueue(b)
        controller.close()
      },
    })
    const onDocument = (book: Book) => ({ index: { _index: 'ds-kinds', _id: book.id } })
    for (const datasource of [sync(), asynchronous(), Readable.from(books(2, 'node')), web]) {
      expect(await bulk(client, { datasource, onDocument })).toMatchObject({ total: 2, successful: 2, failed: 0 })
    }
    const count = await client.count({ index: 'ds-kinds' })
    expect(count.count).toBe(8)
    expect(await source('ds-kinds', 'web1')).toEqual({ id: 'web1', title: 'Book 1' })
    expect(await source('ds-kinds', 'node0')).toEqual({ id: 'node0', title: 'Book 0' })
  })
})

describe('bulk: a stream with only getReader()', () => {
  it('reads a ReadableStream-like object through its reader', async () => {
    const inner = new ReadableStream<Book>({
      start(controller) {
        for (const b of books(3, 'rd')) controller.enqueue(b)
        controller.close()
      },
    })
    const readerOnly = { getReader: () => inner.getReader() } as unknown as ReadableStream<Book>
    const stats = await bulk(client, {
      datasource: readerOnly,
      onDocument: (book) => ({ index: { _index: 'reader', _id: book.id } }),
    })
    expect(stats).toMatchObject({ total: 3, successful: 3 })
    expect(await source('reader', 'rd2')).toEqual({ id: 'rd2', title: 'Book 2' })
  })
})

describe('bulk: actions', () => {
  it('creates, updates (doc and doc_as_upsert, both forms), deletes, and counts noops', async () => {
    await client.index({ index: 'acts', id: 'u1', document: { id: 'u1', title: 'Old', year: 1 } })
    await client.index({ index: 'acts', id: 'same', document: { id: 'same', title: 'Same' } })
    await client.index({ index: 'acts', id: 'gone', document: { id: 'gone', title: 'Gone' } })
    type Op = { op: 'create' | 'update' | 'upsert' | 'tuple' | 'delete' | 'replace'; book: Book }
    const ops: Op[] = [
      { op: 'create', book: { id: 'c1', title: 'Created' } },
      { op: 'update', book: { id: 'u1', title: 'New' } },
      { op: 'upsert', book: { id: 'up1', title: 'Upserted' } },
      { op: 'tuple', book: { id: 'up2', title: 'Tuple' } },
      { op: 'update', book: { id: 'same', title: 'Same' } },
      { op: 'delete', book: { id: 'gone', title: '' } },
      { op: 'replace', book: { id: 'r1', title: 'raw' } },
    ]
    const stats = await bulk(client, {
      datasource: ops,
      onDocument: ({ op, book }) => {
        const meta = { _index: 'acts', _id: book.id }
        switch (op) {
          case 'create':
            return { create: meta, document: book }
          case 'update':
            return { update: meta, doc: { title: book.title } }
          case 'upsert':
            return { update: meta, doc: book, doc_as_upsert: true }
          case 'tuple':
            return [{ update: meta }, { doc_as_upsert: true }]
          case 'delete':
            return { delete: meta }
          case 'replace':
            return { index: meta, document: { title: book.title.toUpperCase() } }
        }
      },
    })
    expect(stats).toMatchObject({ total: 7, successful: 7, failed: 0, noop: 1 })
    expect(await source('acts', 'c1')).toEqual({ id: 'c1', title: 'Created' })
    expect(await source('acts', 'u1')).toEqual({ id: 'u1', title: 'New', year: 1 })
    expect(await source('acts', 'up1')).toEqual({ id: 'up1', title: 'Upserted' })
    // The official form sends the datasource's item (here the whole op) as `doc`.
    expect(await source('acts', 'up2')).toEqual({ op: 'tuple', book: { id: 'up2', title: 'Tuple' } })
    expect(await source('acts', 'r1')).toEqual({ title: 'RAW' })
    expect(await client.exists({ index: 'acts', id: 'gone' })).toBe(false)
    const lines = linesOf(bulkRequests()[0]?.body as Buffer)
    expect(lines.slice(0, 4)).toEqual([
      { create: { _index: 'acts', _id: 'c1' } },
      { id: 'c1', title: 'Created' },
      { update: { _index: 'acts', _id: 'u1' } },
      { doc: { title: 'New' } },
    ])
  })

  it('hands item failures to onDrop with the document, the action and a ResponseError', async () => {
    await client.index({ index: 'drops', id: 'taken', document: { id: 'taken', title: 'First' } })
    const drops: BulkDrop<Book>[] = []
    const stats = await bulk(client, {
      datasource: [
        { id: 'taken', title: 'Second' },
        { id: 'free', title: 'Free' },
      ],
      onDocument: (book) => ({ create: { _index: 'drops', _id: book.id } }),
      onDrop: (drop) => drops.push(drop),
    })
    expect(stats).toMatchObject({ total: 2, successful: 1, failed: 1 })
    expect(drops).toHaveLength(1)
    const [drop] = drops as [BulkDrop<Book>]
    expect(drop).toMatchObject({
      document: { id: 'taken', title: 'Second' },
      action: { create: { _index: 'drops', _id: 'taken' } },
      operation: 'create',
      status: 409,
      attempts: 1,
    })
    expect(isResponseError(drop.error)).toBe(true)
    expect((drop.error as ResponseError).type).toBe('version_conflict_engine_exception')
    expect(drop.error.message).toMatch(/^409 version_conflict_engine_exception: \[taken\]: version conflict/)
    expect(await source('drops', 'taken')).toEqual({ id: 'taken', title: 'First' })
  })
  it('names the right document in onDrop when deletes (no source line) come before the failure', async () => {
    // elasticsearch-js#1751: its helper mapped answers to documents by line and blamed the wrong one.
    await client.index({ index: 'mixed', id: 'old', document: { id: 'old', title: 'Old' } })
    await client.index({ index: 'mixed', id: 'taken', document: { id: 'taken', title: 'Taken' } })
    const drops: BulkDrop<Book>[] = []
    const stats = await bulk(client, {
      datasource: [
        { id: 'old', title: '' },
        { id: 'taken', title: 'Again' },
        { id: 'new', title: 'New' },
      ],
      onDocument: (book) =>
        book.id === 'old'
          ? { delete: { _index: 'mixed', _id: book.id } }
          : { create: { _index: 'mixed', _id: book.id } },
      onDrop: (drop) => drops.push(drop),
    })
    expect(stats).toMatchObject({ successful: 2, failed: 1 })
    expect(drops.map((d) => [d.document.id, d.operation, d.status])).toEqual([['taken', 'create', 409]])
  })
})

describe('bulk: answers counted without parsing', () => {
  it('counts exactly what the cluster applied, over many batches of index, create and delete actions', async () => {
    await client.index({ index: 'exact', id: 't3', document: { id: 't3', title: 'Taken' } })
    await client.index({ index: 'exact', id: 't7', document: { id: 't7', title: 'Taken' } })
    cluster.inject({ type: 'bulk-reject', items: [1] }, { match: { path: '/_bulk' }, times: 2 })
    // No onDrop and no onSuccess: every batch asks for status only, the case the helper counts from the answer's
    // first bytes. Creates of taken ids fail (`"errors":true`), deletes of missing ids are 404 items that
    // Elasticsearch does not call errors (`"errors":false`): both must count as failed, as a parsed answer says.
    const stats = await bulk(client, {
      datasource: books(60, 't'),
      flushBytes: 400,
      retryBackoff: 1,
      onDocument: (book) => {
        const n = Number(book.id.slice(1))
        if (n >= 50 && n < 55) return { delete: { _index: 'exact', _id: `missing${n}` } }
        return n < 10 ? { create: { _index: 'exact', _id: book.id } } : { index: { _index: 'exact' } }
      },
    })
    expect(bulkRequests().length).toBeGreaterThan(5)
    expect(stats).toMatchObject({ total: 60, successful: 53, failed: 7, retried: 2, noop: 0 })
    await client.indices.refresh({ index: 'exact' })
    expect((await client.count({ index: 'exact' })).count).toBe(2 + 53)
  })

  it('reads the head of the answer whatever its key order and spacing, and parses any other answer', async () => {
    // A loopback server answering each bulk request with the next canned text for its items.
    const answers: Array<(n: number) => string> = []
    const items = (n: number): string => Array.from({ length: n }, () => '{"index":{"status":201}}').join(',')
    await using srv = await startServer((_req, res) => {
      const body = srv.requests.at(-1)?.body.toString() ?? ''
      const n = body.split('\n').filter((l) => l !== '').length / 2
      res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' })
      res.end((answers.shift() as (n: number) => string)(n))
    })
    const local = new Client({ node: srv.url, maxRetries: 0 })
    const run = (
      answer: (n: number) => string,
      onDocument: (b: Book) => BulkAction = (b) => ({ index: { _index: 'x', _id: b.id } }),
    ) => {
      answers.push(answer)
      return bulk(local, { datasource: books(3), onDocument })
    }
    try {
      // `took` first and whitespace: counted; and counted without a parse (this answer is not JSON: NaN).
      const loose = (n: number) => `{ "took" : 3 ,\n "errors" : false , "items" : [ ${items(n)} ], "x": NaN }`
      expect(await run(loose)).toMatchObject({ successful: 3, failed: 0 })
      // The same answer for a batch whose items must be read (an update's noop) is parsed: not JSON, every item
      // dropped.
      expect(await run(loose, (b) => ({ update: { _index: 'x', _id: b.id }, doc: b }))).toMatchObject({
        successful: 0,
        failed: 3,
      })
      // `"errors":false` with fewer items than sent: parsed, and the missing one is a failure.
      expect(await run((n) => `{"errors":false,"took":1,"items":[${items(n - 1)}]}`)).toMatchObject({
        successful: 2,
        failed: 1,
      })
      // `errors` nested in an earlier value is not the answer's: parsed.
      expect(
        await run(
          (n) =>
            `{"meta":{"errors":false},"errors":true,"items":[${items(n - 1)},{"index":{"status":400,"error":{"type":"x","reason":"y"}}}]}`,
        ),
      ).toMatchObject({ successful: 2, failed: 1 })
    } finally {
      await local.close()
    }
  })
})

describe('bulk: batching', () => {
  it('cuts batches at flushBytes', async () => {
    const docs = books(10, 'fb')
    const one = Buffer.byteLength(`{"index":{"_index":"batches","_id":"fb0"}}\n${JSON.stringify(docs[0])}\n`)
    const stats = await bulk(client, {
      datasource: docs,
      flushBytes: one * 3, // a batch is sent once it holds 3 documents
      onDocument: (book) => ({ index: { _index: 'batches', _id: book.id } }),
    })
    expect(stats.successful).toBe(10)
    expect(bulkRequests().map((r) => linesOf(r.body).length / 2)).toEqual([3, 3, 3, 1])
  })

  it('sends a partial batch after flushInterval when the datasource stalls', async () => {
    const firstArrived = bulkArrivals(1)
    async function* stalling(): AsyncGenerator<Book> {
      yield* books(3, 'fi')
      await firstArrived // only the interval can have sent those 3: flushBytes is far away
      yield* books(2, 'fj')
    }
    const stats = await bulk(client, {
      datasource: stalling(),
      flushInterval: 5,
      onDocument: (book) => ({ index: { _index: 'interval', _id: book.id } }),
    })
    expect(stats).toMatchObject({ total: 5, successful: 5 })
    expect(bulkRequests().map((r) => linesOf(r.body).length / 2)).toEqual([3, 2])
  })
})

describe('bulk: concurrency and backpressure', () => {
  it('keeps `concurrency` requests in flight and stops reading the datasource while the cluster holds them', async () => {
    const { until, release } = releasable()
    cluster.inject({ type: 'hold', until }, { times: Infinity, match: { path: '/_bulk' } })
    let pulled = 0
    function* counting(): Generator<Book> {
      for (const b of books(50, 'bp')) {
        pulled++
        yield b
      }
    }
    const twoInFlight = bulkArrivals(2)
    const run = bulk(client, {
      datasource: counting(),
      flushBytes: 1, // one document per batch
      concurrency: 2,
      onDocument: (book) => ({ index: { _index: 'pressure', _id: book.id } }),
    })
    await twoInFlight
    // Two batches are held by the cluster: no third batch is started (no third buffer), nothing more is read.
    expect(pulled).toBe(2)
    expect(bulkRequests()).toHaveLength(2)
    // The event loop turns a few times (sockets, timers): still nothing read.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
    expect(pulled).toBe(2)
    release()
    const stats = await run
    expect(stats).toMatchObject({ total: 50, successful: 50, failed: 0 })
    expect(pulled).toBe(50)
    expect(bulkRequests()).toHaveLength(50)
  })
})

describe('bulk: retries of 429 items', () => {
  it('sends rejected items again and writes every document once', async () => {
    cluster.inject({ type: 'bulk-reject', items: [0, 2] }, { match: { path: '/_bulk' } })
    const stats = await bulk(client, {
      datasource: books(4, 'r'),
      retryBackoff: 1,
      onDocument: (book) => ({ index: { _index: 'retry', _id: book.id } }),
    })
    expect(stats).toMatchObject({ total: 4, successful: 4, failed: 0, retried: 2 })
    const sent = bulkRequests().map((r) =>
      (linesOf(r.body) as Array<{ index?: { _id: string } }>).flatMap((l) => l.index?._id ?? []),
    )
    expect(sent).toEqual([
      ['r0', 'r1', 'r2', 'r3'],
      ['r0', 'r2'],
    ])
    for (const id of ['r0', 'r1', 'r2', 'r3']) expect(cluster.writeCount('retry', id)).toBe(1)
  })

  it('drops an item still rejected after `retries` re-sends, with its 429', async () => {
    cluster.inject({ type: 'bulk-reject', items: [1] }, { times: Infinity, match: { path: '/_bulk' } })
    const drops: BulkDrop<Book>[] = []
    const stats = await bulk(client, {
      datasource: books(2, 'x'),
      retries: 2,
      retryBackoff: 1,
      onDocument: (book) => ({ index: { _index: 'retry-out', _id: book.id } }),
      onDrop: (drop) => drops.push(drop),
    })
    // Item 1 of the first request is x1; the re-sends hold only x1, at position 0, so they are written.
    expect(stats).toMatchObject({ total: 2, successful: 2, failed: 0, retried: 1 })
    cluster.clearFaults()
    cluster.inject({ type: 'bulk-reject' }, { times: Infinity, match: { path: '/_bulk' } })
    const out = await bulk(client, {
      datasource: books(1, 'y'),
      retries: 2,
      retryBackoff: 1,
      onDocument: (book) => ({ index: { _index: 'retry-out', _id: book.id } }),
      onDrop: (drop) => drops.push(drop),
    })
    expect(out).toMatchObject({ total: 1, successful: 0, failed: 1, retried: 2 })
    expect(drops).toHaveLength(1)
    expect(drops[0]).toMatchObject({ document: { id: 'y0' }, status: 429, attempts: 3, operation: 'index' })
    expect((drops[0] as BulkDrop<Book>).error).toMatchObject({ statusCode: 429 })
    expect(((drops[0] as BulkDrop<Book>).error as ResponseError).type).toBe('es_rejected_execution_exception')
    expect(cluster.writeCount('retry-out', 'y0')).toBe(0)
  })
})

describe('bulk: batch buffers used again', () => {
  it('re-sends 429 items with their exact bytes while later batches are written into the buffers', async () => {
    // End to end against the test cluster: small batches, two in flight, so the following batches go out through
    // the buffers given back while the first batch waits out its backoff. (test/bulk-buffers.test.ts decides the
    // order of the answers, and fails if a buffer is used again before its 429 items were copied out.)
    const docs = Array.from({ length: 40 }, (_, i) => ({
      id: `re${i}`,
      title: `Livre ${i} \u00e9t\u00e9 "${'\u2603'.repeat(i % 5)}"`,
    }))
    cluster.inject({ type: 'bulk-reject', items: [0, 2] }, { match: { path: '/_bulk' } })
    const stats = await bulk(client, {
      datasource: docs,
      flushBytes: 400,
      concurrency: 2,
      retryBackoff: 40,
      onDocument: (doc) => ({ index: { _index: 'reuse', _id: doc.id } }),
    })
    expect(stats).toMatchObject({ total: 40, successful: 40, failed: 0, retried: 2 })
    const bodies = bulkRequests().map((r) => r.body)
    const lines = (body: Buffer): string[] => body.toString('utf8').split(/(?<=\n)/)
    const original = lines(bodies[0] as Buffer)
    // Items 0 and 2 of the first request, action and source lines, byte for byte.
    const expected = Buffer.from([...original.slice(0, 2), ...original.slice(4, 6)].join(''))
    const resent = bodies.filter((b, i) => i > 0 && b.equals(expected))
    expect(resent).toHaveLength(1)
    for (const doc of docs) {
      expect(cluster.writeCount('reuse', doc.id)).toBe(1)
      expect(await source('reuse', doc.id)).toEqual(doc)
    }
  })
})

describe('bulk: NDJSON bytes', () => {
  it('writes ids, index names and sources with quotes, escapes and non-ASCII characters exactly, across batch edges', async () => {
    const docs = Array.from({ length: 30 }, (_, i) => ({
      id: `q"${i}\\\u00fc\u{1f600}`,
      title: `${'\u00e9'.repeat(i * 7)}\u2028 "${'\u{1f4da}'.repeat(i % 4)}" \t`,
    }))
    const stats = await bulk(client, {
      datasource: docs,
      // Lines of 60 to 400 bytes against batches of 333: lines end near, at and past a buffer's end.
      flushBytes: 333,
      concurrency: 1, // requests in order
      onDocument: (doc) =>
        Number(doc.title.length) % 3 === 0
          ? { index: { _index: 'b\u00fccher', _id: doc.id } }
          : { create: { _index: 'b\u00fccher', _id: doc.id, routing: 'r\u00e9' } },
    })
    expect(stats).toMatchObject({ total: 30, successful: 30, failed: 0 })
    const sent = bulkRequests().flatMap((r) => linesOf(r.body))
    expect(sent).toHaveLength(60)
    docs.forEach((doc, i) => {
      const action = sent[i * 2] as Record<string, Record<string, unknown>>
      expect(Object.values(action)[0]).toMatchObject({ _index: 'b\u00fccher', _id: doc.id })
      expect(sent[i * 2 + 1]).toEqual(doc)
    })
    for (const doc of docs) {
      const got = await client
        .get({ index: 'b\u00fccher', id: doc.id, routing: 'r\u00e9' })
        .catch(() => client.get({ index: 'b\u00fccher', id: doc.id }))
      expect(got._source).toEqual(doc)
    }
  })
})

describe('bulk: failures of the whole request', () => {
  it('hands every document of a failed request to onDrop with the request error', async () => {
    cluster.inject({ type: 'status', status: 500 }, { match: { path: '/_bulk' } })
    const drops: BulkDrop<Book>[] = []
    const stats = await bulk(client, {
      datasource: books(2, 'f'),
      onDocument: (book) => ({ index: { _index: 'fail', _id: book.id } }),
      onDrop: (drop) => drops.push(drop),
    })
    expect(stats).toMatchObject({ total: 2, successful: 0, failed: 2 })
    expect(drops.map((d) => [d.document.id, d.status, isResponseError(d.error)])).toEqual([
      ['f0', 500, true],
      ['f1', 500, true],
    ])
  })

  it('reports an unreachable cluster through onDrop and the counts, with a stream datasource too', async () => {
    // elasticsearch-js#2085: its helper reports nothing when the datasource is a stream and the cluster is down.
    await using down = await startCluster({ nodes: 1, security: false })
    await down.node(0).stop()
    const unreachable = new Client({ node: down.url, maxRetries: 0 })
    const drops: BulkDrop<Book>[] = []
    const stats = await bulk(unreachable, {
      datasource: Readable.from(books(2, 'dn')),
      onDocument: (book) => ({ index: { _index: 'down', _id: book.id } }),
      onDrop: (drop) => drops.push(drop),
    })
    await unreachable.close()
    expect(stats).toMatchObject({ total: 2, successful: 0, failed: 2 })
    expect(drops.map((d) => [d.document.id, d.status, d.error.name])).toEqual([
      ['dn0', undefined, 'ConnectionError'],
      ['dn1', undefined, 'ConnectionError'],
    ])
  })

  it('counts auto-id documents of a request that failed without an answer as uncertain', async () => {
    cluster.inject({ type: 'reset', when: 'after-body' }, { match: { path: '/_bulk' } })
    const noIds = await bulk(client, {
      datasource: books(2, 'u'),
      onDocument: () => ({ index: { _index: 'uncertain' } }),
    })
    expect(noIds).toMatchObject({ total: 2, successful: 0, failed: 2, uncertain: 2 })
    cluster.inject({ type: 'reset', when: 'after-body' }, { match: { path: '/_bulk' } })
    const withIds = await bulk(client, {
      datasource: books(2, 'u'),
      onDocument: (book) => ({ index: { _index: 'uncertain', _id: book.id } }),
    })
    expect(withIds).toMatchObject({ total: 2, failed: 2, uncertain: 0 })
  })

  it('counts auto-id documents of a request the client sent twice as uncertain, and a first-time success as certain', async () => {
    cluster.inject({ type: 'status', status: 502 }, { match: { path: '/_bulk' } })
    const retried = await bulk(client, {
      datasource: books(3, 'v'),
      onDocument: (book) =>
        book.id === 'v0' ? { index: { _index: 'uncertain2', _id: book.id } } : { create: { _index: 'uncertain2' } },
    })
    // A 502 may come from a proxy after Elasticsearch applied the request: the client's re-send may duplicate.
    expect(retried).toMatchObject({ total: 3, successful: 3, failed: 0, uncertain: 2 })
    const clean = await bulk(client, {
      datasource: books(3, 'w'),
      onDocument: () => ({ index: { _index: 'uncertain2' } }),
    })
    expect(clean).toMatchObject({ successful: 3, uncertain: 0 })
  })

  it('never puts credentials in a drop', async () => {
    const wrong = new Client({ node: cluster.url, caCerts: cluster.caCert, basicAuth: ['elastic', 'not-the-Secret-1'] })
    const drops: BulkDrop<Book>[] = []
    const stats = await bulk(wrong, {
      datasource: books(1, 's'),
      onDocument: (book) => ({ index: { _index: 'secret', _id: book.id } }),
      onDrop: (drop) => drops.push(drop),
    })
    await wrong.close()
    expect(stats).toMatchObject({ failed: 1 })
    expect(drops[0]?.status).toBe(401)
    const shown = `${inspect(drops[0], { depth: 10 })} ${JSON.stringify(drops[0]?.error)} ${drops[0]?.error.stack}`
    expect(shown).toContain('401')
    expect(shown).not.toContain('not-the-Secret-1')
    expect(shown).not.toContain(Buffer.from('elastic:not-the-Secret-1').toString('base64'))
  })

  it('rejects with the error onDocument throws, after the requests in flight end', async () => {
    const boom = new Error('bad document')
    const run = bulk(client, {
      datasource: books(5, 'od'),
      flushBytes: 1,
      onDocument: (book) => {
        if (book.id === 'od3') throw boom
        return { index: { _index: 'ondoc', _id: book.id } }
      },
    })
    await expect(run).rejects.toBe(boom)
    expect(cluster.writeCount('ondoc', 'od2')).toBe(1)
    expect(cluster.writeCount('ondoc', 'od3')).toBe(0)
  })

  it('rejects with the error onDrop throws', async () => {
    await client.index({ index: 'ondrop', id: 'x', document: { id: 'x', title: 'x' } })
    const boom = new Error('cannot log the drop')
    await expect(
      bulk(client, {
        datasource: [{ id: 'x', title: 'again' }],
        onDocument: (book) => ({ create: { _index: 'ondrop', _id: book.id } }),
        onDrop: () => {
          throw boom
        },
      }),
    ).rejects.toBe(boom)
  })

  it('rejects with the datasource error', async () => {
    async function* broken(): AsyncGenerator<Book> {
      yield { id: 'ok', title: 'ok' }
      throw new Error('disk gone')
    }
    await expect(
      bulk(client, { datasource: broken(), onDocument: () => ({ index: { _index: 'broken' } }) }),
    ).rejects.toThrow('disk gone')
  })
})

describe('bulk: abort', () => {
  it('sends nothing after the abort, lets the request in flight finish and closes the datasource', async () => {
    const { until, release } = releasable()
    cluster.inject({ type: 'hold', until }, { match: { path: '/_bulk' } })
    let closed = false
    async function* endless(): AsyncGenerator<Book> {
      try {
        for (let i = 0; ; i++) yield { id: `ab${i}`, title: 'x' }
      } finally {
        closed = true
      }
    }
    const controller = new AbortController()
    const first = bulkArrivals(1)
    const run = bulk(client, {
      datasource: endless(),
      flushBytes: 1,
      concurrency: 1,
      signal: controller.signal,
      onDocument: (book) => ({ index: { _index: 'abort', _id: book.id } }),
    })
    await first
    controller.abort()
    release()
    const stats = await run
    // The second document was never read: the one slot was busy until the abort.
    expect(stats).toMatchObject({ aborted: true, successful: 1, failed: 0, total: 1 })
    expect(bulkRequests()).toHaveLength(1)
    expect(cluster.writeCount('abort', 'ab0')).toBe(1)
    expect(cluster.writeCount('abort', 'ab1')).toBe(0)
    expect(closed).toBe(true)
  })

  it('an abort during a 429 backoff drops the rejected items without sending them again', async () => {
    cluster.inject({ type: 'bulk-reject', items: [0] }, { match: { path: '/_bulk' } })
    const controller = new AbortController()
    const drops: BulkDrop<Book>[] = []
    const stats = await bulk(client, {
      datasource: books(2, 'ar'),
      retryBackoff: 60_000,
      signal: controller.signal,
      onDocument: (book) => ({ index: { _index: 'abort-retry', _id: book.id } }),
      onSuccess: () => controller.abort(), // the other item answered: abort while the 429 waits
      onDrop: (drop) => drops.push(drop),
    })
    expect(stats).toMatchObject({ aborted: true, successful: 1, failed: 1, retried: 0 })
    expect(drops[0]).toMatchObject({ document: { id: 'ar0' }, status: 429 })
    expect(drops[0]?.error.name).toBe('RequestAbortedError')
    expect(bulkRequests()).toHaveLength(1)
  })
})

describe('bulk: options', () => {
  it('rejects bad options with a ConfigurationError naming the option', async () => {
    const onDocument = () => ({ index: { _index: 'x' } })
    const cases: Array<[Parameters<typeof bulk<Book>>[1], RegExp | string]> = [
      [
        { datasource: [], onDocument, flushBytes: 0 },
        'bulk `flushBytes`: must be a whole number of bytes, 1 or more (got 0)',
      ],
      [
        { datasource: [], onDocument, concurrency: 1.5 },
        'bulk `concurrency`: must be a whole number from 1 to 1024 (got 1.5)',
      ],
      [{ datasource: [], onDocument, retries: -1 }, 'bulk `retries`: must be a whole number, 0 or more (got -1)'],
      [{ datasource: [] } as never, /`onDocument` must be a function/],
      [{ datasource: 42 as never, onDocument }, /`datasource` must be an array, an iterable.*\(got 42\)/],
      [{ datasource: [], onDocument, signal: {} as never }, /`signal` must be an AbortSignal/],
    ]
    for (const [options, message] of cases) {
      const error = await bulk(client, options).catch((e: unknown) => e)
      expect(isConfigurationError(error), String(error)).toBe(true)
      expect((error as Error).message).toMatch(message)
    }
    const bad = await bulk(client, { datasource: [1], onDocument: () => ({ upsert: {} }) as never }).catch((e) => e)
    expect(isConfigurationError(bad)).toBe(true)
    expect(bad.message).toBe(
      'bulk: `onDocument` returned an object without index, create, update or delete (keys: upsert)',
    )
    expect(bulkRequests()).toHaveLength(0)
  })

  it('passes query parameters and refreshes on completion', async () => {
    const stats = await bulk(client, {
      datasource: books(1, 'q'),
      request: { refresh: 'wait_for', filter_path: 'took' },
      refreshOnCompletion: true,
      onDocument: (book) => ({ index: { _index: 'refreshed', _id: book.id } }),
    })
    const urls = cluster.requests().map((r) => r.url)
    expect(urls.find((u) => u.startsWith('/_bulk'))).toContain('refresh=wait_for')
    // The helper's filter_path replaced the caller's: it still saw every item.
    expect(stats).toMatchObject({ successful: 1, failed: 0 })
    expect(decodeURIComponent(urls.find((u) => u.startsWith('/_bulk')) ?? '')).toContain(
      'filter_path=errors,items.*.status',
    )
    expect(urls).toContain('/refreshed/_refresh')
  })
})
