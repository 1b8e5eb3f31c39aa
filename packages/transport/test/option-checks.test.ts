import { describe, expect, it } from 'vitest'
import { buildUserAgent, ConfigurationError, checkNumber, isLoopbackHost } from '../src/index.js'

describe('checkNumber', () => {
  it.each([
    [undefined, {}, undefined],
    [0, {}, 0],
    [2.5, { unit: 'milliseconds' }, 2.5],
    [null, { nullMeans: 'no timeout' }, null],
    [1, { integer: true, positive: true }, 1],
  ])('accepts %s with %o', (value, rule, expected) => {
    expect(checkNumber('x', value as number | null | undefined, rule)).toBe(expected)
  })

  it.each([
    [-1, {}, 'x: must be a number, 0 or more (got -1)'],
    [Number.POSITIVE_INFINITY, {}, 'x: must be a number, 0 or more (got Infinity)'],
    [null, {}, 'x: must be a number, 0 or more (got null)'],
    ['5s', { unit: 'milliseconds' }, 'x: must be a number of milliseconds, 0 or more (got the string "5s")'],
    [0, { positive: true }, 'x: must be a number, more than 0 (got 0)'],
    [0, { positive: true, integer: true }, 'x: must be a whole number, 1 or more (got 0)'],
    [1.5, { integer: true }, 'x: must be a whole number, 0 or more (got 1.5)'],
    [[1], {}, 'x: must be a number, 0 or more (got an array)'],
    [
      0,
      { positive: true, unit: 'milliseconds', nullMeans: 'no timeout' },
      'x: must be a number of milliseconds, more than 0, or null for no timeout (got 0)',
    ],
  ])('refuses %s with %o', (value, rule, message) => {
    let error: unknown
    try {
      checkNumber('x', value as number, rule)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toBe(message)
  })
})

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['::1', true],
    [new URL('http://[::1]:9200').hostname, true],
    ['128.0.0.1', false],
    ['localhost.example.com', false],
    ['es.example.com', false],
    ['[::2]', false],
  ])('%s -> %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected)
  })
})

describe('buildUserAgent', () => {
  it('names the product, its version, Node.js and the platform', () => {
    expect(buildUserAgent('stretch', '1.2.3')).toBe(
      `stretch/1.2.3 (Node.js ${process.version}; ${process.platform}-${process.arch})`,
    )
  })
})
