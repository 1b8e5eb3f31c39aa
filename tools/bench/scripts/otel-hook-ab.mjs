// node scripts/otel-hook-ab.mjs [batches] [name=module ...]   (issue 16)
// CPU per call of the @stretch/otel plugin alone: its requestHook, middleware and attempt observer around a `send`
// that answers at once, with a real BasicTracerProvider (every span sampled, batched, dropped) and the async-hooks
// context manager, as `bench:otel` sets them up. Two or more builds of the plugin run in ONE process, batches
// interleaved in a random order: the cleanest A/B on a shared machine, where `bench:otel`'s separate processes
// differ by more than the change being measured. The harness's own work is in every figure; read the differences.
// To compare a build with the current one, keep a copy where it finds the plugin's imports, for example:
//   mkdir -p /tmp/otel-ab/before && cp ../../packages/otel/dist/index.js /tmp/otel-ab/before/
//   ln -s "$PWD/../../packages/otel/node_modules" /tmp/otel-ab/node_modules
//   (change and build the plugin)
//   node scripts/otel-hook-ab.mjs 41 before=/tmp/otel-ab/before/index.js after=@stretch/otel
import os from 'node:os'
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'

const batches = Number(process.argv[2] ?? 41)
const specs = process.argv.length > 3 ? process.argv.slice(3) : ['plugin=@stretch/otel']
const calls = 5000
const dropAll = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} }
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropAll)] }))

const node = { id: 'n1', url: 'http://127.0.0.1:9200', name: undefined }
const headers = { 'user-agent': 'stretch', accept: 'application/json', 'content-type': 'application/json' }
const result = {
  body: {},
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  warnings: null,
  meta: { node, attempts: 1, duration: 1, request: { method: 'POST', path: '/bench/_search' } },
}
const terminal = async (request) => request
const variants = []
for (const spec of specs) {
  const [name, path] = spec.split('=')
  const url = path.startsWith('/') || path.startsWith('.') ? new URL(path, `file://${process.cwd()}/`).href : path
  const { openTelemetry } = await import(url)
  const otel = openTelemetry()
  const requestHook = otel.requestHook
  // Builds before otel16 return the middleware beside the hook; later ones inside it (RequestHook.middleware).
  const middleware = otel.middleware ?? requestHook.middleware ?? []
  variants.push({ name, requestHook, handler: middleware.reduceRight((next, mw) => mw(next), terminal) })
}

// One search() as the transport drives a hook: wrap, attemptStart, the middleware chain, attemptEnd, the result.
function call(v) {
  const hooked = {
    method: 'POST',
    path: '/bench/_search',
    querystring: undefined,
    endpoint: 'search',
    pathParts: { index: 'bench' },
    origin: undefined,
  }
  return v.requestHook.wrap(hooked, async (observer) => {
    observer.attemptStart?.({ attempt: 1, node })
    const request = { method: 'POST', path: '/bench/_search', headers, body: '{}', node: {}, attempt: 1 }
    await v.handler({ ...request, signal: undefined, timeout: 30000 })
    observer.attemptEnd?.({ attempt: 1, node, statusCode: 200, error: undefined, duration: 1, retryDelay: undefined })
    return result
  })
}
async function loop(v, n) {
  for (let i = 0; i < n; i++) await call(v)
}

for (const v of variants) await loop(v, 20_000)
const seen = new Map(variants.map((v) => [v.name, []]))
const before = os.loadavg()
for (let b = 0; b < batches; b++) {
  for (const v of [...variants].sort(() => Math.random() - 0.5)) {
    const start = process.cpuUsage()
    await loop(v, calls)
    const used = process.cpuUsage(start)
    seen.get(v.name).push((used.user + used.system) / calls)
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const first = seen.get(variants[0].name)
console.log(`CPU µs per call, ${batches} batches of ${calls} calls per variant, interleaved`)
for (const [name, xs] of seen) {
  const paired = median(xs.map((x, i) => x - first[i]))
  console.log(
    `${name}: median ${median(xs).toFixed(2)}, min ${Math.min(...xs).toFixed(2)}, paired against ${variants[0].name} ${paired >= 0 ? '+' : ''}${paired.toFixed(2)}`,
  )
}
console.log(
  `load average ${before.map((l) => l.toFixed(2)).join(' ')} -> ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)
