import { describe, expect, it } from 'vitest'
import { buildHeaders, HeaderMemo, type RawHeaders } from '../../src/response-headers.js'

// What undici's headerNameToString gives for a name it does not know: the bytes, lower-cased.
const headerName = (raw: Buffer): string => raw.toString('latin1').toLowerCase()

// Raw headers as undici hands them over: views of one buffer that holds the whole header block.
function raw(...pairs: [string, string][]): RawHeaders {
  const block = Buffer.from(pairs.map(([n, v]) => `${n}: ${v}\r\n`).join(''), 'latin1')
  const views: Buffer[] = []
  let at = 0
  for (const [n, v] of pairs) {
    views.push(block.subarray(at, at + n.length))
    at += n.length + 2
    views.push(block.subarray(at, at + v.length))
    at += v.length + 2
  }
  return views
}

// Same keys in the same order, same values: what a user can observe of a plain object.
function expectSame(actual: object, expected: object): void {
  expect(Object.entries(actual)).toEqual(Object.entries(expected))
  expect(Object.getPrototypeOf(actual)).toBe(Object.prototype)
}

const es = (length: string, date = 'Wed, 02 Dec 2026 15:43:13 GMT'): [string, string][] => [
  ['content-type', 'application/json'],
  ['X-elastic-product', 'Elasticsearch'],
  ['content-length', length],
  ['Date', date],
]

describe('HeaderMemo', () => {
  it('gives for every answer what building it header by header gives, as its own object', () => {
    const memo = new HeaderMemo(headerName)
    const answers = [
      es('12'),
      es('12'),
      es('1234'),
      es('7', 'Wed, 02 Dec 2026 15:43:14 GMT'),
      [...es('9'), ['content-encoding', 'gzip']] as [string, string][],
      es('12'),
      [...es('9'), ['content-encoding', 'gzip']] as [string, string][],
      [...es('9'), ['warning', '299 Elasticsearch-9.1.0 "x"']] as [string, string][],
      [...es('9'), ['content-encoding', 'gzip']] as [string, string][],
      [...es('9'), ['warning', '299 Elasticsearch-9.1.0 "x"']] as [string, string][],
      [...es('9'), ['warning', '299 Elasticsearch-9.1.0 "x"']] as [string, string][],
      es('12'),
    ]
    const seen = new Set<object>()
    for (const answer of answers) {
      const got = memo.headersOf(raw(...answer))
      expectSame(got, buildHeaders(raw(...answer), headerName))
      expect(seen.has(got)).toBe(false)
      seen.add(got)
    }
  })

  it('takes every value of the answer that first reuses a layout, an empty one too', () => {
    const memo = new HeaderMemo(headerName)
    memo.headersOf(raw(...es('12')))
    expectSame(memo.headersOf(raw(...es('12', ''))), buildHeaders(raw(...es('12', '')), headerName))
    expectSame(memo.headersOf(raw(...es('12'))), buildHeaders(raw(...es('12')), headerName))
    expectSame(memo.headersOf(raw(...es('12'))), buildHeaders(raw(...es('12')), headerName))
  })

  it('is not changed by what a caller does to an object it gave', () => {
    const memo = new HeaderMemo(headerName)
    memo.headersOf(raw(...es('12')))
    const second = memo.headersOf(raw(...es('12')))
    ;(second as Record<string, string>)['content-type'] = 'text/plain'
    ;(second as Record<string, string>)['x-added'] = 'yes'
    expectSame(memo.headersOf(raw(...es('12'))), buildHeaders(raw(...es('12')), headerName))
  })

  it('gives repeated headers as arrays of their own for every answer', () => {
    const memo = new HeaderMemo(headerName)
    const warnings: [string, string][] = [
      ['warning', '299 "one"'],
      ['warning', '299 "two"'],
    ]
    const first = memo.headersOf(raw(...warnings))
    const second = memo.headersOf(raw(...warnings))
    expect(first).toEqual({ warning: ['299 "one"', '299 "two"'] })
    expect(second).toEqual(first)
    expect(second['warning']).not.toBe(first['warning'])
  })

  it('keeps names an object inherits as own headers: constructor, toString, __proto__', () => {
    const memo = new HeaderMemo(headerName)
    const answer: [string, string][] = [
      ['constructor', 'a'],
      ['toString', 'b'],
      ['__proto__', 'c'],
      ['content-length', '1'],
    ]
    for (const length of ['1', '1', '22']) {
      answer[3] = ['content-length', length]
      const got = memo.headersOf(raw(...answer))
      expect(Object.entries(got)).toEqual([
        ['constructor', 'a'],
        ['tostring', 'b'],
        ['__proto__', 'c'],
        ['content-length', length],
      ])
      expect(Object.getPrototypeOf(got)).toBe(Object.prototype)
    }
  })

  it('builds answers with more headers than it keeps layouts for, and none at all', () => {
    const memo = new HeaderMemo(headerName)
    const many = Array.from({ length: 40 }, (_, i): [string, string] => [`x-h${i}`, String(i)])
    for (let i = 0; i < 2; i++) expectSame(memo.headersOf(raw(...many)), buildHeaders(raw(...many), headerName))
    expect(memo.headersOf([])).toEqual({})
    expect(memo.headersOf([])).toEqual({})
  })

  it('gives the same objects as building, over a long random run of similar answers', () => {
    const memo = new HeaderMemo(headerName)
    let seed = 7
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const names = ['content-type', 'content-length', 'X-Elastic-Product', 'warning', 'date', 'x-a']
    const values = ['1', '12', 'Elasticsearch', 'application/json', '', 'é']
    for (let i = 0; i < 2000; i++) {
      const count = 1 + next(4)
      const answer = Array.from({ length: count }, (): [string, string] => [
        names[next(names.length)] as string,
        values[next(values.length)] as string,
      ])
      expectSame(memo.headersOf(raw(...answer)), buildHeaders(raw(...answer), headerName))
    }
  })
})
