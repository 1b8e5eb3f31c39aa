import { describe, expect, it } from 'vitest'
import { readRatios, renderRatioChart } from '../src/ratio-chart.js'

const report = `# pnpm bench

## info c=64 (HTTP, 6,000 requests after 1,500 warm-up)

| client | req/s | x floor | x limit | x es9 | p50 ms | p99 ms | CPU µs/req | CPU x floor | CPU x limit | CPU x es9 | peak RSS MB | RSS x limit | RSS x es9 |
|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|
| Stretch | 9,000 | 1.10 | 0.93 | 2.00 | 6.1 | 9.0 | 60 | 0.90 | 1.12 | 0.50 | 80 | 1.01 | 0.90 |
| undici Pool (floor) | 8,200 | 1.00 | 0.85 | 1.82 | 6.5 | 9.9 | 66 | 1.00 | 1.24 | 0.55 | 79 | 1.00 | 0.89 |

## search c=64 gzip (HTTP, httpCompress, 6,000 requests after 1,500 warm-up)

| client | req/s | x floor | x limit | x es9 | p50 ms | p99 ms | CPU µs/req | CPU x floor | CPU x limit | CPU x es9 | peak RSS MB | RSS x limit | RSS x es9 |
|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|
| Stretch | 5,000 | 1.02 | 0.97 | 1.90 | 6.1 | 9.0 | 160 | 0.98 | 1.05 | 0.50 | 80 | 1.01 | 0.90 |
`

describe('the ratio chart', () => {
  it("reads Stretch's ratios to both floors from a report and draws one group per scenario", () => {
    const rows = readRatios(report)
    expect(rows).toEqual([
      { scenario: 'info c=64', rpsFloor: 1.1, rpsLimit: 0.93, cpuLimit: 1.12 },
      { scenario: 'search c=64 gzip', rpsFloor: 1.02, rpsLimit: 0.97, cpuLimit: 1.05 },
    ])
    const svg = renderRatioChart('Stretch & the floors', rows)
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg).toContain('Stretch &amp; the floors')
    expect(svg).toContain('>search c=64 gzip</text>')
    expect(svg.match(/<rect x="250"/g)).toHaveLength(6)
    expect(svg).toContain('>1.12</text>')
  })

  it('finds nothing in a report from before the limit column', () => {
    expect(readRatios(report.replaceAll(' x limit |', ' x other |'))).toEqual([])
  })
})
