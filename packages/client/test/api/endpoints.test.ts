// The table test: every generated endpoint, built from the specification data (not hand-picked), called with its
// required parameters through a real Transport and undici connection; the recording server must see the method,
// path, query string and body the data prescribes.
import { undiciConnection } from '@stretch/connection-undici'
import { startServer, type TestServer } from '@stretch/test-utils'
import { Transport } from '@stretch/transport'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient, type IndexRequest, isConfigurationError } from '../../src/index.js'
import {
  allEndpoints,
  callFor,
  elasticsearchLike,
  generatedEndpoints,
  isBoolean,
  isSkipped,
  jsName,
  methodOf,
  parseRecorded,
  privateButGenerated,
  requiredNames,
} from './spec-data.js'

let server: TestServer
let transport: Transport
let api: ApiClient
beforeAll(async () => {
  server = await startServer(elasticsearchLike)
  transport = new Transport({ nodes: [server.url], connection: undiciConnection(), maxRetries: 0 })
  api = new ApiClient(transport)
})
afterAll(async () => {
  await transport.pool.close()
  await server.close()
})

describe('coverage', () => {
  it('has a method for every endpoint that is not stack-private, feature-flagged or codegen-excluded', () => {
    const missing = generatedEndpoints.filter((e) => methodOf(api, e) === undefined).map((e) => e.name)
    expect(missing).toEqual([])
    expect(generatedEndpoints.length).toBe(581)
    expect(allEndpoints.length - generatedEndpoints.length).toBe(22)
  })

  it('has the stack-private endpoints that Elastic documents with JavaScript examples', () => {
    const generatedPrivate = generatedEndpoints.filter((e) => e.availability.stack?.visibility === 'private')
    expect(generatedPrivate.map((e) => e.name)).toEqual(privateButGenerated)
    expect(generatedPrivate.filter((e) => methodOf(api, e) === undefined)).toEqual([])
  })

  it('has no method for the endpoints left out', () => {
    const present = allEndpoints.filter((e) => isSkipped(e) && methodOf(api, e) !== undefined).map((e) => e.name)
    // `capabilities` and `knn_search` are stack-private; none of the skipped ones may leak in.
    expect(present).toEqual([])
  })

  it('creates namespaces lazily and once', () => {
    const fresh = new ApiClient(transport)
    expect(fresh.indices).toBe(fresh.indices)
    expect(new ApiClient(transport).indices).not.toBe(fresh.indices)
  })
})

describe.each([
  ['required parameters only', 'required'],
  ['every path part', 'paths'],
  ['every parameter', 'all'],
] as const)('every endpoint sends what the data prescribes (%s)', (_, mode) => {
  it.each(generatedEndpoints.map((e) => [e.name, e] as const))('%s', async (_name, e) => {
    const call = callFor(e, mode)
    const fn = methodOf(api, e)!
    const before = server.requests.length
    const result = await fn(call.params)
    expect(server.requests.length).toBe(before + 1)
    const seen = parseRecorded(server.requests.at(-1)!)
    expect(seen).toEqual({ method: call.method, path: call.path, query: call.query, body: call.body })
    if (isBoolean(e)) expect(result).toBe(true)
    else if (e.namespace === 'cat' || e.name === 'nodes.hot_threads') expect(result).toBe('green open books\n')
    else expect(result).toEqual({ acknowledged: true })
  })
})

describe('required parameters', () => {
  const withRequired = generatedEndpoints.flatMap((e) => {
    const call = callFor(e, 'required')
    return requiredNames(e).map((name) => [`${e.name} without ${name}`, e, call, name] as const)
  })

  it('covers many endpoints', () => {
    expect(withRequired.length).toBeGreaterThan(400)
  })

  it.each(withRequired)('%s is a ConfigurationError, and nothing is sent', async (_, e, call, name) => {
    const params = { ...call.params }
    delete params[name]
    const before = server.requests.length
    const error = await methodOf(api, e)!(params).then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(isConfigurationError(error)).toBe(true)
    const [ns, method] = jsName(e)
    expect((error as Error).message).toContain(`${ns === null ? '' : `${ns}.`}${method}:`)
    expect((error as Error).message).toContain(`\`${name}\``)
    expect(server.requests.length).toBe(before)
  })

  it('takes a null required whole-value body for a missing one, and sends nothing', async () => {
    const before = server.requests.length
    await expect(api.index({ index: 'books', document: null } as unknown as IndexRequest)).rejects.toThrow(
      /index: the required parameter `document` is missing/,
    )
    expect(server.requests.length).toBe(before)
  })

  it('names every missing parameter at once, and accepts them from the body escape hatch', async () => {
    await expect(api.index({} as never)).rejects.toThrow(
      /index: the required parameters `index`, `document` are missing/,
    )
    await expect(api.security.createApiKey({ body: { name: 'k' } })).resolves.toEqual({ acknowledged: true })
    // The types ask for `document`; at run time the `body` escape hatch stands in for it.
    await expect(api.index({ index: 'books', body: { title: 'Dune' } } as unknown as IndexRequest)).resolves.toEqual({
      acknowledged: true,
    })
    expect(parseRecorded(server.requests.at(-1)!).body).toEqual({ title: 'Dune' })
  })
})
