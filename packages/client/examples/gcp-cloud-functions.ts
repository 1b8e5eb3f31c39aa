// Google Cloud Functions (Node.js, HTTP trigger): create the client in module scope, so that every request a
// function instance serves reuses it. Register the handler with the Functions Framework:
//   import * as functions from '@google-cloud/functions-framework'
//   functions.http('search', search)
// and set `ELASTIC_CLOUD_ID` and `ELASTIC_API_KEY` in the function's environment (or from Secret Manager).
import { Client } from '@stretch/client'

// Client initialization: once per function instance.
const client = new Client({
  cloudId: process.env['ELASTIC_CLOUD_ID'],
  apiKey: process.env['ELASTIC_API_KEY'],
})

/** The part of the Express-like request this function reads. */
export interface SearchRequest {
  readonly query: { readonly q?: string | undefined }
}

/** The part of the Express-like response this function uses. */
export interface SearchResponseWriter {
  status(code: number): { json(body: unknown): void }
}

/** The HTTP function. */
export async function search(req: SearchRequest, res: SearchResponseWriter): Promise<void> {
  // Use the client
  const q = req.query.q
  const result = await client.search({
    index: 'my-index',
    query: q === undefined ? { match_all: {} } : { match: { title: q } },
  })
  res.status(200).json(result.hits.hits)
}
