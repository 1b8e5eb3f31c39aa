#!/usr/bin/env node
// `pnpm --filter @stretch/codegen run schema [-- --schema <path>]`: writes spec/schema.json, the reduced model the
// type emitter reads, from the specification's compiled schema.json (of the commit of spec/endpoints.json).
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { repositoryRoot } from './generate.js'
import { kSchemaFile, reduceSchema, type Schema } from './types/schema.js'

const args = process.argv.slice(2)
const root = repositoryRoot(fileURLToPath(new URL('.', import.meta.url)))
const schemaIndex = args.indexOf('--schema')
const path =
  schemaIndex >= 0
    ? resolve(process.env['INIT_CWD'] ?? process.cwd(), args[schemaIndex + 1] ?? '')
    : resolve(root, '../shared/spec/schema.json')
const text = readFileSync(path)
const endpoints = JSON.parse(readFileSync(join(root, 'tools/codegen/spec/endpoints.json'), 'utf8')) as {
  source: Record<string, string>
}
const source = {
  repository: endpoints.source['repository'] ?? '',
  branch: endpoints.source['branch'] ?? '',
  commit: endpoints.source['commit'] ?? '',
  file: 'output/schema/schema.json',
  sha256: createHash('sha256').update(text).digest('hex'),
}
writeFileSync(
  join(root, 'tools/codegen/spec', kSchemaFile),
  reduceSchema(JSON.parse(text.toString('utf8')) as Schema, source),
)
console.log(`wrote tools/codegen/spec/${kSchemaFile} from ${path}`)
