#!/usr/bin/env node
// `pnpm codegen`: regenerates the API of @stretch/client. `--check` writes nothing and exits 1 when the committed
// files differ from what the generator would write.
import { fileURLToPath } from 'node:url'
import { generate, repositoryRoot } from './generate.js'

const args = process.argv.slice(2)
const check = args.includes('--check')
const specIndex = args.indexOf('--spec')
const specDir = specIndex >= 0 ? args[specIndex + 1] : undefined
const root = repositoryRoot(fileURLToPath(new URL('.', import.meta.url)))
const started = performance.now()
const problems = await generate(specDir === undefined ? { root, check } : { root, check, specDir })
if (problems.length > 0) {
  console.error(`The generated API is out of date (run \`pnpm codegen\`):\n${problems.map((p) => `  ${p}`).join('\n')}`)
  process.exitCode = 1
} else {
  console.log(
    `${check ? 'checked' : 'generated'} the API of @stretch/client in ${Math.round(performance.now() - started)} ms`,
  )
}
