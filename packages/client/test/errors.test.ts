import { startCluster } from '@stretch/test-cluster'
import { rejection, sendJson, startServer } from '@stretch/test-utils'
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  Client,
  type ErrorCauseBody,
  type ErrorResponseBody,
  type estypes,
  isElasticsearchError,
  isErrorResponseBody,
  isResponseError,
  type ResponseErrorBody,
} from '../src/index.js'

const notFound = {
  error: {
    root_cause: [{ type: 'index_not_found_exception', reason: 'no such index [books]', index: 'books' }],
    type: 'index_not_found_exception',
    reason: 'no such index [books]',
    index: 'books',
  },
  status: 404,
}

describe('isElasticsearchError', () => {
  it("narrows a ResponseError whose body is Elasticsearch's error response, and nothing else", async () => {
    await using srv = await startServer((req, res) => {
      if (req.url?.startsWith('/books/_doc/') === true) return sendJson(res, 404, notFound)
      if (req.url?.startsWith('/proxied/') === true) {
        res.writeHead(502, { 'content-type': 'text/html' })
        res.end('<html>Bad Gateway</html>')
        return
      }
      // An error body of another shape (a plugin's, or an older node's string error).
      return sendJson(res, 400, { error: 'bad request', status: 400 })
    })
    const client = new Client({ node: srv.url, maxRetries: 0 })

    const missing = await rejection(client.get({ index: 'books', id: '1' }))
    expect(isElasticsearchError(missing)).toBe(true)
    if (!isElasticsearchError(missing)) throw new Error('unreachable')
    expectTypeOf(missing.body).toEqualTypeOf<estypes.ErrorResponseBase>()
    expect(missing.body.error.type).toBe('index_not_found_exception')
    expect(missing.body.error.reason).toBe('no such index [books]')
    expect(missing.body.status).toBe(404)
    expect(missing.statusCode).toBe(404)

    const gateway = await rejection(client.get({ index: 'proxied', id: '1' }))
    expect(isResponseError(gateway)).toBe(true)
    expect(isElasticsearchError(gateway)).toBe(false)

    const other = await rejection(client.search({ index: 'other' }))
    expect(isResponseError(other)).toBe(true)
    expect(isElasticsearchError(other)).toBe(false)

    expect(isElasticsearchError(new Error('not a response'))).toBe(false)
    expect(isElasticsearchError(notFound)).toBe(false)
    await client.close()
  })
})

describe('ResponseError.body', () => {
  it("is typed as Elasticsearch's error response when the cluster sends one, and as what it is otherwise", async () => {
    const cluster = await startCluster({ nodes: 1, security: false })
    const client = new Client({ node: cluster.url, maxRetries: 0 })
    try {
      const missing = await rejection(client.indices.get({ index: 'no-such-books' }))
      if (!isResponseError(missing)) throw new Error(`not a ResponseError: ${String(missing)}`)
      expectTypeOf(missing.body).toEqualTypeOf<ResponseErrorBody>()
      expect(missing.statusCode).toBe(404)
      expect(isErrorResponseBody(missing.body)).toBe(true)
      if (!isErrorResponseBody(missing.body)) throw new Error('unreachable')
      expectTypeOf(missing.body).toEqualTypeOf<ErrorResponseBody>()
      expect(missing.body.status).toBe(404)
      expect(missing.body.error.type).toBe('index_not_found_exception')
      expect(missing.body.error.reason).toBe('no such index [no-such-books]')
      const root: ErrorCauseBody | undefined = missing.body.error.root_cause?.[0]
      expect(root?.type).toBe('index_not_found_exception')
      expect(missing.body.error['index']).toBe('no-such-books')

      // A document that is not there is a 404 too, but its body is a document answer, not an error response.
      await client.indices.create({ index: 'books' })
      const absent = await rejection(client.get({ index: 'books', id: 'nope' }))
      if (!isResponseError(absent)) throw new Error(`not a ResponseError: ${String(absent)}`)
      expect(absent.statusCode).toBe(404)
      expect(isErrorResponseBody(absent.body)).toBe(false)
      expect(absent.body).toMatchObject({ _index: 'books', _id: 'nope', found: false })
    } finally {
      await client.close()
      await cluster.close()
    }
  })

  it("keeps the specification's ErrorResponseBase assignable to the transport's ErrorResponseBody", () => {
    expectTypeOf<estypes.ErrorResponseBase>().toExtend<ErrorResponseBody>()
    expectTypeOf<estypes.ErrorCause>().toExtend<ErrorCauseBody>()
  })
})
