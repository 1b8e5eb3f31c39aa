// node scripts/alloc-per-request.mjs [info|search] [http|https] [calls] [client-module]   (after `pnpm bench`)
// Bytes allocated per request by the Stretch client and by the Pool.dispatch limit, in ONE process against the bench
// server, 64 requests in flight: a sampling heap profile (256-byte interval) that keeps the samples of objects a
// minor or a major GC collected, so its total is what was allocated, not what survived. Rounds alternate (limit,
// Stretch, Stretch, limit, ...) after a warm-up; the medians are printed. `client-module` is a path or URL of another
// build of `@stretch/client` (an A/B of two builds in one process); default the workspace's.
import { fork } from 'node:child_process'
import { Session } from 'node:inspector/promises'
import { pathToFileURL } from 'node:url'

const { createAdapter } = await import(new URL('../dist/adapters.js', import.meta.url).href)
const fx = await import(new URL('../dist/fixtures.js', import.meta.url).href)
const op = process.argv[2] ?? 'search'
const tls = process.argv[3] === 'https'
const calls = Number(process.argv[4] ?? 10_000)
const clientModule = process.argv[5]
const loops = 64

const server = fork(new URL('../dist/server.js', import.meta.url), [], {
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
})
const ready = await new Promise((resolve) => server.once('message', resolve))
const url = tls ? ready.https : ready.http
const ca = ready.ca

const { Client } = await import(
  clientModule === undefined
    ? '@stretch/client'
    : clientModule.startsWith('file:')
      ? clientModule
      : pathToFileURL(clientModule).href
)
const client = new Client({ node: url, ...(tls ? { caCerts: ca } : {}) })
const stretch = {
  info: () => client.info(),
  search: () => client.search({ index: fx.indexName, query: fx.searchQuery }),
}
const dispatch = await createAdapter('dispatch', { url, ca, compress: false })

async function run(fn, n) {
  let left = n
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (left-- > 0) await fn()
    }),
  )
}

const session = new Session()
session.connect()
function total(node) {
  let sum = node.selfSize
  for (const child of node.children) sum += total(child)
  return sum
}
async function bytesPerCall(fn) {
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  })
  await run(fn, calls)
  const { profile } = await session.post('HeapProfiler.stopSampling')
  last = profile
  return total(profile.head) / calls
}
let last

const fns = { dispatch: dispatch[op], stretch: stretch[op] }
for (const fn of Object.values(fns)) await run(fn, 2000)
const results = { dispatch: [], stretch: [] }
const profiles = {}
for (let round = 0; round < 4; round++) {
  const order = round % 2 === 0 ? ['dispatch', 'stretch'] : ['stretch', 'dispatch']
  for (const name of order) {
    results[name].push(await bytesPerCall(fns[name]))
    if (round === 3) profiles[name] = last
  }
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2
}
const limit = median(results.dispatch)
const own = median(results.stretch)
console.log(
  `${op}${tls ? ' https' : ''} c=${loops}: Stretch ${own.toFixed(0)} B/request, limit ${limit.toFixed(0)}, excess ${(own - limit).toFixed(0)} (rounds: Stretch ${results.stretch.map((v) => v.toFixed(0)).join(' ')}; limit ${results.dispatch.map((v) => v.toFixed(0)).join(' ')})`,
)
// ALLOC_SITES=N: the N allocation sites (function, file, line) with the most bytes per request, per client.
const sites = Number(process.env.ALLOC_SITES ?? 0)
if (sites > 0) {
  for (const [name, profile] of Object.entries(profiles)) {
    const bySite = new Map()
    const walk = (node) => {
      const f = node.callFrame
      const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|packages)\//, '')}:${f.lineNumber + 1}`
      bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize)
      for (const child of node.children) walk(child)
    }
    walk(profile.head)
    console.log(`${name}, bytes per request by allocation site:`)
    for (const [key, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, sites)) {
      console.log(`  ${(bytes / calls).toFixed(0).padStart(6)}  ${key}`)
    }
  }
}
session.disconnect()
await client.close()
await dispatch.close()
server.kill()
