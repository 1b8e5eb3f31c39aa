// What the editor offers inside a request: each case is completed with the TypeScript language service against the
// client's sources (as an editor would, at the `/*|*/` mark), and the property names it offers must be the expected
// ones. A type that collapses to `unknown` (a union with `unknown` in it) offers none.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))

const kBulkLine = [
  '_source',
  'create',
  'delete',
  'detect_noop',
  'doc',
  'doc_as_upsert',
  'index',
  'script',
  'scripted_upsert',
  'update',
  'upsert',
]
const kIndexAction = [
  '_id',
  '_index',
  'dynamic_templates',
  'if_primary_term',
  'if_seq_no',
  'pipeline',
  'require_alias',
  'routing',
  'version',
  'version_type',
]

/** One completion per case: the code with its cursor mark, and the names offered there. */
const cases: readonly { readonly code: string; readonly kind: string; readonly offers: (names: string[]) => void }[] = [
  {
    // Without a type argument: the action lines (and an update's body line), as the official client offers.
    code: 'void client.bulk({ operations: [{ /*|*/ }] })',
    kind: 'property',
    offers: (names) => expect(names).toEqual(kBulkLine),
  },
  {
    code: 'void client.bulk({ operations: [{ index: { /*|*/ } }] })',
    kind: 'property',
    offers: (names) => expect(names).toEqual(kIndexAction),
  },
  {
    code: "void client.bulk({ operations: [{ index: { _index: 'b' } }, { title: 'x' }, { update: { /*|*/ } }] })",
    kind: 'property',
    offers: (names) => expect(names).toEqual(expect.arrayContaining(['_id', '_index', 'retry_on_conflict'])),
  },
  {
    // With the document type: its fields too.
    code: 'void client.bulk<Book>({ operations: [{ /*|*/ }] })',
    kind: 'property',
    offers: (names) => expect(names).toEqual([...kBulkLine, 'title', 'year'].sort()),
  },
  {
    code: 'void client.bulk<Book>({ operations: [{ index: { /*|*/ } }] })',
    kind: 'property',
    offers: (names) => expect(names).toEqual(kIndexAction),
  },
  {
    code: 'void client.search({ query: { /*|*/ } })',
    kind: 'property',
    offers: (names) => {
      expect(names).toEqual(expect.arrayContaining(['bool', 'match', 'term', 'range', 'knn']))
      expect(names.length).toBeGreaterThanOrEqual(61)
    },
  },
  {
    code: 'void client.search({ aggs: { a: { /*|*/ } } })',
    kind: 'property',
    offers: (names) => {
      expect(names).toEqual(expect.arrayContaining(['terms', 'avg', 'date_histogram', 'aggs', 'categorize_text']))
      expect(names.length).toBeGreaterThanOrEqual(85)
    },
  },
]

const prelude = [
  "import type { Client } from '../src/index.js'",
  'interface Book { title: string; year: number }',
  'declare const client: Client',
]

describe('completions inside a request', () => {
  it('offer the properties of the type at the cursor', { timeout: 180_000 }, () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(here, '..', 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
        },
      },
    )
    if (config === undefined) throw new Error('no tsconfig')
    // A file of the test directory that exists only in memory.
    const file = join(here, 'completions.virtual.ts')
    const text = `${prelude.join('\n')}\n${cases.map((c) => c.code).join('\n')}\n`
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => config.options,
      getScriptFileNames: () => [file],
      getScriptVersion: () => '1',
      getScriptSnapshot: (name) => {
        const content = name === file ? text : ts.sys.readFile(name)
        return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content)
      },
      getCurrentDirectory: () => join(here, '..'),
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: (name) => name === file || ts.sys.fileExists(name),
      readFile: (name) => (name === file ? text : ts.sys.readFile(name)),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    }
    const service = ts.createLanguageService(host)
    let from = 0
    for (const c of cases) {
      const at = text.indexOf('/*|*/', from)
      from = at + 1
      const entries = service.getCompletionsAtPosition(file, at, {})?.entries ?? []
      const names = entries
        .filter((e) => e.kind === c.kind)
        .map((e) => e.name)
        .sort()
      try {
        c.offers(names)
      } catch (error) {
        throw new Error(`${c.code}: offered ${names.length} (${names.join(', ')})`, { cause: error })
      }
    }
    service.dispose()
  })
})
