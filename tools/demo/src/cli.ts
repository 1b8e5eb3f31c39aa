#!/usr/bin/env node
// `pnpm demo`: runs every scenario of the Connecting page and exits 1 if one failed.
import { runDemo } from './demo.js'

try {
  const report = await runDemo()
  process.exitCode = report.ok ? 0 : 1
} catch (error) {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
}
