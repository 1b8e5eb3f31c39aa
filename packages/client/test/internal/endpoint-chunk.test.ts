// A namespace's endpoint table is a module of its own (`src/api/generated/<namespace>.endpoints.ts`, a chunk of the
// build), imported on the namespace's first call. Calls made while it loads share one import; a failed import
// (a chunk missing from a deployment) fails those calls with the loader's error and the next call tries again.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { undiciConnection } from '@stretch/connection-undici'
import { startServer, type TestServer } from '@stretch/test-utils'
import { Transport } from '@stretch/transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callChunk, type Endpoint, endpointChunk } from '../../src/api/runtime.js'
import { ApiClient } from '../../src/index.js'

let server: TestServer
let transport: Transport

beforeAll(async () => {
  server = await startServer((req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'x-elastic-product': 'Elasticsearch', 'content-type': 'application/json' })
    res.end(JSON.stringify({ path: req.url }))
  })
  transport = new Transport({ nodes: [server.url], connection: undiciConnection(), maxRetries: 0 })
})
afterAll(async () => {
  await transport?.close()
  await server?.close()
})

const health: Endpoint = {
  api: 'cluster.health',
  urls: [{ path: '/_cluster/health', methods: ['GET'] }],
  path: [],
  query: [],
  required: [],
}

describe('an endpoint chunk', () => {
  it('is imported once for the calls made while it loads, and a failed import is tried again', async () => {
    let imports = 0
    const chunk = endpointChunk(async () => {
      imports += 1
      if (imports === 1) return import(`./no-such-chunk-${imports}.js`) as Promise<{ endpoints: { health: Endpoint } }>
      return { endpoints: { health } }
    })
    const first = await Promise.allSettled([
      callChunk(transport, chunk, 'health', undefined, undefined),
      callChunk(transport, chunk, 'health', undefined, undefined),
    ])
    expect(imports).toBe(1)
    for (const result of first) {
      expect(result.status).toBe('rejected')
      expect(String((result as PromiseRejectedResult).reason)).toMatch(/no-such-chunk-1/)
    }
    const [a, b] = await Promise.all([
      callChunk(transport, chunk, 'health', undefined, undefined),
      callChunk(transport, chunk, 'health', undefined, undefined),
    ])
    expect([a, b]).toEqual([{ path: '/_cluster/health' }, { path: '/_cluster/health' }])
    expect(imports).toBe(2)
    await callChunk(transport, chunk, 'health', undefined, undefined)
    expect(imports).toBe(2)
  })

  it('serves the generated namespaces: the first calls of two namespaces at once each answer', async () => {
    const client = new ApiClient(transport)
    const [health, jobs, exists] = await Promise.all([
      client.cluster.health({ index: 'books' }),
      client.ml.getJobs({ job_id: 'j' }),
      client.indices.exists({ index: 'books' }),
    ])
    expect(health).toEqual({ path: '/_cluster/health/books' })
    expect(jobs).toEqual({ path: '/_ml/anomaly_detectors/j' })
    expect(exists).toBe(true)
  })
})
