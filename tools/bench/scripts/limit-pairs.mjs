// node scripts/limit-pairs.mjs PAIRS [slices.mjs arguments after the adapter...]   (after the build)
// Stretch against the limit (`Pool.dispatch`) in many fresh processes, strictly alternated (the order flipped every
// other pair), each one `scripts/slices.mjs` run: its measured mean CPU per request. Prints the median of the
// limit's and of Stretch's runs, their ratio, the median of the pair-by-pair ratios with a 95% bootstrap interval
// (10 000 resamples of the pairs), how many pairs Stretch was within 1.1x, and the load average before and after.
// One run of `pnpm bench` gives 5 to 7 rounds; this gives as many pairs as the time allows, for a ratio narrow
// enough to say on which side of a target it is. Example: node scripts/limit-pairs.mjs 30 info 10000 30000 5000 64
import { fileURLToPath } from 'node:url'
import { alternate, load, median, runSlices } from './pairs.mjs'

const [n = '20', ...rest] = process.argv.slice(2)
const pairs = Number(n)
const slices = fileURLToPath(new URL('./slices.mjs', import.meta.url))
const run = (adapter) => () => runSlices(slices, [adapter, ...rest]).mean
const loadBefore = load()
const { A: limit, B: stretch } = alternate(pairs, run('dispatch'), run('stretch'), (i, l, s) =>
  console.log(`pair ${i + 1}: limit ${l.toFixed(1)} µs, Stretch ${s.toFixed(1)} µs`),
)
const ratios = stretch.map((s, i) => s / limit[i])
// A fixed-seed generator, so that the same pairs give the same interval.
let seed = 1
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31
  return seed / 2 ** 31
}
const resampled = Array.from({ length: 10_000 }, () =>
  median(Array.from({ length: pairs }, () => ratios[Math.floor(random() * pairs)])),
).sort((x, y) => x - y)
const at = (q) => resampled[Math.floor(q * (resampled.length - 1))]
console.log(
  `\n${pairs} pairs (${rest.join(' ')}): limit ${median(limit).toFixed(1)} µs, Stretch ${median(stretch).toFixed(1)} µs, ` +
    `ratio of medians ${(median(stretch) / median(limit)).toFixed(3)}; median pair ratio ${median(ratios).toFixed(3)} ` +
    `(95% bootstrap ${at(0.025).toFixed(3)} to ${at(0.975).toFixed(3)}); Stretch within 1.1x in ` +
    `${ratios.filter((r) => r <= 1.1).length} of ${pairs}; load ${loadBefore} -> ${load()}`,
)
