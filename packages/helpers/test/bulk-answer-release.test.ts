import type { TransportResult } from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { type BulkClient, bulk } from '../src/index.js'

/**
 * A stub of the part of the client `bulk` uses that answers every request with `errors:false` (one item per
 * action), its bytes made by `wrap` (a buffer of their own, or a view into a larger one), and records each answer.
 */
function answeringClient(wrap: (json: string) => Uint8Array): { client: BulkClient; answers: Uint8Array[] } {
  const answers: Uint8Array[] = []
  const client = {
    request: async (params: { ndjson?: unknown }) => {
      const count =
        Buffer.from(params.ndjson as Uint8Array)
          .toString('utf8')
          .split('\n').length >> 1
      const items = Array.from({ length: count }, () => ({ index: { status: 201 } }))
      const body = wrap(JSON.stringify({ errors: false, items }))
      answers.push(body)
      return { body, meta: { attempts: 1 } } as unknown as TransportResult<Uint8Array>
    },
    indices: { refresh: async () => ({}) },
  } as unknown as BulkClient
  return { client, answers }
}

// 8 000 documents in one batch: an answer of about 190 KB, above the size from which bulk lets its bytes go.
const docs = Array.from({ length: 8_000 }, (_, n) => ({ n }))
const options = { datasource: docs, onDocument: () => ({ index: { _index: 'r' } }) } as const

describe('bulk: the memory of an answer is let go once counted', () => {
  it('empties an answer that is a buffer of its own, after counting every item of it', async () => {
    const { client, answers } = answeringClient((json) => new Uint8Array(Buffer.from(json)))
    const stats = await bulk(client, options)
    expect(stats.successful).toBe(8_000)
    expect(answers).toHaveLength(1)
    expect(answers[0]?.byteLength).toBe(0)
  })

  it('empties it after decoding it too (an answer with errors is parsed)', async () => {
    const { client, answers } = answeringClient(
      (json) => new Uint8Array(Buffer.from(json.replace('"errors":false', '"errors":true'))),
    )
    const stats = await bulk(client, options)
    expect(stats.successful).toBe(8_000)
    expect(answers[0]?.byteLength).toBe(0)
  })

  it('leaves a view into a larger buffer alone (its other bytes may belong to someone else)', async () => {
    const shared: Uint8Array[] = []
    const { client, answers } = answeringClient((json) => {
      const bytes = Buffer.from(json)
      const backing = new Uint8Array(bytes.length + 16)
      backing.set(bytes, 8)
      shared.push(backing)
      return backing.subarray(8, 8 + bytes.length)
    })
    const stats = await bulk(client, options)
    expect(stats.successful).toBe(8_000)
    expect(answers[0]?.byteLength).toBeGreaterThan(64 * 1024)
    expect(shared[0]?.byteLength).toBe((answers[0]?.byteLength ?? 0) + 16)
  })
})
