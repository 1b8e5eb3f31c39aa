// pnpm bench [--quick] [--rounds N] [--adapters a,b] [--scenarios "info c=64,bulk c=1"] [--options-children N]
//            [--profile stretch[,undici]] [--profile-dir DIR] [--scale N] [--cold-start N] [--no-overhead]
//            [--no-write] [--no-types]
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { adapterNames, diagnosticAdapterNames } from './adapters.js'
import type { AdapterName } from './protocol.js'
import { machineLine, renderJson, renderReport } from './report.js'
import { runBench } from './runner.js'
import { renderTypes, runTypesScenario } from './types-scenario.js'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    adapters: { type: 'string' },
    scenarios: { type: 'string' },
    'options-children': { type: 'string' },
    'cold-start': { type: 'string' },
    scale: { type: 'string' },
    profile: { type: 'string' },
    'profile-dir': { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    'no-overhead': { type: 'boolean', default: false },
    'no-types': { type: 'boolean', default: false },
  },
})

function adapterList(text: string | undefined, option: string): AdapterName[] | undefined {
  if (text === undefined) return undefined
  const list = text.split(',').map((s) => s.trim())
  const known: readonly string[] = [...adapterNames, ...diagnosticAdapterNames]
  for (const name of list) {
    if (!known.includes(name)) {
      throw new Error(`${option}: unknown client '${name}' (known: ${known.join(', ')})`)
    }
  }
  return list as AdapterName[]
}

function count(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${option}: give a whole number`)
  return n
}

const rounds = count(values.rounds, '--rounds')
const result = await runBench({
  quick: values.quick,
  rounds,
  adapters: adapterList(values.adapters, '--adapters'),
  scenarios: values.scenarios?.split(',').map((s) => s.trim()),
  optionsChildren: count(values['options-children'], '--options-children'),
  coldStartSamples: count(values['cold-start'], '--cold-start'),
  profile: adapterList(values.profile, '--profile'),
  overhead: !values['no-overhead'],
  scale: values.scale === undefined ? undefined : Number(values.scale),
  profileDir: values['profile-dir'],
  log: (line) => process.stderr.write(`${line}\n`),
})
// The `types` scenario (src/types-scenario.ts): what each client's types cost on the same user programs.
const types = values['no-types']
  ? ''
  : renderTypes(runTypesScenario({ rounds: values.quick ? 1 : 3, log: (line) => process.stderr.write(`${line}\n`) }))
const machine = machineLine()
const report = renderReport(result, machine) + types
process.stdout.write(report)
if (!values.quick && !values['no-write']) {
  const dir = fileURLToPath(new URL('../results/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  const base = `${dir}${result.startedAt.toISOString().slice(0, 10)}`
  writeFileSync(`${base}.md`, report)
  writeFileSync(`${base}.json`, renderJson(result, machine))
  process.stderr.write(`written to ${base}.md and .json\n`)
}
