import { describe, expect, it } from 'vitest'
import {
  type AttemptEnd,
  type AttemptStart,
  ConfigurationError,
  type HookedRequest,
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
})
