import { describe, expect, it } from 'vitest'
import type { ColdStartClient, ColdStartSummary } from '../src/cold-start.js'
import type { AdapterName, Measurement, Scenario } from '../src/protocol.js'
import { readRatios } from '../src/ratio-chart.js'
import { checkTargets, pairedRatios, renderJson, renderReport } from '../src/report.js'
import type { BenchResult, Summary } from '../src/runner.js'

const scenario: Scenario = {
  name: 'info c=64',
  operation: 'info',
  concurrency: 64,
  tls: false,
  compress: false,
  warmup: 10,
  requests: 100,
}

// The warm-up costs 1.5x the measured CPU per request in every round.
function round(adapter: AdapterName, cpuUsPerRequest: number): Measurement {
  return {
    scenario: scenario.name,
    adapter,
    requests: 100,
    elapsedMs: 10,
    requestsPerSecond: 10_000,
    p50Ms: 1,
    p99Ms: 2,
    cpuUsPerRequest,
    warmupCpuUsPerRequest: cpuUsPerRequest * 1.5,
    peakRssMb: 100,
    checked: 100,
  }
}

// `median` stands for the summary's CPU figure (the runner's median of rounds), given apart so that the test can
// tell the two ways of taking the ratio apart.
function summary(adapter: AdapterName, cpu: readonly number[], median: number): Summary {
  return {
    adapter,
    requestsPerSecond: 10_000,
    p50Ms: 1,
    p99Ms: 2,
    cpuUsPerRequest: median,
    warmupCpuUsPerRequest: median * 1.5,
    peakRssMb: 100,
    rounds: cpu.map((c) => round(adapter, c)),
  }
}

// Each round of Stretch is 1.05x of the limit's round next to it, while the two medians are 1.37x apart.
const result: BenchResult = {
  startedAt: new Date('2026-12-02T02:00:00Z'),
  rounds: 3,
  quick: false,
  scenarios: [scenario],
  adapters: ['stretch', 'dispatch'],
  summaries: new Map([
    [
      scenario.name,
      new Map<AdapterName, Summary>([
        ['stretch', summary('stretch', [42, 63, 105], 63)],
        ['dispatch', summary('dispatch', [40, 60, 100], 46)],
      ]),
    ],
  ]),
  options: undefined,
  overhead: undefined,
  coldStart: undefined,
  loads: new Map([[scenario.name, [2.5, 7.25, 12, 9]]]),
  durationMs: 1000,
}
describe('the report', () => {
  it('pairs each round of Stretch with the round of the limit next to it in time', () => {
    expect(
      pairedRatios([round('stretch', 42), round('stretch', 63)], [round('dispatch', 40), round('dispatch', 60)]),
    ).toEqual([1.05, 1.05])
  })

  it("prints every round's CPU, the round-by-round ratio to the limit and the load before each round", () => {
    const text = renderReport(result, 'test machine')
    expect(text).toContain('Rounds (CPU µs/req): stretch 42 / 63 / 105; dispatch 40 / 60 / 100.')
    expect(text).toContain('CPU x limit, round by round: 1.05 / 1.05 / 1.05 (median 1.05).')
    expect(text).toContain('Load average (1 min) before each round and after the last: 2.5 / 7.3 / 12.0 / 9.0.')
  })

  it("gives each client's warm-up CPU apart from the measured window, with its ratios and its extra over it", () => {
    const text = renderReport(result, 'test machine')
    expect(text).toContain('Warm-up (the 10 requests before the clock starts')
    // 63 * 1.5 = 94.5 µs over 10 requests, 31.5 µs above the measured rate: 0.315 ms; the limit's 0.23 ms.
    expect(text).toContain('| Stretch | 95 | 1.37 | 1.50 | 0 | 1.37 |')
    expect(text).toContain('| undici Pool.dispatch (limit) | 69 | 1.00 | 1.50 | 0 | 1.00 |')
    expect(text).toContain('Rounds (warm-up CPU µs/req): stretch 63 / 95 / 158; dispatch 60 / 90 / 150.')
    // The ratio chart still reads the measured window (63 / 46), not the warm-up table after it.
    expect(readRatios(text)).toEqual([{ scenario: 'info c=64', rpsFloor: Number.NaN, rpsLimit: 1, cpuLimit: 1.37 }])
  })

  it('writes the same figures as JSON, the warm-up included', () => {
    const json = JSON.parse(renderJson(result, 'test machine'))
    expect(json.machine).toBe('test machine')
    const [info] = json.scenarios
    expect(info.name).toBe('info c=64')
    expect(info.loads).toEqual([2.5, 7.25, 12, 9])
    const stretch = info.clients.find((c: { adapter: string }) => c.adapter === 'stretch')
    expect(stretch.cpuUsPerRequest).toBe(63)
    expect(stretch.warmupCpuUsPerRequest).toBe(94.5)
    expect(stretch.warmupExtraMs).toBeCloseTo(0.315)
    expect(stretch.xLimit.cpuUsPerRequest).toBeCloseTo(63 / 46)
    expect(stretch.xLimit.warmupCpuUsPerRequest).toBeCloseTo(63 / 46)
    expect(stretch.xLimit.warmupExtraMs).toBeCloseTo(63 / 46)
    expect(stretch.rounds).toHaveLength(3)
    expect(json.targets.length).toBeGreaterThan(0)
  })

  it('checks the CPU target both ways: ratio of medians and median of paired ratios', () => {
    const targets = checkTargets(result).filter((t) => t.target.startsWith('info c=64: CPU/request <= 1.1x'))
    expect(targets).toEqual([
      { target: 'info c=64: CPU/request <= 1.1x Pool.dispatch', measured: '1.37x', met: false },
      {
        target: 'info c=64: CPU/request <= 1.1x Pool.dispatch (median of round-by-round ratios)',
        measured: '1.05x',
        met: true,
      },
    ])
  })
})

function coldRow(client: ColdStartClient, answeredMs: number, cpuMs: number): ColdStartSummary {
  return {
    client,
    form: 'unbundled',
    bundleBytes: undefined,
    answeredMs,
    importMs: 10,
    requestMs: 20,
    cpuMs,
    samples: [{ answeredMs, importMs: 10, requestMs: 20, cpuMs }],
  }
}

describe('the cold-start report', () => {
  // Stretch under the floor (all of undici) and over the Pool-only one (the files Stretch loads).
  const cold: BenchResult = {
    ...result,
    coldStart: [coldRow('stretch', 110, 66), coldRow('undici', 125, 80), coldRow('undici-pool', 100, 60)],
  }

  it("keeps the issue's floor as the target and shows the ratio to the Pool-only floor beside it", () => {
    expect(checkTargets(cold).filter((t) => t.target.startsWith('cold start'))).toEqual([
      {
        target: 'cold start (unbundled): <= 1.05x the bare undici request (time to the first answer)',
        measured: '0.88x (CPU 0.82x); Pool-only floor 1.10x (CPU 1.10x)',
        met: true,
      },
    ])
  })

  it("gives every row's ratio to both floors", () => {
    const text = renderReport(cold, 'test machine')
    expect(text).toContain('| Stretch | unbundled | 110.0 | 0.88 | 1.10 | - | 10.0 | 20.0 | 66.0 | 0.82 | 1.10 | - |')
    expect(text).toContain('| bare undici Pool (the files Stretch loads) | unbundled | 100.0 | 0.80 | 1.00 |')
  })
})
