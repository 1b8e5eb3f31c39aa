import { describe, expect, it } from 'vitest'
import {
  type AttemptEnd,
  type AttemptStart,
  ConfigurationError,
  type HookedRequest,
  type InternalRequest,
  type Middleware,
  type NodeDiscovery,
  type RequestHook,
  Transport,
  type TransportResult,
} from '../src/index.js'
import { fakeClock, json, refused, rejection, stubConnections } from './helpers.js'

interface Recorded {
  request: HookedRequest
  events: (['start', AttemptStart] | ['end', AttemptEnd])[]
  outcome?: TransportResult | unknown
}

function recordingHook(): { hook: RequestHook; calls: Recorded[] } {
  const calls: Recorded[] = []
  const hook: RequestHook = {
    async wrap(request, send) {
      const call: Recorded = { request, events: [] }
      calls.push(call)
      try {
        const result = await send({
          attemptStart: (e) => call.events.push(['start', e]),
          attemptEnd: (e) => call.events.push(['end', e]),
        })
        call.outcome = result
        return result
      } catch (error) {
        call.outcome = error
        throw error
      }
    },
  }
  return { hook, calls }
}

describe('RequestHook', () => {
  it('wraps each logical request once and hears every attempt: node, status or error, and the retry delay', async () => {
    let n = 0
    const stub = stubConnections(() => {
      n++
      if (n === 1) return refused()
      if (n === 2) return json(503, { error: 'busy' })
      return json(200, { ok: true })
    })
    const { hook, calls } = recordingHook()
    const transport = new Transport({
      nodes: ['http://a:9200', 'http://b:9200'],
      connection: stub.factory,
      requestHook: hook,
      clock: fakeClock(),
      random: () => 0.5,
    })
    const result = await transport.request({
      method: 'POST',
      path: '/my-index/_search',
      querystring: { size: 1 },
      body: { query: { match_all: {} } },
      endpoint: 'search',
      pathParts: { index: 'my-index' },
    })
    expect(result.body).toEqual({ ok: true })
    expect(calls).toHaveLength(1)
    const call = calls[0] as Recorded
    expect(call.request).toEqual({
      method: 'POST',
      path: '/my-index/_search',
      querystring: { size: 1 },
      endpoint: 'search',
      pathParts: { index: 'my-index' },
    })
    expect(call.outcome).toBe(result)
    const ends = call.events.filter(([kind]) => kind === 'end').map(([, e]) => e as AttemptEnd)
    expect(call.events.map(([kind, e]) => `${kind} ${e.attempt} ${e.node.url}`)).toEqual([
      'start 1 http://a:9200',
      'end 1 http://a:9200',
      'start 2 http://b:9200',
      'end 2 http://b:9200',
      'start 3 http://a:9200',
      'end 3 http://a:9200',
    ])
    expect(ends.map((e) => [e.statusCode, (e.error as Error | undefined)?.name, e.retryDelay])).toEqual([
      [undefined, 'ConnectionError', 50],
      [503, undefined, 100],
      [200, undefined, undefined],
    ])
  })

  it('sees the error the caller gets, and a throwing observer changes nothing', async () => {
    const stub = stubConnections(() => json(404, { error: 'no such index' }))
    const seen: unknown[] = []
    const transport = new Transport({
      nodes: ['http://a:9200'],
      connection: stub.factory,
      requestHook: {
        wrap: (_request, send) =>
          send({
            attemptEnd: () => {
              throw new Error('observer bug')
            },
          }).catch((error: unknown) => {
            seen.push(error)
            throw error
          }),
      },
    })
    const error = await rejection(transport.request({ method: 'GET', path: '/missing' }))
    expect((error as Error).name).toBe('ResponseError')
    expect(seen).toEqual([error])
  })

  it('requestMapped resolves to map(result), with the hook still seeing the whole result', async () => {
    const { hook, calls } = recordingHook()
    const stub = stubConnections(() => json(200, { answer: 42 }))
    const plain = new Transport({ nodes: ['http://a:9200'], connection: stub.factory, clock: fakeClock() })
    const hooked = new Transport({ nodes: ['http://a:9200'], connection: stub.factory, requestHook: hook })
    for (const transport of [plain, hooked]) {
      const seen: TransportResult[] = []
      const body = await transport.requestMapped({ method: 'GET', path: '/' }, undefined, (result) => {
        seen.push(result)
        return result.body
      })
      expect(body).toEqual({ answer: 42 })
      expect(seen).toHaveLength(1)
      expect(seen[0]).toMatchObject({ statusCode: 200, meta: { attempts: 1, request: { method: 'GET', path: '/' } } })
      // What map throws is what the caller gets; the transport's own errors never reach map.
      const thrown = new Error('not for me')
      await expect(
        transport.requestMapped({ method: 'GET', path: '/' }, undefined, () => {
          throw thrown
        }),
      ).rejects.toBe(thrown)
    }
    expect(calls[0]?.outcome).toMatchObject({ body: { answer: 42 } })
    const failing = new Transport({
      nodes: ['http://a:9200'],
      connection: stubConnections(() => json(404, { error: 'gone' })).factory,
    })
    let mapped = 0
    const error = await rejection(failing.requestMapped({ method: 'GET', path: '/x' }, undefined, () => mapped++))
    expect(error).toMatchObject({ statusCode: 404 })
    expect(mapped).toBe(0)
    const bad = await rejection(plain.requestMapped({ method: 'GET', path: '/' }, undefined, 'body' as never))
    expect(bad).toBeInstanceOf(ConfigurationError)
    expect((bad as Error).message).toContain('`map` must be a function')
  })

  it('is shared by children, exposed as transport.requestHook, and checked at construction', async () => {
    const stub = stubConnections(() => json(200, {}))
    const { hook, calls } = recordingHook()
    const transport = new Transport({ nodes: ['http://a:9200'], connection: stub.factory, requestHook: hook })
    await transport.child({ headers: { 'x-a': '1' } }).request({ method: 'GET', path: '/' })
    expect(calls).toHaveLength(1)
    expect(transport.requestHook).toBe(hook)
    expect(new Transport({ nodes: ['http://a:9200'], connection: stub.factory }).requestHook).toBeUndefined()
    expect(
      () => new Transport({ nodes: ['http://a:9200'], connection: stub.factory, requestHook: {} as RequestHook }),
    ).toThrow(ConfigurationError)
  })

  it('shows the origin of a call to the hook, sends nothing of it, and refuses an empty or non-string one', async () => {
    const stub = stubConnections(() => json(200, { ok: true }))
    const { hook, calls } = recordingHook()
    const transport = new Transport({ nodes: ['http://a:9200'], connection: stub.factory, requestHook: hook })
    await transport.request({ method: 'POST', path: '/_bulk', endpoint: 'bulk' }, { origin: 'helpers.bulk' })
    await transport.request({ method: 'GET', path: '/', endpoint: 'info' })
    expect(calls.map((c) => [c.request.endpoint, c.request.origin])).toEqual([
      ['bulk', 'helpers.bulk'],
      ['info', undefined],
    ])
    // Not a header, not in the path: the wire carries nothing of it.
    const first = stub.sent[0]?.request
    expect(first?.path).toBe('/_bulk')
    expect(JSON.stringify(first?.headers)).not.toContain('helpers.bulk')

    for (const bad of ['', 42, null]) {
      for (const t of [transport, new Transport({ nodes: ['http://a:9200'], connection: stub.factory })]) {
        const error = await rejection(t.request({ method: 'GET', path: '/' }, { origin: bad as string }))
        expect(error).toBeInstanceOf(ConfigurationError)
        expect((error as Error).message).toMatch(/^origin: must be a non-empty string/)
      }
    }
    expect(stub.sent).toHaveLength(2)
    expect(calls).toHaveLength(2)
  })

  it("gives discovery's own requests to wrapInternal, marked as discovery, and never to wrap", async () => {
    const stub = stubConnections((request) =>
      json(200, request.path.startsWith('/_nodes') ? { nodes: {} } : { ok: true }),
    )
    // A discovery that asks the cluster for its nodes once, before the first request (as sniffOnStart does).
    let asked = false
    const discovery: NodeDiscovery = {
      onRequestStart(context) {
        if (asked) return undefined
        asked = true
        return context.request({ method: 'GET', path: '/_nodes/_all/http' }).then(() => undefined)
      },
    }
    const { hook, calls } = recordingHook()
    const internal: { request: InternalRequest; attempts: string[]; inside: boolean }[] = []
    let running: InternalRequest | undefined
    hook.wrapInternal = async (request, send) => {
      const seen = { request, attempts: [] as string[], inside: false }
      internal.push(seen)
      running = request
      try {
        return await send({ attemptEnd: (e) => seen.attempts.push(`${e.attempt} ${e.node.url} ${e.statusCode}`) })
      } finally {
        running = undefined
      }
    }
    const transport = new Transport({
      nodes: ['http://a:9200'],
      connection: stub.factory,
      requestHook: hook,
      discovery,
      middleware: [
        (next) => (request) => {
          if (running !== undefined && request.path.startsWith('/_nodes'))
            (internal[0] as { inside: boolean }).inside = true
          return next(request)
        },
      ],
    })
    await transport.request({ method: 'GET', path: '/', endpoint: 'info' })
    expect(stub.sent.map((s) => s.request.path)).toEqual(['/_nodes/_all/http', '/'])
    expect(calls.map((c) => c.request.endpoint)).toEqual(['info'])
    expect(internal.map((i) => i.request)).toEqual([
      {
        method: 'GET',
        path: '/_nodes/_all/http',
        querystring: undefined,
        endpoint: undefined,
        pathParts: undefined,
        origin: undefined,
        purpose: 'discovery',
      },
    ])
    expect(internal[0]?.attempts).toEqual(['1 http://a:9200 200'])
    // The discovery request runs inside wrapInternal (its middleware call happens while wrapInternal waits).
    expect(internal[0]?.inside).toBe(true)

    // A hook without wrapInternal: discovery's requests go out unwrapped.
    asked = false
    const plain = recordingHook()
    const bare = new Transport({
      nodes: ['http://a:9200'],
      connection: stub.factory,
      requestHook: plain.hook,
      discovery,
    })
    await bare.request({ method: 'GET', path: '/', endpoint: 'info' })
    expect(plain.calls.map((c) => c.request.endpoint)).toEqual(['info'])
    expect(stub.sent.map((s) => s.request.path).slice(2)).toEqual(['/_nodes/_all/http', '/'])
  })
})

describe('RequestHook.middleware', () => {
  // A middleware that appends its name to a header, so the order the attempt passed through is on the wire.
  const mark =
    (name: string): Middleware =>
    (next) =>
    (request) =>
      next({ ...request, headers: { ...request.headers, 'x-path': `${request.headers['x-path'] ?? ''}/${name}` } })

  it("runs outside the middleware option's, on every attempt, and a child's middleware adds to it", async () => {
    let n = 0
    const stub = stubConnections(() => (++n === 1 ? json(503, { error: 'busy' }) : json(200, { ok: true })))
    const hook: RequestHook = { wrap: (_request, send) => send(), middleware: [mark('hook')] }
    const transport = new Transport({
      nodes: ['http://a:9200'],
      connection: stub.factory,
      requestHook: hook,
      middleware: [mark('mine')],
      clock: fakeClock(),
      random: () => 0,
    })
    await transport.request({ method: 'GET', path: '/' })
    await transport.child({ middleware: [mark('child')] }).request({ method: 'GET', path: '/' })
    await transport.child({ middleware: [] }).request({ method: 'GET', path: '/' })
    expect(stub.sent.map((s) => s.request.headers['x-path'])).toEqual([
      '/hook/mine',
      '/hook/mine',
      '/hook/child',
      '/hook',
    ])
  })

  it('refuses a requestHook.middleware that is not an array of functions', () => {
    const stub = stubConnections(() => json(200, {}))
    const make = (middleware: unknown) => () =>
      new Transport({
        nodes: ['http://a:9200'],
        connection: stub.factory,
        requestHook: { wrap: (_request, send) => send(), middleware: middleware as never },
      })
    expect(make([() => 1, 'x'])).toThrow(ConfigurationError)
    expect(make({})).toThrow(/requestHook\.middleware: must be an array of middleware functions/)
    expect(make(undefined)).not.toThrow()
  })
})
