// A function-as-a-service handler as the Connecting page advises: the client is created once, in module scope,
// from the function's environment, and every invocation reuses it and its sockets.
import { Client, type ClientOptions } from '@stretch/client'

/** The connection limit of the function's client, per node. @public */
export const connectionsPerNode = 4

const env = process.env
const credentials: ClientOptions =
  env['ELASTIC_API_KEY'] !== undefined && env['ELASTIC_API_KEY'] !== ''
    ? { apiKey: env['ELASTIC_API_KEY'] }
    : { basicAuth: [env['ELASTIC_USERNAME'] || 'elastic', env['ELASTIC_PASSWORD'] ?? ''] }

// Client initialization: once per function instance.
const client = new Client({
  node: (env['ELASTICSEARCH_URL'] ?? '').split(',')[0]?.trim() || 'https://localhost:9200',
  ...(env['ES_CA_CERT'] ? { caCerts: env['ES_CA_CERT'] } : {}),
  ...(env['ES_FINGERPRINT'] ? { sslAssertFingerprint: env['ES_FINGERPRINT'] } : {}),
  ...credentials,
  connectionsPerNode,
})

/**
 * The handler: one search per invocation, on the module's client.
 * @public
 */
export async function handler(event: { readonly index: string }): Promise<{ statusCode: number; hits: number }> {
  const result = await client.search({ index: event.index, query: { match_all: {} }, size: 1 })
  return { statusCode: 200, hits: result.hits.hits.length }
}
