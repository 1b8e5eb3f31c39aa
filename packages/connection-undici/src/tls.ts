import type { PeerCertificate, TLSSocket } from 'node:tls'
import { ConfigurationError, TlsError } from '@stretch/transport'

// Node's built-in modules are taken with `process.getBuiltinModule` where they are used, not imported: an ES module's
// `import { x } from 'node:fs'` (or node:net, node:tls) builds the module's whole namespace at load and so runs its
// lazy getters (fs's streams and promises, net's BlockList and SocketAddress), which the connection never uses. The
// three imports cost about 0.7 ms of CPU in every cold start (issue 12); a bare undici Pool, CommonJS, pays none.
const readFile = (path: string): string => process.getBuiltinModule('node:fs').readFileSync(path, 'utf8')

/**
 * Normalizes a SHA-256 fingerprint: colons and case ignored. Throws a `ConfigurationError` naming `option` when it
 * is not 64 hex digits.
 * @param value - the fingerprint, such as `A5:2D:…` or `a52d…`.
 * @param option - the option name to blame.
 * @public
 */
export function normalizeFingerprint(value: unknown, option = 'fingerprint256'): string {
  if (typeof value !== 'string') {
    throw new ConfigurationError(`${option}: must be a string of 64 hex digits (a SHA-256 fingerprint)`)
  }
  const hex = value.replace(/:/g, '').trim().toLowerCase()
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    const hint =
      /^[0-9a-f]{40}$/.test(hex) || /^[0-9a-f]{32}$/.test(hex)
        ? ' (that looks like a SHA-1 or MD5 fingerprint: use `openssl x509 -fingerprint -sha256`)'
        : ''
    throw new ConfigurationError(
      `${option}: must be a SHA-256 fingerprint, 64 hex digits with or without colons (got ${hex.length} characters)${hint}`,
    )
  }
  return hex
}

/**
 * Reads CA certificates given as PEM text, Buffers or file paths (a string without `-----BEGIN` is a path).
 * Throws a `ConfigurationError` naming `option` for a missing file or content that is not PEM.
 * @param value - one or several PEM strings, Buffers or paths.
 * @param option - the option name to blame.
 * @public
 */
export function loadCertificates(
  value: string | Uint8Array | readonly (string | Uint8Array)[],
  option = 'ca',
): string[] {
  const items = Array.isArray(value) ? value : [value]
  if (items.length === 0) throw new ConfigurationError(`${option}: give at least one certificate`)
  return items.map((item, i) => {
    const name = Array.isArray(value) ? `${option}[${i}]` : option
    let text: string
    if (item instanceof Uint8Array) {
      text = Buffer.from(item).toString('utf8')
    } else if (typeof item === 'string') {
      if (item.includes('-----BEGIN')) {
        text = item
      } else {
        try {
          text = readFile(item)
        } catch (cause) {
          const code = (cause as { code?: string }).code
          throw new ConfigurationError(
            `${name}: cannot read the certificate file '${item}' (${code ?? 'error'}); give the path of the cluster's http_ca.crt or its PEM text`,
          )
        }
      }
    } else {
      throw new ConfigurationError(`${name}: must be a file path, a PEM string or a Buffer`)
    }
    if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(text)) {
      throw new ConfigurationError(
        `${name}: does not contain a PEM certificate ('-----BEGIN CERTIFICATE-----'); give the cluster's http_ca.crt`,
      )
    }
    return text
  })
}

/**
 * Reads a PEM client certificate or private key given as PEM text, a Buffer or a file path (a string without
 * `-----BEGIN` is a path). Throws a `ConfigurationError` naming `option` for a file that cannot be read.
 * @param value - the PEM text, Buffer or path.
 * @param option - the option name to blame.
 * @public
 */
export function loadPem(value: string | Uint8Array, option: string): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8')
  if (typeof value !== 'string')
    throw new ConfigurationError(`${option}: must be a file path, a PEM string or a Buffer`)
  if (value.includes('-----BEGIN')) return value
  try {
    return readFile(value)
  } catch (cause) {
    throw new ConfigurationError(
      `${option}: cannot read the file '${value}' (${(cause as { code?: string }).code ?? 'error'})`,
    )
  }
}

/** The SHA-256 fingerprints (lowercase hex) of every certificate the server presented, leaf first. @internal */
export function presentedFingerprints(socket: TLSSocket): string[] {
  const out: string[] = []
  let cert: PeerCertificate | undefined = socket.getPeerCertificate(true) as PeerCertificate
  const seen = new Set<PeerCertificate>()
  while (cert !== undefined && cert !== null && typeof cert.fingerprint256 === 'string' && !seen.has(cert)) {
    seen.add(cert)
    out.push(cert.fingerprint256.replace(/:/g, '').toLowerCase())
    const issuer: PeerCertificate | undefined = (cert as { issuerCertificate?: PeerCertificate }).issuerCertificate
    cert = issuer === cert ? undefined : issuer
  }
  return out
}

/**
 * Checks a pinned fingerprint against every certificate the server presented (leaf or CA). Returns the error to
 * fail the connection with, or undefined when one matches. Fails closed when no certificate is visible.
 * @internal
 */
export function checkPin(socket: TLSSocket, expected: string, host: string): TlsError | undefined {
  const presented = presentedFingerprints(socket)
  if (presented.includes(expected)) return undefined
  const colon = (hex: string): string => hex.toUpperCase().replace(/(..)(?!$)/g, '$1:')
  const got = presented.length === 0 ? 'no certificate' : presented.map(colon).join(', ')
  return new TlsError(
    `the certificate of ${host} does not match the pinned SHA-256 fingerprint: expected ${colon(expected)}, the server presented ${got}; nothing was sent`,
  )
}
