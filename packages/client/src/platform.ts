import type { FetchRuntime } from '@stretch/connection-fetch'
import type { ConnectionFactory } from '@stretch/transport'
import type { ClientOptions } from './options.js'

/**
 * The runtimes the client tells apart. `node` builds on `@stretch/connection-undici`; the others on
 * `@stretch/connection-fetch`.
 * @internal
 */
export type ClientRuntime = FetchRuntime

/**
 * What differs between the client's entries: the default connection, built from the client's connection options.
 * `client.ts` imports it as `#platform` (package.json `imports`): `platform-node.ts` under the `node` condition
 * wires undici, `platform-web.ts` for every other runtime wires fetch. One `index.ts` serves both; the build bundles
 * it once per exports condition (`dist/index.js`, `dist/index.web.js`).
 * @internal
 */
export interface ClientPlatform {
  /** The runtime, named in errors. */
  readonly runtime: ClientRuntime
  /**
   * The default connection for these options (TLS, sockets, DNS, proxy). Throws a `ConfigurationError` for what the
   * runtime cannot do, naming the option, the runtime and the alternative.
   */
  connection(options: ClientOptions): ConnectionFactory
  /** Prints a one-time security warning (Node: `process.emitWarning`; elsewhere `console.warn`). */
  warn(message: string, code: string): void
}

/** The client options that configure the default connection: meaningless beside `connection`. @internal */
export const kConnectionOptions: readonly (keyof ClientOptions)[] = [
  'caCerts',
  'sslAssertFingerprint',
  'verifyCerts',
  'clientCert',
  'clientKey',
  'lookup',
  'proxy',
  'connectTimeout',
  'connectionsPerNode',
  'maxConnections',
]

/**
 * The connection options that only undici can honour (Node). `proxy` is not one: Deno and Bun honour it through
 * `@stretch/connection-fetch`, which refuses it on the other runtimes. @internal
 */
export const kNodeOnlyOptions: readonly (keyof ClientOptions)[] = [
  'lookup',
  'connectTimeout',
  'connectionsPerNode',
  'maxConnections',
]
