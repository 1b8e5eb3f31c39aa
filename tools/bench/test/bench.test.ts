import { describe, expect, it } from 'vitest'
import { adapterLabels, adapterNames, diagnosticAdapterNames } from '../src/adapters.js'
import { BulkCounter } from '../src/bulk-counter.js'
import { renderReport } from '../src/report.js'
import { runBench } from '../src/runner.js'

describe('pnpm bench --quick', () => {
  it('runs every client through every scenario, checking every response body, and the options() test', async () => {
    const result = await runBench({ quick: true })
    expect(result.scenarios.length).toBe(9)
    for (const scenario of result.scenarios) {
      const byAdapter = result.summaries.get(scenario.name)
      for (const adapter of adapterNames) {
        const summary = byAdapter?.get(adapter)
        // A worker throws (and runBench rejects) on the first wrong body; here every request was answered and checked.
        expect(
          summary?.rounds.map((m) => m.checked),
          `${scenario.name} ${adapter}`,
        ).toEqual([scenario.requests])
        expect(summary?.requestsPerSecond).toBeGreaterThan(0)
        expect(summary?.cpuUsPerRequest).toBeGreaterThan(0)
        expect(summary?.warmupCpuUsPerRequest).toBeGreaterThan(0)
        expect(summary?.peakRssMb).toBeGreaterThan(0)
      }
    }
    // Stretch's own cost without I/O was measured for each call (the worker checked every body).
    expect(result.overhead?.map((row) => row.operation)).toEqual(['info', 'search', 'bulk'])
    for (const row of result.overhead ?? []) expect(row.stretchNs).toBeGreaterThan(0)
    // The cold start: every client, as built and bundled (the bundles ran with no node_modules beside them).
    expect(result.coldStart?.map((r) => `${r.client} ${r.form}`)).toEqual([
      'stretch unbundled',
      'stretch bundled',
      'es9 unbundled',
      'es9 bundled',
      'undici unbundled',
      'undici bundled',
      'undici-pool unbundled',
      'undici-pool bundled',
    ])
    for (const row of result.coldStart ?? []) {
      expect(row.samples).toHaveLength(1)
      expect(row.answeredMs).toBeGreaterThan(row.requestMs)
      expect(row.cpuMs).toBeGreaterThan(0)
      if (row.form === 'bundled') expect(row.bundleBytes).toBeGreaterThan(100_000)
    }
    expect(result.options?.children).toBe(2000)
    expect(result.options?.newConnections).toBe(0)

    const report = renderReport(result, 'Test CPU, 2 cores, Node v20')
    expect(report).toContain('Machine: Test CPU, 2 cores, Node v20.')
    for (const adapter of adapterNames) expect(report).toContain(`| ${adapterLabels[adapter]} |`)
    expect(report).toContain('## Targets (issues 7 and 17)')
    expect(report).toContain("## Stretch's own cost per call, without I/O")
    expect(report).toContain('## Cold start')
    expect(report).toContain('| Stretch | bundled |')
    expect(report).toContain('| bare undici Pool (the files Stretch loads) | bundled |')
    expect(report).toContain('cold start (unbundled): <= 1.05x the bare undici request')
  }, 120_000)
})

describe('the diagnostic clients', () => {
  it('answer and check every body of the plain scenarios, and stay out of the default run', async () => {
    expect(adapterNames).not.toContain('stretch-connection')
    const scenarios = ['info c=1', 'search c=64', 'bulk c=1']
    const result = await runBench({
      quick: true,
      adapters: diagnosticAdapterNames,
      scenarios,
      optionsChildren: 0,
      overhead: false,
      coldStartSamples: 0,
    })
    for (const scenario of result.scenarios) {
      for (const adapter of diagnosticAdapterNames) {
        const summary = result.summaries.get(scenario.name)?.get(adapter)
        expect(
          summary?.rounds.map((m) => m.checked),
          `${scenario.name} ${adapter}`,
        ).toEqual([scenario.requests])
      }
    }
  }, 60_000)
})

describe('BulkCounter', () => {
  const count = (...chunks: string[]): number => {
    const counter = new BulkCounter()
    for (const chunk of chunks) counter.push(Buffer.from(chunk))
    return counter.end()
  }

  it('counts action lines, not document lines, and deletes have no document', () => {
    const body =
      '{"index":{"_id":"1"}}\n{"index":"a document field named index"}\n' +
      '{"delete":{"_id":"2"}}\n{"create":{"_id":"3"}}\n{"x":1}\n{"update":{"_id":"4"}}\n{"doc":{"x":2}}\n'
    expect(count(body)).toBe(4)
  })

  it('finds actions split across chunks, with or without a final newline', () => {
    expect(count('{"ind', 'ex":{}}\n{"a":1}\n{"del', 'ete":{}}')).toBe(2)
    expect(count('{"index":{}}\n', '{"a":1}', '\n')).toBe(1)
    expect(count('')).toBe(0)
  })
})
