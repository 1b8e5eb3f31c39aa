// The runner: starts the server process, then one worker process per client and scenario, clients alternating
// (A B C A B C ...) round after round, and gathers what they measured.
import { type ChildProcess, fork } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { adapterNames } from './adapters.js'
import { type ColdStartSummary, runColdStart } from './cold-start.js'
import type {
  AdapterName,
  Measurement,
  OptionsJob,
  OptionsMeasurement,
  OptionsReply,
  OverheadJob,
  OverheadReply,
  OverheadRow,
  Scenario,
  ServerReady,
  ServerStats,
  WorkerJob,
  WorkerReply,
} from './protocol.js'
import { benchScenarios } from './scenarios.js'

// Workers and the server always run the built JavaScript (dist/), from src/ under vitest as from dist/.
const distFile = (name: string): string => fileURLToPath(new URL(`../dist/${name}`, import.meta.url))

/** The name of the cold-start scenario in `--scenarios`. */
export const kColdStart = 'cold start'

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** A smoke run: a handful of requests per scenario, one round, one process per client. */
  readonly quick?: boolean | undefined
  /** Rounds (at least 3 for a real run). Default 3, or 1 with `quick`. */
  readonly rounds?: number | undefined
  /** Clients to run. Default all. */
  readonly adapters?: readonly AdapterName[] | undefined
  /** Scenario names to run (such as `info c=64`). Default all. */
  readonly scenarios?: readonly string[] | undefined
  /** Children of the `options()` test; 0 skips it. Default 100 000, or 2 000 with `quick`. */
  readonly optionsChildren?: number | undefined
  /** Measure Stretch's own cost per call without I/O. Default true. */
  readonly overhead?: boolean | undefined
  /** Write a V8 CPU profile of these clients' workers into `profileDir`. */
  readonly profile?: readonly AdapterName[] | undefined
  /** Where CPU profiles go. */
  readonly profileDir?: string | undefined
  /** Fresh processes per client and form in the cold-start scenario; 0 skips it. Default 21, or 1 with `quick`. */
  readonly coldStartSamples?: number | undefined
  /** Multiplies every scenario's request counts (a longer run for profiling). Default 1. */
  readonly scale?: number | undefined
  /** Progress lines. */
  readonly log?: ((line: string) => void) | undefined
}

/** The medians of one client in one scenario, over its rounds. */
export interface Summary {
  readonly adapter: AdapterName
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly cpuUsPerRequest: number
  /** CPU per request of the warm-up (a fresh process's first requests), median of rounds. */
  readonly warmupCpuUsPerRequest: number
  readonly peakRssMb: number
  /** Every round's measurement, in order. */
  readonly rounds: readonly Measurement[]
}

/** The `options()` test's result. */
export interface OptionsResult extends OptionsMeasurement {
  /** Server-side connections opened while the children sent their requests. */
  readonly newConnections: number
}

/** Everything a run measured. */
export interface BenchResult {
  readonly startedAt: Date
  readonly rounds: number
  readonly quick: boolean
  readonly scenarios: readonly Scenario[]
  readonly adapters: readonly AdapterName[]
  /** Per scenario name, per client. */
  readonly summaries: ReadonlyMap<string, ReadonlyMap<AdapterName, Summary>>
  readonly options: OptionsResult | undefined
  /** Stretch's own CPU cost per call without I/O, when measured. */
  readonly overhead: readonly OverheadRow[] | undefined
  /** The cold-start scenario (fresh processes: import, construct, first `info()`), when run. */
  readonly coldStart: readonly ColdStartSummary[] | undefined
  /** Per scenario name, the 1-minute load average of the machine before each round and after the last. */
  readonly loads?: ReadonlyMap<string, readonly number[]> | undefined
  readonly durationMs: number
}

interface RunningServer extends ServerReady {
  readonly child: ChildProcess
  stats(): Promise<ServerStats>
}

// A client that hangs must fail the run, not stall it: no scenario takes this long even on a busy machine.
const kWorkerTimeout = 5 * 60_000

function nextMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: T): void => {
      cleanup()
      resolve(message)
    }
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup()
      reject(new Error(`${what} exited (${signal ?? `code ${code}`}) before answering`))
    }
    const timer = setTimeout(() => {
      cleanup()
      child.kill()
      reject(new Error(`${what} did not answer within ${kWorkerTimeout / 1000} s`))
    }, kWorkerTimeout)
    const cleanup = (): void => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}

function spawn(file: string, execArgv: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  if (!existsSync(distFile(file))) {
    throw new Error(
      `${distFile(file)} is missing: build the bench first (pnpm --filter @stretch/bench build, or run it through turbo)`,
    )
  }
  // An explicit execArgv and NODE_OPTIONS: nothing of the parent (vitest's loaders, source conditions) leaks in.
  return fork(distFile(file), [], {
    execArgv: [...execArgv],
    env: { ...env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

async function startServer(): Promise<RunningServer> {
  const child = spawn('server.js', [], process.env)
  const ready = await nextMessage<ServerReady>(child, 'the bench server')
  let id = 0
  return {
    ...ready,
    child,
    stats: () => {
      const ask = ++id
      const answer = new Promise<ServerStats>((resolve, reject) => {
        const onMessage = (message: ServerStats): void => {
          if (message.type === 'stats' && message.id === ask) {
            child.off('message', onMessage)
            resolve(message)
          }
        }
        child.on('message', onMessage)
        child.once('exit', () => reject(new Error('the bench server exited')))
      })
      child.send({ type: 'stats', id: ask })
      return answer
    },
  }
}

async function runWorker(
  job: WorkerJob,
  execArgv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<readonly Measurement[]> {
  const child = spawn('worker.js', execArgv, env)
  const reply = nextMessage<WorkerReply>(child, `the ${job.adapter} worker`)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.send(job)
  const answer = await reply
  await exited
  if (answer.type === 'error') throw new Error(`${job.adapter}: ${answer.message}`)
  return answer.measurements
}

async function runOptionsTest(server: RunningServer, children: number, env: NodeJS.ProcessEnv): Promise<OptionsResult> {
  const child = spawn('options-worker.js', ['--expose-gc'], env)
  const job: OptionsJob = { type: 'options', http: server.http, children, concurrency: 16, warmup: 5000 }
  const warm = nextMessage<OptionsReply>(child, 'the options() worker')
  child.send(job)
  const first = await warm
  if (first.type === 'error') throw new Error(`options(): ${first.message}`)
  const before = await server.stats()
  const done = nextMessage<OptionsReply>(child, 'the options() worker')
  child.send({ type: 'go' })
  const answer = await done
  if (answer.type !== 'result') throw new Error(`options(): ${answer.type === 'error' ? answer.message : 'no result'}`)
  const after = await server.stats()
  return { ...answer.measurement, newConnections: after.connections - before.connections }
}

async function runOverhead(iterations: number, env: NodeJS.ProcessEnv): Promise<readonly OverheadRow[]> {
  const child = spawn('overhead-worker.js', [], env)
  const reply = nextMessage<OverheadReply>(child, 'the overhead worker')
  child.send({ type: 'overhead', iterations } satisfies OverheadJob)
  const answer = await reply
  if (answer.type === 'error') throw new Error(`overhead: ${answer.message}`)
  return answer.rows
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function summarize(adapter: AdapterName, rounds: readonly Measurement[]): Summary {
  const of = (key: keyof Measurement): number => median(rounds.map((m) => m[key] as number))
  return {
    adapter,
    requestsPerSecond: of('requestsPerSecond'),
    p50Ms: of('p50Ms'),
    p99Ms: of('p99Ms'),
    cpuUsPerRequest: of('cpuUsPerRequest'),
    warmupCpuUsPerRequest: of('warmupCpuUsPerRequest'),
    peakRssMb: of('peakRssMb'),
    rounds,
  }
}

/** Runs the bench: scenarios x rounds x clients, then the `options()` test. */
export async function runBench(options: BenchOptions = {}): Promise<BenchResult> {
  const startedAt = new Date()
  const quick = options.quick === true
  const rounds = options.rounds ?? (quick ? 1 : 3)
  const adapters = options.adapters ?? adapterNames
  const wanted = options.scenarios
  const scale = options.scale ?? 1
  const scenarios = benchScenarios(quick)
    .filter((s) => wanted === undefined || wanted.includes(s.name))
    .map((s) =>
      scale === 1 ? s : { ...s, warmup: Math.ceil(s.warmup * scale), requests: Math.ceil(s.requests * scale) },
    )
  const log = options.log ?? (() => {})
  const optionsChildren = options.optionsChildren ?? (quick ? 2000 : 100_000)
  const coldStartSamples = options.coldStartSamples ?? (quick ? 1 : 21)
  const profiled = new Set(options.profile ?? [])

  const server = await startServer()
  // Node's fetch has no per-call CA option: it trusts the server's CA through NODE_EXTRA_CA_CERTS.
  const caDir = mkdtempSync(join(tmpdir(), 'stretch-bench-'))
  const caFile = join(caDir, 'ca.pem')
  writeFileSync(caFile, server.ca)
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: caFile }
  const execArgvOf = (adapter: AdapterName): string[] =>
    profiled.has(adapter)
      ? ['--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${options.profileDir ?? 'profiles'}`]
      : []
  const jobOf = (adapter: AdapterName, list: readonly Scenario[]): WorkerJob => ({
    type: 'job',
    adapter,
    http: server.http,
    https: server.https,
    ca: server.ca,
    scenarios: list,
  })

  const measured = new Map<string, Map<AdapterName, Measurement[]>>()
  const record = (m: Measurement): void => {
    let bySc = measured.get(m.scenario)
    if (bySc === undefined) {
      bySc = new Map()
      measured.set(m.scenario, bySc)
    }
    const list = bySc.get(m.adapter)
    if (list === undefined) bySc.set(m.adapter, [m])
    else list.push(m)
  }

  const loads = new Map<string, number[]>()
  let optionsResult: OptionsResult | undefined
  let overhead: readonly OverheadRow[] | undefined
  let coldStart: readonly ColdStartSummary[] | undefined
  try {
    if (quick) {
      // One process per client runs every scenario: proves each adapter works, measures nothing worth keeping.
      for (const adapter of adapters) {
        log(`quick: ${adapter}`)
        for (const m of await runWorker(jobOf(adapter, scenarios), execArgvOf(adapter), env)) record(m)
      }
    } else {
      for (const scenario of scenarios) {
        const load: number[] = []
        loads.set(scenario.name, load)
        for (let round = 1; round <= rounds; round++) {
          load.push(loadavg()[0] as number)
          for (const adapter of adapters) {
            const [m] = await runWorker(jobOf(adapter, [scenario]), execArgvOf(adapter), env)
            record(m as Measurement)
            log(`${scenario.name} round ${round} ${adapter}: ${Math.round((m as Measurement).requestsPerSecond)} req/s`)
          }
        }
        load.push(loadavg()[0] as number)
      }
    }
    // `cold start` is a scenario name too: `--scenarios "cold start"` runs only it.
    if (coldStartSamples > 0 && adapters.includes('stretch') && (wanted === undefined || wanted.includes(kColdStart))) {
      log(`cold start: ${coldStartSamples} fresh processes per client, bundled and not`)
      coldStart = await runColdStart({ url: server.http, samples: coldStartSamples, log })
    }
    if (adapters.includes('stretch') && (options.overhead ?? true)) {
      log('overhead: Stretch without I/O')
      overhead = await runOverhead(quick ? 2000 : 100_000, env)
    }
    if (optionsChildren > 0 && adapters.includes('stretch')) {
      log(`options(): ${optionsChildren} children`)
      optionsResult = await runOptionsTest(server, optionsChildren, env)
    }
  } finally {
    server.child.kill()
    rmSync(caDir, { recursive: true, force: true })
  }

  const summaries = new Map<string, Map<AdapterName, Summary>>()
  for (const [name, byAdapter] of measured) {
    const out = new Map<AdapterName, Summary>()
    for (const adapter of adapters) {
      const list = byAdapter.get(adapter)
      if (list !== undefined) out.set(adapter, summarize(adapter, list))
    }
    summaries.set(name, out)
  }
  return {
    startedAt,
    rounds,
    quick,
    scenarios,
    adapters,
    summaries,
    options: optionsResult,
    overhead,
    coldStart,
    loads,
    durationMs: Date.now() - startedAt.getTime(),
  }
}
