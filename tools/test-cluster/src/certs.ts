import { type CertificateMaterial, createCertificates, type TestCertificates } from '@stretch/test-utils'

/** The CA name Elasticsearch's security auto-configuration gives its HTTP CA. */
export const HTTP_CA_NAME = 'Elasticsearch security auto-configuration HTTP CA'

// Certificates cached per process: generating a CA and a node certificate is the slow part of a start, and a test
// file starts many clusters. Keyed by the extra SANs asked for.
let sharedCa: Promise<CertificateMaterial> | undefined
const nodeCerts = new Map<string, Promise<TestCertificates>>()

async function freshCa(): Promise<CertificateMaterial> {
  return (await createCertificates({ caName: HTTP_CA_NAME })).ca
}

/** The HTTP CA and a node certificate (SANs: localhost, 127.0.0.1, ::1 and `dnsNames`). */
export async function clusterCertificates(dnsNames: readonly string[], fresh: boolean): Promise<TestCertificates> {
  const sorted = [...new Set(dnsNames)].sort()
  if (fresh) {
    const ca = await freshCa()
    return createCertificates({ issuer: ca, commonName: 'instance', dnsNames: sorted })
  }
  sharedCa ??= freshCa()
  const key = sorted.join(',')
  let certs = nodeCerts.get(key)
  if (certs === undefined) {
    const ca = await sharedCa
    certs = createCertificates({ issuer: ca, commonName: 'instance', dnsNames: sorted })
    nodeCerts.set(key, certs)
  }
  return certs
}
