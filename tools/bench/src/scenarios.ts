import type { Scenario } from './protocol.js'

/**
 * The scenarios of a run. Counts are fixed (not timed) so every client does the same work; they are sized so that three
 * rounds of every client take about 6 minutes on 2 busy cores (the slowest clients dominate). `quick` sends a handful of requests: enough to prove every
 * adapter works, too few to measure anything.
 */
export function benchScenarios(quick: boolean): Scenario[] {
  const n = (full: number, smoke: number): number => (quick ? smoke : full)
  const base = { tls: false, compress: false }
  return [
    { ...base, name: 'info c=1', operation: 'info', concurrency: 1, warmup: n(300, 3), requests: n(1500, 10) },
    { ...base, name: 'info c=64', operation: 'info', concurrency: 64, warmup: n(1500, 64), requests: n(6000, 128) },
    { ...base, name: 'search c=1', operation: 'search', concurrency: 1, warmup: n(300, 3), requests: n(1500, 10) },
    {
      ...base,
      name: 'search c=64',
      operation: 'search',
      concurrency: 64,
      warmup: n(1500, 64),
      requests: n(6000, 128),
    },
    { ...base, name: 'bulk c=1', operation: 'bulk', concurrency: 1, warmup: n(10, 2), requests: n(60, 4) },
    { ...base, name: 'bulk c=64', operation: 'bulk', concurrency: 64, warmup: n(64, 8), requests: n(192, 16) },
    {
      ...base,
      name: 'info c=64 https',
      operation: 'info',
      concurrency: 64,
      tls: true,
      warmup: n(1500, 64),
      requests: n(6000, 128),
    },
    {
      ...base,
      name: 'search c=64 gzip',
      operation: 'search',
      concurrency: 64,
      compress: true,
      warmup: n(1000, 64),
      requests: n(4000, 128),
    },
    {
      ...base,
      name: 'bulk c=64 gzip',
      operation: 'bulk',
      concurrency: 64,
      compress: true,
      warmup: n(64, 8),
      requests: n(128, 16),
    },
  ]
}
