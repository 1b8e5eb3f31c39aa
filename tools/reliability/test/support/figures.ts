import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** One row of REPORT.md. */
export interface Figure {
  readonly suite: string
  readonly scenario: string
  readonly requests?: number
  readonly faults?: number
  readonly errors?: number
  readonly retries?: number
  /** Mean latency added per request by the faults, in milliseconds. */
  readonly addedMs?: number
  readonly notes?: string
}

export const resultsDir: string = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.results')
export const figuresFile: string = join(resultsDir, 'figures.jsonl')

/** Records a row for REPORT.md (the global teardown writes the report). */
export function recordFigure(figure: Figure): void {
  mkdirSync(resultsDir, { recursive: true })
  appendFileSync(figuresFile, `${JSON.stringify(figure)}\n`)
}
