import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import {
  buildUserAgent,
  ConfigurationError,
  checkCredential,
  checkNumber,
  checkOptionNames,
  credentialProblem,
  encodeBase64,
  isLoopbackHost,
} from '../src/index.js'

describe('checkNumber', () => {
  it.each([
    [undefined, {}, undefined],
    [0, {}, 0],
    [2.5, { unit: 'milliseconds' }, 2.5],
    [null, { nullMeans: 'no timeout' }, null],
    [1, { integer: true, positive: true }, 1],
    [1024, { integer: true, positive: true, max: 1024 }, 1024],
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
    [1025, { integer: true, positive: true, max: 1024 }, 'x: must be a whole number from 1 to 1024 (got 1025)'],
    [0.5, { integer: true, max: 10 }, 'x: must be a whole number from 0 to 10 (got 0.5)'],
    [6, { max: 5, unit: 'seconds' }, 'x: must be a number of seconds, 0 or more and at most 5 (got 6)'],
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

describe('checkOptionNames', () => {
  const known: ReadonlySet<string> = new Set(['requestTimeout', 'maxRetries'])
  const message = (fn: () => void): string => {
    try {
      fn()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError)
      return (error as Error).message
    }
    throw new Error('did not throw')
  }

  it('passes known names, and ignores inherited ones', () => {
    checkOptionNames('x', { requestTimeout: 1 }, known)
    checkOptionNames('x', Object.create({ requestTimout: 1 }), known)
  })

  it('names each unknown key and the nearest known one, or the known ones', () => {
    expect(message(() => checkOptionNames('x', { requestTimout: 1 }, known))).toBe(
      'x: unknown option `requestTimout`; did you mean `requestTimeout`?',
    )
    expect(message(() => checkOptionNames('x', { zzz: 1 }, known))).toBe(
      'x: unknown option `zzz` (known options: `requestTimeout`, `maxRetries`)',
    )
    expect(message(() => checkOptionNames('x', { maxRetry: 1, zzz: 2 }, known))).toBe(
      'x: unknown options `maxRetry` (did you mean `maxRetries`?), `zzz`',
    )
  })

  it('takes the noun, hints and fallback text of the caller', () => {
    const rule = {
      noun: 'call option',
      hint: (name: string) => (name === 'timeout' ? { note: 'it is requestTimeout' } : undefined),
      otherwise: 'see the README',
    }
    expect(message(() => checkOptionNames('search', { timeout: 1 }, known, rule))).toBe(
      'search: unknown call option `timeout` (it is requestTimeout)',
    )
    expect(message(() => checkOptionNames('search', { zzz: 1 }, known, rule))).toBe(
      'search: unknown call option `zzz` (see the README)',
    )
  })
})

describe('checkCredential', () => {
  const kSecret = 's3cr3t-value'

  it.each(['elastic', 'pass word', 'naïve', 'a:b', '   '])('returns %j as it is', (value) => {
    expect(checkCredential('x.secret', value)).toBe(value)
    expect(credentialProblem(value)).toBeUndefined()
  })

  it.each([
    [42, 'x.secret: must be a string (got number)'],
    [null, 'x.secret: must be a string (got null)'],
    [undefined, 'x.secret: must be a string (got undefined)'],
    [{ toString: () => kSecret }, 'x.secret: must be a string (got object)'],
    ['', 'x.secret: must not be empty'],
  ])('refuses %j', (value, message) => {
    expect(() => checkCredential('x.secret', value)).toThrow(new ConfigurationError(message))
  })

  it.each(['\r', '\n', '\0'])('refuses %j anywhere, never echoing the value', (bad) => {
    for (const value of [`${kSecret}${bad}`, `${bad}${kSecret}`, `a${bad}${kSecret}`]) {
      let error: unknown
      try {
        checkCredential('x.secret', value)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ConfigurationError)
      expect((error as Error).message).toBe(
        'x.secret: contains CR, LF or NUL; remove them (a trailing newline from a file or env var?)',
      )
      for (const surface of [(error as Error).stack, inspect(error), JSON.stringify(error)]) {
        expect(surface).not.toContain(kSecret)
      }
    }
  })

  it('gives the same reason without an option name, for values that are not options', () => {
    expect(credentialProblem('')).toBe('must not be empty')
    expect(credentialProblem(7)).toBe('must be a string (got number)')
    expect(credentialProblem(`${kSecret}\n`)).not.toContain(kSecret)
  })
})

describe('checkCredential with a scheme', () => {
  const kSecret = 's3cr3t-value'
  const notAToken =
    "x.token: contains spaces or non-ASCII characters; the value after 'Xyz ' must be visible ASCII without spaces"

  it.each(['abc', 'AAEAAWVsYXN0aWM6dG9rZW4=', 'a.b-c_d~e+f/g', 'Xyz', 'Xyzabc', '!#$%&*^`|'])(
    'returns the token %j as it is',
    (value) => {
      expect(checkCredential('x.token', value, { scheme: 'Xyz' })).toBe(value)
      expect(credentialProblem(value, { scheme: 'Xyz' })).toBeUndefined()
    },
  )

  it.each([
    ['Xyz abc', "x.token: starts with 'Xyz '; drop the prefix, the middleware adds it"],
    ['xYZ\tabc', "x.token: starts with 'Xyz '; drop the prefix, the middleware adds it"],
    ['Xyz ', "x.token: starts with 'Xyz '; drop the prefix, the middleware adds it"],
    ['two words', notAToken],
    [' lead', notAToken],
    ['naïve', notAToken],
    ['tab\there', notAToken],
    ['del\x7f', notAToken],
    // the checks every credential has come first
    ['Xyz abc\n', 'x.token: contains CR, LF or NUL; remove them (a trailing newline from a file or env var?)'],
    ['', 'x.token: must not be empty'],
    [7, 'x.token: must be a string (got number)'],
  ])('refuses %j', (value, message) => {
    expect(() => checkCredential('x.token', value, { scheme: 'Xyz' })).toThrow(new ConfigurationError(message))
  })

  it('adds the hint to the reason of a value that is not one token, and only there', () => {
    const rule = { scheme: 'Xyz', hint: 'give the `key` field of the answer' }
    expect(credentialProblem('a b', rule)).toBe(
      "contains spaces or non-ASCII characters; the value after 'Xyz ' must be visible ASCII without spaces; " +
        'give the `key` field of the answer',
    )
    expect(credentialProblem('Xyz a', rule)).toBe("starts with 'Xyz '; drop the prefix, the middleware adds it")
    expect(credentialProblem('a b', { hint: 'ignored without a scheme' })).toBeUndefined()
  })

  it('never echoes the value', () => {
    for (const value of [`Xyz ${kSecret}`, `${kSecret} x`, `${kSecret}é`]) {
      let error: unknown
      try {
        checkCredential('x.token', value, { scheme: 'Xyz' })
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ConfigurationError)
      for (const surface of [(error as Error).message, (error as Error).stack, inspect(error), JSON.stringify(error)]) {
        expect(surface).not.toContain(kSecret)
      }
    }
  })
})

describe('encodeBase64', () => {
  it.each(['', 'elastic:changeme', 'élastic:pässword', 'ключ:秘密', 'emoji:🔑', 'a'.repeat(1000)])(
    'gives the base64 of the UTF-8 bytes of %j',
    (text) => {
      expect(encodeBase64(text)).toBe(Buffer.from(text, 'utf8').toString('base64'))
    },
  )

  it('pads to a multiple of four', () => {
    expect([encodeBase64('a'), encodeBase64('ab'), encodeBase64('abc')]).toEqual(['YQ==', 'YWI=', 'YWJj'])
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
