// The differential test: the same call through this client and through the official @elastic/elasticsearch client
// (9.4.3, the newest that runs on Node 20) must send the same method, path, query string and body.
import { Client as OfficialClient } from '@elastic/elasticsearch'
import { undiciConnection } from '@stretch/connection-undici'
import { startServer, type TestServer } from '@stretch/test-utils'
import { Transport } from '@stretch/transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../src/index.js'
import {
  callFor,
  elasticsearchLike,
  generatedEndpoints,
  methodOf,
  parseRecorded,
  type SpecEndpoint,
} from './spec-data.js'

let ours: TestServer
let theirs: TestServer
let transport: Transport
let api: ApiClient
let official: OfficialClient
beforeAll(async () => {
  ours = await startServer(elasticsearchLike)
  theirs = await startServer(elasticsearchLike)
  transport = new Transport({ nodes: [ours.url], connection: undiciConnection(), maxRetries: 0 })
  api = new ApiClient(transport)
  official = new OfficialClient({ node: theirs.url, maxRetries: 0 })
})
afterAll(async () => {
  await official.close()
  await transport.pool.close()
  await ours.close()
  await theirs.close()
})

async function both(e: SpecEndpoint, params: Record<string, unknown>): Promise<{ ours: unknown; theirs: unknown }> {
  await methodOf(api, e)!(structuredClone(params))
  await methodOf(official, e)!(structuredClone(params))
  return { ours: parseRecorded(ours.requests.at(-1)!), theirs: parseRecorded(theirs.requests.at(-1)!) }
}

describe('every endpoint both clients have, called with every path part and required parameter', () => {
  const shared = generatedEndpoints.filter(
    (e) => methodOf(new OfficialClient({ node: 'http://127.0.0.1:1' }), e) !== undefined,
  )

  it('covers enough endpoints across namespaces', () => {
    expect(shared.length).toBeGreaterThan(500)
    expect(new Set(shared.map((e) => e.namespace)).size).toBeGreaterThan(30)
  })

  it.each(shared.map((e) => [e.name, e] as const))('%s', async (_, e) => {
    const { ours, theirs } = await both(e, callFor(e, true).params)
    expect(ours).toEqual(theirs)
  })
})
