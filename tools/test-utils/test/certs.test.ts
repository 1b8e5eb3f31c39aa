import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { get } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createCertificates, sendJson, startServer } from '../src/index.js'

describe('createCertificates', () => {
  it('makes a chain that node:https trusts with the CA and the fingerprint openssl prints', async () => {
    const certs = await createCertificates()
    await using srv = await startServer((_req, res) => sendJson(res, 200, { ok: true }), {
      tls: { cert: certs.chain, key: certs.server.key },
    })
    const body = await new Promise<string>((resolve, reject) => {
      get(`${srv.url}/`, { ca: certs.ca.cert }, (res) => {
        let text = ''
        res.on('data', (c) => (text += c))
        res.on('end', () => resolve(text))
      }).on('error', reject)
    })
    expect(JSON.parse(body)).toEqual({ ok: true })
    const dir = mkdtempSync(join(tmpdir(), 'stretch-certs-'))
    writeFileSync(join(dir, 'ca.crt'), certs.ca.cert)
    let openssl: string | undefined
    try {
      openssl = execFileSync('openssl', [
        'x509',
        '-fingerprint',
        '-sha256',
        '-noout',
        '-in',
        join(dir, 'ca.crt'),
      ]).toString()
    } catch {
      openssl = undefined
    }
    // openssl 1.x prints "SHA256 Fingerprint=", 3.x "sha256 Fingerprint="
    if (openssl !== undefined) expect(openssl.trim().split('=')[1]).toBe(certs.ca.fingerprint256)
    expect(certs.ca.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
  })
})
