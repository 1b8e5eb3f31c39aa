import { describe, expect, it } from 'vitest'
import { chartData, renderIngest, runIngest } from '../src/ingest.js'
import { renderChart } from '../src/ingest-chart.js'

describe('bench:ingest --quick', () => {
  it('loads every document through each bulk helper and the floor, reads them back, and reports them side by side', async () => {
    const result = await runIngest({ quick: true })
    expect([...result.measurements.keys()]).toEqual([
      'bulk 50,000 x 100 B',
      'bulk 5,000 x 5000 B',
      'read 20,000 (searchAll / scroll)',
    ])
    for (const c of result.cases) {
      const byClient = result.measurements.get(
        c.kind === 'scan'
          ? `read ${c.documents.toLocaleString('en-US')} (searchAll / scroll)`
          : `bulk ${c.documents.toLocaleString('en-US')} x ${c.documentBytes} B`,
      )
      expect([...(byClient?.keys() ?? [])]).toEqual(
        c.kind === 'scan' ? ['stretch', 'es9'] : ['stretch', 'es9', 'undici'],
      )
      for (const [client, rounds] of byClient ?? []) {
        // A worker throws unless it wrote (or read, in order) every document, and the runner checks that the server
        // counted each one.
        expect(
          rounds.map((m) => m.documents),
          `${c.kind} ${client}`,
        ).toEqual([c.documents])
        expect(rounds[0]?.documentsPerSecond).toBeGreaterThan(0)
        expect(rounds[0]?.peakRssMb).toBeGreaterThan(0)
      }
    }
    const report = renderIngest(result, 'Test CPU')
    expect(report).toContain('| @stretch/helpers bulk |')
    expect(report).toContain('| @elastic/elasticsearch 9 helpers.bulk |')
    expect(report).toContain('| undici Pool loop (floor) |')
    expect(report).toContain('| @elastic/elasticsearch 9 helpers.scrollDocuments |')
    const svg = renderChart(chartData(result, 'Test & chart'))
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg).toContain('Test &amp; chart')
    expect(svg.match(/<rect x=/g)).toHaveLength(8) // one bar per client and case
  }, 120_000)
})
