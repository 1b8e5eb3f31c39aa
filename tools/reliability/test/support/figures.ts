import { appendFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inject } from 'vitest'

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

declare module 'vitest' {
  export interface ProvidedContext {
    /** The figures file of this run (one per run, so two runs at once do not mix their rows). */
    reliabilityFigures: string
  }
}

/** Where the runs keep their figures until the global teardown writes REPORT.md. */
export const resultsDir: string = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.results')

/** Records a row for REPORT.md (the global teardown writes the report). */
export function recordFigure(figure: Figure): void {
  appendFileSync(inject('reliabilityFigures'), `${JSON.stringify(figure)}\n`)
}
