// `pnpm demo`, in-process: every scenario of the Connecting page passes against the embedded test cluster.
import { describe, expect, it } from 'vitest'
import { runDemo } from '../src/index.js'

describe('pnpm demo', () => {
  it('runs every scenario against the embedded cluster, one line each, and all pass', {
    timeout: 120_000,
  }, async () => {
    const lines: string[] = []
    const report = await runDemo({ env: {}, write: (line) => lines.push(line) })
    const output = lines.join('\n')

    expect(report.mode).toBe('embedded')
    expect(report.results.filter((r) => r.status !== 'passed')).toEqual([])
    expect(report.results.map((r) => r.name)).toEqual([
      'Cloud ID',
      'caCerts',
      'sslAssertFingerprint',
      'no security (http)',
      'multiple nodes',
      'basic auth',
      'bearer auth',
      'API key auth',
      'options()',
      'compatibility mode',
      'FaaS handler',
    ])
    expect(report.ok).toBe(true)
    // The start-up block, as Elasticsearch prints it: the password and the CA fingerprint to note down.
    expect(output).toMatch(/Password for the elastic user[^\n]*\n {2}\S{20}\n/)
    expect(output).toMatch(/HTTP CA certificate SHA-256 fingerprint:\n {2}[0-9a-f]{64}\n/)
    for (const result of report.results) expect(output).toContain(`✓ ${result.name}`)
    expect(output).toMatch(/multiple nodes +30 requests, round-robin: node-0 10, node-1 10, node-2 10/)
    expect(output).toMatch(/wrong pin refused: ES_ERR_TLS, 0 bytes of HTTP sent/)
    expect(output).toContain('11 passed, 0 failed, 0 skipped')
  })
})
