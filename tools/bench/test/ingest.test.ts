import { describe, expect, it } from 'vitest'
import { chartData, type IngestCase, type IngestResult, renderIngest, runIngest } from '../src/ingest.js'
import { renderChart } from '../src/ingest-chart.js'
import type { IngestClient, IngestMeasurement } from '../src/ingest-protocol.js'

describe('bench:ingest --clients --cases', () => {
  it('runs only the clients and cases asked for, and says n/a for a ratio to a client it did not run', async () => {
    const result = await runIngest({ quick: true, clients: ['stretch'], cases: ['small'] })
    expect(result.cases).toEqual([{ kind: 'bulk', documents: 50_000, documentBytes: 100, clients: ['stretch'] }])
    expect([...(result.measurements.get('bulk 50,000 x 100 B')?.keys() ?? [])]).toEqual(['stretch'])
    const report = renderIngest(result, 'Test CPU')
    expect(report).toMatch(/\| @stretch\/helpers bulk \| \d+ \| n\/a \| n\/a \|/)
    expect(report).not.toContain('helpers.bulk |')
  })
})

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
        // The settled reading is the same process's peak read later: never below the one at the end.
        expect(rounds[0]?.settledPeakRssMb).toBeGreaterThanOrEqual(rounds[0]?.peakRssMb as number)
        expect(rounds[0]?.peakHeapMb).toBeGreaterThan(0)
        expect(rounds[0]?.peakBuffersMb).toBeGreaterThanOrEqual(0)
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

describe('the ingest report', () => {
  it('shows the peak RSS growth from 100,000 to 1,000,000 small documents, settled and at the end, with the heap and buffer parts', () => {
    const clients: IngestClient[] = ['stretch', 'es9', 'undici']
    const cases: IngestCase[] = [100_000, 1_000_000].map((documents) => ({
      kind: 'bulk',
      documents,
      documentBytes: 100,
      clients,
    }))
    const at = (documents: number, client: IngestClient, rss: number): IngestMeasurement => ({
      client,
      kind: 'bulk',
      documents,
      documentBytes: 100,
      elapsedMs: 1000,
      documentsPerSecond: documents,
      cpuUsPerDocument: 3,
      peakRssMb: rss,
      settledPeakRssMb: rss * 1.2,
      peakHeapMb: rss / 2,
      peakBuffersMb: rss / 4,
    })
    const result: IngestResult = {
      cases,
      rounds: 1,
      durationMs: 1000,
      measurements: new Map(
        cases.map((c) => [
          `bulk ${c.documents.toLocaleString('en-US')} x 100 B`,
          new Map(clients.map((client, i) => [client, [at(c.documents, client, (c.documents / 10_000) * (i + 1))]])),
        ]),
      ),
    }
    const report = renderIngest(result, 'Test CPU')
    expect(report).toContain('## Peak RSS from 100,000 to 1,000,000 documents of 100 B (target: within 50 MB)')
    // stretch: settled 12 -> 120 MB, at the end 10 -> 100, of which the heap grew 45 and the buffers 23 (rounded).
    expect(report).toContain('| @stretch/helpers bulk | 12 → 120 | 108 | 10 → 100 | 90 | 45 | 23 |')
    expect(report).toContain('| undici Pool loop (floor) | 36 → 360 | 324 | 30 → 300 | 270 | 135 | 68 |')
  })
})
