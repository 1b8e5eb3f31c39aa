// `pnpm --filter @stretch/bench bench:otel`: client CPU per search() with and without OpenTelemetry, over an
// in-memory connection (no socket, so microseconds are not lost in the network's noise). Each client and mode runs
// in its own process (the tracer provider and context manager are process globals), the modes alternating.
// node dist/otel-cpu.js [--runs N]        runs every mode N times (default 3) and prints a table
// node dist/otel-cpu.js --mode <mode>     one measurement (the child)
//
// The official client instruments every call by default: its plain row (`es9`) already runs that instrumentation
// over the API's no-op tracer. `es9-off` turns it off (`OTEL_ELASTICSEARCH_ENABLED=false`), so that the cost of the
// instrumentation as a whole (attributes, the no-op span, and the SDK once it is on) can be read too.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { indexName, searchQuery, searchResponse } from './fixtures.js'

const modes = ['stretch', 'stretch-otel', 'es9-off', 'es9', 'es9-otel'] as const
type Mode = (typeof modes)[number]
const labels: Readonly<Record<Mode, string>> = {
  stretch: 'Stretch',
  'stretch-otel': 'Stretch + @stretch/otel',
  'es9-off': '@elastic/elasticsearch 9, OTEL_ELASTICSEARCH_ENABLED=false',
  es9: '@elastic/elasticsearch 9',
  'es9-otel': '@elastic/elasticsearch 9, OpenTelemetry SDK on',
}
const kBatches = 9
const kCalls = 10_000

interface Searcher {
  search(params: { index: string; query: object }): Promise<unknown>
}

async function startTracing(): Promise<void> {
  // @opentelemetry/api 1.10: the version @elastic/transport reads the global with (see adapters.ts).
  const { context, trace } = await import('@opentelemetry/api')
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks')
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base')
  const dropAll = {
    export: (_spans: unknown, done: (result: { code: 0 }) => void) => done({ code: 0 }),
    shutdown: async () => {},
  }
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropAll)] }))
}

async function clientOf(mode: Mode): Promise<Searcher> {
  const text = JSON.stringify(searchResponse)
  const headers = { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' }
  if (mode.endsWith('-otel')) await startTracing()
  if (mode === 'stretch' || mode === 'stretch-otel') {
    const { ApiClient } = await import('@stretch/client')
    const { Transport } = await import('@stretch/transport')
    const { openTelemetry } = await import('@stretch/otel')
    const body = Buffer.from(text)
    const connection = () => ({ request: async () => ({ statusCode: 200, headers, body }), close: async () => {} })
    const otel = mode === 'stretch-otel' ? openTelemetry() : {}
    return new ApiClient(new Transport({ nodes: ['http://127.0.0.1:9200'], connection, ...otel })) as Searcher
  }
  const { Client, BaseConnection } = await import('@elastic/elasticsearch')
  class Memory extends BaseConnection {
    override async request(): Promise<never> {
      return { body: text, statusCode: 200, headers } as never
    }
  }
  // The official switch, read when the transport is made (the client's options do not pass openTelemetry on).
  if (mode === 'es9-off') process.env['OTEL_ELASTICSEARCH_ENABLED'] = 'false'
  return new Client({ node: 'http://127.0.0.1:9200', Connection: Memory }) as unknown as Searcher
}

async function measure(mode: Mode): Promise<number> {
  const client = await clientOf(mode)
  const answer = (await client.search({ index: indexName, query: searchQuery })) as { hits?: unknown }
  if (answer.hits === undefined) throw new Error(`${mode}: not a search answer`)
  const batches: number[] = []
  for (let b = 0; b < kBatches; b++) {
    const start = process.cpuUsage()
    for (let i = 0; i < kCalls; i++) await client.search({ index: indexName, query: searchQuery })
    const used = process.cpuUsage(start)
    batches.push((used.user + used.system) / kCalls)
  }
  batches.sort((a, b) => a - b)
  return batches[kBatches >> 1] as number
}

const { values } = parseArgs({ options: { mode: { type: 'string' }, runs: { type: 'string' } } })
if (values.mode !== undefined) {
  if (!(modes as readonly string[]).includes(values.mode)) throw new Error(`--mode: one of ${modes.join(', ')}`)
  process.stdout.write(`${await measure(values.mode as Mode)}\n`)
} else {
  const runs = Number(values.runs ?? 3)
  const self = fileURLToPath(import.meta.url)
  const seen = new Map<Mode, number[]>(modes.map((m) => [m, []]))
  for (let r = 0; r < runs; r++) {
    for (const mode of modes) {
      const us = Number(execFileSync(process.execPath, [self, '--mode', mode], { encoding: 'utf8' }).trim())
      seen.get(mode)?.push(us)
      process.stderr.write(`run ${r + 1} ${mode}: ${us.toFixed(1)} µs\n`)
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number
  const runsOf = (m: Mode): number[] => seen.get(m) ?? []
  const base = (m: Mode): number => median(runsOf(m))
  // The increment of each round (the modes of a round run one after the other), then the median of the rounds:
  // steadier than the difference of the medians when the machine's load drifts.
  const paired = (m: Mode, plain: Mode): number => median(runsOf(m).map((x, i) => x - (runsOf(plain)[i] as number)))
  const plainOf: Partial<Record<Mode, Mode>> = { 'stretch-otel': 'stretch', 'es9-otel': 'es9' }
  const offOf: Partial<Record<Mode, Mode>> = { 'stretch-otel': 'stretch', 'es9-otel': 'es9-off', es9: 'es9-off' }
  const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`
  const lines = [
    `Client CPU per search() over an in-memory connection, µs (median of ${kBatches} x ${kCalls} calls per process, median of ${runs} processes)`,
    '',
    '| client | µs per call | runs | increment over the plain row | increment over instrumentation off |',
    '| --- | --: | --- | --: | --: |',
  ]
  for (const mode of modes) {
    const plain = plainOf[mode]
    const off = offOf[mode]
    lines.push(
      `| ${labels[mode]} | ${base(mode).toFixed(1)} | ${runsOf(mode)
        .map((x) => x.toFixed(1))
        .join(' / ')} | ` +
        `${plain === undefined ? '' : signed(paired(mode, plain))} | ${off === undefined ? '' : signed(paired(mode, off))} |`,
    )
  }
  process.stdout.write(`${lines.join('\n')}\n`)
}
