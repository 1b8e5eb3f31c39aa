#!/usr/bin/env node
// `stretch-build`: the `build` script of every published package (see ../src/build.js).
import { buildPackage } from '../src/build.js'

try {
  await buildPackage(process.cwd(), { log: (line) => process.stdout.write(`${line}\n`) })
} catch (error) {
  process.stderr.write(`stretch-build: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
}
