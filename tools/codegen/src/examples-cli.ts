#!/usr/bin/env node
// `pnpm --filter @stretch/codegen run examples [-- --schema <path>] [--check]`: extracts the JavaScript examples of
// the specification's schema.json into spec/js-examples.json, the fixture of the client's examples test. `--check`
// writes nothing and exits 1 when the committed fixture differs.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { kExamplesFile, writeExamples } from './examples.js'
import { repositoryRoot } from './generate.js'

const args = process.argv.slice(2)
const check = args.includes('--check')
const root = repositoryRoot(fileURLToPath(new URL('.', import.meta.url)))
const schemaIndex = args.indexOf('--schema')
// pnpm runs the script in tools/codegen: a relative path is taken from where the command was typed.
const schema =
  schemaIndex >= 0
    ? resolve(process.env['INIT_CWD'] ?? process.cwd(), args[schemaIndex + 1] ?? '')
    : resolve(root, '../shared/spec/schema.json')
const problems = writeExamples({ root, schema, check })
if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exitCode = 1
} else {
  console.log(`${check ? 'checked' : 'wrote'} ${kExamplesFile} from ${schema}`)
}
