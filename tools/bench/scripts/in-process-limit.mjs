// node scripts/in-process-limit.mjs [info|search] [rounds] [requests] [loops] [http|https]   (after `pnpm bench`)
// CPU per request (default 64 loops, plain HTTP) of the Pool.dispatch limit, @stretch/connection-undici alone and the Stretch client,
// all three in ONE process against the bench server, rounds interleaved (order flipped every round). The same heap,
// modules and JIT state for all three: what each costs per call, without the per-process differences of `pnpm bench`
// (one process per client and round; see README, "Against the limit").
import { fork } from 'node:child_process'
import { undiciConnection } from '@stretch/connection-undici'

const { createAdapter } = await import(new URL('../dist/adapters.js', import.meta.url).href)
const fx = await import(new URL('../dist/fixtures.js', import.meta.url).href)
const op = process.argv[2] ?? 'search',
  rounds = Number(process.argv[3] ?? 7),
  N = Number(process.argv[4] ?? 6000),
  loops = Number(process.argv[5] ?? 64),
  tls = process.argv[6] === 'https'
const server = fork(new URL('../dist/server.js', import.meta.url), [], {
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
})
const ready = await new Promise((r) => server.once('message', r))
const url = tls ? ready.https : ready.http
const ca = ready.ca
const stretch = await createAdapter('stretch', { url, ca, compress: false })
const dispatch = await createAdapter('dispatch', { url, ca, compress: false })
const conn = undiciConnection(tls ? { tls: { ca } } : {})({ url: new URL(url), id: url, headers: {}, roles: {} })
const headers = {
  'user-agent': 'stretch/0.0.0 (Node.js v20; linux-x64)',
  accept: 'application/json',
  'content-type': 'application/json',
}
const limits = { maxCompressedResponseSize: 2 ** 31 }
const connOnly = {
  info: async () =>
    JSON.parse(
      (
        await conn.request(
          {
            method: 'GET',
            path: '/',
            headers,
            body: undefined,
            node: undefined,
            attempt: 1,
            signal: undefined,
            timeout: 30000,
          },
          limits,
        )
      ).body.toString('utf8'),
    ),
  search: async () =>
    JSON.parse(
      (
        await conn.request(
          {
            method: 'POST',
            path: `/${fx.indexName}/_search`,
            headers: { ...headers },
            body: JSON.stringify({ query: fx.searchQuery }),
            node: undefined,
            attempt: 1,
            signal: undefined,
            timeout: 30000,
          },
          limits,
        )
      ).body.toString('utf8'),
    ),
}
const clients = { dispatch, conn: connOnly, stretch }
async function run(fn, k) {
  let left = k
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (left-- > 0) await fn()
    }),
  )
}
async function measure(fn) {
  const s = process.cpuUsage()
  await run(fn, N)
  const u = process.cpuUsage(s)
  return (u.user + u.system) / N
}
const res = { dispatch: [], conn: [], stretch: [] }
for (const k of Object.keys(clients)) await run(clients[k][op], 2000)
for (let r = 0; r < rounds; r++) {
  const order = Object.keys(clients)
  if (r % 2) order.reverse()
  for (const k of order) res[k].push(await measure(clients[k][op]))
}
const med = (a) => {
  const s = [...a].sort((x, y) => x - y)
  return s[s.length >> 1]
}
const d = med(res.dispatch)
console.log(
  op,
  Object.entries(res)
    .map(([k, v]) => `${k} ${med(v).toFixed(1)} us (${(med(v) / d).toFixed(2)}x)`)
    .join('; '),
)
for (const c of [stretch, dispatch]) await c.close()
await conn.close()
server.kill()
