import { inspect } from 'node:util'
import { configurationError, recorder, attemptOf as request } from '@stretch/test-utils'
import { describe, expect, it } from 'vitest'
import { apiKeyAuth } from '../src/index.js'

const SECRET = 'key-S3cr3t-planted-4711'
// What the create-API-key API answers: encoded = base64(id:api_key).
const id = 'VuaCfGcBCdbkQm-e5aOx'
const apiKey = 'ui2lp2axTNmsyakw9tvNnw'
const encoded = Buffer.from(`${id}:${apiKey}`).toString('base64')

describe('apiKeyAuth', () => {
  it('sends the encoded form as it is', async () => {
    const { handler, seen } = recorder()
    await apiKeyAuth(encoded)(handler)(request())
    expect(seen[0]?.headers['authorization']).toBe(`ApiKey ${encoded}`)
    expect(seen[0]?.headers['authorization']).toBe(
      'ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==',
    )
  })

  it('encodes { id, apiKey } and [id, apiKey] as base64(id:apiKey)', async () => {
    const { handler, seen } = recorder()
    await apiKeyAuth({ id, apiKey })(handler)(request())
    await apiKeyAuth([id, apiKey])(handler)(request())
    expect(seen.map((r) => r.headers['authorization'])).toEqual([`ApiKey ${encoded}`, `ApiKey ${encoded}`])
  })

  it('leaves a per-request authorization header alone', async () => {
    const { handler, seen } = recorder()
    const override = request({ authorization: 'Basic dTpw' })
    await apiKeyAuth(encoded)(handler)(override)
    expect(seen[0]).toBe(override)
  })

  it('authenticates every attempt, on whichever node', async () => {
    const { handler, seen } = recorder()
    const h = apiKeyAuth([id, apiKey])(handler)
    await h(request({}, 1))
    await h(request({}, 2))
    expect(seen.map((r) => [r.node.id, r.attempt, r.headers['authorization']])).toEqual([
      ['https://node-1.example:9200', 1, `ApiKey ${encoded}`],
      ['https://node-2.example:9200', 2, `ApiKey ${encoded}`],
    ])
  })

  it.each([
    ['', 'apiKeyAuth.encoded: must not be empty'],
    ['ApiKey abc', "apiKeyAuth.encoded: starts with 'ApiKey '; drop the prefix, the middleware adds it"],
    ['apikey\tabc', "apiKeyAuth.encoded: starts with 'ApiKey '; drop the prefix, the middleware adds it"],
    [
      'two words',
      "apiKeyAuth.encoded: contains spaces or non-ASCII characters; the value after 'ApiKey ' must be visible ASCII " +
        'without spaces; give the `encoded` value of the create-API-key API, or { id, apiKey }',
    ],
    ['naïve', 'apiKeyAuth.encoded: contains spaces or non-ASCII characters'],
    [42, 'apiKeyAuth: give the `encoded` string'],
    [null, 'apiKeyAuth: give the `encoded` string'],
    [{ id: '', apiKey: 'k' }, 'apiKeyAuth.id: must not be empty'],
    [{ id: 'i', apiKey: '' }, 'apiKeyAuth.apiKey: must not be empty'],
    [{ id: 'i' }, 'apiKeyAuth.apiKey: must be a string (got undefined)'],
    [{ id: 7, apiKey: 'k' }, 'apiKeyAuth.id: must be a string (got number)'],
    [{ id: 'i', api_key: 'k' }, 'apiKeyAuth.apiKey: missing; the option is spelled `apiKey`'],
    [['i:x', 'k'], 'apiKeyAuth.id: must not contain `:`'],
    [['i'], 'apiKeyAuth: give [id, apiKey] (got an array of 1)'],
  ])('rejects %j', (key, message) => {
    expect(configurationError(() => apiKeyAuth(key as never)).message).toContain(message)
  })

  it.each(['\r', '\n', '\0'])('rejects %j anywhere, naming the option and never the secret', (bad) => {
    for (const [option, key] of [
      ['encoded', `${SECRET}${bad}`],
      ['encoded', `${bad}${SECRET}`],
      ['apiKey', { id, apiKey: `${SECRET}${bad}` }],
      ['apiKey', [id, `x${bad}${SECRET}`]],
      ['id', { id: `${SECRET}${bad}`, apiKey }],
    ] as const) {
      const error = configurationError(() => apiKeyAuth(key))
      expect(error.message).toMatch(new RegExp(`^apiKeyAuth\\.${option}: contains CR, LF or NUL`))
      for (const surface of [error.message, error.stack, inspect(error), JSON.stringify(error)]) {
        expect(surface).not.toContain(SECRET)
      }
    }
  })

  it('never echoes a malformed key', () => {
    for (const key of [`ApiKey ${SECRET}`, `${SECRET} x`, `${SECRET}é`]) {
      const error = configurationError(() => apiKeyAuth(key))
      expect(`${error.message} ${inspect(error)}`).not.toContain(SECRET)
    }
  })

  it('keeps the key out of every printable surface of the middleware', () => {
    for (const key of [SECRET, { id, apiKey: SECRET }] as const) {
      const mw = apiKeyAuth(key)
      const handler = mw(recorder().handler)
      for (const surface of [
        inspect(mw, { showHidden: true, depth: null }),
        inspect(handler, { showHidden: true, depth: null }),
        String(mw),
        String(handler),
        JSON.stringify({ mw, handler }),
      ]) {
        expect(surface).not.toContain(SECRET)
        expect(surface).not.toContain(Buffer.from(`${id}:${SECRET}`).toString('base64'))
      }
    }
  })
})
