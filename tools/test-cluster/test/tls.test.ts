import { execFile } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { once } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { connect, type PeerCertificate } from 'node:tls'
import { promisify } from 'node:util'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startCluster, type TestCluster } from '../src/index.js'
import { agentFor, basic, call } from './helpers.js'

const run = promisify(execFile)
const OPENSSL = '/usr/bin/openssl'

let cluster: TestCluster
beforeAll(async () => {
  cluster = await startCluster({ nodes: 3 })
})
afterAll(async () => {
  await cluster.close()
})

function peerChain(port: number, servername: string): Promise<PeerCertificate[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const chain: PeerCertificate[] = []
      let cert = socket.getPeerCertificate(true) as PeerCertificate & { issuerCertificate?: PeerCertificate }
      while (cert !== undefined && !chain.some((c) => c.fingerprint256 === cert.fingerprint256)) {
        chain.push(cert)
        cert = (cert as { issuerCertificate?: PeerCertificate }).issuerCertificate as typeof cert
      }
      socket.end()
      resolve(chain)
    })
    socket.on('error', reject)
  })
}

describe('TLS like security auto-configuration', () => {
  test('writes the HTTP CA to <configDir>/certs/http_ca.crt and reports its SHA-256 in both forms', () => {
    expect(cluster.caCertPath).toBe(`${cluster.configDir}/certs/http_ca.crt`)
    const pem = readFileSync(cluster.caCertPath!, 'utf8')
    expect(pem).toBe(cluster.caCert)
    const ca = new X509Certificate(pem)
    expect(ca.subject).toBe('CN=Elasticsearch security auto-configuration HTTP CA')
    expect(ca.ca).toBe(true)
    expect(cluster.caFingerprint).toBe(ca.fingerprint256)
    expect(cluster.caFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    expect(cluster.caFingerprintHex).toBe(ca.fingerprint256.replaceAll(':', '').toLowerCase())
  })

  test('the banner has the seed page layout with the password and the lowercase fingerprint', () => {
    const text = cluster.banner()
    expect(text).toContain(
      `->  Password for the elastic user (reset with \`bin/elasticsearch-reset-password -u elastic\`):\n  ${cluster.password}\n`,
    )
    expect(text).toContain(`->  HTTP CA certificate SHA-256 fingerprint:\n  ${cluster.caFingerprintHex}\n`)
    for (const n of cluster.nodes) expect(text).toContain(n.url)
  })

  test('every node serves the chain: node certificate then the CA', async () => {
    for (const node of cluster.nodes) {
      const chain = await peerChain(node.port, 'localhost')
      expect(chain.map((c) => c.fingerprint256)).toEqual([
        new X509Certificate(cluster.nodeCert!).fingerprint256,
        cluster.caFingerprint,
      ])
      expect(chain[0]?.subjectaltname).toContain('IP Address:127.0.0.1')
      expect(chain[0]?.subjectaltname).toContain('DNS:localhost')
    }
  })

  test('undici trusts the cluster only with the CA passed explicitly', async () => {
    const trusting = agentFor(cluster)
    const plain = new Agent()
    try {
      const ok = await call(trusting, `${cluster.url}/`, { auth: basic('elastic', cluster.password) })
      expect(ok.status).toBe(200)
      const localhost = await call(trusting, `https://localhost:${cluster.nodes[0]!.port}/`, {
        auth: basic('elastic', cluster.password),
      })
      expect(localhost.status).toBe(200)
      const node = cluster.nodes[2]!
      node.resetStats()
      const refused = once(node.events, 'tlsClientError')
      await expect(call(plain, node.url)).rejects.toMatchObject({
        code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/),
      })
      await refused
      expect(node.stats).toMatchObject({ tlsFailures: 1, tlsHandshakes: 0, requests: 0, httpBytesReceived: 0 })
    } finally {
      await trusting.close()
      await plain.close()
    }
  })

  test('reaches ::1 (in the certificate) covered by the certificate', async () => {
    await using v6 = await startCluster({ nodes: [{ host: '::1' }] })
    expect(v6.url).toMatch(/^https:\/\/\[::1\]:\d+$/)
    const agent = agentFor(v6)
    try {
      expect((await call(agent, v6.url, { auth: basic('elastic', v6.password) })).status).toBe(200)
    } finally {
      await agent.close()
    }
  })

  test('certificates are cached per process; freshCertificates makes a new CA', async () => {
    // The cache is what makes a second TLS cluster start fast (timings belong in pnpm bench, not in tests): the
    // same CA and node certificate come back, with a new password.
    await using again = await startCluster({ nodes: 3 })
    expect(again.caFingerprint).toBe(cluster.caFingerprint)
    expect(again.nodeCert).toBe(cluster.nodeCert)
    expect(again.password).not.toBe(cluster.password)
    expect(again.caCertPath).not.toBe(cluster.caCertPath)
    await using fresh = await startCluster({ freshCertificates: true })
    expect(fresh.caFingerprint).not.toBe(cluster.caFingerprint)
    const other = agentFor(fresh)
    // A client trusting the fresh CA refuses the cached cluster: the two CAs are really different.
    await expect(call(other, cluster.url)).rejects.toMatchObject({
      code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/),
    })
    await other.close()
  })

  test.runIf(existsSync(OPENSSL))(
    'openssl agrees: s_client shows the chain, x509 prints the same fingerprint',
    async () => {
      const { stdout: x509 } = await run(OPENSSL, [
        'x509',
        '-fingerprint',
        '-sha256',
        '-noout',
        '-in',
        cluster.caCertPath!,
      ])
      // OpenSSL 1.x prints `SHA256 Fingerprint=`, 3.x `sha256 Fingerprint=`; the value is what matters.
      expect(x509.trim()).toMatch(/^sha256 Fingerprint=/i)
      expect(x509.trim().split('=')[1]).toBe(cluster.caFingerprint)
      const child = execFile(OPENSSL, [
        's_client',
        '-connect',
        `127.0.0.1:${cluster.nodes[1]!.port}`,
        '-servername',
        'localhost',
        '-showcerts',
        '-CAfile',
        cluster.caCertPath!,
      ])
      child.stdin?.end()
      let out = ''
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString()
      })
      await new Promise((resolve) => child.on('close', resolve))
      const pems = out.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
      expect(pems).toHaveLength(2)
      expect(new X509Certificate(pems[1]!).fingerprint256).toBe(cluster.caFingerprint)
      expect(out).toMatch(/Verify return code: 0 \(ok\)/)
    },
  )
})

describe('TLS client authentication', () => {
  test('required: no certificate, no handshake; a certificate from the HTTP CA is accepted and recorded', async () => {
    await using mtls = await startCluster({ clientAuthentication: 'required' })
    const auth = basic('elastic', mtls.password)
    const without = agentFor(mtls)
    const node = mtls.nodes[0]!
    // TLS 1.3: the client finishes its side of the handshake, then the server's alert closes the socket.
    await expect(call(without, mtls.url, { auth })).rejects.toMatchObject({
      name: 'SocketError',
      code: 'UND_ERR_SOCKET',
      message: 'other side closed',
    })
    expect(node.stats).toMatchObject({ requests: 0, tlsHandshakes: 0, tlsFailures: 1 })
    await without.close()
    const { cert, key } = await mtls.createClientCertificate('alice-client')
    const withCert = agentFor(mtls, { cert, key })
    const res = await call(withCert, mtls.url, { auth })
    expect(res.status).toBe(200)
    expect(mtls.nodes[0]!.requests.at(-1)?.clientCertificate).toBe('CN=alice-client')
    await withCert.close()
  })

  test('optional: no certificate is fine; an untrusted one is refused', async () => {
    await using mtls = await startCluster({ clientAuthentication: 'optional' })
    await using other = await startCluster({ freshCertificates: true })
    const auth = basic('elastic', mtls.password)
    const without = agentFor(mtls)
    expect((await call(without, mtls.url, { auth })).status).toBe(200)
    expect(mtls.nodes[0]!.requests.at(-1)?.clientCertificate).toBeUndefined()
    await without.close()
    const foreign = await other.createClientCertificate()
    const untrusted = agentFor(mtls, foreign)
    const node = mtls.nodes[0]!
    const { tlsFailures } = node.stats
    const recorded = node.requests.length
    await expect(call(untrusted, mtls.url, { auth })).rejects.toMatchObject({
      name: 'SocketError',
      code: 'UND_ERR_SOCKET',
      message: 'other side closed',
    })
    // closed by the node's certificate check, not refused or reset for another reason
    expect(node.stats.tlsFailures).toBe(tlsFailures + 1)
    // and before the HTTP handler saw the request: nothing was recorded or answered for it
    expect(node.requests.slice(recorded).map((r) => `${r.method} ${r.url}`)).toEqual([])
    await untrusted.close()
  })
})
