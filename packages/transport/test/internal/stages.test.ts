// The stages of a request, each on its own: body preparation, the retry policy, node health, discovery hooks, and
// the Web (non-Node) codecs that the neutral path of the transport uses.
import { deflateSync, gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { DiscoveryHooks } from '../../src/discovery-hooks.js'
import { ConnectionError, TimeoutError } from '../../src/errors.js'
import { recordHealth } from '../../src/node-health.js'
import { createNodePool } from '../../src/node-pool.js'
import { loadNodeBuiltins } from '../../src/platform.js'
import { isOneShot, prepareBody } from '../../src/request-body.js'
import { backoffDelay, type RetryPolicy, retryAfterError, retryAfterStatus } from '../../src/retry-policy.js'
import { readAll, streamPayload, streamPayloadWith, webCompress, webUnzip } from '../../src/serialize.js'
import type { DiscoveryContext, PoolNode, SerializedBody } from '../../src/types.js'
import { stubConnections } from '../helpers.js'

const policy: RetryPolicy = { maxRetries: 2, retryOnStatus: [429, 502, 503, 504], retryOnTimeout: false, ignore: [] }
const backoff = { retryBackoff: 100, maxRetryBackoff: 4000, maxRetryAfter: 30_000, random: () => 0.5 }
const settings = { jsonType: 'application/json', ndjsonType: 'application/x-ndjson', compress: false }

describe('body preparation', () => {
  it('serializes JSON and NDJSON and labels them, keeping a content-type the caller set', () => {
    const headers: Record<string, string> = {}
    expect(prepareBody({ method: 'POST', path: '/', body: { a: 1 } }, headers, settings)).toBe('{"a":1}')
    expect(headers).toEqual({ 'content-type': 'application/json' })
    const own: Record<string, string> = { 'content-type': 'text/plain' }
    const ndjson = prepareBody({ method: 'POST', path: '/', ndjson: [{ a: 1 }, 'x'] }, own, settings)
    expect(new TextDecoder().decode(ndjson as Uint8Array)).toBe('{"a":1}\nx\n')
    expect(own['content-type']).toBe('text/plain')
    expect(prepareBody({ method: 'GET', path: '/' }, {}, settings)).toBeUndefined()
  })

  it('gzips with compress and says so', async () => {
    const headers: Record<string, string> = {}
    const body = await prepareBody({ method: 'POST', path: '/', body: { a: 1 } }, headers, {
      ...settings,
      compress: true,
    })
    expect(headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(body as Uint8Array).toString()).toBe('{"a":1}')
  })

  it('marks stream bodies as one-shot, and hands a Web stream to Node connections as a Readable', async () => {
    const web = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"x":'))
        c.enqueue(new TextEncoder().encode('1}'))
        c.close()
      },
    })
    const readable = streamPayload(web) as AsyncIterable<Buffer> & SerializedBody
    expect(isOneShot(readable)).toBe(true)
    expect(isOneShot('{"a":1}')).toBe(false)
    expect(isOneShot(Uint8Array.of(1))).toBe(false)
    expect(isOneShot(undefined)).toBe(false)
    const chunks: Buffer[] = []
    for await (const c of readable) chunks.push(c)
    expect(Buffer.concat(chunks).toString()).toBe('{"x":1}')
  })

  it('reads a stream body into bytes where node:stream is missing', async () => {
    async function* gen(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('a')
      yield new TextEncoder().encode('b')
    }
    const bytes = await (streamPayloadWith(gen(), undefined) as Promise<Uint8Array>)
    expect(new TextDecoder().decode(bytes)).toBe('ab')
  })
})

describe('the Web codecs (runtimes without node:zlib)', () => {
  it('gzips into bytes that zlib reads, and gunzips and inflates what zlib wrote', async () => {
    const text = JSON.stringify({ hello: 'wörld'.repeat(1000) })
    expect(gunzipSync(await webCompress(text)).toString()).toBe(text)
    const gz = await webUnzip('gzip')(gzipSync(text), { maxOutputLength: 1e9 })
    expect(new TextDecoder().decode(gz)).toBe(text)
    const df = await webUnzip('deflate')(deflateSync(text), { maxOutputLength: 1e9 })
    expect(new TextDecoder().decode(df)).toBe(text)
  })

  it('stops a gzip bomb at maxOutputLength', async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024))
    await expect(webUnzip('gzip')(bomb, { maxOutputLength: 1024 * 1024 })).rejects.toBeInstanceOf(RangeError)
  })

  it('reads chunks into one array', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(Uint8Array.of(1, 2))
        c.enqueue(Uint8Array.of(3))
        c.close()
      },
    })
    expect([...(await readAll(stream, 10))]).toEqual([1, 2, 3])
  })

  it('finds no built-ins without process.getBuiltinModule, and the Node ones with it', () => {
    expect(loadNodeBuiltins(undefined)).toBeUndefined()
    expect(loadNodeBuiltins(() => undefined)).toBeUndefined()
    expect(loadNodeBuiltins(process.getBuiltinModule)?.zlib?.gzipSync).toBeTypeOf('function')
  })

  it('asks for node:zlib only when it is first used, and does without it on a runtime that lacks it', () => {
    const asked: string[] = []
    const builtins = loadNodeBuiltins((id) => {
      asked.push(id)
      return id === 'node:zlib' ? undefined : process.getBuiltinModule(id)
    })
    expect(asked).not.toContain('node:zlib')
    expect(builtins?.Readable).toBeTypeOf('function')
    expect(builtins?.zlib).toBeUndefined()
    expect(builtins?.zlib).toBeUndefined()
    expect(asked.filter((id) => id === 'node:zlib')).toEqual(['node:zlib'])
  })
})

describe('the retry policy', () => {
  it('backs off with full jitter, capped', () => {
    expect(backoffDelay(backoff, 1)).toBe(50)
    expect(backoffDelay(backoff, 3)).toBe(200)
    expect(backoffDelay({ ...backoff, random: () => 0.999 }, 10)).toBe(3996)
  })

  it('retries a connection error before sending always, after sending only when resendable', () => {
    const before = new ConnectionError('refused', { requestSent: false })
    const after = new ConnectionError('reset', { requestSent: true })
    expect(retryAfterError(policy, backoff, 1, before, false)).toBe(50)
    expect(retryAfterError(policy, backoff, 1, after, false)).toBeUndefined()
    expect(retryAfterError(policy, backoff, 1, after, true)).toBe(50)
    expect(retryAfterError({ ...policy, retryOnTimeout: true }, backoff, 1, after, false)).toBe(50)
    expect(retryAfterError(policy, backoff, 1, new TimeoutError('slow'), false)).toBeUndefined()
    expect(retryAfterError(policy, backoff, 1, new TimeoutError('slow'), true)).toBe(50)
    expect(retryAfterError(policy, backoff, 1, new Error('a bug'), true)).toBeUndefined()
    expect(retryAfterError(policy, backoff, 3, before, true)).toBeUndefined()
  })

  it('retries the statuses asked for, honours Retry-After up to maxRetryAfter, never an ignored status', () => {
    expect(retryAfterStatus(policy, backoff, 1, 502, {}, () => 0)).toBe(50)
    expect(retryAfterStatus(policy, backoff, 1, 500, {}, () => 0)).toBeUndefined()
    expect(retryAfterStatus(policy, backoff, 1, 429, { 'retry-after': '2' }, () => 0)).toBe(2000)
    expect(retryAfterStatus(policy, backoff, 1, 503, { 'retry-after': '60' }, () => 0)).toBeUndefined()
    expect(retryAfterStatus({ ...policy, ignore: [502] }, backoff, 1, 502, {}, () => 0)).toBeUndefined()
    expect(retryAfterStatus(policy, backoff, 3, 502, {}, () => 0)).toBeUndefined()
  })
})

describe('node health', () => {
  it('marks a node dead after a connection error or a 502/503/504 and alive after any other answer', () => {
    const pool = createNodePool({ nodes: ['http://a:9200'], connection: stubConnections(() => new Error()).factory })
    const node = pool.select({ method: 'GET', path: '/', attempt: 1 })
    expect(recordHealth(pool, node, undefined)).toBe(true)
    expect(node.alive).toBe(false)
    expect(recordHealth(pool, node, 404)).toBe(false)
    expect(node.alive).toBe(true)
    expect(recordHealth(pool, node, 503)).toBe(true)
    expect(node.failures).toBe(1)
  })
})

describe('discovery hooks', () => {
  it('waits on onRequestStart, reports failures, and never lets a failing discovery fail a request', async () => {
    const seen: string[] = []
    const context = {} as DiscoveryContext
    let contexts = 0
    const hooks = new DiscoveryHooks(
      {
        onRequestStart: () => {
          seen.push('start')
          return Promise.resolve()
        },
        onNodeFailure: (node) => {
          seen.push(`failed ${node.id}`)
          throw new Error('discovery broke')
        },
        close: () => seen.push('close'),
      },
      () => {
        contexts++
        return context
      },
    )
    expect(hooks.waitsOnStart).toBe(true)
    await hooks.requestStarting()
    expect(() => hooks.nodeFailed({ id: 'n1' } as PoolNode)).not.toThrow()
    hooks.close()
    expect(seen).toEqual(['start', 'failed n1', 'close'])
    expect(contexts).toBe(2)
    expect(new DiscoveryHooks({}, () => context).waitsOnStart).toBe(false)
  })
})
