// client.request(params, { asBytes: true }): a 2xx answer's bytes, unparsed, against the test cluster and a
// loopback server that gzips; the typed API methods refuse the option (their types promise a parsed body).
import { gzipSync } from 'node:zlib'
import { startCluster } from '@stretch/test-cluster'
import { rejection, startServer } from '@stretch/test-utils'
import {
  isConfigurationError,
  isResponseError,
  type RequestHook,
  type ResponseErrorBody,
  type TransportResult,
} from '@stretch/transport'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { Client } from '../src/index.js'

const ndjson = (...lines: unknown[]): string => lines.map((line) => `${JSON.stringify(line)}\n`).join('')

describe('client.request with asBytes', () => {
  it('resolves to the bytes of a bulk answer, names the endpoint to hooks, and parses an error answer', async () => {
    const cluster = await startCluster({ nodes: 1, security: false })
    const endpoints: unknown[] = []
    const requestHook: RequestHook = {
      wrap(request, send) {
        endpoints.push(request.endpoint)
        return send()
      },
    }
    const client = new Client({ node: cluster.url, maxRetries: 0, requestHook })
    try {
      const body = ndjson({ index: { _index: 'books', _id: '1' } }, { title: 'a' }, { index: { _index: 'books' } }, {})
      const bytes = await client.request(
        {
          method: 'POST',
          path: '/_bulk',
          querystring: { filter_path: 'errors,items.*.status' },
          body,
          endpoint: 'bulk',
        },
        { asBytes: true },
      )
      expectTypeOf(bytes).toEqualTypeOf<Uint8Array>()
      expect(bytes).toBeInstanceOf(Uint8Array)
      expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual({
        errors: false,
        items: [{ index: { status: 201 } }, { index: { status: 201 } }],
      })
      const result = await client.request(
        { method: 'GET', path: '/books/_doc/1', endpoint: 'get' },
        { asBytes: true, meta: true },
      )
      expectTypeOf(result).toEqualTypeOf<TransportResult<Uint8Array>>()
      expect(result.statusCode).toBe(200)
      expect(JSON.parse(new TextDecoder().decode(result.body))).toMatchObject({ _id: '1', _source: { title: 'a' } })
      // Without the option, the same request is parsed.
      expect(await client.request({ method: 'GET', path: '/books/_doc/1' })).toMatchObject({ found: true })

      const missing = await rejection(
        client.request({ method: 'GET', path: '/no-such-books/_search', endpoint: 'search' }, { asBytes: true }),
      )
      if (!isResponseError(missing)) throw new Error(`not a ResponseError: ${String(missing)}`)
      expect(missing.statusCode).toBe(404)
      expectTypeOf(missing.body).toEqualTypeOf<ResponseErrorBody>()
      expect(missing.body).toMatchObject({ status: 404, error: { type: 'index_not_found_exception' } })
      expect(endpoints).toEqual(['bulk', 'get', undefined, 'search'])
    } finally {
      await client.close()
      await cluster.close()
    }
  })

  it('hands back gzip answers decoded', async () => {
    const text = JSON.stringify({ errors: false, took: 2, items: [{ index: { status: 201 } }] })
    await using srv = await startServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'x-elastic-product': 'Elasticsearch',
      })
      res.end(gzipSync(text))
    })
    const client = new Client({ node: srv.url, httpCompress: true })
    try {
      const bytes = await client.request({ method: 'POST', path: '/_bulk', body: '{}\n' }, { asBytes: true })
      expect(new TextDecoder().decode(bytes)).toBe(text)
      expect(srv.requests[0]?.headers['accept-encoding']).toContain('gzip')
    } finally {
      await client.close()
    }
  })

  it('is refused by the typed API methods, with a message that points to client.request', async () => {
    const client = new Client({ node: 'http://127.0.0.1:9' })
    // @ts-expect-error asBytes is not an option of the typed methods: their types promise a parsed body
    const error = await rejection(client.bulk({ operations: [] }, { asBytes: true }))
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toBe(
      "bulk: unknown call option `asBytes` (only client.request() takes it, as its type then says bytes: client.request({ method, path, body, endpoint: 'bulk' }, { asBytes: true }))",
    )
    // A typo of it on client.request gets the usual did-you-mean.
    // @ts-expect-error a typo
    const typo = await rejection(client.request({ method: 'GET', path: '/' }, { asByte: true }))
    expect((typo as Error).message).toBe('request: unknown call option `asByte`; did you mean `asBytes`?')
    await client.close()
  })
})
