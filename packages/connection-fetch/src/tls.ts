import { ConfigurationError } from '@stretch/transport'
import { type FetchRuntime, where } from './runtime.js'

/**
 * TLS settings of {@link fetchConnection}. No runtime's `fetch` takes all of them: an option the runtime cannot
 * honour is a `ConfigurationError` when the factory is created, never silently ignored (see the README's table).
 * @public
 */
export interface FetchTlsOptions {
  /**
   * Trusted CA certificates as PEM text (or its bytes), never a file path: there may be no file system. Deno
   * (`Deno.createHttpClient`) and Bun (fetch's `tls.ca`) only; Node's `fetch` takes none (use
   * `@stretch/connection-undici`, or start Node with `NODE_EXTRA_CA_CERTS`), workerd and browsers use the
   * platform's trust store only.
   */
  readonly ca?: string | Uint8Array | readonly (string | Uint8Array)[] | undefined
  /**
   * A SHA-256 fingerprint of the server's leaf certificate (64 hex digits, colons and case ignored). Bun only, and
   * only beside a trusted `ca`: Bun shows the check the leaf, after its CA check passed.
   */
  readonly fingerprint256?: string | undefined
  /** Verify the server's chain and hostname. Default true; `false` only on Bun. */
  readonly rejectUnauthorized?: boolean | undefined
  /** A client certificate (PEM) for mutual TLS: Deno and Bun only. */
  readonly cert?: string | Uint8Array | undefined
  /** The client certificate's private key (PEM): Deno and Bun only. */
  readonly key?: string | Uint8Array | undefined
}

/** What a runtime's fetch gets for TLS, checked at construction. @internal */
export interface TlsPlan {
  readonly ca: readonly string[] | undefined
  readonly cert: string | undefined
  readonly key: string | undefined
  readonly pin: string | undefined
  readonly rejectUnauthorized: boolean
}

const kPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

function text(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : new TextDecoder().decode(value)
}

function loadCa(value: NonNullable<FetchTlsOptions['ca']>): string[] {
  const list = typeof value === 'string' || value instanceof Uint8Array ? [value] : value
  const out: string[] = []
  for (const item of list) {
    const pems = text(item).match(kPem)
    if (pems === null) {
      throw new ConfigurationError(
        'tls.ca: expected PEM text (-----BEGIN CERTIFICATE-----); @stretch/connection-fetch takes no file paths: read the file yourself (e.g. Deno.readTextFileSync or Bun.file(path).text())',
      )
    }
    out.push(...pems)
  }
  return out
}

function loadPem(value: string | Uint8Array, option: string): string {
  const pem = text(value)
  if (!/-----BEGIN [A-Z ]+-----/.test(pem)) {
    throw new ConfigurationError(`${option}: expected PEM text (-----BEGIN ...-----), not a file path`)
  }
  return pem
}

/**
 * A fingerprint as 64 uppercase hex digits joined by colons, the form `X509Certificate.fingerprint256` prints.
 * @internal
 */
export function normalizeFingerprint(value: string): string {
  const hex = value.replace(/:/g, '').trim().toUpperCase()
  if (/^[0-9A-F]{40}$/.test(hex)) {
    throw new ConfigurationError(
      'tls.fingerprint256: this looks like a SHA-1 fingerprint (40 hex digits); give the SHA-256 one (64 hex digits)',
    )
  }
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new ConfigurationError('tls.fingerprint256: expected a SHA-256 fingerprint of 64 hex digits')
  }
  return hex.match(/../g)?.join(':') ?? hex
}

const kNoTls: Record<'node' | 'workerd' | 'browser', string> = {
  node: "Node's fetch takes no TLS options: use undiciConnection() of @stretch/connection-undici (the default connection on Node), or start Node with NODE_EXTRA_CA_CERTS=/path/to/http_ca.crt for a CA",
  workerd:
    "a Worker's fetch trusts only publicly trusted certificates: serve the cluster with one (Elastic Cloud does), or put a proxy with such a certificate in front of it",
  browser:
    "a browser's fetch trusts only the system's certificate store: install the cluster's CA there, or serve the cluster with a publicly trusted certificate",
}

function refuse(option: string, runtime: FetchRuntime, why: string): never {
  throw new ConfigurationError(`${option} cannot be honoured ${where(runtime)}: ${why}`)
}

/**
 * Validates the TLS options for one runtime and returns what its fetch gets.
 * @internal
 */
export function planTls(options: FetchTlsOptions | undefined, runtime: FetchRuntime): TlsPlan {
  const o = options ?? {}
  const ca = o.ca === undefined ? undefined : loadCa(o.ca)
  const cert = o.cert === undefined ? undefined : loadPem(o.cert, 'tls.cert')
  const key = o.key === undefined ? undefined : loadPem(o.key, 'tls.key')
  if ((cert === undefined) !== (key === undefined)) {
    throw new ConfigurationError(
      'tls.cert and tls.key: give both the client certificate and its private key, or neither',
    )
  }
  const pin = o.fingerprint256 === undefined ? undefined : normalizeFingerprint(o.fingerprint256)
  const rejectUnauthorized = o.rejectUnauthorized ?? true
  if (runtime === 'node' || runtime === 'workerd' || runtime === 'browser') {
    const why = kNoTls[runtime]
    if (ca !== undefined) refuse('tls.ca (caCerts)', runtime, why)
    if (pin !== undefined) refuse('tls.fingerprint256 (sslAssertFingerprint)', runtime, why)
    if (!rejectUnauthorized) refuse('tls.rejectUnauthorized: false (verifyCerts: false)', runtime, why)
    if (cert !== undefined) refuse('tls.cert and tls.key (client certificates)', runtime, why)
  } else if (runtime === 'deno') {
    if (pin !== undefined) {
      refuse(
        'tls.fingerprint256 (sslAssertFingerprint)',
        runtime,
        "Deno's fetch shows no certificate to check: give the cluster's CA as tls.ca (caCerts) instead",
      )
    }
    if (!rejectUnauthorized) {
      refuse(
        'tls.rejectUnauthorized: false (verifyCerts: false)',
        runtime,
        "Deno skips verification only for the whole process: run with --unsafely-ignore-certificate-errors=<host>, or give the cluster's CA as tls.ca (caCerts)",
      )
    }
  } else if (pin !== undefined && (ca === undefined || !rejectUnauthorized)) {
    refuse(
      'tls.fingerprint256 (sslAssertFingerprint) without a trusted CA',
      runtime,
      "Bun checks a pin only on a leaf certificate its CA check already trusted: give the cluster's CA as tls.ca (caCerts) with the leaf's fingerprint, or the CA alone",
    )
  }
  return { ca, cert, key, pin, rejectUnauthorized }
}
