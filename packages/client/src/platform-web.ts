import { ConfigurationError, type ConnectionFactory } from '@stretch/transport'
import { detectRuntime, type FetchConnectionSettings, fetchPlatform } from './fetch-platform.js'
import type { ClientPlatform } from './platform.js'

// Until @stretch/connection-fetch is in the workspace: the entry of the runtimes without undici asks for a
// `connection`. Once it is: `import { fetchConnection } from '@stretch/connection-fetch'` and pass it below.
function fetchConnectionMissing(settings?: FetchConnectionSettings): ConnectionFactory {
  throw new ConfigurationError(
    `connection: this build of @stretch/client has no default connection on ${settings?.runtime ?? 'this runtime'}; pass one, such as connection: fetchConnection() of @stretch/connection-fetch`,
  )
}

/**
 * Deno, Bun, workerd, browsers: the fetch connection.
 * @internal
 */
export const platform: ClientPlatform = fetchPlatform(fetchConnectionMissing, detectRuntime())
