// pnpm --filter @stretch/bench bench:ingest [--quick] [--rounds N] [--no-write] [--clients stretch,es9,undici]
//   [--cases small,large,scan]
// Bulk ingest through each client's bulk helper against the bench server, one process per client, size and round
// (clients alternating), at the official helper's defaults: documents per second, CPU per document, peak RSS.
import { type ChildProcess, fork } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { type ChartData, renderChart } from './ingest-chart.js'
import type { IngestClient, IngestJob, IngestMeasurement, IngestReply } from './ingest-protocol.js'
import type { ServerReady, ServerStats } from './protocol.js'

// Workers and the server always run the built JavaScript (dist/), from src/ under vitest as from dist/.
const distFile = (name: string): string => fileURLToPath(new URL(`../dist/${name}`, import.meta.url))

const labels: Readonly<Record<'bulk' | 'scan', Readonly<Partial<Record<IngestClient, string>>>>> = {
  bulk: {
    stretch: '@stretch/helpers bulk',
    es9: '@elastic/elasticsearch 9 helpers.bulk',
    undici: 'undici Pool loop (floor)',
  },
  scan: {
    stretch: '@stretch/helpers searchAll (documents)',
    es9: '@elastic/elasticsearch 9 helpers.scrollDocuments',
  },
}

/** One measured case: what is done, with how many documents of what size, by which clients. */
export interface IngestCase {
  readonly kind: 'bulk' | 'scan'
  readonly documents: number
  readonly documentBytes: number
  readonly clients: readonly IngestClient[]
}

const bulkClients: readonly IngestClient[] = ['stretch', 'es9', 'undici']
const scanClients: readonly IngestClient[] = ['stretch', 'es9']

/** The name of a case in the report and the chart. */
export function caseName(c: IngestCase): string {
  const docs = c.documents.toLocaleString('en-US')
  return c.kind === 'scan' ? `read ${docs} (searchAll / scroll)` : `bulk ${docs} x ${c.documentBytes} B`
}

function spawn(file: string): ChildProcess {
  return fork(distFile(file), [], {
    execArgv: [],
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

function next<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: T): void => {
      child.off('exit', onExit)
      resolve(m)
    }
    const onExit = (code: number | null): void => {
      child.off('message', onMessage)
      reject(new Error(`${what} exited (code ${code}) before answering`))
    }
    child.once('message', onMessage)
    child.once('exit', onExit)
  })
}

/** The cases by name, for `--cases`: `small` (100 B documents, both sizes), `large` (5 KB), `scan` (reading). */
export type IngestCaseName = 'small' | 'large' | 'scan'

export interface IngestOptions {
  readonly quick?: boolean | undefined
  readonly rounds?: number | undefined
  /** Only these clients (each case keeps those of them it has). Default: all. */
  readonly clients?: readonly IngestClient[] | undefined
  /** Only these cases. Default: all. */
  readonly cases?: readonly IngestCaseName[] | undefined
  readonly log?: ((line: string) => void) | undefined
}

export interface IngestResult {
  readonly cases: readonly IngestCase[]
  readonly rounds: number
  /** Per size (`documents x bytes`), per client: every round. */
  readonly measurements: ReadonlyMap<string, ReadonlyMap<IngestClient, readonly IngestMeasurement[]>>
  readonly durationMs: number
}

/** Runs the ingest comparison; every worker checks that each of its documents was written. */
export async function runIngest(options: IngestOptions = {}): Promise<IngestResult> {
  const started = performance.now()
  const quick = options.quick === true
  const rounds = options.rounds ?? (quick ? 1 : 3)
  const only = (clients: readonly IngestClient[]): readonly IngestClient[] =>
    options.clients === undefined ? clients : clients.filter((c) => options.clients?.includes(c))
  const bulkCase = (documents: number, documentBytes: number): IngestCase => ({
    kind: 'bulk',
    documents,
    documentBytes,
    clients: only(bulkClients),
  })
  const scanCase = (documents: number): IngestCase => ({
    kind: 'scan',
    documents,
    documentBytes: 100,
    clients: only(scanClients),
  })
  const nameOf = (c: IngestCase): IngestCaseName =>
    c.kind === 'scan' ? 'scan' : c.documentBytes === 100 ? 'small' : 'large'
  const cases = (
    quick
      ? [bulkCase(50_000, 100), bulkCase(5_000, 5_000), scanCase(20_000)]
      : [bulkCase(100_000, 100), bulkCase(1_000_000, 100), bulkCase(100_000, 5_000), scanCase(200_000)]
  ).filter((c) => c.clients.length > 0 && (options.cases === undefined || options.cases.includes(nameOf(c))))
  const server = spawn('server.js')
  const ready = await next<ServerReady>(server, 'the bench server')
  let ask = 0
  const stats = async (): Promise<ServerStats> => {
    const id = ++ask
    const answer = new Promise<ServerStats>((resolve) => {
      const on = (m: ServerStats): void => {
        if (m.type === 'stats' && m.id === id) {
          server.off('message', on)
          resolve(m)
        }
      }
      server.on('message', on)
    })
    server.send({ type: 'stats', id })
    return answer
  }
  const measurements = new Map<string, Map<IngestClient, IngestMeasurement[]>>()
  try {
    for (const size of cases) {
      const key = caseName(size)
      const byClient = new Map<IngestClient, IngestMeasurement[]>()
      measurements.set(key, byClient)
      for (let round = 0; round < rounds; round++) {
        for (const client of size.clients) {
          const before = await stats()
          const load = loadavg()[0] ?? 0
          const worker = spawn('ingest-worker.js')
          const reply = next<IngestReply>(worker, `the ${client} ingest worker`)
          const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
          const { kind, documents, documentBytes } = size
          worker.send({ type: 'ingest', kind, client, url: ready.http, documents, documentBytes } satisfies IngestJob)
          const answer = await reply
          await exited
          if (answer.type === 'error') throw new Error(`${client}: ${answer.message}`)
          const after = await stats()
          const counted = kind === 'bulk' ? after.bulkItems - before.bulkItems : after.scanHits - before.scanHits
          if (counted !== size.documents) {
            throw new Error(`${client}: the server counted ${counted} of ${size.documents} documents`)
          }
          byClient.set(client, [...(byClient.get(client) ?? []), answer.measurement])
          options.log?.(
            `${key} round ${round + 1} ${client}: ${Math.round(answer.measurement.documentsPerSecond)} docs/s, ${answer.measurement.cpuUsPerDocument.toFixed(2)} us CPU/doc, ${answer.measurement.peakRssMb.toFixed(0)} MB at the end, ${answer.measurement.settledPeakRssMb.toFixed(0)} MB settled (load ${load.toFixed(2)} before)`,
          )
        }
      }
    }
  } finally {
    server.kill()
  }
  return { cases, rounds, measurements, durationMs: performance.now() - started }
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/** The chart's data: medians of documents per second. */
export function chartData(result: IngestResult, title: string): ChartData {
  return {
    title,
    groups: result.cases.map((c) => {
      const byClient = result.measurements.get(caseName(c))
      return {
        name: caseName(c),
        bars: c.clients.map((client) => ({
          client: labels[c.kind][client] ?? client,
          documentsPerSecond: median((byClient?.get(client) ?? []).map((m) => m.documentsPerSecond)),
        })),
      }
    }),
  }
}

/** A ratio as `1.23x`; `n/a` when the other client was not run (`--clients`). */
const times = (a: number, b: number): string => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : 'n/a')

/** The Markdown report: medians of rounds, ratios to the official helper and to the floor. */
export function renderIngest(result: IngestResult, machine: string): string {
  const lines = [
    `# Bulk ingest, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${machine}. ${result.rounds} round(s), medians; ${Math.round(result.durationMs / 1000)} s.`,
    'Defaults of the official helper: 5 MB batches, 5 requests in flight, documents without ids.',
    '',
  ]
  for (const c of result.cases) {
    const key = caseName(c)
    const byClient = result.measurements.get(key)
    if (byClient === undefined) continue
    const med = (client: IngestClient, f: (m: IngestMeasurement) => number): number =>
      median((byClient.get(client) ?? []).map(f))
    const es9 = med('es9', (m) => m.documentsPerSecond)
    const floor = c.kind === 'bulk' ? med('undici', (m) => m.documentsPerSecond) : undefined
    lines.push(
      `## ${key}`,
      '',
      `| client | docs/s | vs es9 |${floor === undefined ? '' : ' vs floor |'} CPU us/doc | peak RSS MB | V8 heap MB | buffers MB | docs/s of each round |`,
      `| --- | ---: | ---: |${floor === undefined ? '' : ' ---: |'} ---: | ---: | ---: | ---: | --- |`,
    )
    for (const client of c.clients) {
      const dps = med(client, (m) => m.documentsPerSecond)
      const rounds = (byClient.get(client) ?? []).map((m) => Math.round(m.documentsPerSecond)).join(', ')
      lines.push(
        `| ${labels[c.kind][client]} | ${Math.round(dps)} | ${times(dps, es9)} |${floor === undefined ? '' : ` ${times(dps, floor)} |`} ${med(client, (m) => m.cpuUsPerDocument).toFixed(2)} | ${med(client, (m) => m.peakRssMb).toFixed(0)} | ${med(client, (m) => m.peakHeapMb).toFixed(0)} | ${med(client, (m) => m.peakBuffersMb).toFixed(0)} | ${rounds} |`,
      )
    }
    lines.push('')
  }
  lines.push(...flatness(result))
  return `${lines.join('\n')}\n`
}

/**
 * The issue's memory target: peak RSS flat (within 50 MB) from 100,000 to 1,000,000 small documents. Medians of
 * each case, read twice: when the run resolved, and settled (once the process's peak stopped rising after it, so
 * that both sizes include the one-time work they set off, such as V8's background compile of undici's parser, which
 * a short run can outpace); the V8 heap and buffer peaks say which part grew. Empty unless both cases were run.
 */
function flatness(result: IngestResult): string[] {
  const small = result.cases.filter((c) => c.kind === 'bulk' && c.documentBytes === 100)
  const from = small.find((c) => c.documents === 100_000)
  const to = small.find((c) => c.documents === 1_000_000)
  const a = from === undefined ? undefined : result.measurements.get(caseName(from))
  const b = to === undefined ? undefined : result.measurements.get(caseName(to))
  if (from === undefined || a === undefined || b === undefined) return []
  const lines = [
    '## Peak RSS from 100,000 to 1,000,000 documents of 100 B (target: within 50 MB)',
    '',
    '| client | peak RSS MB, settled | growth MB, settled | peak RSS MB at the end | growth MB at the end | V8 heap growth MB | buffers growth MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const client of from.clients) {
    const med = (m: ReadonlyMap<IngestClient, readonly IngestMeasurement[]>, f: (x: IngestMeasurement) => number) =>
      median((m.get(client) ?? []).map(f))
    const rss = [med(a, (m) => m.peakRssMb), med(b, (m) => m.peakRssMb)]
    const settled = [med(a, (m) => m.settledPeakRssMb), med(b, (m) => m.settledPeakRssMb)]
    const pair = (x: number[]): string =>
      `${x.map((v) => v.toFixed(0)).join(' → ')} | ${((x[1] as number) - (x[0] as number)).toFixed(0)}`
    const heap = med(b, (m) => m.peakHeapMb) - med(a, (m) => m.peakHeapMb)
    const buffers = med(b, (m) => m.peakBuffersMb) - med(a, (m) => m.peakBuffersMb)
    lines.push(
      `| ${labels.bulk[client]} | ${pair(settled)} | ${pair(rss)} | ${heap.toFixed(0)} | ${buffers.toFixed(0)} |`,
    )
  }
  lines.push('')
  return lines
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      clients: { type: 'string' },
      cases: { type: 'string' },
    },
  })
  const list = <T extends string>(value: string | undefined, known: readonly T[], option: string): T[] | undefined => {
    if (value === undefined) return undefined
    const items = value.split(',').map((x) => x.trim())
    const unknown = items.filter((x) => !known.includes(x as T))
    if (unknown.length > 0) throw new Error(`--${option}: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`)
    return items as T[]
  }
  const clients = list<IngestClient>(values.clients, bulkClients, 'clients')
  const only = list<IngestCaseName>(values.cases, ['small', 'large', 'scan'], 'cases')
  const result = await runIngest({
    quick: values.quick,
    rounds: values.rounds === undefined ? undefined : Number(values.rounds),
    clients,
    cases: only,
    log: (line) => process.stderr.write(`${line}\n`),
  })
  const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`
  const report = renderIngest(result, machine)
  process.stdout.write(report)
  // A run of some clients or cases only never replaces the results of a full run.
  if (!values.quick && !values['no-write'] && clients === undefined && only === undefined) {
    const dir = fileURLToPath(new URL('../results/', import.meta.url))
    mkdirSync(dir, { recursive: true })
    const base = `${dir}ingest-${new Date().toISOString().slice(0, 10)}`
    const chart = chartData(result, `Documents per second, median of ${result.rounds} rounds (${machine})`)
    writeFileSync(`${base}.md`, report)
    writeFileSync(
      `${base}.json`,
      `${JSON.stringify({ machine, rounds: result.rounds, durationMs: result.durationMs, cases: result.cases, measurements: Object.fromEntries([...result.measurements].map(([k, v]) => [k, Object.fromEntries(v)])), chart }, null, 1)}\n`,
    )
    writeFileSync(`${base}.svg`, renderChart(chart))
    process.stderr.write(`written to ${base}.md, .json and .svg\n`)
  }
}
