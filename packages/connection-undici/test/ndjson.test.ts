import { gunzipSync } from 'node:zlib'
import { sendJson, startServer } from '@stretch/test-utils'
import { Transport } from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { undiciConnection } from '../src/index.js'

// Strings with and without their newline, objects, and text that is not ASCII: 2-, 3- and 4-byte characters and a
// lone surrogate (which UTF-8 cannot hold: it is sent as U+FFFD, as Node's Buffer.from has always sent it). Over
// 64 KiB in all, so that gzip runs on the thread pool, not on the spot.
const lines: unknown[] = [
  { index: { _index: 'books', _id: 'é' } },
  { title: 'Les Misérables', author: 'Victor Hugo', note: '日本語 😀' },
  '{"delete":{"_index":"books","_id":"2"}}',
  '{"create":{"_index":"books","_id":"3"}}\n',
  '{"title":"ünïcödé at the end ✓"}',
  '{"title":"a lone \ud800 surrogate"}\n',
  { long: 'ß'.repeat(5000), emoji: '🦄'.repeat(1000) },
  { ascii: 'x'.repeat(70_000) },
]
const expected = [
  '{"index":{"_index":"books","_id":"é"}}',
  '{"title":"Les Misérables","author":"Victor Hugo","note":"日本語 😀"}',
  '{"delete":{"_index":"books","_id":"2"}}',
  '{"create":{"_index":"books","_id":"3"}}',
  '{"title":"ünïcödé at the end ✓"}',
  '{"title":"a lone \ud800 surrogate"}',
  JSON.stringify({ long: 'ß'.repeat(5000), emoji: '🦄'.repeat(1000) }),
  JSON.stringify({ ascii: 'x'.repeat(70_000) }),
]
  .map((line) => `${line}\n`)
  .join('')

describe('NDJSON on the wire', () => {
  it('sends every line as UTF-8, each ending in exactly one newline, plain and gzipped', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, { errors: false, items: [] }))
    for (const compression of [false, true]) {
      const transport = new Transport({ nodes: [srv.url], connection: undiciConnection(), compress: compression })
      await transport.request({ method: 'POST', path: '/_bulk', ndjson: lines })
      await transport.request({ method: 'POST', path: '/_bulk', ndjson: ['{"index":{}}', { a: 'ä' }] })
      await transport.close()
    }
    const bodies = srv.requests.map((r) => (r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body))
    const want = [expected, '{"index":{}}\n{"a":"ä"}\n']
    expect(bodies.map((b) => b.toString('hex'))).toEqual(
      [...want, ...want].map((text) => Buffer.from(text, 'utf8').toString('hex')),
    )
    expect(bodies[0]?.toString('utf8')).toContain('a lone \ufffd surrogate')
    expect(srv.requests.map((r) => [r.headers['content-type'], r.headers['content-encoding']])).toEqual([
      ['application/x-ndjson', undefined],
      ['application/x-ndjson', undefined],
      ['application/x-ndjson', 'gzip'],
      ['application/x-ndjson', 'gzip'],
    ])
  })
})
