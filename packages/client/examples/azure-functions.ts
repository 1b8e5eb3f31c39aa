// Azure Functions (Node.js programming model v4, HTTP trigger): create the client in module scope, so that the
// worker process reuses it for every invocation. Register the handler with the Azure Functions library:
//   import { app } from '@azure/functions'
//   app.http('search', { methods: ['GET'], authLevel: 'function', handler })
// and set `ELASTIC_CLOUD_ID` and `ELASTIC_API_KEY` as application settings.
import { Client } from '@stretch/client'

// Client initialization: once per worker.
const client = new Client({
  cloudId: process.env['ELASTIC_CLOUD_ID'],
  apiKey: process.env['ELASTIC_API_KEY'],
})

/** The part of `HttpRequest` this function reads. */
export interface SearchHttpRequest {
  readonly query: { get(name: string): string | null }
}

/** The part of `InvocationContext` this function uses. */
export interface SearchInvocationContext {
  log(...args: unknown[]): void
}

/** An `HttpResponseInit`. */
export interface SearchHttpResponse {
  readonly status: number
  readonly jsonBody: unknown
}

/** The HTTP handler. */
export async function handler(
  request: SearchHttpRequest,
  context: SearchInvocationContext,
): Promise<SearchHttpResponse> {
  // Use the client
  const q = request.query.get('q')
  const result = await client.search({
    index: 'my-index',
    query: q === null ? { match_all: {} } : { match: { title: q } },
  })
  context.log(`search for ${q ?? '*'}: ${result.hits.hits.length} hits`)
  return { status: 200, jsonBody: result.hits.hits }
}
