import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { inspect } from 'node:util'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  type Clock,
  channels,
  isConfigurationError,
  isConnectionError,
  isNoLivingNodesError,
  isProductNotSupportedError,
  isRequestAbortedError,
  isResponseError,
  isResponseTooLargeError,
  isSerializationError,
  isTimeoutError,
  isTransportError,
  type Middleware,
  type NodeSelector,
  type ResponseError,
  TimeoutError,
  Transport,
  type TransportOptions,
  withHeader,
} from '../src/index.js'
import {
  fakeClock,
  json,
  refused,
  rejection,
  resetAfterWrite,
  stubConnections,
  timedOut,
  timedOutConnecting,
} from './helpers.js'

function rotating(): NodeSelector {
  let i = 0
  return (nodes) => nodes[i++ % nodes.length]!
}
const first: NodeSelector = (nodes) => nodes[0]!

function make(
  options: Partial<TransportOptions> & { script: Parameters<typeof stubConnections>[0]; nodes?: string[] },
) {
  const { script, ...rest } = options
  const stub = stubConnections(script)
  const clock = fakeClock()
  const transport = new Transport({
    nodes: options.nodes ?? ['http://a:9200', 'http://b:9200', 'http://c:9200'],
    connection: stub.factory,
    selector: rotating(),
    clock,
    random: () => 0.5,
    ...rest,
  })
  return { transport, ...stub, clock }
}

describe('option names', () => {
  it('refuses a misspelt option of the constructor and of child(), naming the nearest one', () => {
    const stub = stubConnections(() => json(200, {}))
    expect(
      () => new Transport({ nodes: ['http://a:9200'], connection: stub.factory, requestTimout: 5 } as never),
    ).toThrow('Transport: unknown option `requestTimout`; did you mean `requestTimeout`?')
    const transport = new Transport({ nodes: ['http://a:9200'], connection: stub.factory })
    expect(() => transport.child({ maxRetry: 1 } as never)).toThrow(
      'Transport.child(): unknown option `maxRetry`; did you mean `maxRetries`?',
    )
    // an option of the constructor only is not one of child()
    expect(() => transport.child({ compress: true } as never)).toThrow(
      /^Transport.child\(\): unknown option `compress`/,
    )
  })
})

describe('serialization', () => {
  it('sends JSON, NDJSON, strings and query strings as Elasticsearch expects', async () => {
    const { transport, sent } = make({ script: () => json(200, {}), nodes: ['http://a:9200'] })
    await transport.request({
      method: 'POST',
      path: '/i/_search',
      querystring: { size: 2, routing: ['a', 'b'], x: undefined, flag: true },
      body: { q: 1 },
    })
    await transport.request({
      method: 'POST',
      path: '/_bulk',
      ndjson: [{ index: { _index: 'i' } }, { f: 1 }, '{"delete":{"_id":"2"}}'],
    })
    const [search, bulk] = sent.map((s) => s.request)
    expect(search?.path).toBe('/i/_search?size=2&routing=a%2Cb&flag=true')
    expect(search?.body).toBe('{"q":1}')
    expect(search?.headers['content-type']).toBe('application/json')
    expect(new TextDecoder().decode(bulk?.body as Uint8Array)).toBe(
      '{"index":{"_index":"i"}}\n{"f":1}\n{"delete":{"_id":"2"}}\n',
    )
    expect(bulk?.headers['content-type']).toBe('application/x-ndjson')
  })

  it('hands NDJSON lines to the connection as one UTF-8 byte array of exactly their size, the same one on a retry', async () => {
    // One copy per request in flight: no string kept beside bytes, no spare room at the end of the array.
    let calls = 0
    const { transport, sent } = make({ script: () => (calls++ === 0 ? json(503, {}) : json(200, {})) })
    const lines = [{ index: { _id: 'é' } }, '{"doc":"日本 😀"}', '{"x":"\ud800"}\n', { n: 1 }]
    await transport.request({ method: 'POST', path: '/_bulk', ndjson: lines })
    const text = '{"index":{"_id":"é"}}\n{"doc":"日本 😀"}\n{"x":"\ud800"}\n{"n":1}\n'
    const [first, second] = sent.map((s) => s.request.body)
    expect(first).toBeInstanceOf(Uint8Array)
    expect(Buffer.from(first as Uint8Array).equals(Buffer.from(text))).toBe(true)
    expect((first as Uint8Array).buffer.byteLength).toBe(Buffer.byteLength(text))
    expect(second).toBe(first)
  })

  it('sends NDJSON bytes serialized by the caller as they are, labelled NDJSON', async () => {
    const { transport, sent } = make({ script: () => json(200, {}), nodes: ['http://a:9200'] })
    const bytes = new TextEncoder().encode('{"index":{"_index":"i"}}\n{"f":1}\n')
    await transport.request({ method: 'POST', path: '/_bulk', ndjson: bytes })
    expect(sent[0]?.request.body).toBe(bytes)
    expect(sent[0]?.request.headers['content-type']).toBe('application/x-ndjson')
  })

  it('rejects bodies that cannot be serialized, before anything is sent', async () => {
    const { transport, sent } = make({ script: () => json(200, {}) })
    const cyclic: Record<string, unknown> = {}
    cyclic['self'] = cyclic
    expect(isSerializationError(await rejection(transport.request({ method: 'POST', path: '/', body: cyclic })))).toBe(
      true,
    )
    expect(
      isSerializationError(await rejection(transport.request({ method: 'POST', path: '/', body: { n: 1n } }))),
    ).toBe(true)
    expect(sent).toHaveLength(0)
  })

  it('decodes JSON, NDJSON and text, and nothing for HEAD', async () => {
    const { transport } = make({
      nodes: ['http://a:9200'],
      script: (req) =>
        req.path === '/text'
          ? {
              statusCode: 200,
              headers: { 'content-type': 'text/plain', 'x-elastic-product': 'Elasticsearch' },
              body: Buffer.from('green'),
            }
          : req.path === '/nd'
            ? {
                statusCode: 200,
                headers: { 'content-type': 'application/x-ndjson', 'x-elastic-product': 'Elasticsearch' },
                body: Buffer.from('{"a":1}\n{"b":2}\n'),
              }
            : json(200, { ok: true }),
    })
    expect((await transport.request({ method: 'GET', path: '/text' })).body).toBe('green')
    expect((await transport.request({ method: 'GET', path: '/nd' })).body).toEqual([{ a: 1 }, { b: 2 }])
    expect((await transport.request({ method: 'HEAD', path: '/' })).body).toBeUndefined()
  })

  it('gzips request bodies and decodes gzip responses when compress is on', async () => {
    const { transport, sent } = make({
      nodes: ['http://a:9200'],
      compress: true,
      script: () => ({
        statusCode: 200,
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'x-elastic-product': 'Elasticsearch',
        },
        body: gzipSync(JSON.stringify({ zipped: true })),
      }),
    })
    const result = await transport.request({ method: 'POST', path: '/x', body: { a: 1 } })
    expect(result.body).toEqual({ zipped: true })
    const req = sent[0]!.request
    expect(req.headers['content-encoding']).toBe('gzip')
    expect(req.headers['accept-encoding']).toBe('gzip')
  })

  it('hands back a 2xx body as bytes with asBytes, gunzipped, small and large', async () => {
    const small = '{"errors":false,"took":1,"items":[]}'
    const large = JSON.stringify({
      errors: false,
      items: Array.from({ length: 40_000 }, () => ({ index: { status: 201 } })),
    })
    const { transport } = make({
      nodes: ['http://a:9200'],
      compress: true,
      script: (request) => ({
        statusCode: 200,
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'x-elastic-product': 'Elasticsearch',
        },
        body: gzipSync(request.path === '/small' ? small : large),
      }),
    })
    for (const [path, text] of [
      ['/small', small],
      ['/large', large],
    ] as const) {
      const result = await transport.request<Uint8Array>({ method: 'POST', path, body: 'x' }, { asBytes: true })
      expect(result.body).toBeInstanceOf(Uint8Array)
      expect(new TextDecoder().decode(result.body)).toBe(text)
      expect(result.statusCode).toBe(200)
    }
    const head = await transport.request<Uint8Array>({ method: 'HEAD', path: '/small' }, { asBytes: true })
    expect(head.body).toEqual(new Uint8Array(0))
    // Without the option the same answer is parsed.
    expect((await transport.request({ method: 'POST', path: '/small', body: 'x' })).body).toEqual(JSON.parse(small))
  })

  it('still parses error answers into ResponseError, keeps the limits and the product check with asBytes', async () => {
    const { transport } = make({
      nodes: ['http://a:9200'],
      maxResponseSize: 1024,
      script: (request) =>
        request.path === '/missing'
          ? json(404, { error: { type: 'index_not_found_exception', reason: 'no such index [x]' }, status: 404 })
          : request.path === '/big'
            ? json(200, { pad: 'x'.repeat(4096) })
            : { ...json(200, { version: { number: '2.11.0', distribution: 'opensearch' } }), headers: {} },
    })
    const error = await rejection(transport.request({ method: 'GET', path: '/missing' }, { asBytes: true }))
    expect(isResponseError(error)).toBe(true)
    if (!isResponseError(error)) return
    expect(error.statusCode).toBe(404)
    expect(error.body).toEqual({
      error: { type: 'index_not_found_exception', reason: 'no such index [x]' },
      status: 404,
    })
    // An ignored error status resolves parsed, as without the option.
    const ignored = await transport.request({ method: 'GET', path: '/missing' }, { asBytes: true, ignore: [404] })
    expect(ignored.body).toMatchObject({ status: 404 })
    expect(
      isResponseTooLargeError(await rejection(transport.request({ method: 'GET', path: '/big' }, { asBytes: true }))),
    ).toBe(true)
    expect(
      isProductNotSupportedError(await rejection(transport.request({ method: 'GET', path: '/os' }, { asBytes: true }))),
    ).toBe(true)
  })

  it.each([
    ['inflated on the thread pool', 50 * 1024 * 1024],
    ['small enough to inflate on the main thread', 6 * 1024 * 1024],
  ])('stops a gzip bomb at maxResponseSize with a typed error (%s)', async (_name, size) => {
    const bomb = gzipSync(Buffer.alloc(size))
    const { transport } = make({
      nodes: ['http://a:9200'],
      maxResponseSize: 1024 * 1024,
      script: () => ({
        statusCode: 200,
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'x-elastic-product': 'Elasticsearch',
        },
        body: bomb,
      }),
    })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isResponseTooLargeError(error)).toBe(true)
    expect((error as Error).message).toContain('maxResponseSize')
  })

  // Small answers are inflated on the spot (no promise), large ones off the main thread: both paths behave alike.
  const gzipped = (text: string) => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-elastic-product': 'Elasticsearch' },
    body: gzipSync(text),
  })
  const large = JSON.stringify({ items: Array.from({ length: 4000 }, (_, i) => ({ id: `doc-${i}-${i * 7919}` })) })

  it.each([
    ['small', JSON.stringify({ ok: true })],
    ['large', large],
  ])('decodes a %s gzip answer, with its headers in the result', async (_name, text) => {
    expect(gzipSync(text).byteLength > 8 * 1024).toBe(text === large)
    const { transport } = make({ nodes: ['http://a:9200'], script: () => gzipped(text) })
    const result = await transport.request({ method: 'GET', path: '/' })
    expect(result.body).toEqual(JSON.parse(text))
    expect(result.headers['content-encoding']).toBe('gzip')
  })

  it.each([
    ['small', JSON.stringify({ ok: true })],
    ['large', large],
  ])('rejects a truncated %s gzip answer with a typed error naming the encoding', async (_name, text) => {
    const whole = gzipped(text)
    const { transport } = make({
      nodes: ['http://a:9200'],
      script: () => ({ ...whole, body: whole.body.subarray(0, whole.body.byteLength - 12) }),
    })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isTransportError(error) && error.code).toBe('ES_ERR_DESERIALIZATION')
    expect((error as Error).message).toContain('the gzip response body is corrupt or truncated')
  })
})

describe('retries', () => {
  it('retries 503 on another node each time and stops at maxRetries', async () => {
    const { transport, sent, clock } = make({
      script: () => json(503, { error: 'unavailable' }),
      maxRetries: 2,
      selector: first,
    })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isResponseError(error) && error.statusCode).toBe(503)
    expect(sent.map((s) => s.node)).toEqual(['http://a:9200', 'http://b:9200', 'http://c:9200'])
    expect(sent.map((s) => s.request.attempt)).toEqual([1, 2, 3])
    // full jitter with random() = 0.5: half of 100 then half of 200
    expect(clock.sleeps).toEqual([50, 100])
    expect((error as { meta: { attempts: unknown[] } }).meta.attempts).toHaveLength(3)
  })

  it("records every attempt in an error's meta, the answer's own included", async () => {
    let calls = 0
    const { transport } = make({
      script: () => (calls++ === 0 ? json(503, { error: 'unavailable' }) : json(404, { found: false })),
      selector: first,
    })
    const error = await rejection(transport.request({ method: 'GET', path: '/missing' }))
    expect(isResponseError(error) && error.statusCode).toBe(404)
    const attempts = (error as { meta: { attempts: { node: string; statusCode?: number }[] } }).meta.attempts
    expect(attempts.map((a) => [a.node, a.statusCode])).toEqual([
      ['http://a:9200', 503],
      ['http://b:9200', 404],
    ])
    expect((error as Error).message).toContain('gave up after 2 attempts: http://a:9200 503, http://b:9200 404')

    const once = await rejection(make({ script: () => json(404, {}) }).transport.request({ method: 'GET', path: '/' }))
    const single = (once as { meta: { attempts: { node: string; statusCode?: number }[] } }).meta.attempts
    expect(single.map((a) => [a.node, a.statusCode])).toEqual([['http://a:9200', 404]])
  })

  it('honours Retry-After on 429 instead of the backoff', async () => {
    let calls = 0
    const { transport, clock } = make({
      script: () => (calls++ === 0 ? json(429, {}, { 'retry-after': '2' }) : json(200, { ok: 1 })),
    })
    const result = await transport.request({ method: 'GET', path: '/' })
    expect(result.body).toEqual({ ok: 1 })
    expect(result.meta.attempts).toBe(2)
    expect(clock.sleeps).toEqual([2000])
  })

  it('gives up when Retry-After is longer than maxRetryAfter', async () => {
    const { transport, sent } = make({ script: () => json(429, {}, { 'retry-after': '3600' }) })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isResponseError(error) && error.statusCode).toBe(429)
    expect(sent).toHaveLength(1)
  })

  it('retries connection errors that happened before the request was written, for any method', async () => {
    let calls = 0
    const { transport, sent } = make({ script: () => (calls++ === 0 ? refused() : json(200, {})) })
    await transport.request({ method: 'POST', path: '/_bulk', body: 'x' })
    expect(sent).toHaveLength(2)
  })

  it('never resends a POST that may have reached the server (timeout or socket closed after writing)', async () => {
    for (const failure of [timedOut, resetAfterWrite]) {
      const { transport, sent } = make({ script: () => failure() })
      const error = await rejection(transport.request({ method: 'POST', path: '/_bulk', body: 'x' }))
      expect(isTransportError(error)).toBe(true)
      expect(sent).toHaveLength(1)
    }
  })

  it('retries a GET that timed out, and a POST too with retryOnTimeout', async () => {
    let calls = 0
    const get = make({ script: () => (calls++ === 0 ? timedOut() : json(200, {})) })
    await get.transport.request({ method: 'GET', path: '/' })
    expect(get.sent).toHaveLength(2)
    calls = 0
    const post = make({ script: () => (calls++ === 0 ? timedOut() : json(200, {})), retryOnTimeout: true })
    await post.transport.request({ method: 'POST', path: '/', body: {} })
    expect(post.sent).toHaveLength(2)
  })

  it('does not mark a node dead for a timeout (a slow query is not a dead node)', async () => {
    const { transport } = make({ script: () => timedOut(), maxRetries: 0 })
    expect(isTimeoutError(await rejection(transport.request({ method: 'GET', path: '/' })))).toBe(true)
    expect(transport.pool.nodes.every((n) => n.alive)).toBe(true)
  })

  it('resends any method after a timeout that ran out while connecting, and marks that node dead', async () => {
    let calls = 0
    const { transport, sent } = make({
      script: () => (calls++ === 0 ? timedOutConnecting() : json(200, {})),
      selector: first,
    })
    const result = await transport.request({ method: 'POST', path: '/_bulk', body: 'x' })
    expect(result.meta.attempts).toBe(2)
    expect(sent.map((s) => s.node)).toEqual(['http://a:9200', 'http://b:9200'])
    expect(transport.pool.nodes[0]?.alive).toBe(false)
    expect(new TimeoutError('no answer').requestSent).toBe(true)
  })

  it('says how many attempts were made and on which nodes', async () => {
    const { transport } = make({ script: () => refused(), maxRetries: 1, selector: first })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isConnectionError(error)).toBe(true)
    expect((error as Error).message).toMatch(
      /gave up after 2 attempts: http:\/\/a:9200 ES_ERR_CONNECTION, http:\/\/b:9200 ES_ERR_CONNECTION/,
    )
  })

  it('aborts through the signal, also during a backoff wait', async () => {
    const controller = new AbortController()
    const { transport } = make({
      script: () => {
        controller.abort()
        return json(503, {})
      },
    })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }, { signal: controller.signal }))
    expect(isRequestAbortedError(error)).toBe(true)
  })
})

describe('dead nodes', () => {
  it('rests a failed node for min(1 s x 2^(failures-1), 30 s) and tries it again after', async () => {
    let aDown = true
    const { transport, sent, clock } = make({
      nodes: ['http://a:9200', 'http://b:9200'],
      script: (_req, node) => (node.id === 'http://a:9200' && aDown ? refused() : json(200, {})),
    })
    await transport.request({ method: 'GET', path: '/' })
    const a = transport.pool.nodes[0]!
    expect(a.alive).toBe(false)
    expect(a.deadUntil - clock.now()).toBeGreaterThan(900)
    sent.length = 0
    for (let i = 0; i < 4; i++) await transport.request({ method: 'GET', path: '/' })
    expect(sent.every((s) => s.node === 'http://b:9200')).toBe(true)
    clock.advance(1001)
    aDown = false
    sent.length = 0
    for (let i = 0; i < 4; i++) await transport.request({ method: 'GET', path: '/' })
    expect(sent.some((s) => s.node === 'http://a:9200')).toBe(true)
    expect(a.alive).toBe(true)
    expect(a.failures).toBe(0)
  })

  it('doubles the backoff on each consecutive failure up to the cap', async () => {
    const { transport, clock } = make({
      nodes: ['http://a:9200'],
      script: () => refused(),
      maxRetries: 0,
      maxDeadNodeBackoff: 3000,
    })
    const a = transport.pool.nodes[0]!
    const waits: number[] = []
    for (let i = 0; i < 4; i++) {
      await rejection(transport.request({ method: 'GET', path: '/' }))
      waits.push(a.deadUntil - clock.now())
      clock.advance(a.deadUntil - clock.now())
    }
    expect(waits).toEqual([1000, 2000, 3000, 3000])
  })

  it('tries the node whose backoff ends first when every node is dead', async () => {
    const { transport, sent, clock } = make({
      nodes: ['http://a:9200', 'http://b:9200'],
      script: () => refused(),
      maxRetries: 0,
    })
    await rejection(transport.request({ method: 'GET', path: '/' }))
    clock.advance(10)
    await rejection(transport.request({ method: 'GET', path: '/' }))
    sent.length = 0
    await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(sent[0]?.node).toBe('http://a:9200')
  })

  it('when every node is dead, a retry goes to another dead node rather than the one that just failed', async () => {
    // both fail and rest, a's rest ends first; then b is back while a is still down
    let bUp = false
    const { transport, sent, clock } = make({
      nodes: ['http://a:9200', 'http://b:9200'],
      script: (_request, node) => (node.id === 'http://b:9200' && bUp ? json(200, {}) : refused()),
      maxRetries: 0,
    })
    await rejection(transport.request({ method: 'GET', path: '/' }))
    clock.advance(10)
    await rejection(transport.request({ method: 'GET', path: '/' }))
    bUp = true
    sent.length = 0
    const result = await transport.request({ method: 'GET', path: '/' }, { maxRetries: 1 })
    expect(sent.map((s) => s.node)).toEqual(['http://a:9200', 'http://b:9200'])
    expect(result.meta.node.id).toBe('http://b:9200')
  })

  it('fails fast with NoLivingNodesError once closed', async () => {
    const { transport, closed } = make({ script: () => json(200, {}) })
    await transport.close()
    expect(closed).toHaveLength(3)
    expect(isNoLivingNodesError(await rejection(transport.request({ method: 'GET', path: '/' })))).toBe(true)
  })
})

describe('product check', () => {
  it('rejects a 2xx answer without x-elastic-product, without retrying, and says what the server seems to be', async () => {
    const { transport, sent } = make({
      script: () => ({
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ version: { distribution: 'opensearch', number: '2.11.0' } })),
      }),
    })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect(isProductNotSupportedError(error)).toBe(true)
    expect((error as Error).message).toContain('OpenSearch 2.11.0')
    expect(sent).toHaveLength(1)
  })

  it('lets error answers without the header through as ResponseError (a 401 from a proxy)', async () => {
    const { transport } = make({ script: () => ({ statusCode: 401, headers: {}, body: Buffer.from('') }) })
    expect(isResponseError(await rejection(transport.request({ method: 'GET', path: '/' })))).toBe(true)
  })
})

describe('errors', () => {
  it('builds the ResponseError message from error.type, reason and root causes', async () => {
    const { transport } = make({
      script: () =>
        json(404, {
          error: {
            type: 'index_not_found_exception',
            reason: 'no such index [nope]',
            root_cause: [{ type: 'index_not_found_exception', reason: 'no such index [nope]' }],
          },
          status: 404,
        }),
    })
    const error = await rejection(transport.request({ method: 'GET', path: '/nope/_search' }))
    expect(isResponseError(error)).toBe(true)
    expect((error as Error).message).toBe('404 index_not_found_exception: no such index [nope] for /nope/_search')
    expect(error).toMatchObject({ statusCode: 404, type: 'index_not_found_exception', code: 'ES_ERR_RESPONSE' })
  })

  it('never shows a secret-looking query value in errors, results or events, and still sends it', async () => {
    const events: unknown[] = []
    const listener = (message: unknown): void => {
      events.push(message)
    }
    subscribe(channels.request, listener)
    try {
      const { transport, sent } = make({
        script: (request) => (request.path.includes('_search') ? json(401, { error: 'bad key' }) : json(200, {})),
      })
      const querystring = { api_key: 's3cr3t-key', access_token: 's3cr3t-token', size: 1 }
      const result = await transport.request({ method: 'GET', path: '/', querystring })
      const error = await rejection(transport.request({ method: 'GET', path: '/i/_search', querystring }))
      expect(sent.map((s) => s.request.path)).toEqual([
        '/?api_key=s3cr3t-key&access_token=s3cr3t-token&size=1',
        '/i/_search?api_key=s3cr3t-key&access_token=s3cr3t-token&size=1',
      ])
      expect((error as Error).message).toBe('401 bad key for /i/_search?api_key=REDACTED&access_token=REDACTED&size=1')
      const shown = [
        result.meta,
        error,
        (error as Error).message,
        JSON.stringify(error),
        inspect(error),
        JSON.stringify(events),
      ]
      for (const text of shown.map((v) => (typeof v === 'string' ? v : inspect(v, { depth: 10 })))) {
        expect(text).not.toContain('s3cr3t')
      }
      expect(events).toHaveLength(2)
    } finally {
      unsubscribe(channels.request, listener)
    }
  })

  it('resolves instead of throwing for ignored statuses', async () => {
    const { transport } = make({ script: () => json(404, { found: false }) })
    const result = await transport.request({ method: 'GET', path: '/i/_doc/1' }, { ignore: [404] })
    expect(result.statusCode).toBe(404)
  })

  it('validates options with errors that name the option', () => {
    expect(
      () => new Transport({ nodes: ['ftp://x'], connection: stubConnections(() => json(200, {})).factory }),
    ).toThrow(/nodes?.*'ftp'/)
    expect(() => make({ script: () => json(200, {}), maxRetries: -1 })).toThrow(/maxRetries/)
    expect(() => make({ script: () => json(200, {}), requestTimeout: 0 })).toThrow(/requestTimeout/)
    expect(() => make({ script: () => json(200, {}), headers: { 'x-a': 'b\r\nc' } })).toThrow(/CR, LF or NUL/)
    let error: unknown
    try {
      new Transport({ nodes: [], connection: stubConnections(() => json(200, {})).factory })
    } catch (e) {
      error = e
    }
    expect(isConfigurationError(error)).toBe(true)
  })

  it('never lets a planted secret reach messages, toJSON, inspect or diagnostics', async () => {
    const secret = 'S3cr3t-planted-value'
    const events: unknown[] = []
    const listener = (message: unknown): void => {
      events.push(message)
    }
    const names = Object.values(channels)
    for (const name of names) subscribe(name, listener)
    try {
      const { transport } = make({
        nodes: [`http://elastic:${secret}@a:9200`, 'http://b:9200'],
        headers: { authorization: `ApiKey ${secret}` },
        maxRetries: 1,
        script: (req) =>
          req.attempt === 1
            ? refused()
            : json(401, { error: { type: 'security_exception', reason: 'unable to authenticate' } }),
      })
      const error = await rejection(
        transport.request({ method: 'GET', path: '/' }, { headers: { authorization: `Bearer ${secret}` } }),
      )
      const surfaces = [
        (error as Error).message,
        JSON.stringify(error),
        inspect(error, { depth: 10 }),
        JSON.stringify(transport.pool.nodes),
        inspect(transport.pool.nodes, { depth: 10 }),
        inspect(transport, { depth: 10 }),
        JSON.stringify(events),
        inspect(events, { depth: 10 }),
      ]
      for (const surface of surfaces) expect(surface).not.toContain(secret)
      expect(events.length).toBeGreaterThan(0)
    } finally {
      for (const name of names) unsubscribe(name, listener)
    }
  })
})

describe('middleware', () => {
  it('runs in array order around every attempt and sees the chosen node', async () => {
    const seen: string[] = []
    const tag =
      (name: string): Middleware =>
      (next) =>
      async (request) => {
        seen.push(`${name}>${request.node.url.host}#${request.attempt}`)
        const response = await next(withHeader(request, `x-${name}`, request.node.url.host))
        seen.push(`<${name}`)
        return response
      }
    let calls = 0
    const { transport, sent } = make({
      selector: first,
      middleware: [tag('outer')],
      auth: tag('auth'),
      script: () => (calls++ === 0 ? json(503, {}) : json(200, {})),
    })
    await transport.request({ method: 'GET', path: '/' })
    expect(seen).toEqual([
      'outer>a:9200#1',
      'auth>a:9200#1',
      '<auth',
      '<outer',
      'outer>b:9200#2',
      'auth>b:9200#2',
      '<auth',
      '<outer',
    ])
    expect(sent[1]?.request.headers['x-auth']).toBe('b:9200')
  })

  it('shares frozen request headers: a middleware that writes into them fails loudly and changes no later request', async () => {
    const writer: Middleware = (next) => (request) => {
      ;(request.headers as Record<string, string>)['x-leak'] = 'yes'
      return next(request)
    }
    const { transport: plain, sent } = make({ selector: first, maxRetries: 0, script: () => json(200, {}) })
    const bad = plain.child({ middleware: [writer] })
    await expect(bad.request({ method: 'POST', path: '/i/_search', body: { size: 0 } })).rejects.toThrow(TypeError)
    await plain.request({ method: 'POST', path: '/i/_search', body: { size: 0 } })
    await plain.request({ method: 'GET', path: '/' })
    expect(sent.map((s) => s.request.headers)).toEqual([
      { 'user-agent': expect.any(String), accept: 'application/json', 'content-type': 'application/json' },
      { 'user-agent': expect.any(String), accept: 'application/json' },
    ])
    expect(sent.every((s) => Object.isFrozen(s.request.headers))).toBe(true)
    // A call's own headers make a fresh copy, which leaves the shared one alone.
    await plain.request({ method: 'GET', path: '/' }, { headers: { 'x-call': '1' }, opaqueId: 'o' })
    await plain.request({ method: 'GET', path: '/' })
    expect(sent[2]?.request.headers).toMatchObject({ 'x-call': '1', 'x-opaque-id': 'o' })
    expect(sent[3]?.request.headers).toEqual(sent[1]?.request.headers)
  })

  it('takes a middleware that throws or answers synchronously as an awaited one', async () => {
    let calls = 0
    const sync: Middleware = () =>
      (() => {
        calls++
        if (calls === 1) throw refused()
        return json(200, { ok: true })
      }) as never
    const { transport } = make({ middleware: [sync], script: () => json(500, {}) })
    const result = await transport.request({ method: 'GET', path: '/' })
    expect(result.body).toEqual({ ok: true })
    expect(result.meta.attempts).toBe(2)
    const none: Middleware = () => async () => undefined as never
    const { transport: empty } = make({ middleware: [none], maxRetries: 0, script: () => json(200, {}) })
    await expect(empty.request({ method: 'GET', path: '/' })).rejects.toBeUndefined()
  })

  it('child transports replace credentials and never leak them to the parent or siblings', async () => {
    const setAuth =
      (value: string): Middleware =>
      (next) =>
      (request) =>
        next(request.headers['authorization'] === undefined ? withHeader(request, 'authorization', value) : request)
    const { transport, sent } = make({
      nodes: ['http://a:9200'],
      auth: setAuth('Basic parent'),
      script: () => json(200, {}),
    })
    const childA = transport.child({ auth: setAuth('ApiKey a') })
    const childB = transport.child({ headers: { authorization: 'Bearer b' } })
    const bare = transport.child({ auth: null })
    await transport.request({ method: 'GET', path: '/' })
    await childA.request({ method: 'GET', path: '/' })
    await childB.request({ method: 'GET', path: '/' })
    await bare.request({ method: 'GET', path: '/' })
    await transport.request({ method: 'GET', path: '/' })
    expect(sent.map((s) => s.request.headers['authorization'])).toEqual([
      'Basic parent',
      'ApiKey a',
      'Bearer b',
      undefined,
      'Basic parent',
    ])
  })

  it('sends node-level credentials from URL userinfo, and lets client auth win over them', async () => {
    const { transport, sent } = make({ nodes: ['http://user:p%40ss@a:9200'], script: () => json(200, {}) })
    await transport.request({ method: 'GET', path: '/' })
    expect(sent[0]?.request.headers['authorization']).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`)
    expect(transport.pool.nodes[0]?.url.href).toBe('http://a:9200/')
    await transport.child({ headers: { authorization: 'ApiKey k' } }).request({ method: 'GET', path: '/' })
    expect(sent[1]?.request.headers['authorization']).toBe('ApiKey k')
  })
})

describe('diagnostics', () => {
  it('publishes request, response, retry and node state events', async () => {
    const seen: string[] = []
    const listeners = Object.entries(channels).map(([key, name]) => {
      const fn = (): void => {
        seen.push(key)
      }
      subscribe(name, fn)
      return [name, fn] as const
    })
    try {
      let calls = 0
      const { transport } = make({ script: () => (calls++ === 0 ? json(503, {}) : json(200, {})) })
      await transport.request({ method: 'GET', path: '/' })
    } finally {
      for (const [name, fn] of listeners) unsubscribe(name, fn)
    }
    expect(seen).toEqual(['request', 'response', 'nodeDead', 'retry', 'request', 'response'])
  })
})

describe('defaults', () => {
  it('sends the stretch user-agent and x-opaque-id', async () => {
    const { transport, sent } = make({ nodes: ['http://a:9200'], script: () => json(200, {}) })
    await transport.request({ method: 'GET', path: '/' }, { opaqueId: 'job-42' })
    const headers = sent[0]!.request.headers
    expect(headers['user-agent']).toMatch(/^stretch\/\d+\.\d+\.\d+ \(Node\.js v\d+\.\d+\.\d+; [a-z0-9]+-[a-z0-9]+\)$/)
    expect(headers['x-opaque-id']).toBe('job-42')
  })

  it('uses a 30 s request timeout unless told otherwise', async () => {
    const { transport, sent } = make({ nodes: ['http://a:9200'], script: () => json(200, {}) })
    await transport.request({ method: 'GET', path: '/' })
    await transport.request({ method: 'GET', path: '/' }, { requestTimeout: 5 })
    await transport.request({ method: 'GET', path: '/' }, { requestTimeout: null })
    expect(sent.map((s) => s.request.timeout)).toEqual([30_000, 5, undefined])
  })
})

describe('discovery', () => {
  it('sends discovery requests with the root transport credentials, even when a child starts first', async () => {
    const seen: (string | undefined)[] = []
    const stub = stubConnections((req) => {
      seen.push(req.headers['authorization'])
      return json(200, {})
    })
    let sniffed = false
    const transport = new Transport({
      nodes: ['http://a:9200'],
      connection: stub.factory,
      headers: { authorization: 'Basic root' },
      discovery: {
        onRequestStart(ctx) {
          if (sniffed) return undefined
          sniffed = true
          return ctx.request({ method: 'GET', path: '/_nodes/_all/http' }).then(() => undefined)
        },
      },
    })
    await transport.child({ headers: { authorization: 'ApiKey child' } }).request({ method: 'GET', path: '/' })
    expect(seen).toEqual(['Basic root', 'ApiKey child'])
  })

  it('keeps the socket of a node that stays and takes the id, name, roles and attributes discovery reports', () => {
    const { transport } = make({ nodes: ['http://a:9200'], script: () => json(200, {}) })
    const before = transport.pool.nodes[0]!
    transport.pool.update([
      { url: 'http://a:9200', id: 'node-a', name: 'es-a', roles: ['data'], attributes: { zone: 'z1' } },
    ])
    const after = transport.pool.nodes[0]!
    expect(after).toBe(before)
    expect(after.connection).toBe(before.connection)
    expect({ id: after.id, name: after.name, roles: after.roles, attributes: after.attributes }).toEqual({
      id: 'node-a',
      name: 'es-a',
      roles: ['data'],
      attributes: { zone: 'z1' },
    })
    expect(after.info()).toEqual({ id: 'node-a', url: 'http://a:9200', name: 'es-a' })
  })
})

describe('defects found by the reliability suite', () => {
  it('names the option for a node that is null, a number, or has no url', () => {
    const factory = stubConnections(() => json(200, {})).factory
    expect(() => new Transport({ nodes: [null as never], connection: factory })).toThrow(
      /^node: must be a URL string.*got null/,
    )
    expect(() => new Transport({ nodes: ['http://a:9200', 42 as never], connection: factory })).toThrow(
      /^nodes\[1\]: .*got number/,
    )
    expect(() => new Transport({ nodes: [{} as never], connection: factory })).toThrow(/^node: the node needs a url/)
    expect(() => new Transport({ nodes: ['localhost:9200'], connection: factory })).toThrow(
      /for example 'https:\/\/localhost:9200'/,
    )
  })

  it('never echoes a password that contains / or @ in an invalid URL', () => {
    const factory = stubConnections(() => json(200, {})).factory
    for (const [url, secret] of [
      ['https://elastic:Sup3r/Secret@[bad', 'Sup3r/Secret'],
      ['https://elastic:p@ss@[bad', 'p@ss'],
    ] as const) {
      let message = ''
      try {
        new Transport({ nodes: [url], connection: factory })
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).toMatch(/not a valid URL/)
      expect(message).not.toContain(secret)
      expect(message).not.toContain('ss@')
    }
  })

  it('counts the requests that fail together when a node dies as one failure', async () => {
    const { transport } = make({
      nodes: ['http://a:9200', 'http://b:9200'],
      script: (_r, node) => (node.id === 'http://a:9200' ? refused() : json(200, {})),
      selector: first,
    })
    await Promise.all(Array.from({ length: 20 }, () => transport.request({ method: 'GET', path: '/' })))
    expect(transport.pool.nodes[0]!.failures).toBe(1)
  })

  it('says that retries ran out when the last answer was a retryable status', async () => {
    const { transport } = make({
      script: () => json(503, { error: { type: 'unavailable_shards_exception', reason: 'busy' } }),
      maxRetries: 2,
      selector: first,
    })
    const error = await rejection(transport.request({ method: 'GET', path: '/' }))
    expect((error as Error).message).toMatch(
      /^503 unavailable_shards_exception: busy for \/ \(gave up after 3 attempts: http:\/\/a:9200 503, http:\/\/b:9200 503, http:\/\/c:9200 503\)$/,
    )
  })
})

describe('clock readings', () => {
  // A clock that moves 5 ms at every reading: durations show which readings an answer took.
  function steppingClock(): Clock & { readings: number } {
    let now = 0
    const clock = {
      readings: 0,
      now: () => {
        clock.readings++
        now += 5
        return now
      },
      sleep: async () => {},
    }
    return clock
  }

  it('reads the clock twice for an answer at the first attempt, and still measures the whole call', async () => {
    const clock = steppingClock()
    const { factory } = stubConnections(() => json(200, { ok: true }))
    const transport = new Transport({ nodes: ['http://a:9200'], connection: factory, clock })
    const result = await transport.request({ method: 'GET', path: '/' })
    expect(clock.readings).toBe(2)
    expect(result.meta.duration).toBe(5)
  })

  it('still records the duration of every attempt of a call that fails or retries', async () => {
    const clock = steppingClock()
    let calls = 0
    const { factory } = stubConnections(() => (calls++ === 0 ? json(503, {}) : json(404, { error: 'missing' })))
    const transport = new Transport({ nodes: ['http://a:9200'], connection: factory, clock, retryBackoff: 1 })
    const error = (await rejection(transport.request({ method: 'GET', path: '/' }))) as ResponseError
    expect(isResponseError(error)).toBe(true)
    const attempts = error.meta?.attempts ?? []
    expect(attempts.map((a) => a.statusCode)).toEqual([503, 404])
    for (const a of attempts) expect(a.duration).toBeGreaterThan(0)
  })
})
