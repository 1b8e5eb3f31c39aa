// The `types` scenario: what the client's types cost a TypeScript user. Both clients type-check the same 15 user
// programs (src/types-programs.ts) with `tsc --extendedDiagnostics`, as a user's project would (nodenext, strict,
// the published declarations of dist/, not the sources): check time (median of rounds), types and
// instantiations, errors (a correct program has none), then once more with `skipLibCheck: false`, and the size of
// the declarations each client package ships.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type TypesClient, typesPrograms } from './types-programs.js'

/** What one client's types cost on the programs. */
export interface TypesMeasurement {
  readonly client: TypesClient
  readonly programs: number
  /** Median `Check time` of the rounds, ms. */
  readonly checkMs: number
  readonly types: number
  readonly instantiations: number
  /** Diagnostics on the programs with `skipLibCheck: true` (a correct program has none). */
  readonly errors: readonly string[]
  /** Diagnostics with `skipLibCheck: false` (in the programs or in any declaration file). */
  readonly strictErrors: readonly string[]
  /** Bytes of `.d.ts` files the client package ships. */
  readonly declarationBytes: number
}

const require = createRequire(import.meta.url)
const benchDir = fileURLToPath(new URL('..', import.meta.url))
const packages: Readonly<Record<TypesClient, string>> = { stretch: '@stretch/client', es9: '@elastic/elasticsearch' }

function declarationBytes(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') total += declarationBytes(path)
    } else if (/\.d\.[cm]?ts$/.test(entry.name)) total += statSync(path).size
  }
  return total
}

/** Runs tsc on a project and returns its output (tsc exits non-zero on errors; the output says which). */
function tsc(project: string): string {
  try {
    return execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', project, '--extendedDiagnostics'],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    )
  } catch (error) {
    const out = (error as { stdout?: string }).stdout
    if (typeof out === 'string') return out
    throw error
  }
}

function stat(output: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+([\\d.]+)(s?)$`, 'm').exec(output)
  if (m === null) throw new Error(`types scenario: tsc printed no ${name}`)
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1)
}

const errorsOf = (output: string): string[] => output.split('\n').filter((l) => /error TS\d+/.test(l))

function writeProject(dir: string, client: TypesClient, skipLibCheck: boolean): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n')
  const files = typesPrograms.map((p) => {
    writeFileSync(join(dir, `${p.name}.ts`), p.source[client])
    return `${p.name}.ts`
  })
  const config = {
    compilerOptions: {
      strict: true,
      target: 'es2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      noEmit: true,
      skipLibCheck,
      types: ['node'],
    },
    files,
  }
  const project = join(dir, skipLibCheck ? 'tsconfig.json' : 'tsconfig.strict.json')
  writeFileSync(project, `${JSON.stringify(config, null, 2)}\n`)
  return project
}

/** Measures both clients, `rounds` check-time runs each (alternating), plus one `skipLibCheck: false` run. */
export function runTypesScenario(options: { rounds?: number; log?: (line: string) => void } = {}): TypesMeasurement[] {
  const rounds = options.rounds ?? 3
  // Inside the bench package, so that both clients resolve from its node_modules as a user's dependencies would.
  const root = mkdtempSync(join(benchDir, '.types-scenario-'))
  try {
    const clients: TypesClient[] = ['stretch', 'es9']
    const projects = new Map(clients.map((c) => [c, writeProject(join(root, c), c, true)]))
    const outputs = new Map<TypesClient, string[]>(clients.map((c) => [c, []]))
    for (let round = 0; round < rounds; round++) {
      for (const client of clients) {
        options.log?.(`types: ${client} round ${round + 1}/${rounds}`)
        outputs.get(client)?.push(tsc(projects.get(client) as string))
      }
    }
    return clients.map((client) => {
      const runs = outputs.get(client) ?? []
      const last = runs.at(-1) ?? ''
      const checks = runs.map((o) => stat(o, 'Check time')).sort((a, b) => a - b)
      const strict = tsc(writeProject(join(root, client), client, false))
      const pkgDir = dirname(require.resolve(`${packages[client]}/package.json`))
      return {
        client,
        programs: typesPrograms.length,
        checkMs: checks[Math.floor(checks.length / 2)] ?? Number.NaN,
        types: stat(last, 'Types'),
        instantiations: stat(last, 'Instantiations'),
        errors: errorsOf(last),
        strictErrors: errorsOf(strict),
        declarationBytes: declarationBytes(pkgDir),
      }
    })
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

const labels: Readonly<Record<TypesClient, string>> = { stretch: 'Stretch', es9: '@elastic/elasticsearch 9' }

/** The scenario's section of the report. */
export function renderTypes(rows: readonly TypesMeasurement[]): string {
  const lines = [
    '',
    `## types (${rows[0]?.programs ?? 0} user programs, tsc --extendedDiagnostics, nodenext, strict)`,
    '',
    '| client | check time | types | instantiations | errors | errors, skipLibCheck: false | declarations |',
    '|---|--:|--:|--:|--:|--:|--:|',
  ]
  for (const r of rows) {
    lines.push(
      `| ${labels[r.client]} | ${(r.checkMs / 1000).toFixed(2)} s | ${r.types.toLocaleString('en')} | ` +
        `${r.instantiations.toLocaleString('en')} | ${r.errors.length} | ${r.strictErrors.length} | ` +
        `${(r.declarationBytes / 1e6).toFixed(2)} MB |`,
    )
  }
  for (const r of rows) {
    for (const e of r.errors.slice(0, 5)) lines.push('', `- ${labels[r.client]}: \`${e.trim()}\``)
  }
  const es = rows.find((r) => r.client === 'es9')
  if (es !== undefined && es.strictErrors.length > 0)
    lines.push('', `First error of ${labels.es9} with skipLibCheck: false: \`${es.strictErrors[0]?.trim()}\``)
  return `${lines.join('\n')}\n`
}
