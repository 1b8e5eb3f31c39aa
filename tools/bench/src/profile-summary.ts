// node dist/profile-summary.js <file.cpuprofile>... : where a worker's CPU time went, by self time per function and
// per area (Stretch's packages, undici, Node internals, GC, idle). Used to write the README's findings.
import { readFileSync } from 'node:fs'

interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
}
interface ProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
  readonly hitCount?: number
  readonly children?: readonly number[]
}
interface Profile {
  readonly nodes: readonly ProfileNode[]
  readonly startTime: number
  readonly endTime: number
  readonly samples: readonly number[]
}

/** The area a function belongs to, by its script URL. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC'
    if (functionName === '(idle)') return 'idle'
    if (functionName === '(program)') return 'program (native, unattributed)'
    return `native: ${functionName}`
  }
  const stretch = /packages\/([\w-]+)\//.exec(url)
  if (stretch !== null && !url.includes('node_modules')) return `@stretch/${stretch[1]}`
  if (url.includes('/undici/')) return 'undici'
  if (url.includes('tools/bench/')) return 'bench worker'
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)
  return pkg === null ? url : (pkg[1] as string)
}

/** Self time (ms) per function and per area. */
export function summarize(profile: Profile): { byFunction: Map<string, number>; byArea: Map<string, number> } {
  const interval = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length)
  const byFunction = new Map<string, number>()
  const byArea = new Map<string, number>()
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * interval
    if (ms === 0) continue
    const f = node.callFrame
    const where =
      f.url === '' ? '' : ` ${f.url.replace(/^.*\/(packages|node_modules|tools)\//, '$1/')}:${f.lineNumber + 1}`
    const key = `${f.functionName || '(anonymous)'}${where}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms)
    const area = areaOf(f)
    byArea.set(area, (byArea.get(area) ?? 0) + ms)
  }
  return { byFunction, byArea }
}

function top(map: Map<string, number>, n: number, total: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${v.toFixed(0).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
}

if (process.argv[1]?.endsWith('profile-summary.js')) {
  for (const file of process.argv.slice(2)) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
    const { byFunction, byArea } = summarize(profile)
    const total = [...byArea.values()].reduce((a, b) => a + b, 0)
    const busy = total - (byArea.get('idle') ?? 0)
    console.log(`# ${file}: ${total.toFixed(0)} ms sampled, ${busy.toFixed(0)} ms busy`)
    console.log('## by area (self time)')
    for (const line of top(byArea, 20, busy)) console.log(line)
    console.log('## top functions (self time)')
    for (const line of top(byFunction, 40, busy)) console.log(line)
  }
}
