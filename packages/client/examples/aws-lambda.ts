// AWS Lambda: create the client in module scope, outside the handler. Lambda keeps the module (and the client's
// sockets) alive between invocations of a warm instance, so only a cold start pays for DNS, TCP and TLS.
// Deploy with the `ELASTIC_CLOUD_ID` and `ELASTIC_API_KEY` environment variables set.
import { Client } from '@stretch/client'

// Client initialization: once per function instance.
const client = new Client({
  cloudId: process.env['ELASTIC_CLOUD_ID'],
  apiKey: process.env['ELASTIC_API_KEY'],
})

/** The part of an API Gateway (HTTP API) event this function reads. */
export interface SearchEvent {
  readonly queryStringParameters?: { readonly q?: string } | null
}

/** What API Gateway turns into the HTTP response. */
export interface SearchResult {
  readonly statusCode: number
  readonly body: string
}

/** The Lambda handler (`handler` in the function's configuration). */
export async function handler(event: SearchEvent): Promise<SearchResult> {
  // Use the client
  const q = event.queryStringParameters?.q
  const result = await client.search({
    index: 'my-index',
    query: q === undefined ? { match_all: {} } : { match: { title: q } },
  })
  return { statusCode: 200, body: JSON.stringify(result.hits.hits) }
}
// No client.close(): the instance may serve the next invocation; idle sockets do not keep the process alive.
