// node scripts/steady-profile.mjs [info|search] [warmup] [requests] [concurrency] [rounds] [top]   (after the build)
// The settled state's CPU profile, per request: one process runs the limit (Pool.dispatch) and Stretch against the
// bench server, both warmed up (`warmup` requests each, default 12 000), then alternated rounds of `requests` each
// (default 6 000, 3 rounds each, 64 in flight) with V8's sampling profiler (100 µs) on only during a round. Prints,
// per client, the self time per request (µs) by area and by function summed over its rounds, then the functions whose
// self time differs most between the two. What `--profile` of the bench cannot show: its profile covers the whole
// worker, warm-up (the JIT at work) included.
import { fork } from 'node:child_process'
import { Session } from 'node:inspector/promises'

const { createAdapter } = await import(new URL('../dist/adapters.js', import.meta.url).href)
const { summarize } = await import(new URL('../dist/profile-summary.js', import.meta.url).href)
const fx = await import(new URL('../dist/fixtures.js', import.meta.url).href)
const op = process.argv[2] ?? 'info'
const warmup = Number(process.argv[3] ?? 12_000)
const requests = Number(process.argv[4] ?? 6000)
const loops = Number(process.argv[5] ?? 64)
const rounds = Number(process.argv[6] ?? 3)
const topN = Number(process.argv[7] ?? 30)

const server = fork(new URL('../dist/server.js', import.meta.url), [], {
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  execArgv: [],
})
const ready = await new Promise((r) => server.once('message', r))
const options = { url: ready.http, ca: ready.ca, compress: false }
const clients = { dispatch: await createAdapter('dispatch', options), stretch: await createAdapter('stretch', options) }
const check = { info: fx.checkInfo, search: fx.checkSearch }[op]

async function run(adapter, n) {
  let left = n
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (left-- > 0) check(await adapter[op]())
    }),
  )
}

const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.setSamplingInterval', { interval: 100 })
for (const adapter of Object.values(clients)) await run(adapter, warmup)

const acc = {
  dispatch: { fn: new Map(), area: new Map(), cpu: 0 },
  stretch: { fn: new Map(), area: new Map(), cpu: 0 },
}
const add = (map, k, v) => map.set(k, (map.get(k) ?? 0) + v)
for (let round = 0; round < rounds; round++) {
  for (const name of round % 2 === 0 ? ['dispatch', 'stretch'] : ['stretch', 'dispatch']) {
    const before = process.cpuUsage()
    await session.post('Profiler.start')
    await run(clients[name], requests)
    const { profile } = await session.post('Profiler.stop')
    const u = process.cpuUsage(before)
    const a = acc[name]
    a.cpu += u.user + u.system
    const { byFunction, byArea } = summarize(profile)
    for (const [k, v] of byFunction) add(a.fn, k, v)
    for (const [k, v] of byArea) add(a.area, k, v)
  }
}
const per = (ms) => (ms * 1000) / (requests * rounds)
const show = (map, n) =>
  [...map.entries()]
    .filter(([k]) => k !== 'idle' && !k.startsWith('(idle)'))
    .sort((x, y) => y[1] - x[1])
    .slice(0, n)
    .map(([k, v]) => `${per(v).toFixed(2).padStart(7)} µs  ${k}`)
    .join('\n')
for (const [name, a] of Object.entries(acc)) {
  const busy = [...a.area].filter(([k]) => k !== 'idle').reduce((s, [, v]) => s + v, 0)
  console.log(
    `\n# ${name}: process CPU ${(a.cpu / (requests * rounds)).toFixed(1)} µs/request, main-thread samples (busy) ${per(busy).toFixed(1)} µs/request`,
  )
  console.log('## by area (self time per request)')
  console.log(show(a.area, 20))
  console.log('## by function')
  console.log(show(a.fn, topN))
}
// Stretch minus the limit, per key of one of the two maps (area or fn), largest differences either way first.
const minus = (field, title, n) => {
  const diff = new Map()
  for (const k of new Set([...acc.dispatch[field].keys(), ...acc.stretch[field].keys()])) {
    diff.set(k, (acc.stretch[field].get(k) ?? 0) - (acc.dispatch[field].get(k) ?? 0))
  }
  console.log(`\n# Stretch minus the limit, by ${title} (µs per request)`)
  console.log(
    [...diff.entries()]
      .sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]))
      .slice(0, n)
      .map(([k, v]) => `${per(v).toFixed(2).padStart(7)} µs  ${k}`)
      .join('\n'),
  )
}
minus('area', 'area', 20)
minus('fn', 'function', topN)
session.disconnect()
for (const c of Object.values(clients)) await c.close()
server.kill()
