import type { TransportResult } from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { type BulkClient, type BulkDrop, bulk } from '../src/index.js'

/** One `request` the stub got: the NDJSON bytes as sent (a copy taken then), and how to answer it. */
interface Call {
  readonly sent: Buffer
  readonly answer: (items: readonly number[]) => void
  readonly fail: (error: Error) => void
}

/**
 * A stub of the part of the client `bulk` uses: each request waits until the test answers it, with the status of
 * each item, so the test decides in which order batches end.
 */
function stubClient(): { client: BulkClient; calls: Call[]; next: (n: number) => Promise<void> } {
  const calls: Call[] = []
  let waiting: { n: number; resolve: () => void } | undefined
  const client = {
    request: (params: { ndjson?: unknown }) =>
      new Promise<TransportResult<Uint8Array>>((resolve, reject) => {
        const body = params.ndjson as Uint8Array
        const sent = Buffer.from(body)
        const count = sent.toString('utf8').split('\n').length >> 1
        calls.push({
          sent,
          answer: (statuses) => {
            const items = Array.from({ length: count }, (_, i) => {
              const status = statuses[i] ?? 201
              return {
                index:
                  status === 429
                    ? { status, error: { type: 'es_rejected_execution_exception', reason: 'busy' } }
                    : { status },
              }
            })
            const errors = items.some((item) => item.index.status >= 300)
            resolve({
              body: Buffer.from(JSON.stringify({ errors, items })),
              meta: { attempts: 1 },
            } as unknown as TransportResult<Uint8Array>)
          },
          fail: reject,
        })
        if (waiting !== undefined && calls.length >= waiting.n) waiting.resolve()
      }),
    indices: { refresh: async () => ({}) },
  } as unknown as BulkClient
  const next = (n: number): Promise<void> =>
    calls.length >= n
      ? Promise.resolve()
      : new Promise((resolve) => {
          waiting = { n, resolve }
        })
  return { client, calls, next }
}

const docs = Array.from({ length: 40 }, (_, i) => ({ n: i, title: `Doc ${i} ${'\u00e9'.repeat(i % 7)}` }))
const lineOf = (doc: (typeof docs)[number]): string => `{"index":{"_index":"b"}}\n${JSON.stringify(doc)}\n`

describe('bulk: a batch buffer is used again only once its items are done with', () => {
  it('re-sends a 429 item with its own bytes when the next batches were built while it waited for its backoff', async () => {
    const { client, calls, next } = stubClient()
    const drops: BulkDrop<(typeof docs)[number]>[] = []
    const run = bulk(client, {
      datasource: docs,
      onDocument: () => ({ index: { _index: 'b' } }),
      flushBytes: Buffer.byteLength(lineOf(docs[0] as (typeof docs)[number])) * 4, // about 4 documents a batch
      concurrency: 2,
      retryBackoff: 5,
      onDrop: (drop) => drops.push(drop),
    })
    await next(2)
    const first = calls[0] as Call
    // The first batch: its item 1 is rejected with 429 and waits for its backoff in its slot. Then the second batch
    // fails as a whole (its buffer is not given back), so the reader builds the following batches with the buffers
    // it has: were the first batch's buffer given back before its item was copied out, one of them would be it.
    first.answer([201, 429])
    ;(calls[1] as Call).fail(new Error('connection reset'))
    const expected = Buffer.from(lineOf(docs[1] as (typeof docs)[number]))
    const ended = run.then(() => 'ended' as const)
    let resent: Call | undefined
    for (let i = 2; ; i++) {
      if ((await Promise.race([next(i + 1).then(() => 'called' as const), ended])) === 'ended') break
      const call = calls[i] as Call
      if (call.sent.equals(expected)) resent = call
      call.answer([])
    }
    const stats = await run
    expect(calls.length).toBeGreaterThan(3) // later batches were built before the re-send
    expect(resent?.sent.toString()).toBe(expected.toString())
    expect(stats).toMatchObject({ total: 40, retried: 1 })
    expect(stats.failed).toBe(drops.length)
    expect(drops.map((d) => d.error.message)).toEqual(drops.map(() => 'connection reset'))
    // Every document but the failed batch's was written once, with its own bytes.
    const lines = (call: Call): string[] => call.sent.toString().split(/(?<=\n)(?=\{"index")/)
    const written = calls
      .filter((call) => call !== calls[1])
      .flatMap((call) => (call === first ? lines(call).filter((_, i) => i !== 1) : lines(call)))
      .sort()
    const dropped = new Set(drops.map((drop) => drop.document))
    expect(written).toEqual(
      docs
        .filter((doc) => !dropped.has(doc))
        .map(lineOf)
        .sort(),
    )
  })
})
