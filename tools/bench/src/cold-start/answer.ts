// The last step of every cold-start child: check the answer and print the timings, then exit at once (an open
// keep-alive socket must not delay the process; the time until the answer is what is measured).
import type { ColdStartSample } from '../protocol.js'

/** Checks the `info` body and prints one {@link ColdStartSample} as JSON. */
export function answer(body: unknown, importStart: number, importEnd: number, requestStart: number): never {
  const answered = performance.now()
  const cpu = process.cpuUsage()
  const version = (body as { version?: { number?: unknown } } | null)?.version?.number
  if (typeof version !== 'string') throw new Error(`info answered without version.number: ${JSON.stringify(body)}`)
  const sample: ColdStartSample = {
    answeredMs: answered,
    importMs: importEnd - importStart,
    requestMs: answered - requestStart,
    cpuMs: (cpu.user + cpu.system) / 1000,
  }
  process.stdout.write(`${JSON.stringify(sample)}\n`)
  process.exit(0)
}
