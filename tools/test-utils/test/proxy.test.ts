import { once } from 'node:events'
import { type IncomingMessage, request } from 'node:http'
import type { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { sendJson, startProxy, startServer } from '../src/index.js'

// What a raw CONNECT gets back: the status and the headers of the proxy's answer.
async function connect(proxyPort: number, authority: string, headers: Record<string, string> = {}) {
  const req = request({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: authority, headers })
  req.end()
  const [res, socket] = (await once(req, 'connect')) as [IncomingMessage, Socket]
  socket.destroy()
  return { status: res.statusCode, headers: res.headers }
}

async function get(proxyPort: number, target: string, headers: Record<string, string> = {}) {
  const req = request({ host: '127.0.0.1', port: proxyPort, method: 'GET', path: target, headers })
  req.end()
  const [res] = (await once(req, 'response')) as [IncomingMessage]
  let body = ''
  for await (const chunk of res) body += chunk
  return { status: res.statusCode, headers: res.headers, body }
}

describe('startProxy', () => {
  it('allows CONNECT to port 443 only by default, as squid does, and to listed ports when told', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, {}))
    await using stock = await startProxy()
    expect((await connect(stock.port, `127.0.0.1:${srv.port}`)).status).toBe(403)
    await using open = await startProxy({ connectPorts: [srv.port] })
    expect((await connect(open.port, `127.0.0.1:${srv.port}`)).status).toBe(200)
    expect(stock.connects).toBe(1)
    expect(stock.requests[0]).toMatchObject({ method: 'CONNECT', target: `127.0.0.1:${srv.port}`, refused: 403 })
    expect(open.requests[0]?.refused).toBeUndefined()
  })

  it('passes absolute-URI requests to any port, without the proxy credentials or hop-by-hop headers', async () => {
    await using srv = await startServer((req, res) => sendJson(res, 200, { url: req.url }))
    await using proxy = await startProxy({ credentials: { username: 'u', password: 'p' } })
    const auth = `Basic ${Buffer.from('u:p').toString('base64')}`
    const answer = await get(proxy.port, `${srv.url}/a?b=1`, { 'proxy-authorization': auth, 'x-kept': '1' })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toEqual({ url: '/a?b=1' })
    expect(proxy.forwarded).toBe(1)
    expect(proxy.requests[0]?.headers['proxy-authorization']).toBe(auth)
    expect(srv.requests[0]?.headers['proxy-authorization']).toBeUndefined()
    expect(srv.requests[0]?.headers['x-kept']).toBe('1')
  })

  it('answers 407 with Proxy-Authenticate to a request or CONNECT without its credentials', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, {}))
    await using proxy = await startProxy({ connectPorts: [srv.port], credentials: { username: 'u', password: 'p' } })
    const plain = await get(proxy.port, `${srv.url}/`)
    expect(plain.status).toBe(407)
    expect(plain.headers['proxy-authenticate']).toMatch(/^Basic /)
    const tunnel = await connect(proxy.port, `127.0.0.1:${srv.port}`, { 'proxy-authorization': 'Basic d3Jvbmc6eA==' })
    expect(tunnel.status).toBe(407)
    expect(tunnel.headers['proxy-authenticate']).toMatch(/^Basic /)
    expect(proxy.forwarded).toBe(0)
    expect(srv.requests).toHaveLength(0)
  })
})
