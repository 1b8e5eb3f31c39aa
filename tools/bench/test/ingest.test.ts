import { describe, expect, it } from 'vitest'
import { renderIngest, runIngest } from '../src/ingest.js'

describe('bench:ingest --quick', () => {
  it('loads every document through each bulk helper and the floor, and reports them side by side', async () => {
    const result = await runIngest({ quick: true })
    expect([...result.measurements.keys()]).toEqual(['50000 x 100 B', '5000 x 5000 B'])
    for (const [key, byClient] of result.measurements) {
      expect([...byClient.keys()], key).toEqual(['stretch', 'es9', 'undici'])
      for (const [client, rounds] of byClient) {
        // A worker throws unless it wrote every document, and the runner checks the server counted each one.
        expect(
          rounds.map((m) => m.documents),
          `${key} ${client}`,
        ).toEqual([key.startsWith('50000') ? 50_000 : 5_000])
        expect(rounds[0]?.documentsPerSecond).toBeGreaterThan(0)
        expect(rounds[0]?.peakRssMb).toBeGreaterThan(0)
      }
    }
    const report = renderIngest(result, 'Test CPU')
    expect(report).toContain('| @stretch/helpers bulk |')
    expect(report).toContain('| @elastic/elasticsearch 9 helpers.bulk |')
    expect(report).toContain('| undici Pool loop (floor) |')
  }, 120_000)
})
