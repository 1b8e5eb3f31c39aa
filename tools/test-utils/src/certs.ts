import 'reflect-metadata'
import { X509Certificate as NodeX509, webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'

x509.cryptoProvider.set(webcrypto as never)

/** A PEM certificate with its key and SHA-256 fingerprint. */
export interface CertificateMaterial {
  /** The certificate, PEM. */
  readonly cert: string
  /** The private key, PKCS#8 PEM. */
  readonly key: string
  /** SHA-256 of the DER certificate, uppercase hex with colons, like `openssl x509 -fingerprint -sha256`. */
  readonly fingerprint256: string
}

/** A CA and a server certificate it signed. */
export interface TestCertificates {
  readonly ca: CertificateMaterial
  readonly server: CertificateMaterial
  /** The server certificate followed by the CA: what Elasticsearch serves. */
  readonly chain: string
}

/** Options of {@link createCertificates}. */
export interface CertificateOptions {
  /** The CA's common name. */
  readonly caName?: string
  /** The server certificate's common name. Default `localhost`. */
  readonly commonName?: string
  /** DNS names besides `localhost`. */
  readonly dnsNames?: readonly string[]
  /** IP addresses besides 127.0.0.1 and ::1. */
  readonly ipAddresses?: readonly string[]
  /** Make a client certificate (extended key usage clientAuth) instead of a server one. */
  readonly client?: boolean
  /** Sign with this CA instead of making a new one. */
  readonly issuer?: CertificateMaterial
}

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1')
}

async function exportKey(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key)
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
  return `-----BEGIN PRIVATE KEY-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END PRIVATE KEY-----\n`
}

function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`
}

/** The SHA-256 fingerprint of a PEM certificate, in openssl's form (uppercase, colons). */
export function fingerprintOf(pem: string): string {
  return new NodeX509(pem).fingerprint256
}

async function makeCa(name: string): Promise<{ material: CertificateMaterial; keys: webcrypto.CryptoKeyPair }> {
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
  const now = Date.now()
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3 * 365 * 24 * 3600_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  const pem = withNewline(cert.toString('pem'))
  return { material: { cert: pem, key: await exportKey(keys.privateKey), fingerprint256: fingerprintOf(pem) }, keys }
}

async function importKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64')
  return await webcrypto.subtle.importKey('pkcs8', der, alg, true, ['sign'])
}

/**
 * Creates a CA and a certificate signed by it, with SANs for localhost, 127.0.0.1 and ::1 plus any extra names.
 * ECDSA P-256: about 0.1 s.
 */
export async function createCertificates(options: CertificateOptions = {}): Promise<TestCertificates> {
  let caMaterial: CertificateMaterial
  let caKey: webcrypto.CryptoKey
  if (options.issuer !== undefined) {
    caMaterial = options.issuer
    caKey = await importKey(options.issuer.key)
  } else {
    const made = await makeCa(options.caName ?? 'Stretch test CA')
    caMaterial = made.material
    caKey = made.keys.privateKey
  }
  const caCert = new x509.X509Certificate(caMaterial.cert)
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
  const now = Date.now()
  const names: x509.JsonGeneralName[] = [
    { type: 'dns', value: 'localhost' },
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ]
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${options.commonName ?? 'localhost'}`,
    issuer: caCert.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 24 * 3600_000),
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([
        options.client === true ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth,
      ]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  })
  const pem = withNewline(cert.toString('pem'))
  const server = { cert: pem, key: await exportKey(keys.privateKey), fingerprint256: fingerprintOf(pem) }
  return { ca: caMaterial, server, chain: `${pem}${caMaterial.cert}` }
}
