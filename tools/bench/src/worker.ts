// A worker process: drives one client through the scenarios it is given and reports what it measured.
import { type Adapter, createAdapter } from './adapters.js'
import { checkBulk, checkInfo, checkSearch } from './fixtures.js'
import type { Measurement, Operation, Scenario, WorkerJob, WorkerReply } from './protocol.js'

const checks: Readonly<Record<Operation, (body: unknown) => void>> = {
  info: checkInfo,
  search: checkSearch,
  bulk: checkBulk,
}

/** Sends `count` requests, `concurrency` at a time; fills `latencies` (ms) when given. */
async function drive(
  call: () => Promise<unknown>,
  check: (body: unknown) => void,
  count: number,
  concurrency: number,
  latencies?: Float64Array,
): Promise<number> {
  let next = 0
  let checked = 0
  const loop = async (): Promise<void> => {
    for (;;) {
      const i = next++
      if (i >= count) return
      const start = performance.now()
      const body = await call()
      if (latencies !== undefined) latencies[i] = performance.now() - start
      check(body)
      checked++
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, loop))
  return checked
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number
}

async function measure(job: WorkerJob, scenario: Scenario): Promise<Measurement> {
  const adapter: Adapter = await createAdapter(job.adapter, {
    url: scenario.tls ? job.https : job.http,
    ca: job.ca,
    compress: scenario.compress,
  })
  const call = (): Promise<unknown> => adapter[scenario.operation]()
  const check = checks[scenario.operation]
  try {
    // The very first request alone: it loads what the client loads lazily (Stretch imports undici then) and opens
    // the first socket, which is the cold-start scenario's subject; the warm-up's CPU is counted from after it.
    await drive(call, check, 1, 1)
    const warmupStart = process.cpuUsage()
    await drive(call, check, scenario.warmup, scenario.concurrency)
    const warmupCpu = process.cpuUsage(warmupStart)
    const latencies = new Float64Array(scenario.requests)
    const cpuStart = process.cpuUsage()
    const start = performance.now()
    const checked = await drive(call, check, scenario.requests, scenario.concurrency, latencies)
    const elapsedMs = performance.now() - start
    const cpu = process.cpuUsage(cpuStart)
    latencies.sort()
    return {
      scenario: scenario.name,
      adapter: job.adapter,
      requests: scenario.requests,
      elapsedMs,
      requestsPerSecond: (scenario.requests * 1000) / elapsedMs,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      cpuUsPerRequest: (cpu.user + cpu.system) / scenario.requests,
      warmupCpuUsPerRequest: scenario.warmup === 0 ? 0 : (warmupCpu.user + warmupCpu.system) / scenario.warmup,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      checked,
    }
  } finally {
    await adapter.close()
  }
}

// Never outlive the runner (a crashed or killed bench closes the IPC channel).
process.once('disconnect', () => process.exit(1))

process.once('message', (job: WorkerJob) => {
  const run = async (): Promise<WorkerReply> => {
    const measurements: Measurement[] = []
    for (const scenario of job.scenarios) measurements.push(await measure(job, scenario))
    return { type: 'result', measurements }
  }
  run().then(
    (reply) => process.send?.(reply, () => process.exit(0)),
    (error: unknown) => {
      const reply: WorkerReply = {
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }
      process.send?.(reply, () => process.exit(1))
    },
  )
})
