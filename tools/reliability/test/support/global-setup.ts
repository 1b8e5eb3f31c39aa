// Runs in the vitest main process: clears the figures of the previous run before the files start, and writes
// REPORT.md from the figures every file recorded once they are all done.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import { type Figure, resultsDir } from './figures.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const kSuites = ['faults', 'resources', 'bad input', 'security', 'helpers']
let started = 0
let figuresFile = ''

export function setup(project: TestProject): void {
  started = performance.now()
  mkdirSync(resultsDir, { recursive: true })
  figuresFile = join(resultsDir, `figures-${process.pid}-${Date.now()}.jsonl`)
  writeFileSync(figuresFile, '')
  project.provide('reliabilityFigures', figuresFile)
}

function version(pkg: string): string {
  try {
    const json = JSON.parse(readFileSync(join(root, '..', '..', 'packages', pkg, 'package.json'), 'utf8'))
    return String(json.version)
  } catch {
    return '?'
  }
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

const cell = (v: number | string | undefined): string => (v === undefined ? '' : String(v))

export function teardown(): void {
  let figures: Figure[] = []
  try {
    figures = readFileSync(figuresFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Figure)
  } catch {
    return // no file ran far enough to record anything: keep the committed report
  } finally {
    rmSync(figuresFile, { force: true })
  }
  if (figures.length === 0) return
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  const lines = [
    '# Reliability report',
    '',
    'Written by `pnpm test:reliability` (tools/reliability) on every run; compare the table across versions.',
    'Each row is one scenario: `requests` are logical requests the callers made (bulk: bulk requests), `faults`',
    'the faults the test cluster injected (answers it withheld or spoiled, or node outages), `errors` the requests',
    'that failed for the caller, `retries` the retries the transport announced on `stretch:retry`, and `added ms`',
    'the latency a request paid for the faults (mean over the faulted run minus mean over a clean run).',
    '',
    `- client ${version('client')}, transport ${version('transport')}, connection-undici ${version('connection-undici')} (commit ${commit()})`,
    `- Node.js ${process.version}, ${process.platform}-${process.arch}, ${cpus().length} CPUs; suite wall time ${seconds} s`,
    '',
    '| suite | scenario | requests | faults | errors | retries | added ms | notes |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...figures.map(
      (f) =>
        `| ${f.suite} | ${f.scenario} | ${cell(f.requests)} | ${cell(f.faults)} | ${cell(f.errors)} | ${cell(f.retries)} | ${cell(f.addedMs)} | ${cell(f.notes)} |`,
    ),
    '',
  ]
  // A run of some files only (vitest run test/x.test.ts) must not replace the committed report of the whole suite.
  const complete = kSuites.every((suite) => figures.some((f) => f.suite === suite))
  writeFileSync(complete ? join(root, 'REPORT.md') : join(resultsDir, 'REPORT.partial.md'), lines.join('\n'))
}
