// node scripts/hot-ab.mjs BENCH_A BENCH_B PAIRS [slices.mjs arguments...]
// A/B of two builds in fresh processes, strictly alternated (A B A B ..., the order flipped every other pair so that
// neither build always runs second): each run is one `node BENCH/scripts/slices.mjs ARGS` of that build's bench
// directory (tools/bench of a worktree, after its build). Prints every pair, then the medians of the measured mean
// CPU per request and of its main-thread and other-thread parts, how many pairs B won, and the load average before
// and after. Example: node scripts/hot-ab.mjs /work/wt/base/tools/bench . 7 stretch info 1500 6000 500 64 http
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

const [a, b, n = '5', ...rest] = process.argv.slice(2)
if (a === undefined || b === undefined) throw new Error('usage: hot-ab.mjs BENCH_A BENCH_B PAIRS [slices args]')
const pairs = Number(n)
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
const run = (dir) => {
  const r = spawnSync(process.execPath, [resolve(dir, 'scripts/slices.mjs'), ...rest], { encoding: 'utf8' })
  const m = / main ([\d.]+) us, others ([\d.]+) us; .*measured mean ([\d.]+) us/.exec(r.stderr)
  if (m === null) throw new Error(`no result from ${dir}: ${r.stderr}`)
  return { main: Number(m[1]), other: Number(m[2]), mean: Number(m[3]) }
}
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y)
  const h = s.length >> 1
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2
}
const loadBefore = load()
const A = []
const B = []
for (let i = 0; i < pairs; i++) {
  let ra, rb
  if (i % 2 === 0) {
    ra = run(a)
    rb = run(b)
  } else {
    rb = run(b)
    ra = run(a)
  }
  A.push(ra)
  B.push(rb)
  const f = (r) => `${r.mean.toFixed(1)} (${r.main.toFixed(1)} + ${r.other.toFixed(1)})`
  console.log(`pair ${i + 1}: A ${f(ra)}  B ${f(rb)}  B/A ${(rb.mean / ra.mean).toFixed(2)}`)
}
const med = (rs, k) => median(rs.map((r) => r[k])).toFixed(1)
const wins = A.filter((ra, i) => B[i].mean < ra.mean).length
console.log(
  `args: ${rest.join(' ')} | pairs ${pairs} | load ${loadBefore} -> ${load()}\n` +
    `A median ${med(A, 'mean')} (main ${med(A, 'main')}, other ${med(A, 'other')})\n` +
    `B median ${med(B, 'mean')} (main ${med(B, 'main')}, other ${med(B, 'other')})\n` +
    `B lower in ${wins} of ${pairs} pairs; median of B/A ${median(A.map((ra, i) => B[i].mean / ra.mean)).toFixed(3)}`,
)
