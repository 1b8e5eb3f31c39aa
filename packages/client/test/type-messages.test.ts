// The compile errors a user sees for everyday mistakes name the property (and suggest the fix where TypeScript
// can): each case is type-checked with the compiler API against the client's sources, and its diagnostics, with
// their related information ("The expected type comes from property ..."), must match. The patterns match tsc's own
// text only. For a wrong value of a property, tsc names the type it expected but not always the property (no
// related information for `minimum_should_match: true`, `calendar_interval: 'mnth'`, a search's
// `pit: { keep_alive: 60 }`: a TypeScript limit, the official client's messages are the same); the error is on the
// property then, which `at` checks (the text the diagnostic underlines), and the README says so.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))

/** One mistake per line: the code, and what its diagnostic must say. */
const cases: readonly { readonly code: string; readonly says: readonly RegExp[]; readonly at?: string }[] = [
  {
    code: "void client.search({ query: { mtach: { title: 'dune' } } })",
    says: [/'mtach' does not exist in type 'QueryDslQueryContainer'/, /Did you mean to write 'match'\?/],
  },
  {
    code: 'void client.search({ query: { bool: { fitler: [] } } })',
    says: [/'fitler' does not exist in type 'QueryDslBoolQuery'/, /Did you mean to write 'filter'\?/],
  },
  {
    code: "void client.updateByQuery({ index: 'books', script: { soruce: 'ctx._source.n++' } })",
    // A script's shortcut is its source, which can be a search template body too: no suggestion from a union.
    // (TypeScript prints a union's members in the order it created their types: either order.)
    says: [
      /'soruce' does not exist in type '(Script \| SearchSearchRequestBody|SearchSearchRequestBody \| Script)'/,
      /property 'script'/,
    ],
  },
  {
    code: "void client.search({ aggs: { m: { date_histogram: { field: 'd', calendar_interval: 'mnth' } } } })",
    // tsc names the enum and the member meant, not the property: the error is on it.
    says: [/'"mnth"' is not assignable to type 'AggregationsCalendarInterval/, /Did you mean '"month"'\?/],
    at: 'calendar_interval',
  },
  {
    code: "void client.indices.create({ index: 'b', mappings: { properties: { t: { type: 'keywrod' } } } })",
    says: [
      /'"keywrod"' is not assignable/,
      /Did you mean '"keyword"'\?/,
      /The expected type comes from property 'type' which is declared here on type 'MappingProperty'/,
    ],
    at: 'type',
  },
  {
    code: 'void client.search({ query: { bool: { minimum_should_match: true } } })',
    // tsc names the type (`MinimumShouldMatch`), not the property: the error is on it.
    says: [/^Type 'true' is not assignable to type 'MinimumShouldMatch \| undefined'\.$/m],
    at: 'minimum_should_match',
  },
  {
    code: "void client.openPointInTime({ index: 'books', keep_alive: 60 })",
    // A parameter of the request itself: tsc names it.
    says: [
      /Type '60' is not assignable to type 'string \| 0 \| -1'/,
      /The expected type comes from property 'keep_alive' which is declared here on type 'OpenPointInTimeRequest'/,
    ],
    at: 'keep_alive',
  },
  {
    code: "void client.search({ pit: { id: 'x', keep_alive: 60 } })",
    // Inside a body object: tsc names the type (`Duration`), not the property: the error is on it.
    says: [/^Type '60' is not assignable to type 'Duration \| undefined'\.$/m],
    at: 'keep_alive',
  },
  {
    code: "void client.search({ aggs: { t: { terms: { field: 'tags' }, aggs: { a: { avg: { fild: 'price' } } } } } })",
    // The aggregations are inferred from the request: the mistake is still named, two levels down.
    says: [/'fild' does not exist in type 'AggregationsAverageAggregation'/, /Did you mean to write 'field'\?/],
  },
  {
    code: "void client.msearch({ searches: [{ index: 'b' }, { aggs: { t: { terms: { field: 'tags' } } } }, {}, { aggs: { a: { avg: { fild: 'p' } } } }] })",
    // An msearch item's aggregations are inferred from its body line: a mistake in the second body is named too.
    says: [/'fild' does not exist in type 'AggregationsAverageAggregation'/, /Did you mean to write 'field'\?/],
  },
  {
    code: "void ('error' in multi.responses[1] ? 0 : multi.responses[1].aggregations?.by_tagg)",
    says: [/Property 'by_tagg' does not exist on type/, /Did you mean 'by_tag'\?/],
  },
  {
    code: 'void aggregated.aggregations?.per_month.buckets[0]?.avg_pric',
    says: [/Property 'avg_pric' does not exist on type/, /Did you mean 'avg_price'\?/],
  },
  {
    code: 'void found.tookk',
    says: [/Property 'tookk' does not exist on type 'SearchResponse<Book/, /Did you mean 'took'\?/],
  },
  {
    code: 'void found.hits.hits[0]?._sorce',
    says: [/Property '_sorce' does not exist on type 'SearchHit<Book>'/, /Did you mean '_source'\?/],
  },
]

const prelude = [
  "import type { Client } from '../src/index.js'",
  'interface Book { title: string }',
  'declare const client: Client',
  "const found = await client.search<Book>({ index: 'books' })",
  "const aggregated = await client.search({ aggs: { per_month: { date_histogram: { field: 'd', calendar_interval: 'month' }, aggs: { avg_price: { avg: { field: 'p' } } } } } })",
  "const multi = await client.msearch({ searches: [{ index: 'b' }, { size: 0 }, { index: 'b' }, { aggs: { by_tag: { terms: { field: 'tags' } } } }] })",
  // A correct program: no diagnostic.
  "void client.search({ query: { bool: { filter: [{ term: { tags: 'a' } }], minimum_should_match: 1 } } })",
]

/** What tsc prints: the message and its related information, nothing added. */
function messages(d: ts.Diagnostic): string {
  const related = (d.relatedInformation ?? []).map((r) => ts.flattenDiagnosticMessageText(r.messageText, '\n'))
  return [ts.flattenDiagnosticMessageText(d.messageText, '\n'), ...related].join('\n')
}

describe('compile errors for everyday mistakes', () => {
  it('name the property (or, where tsc does not, are on it), on the line of the mistake, and nothing else fails', {
    timeout: 180_000,
  }, () => {
    const configPath = join(here, '..', 'tsconfig.json')
    const config = ts.getParsedCommandLineOfConfigFile(
      configPath,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
        },
      },
    )
    if (config === undefined) throw new Error('no tsconfig')
    // A file of the test directory that exists only in memory (it fails to compile, on purpose).
    const file = join(here, 'type-mistakes.virtual.ts')
    const source = `${prelude.join('\n')}\n${cases.map((c) => c.code).join('\n')}\n`
    const host = ts.createCompilerHost(config.options)
    const getSourceFile = host.getSourceFile.bind(host)
    host.getSourceFile = (name, version, onError, create) =>
      name === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, onError, create)
    const fileExists = host.fileExists.bind(host)
    host.fileExists = (name) => name === file || fileExists(name)
    const program = ts.createProgram({ rootNames: [file], options: { ...config.options, noEmit: true }, host })
    const sourceFile = program.getSourceFile(file)
    if (sourceFile === undefined) throw new Error('the fixture was not loaded')
    const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)]
    const byLine = new Map<number, string[]>()
    const underlined = new Map<number, string[]>()
    for (const d of diagnostics) {
      const line = sourceFile.getLineAndCharacterOfPosition(d.start ?? 0).line
      byLine.set(line, [...(byLine.get(line) ?? []), messages(d)])
      const at = sourceFile.text.slice(d.start ?? 0, (d.start ?? 0) + (d.length ?? 0))
      underlined.set(line, [...(underlined.get(line) ?? []), at])
    }
    for (const [i, c] of cases.entries()) {
      const line = prelude.length + i
      const says = (byLine.get(line) ?? []).join('\n')
      for (const pattern of c.says) expect(says, c.code).toMatch(pattern)
      // One error per mistake, on the property where `at` is given.
      expect(byLine.get(line)?.length ?? 0, c.code).toBe(1)
      if (c.at !== undefined) expect(underlined.get(line), c.code).toEqual([c.at])
    }
    // The prelude (the correct program) has no error.
    const preludeErrors = [...byLine].filter(([line]) => line < prelude.length)
    expect(preludeErrors).toEqual([])
  })
})
