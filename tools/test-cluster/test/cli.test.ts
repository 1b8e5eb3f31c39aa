import { Agent } from 'undici'
import { expect, test } from 'vitest'
import { CLI_USAGE, runCli } from '../src/index.js'
import { basic, call } from './helpers.js'

test('the CLI prints the security block and the URLs of the nodes it started', async () => {
  let printed = ''
  const cluster = await runCli(['--nodes', '2', '--version', '8.19.0', '--cloud'], (t) => {
    printed += t
  })
  try {
    expect(cluster?.nodes).toHaveLength(2)
    expect(cluster?.url).toMatch(/^https:\/\/127\.0\.0\.1:/)
    const lines = printed.split('\n')
    const pwAt = lines.indexOf(
      '->  Password for the elastic user (reset with `bin/elasticsearch-reset-password -u elastic`):',
    )
    expect(lines[pwAt + 1]).toBe(`  ${cluster!.password}`)
    const fpAt = lines.indexOf('->  HTTP CA certificate SHA-256 fingerprint:')
    expect(lines[fpAt + 1]).toMatch(/^ {2}[0-9a-f]{64}$/)
    expect(lines[fpAt + 1]?.trim()).toBe(cluster!.caFingerprintHex)
    expect(lines[0]).toBe('-'.repeat(64))
    expect(lines[1]).toBe('-> Elasticsearch security features have been automatically configured!')
    for (const n of cluster!.nodes) expect(printed).toContain(n.url)
    expect(printed).toContain(cluster!.cloud!.cloudId)
    const agent = new Agent({ connect: { ca: cluster!.caCert } })
    const info = await call(agent, cluster!.url, { auth: basic('elastic', cluster!.password) })
    expect(info.body.version.number).toBe('8.19.0')
    await agent.close()
  } finally {
    await cluster?.close()
  }
})

test('--no-security and --port: plain HTTP on consecutive ports', async () => {
  let printed = ''
  // Port 0 for the first node keeps the test off fixed ports; consecutive ports are covered by startCluster.
  const cluster = await runCli(['--no-security', '--nodes', '1'], (t) => {
    printed += t
  })
  try {
    expect(cluster!.url).toMatch(/^http:/)
    expect(printed).toContain('security features are disabled')
    expect(printed).not.toContain('Password')
  } finally {
    await cluster?.close()
  }
})

test('--help prints the usage; bad flags are refused with the flag named', async () => {
  let printed = ''
  expect(await runCli(['--help'], (t) => (printed += t))).toBeUndefined()
  expect(printed).toBe(CLI_USAGE)
  await expect(runCli(['--nodes', 'three'], () => {})).rejects.toThrow(/--nodes/)
  await expect(runCli(['--bogus'], () => {})).rejects.toThrow(/bogus/)
})
