import { Readable } from 'node:stream'
import { inspect } from 'node:util'
import { configurationError, recorder, attemptOf as request } from '@stretch/test-utils'
import { type Handler, isRequestAbortedError, type TransportRequest } from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { bearerAuth, isTokenProviderError, TokenProviderError } from '../src/index.js'

const SECRET = 'tok-S3cr3t-planted-4711'

/** A provider that hands out the given tokens in order and counts its calls. */
function sequence(...tokens: string[]): { provider: () => Promise<string>; calls: () => number } {
  let calls = 0
  return {
    provider: async () => {
      const token = tokens[Math.min(calls, tokens.length - 1)] as string
      calls += 1
      return token
    },
    calls: () => calls,
  }
}

/** A handler that accepts only `Bearer <valid>` and answers 401 otherwise, recording what it saw. */
function server(valid: () => string): { handler: Handler; seen: string[] } {
  const seen: string[] = []
  const handler: Handler = async (r: TransportRequest) => {
    const auth = r.headers['authorization'] ?? ''
    seen.push(auth)
    return { statusCode: auth === `Bearer ${valid()}` ? 200 : 401, headers: {}, body: new Uint8Array() }
  }
  return { handler, seen }
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('bearerAuth with a token', () => {
  it('sends Bearer <token> on every attempt', async () => {
    const { handler, seen } = recorder()
    const h = bearerAuth('abc.def-ghi_jkl~mno+/=')(handler)
    await h(request({}, 1))
    await h(request({}, 2))
    expect(seen.map((r) => [r.node.id, r.headers['authorization']])).toEqual([
      ['https://node-1.example:9200', 'Bearer abc.def-ghi_jkl~mno+/='],
      ['https://node-2.example:9200', 'Bearer abc.def-ghi_jkl~mno+/='],
    ])
  })

  it('never refreshes: a 401 is returned as it is', async () => {
    const { handler, seen } = server(() => 'other')
    const response = await bearerAuth('static')(handler)(request())
    expect(response.statusCode).toBe(401)
    expect(seen).toEqual(['Bearer static'])
  })

  it('leaves a per-request authorization header alone', async () => {
    const { handler, seen } = recorder()
    const override = request({ authorization: 'ApiKey abc' })
    await bearerAuth('t')(handler)(override)
    expect(seen[0]).toBe(override)
  })

  it.each([
    ['', 'bearerAuth.token: must not be empty'],
    ['Bearer abc', "bearerAuth.token: starts with 'Bearer '"],
    ['two words', 'bearerAuth.token: contains spaces or non-ASCII characters'],
    ['naïve', 'bearerAuth.token: contains spaces or non-ASCII characters'],
    [42, 'bearerAuth.token: must be a string or a function returning a Promise of one (got number)'],
    [null, 'bearerAuth.token: must be a string or a function returning a Promise of one (got null)'],
    [undefined, 'bearerAuth.token: must be a string or a function returning a Promise of one (got undefined)'],
  ])('rejects %j', (token, message) => {
    expect(configurationError(() => bearerAuth(token as never)).message).toContain(message)
  })

  it.each(['\r', '\n', '\0'])('rejects %j anywhere, never echoing the token', (bad) => {
    for (const token of [`${SECRET}${bad}`, `${bad}${SECRET}`, `a${bad}${SECRET}`]) {
      const error = configurationError(() => bearerAuth(token))
      expect(error.message).toMatch(/^bearerAuth\.token: contains CR, LF or NUL/)
      for (const surface of [error.message, error.stack, inspect(error), JSON.stringify(error)]) {
        expect(surface).not.toContain(SECRET)
      }
    }
  })
})

describe('bearerAuth with a provider', () => {
  it('calls the provider lazily, on the first request, and caches the token', async () => {
    const tokens = sequence('t1')
    const mw = bearerAuth(tokens.provider)
    const { handler, seen } = recorder()
    const h = mw(handler)
    expect(tokens.calls()).toBe(0)
    await h(request())
    await h(request({}, 2))
    await h(request())
    expect(tokens.calls()).toBe(1)
    expect(seen.map((r) => r.headers['authorization'])).toEqual(['Bearer t1', 'Bearer t1', 'Bearer t1'])
  })

  it('shares one provider call among concurrent first requests', async () => {
    const gate = deferred<string>()
    let calls = 0
    const h = bearerAuth(() => {
      calls += 1
      return gate.promise
    })(recorder().handler)
    const all = Promise.all([h(request()), h(request()), h(request())])
    gate.resolve('shared')
    await all
    expect(calls).toBe(1)
  })

  it('shares the token cache among chains built from one middleware (a transport and its children)', async () => {
    const tokens = sequence('t1')
    const mw = bearerAuth(tokens.provider)
    await mw(recorder().handler)(request())
    await mw(recorder().handler)(request())
    expect(tokens.calls()).toBe(1)
  })

  it('on a 401, refreshes once and sends the attempt again with the new token', async () => {
    let valid = 'old'
    const tokens = sequence('old', 'new')
    const { handler, seen } = server(() => valid)
    const h = bearerAuth(tokens.provider)(handler)
    expect((await h(request())).statusCode).toBe(200)
    valid = 'new' // the old token expired
    const response = await h(request())
    expect(response.statusCode).toBe(200)
    expect(seen).toEqual(['Bearer old', 'Bearer old', 'Bearer new'])
    expect(tokens.calls()).toBe(2)
    // and the new token is cached
    await h(request())
    expect(seen.at(-1)).toBe('Bearer new')
    expect(tokens.calls()).toBe(2)
  })

  it('refreshes once for all the requests refused with the same token', async () => {
    let valid = 'old'
    const refreshed = deferred<string>()
    let calls = 0
    const { handler, seen } = server(() => valid)
    const h = bearerAuth(() => {
      calls += 1
      return calls === 1 ? Promise.resolve('old') : refreshed.promise
    })(handler)
    await h(request())
    valid = 'new'
    const three = Promise.all([h(request()), h(request()), h(request())])
    refreshed.resolve('new')
    expect((await three).map((r) => r.statusCode)).toEqual([200, 200, 200])
    expect(calls).toBe(2)
    expect(seen.filter((s) => s === 'Bearer new')).toHaveLength(3)
  })

  it('sends again only once: a second 401 is returned', async () => {
    const tokens = sequence('a', 'b', 'c')
    const { handler, seen } = server(() => 'never')
    const response = await bearerAuth(tokens.provider)(handler)(request())
    expect(response.statusCode).toBe(401)
    expect(seen).toEqual(['Bearer a', 'Bearer b'])
    expect(tokens.calls()).toBe(2)
  })

  it('does not send again when the provider returns the refused token', async () => {
    const tokens = sequence('same')
    const { handler, seen } = server(() => 'never')
    const response = await bearerAuth(tokens.provider)(handler)(request())
    expect(response.statusCode).toBe(401)
    expect(seen).toEqual(['Bearer same'])
    expect(tokens.calls()).toBe(2)
  })

  it('does not send a stream body twice', async () => {
    const tokens = sequence('a', 'b')
    const { handler, seen } = server(() => 'b')
    const streamed = { ...request(), method: 'POST' as const, body: Readable.from(['{}']) }
    expect((await bearerAuth(tokens.provider)(handler)(streamed)).statusCode).toBe(401)
    expect(seen).toEqual(['Bearer a'])
    // a body held in memory is sent again
    const inMemory = { ...request(), method: 'POST' as const, body: '{}' }
    expect((await bearerAuth(sequence('a', 'b').provider)(handler)(inMemory)).statusCode).toBe(200)
  })

  it('leaves a per-request authorization header alone: no provider call, no refresh', async () => {
    const tokens = sequence('t')
    const { handler, seen } = server(() => 'never')
    const response = await bearerAuth(tokens.provider)(handler)(request({ authorization: 'Basic dTpw' }))
    expect(response.statusCode).toBe(401)
    expect(seen).toEqual(['Basic dTpw'])
    expect(tokens.calls()).toBe(0)
  })

  it('surfaces a provider failure as a TokenProviderError with the cause, and tries again next time', async () => {
    const cause = new Error(`vault unreachable ${SECRET}`)
    let calls = 0
    const { handler, seen } = recorder()
    const h = bearerAuth(async () => {
      calls += 1
      if (calls === 1) throw cause
      return 'recovered'
    })(handler)
    const error = await h(request()).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isTokenProviderError(error)).toBe(true)
    expect(error).toBeInstanceOf(TokenProviderError)
    const e = error as TokenProviderError
    expect(e.code).toBe('ES_ERR_TOKEN_PROVIDER')
    expect(e.name).toBe('TokenProviderError')
    expect(e.message).toBe('bearerAuth: the token provider failed; see `cause`')
    expect(e.cause).toBe(cause)
    expect(JSON.stringify(e)).not.toContain(SECRET)
    expect(seen).toHaveLength(0)
    await h(request())
    expect(seen[0]?.headers['authorization']).toBe('Bearer recovered')
  })

  it('surfaces a provider that throws synchronously', async () => {
    const h = bearerAuth((() => {
      throw new TypeError('not async')
    }) as never)(recorder().handler)
    await expect(h(request())).rejects.toSatisfy(isTokenProviderError)
    await expect(h(request())).rejects.toSatisfy(isTokenProviderError)
  })

  it('surfaces a failed refresh as a TokenProviderError', async () => {
    let calls = 0
    const h = bearerAuth(async () => {
      calls += 1
      if (calls === 1) return 'old'
      throw new Error('token API down')
    })(server(() => 'new').handler)
    await expect(h(request())).rejects.toSatisfy(
      (e: unknown) => isTokenProviderError(e) && (e.cause as Error).message === 'token API down',
    )
  })

  it.each([
    ['', 'must not be empty'],
    [42, 'must be a string (got number)'],
    [undefined, 'must be a string (got undefined)'],
    [`Bearer ${SECRET}`, "starts with 'Bearer '"],
    [`${SECRET}\n`, 'contains CR, LF or NUL'],
    [`${SECRET} x`, 'contains spaces or non-ASCII characters'],
  ])('rejects a provider result %j without echoing it', async (value, problem) => {
    const h = bearerAuth(async () => value as string)(recorder().handler)
    const error = (await h(request()).catch((e: unknown) => e)) as TokenProviderError
    expect(isTokenProviderError(error)).toBe(true)
    expect(error.message).toMatch(
      new RegExp(`^bearerAuth: the token provider's result ${problem.replace(/[()]/g, '\\$&')}`),
    )
    for (const surface of [error.message, error.stack, inspect(error), JSON.stringify(error)]) {
      expect(surface).not.toContain(SECRET)
    }
  })

  it('stops waiting for the token when the request is aborted', async () => {
    const never = deferred<string>()
    const { handler, seen } = recorder()
    const h = bearerAuth(() => never.promise)(handler)
    const controller = new AbortController()
    const pending = h({ ...request(), signal: controller.signal })
    controller.abort(new Error('user gave up'))
    const error = await pending.catch((e: unknown) => e)
    expect(isRequestAbortedError(error)).toBe(true)
    expect(seen).toHaveLength(0)
    const already = await h({ ...request(), signal: controller.signal }).catch((e: unknown) => e)
    expect(isRequestAbortedError(already)).toBe(true)
    // the shared call goes on and serves the next request
    never.resolve('late')
    await h(request())
    expect(seen[0]?.headers['authorization']).toBe('Bearer late')
  })

  it('stops waiting for a hung provider after the attempt timeout', async () => {
    const hung = deferred<string>()
    const { handler, seen } = recorder()
    const h = bearerAuth(() => hung.promise)(handler)
    const error = await h({ ...request(), timeout: 25 }).catch((e: unknown) => e)
    expect(isTokenProviderError(error)).toBe(true)
    expect((error as Error).message).toBe('bearerAuth: the token provider did not answer within 25 ms (requestTimeout)')
    expect(seen).toHaveLength(0)
    hung.resolve('eventually')
    await h({ ...request(), timeout: 25 })
    expect(seen[0]?.headers['authorization']).toBe('Bearer eventually')
  })

  it('keeps the token out of every printable surface of the middleware', async () => {
    const mw = bearerAuth(async () => SECRET)
    const handler = mw(recorder().handler)
    await handler(request())
    for (const surface of [
      inspect(mw, { showHidden: true, depth: null }),
      inspect(handler, { showHidden: true, depth: null }),
      String(mw),
      String(handler),
      JSON.stringify({ mw, handler }),
    ]) {
      expect(surface).not.toContain(SECRET)
    }
    const fixed = bearerAuth(SECRET)
    expect(inspect(fixed, { showHidden: true, depth: null })).not.toContain(SECRET)
    expect(inspect(fixed(recorder().handler), { showHidden: true, depth: null })).not.toContain(SECRET)
  })
})
