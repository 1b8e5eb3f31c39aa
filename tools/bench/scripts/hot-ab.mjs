// node scripts/hot-ab.mjs BENCH_A BENCH_B PAIRS [slices.mjs arguments...]
// A/B of two builds in fresh processes, strictly alternated (A B A B ..., the order flipped every other pair so that
// neither build always runs second): each run is one `node BENCH/scripts/slices.mjs ARGS` of that build's bench
// directory (tools/bench of a worktree, after its build). Prints every pair, then the medians of the measured mean
// CPU per request and of its main-thread and other-thread parts, how many pairs B won, and the load average before
// and after. Example: node scripts/hot-ab.mjs /work/wt/base/tools/bench . 7 stretch info 1500 6000 500 64 http
import { resolve } from 'node:path'
import { alternate, load, median, runSlices } from './pairs.mjs'

const [a, b, n = '5', ...rest] = process.argv.slice(2)
if (a === undefined || b === undefined) throw new Error('usage: hot-ab.mjs BENCH_A BENCH_B PAIRS [slices args]')
const pairs = Number(n)
const run = (dir) => () => runSlices(resolve(dir, 'scripts/slices.mjs'), rest)
const loadBefore = load()
const f = (r) => `${r.mean.toFixed(1)} (${r.main.toFixed(1)} + ${r.other.toFixed(1)})`
const { A, B } = alternate(pairs, run(a), run(b), (i, ra, rb) =>
  console.log(`pair ${i + 1}: A ${f(ra)}  B ${f(rb)}  B/A ${(rb.mean / ra.mean).toFixed(2)}`),
)
const med = (rs, k) => median(rs.map((r) => r[k])).toFixed(1)
const wins = A.filter((ra, i) => B[i].mean < ra.mean).length
console.log(
  `args: ${rest.join(' ')} | pairs ${pairs} | load ${loadBefore} -> ${load()}\n` +
    `A median ${med(A, 'mean')} (main ${med(A, 'main')}, other ${med(A, 'other')})\n` +
    `B median ${med(B, 'mean')} (main ${med(B, 'main')}, other ${med(B, 'other')})\n` +
    `B lower in ${wins} of ${pairs} pairs; median of B/A ${median(A.map((ra, i) => B[i].mean / ra.mean)).toFixed(3)}`,
)
