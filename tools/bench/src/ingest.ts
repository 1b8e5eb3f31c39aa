// pnpm --filter @stretch/bench bench:ingest [--quick] [--rounds N] [--no-write]
// Bulk ingest through each client's bulk helper against the bench server, one process per client, size and round
// (clients alternating), at the official helper's defaults: documents per second, CPU per document, peak RSS.
import { type ChildProcess, fork } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { IngestClient, IngestJob, IngestMeasurement, IngestReply } from './ingest-protocol.js'
import type { ServerReady, ServerStats } from './protocol.js'

// Workers and the server always run the built JavaScript (dist/), from src/ under vitest as from dist/.
const distFile = (name: string): string => fileURLToPath(new URL(`../dist/${name}`, import.meta.url))

const labels: Readonly<Record<IngestClient, string>> = {
  stretch: '@stretch/helpers bulk',
  es9: '@elastic/elasticsearch 9 helpers.bulk',
  undici: 'undici Pool loop (floor)',
}
const clients: readonly IngestClient[] = ['stretch', 'es9', 'undici']

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

export interface IngestOptions {
  readonly quick?: boolean | undefined
  readonly rounds?: number | undefined
  readonly log?: ((line: string) => void) | undefined
}

export interface IngestResult {
  readonly sizes: ReadonlyArray<{ readonly documents: number; readonly documentBytes: number }>
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
  const sizes = quick
    ? [
        { documents: 50_000, documentBytes: 100 },
        { documents: 5_000, documentBytes: 5_000 },
      ]
    : [
        { documents: 100_000, documentBytes: 100 },
        { documents: 1_000_000, documentBytes: 100 },
        { documents: 100_000, documentBytes: 5_000 },
      ]
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
    for (const size of sizes) {
      const key = `${size.documents} x ${size.documentBytes} B`
      const byClient = new Map<IngestClient, IngestMeasurement[]>()
      measurements.set(key, byClient)
      for (let round = 0; round < rounds; round++) {
        for (const client of clients) {
          const before = await stats()
          const worker = spawn('ingest-worker.js')
          const reply = next<IngestReply>(worker, `the ${client} ingest worker`)
          const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
          worker.send({ type: 'ingest', client, url: ready.http, ...size } satisfies IngestJob)
          const answer = await reply
          await exited
          if (answer.type === 'error') throw new Error(`${client}: ${answer.message}`)
          const after = await stats()
          if (after.bulkItems - before.bulkItems !== size.documents) {
            throw new Error(
              `${client}: the server counted ${after.bulkItems - before.bulkItems} of ${size.documents} documents`,
            )
          }
          byClient.set(client, [...(byClient.get(client) ?? []), answer.measurement])
          options.log?.(
            `${key} round ${round + 1} ${client}: ${Math.round(answer.measurement.documentsPerSecond)} docs/s, ${answer.measurement.peakRssMb.toFixed(0)} MB`,
          )
        }
      }
    }
  } finally {
    server.kill()
  }
  return { sizes, rounds, measurements, durationMs: performance.now() - started }
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/** The Markdown report: medians of rounds, ratios to the official helper and to the floor. */
export function renderIngest(result: IngestResult, machine: string): string {
  const lines = [
    `# Bulk ingest, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${machine}. ${result.rounds} round(s), medians; ${Math.round(result.durationMs / 1000)} s.`,
    'Defaults of the official helper: 5 MB batches, 5 requests in flight, documents without ids.',
    '',
  ]
  for (const [key, byClient] of result.measurements) {
    const med = (c: IngestClient, f: (m: IngestMeasurement) => number): number => median((byClient.get(c) ?? []).map(f))
    const es9 = med('es9', (m) => m.documentsPerSecond)
    const floor = med('undici', (m) => m.documentsPerSecond)
    lines.push(
      `## ${key}`,
      '',
      '| client | docs/s | vs es9 | vs floor | CPU us/doc | peak RSS MB |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
    )
    for (const c of clients) {
      const dps = med(c, (m) => m.documentsPerSecond)
      lines.push(
        `| ${labels[c]} | ${Math.round(dps)} | ${(dps / es9).toFixed(2)}x | ${(dps / floor).toFixed(2)}x | ${med(c, (m) => m.cpuUsPerDocument).toFixed(2)} | ${med(c, (m) => m.peakRssMb).toFixed(0)} |`,
      )
    }
    lines.push('')
  }
  return `${lines.join('\n')}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
    },
  })
  const result = await runIngest({
    quick: values.quick,
    rounds: values.rounds === undefined ? undefined : Number(values.rounds),
    log: (line) => process.stderr.write(`${line}\n`),
  })
  const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`
  const report = renderIngest(result, machine)
  process.stdout.write(report)
  if (!values.quick && !values['no-write']) {
    const dir = fileURLToPath(new URL('../results/', import.meta.url))
    mkdirSync(dir, { recursive: true })
    const file = `${dir}ingest-${new Date().toISOString().slice(0, 10)}.md`
    writeFileSync(file, report)
    process.stderr.write(`written to ${file}\n`)
  }
}
