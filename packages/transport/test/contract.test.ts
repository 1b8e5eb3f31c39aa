// The public contract: read-only requests, what a pool gets called with, headers a caller set, error codes that
// nobody can forge, and a constructor without a back door.
import { describe, expect, it } from 'vitest'
import {
  ConfigurationError,
  ConnectionError,
  createNodePool,
  isConnectionError,
  isTimeoutError,
  isTlsError,
  isTransportError,
  type NodePool,
  type PoolNode,
  TimeoutError,
  TlsError,
  Transport,
  TransportError,
  type TransportRequest,
  withHeader,
} from '../src/index.js'
import { json, rejection, resetAfterWrite, stubConnections, timedOut } from './helpers.js'

function transportOf(script: Parameters<typeof stubConnections>[0], nodes = ['http://a:9200', 'http://b:9200']) {
  const stub = stubConnections(script)
  const transport = new Transport({ nodes, connection: stub.factory, retryBackoff: 0 })
  return { transport, ...stub }
}

describe('readOnly requests', () => {
  it('resends a readOnly POST after a possible delivery (socket closed after writing, timeout), on another node', async () => {
    for (const failure of [resetAfterWrite, timedOut]) {
      let calls = 0
      const { transport, sent } = transportOf(() => (calls++ === 0 ? failure() : json(200, { count: 3 })))
      const result = await transport.request({ method: 'POST', path: '/_count', body: {}, readOnly: true })
      expect(result.body).toEqual({ count: 3 })
      expect(sent.map((s) => s.node)).toEqual(['http://a:9200', 'http://b:9200'])
    }
  })

  it('never resends a POST without readOnly, or with readOnly false', async () => {
    for (const readOnly of [undefined, false]) {
      const { transport, sent } = transportOf(() => resetAfterWrite())
      const error = await rejection(transport.request({ method: 'POST', path: '/i/_doc', body: {}, readOnly }))
      expect(isConnectionError(error) && error.requestSent).toBe(true)
      expect(sent).toHaveLength(1)
    }
  })
})

/** A pool that delegates to the default one and records what the transport calls. */
function recordingPool(inner: NodePool): NodePool & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    get nodes() {
      return inner.nodes
    },
    select: (context, tried) => inner.select(context, tried),
    markDead: (node) => {
      calls.push(`dead ${node.id}`)
      inner.markDead(node)
    },
    markAlive: (node) => {
      calls.push(`alive ${node.id}`)
      inner.markAlive(node)
    },
    acquire: (node) => {
      calls.push(`acquire ${node.id} (in flight ${node.inFlight})`)
      inner.acquire(node)
    },
    release: (node) => {
      calls.push(`release ${node.id} (in flight ${node.inFlight})`)
      inner.release(node)
    },
    update: (nodes) => inner.update(nodes),
    close: () => inner.close(),
  }
}

describe('the NodePool contract', () => {
  it('acquires before each attempt and releases once it settled; the default pool counts inFlight', async () => {
    let calls = 0
    const stub = stubConnections(() => (calls++ === 0 ? resetAfterWrite() : json(200, {})))
    const pool = recordingPool(createNodePool({ nodes: ['http://a:9200', 'http://b:9200'], connection: stub.factory }))
    const transport = new Transport({ pool, retryBackoff: 0 })
    await transport.request({ method: 'GET', path: '/' })
    expect(pool.calls).toEqual([
      'acquire http://a:9200 (in flight 0)',
      'release http://a:9200 (in flight 1)',
      'dead http://a:9200',
      'acquire http://b:9200 (in flight 0)',
      'release http://b:9200 (in flight 1)',
    ])
    expect(pool.nodes.map((n) => n.inFlight)).toEqual([0, 0])
  })

  it('merges node headers for nodes of any pool, under the request headers', async () => {
    const seen: TransportRequest[] = []
    const stub = stubConnections((request) => {
      seen.push(request)
      return json(200, {})
    })
    const inner = createNodePool({ nodes: ['http://u:p@a:9200'], connection: stub.factory })
    // a node object of another shape than the default pool's, with the same public fields
    const [own] = inner.nodes as [PoolNode]
    const foreign: PoolNode = {
      url: own.url,
      id: own.id,
      name: undefined,
      roles: undefined,
      attributes: {},
      headers: { authorization: own.headers['authorization'] as string, 'x-zone': 'a' },
      connection: own.connection,
      alive: true,
      failures: 0,
      deadUntil: 0,
      inFlight: 0,
      info: () => own.info(),
    }
    const pool: NodePool = { ...recordingPool(inner), nodes: [foreign], select: () => foreign }
    const transport = new Transport({ pool })
    await transport.request({ method: 'GET', path: '/' })
    await transport.request({ method: 'GET', path: '/' }, { headers: { 'x-zone': 'b' } })
    expect(seen.map((r) => [r.headers['authorization'], r.headers['x-zone']])).toEqual([
      [`Basic ${Buffer.from('u:p').toString('base64')}`, 'a'],
      [`Basic ${Buffer.from('u:p').toString('base64')}`, 'b'],
    ])
  })

  it('the default pool ignores nodes it did not create', () => {
    const pool = createNodePool({ nodes: ['http://a:9200'], connection: stubConnections(() => json(200, {})).factory })
    const other = createNodePool({ nodes: ['http://a:9200'], connection: stubConnections(() => json(200, {})).factory })
    const stranger = other.nodes[0] as PoolNode
    pool.markDead(stranger)
    pool.acquire(stranger)
    expect({ alive: stranger.alive, failures: stranger.failures, inFlight: stranger.inFlight }).toEqual({
      alive: true,
      failures: 0,
      inFlight: 0,
    })
  })

  it('closes a node removed by update once its last attempt was released', async () => {
    let finish: (() => void) | undefined
    const stub = stubConnections(
      () =>
        new Promise((resolve) => {
          finish = () => resolve(json(200, {}))
        }),
    )
    const transport = new Transport({ nodes: ['http://a:9200'], connection: stub.factory })
    const pending = transport.request({ method: 'GET', path: '/' })
    await Promise.resolve()
    expect(transport.pool.nodes[0]?.inFlight).toBe(1)
    transport.pool.update([{ url: 'http://b:9200' }])
    expect(stub.closed).toEqual([])
    finish?.()
    await pending
    expect(stub.closed).toEqual(['http://a:9200'])
  })
})

describe('withHeader', () => {
  const request = { headers: { authorization: 'ApiKey caller' } } as unknown as TransportRequest

  it('keeps a header the caller set, and returns the same request', () => {
    expect(withHeader(request, 'Authorization', 'Basic x')).toBe(request)
  })

  it('sets a missing header (lowercased) on a copy, or replaces one when told', () => {
    const stamped = withHeader(request, 'X-Stamp', 'yes')
    expect(stamped.headers).toEqual({ authorization: 'ApiKey caller', 'x-stamp': 'yes' })
    expect(request.headers).toEqual({ authorization: 'ApiKey caller' })
    expect(withHeader(request, 'authorization', 'Basic x', { replace: true }).headers).toEqual({
      authorization: 'Basic x',
    })
  })
})

describe('error codes are fixed by the class', () => {
  it('a constructor takes no code: an extra argument cannot make a ConnectionError look like a timeout', () => {
    const Forging = ConnectionError as unknown as new (m: string, o: object, code: string) => ConnectionError
    const error = new Forging('boom', {}, 'ES_ERR_TIMEOUT')
    expect(error.code).toBe('ES_ERR_CONNECTION')
    expect(isTimeoutError(error)).toBe(false)
    expect(isConnectionError(error)).toBe(true)
    expect(new TlsError('bad certificate').code).toBe('ES_ERR_TLS')
    expect(new TimeoutError('slow').code).toBe('ES_ERR_TIMEOUT')
  })

  it("a plugin's subclass takes the code of the class it extends", () => {
    class ProxyTunnelError extends ConnectionError {
      override name = 'ProxyTunnelError'
    }
    const error = new ProxyTunnelError('tunnel refused', { requestSent: false })
    expect(error.code).toBe('ES_ERR_CONNECTION')
    expect(isConnectionError(error)).toBe(true)
    expect(isTlsError(error)).toBe(false)
  })

  it('TransportError itself is abstract: extending it directly throws a TypeError that says what to extend', () => {
    const Base = TransportError as unknown as new (m: string) => Error
    class Rogue extends Base {}
    expect(() => new Rogue('x')).toThrow(
      new TypeError('TransportError is abstract: extend one of its subclasses, such as ConnectionError'),
    )
  })

  it('the guards recognise errors of another copy of the package by their brand', () => {
    const copy = Object.assign(new Error('from another copy'), {})
    Object.defineProperty(copy, Symbol.for('@stretch/transport.error'), { value: 'ES_ERR_TLS' })
    expect(isTransportError(copy)).toBe(true)
    expect(isConnectionError(copy)).toBe(true)
    expect(isTlsError(copy)).toBe(true)
  })
})

describe('the Transport constructor', () => {
  it("takes one argument: a second one does not share another transport's pool", () => {
    const stub = stubConnections(() => json(200, {}))
    const parent = new Transport({ nodes: ['http://a:9200'], connection: stub.factory })
    const Ctor = Transport as unknown as new (options: object, parent: Transport) => Transport
    const other = new Ctor({ nodes: ['http://b:9200'], connection: stub.factory }, parent)
    expect(other.pool).not.toBe(parent.pool)
    expect(other.pool.nodes.map((n) => n.id)).toEqual(['http://b:9200'])
    expect(parent.child({ maxRetries: 1 }).pool).toBe(parent.pool)
  })

  it('a child built from a child still shares the root pool; a construction that throws leaves nothing behind', () => {
    const stub = stubConnections(() => json(200, {}))
    const root = new Transport({ nodes: ['http://a:9200'], connection: stub.factory })
    expect(() => root.child({ maxRetries: -1 })).toThrow(ConfigurationError)
    const next = new Transport({ nodes: ['http://b:9200'], connection: stub.factory })
    expect(next.pool).not.toBe(root.pool)
    expect(root.child({}).child({}).pool).toBe(root.pool)
  })

  it("an object shaped like child()'s wrapper is plain options, not a way in to another transport's pool", () => {
    const stub = stubConnections(() => json(200, {}))
    const root = new Transport({ nodes: ['http://a:9200'], connection: stub.factory })
    const forged = { parent: root, defaults: {}, options: {}, transport: root }
    expect(() => new Transport(forged as never)).toThrow(/^Transport: unknown options `parent`/)
    // and without the unknown names, it is options without a connection
    expect(() => new Transport({ nodes: ['http://a:9200'] })).toThrow(
      'connection: give a connection factory, such as undiciConnection() from @stretch/connection-undici',
    )
    expect(Transport.length).toBe(1)
  })
})
