import { detectRuntime } from '@stretch/connection-fetch'
import { ConfigurationError, type ConnectionFactory } from '@stretch/transport'
import type { ClientOptions } from './options.js'
import { type ClientPlatform, type ClientRuntime, kNodeOnlyOptions } from './platform.js'

/**
 * The TLS options of `@stretch/connection-fetch` (its `FetchConnectionOptions['tls']`): PEM text, never paths.
 * @internal
 */
export interface FetchTls {
  ca?: string | Uint8Array | readonly (string | Uint8Array)[]
  fingerprint256?: string
  rejectUnauthorized?: boolean
  cert?: string | Uint8Array
  key?: string | Uint8Array
}

/**
 * The options of `fetchConnection()` of `@stretch/connection-fetch`, as far as the client passes them.
 * @internal
 */
export interface FetchConnectionSettings {
  tls?: FetchTls
  runtime?: ClientRuntime
  proxy?: string | URL | false
}

/** `fetchConnection` of `@stretch/connection-fetch`. @internal */
export type FetchConnectionFunction = (options?: FetchConnectionSettings) => ConnectionFactory

const kPem = '-----BEGIN'

// A string without `-----BEGIN` is a file path on Node; no other runtime reads files for the client.
function pemOnly(value: string | Uint8Array, option: string, runtime: ClientRuntime): string | Uint8Array {
  if (typeof value === 'string' && !value.includes(kPem)) {
    throw new ConfigurationError(
      `${option}: '${value}' looks like a file path, and on ${runtime} the client reads no files; pass the PEM text instead (the file's contents, starting with '-----BEGIN CERTIFICATE-----')`,
    )
  }
  return value
}

/**
 * Every runtime but Node: `@stretch/connection-fetch` with the client's TLS options as PEM text and its `proxy`. The
 * Node-only options (`lookup`, `connectTimeout`, `connectionsPerNode`, `maxConnections`) are refused, naming the
 * runtime (fetch connects on its own, within `requestTimeout`); TLS and
 * proxy options the runtime cannot honour are refused by `fetchConnection` itself.
 * @param fetchConnection - `fetchConnection` of `@stretch/connection-fetch` (tests pass a stub).
 * @param runtime - the runtime, detected by default with `detectRuntime` of `@stretch/connection-fetch`, the detection
 *   `fetchConnection` itself uses, so that the client and the connection never disagree (Vercel's `EdgeRuntime` is
 *   workerd for both).
 * @internal
 */
export function fetchPlatform(
  fetchConnection: FetchConnectionFunction,
  runtime: ClientRuntime = detectRuntime(),
): ClientPlatform {
  return {
    runtime,
    connection(options: ClientOptions): ConnectionFactory {
      const nodeOnly = kNodeOnlyOptions.filter((name) => options[name] !== undefined)
      if (nodeOnly.length > 0) {
        throw new ConfigurationError(
          `${nodeOnly.join(', ')}: ${nodeOnly.length === 1 ? 'is' : 'are'} only available on Node (undici); on ${runtime} fetch opens the sockets and resolves names itself. Remove ${nodeOnly.length === 1 ? 'it' : 'them'}, or pass your own connection factory as \`connection\``,
        )
      }
      const tls: FetchTls = {}
      if (options.caCerts !== undefined) {
        const list = (Array.isArray(options.caCerts) ? options.caCerts : [options.caCerts]) as (string | Uint8Array)[]
        tls.ca = list.map((item, i) => pemOnly(item, list.length === 1 ? 'caCerts' : `caCerts[${i}]`, runtime))
      }
      if (options.clientCert !== undefined) tls.cert = pemOnly(options.clientCert, 'clientCert', runtime)
      if (options.clientKey !== undefined) tls.key = pemOnly(options.clientKey, 'clientKey', runtime)
      if ((tls.cert === undefined) !== (tls.key === undefined)) {
        throw new ConfigurationError(
          'clientCert and clientKey: give both the client certificate and its private key, or neither',
        )
      }
      if (options.sslAssertFingerprint !== undefined) tls.fingerprint256 = options.sslAssertFingerprint
      if (options.verifyCerts === false) tls.rejectUnauthorized = false
      const settings: FetchConnectionSettings = { runtime }
      if (Object.keys(tls).length > 0) settings.tls = tls
      if (options.proxy !== undefined) settings.proxy = options.proxy
      return fetchConnection(settings)
    },
    warn(message) {
      console.warn(`SecurityWarning: ${message}`)
    },
  }
}
