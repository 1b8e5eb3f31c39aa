import { inspect } from 'node:util'
import {
  type Connection,
  createNodePool,
  type Handler,
  isConfigurationError,
  type TransportRequest,
  type TransportResponse,
} from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { basicAuth } from '../src/index.js'

const SECRET = 'pw-S3cr3t-planted-4711'

const unusedConnection: Connection = {
  request: () => Promise.reject(new Error('the stub handler answers, not the connection')),
  close: () => Promise.resolve(),
}
const pool = createNodePool({ nodes: ['https://node-1.example:9200'], connection: () => unusedConnection })

function request(headers: Record<string, string> = {}): TransportRequest {
  return {
    method: 'GET',
    path: '/',
    headers: { accept: 'application/json', ...headers },
    body: undefined,
    node: pool.nodes[0]!,
    attempt: 1,
    signal: undefined,
    timeout: undefined,
  }
}

function recorder(): { handler: Handler; seen: TransportRequest[] } {
  const seen: TransportRequest[] = []
  const handler: Handler = async (r) => {
    seen.push(r)
    const ok: TransportResponse = { statusCode: 200, headers: {}, body: new Uint8Array() }
    return ok
  }
  return { handler, seen }
}

function configurationError(fn: () => unknown): Error & { message: string } {
  try {
    fn()
  } catch (error) {
    expect(isConfigurationError(error)).toBe(true)
    return error as Error
  }
  throw new Error('expected a ConfigurationError')
}

describe('basicAuth', () => {
  it('sends Basic base64(username:password)', async () => {
    const { handler, seen } = recorder()
    await basicAuth({ username: 'elastic', password: 'changeme' })(handler)(request())
    expect(seen[0]?.headers['authorization']).toBe(`Basic ${Buffer.from('elastic:changeme').toString('base64')}`)
    expect(seen[0]?.headers['authorization']).toBe('Basic ZWxhc3RpYzpjaGFuZ2VtZQ==')
    expect(seen[0]?.headers['accept']).toBe('application/json')
  })

  it('accepts a [username, password] pair', async () => {
    const { handler, seen } = recorder()
    await basicAuth(['elastic', 'changeme'])(handler)(request())
    expect(seen[0]?.headers['authorization']).toBe('Basic ZWxhc3RpYzpjaGFuZ2VtZQ==')
  })

  it('encodes UTF-8 (RFC 7617) and allows `:` in the password', async () => {
    const { handler, seen } = recorder()
    await basicAuth({ username: 'jürgen', password: 'pa:ss€' })(handler)(request())
    const encoded = seen[0]?.headers['authorization']?.slice('Basic '.length) ?? ''
    expect(Buffer.from(encoded, 'base64').toString('utf8')).toBe('jürgen:pa:ss€')
  })

  it('does not mutate the request it was given', async () => {
    const { handler } = recorder()
    const original = request()
    const frozen = Object.freeze({ ...original, headers: Object.freeze({ ...original.headers }) })
    await basicAuth(['u', 'p'])(handler)(frozen)
    expect(frozen.headers['authorization']).toBeUndefined()
  })

  it('leaves a per-request authorization header alone', async () => {
    const { handler, seen } = recorder()
    const override = request({ authorization: 'ApiKey per-request' })
    await basicAuth(['u', 'p'])(handler)(override)
    expect(seen[0]).toBe(override)
    expect(seen[0]?.headers['authorization']).toBe('ApiKey per-request')
  })

  it('sets the header on every attempt, whatever the node', async () => {
    const { handler, seen } = recorder()
    const two = createNodePool({ nodes: ['https://a:9200', 'https://b:9200'], connection: () => unusedConnection })
    const h = basicAuth(['u', 'p'])(handler)
    await h({ ...request(), node: two.nodes[0]!, attempt: 1 })
    await h({ ...request(), node: two.nodes[1]!, attempt: 2 })
    expect(seen.map((r) => [r.node.id, r.headers['authorization']])).toEqual([
      ['https://a:9200', 'Basic dTpw'],
      ['https://b:9200', 'Basic dTpw'],
    ])
  })

  it('passes the response and errors of next through', async () => {
    const failing: Handler = () => Promise.reject(new Error('boom'))
    await expect(basicAuth(['u', 'p'])(failing)(request())).rejects.toThrow('boom')
    const teapot: Handler = async () => ({ statusCode: 418, headers: { a: 'b' }, body: new Uint8Array([1]) })
    await expect(basicAuth(['u', 'p'])(teapot)(request())).resolves.toEqual({
      statusCode: 418,
      headers: { a: 'b' },
      body: new Uint8Array([1]),
    })
  })

  it.each([
    ['username', { username: '', password: 'p' }, 'basicAuth.username: must not be empty'],
    ['password', { username: 'u', password: '' }, 'basicAuth.password: must not be empty'],
    ['username', { username: 1, password: 'p' }, 'basicAuth.username: must be a string (got number)'],
    ['password', { username: 'u', password: null }, 'basicAuth.password: must be a string (got null)'],
    ['password', { username: 'u' }, 'basicAuth.password: must be a string (got undefined)'],
    ['username', ['', 'p'], 'basicAuth.username: must not be empty'],
  ])('rejects a bad %s: %j', (_, options, message) => {
    expect(configurationError(() => basicAuth(options as never)).message).toBe(message)
  })

  it('rejects a username with `:`', () => {
    expect(configurationError(() => basicAuth({ username: 'a:b', password: 'p' })).message).toMatch(
      /^basicAuth\.username: must not contain `:`/,
    )
  })

  it('rejects a missing or malformed options value', () => {
    expect(configurationError(() => basicAuth(undefined as never)).message).toMatch(/^basicAuth: give \{ username/)
    expect(configurationError(() => basicAuth('elastic:changeme' as never)).message).toMatch(/^basicAuth: give/)
    expect(configurationError(() => basicAuth(['only-one'] as never)).message).toMatch(
      /^basicAuth: give \[username, password\] \(got an array of 1\)/,
    )
  })

  it.each(['\r', '\n', '\0', '\r\n'])('rejects %j anywhere, naming the option and never the secret', (bad) => {
    for (const [where, options] of [
      ['password', { username: 'elastic', password: `${SECRET}${bad}` }],
      ['password', { username: 'elastic', password: `${bad}${SECRET}` }],
      ['username', { username: `${SECRET}${bad}x`, password: 'p' }],
    ] as const) {
      const error = configurationError(() => basicAuth(options))
      expect(error.message).toContain(`basicAuth.${where}`)
      expect(error.message).toContain('CR, LF or NUL')
      for (const surface of [error.message, error.stack, inspect(error), JSON.stringify(error)]) {
        expect(surface).not.toContain(SECRET)
      }
    }
  })

  it('keeps the credentials out of every printable surface of the middleware', () => {
    const mw = basicAuth({ username: 'elastic', password: SECRET })
    const handler = mw(recorder().handler)
    const encoded = Buffer.from(`elastic:${SECRET}`).toString('base64')
    for (const surface of [
      inspect(mw, { showHidden: true, depth: null }),
      inspect(handler, { showHidden: true, depth: null }),
      String(mw),
      String(handler),
      JSON.stringify({ mw, handler }),
      Object.getOwnPropertyNames(mw).join(),
    ]) {
      expect(surface).not.toContain(SECRET)
      expect(surface).not.toContain(encoded)
    }
  })

  it('keeps no state between middleware instances', async () => {
    const a = recorder()
    const b = recorder()
    await basicAuth(['alice', 'one'])(a.handler)(request())
    await basicAuth(['bob', 'two'])(b.handler)(request())
    await basicAuth(['alice', 'one'])(a.handler)(request())
    expect(a.seen.map((r) => r.headers['authorization'])).toEqual(['Basic YWxpY2U6b25l', 'Basic YWxpY2U6b25l'])
    expect(b.seen[0]?.headers['authorization']).toBe('Basic Ym9iOnR3bw==')
  })
})
