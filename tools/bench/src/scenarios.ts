import type { Scenario } from './protocol.js'

/**
 * The scenarios of a run. Counts are fixed (not timed) so every client does the same work; they are sized so the
 * floor needs about a second per scenario on 2 cores. `quick` sends a handful of requests: enough to prove every
 * adapter works, too few to measure anything.
 */
export function benchScenarios(quick: boolean): Scenario[] {
  const n = (full: number, smoke: number): number => (quick ? smoke : full)
  const base = { tls: false, compress: false }
  return [
    { ...base, name: 'info c=1', operation: 'info', concurrency: 1, warmup: n(500, 3), requests: n(4000, 10) },
    { ...base, name: 'info c=64', operation: 'info', concurrency: 64, warmup: n(3000, 64), requests: n(20_000, 128) },
    { ...base, name: 'search c=1', operation: 'search', concurrency: 1, warmup: n(500, 3), requests: n(4000, 10) },
    {
      ...base,
      name: 'search c=64',
      operation: 'search',
      concurrency: 64,
      warmup: n(3000, 64),
      requests: n(20_000, 128),
    },
    { ...base, name: 'bulk c=1', operation: 'bulk', concurrency: 1, warmup: n(30, 2), requests: n(200, 4) },
    { ...base, name: 'bulk c=64', operation: 'bulk', concurrency: 64, warmup: n(128, 8), requests: n(500, 16) },
    {
      ...base,
      name: 'info c=64 https',
      operation: 'info',
      concurrency: 64,
      tls: true,
      warmup: n(3000, 64),
      requests: n(20_000, 128),
    },
    {
      ...base,
      name: 'search c=64 gzip',
      operation: 'search',
      concurrency: 64,
      compress: true,
      warmup: n(2000, 64),
      requests: n(10_000, 128),
    },
    {
      ...base,
      name: 'bulk c=64 gzip',
      operation: 'bulk',
      concurrency: 64,
      compress: true,
      warmup: n(64, 8),
      requests: n(300, 16),
    },
  ]
}
