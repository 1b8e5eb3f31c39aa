// The Markdown report: a machine line, one table per scenario with every ratio to the floor and to the official
// client, the targets of issue 7, and the options() test.
import { arch, cpus, loadavg, platform } from 'node:os'
import { adapterLabels } from './adapters.js'
import type { ColdStartClient, ColdStartForm, ColdStartSummary } from './cold-start.js'
import type { AdapterName, Measurement, Scenario } from './protocol.js'
import type { BenchResult, Summary } from './runner.js'

const floor: AdapterName = 'undici'
// Issue 17: the least work a Node.js client on undici can do per request (Pool.dispatch, a bare handler).
const limit: AdapterName = 'dispatch'
const official: AdapterName = 'es9'

/** The machine line: CPU model, cores, Node version, platform, load when the run started. */
export function machineLine(): string {
  const list = cpus()
  const model = list[0]?.model.trim() ?? 'unknown CPU'
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
  return `${model}, ${list.length} cores, Node ${process.version}, ${platform()}-${arch()}, load average ${load}`
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US')
const ms = (n: number): string => (n < 10 ? n.toFixed(2) : n.toFixed(1))
const ratio = (a: number, b: number | undefined): string => (b === undefined || b === 0 ? '-' : `${(a / b).toFixed(2)}`)

/** One target of issue 7, checked against this run. */
export interface TargetCheck {
  readonly target: string
  readonly measured: string
  readonly met: boolean
}

/** Checks Stretch against the targets of issue 7 (medians of rounds of this run). */
export function checkTargets(result: BenchResult): TargetCheck[] {
  const out: TargetCheck[] = []
  for (const [name, byAdapter] of result.summaries) {
    const s = byAdapter.get('stretch')
    if (s === undefined) continue
    const f = byAdapter.get(floor)
    const o = byAdapter.get(official)
    const d = byAdapter.get(limit)
    // Issue 17: within 5% of the physical limit in every request scenario.
    if (d !== undefined) {
      const r = s.requestsPerSecond / d.requestsPerSecond
      out.push({ target: `${name}: >= 0.95 of Pool.dispatch (req/s)`, measured: r.toFixed(2), met: r >= 0.95 })
      const c = s.cpuUsPerRequest / d.cpuUsPerRequest
      out.push({ target: `${name}: CPU/request <= 1.1x Pool.dispatch`, measured: `${c.toFixed(2)}x`, met: c <= 1.1 })
      const paired = pairedRatios(s.rounds, d.rounds)
      if (paired.length > 1) {
        const p = median(paired)
        out.push({
          target: `${name}: CPU/request <= 1.1x Pool.dispatch (median of round-by-round ratios)`,
          measured: `${p.toFixed(2)}x`,
          met: p <= 1.1,
        })
      }
      const m = s.peakRssMb / d.peakRssMb
      out.push({ target: `${name}: peak RSS <= 1.1x Pool.dispatch`, measured: `${m.toFixed(2)}x`, met: m <= 1.1 })
    }
    // The throughput targets are those of the issue: plain HTTP. Over TLS and with gzip the tables give the
    // ratios; there zlib and TLS, the same for every client, bound what any client can reach.
    const c64 = name === 'info c=64' || name === 'search c=64'
    const c1 = /^(info|search) c=1$/.test(name)
    if (f !== undefined && c64) {
      const r = s.requestsPerSecond / f.requestsPerSecond
      out.push({ target: `${name}: >= 0.85 of the floor`, measured: r.toFixed(2), met: r >= 0.85 })
    }
    if (o !== undefined && c64) {
      const r = s.requestsPerSecond / o.requestsPerSecond
      out.push({ target: `${name}: >= 1.6x @elastic/elasticsearch 9`, measured: `${r.toFixed(2)}x`, met: r >= 1.6 })
    }
    if (f !== undefined && c1) {
      const r = s.requestsPerSecond / f.requestsPerSecond
      out.push({ target: `${name}: >= 0.9 of the floor`, measured: r.toFixed(2), met: r >= 0.9 })
    }
    if (name.startsWith('bulk')) {
      const others = [...byAdapter.values()].filter(
        (x) => !x.adapter.startsWith('stretch') && x.adapter !== floor && x.adapter !== limit,
      )
      const best = others.reduce<Summary | undefined>(
        (a, b) => (a === undefined || b.requestsPerSecond > a.requestsPerSecond ? b : a),
        undefined,
      )
      if (best !== undefined) {
        const r = s.requestsPerSecond / best.requestsPerSecond
        out.push({
          target: `${name}: >= the fastest other client (${best.adapter})`,
          measured: `${r.toFixed(2)}x`,
          met: r >= 1,
        })
      }
    }
    if (f !== undefined) {
      const r = s.cpuUsPerRequest / f.cpuUsPerRequest
      out.push({ target: `${name}: CPU/request <= 1.2x the floor`, measured: `${r.toFixed(2)}x`, met: r <= 1.2 })
    }
    if (o !== undefined) {
      const r = s.peakRssMb / o.peakRssMb
      out.push({
        target: `${name}: peak RSS <= @elastic/elasticsearch 9`,
        measured: `${int(s.peakRssMb)} vs ${int(o.peakRssMb)} MB`,
        met: r <= 1,
      })
    }
  }
  for (const form of ['unbundled', 'bundled'] as const) {
    const s = coldStartOf(result.coldStart, 'stretch', form)
    const f = coldStartOf(result.coldStart, 'undici', form)
    if (s === undefined || f === undefined) continue
    const r = s.answeredMs / f.answeredMs
    // The target stays the issue's (the bare request as a user writes it); beside it, Stretch over a Pool from the
    // files its connection loads, which is the client's own cost and the fairer figure.
    const p = coldStartOf(result.coldStart, 'undici-pool', form)
    const pool =
      p === undefined
        ? ''
        : `; Pool-only floor ${(s.answeredMs / p.answeredMs).toFixed(2)}x (CPU ${(s.cpuMs / p.cpuMs).toFixed(2)}x)`
    out.push({
      target: `cold start (${form}): <= 1.05x the bare undici request (time to the first answer)`,
      measured: `${r.toFixed(2)}x (CPU ${(s.cpuMs / f.cpuMs).toFixed(2)}x)${pool}`,
      met: r <= 1.05,
    })
  }
  const opt = result.options
  if (opt !== undefined) {
    out.push({
      target: `options(): ${int(opt.children)} children add no socket`,
      measured: `${opt.newConnections} new`,
      met: opt.newConnections === 0,
    })
    const growth = opt.peakRssMb - opt.startRssMb
    out.push({
      target: 'options(): RSS within 50 MB of the start',
      measured: `+${growth.toFixed(1)} MB peak, +${(opt.endRssMb - opt.startRssMb).toFixed(1)} MB at the end`,
      met: growth <= 50,
    })
  }
  return out
}

function coldStartOf(
  rows: readonly ColdStartSummary[] | undefined,
  client: ColdStartClient,
  form: ColdStartForm,
): ColdStartSummary | undefined {
  return rows?.find((r) => r.client === client && r.form === form)
}

const coldStartLabels: Readonly<Record<ColdStartClient, string>> = {
  stretch: 'Stretch',
  es9: '@elastic/elasticsearch 9',
  undici: 'bare undici request (floor)',
  'undici-pool': 'bare undici Pool (the files Stretch loads)',
}

function renderColdStart(rows: readonly ColdStartSummary[], lines: string[]): void {
  const samples = rows[0]?.samples.length ?? 0
  lines.push('')
  lines.push('## Cold start')
  lines.push('')
  lines.push(
    `A fresh process per sample: import the client, construct it, send \`info()\` and parse the answer (plain HTTP); ` +
      `${samples} samples per row, the rows alternating, medians. "Bundled" is one CommonJS file made by esbuild ` +
      '(`--bundle --platform=node --format=cjs`) and run from a directory with no node_modules, as functions are ' +
      'deployed. Ratios compare the same form (bundled with bundled). First answer: milliseconds from the start of ' +
      'the process; import: the `import()` of the client; first request: from the call until the parsed answer ' +
      '(it loads what the client loads lazily, such as undici); CPU: user + system of the process until the answer.',
  )
  lines.push('')
  lines.push(
    'Two floors. "x floor" is the issue\'s: a bare undici `request`, as a user writes it, which loads all of undici. ' +
      '"x Pool" is a Pool made from the three undici modules that Stretch\'s connection loads (the Pool, the ' +
      "connector, util), one request dispatched and its body parsed: Stretch over it is the client's own cost.",
  )
  lines.push('')
  lines.push(
    '| client | form | first answer ms | x floor | x Pool | x es9 | import ms | first request ms | CPU ms | ' +
      'CPU x floor | CPU x Pool | bundle KB |',
  )
  lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|')
  for (const r of rows) {
    const f = coldStartOf(rows, 'undici', r.form)
    const p = coldStartOf(rows, 'undici-pool', r.form)
    const o = coldStartOf(rows, 'es9', r.form)
    lines.push(
      `| ${coldStartLabels[r.client]} | ${r.form} | ${ms(r.answeredMs)} | ${ratio(r.answeredMs, f?.answeredMs)} | ` +
        `${ratio(r.answeredMs, p?.answeredMs)} | ${ratio(r.answeredMs, o?.answeredMs)} | ${ms(r.importMs)} | ` +
        `${ms(r.requestMs)} | ${ms(r.cpuMs)} | ${ratio(r.cpuMs, f?.cpuMs)} | ${ratio(r.cpuMs, p?.cpuMs)} | ` +
        `${r.bundleBytes === undefined ? '-' : int(r.bundleBytes / 1024)} |`,
    )
  }
}

/**
 * One-time CPU of a fresh process's warm-up above its own measured (steady) CPU per request, in ms: mostly V8
 * compiling the client's hot path.
 */
export function warmupExtraMs(s: Summary, warmup: number): number {
  return ((s.warmupCpuUsPerRequest - s.cpuUsPerRequest) * warmup) / 1000
}

// The warm-up of each client, apart from the measured window: what a short-lived process pays, and how much more a
// longer hot path costs to compile. The ratio chart reads the first table of a scenario only, so this one is apart.
function renderWarmup(
  scenario: Scenario,
  byAdapter: ReadonlyMap<AdapterName, Summary>,
  rounds: number,
  lines: string[],
): void {
  if (scenario.warmup === 0) return
  const d = byAdapter.get(limit)
  const extraOfLimit = d === undefined ? undefined : warmupExtraMs(d, scenario.warmup)
  lines.push('')
  lines.push(
    `Warm-up (the ${int(scenario.warmup)} requests before the clock starts, in the same fresh process, after its ` +
      "very first request): CPU per request, its ratio to the limit and to the client's own measured CPU per " +
      'request, and its extra over the measured rate in ms per process (the one-time cost, mostly V8 compiling the ' +
      'hot path).',
  )
  lines.push('')
  lines.push('| client | warm-up CPU µs/req | x limit | x measured | extra ms | extra x limit |')
  lines.push('|---|--:|--:|--:|--:|--:|')
  for (const s of byAdapter.values()) {
    const extra = warmupExtraMs(s, scenario.warmup)
    lines.push(
      `| ${adapterLabels[s.adapter]} | ${int(s.warmupCpuUsPerRequest)} | ` +
        `${ratio(s.warmupCpuUsPerRequest, d?.warmupCpuUsPerRequest)} | ` +
        `${ratio(s.warmupCpuUsPerRequest, s.cpuUsPerRequest)} | ${int(extra)} | ` +
        `${extraOfLimit === undefined || extraOfLimit <= 0 ? '-' : ratio(extra, extraOfLimit)} |`,
    )
  }
  if (rounds > 1) {
    lines.push('')
    lines.push(
      `Rounds (warm-up CPU µs/req): ${[...byAdapter.values()]
        .map((s) => `${s.adapter} ${s.rounds.map((m) => int(m.warmupCpuUsPerRequest)).join(' / ')}`)
        .join('; ')}.`,
    )
  }
}

/** The CPU per request of each round of `a` over the same round of `b`. */
export function pairedRatios(a: readonly Measurement[], b: readonly Measurement[]): number[] {
  const out: number[] = []
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = (a[i] as Measurement).cpuUsPerRequest
    const y = (b[i] as Measurement).cpuUsPerRequest
    if (y > 0) out.push(x / y)
  }
  return out
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Renders the whole report. */
export function renderReport(result: BenchResult, machine: string = machineLine()): string {
  const lines: string[] = []
  lines.push(`# Stretch bench, ${result.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`)
  lines.push('')
  lines.push(`Machine: ${machine}.`)
  lines.push('')
  lines.push(
    `${result.quick ? 'Quick smoke run (numbers mean nothing)' : `${result.rounds} rounds`}, clients alternating ` +
      `(A B C ... A B C) within each scenario, one process per client and round; medians of rounds; ` +
      `${(result.durationMs / 1000).toFixed(0)} s in all. The server is another process on the same machine. ` +
      'On a shared machine absolute numbers are noise: the ratios are the result.',
  )
  lines.push('')
  lines.push(
    'Columns: requests per second; its ratio to the floor (a bare undici Pool sending the same bytes, ' +
      '`pool.request` and `body.json()`), to the limit (`Pool.dispatch` with a bare handler: the chunks, one ' +
      '`Buffer.concat`, one `JSON.parse`) and to @elastic/elasticsearch 9; latency p50/p99; client CPU time ' +
      '(user + system) per request and its ratios; ' +
      'peak RSS of the client process and its ratio to @elastic/elasticsearch 9. Every figure is of the measured ' +
      "window, which starts once every client's CPU per request is flat; the warm-up before it has its own table.",
  )
  for (const scenario of result.scenarios) {
    const byAdapter = result.summaries.get(scenario.name)
    if (byAdapter === undefined) continue
    const f = byAdapter.get(floor)
    const o = byAdapter.get(official)
    const d = byAdapter.get(limit)
    lines.push('')
    lines.push(
      `## ${scenario.name} (${scenario.tls ? 'HTTPS' : 'HTTP'}${scenario.compress ? ', httpCompress' : ''}, ` +
        `${int(scenario.requests)} requests after ${int(scenario.warmup)} warm-up)`,
    )
    lines.push('')
    lines.push(
      '| client | req/s | x floor | x limit | x es9 | p50 ms | p99 ms | CPU µs/req | CPU x floor | CPU x limit | ' +
        'CPU x es9 | peak RSS MB | RSS x limit | RSS x es9 |',
    )
    lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|')
    for (const s of byAdapter.values()) {
      lines.push(
        `| ${adapterLabels[s.adapter]} | ${int(s.requestsPerSecond)} | ${ratio(s.requestsPerSecond, f?.requestsPerSecond)} | ` +
          `${ratio(s.requestsPerSecond, d?.requestsPerSecond)} | ` +
          `${ratio(s.requestsPerSecond, o?.requestsPerSecond)} | ${ms(s.p50Ms)} | ${ms(s.p99Ms)} | ` +
          `${int(s.cpuUsPerRequest)} | ${ratio(s.cpuUsPerRequest, f?.cpuUsPerRequest)} | ` +
          `${ratio(s.cpuUsPerRequest, d?.cpuUsPerRequest)} | ` +
          `${ratio(s.cpuUsPerRequest, o?.cpuUsPerRequest)} | ${int(s.peakRssMb)} | ${ratio(s.peakRssMb, d?.peakRssMb)} | ` +
          `${ratio(s.peakRssMb, o?.peakRssMb)} |`,
      )
    }
    if (result.rounds > 1) {
      lines.push('')
      lines.push(
        `Rounds (req/s): ${[...byAdapter.values()]
          .map((s) => `${s.adapter} ${s.rounds.map((m) => int(m.requestsPerSecond)).join(' / ')}`)
          .join('; ')}.`,
      )
      lines.push('')
      lines.push(
        `Rounds (CPU µs/req): ${[...byAdapter.values()]
          .map((s) => `${s.adapter} ${s.rounds.map((m) => int(m.cpuUsPerRequest)).join(' / ')}`)
          .join('; ')}.`,
      )
      const stretchRounds = byAdapter.get('stretch')?.rounds
      if (stretchRounds !== undefined && d !== undefined) {
        // Each Stretch round against the limit's round next to it in time: the load of the machine changes between
        // rounds more than the clients differ, so ratios of neighbours are steadier than a ratio of medians.
        const paired = pairedRatios(stretchRounds, d.rounds)
        if (paired.length > 1) {
          lines.push('')
          lines.push(
            `CPU x limit, round by round: ${paired.map((r) => r.toFixed(2)).join(' / ')} (median ${median(paired).toFixed(2)}).`,
          )
        }
      }
    }
    renderWarmup(scenario, byAdapter, result.rounds, lines)
    const load = result.loads?.get(scenario.name)
    if (load !== undefined && load.length > 0) {
      lines.push('')
      lines.push(
        `Load average (1 min) before each round and after the last: ${load.map((l) => l.toFixed(1)).join(' / ')}.`,
      )
    }
  }
  const overhead = result.overhead
  if (overhead !== undefined) {
    lines.push('')
    lines.push("## Stretch's own cost per call, without I/O")
    lines.push('')
    lines.push(
      'CPU per call of the client API and transport over a connection that answers from memory, against the work no ' +
        'client can skip (serialize the request body, decode and parse the answer); medians of 3, alternating.',
    )
    lines.push('')
    lines.push('| call | unavoidable ns | Stretch ns | Stretch own ns |')
    lines.push('|---|--:|--:|--:|')
    for (const row of overhead) {
      lines.push(
        `| ${row.operation} | ${int(row.floorNs)} | ${int(row.stretchNs)} | ${int(row.stretchNs - row.floorNs)} |`,
      )
    }
  }
  if (result.coldStart !== undefined) renderColdStart(result.coldStart, lines)
  const opt = result.options
  if (opt !== undefined) {
    lines.push('')
    lines.push('## options()')
    lines.push('')
    lines.push(
      `${int(opt.children)} clients made by \`client.options({ opaqueId, headers })\`, each sending one \`info()\`, ` +
        `${opt.concurrency} at a time, after the root client ran the same loop (its sockets open): ` +
        `${opt.newConnections} new server-side ` +
        `connections; RSS ${opt.startRssMb.toFixed(1)} MB at the start, ${opt.peakRssMb.toFixed(1)} MB at the peak, ` +
        `${opt.endRssMb.toFixed(1)} MB at the end (after GC); V8 heap in use after GC ${opt.startHeapMb.toFixed(1)} ` +
        `MB before, ${opt.endHeapMb.toFixed(1)} MB after; ${(opt.elapsedMs / 1000).toFixed(1)} s.`,
    )
  }
  const targets = checkTargets(result)
  if (targets.length > 0) {
    lines.push('')
    lines.push('## Targets (issues 7 and 17)')
    lines.push('')
    lines.push('| target | measured | met |')
    lines.push('|---|--:|:-:|')
    for (const t of targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`)
  }
  lines.push('')
  return lines.join('\n')
}

/**
 * The run as JSON (beside the Markdown): per scenario and client the medians, the ratios to the limit (measured
 * window and warm-up) and every round, then the rest of the run as measured.
 */
export function renderJson(result: BenchResult, machine: string = machineLine()): string {
  const scenarios = result.scenarios.flatMap((scenario) => {
    const byAdapter = result.summaries.get(scenario.name)
    if (byAdapter === undefined) return []
    const d = byAdapter.get(limit)
    const per = (a: number, b: number | undefined): number | null => (b === undefined || b === 0 ? null : a / b)
    const extraOfLimit = d === undefined ? undefined : warmupExtraMs(d, scenario.warmup)
    const clients = [...byAdapter.values()].map((s) => {
      const extra = warmupExtraMs(s, scenario.warmup)
      return {
        adapter: s.adapter,
        label: adapterLabels[s.adapter],
        requestsPerSecond: s.requestsPerSecond,
        p50Ms: s.p50Ms,
        p99Ms: s.p99Ms,
        cpuUsPerRequest: s.cpuUsPerRequest,
        warmupCpuUsPerRequest: s.warmupCpuUsPerRequest,
        warmupExtraMs: extra,
        peakRssMb: s.peakRssMb,
        xLimit: {
          requestsPerSecond: per(s.requestsPerSecond, d?.requestsPerSecond),
          cpuUsPerRequest: per(s.cpuUsPerRequest, d?.cpuUsPerRequest),
          warmupCpuUsPerRequest: per(s.warmupCpuUsPerRequest, d?.warmupCpuUsPerRequest),
          warmupExtraMs: extraOfLimit === undefined || extraOfLimit <= 0 ? null : extra / extraOfLimit,
          peakRssMb: per(s.peakRssMb, d?.peakRssMb),
        },
        rounds: s.rounds,
      }
    })
    return [{ ...scenario, loads: result.loads?.get(scenario.name) ?? [], clients }]
  })
  const out = {
    startedAt: result.startedAt.toISOString(),
    machine,
    rounds: result.rounds,
    quick: result.quick,
    durationMs: result.durationMs,
    adapters: result.adapters,
    scenarios,
    overhead: result.overhead ?? null,
    coldStart: result.coldStart ?? null,
    options: result.options ?? null,
    targets: checkTargets(result),
  }
  return `${JSON.stringify(out, null, 2)}\n`
}
