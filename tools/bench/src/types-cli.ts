// pnpm --filter @stretch/bench bench:types [--rounds N]: only the `types` scenario (pnpm bench runs it too).
import { parseArgs } from 'node:util'
import { renderTypes, runTypesScenario } from './types-scenario.js'

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { rounds: { type: 'string' } },
})
const rows = runTypesScenario({
  ...(values.rounds === undefined ? {} : { rounds: Number(values.rounds) }),
  log: (line) => process.stderr.write(`${line}\n`),
})
process.stdout.write(renderTypes(rows))
if (rows.some((r) => r.client === 'stretch' && (r.errors.length > 0 || r.strictErrors.length > 0))) process.exitCode = 1
