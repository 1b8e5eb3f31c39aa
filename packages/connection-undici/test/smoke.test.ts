import { sendJson, startServer } from '@stretch/test-utils'
import { Transport } from '@stretch/transport'
import { expect, it } from 'vitest'
import { undiciConnection } from '../src/index.js'

it('sends a request and decodes the answer', async () => {
  await using srv = await startServer((req, res) => sendJson(res, 200, { path: req.url, method: req.method }))
  const transport = new Transport({ nodes: [srv.url], connection: undiciConnection() })
  const result = await transport.request({
    method: 'POST',
    path: '/a/_search',
    querystring: { size: 1, q: ['x', 'y'] },
    body: { query: {} },
  })
  expect(result.body).toEqual({ path: '/a/_search?size=1&q=x%2Cy', method: 'POST' })
  expect(srv.requests[0]?.headers['content-type']).toBe('application/json')
  expect(JSON.parse(srv.requests[0]?.body.toString() ?? '')).toEqual({ query: {} })
  await transport.close()
})
