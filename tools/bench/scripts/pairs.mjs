// What the pair scripts share (hot-ab.mjs: two builds; limit-pairs.mjs: the limit and Stretch): one fresh process of
// `slices.mjs` read back, strictly alternated pairs, the median, the load average.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** The 1, 5 and 15 minute load averages, as one string. */
export const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')

/** One `node SLICES ARGS` run: its measured mean CPU per request and the main- and other-thread parts (µs). */
export const runSlices = (slices, args) => {
  const r = spawnSync(process.execPath, [slices, ...args], { encoding: 'utf8' })
  const m = / main ([\d.]+) us, others ([\d.]+) us; .*measured mean ([\d.]+) us/.exec(r.stderr)
  if (m === null) throw new Error(`no result from ${slices} ${args.join(' ')}: ${r.stderr}`)
  return { main: Number(m[1]), other: Number(m[2]), mean: Number(m[3]) }
}

/** `pairs` runs of each, A B then B A, so that neither always runs second; `each(i, a, b)` after every pair. */
export const alternate = (pairs, runA, runB, each) => {
  const A = []
  const B = []
  for (let i = 0; i < pairs; i++) {
    let a, b
    if (i % 2 === 0) {
      a = runA()
      b = runB()
    } else {
      b = runB()
      a = runA()
    }
    A.push(a)
    B.push(b)
    each(i, a, b)
  }
  return { A, B }
}

export const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y)
  const h = s.length >> 1
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2
}
