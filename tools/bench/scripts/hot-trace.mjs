// node scripts/hot-trace.mjs ADAPTER [info|search] [warmup] [requests] [slice] [concurrency] [http|https]
// What V8's optimizing compiler (TurboFan) does in one fresh client process of scripts/slices.mjs (same arguments):
// every optimization job with the slice of requests it finished in, whose code it is (Stretch's packages, the bench's
// adapter and scripts, undici, Node), how long it took (the V8 log's compile time), whether it is a recompile, and
// every deopt with its reason; then per owner the jobs and milliseconds of the warm-up, the measured window and
// close(). Runs slices.mjs with MARK=1 under --trace-opt --trace-deopt (stdout to a file, so V8's and Node's lines
// keep their order) and --log-function-events (the V8 log names each job's script); the two lists of finished jobs
// are zipped in order. HOT_JOBS=1 lists every job, not only Stretch's and the bench's; HOT_INLINED=1 adds
// --print-opt-source and lists what each listed job inlined (printing the sources slows the compiler: read its
// times then as relative). HOT_OUT=DIR keeps the trace and the log there. Linux, after `pnpm bench` built dist/.
import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const args = process.argv.slice(2)
const dir = process.env.HOT_OUT ?? mkdtempSync(join(tmpdir(), 'hot-trace-'))
const traceFile = join(dir, 'trace.txt')
const logFile = join(dir, 'v8.log')
const inlined = process.env.HOT_INLINED === '1'
const all = process.env.HOT_JOBS === '1'
{
  const fd = openSync(traceFile, 'w')
  const r = spawnSync(
    'stdbuf',
    [
      '-o0',
      process.execPath,
      '--trace-opt',
      '--trace-deopt',
      ...(inlined ? ['--print-opt-source'] : []),
      '--log-function-events',
      `--logfile=${logFile}`,
      '--no-logfile-per-isolate',
      new URL('slices.mjs', import.meta.url).pathname,
      ...args,
    ],
    { stdio: ['ignore', fd, fd], env: { ...process.env, MARK: '1' } },
  )
  closeSync(fd)
  if (r.status !== 0) throw new Error(`slices.mjs exited with ${r.status}; see ${traceFile}`)
}

const ownerOf = (script) => {
  if (/packages\/(transport|connection-undici|client)\//.test(script)) return 'stretch'
  if (/tools\/bench\//.test(script)) return 'bench'
  if (/undici/.test(script)) return 'undici'
  if (script.startsWith('node:')) return 'node'
  return 'other'
}
const short = (script) =>
  script
    .replace(/^file:\/\/.*?\/packages\/([^/]+)\/dist\/index\.js$/, '$1')
    .replace(/^.*\/undici\/lib\//, 'undici/')
    .replace(/^file:\/\/.*?\/tools\/bench\//, 'bench/')

// The V8 log: scripts by id, and every finished TurboFan job in order (script, source range, ms, name).
const scripts = new Map()
const logged = []
for (const line of readFileSync(logFile, 'utf8').split('\n')) {
  if (line.startsWith('script-details,')) {
    const [, id, name] = line.split(',')
    scripts.set(id, name)
  } else if (line.startsWith('function,turbofan,')) {
    const f = line.split(',')
    logged.push({ scriptId: f[2], start: f[3], ms: Number(f[5]), name: f.slice(7).join(',') })
  }
}

const fnName = (line) => /<JSFunction (.*?) ?\(sfi = /.exec(line)?.[1] ?? '?'
const jobs = []
const deopts = []
const sources = new Map() // opt id -> { script:name, inlined }
let slice = 1
let summary = ''
for (const line of readFileSync(traceFile, 'utf8').split('\n')) {
  if (line.startsWith('@@ slice ')) {
    slice = Number(/@@ slice (\d+)/.exec(line)[1]) + 1
    continue
  }
  if (line.startsWith('@@ close')) {
    slice = 'close'
    continue
  }
  let m = /^--- FUNCTION SOURCE \((.*)\) id\{(\d+),(-?\d+)\}/.exec(line)
  if (m) {
    const id = Number(m[2])
    if (Number(m[3]) === -1) sources.set(id, { top: m[1], inlined: new Set() })
    else {
      const at = m[1].lastIndexOf(':')
      sources.get(id)?.inlined.add(`${short(m[1].slice(0, at))}:${m[1].slice(at + 1)}`)
    }
    continue
  }
  if (line.startsWith('[completed compiling')) {
    jobs.push({ name: fnName(line), slice, osr: / OSR/.test(line) })
    continue
  }
  m =
    /^\[bailout \(kind: ([^,]+), reason: ([^)]*)\).*deoptimizing .*?<JSFunction (.*?) ?\(sfi.*opt id (\d+), bytecode offset (\d+)/.exec(
      line,
    )
  if (m) {
    deopts.push({ slice, kind: m[1], reason: m[2], name: m[3], optId: Number(m[4]), offset: m[5] })
    continue
  }
  if (/ measured threads /.test(line)) summary = line
}

// Zip the two lists (both in the order jobs finished on the main thread).
let mismatches = 0
jobs.forEach((job, i) => {
  const l = logged[i]
  if (l === undefined || l.name !== job.name) mismatches++
  const script = scripts.get(l?.scriptId) ?? '?'
  Object.assign(job, { script, owner: ownerOf(script), ms: l?.ms ?? 0, key: `${script}:${l?.start}` })
})
const seen = new Map()
for (const j of jobs) {
  j.nth = (seen.get(j.key) ?? 0) + 1
  seen.set(j.key, j.nth)
}
// The source printouts come in job order too (opt ids count up from 0).
const printed = [...sources.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s)

const [, , w = '1500', , s = '500'] = args
const warmSlices = Math.round(Number(w) / Number(s))
console.log(`${summary}\n(trace and log: ${dir}${mismatches ? `; ${mismatches} jobs not matched in the log` : ''})`)
console.log('\nslice | owner | function | ms | note')
jobs.forEach((j, i) => {
  if (!all && j.owner !== 'stretch' && j.owner !== 'bench') return
  const note = [j.osr ? 'OSR' : '', j.nth > 1 ? `compile #${j.nth}` : ''].filter(Boolean).join(' ')
  const inl = inlined && printed[i] ? ` | inlines ${[...printed[i].inlined].join(', ') || '-'}` : ''
  console.log(
    `${j.slice} | ${j.owner} | ${short(j.script)}:${j.name || '(anonymous)'} | ${j.ms.toFixed(2)} | ${note}${inl}`,
  )
})
console.log('\nowner | jobs in warm-up | ms | jobs in measured window | ms | at close | ms | recompiles')
for (const owner of ['stretch', 'bench', 'undici', 'node', 'other']) {
  const mine = jobs.filter((j) => j.owner === owner)
  const warm = mine.filter((j) => j.slice !== 'close' && j.slice <= warmSlices)
  const meas = mine.filter((j) => j.slice !== 'close' && j.slice > warmSlices)
  const closing = mine.filter((j) => j.slice === 'close')
  const sum = (a) => a.reduce((x, j) => x + j.ms, 0).toFixed(1)
  console.log(
    `${owner} | ${warm.length} | ${sum(warm)} | ${meas.length} | ${sum(meas)} | ${closing.length} | ${sum(closing)} | ${mine.filter((j) => j.nth > 1).length}`,
  )
}
console.log('\ndeopts: slice | function | kind | reason | bytecode offset')
for (const d of deopts) {
  // Opt ids count every job started, finished or not: the job is the last of that name at or before its id.
  const job = jobs.slice(0, d.optId + 1).findLast((j) => j.name === d.name) ?? jobs.findLast((j) => j.name === d.name)
  const where = job ? `${short(job.script)}:` : ''
  console.log(`${d.slice} | ${where}${d.name} (${job?.owner ?? '?'}) | ${d.kind} | ${d.reason} | ${d.offset}`)
}
