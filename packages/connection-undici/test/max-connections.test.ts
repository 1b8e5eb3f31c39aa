import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { Socket } from 'node:net'
import { sendJson, startServer } from '@stretch/test-utils'
import { type NodeSelector, Transport } from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { undiciConnection } from '../src/index.js'

/**
 * Tracks how many sockets the client holds open at once, from undici's own `undici:client:connected` channel (the
 * servers see a closed socket a little later than the client closes it, so they would count overlaps).
 */
function clientSockets(): { readonly max: number; stop(): void } {
  const state = { now: 0, max: 0 }
  const listener = (message: unknown): void => {
    const socket = (message as { socket: Socket }).socket
    state.now += 1
    state.max = Math.max(state.max, state.now)
    socket.once('close', () => {
      state.now -= 1
    })
  }
  subscribe('undici:client:connected', listener)
  return {
    get max() {
      return state.max
    },
    stop: () => unsubscribe('undici:client:connected', listener),
  }
}

describe('maxConnections', () => {
  it('never holds more sockets across all nodes than maxConnections, and every request succeeds', async () => {
    const servers = await Promise.all(
      [0, 1, 2].map(() =>
        startServer((_req, res) => {
          setImmediate(() => sendJson(res, 200, {}))
        }),
      ),
    )
    const sockets = clientSockets()
    let i = 0
    const rotate: NodeSelector = (nodes) => nodes[i++ % nodes.length]!
    const transport = new Transport({
      nodes: servers.map((s) => s.url),
      connection: undiciConnection({ maxConnections: 2, connectionsPerNode: 8 }),
      selector: rotate,
    })
    const results = await Promise.all(Array.from({ length: 60 }, () => transport.request({ method: 'GET', path: '/' })))
    expect(results.every((r) => r.statusCode === 200)).toBe(true)
    sockets.stop()
    expect(sockets.max).toBe(2)
    await transport.close()
    await Promise.all(servers.map((s) => s.close()))
  })

  it('closes an idle socket of one node at once when another node needs the slot', async () => {
    await using a = await startServer((_req, res) => sendJson(res, 200, { node: 'a' }))
    await using b = await startServer((_req, res) => sendJson(res, 200, { node: 'b' }))
    let target = a.url
    const transport = new Transport({
      nodes: [a.url, b.url],
      // keep-alive and connect timeouts longer than the test's own: without the eviction the second request hangs
      connection: undiciConnection({ maxConnections: 1, connectTimeout: 60_000, keepAliveTimeout: 600_000 }),
      selector: (nodes) => nodes.find((n) => n.url.href.startsWith(target))!,
    })
    expect((await transport.request({ method: 'GET', path: '/' })).body).toEqual({ node: 'a' })
    target = b.url
    expect((await transport.request({ method: 'GET', path: '/' })).body).toEqual({ node: 'b' })
    // a's idle socket was closed to make room
    await a.drained()
    await transport.close()
  })

  it('is validated', () => {
    expect(() => undiciConnection({ maxConnections: 0 })).toThrow(/maxConnections: must be a whole number, 1 or more/)
  })
})
