#!/usr/bin/env node
// `pnpm --filter @stretch/codegen run versions`: writes each package's src/version.ts from its package.json.
// `--check` writes nothing and exits 1 when a version.ts differs from its package.json.
import { fileURLToPath } from 'node:url'
import { repositoryRoot } from './generate.js'
import { checkVersions, writeVersions } from './versions.js'

const root = repositoryRoot(fileURLToPath(new URL('.', import.meta.url)))
if (process.argv.includes('--check')) {
  const problems = checkVersions(root)
  if (problems.length > 0) {
    console.error(
      `version.ts out of date (run \`pnpm version-packages\`):\n${problems.map((p) => `  ${p}`).join('\n')}`,
    )
    process.exitCode = 1
  }
} else {
  const written = writeVersions(root)
  console.log(written.length === 0 ? 'every version.ts is up to date' : `wrote ${written.join(', ')}`)
}
