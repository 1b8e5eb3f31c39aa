import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { startCluster } from '../src/index.js'

describe('http.cors.* and plain HTTP with security', () => {
  it('answers a preflight before authentication and exposes X-Elastic-Product to an allowed origin', async () => {
    await using cluster = await startCluster({ tls: false, cors: { allowOrigin: 'http://127.0.0.1:8080' } })
    expect(cluster.url).toMatch(/^http:/)
    const preflight = await request(cluster.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:8080',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,content-encoding',
      },
    })
    await preflight.body.dump()
    expect(preflight.statusCode).toBe(200)
    expect(preflight.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8080')
    expect(preflight.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, Content-Encoding')
    const authorization = `Basic ${Buffer.from(`elastic:${cluster.password}`).toString('base64')}`
    const ok = await request(cluster.url, { headers: { origin: 'http://127.0.0.1:8080', authorization } })
    await ok.body.dump()
    expect(ok.statusCode).toBe(200)
    expect(ok.headers['access-control-expose-headers']).toBe('X-Elastic-Product')
    const anonymous = await request(cluster.url, { headers: { origin: 'http://127.0.0.1:8080' } })
    await anonymous.body.dump()
    expect(anonymous.statusCode).toBe(401)
    const other = await request(cluster.url, { headers: { origin: 'http://evil.test', authorization } })
    await other.body.dump()
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('sends no CORS header unless enabled', async () => {
    await using cluster = await startCluster({ security: false })
    const res = await request(cluster.url, { headers: { origin: 'http://127.0.0.1:8080' } })
    await res.body.dump()
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })
})
