import {
  loadCertificates,
  loadPem,
  normalizeFingerprint,
  type TlsOptions,
  undiciConnection,
} from '@stretch/connection-undici'
import { ConfigurationError, type ConnectionFactory } from '@stretch/transport'
import type { ClientOptions } from './options.js'
import type { ClientPlatform } from './platform.js'

/**
 * Node: undici, with everything TLS offers, CA files read from disk, `lookup`, `proxy` and the socket budget.
 * @internal
 */
export const platform: ClientPlatform = {
  runtime: 'node',
  connection(options: ClientOptions): ConnectionFactory {
    const tls: { -readonly [K in keyof TlsOptions]: TlsOptions[K] } = {}
    // Loaded here, under the client's option names; the connection gets PEM text and a normalized pin.
    if (options.caCerts !== undefined) tls.ca = loadCertificates(options.caCerts, 'caCerts')
    if (options.clientCert !== undefined) tls.cert = loadPem(options.clientCert, 'clientCert')
    if (options.clientKey !== undefined) tls.key = loadPem(options.clientKey, 'clientKey')
    if ((tls.cert === undefined) !== (tls.key === undefined)) {
      throw new ConfigurationError(
        'clientCert and clientKey: give both the client certificate and its private key, or neither',
      )
    }
    if (options.sslAssertFingerprint !== undefined) {
      tls.fingerprint256 = normalizeFingerprint(options.sslAssertFingerprint, 'sslAssertFingerprint')
    }
    if (options.verifyCerts === false) tls.rejectUnauthorized = false
    return undiciConnection({
      tls,
      lookup: options.lookup,
      proxy: options.proxy,
      connectTimeout: options.connectTimeout,
      connectionsPerNode: options.connectionsPerNode,
      maxConnections: options.maxConnections,
    })
  },
  warn(message, code) {
    process.emitWarning(message, { code, type: 'SecurityWarning' })
  },
}
