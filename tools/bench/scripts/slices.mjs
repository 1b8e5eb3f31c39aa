// node [v8 flags] scripts/slices.mjs ADAPTER [info|search|bulk] [warmup] [requests] [slice] [concurrency] [http|https]
//   [plain|gzip]
// (after `pnpm bench` built dist/; defaults: info 1500 6000 500 64 http plain, a bench worker's info c=64 before the
// sizes of 2026-12-03; `gzip` is `httpCompress`, as in the bench's gzip scenarios; warm-up may be 0). One fresh client
// process, as a bench worker runs it (warm-up, then the measured requests), printing the CPU per request of every
// slice of `slice` requests (when does a client settle?) and the measured window's CPU split into the main thread
// and the others (V8's concurrent compiler and GC helpers; Linux /proc schedstat). MARK=1 prints `@@ slice` and
// `@@ close` lines on stdout, to place `--trace-opt`/`--trace-deopt`/`--trace-gc` output (run under `stdbuf -o0`).
// JSON=1 also prints one JSON line on stdout ({ adapter, op, ..., slices, measuredMean, mainUs, otherUs }) for scripts.
import { fork } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

// CPU ns of each thread of this process (Linux schedstat): the main thread apart from V8's and libuv's helpers.
const threads = () => {
  const out = new Map()
  for (const t of readdirSync('/proc/self/task')) {
    try {
      out.set(t, Number(readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ')[0]))
    } catch {}
  }
  return out
}
const { createAdapter } = await import(new URL('../dist/adapters.js', import.meta.url).href)
const fx = await import(new URL('../dist/fixtures.js', import.meta.url).href)
const [name = 'stretch', op = 'info', w = '1500', n = '6000', s = '500', c = '64', tls = 'http', z = 'plain'] =
  process.argv.slice(2)
const warmup = Number(w),
  requests = Number(n),
  slice = Number(s),
  concurrency = Number(c)
const server = fork(new URL('../dist/server.js', import.meta.url), [], {
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  execArgv: [],
})
const ready = await new Promise((r) => server.once('message', r))
const adapter = await createAdapter(name, {
  url: tls === 'https' ? ready.https : ready.http,
  ca: ready.ca,
  compress: z === 'gzip',
})
const check = { info: fx.checkInfo, search: fx.checkSearch, bulk: fx.checkBulk }[op]
const total = warmup + requests
const marks = []
let next = 0,
  done = 0
let t0 = warmup === 0 ? threads() : undefined
let t1
let last = process.cpuUsage()
const loop = async () => {
  for (;;) {
    if (next++ >= total) return
    check(await adapter[op]())
    if (++done === warmup) t0 = threads()
    if (done === total) t1 = threads()
    if (done % slice === 0) {
      const u = process.cpuUsage(last)
      last = process.cpuUsage()
      marks.push((u.user + u.system) / slice)
      if (process.env.MARK) console.log(`@@ slice ${marks.length} done=${done} ${marks.at(-1).toFixed(0)}us`)
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, loop))
const head = Math.round(warmup / slice)
const measured = marks.slice(head)
const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length
const main = String(process.pid)
let mainNs = 0,
  otherNs = 0
for (const [t, ns] of t1) {
  const d = ns - (t0.get(t) ?? 0)
  if (t === main) mainNs += d
  else otherNs += d
}
if (process.env.MARK) console.log('@@ close')
if (process.env.JSON) {
  const line = { adapter: name, op, warmup, requests, slice, concurrency, tls, compress: z === 'gzip', slices: marks }
  console.log(
    JSON.stringify({
      ...line,
      measuredMean: mean(measured),
      mainUs: mainNs / 1000 / requests,
      otherUs: otherNs / 1000 / requests,
    }),
  )
}
process.stderr.write(
  `${name} ${op}: measured threads main ${(mainNs / 1000 / requests).toFixed(1)} us, others ${(otherNs / 1000 / requests).toFixed(1)} us; slices ${marks.map((x) => x.toFixed(0)).join(' ')} | measured mean ${mean(measured).toFixed(1)} us\n`,
)
await adapter.close()
server.kill()
