import type { Scenario } from './protocol.js'

/**
 * The scenarios of a run. Counts are fixed (not timed) so every client does the same work. Each warm-up is as long as
 * the slowest of Stretch and the limit needs before its CPU per request is flat in a fresh process
 * (`scripts/slices.mjs`, see the bench README, "How long a fresh process takes to settle"), the same for every client,
 * so the measured window is the steady state; the warm-up's own CPU is reported apart. A full run of every client,
 * 5 rounds, takes about 45 minutes on 2 busy cores (the slowest clients dominate). `quick` sends a handful of
 * requests: enough to prove every adapter works, too few to measure anything.
 */
export function benchScenarios(quick: boolean): Scenario[] {
  const n = (full: number, smoke: number): number => (quick ? smoke : full)
  const base = { tls: false, compress: false }
  return [
    { ...base, name: 'info c=1', operation: 'info', concurrency: 1, warmup: n(6000, 3), requests: n(2000, 10) },
    { ...base, name: 'info c=64', operation: 'info', concurrency: 64, warmup: n(10_000, 64), requests: n(6000, 128) },
    { ...base, name: 'search c=1', operation: 'search', concurrency: 1, warmup: n(6000, 3), requests: n(2000, 10) },
    {
      ...base,
      name: 'search c=64',
      operation: 'search',
      concurrency: 64,
      warmup: n(12_000, 64),
      requests: n(6000, 128),
    },
    { ...base, name: 'bulk c=1', operation: 'bulk', concurrency: 1, warmup: n(300, 2), requests: n(60, 4) },
    { ...base, name: 'bulk c=64', operation: 'bulk', concurrency: 64, warmup: n(200, 8), requests: n(192, 16) },
    {
      ...base,
      name: 'info c=64 https',
      operation: 'info',
      concurrency: 64,
      tls: true,
      warmup: n(10_000, 64),
      requests: n(6000, 128),
    },
    {
      ...base,
      name: 'search c=64 gzip',
      operation: 'search',
      concurrency: 64,
      compress: true,
      warmup: n(12_000, 64),
      requests: n(4000, 128),
    },
    {
      ...base,
      name: 'bulk c=64 gzip',
      operation: 'bulk',
      concurrency: 64,
      compress: true,
      warmup: n(200, 8),
      requests: n(128, 16),
    },
  ]
}
