// The specification's own examples type-check against the generated types: each JavaScript request example (written
// for @elastic/elasticsearch, `const response = await client.xxx({...});`) against the method's request type, and each
// JSON response example against its response type (`estypes.XxxResponse`), in one program built in memory. The
// examples that cannot (a defect of the specification's example, or of the specification where correcting it would
// cost more than it gives) are listed with their reason in
// example-type-defects.json, and the test fails when the list is stale either way: a listed example that passes, or
// a failure that is not listed.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const spec = (file: string): string => join(here, '../../../../tools/codegen/spec', file)

interface JsExample {
  readonly endpoint: string
  readonly id: string
  readonly code: string
}
interface ResponseExample {
  readonly endpoint: string
  readonly id: string
  readonly type: string
  readonly value: unknown
}

const requests = (JSON.parse(readFileSync(spec('js-examples.json'), 'utf8')) as { examples: JsExample[] }).examples
const responseFile = JSON.parse(readFileSync(spec('response-examples.json'), 'utf8')) as {
  readonly notJson: readonly string[]
  readonly examples: readonly ResponseExample[]
}
const responses = responseFile.examples
const defects = JSON.parse(readFileSync(join(here, 'example-type-defects.json'), 'utf8')) as {
  readonly requests: Readonly<Record<string, string>>
  readonly responses: Readonly<Record<string, string>>
  /** The response examples that are not JSON (not type-checked at all), with the reason. */
  readonly notJson: Readonly<Record<string, string>>
}

/** Each example's code, with the label its diagnostics are reported under. */
function fixture(): { source: string; spans: { label: string; start: number; end: number }[] } {
  const parts: string[] = ["import type { Client, estypes } from '../../src/index.js'\n"]
  const spans: { label: string; start: number; end: number }[] = []
  let offset = parts[0]?.length ?? 0
  const add = (label: string, code: string): void => {
    spans.push({ label, start: offset, end: offset + code.length })
    parts.push(code)
    offset += code.length
  }
  requests.forEach((e, i) => {
    add(
      `request ${e.endpoint} ${e.id}`,
      `export async function request${i}(client: Client): Promise<unknown> {\n${e.code}\nreturn response\n}\n`,
    )
  })
  responses.forEach((e, i) => {
    add(
      `response ${e.endpoint} ${e.id}`,
      `export const response${i}: estypes.${e.type} = ${JSON.stringify(e.value, null, 1)}\n`,
    )
  })
  return { source: parts.join(''), spans }
}

describe("the specification's examples", () => {
  it('are all accounted for: type-checked, or listed with the reason they cannot be', () => {
    // 762 JavaScript request examples and 400 response examples; 20 of these are not JSON (placeholders such as
    // `<version>`, trailing commas, comments, an event stream), and the defects list says why for each.
    expect(Object.keys(defects.notJson).sort()).toEqual([...responseFile.notJson].sort())
    expect(requests.length + responses.length + Object.keys(defects.notJson).length).toBe(1162)
    expect(Object.entries(defects.notJson).filter(([, why]) => !/^(spec|example): /.test(why))).toEqual([])
  })

  it('type-check against the generated request and response types, but for the listed defects', {
    timeout: 300_000,
  }, () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(here, '..', '..', 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
        },
      },
    )
    if (config === undefined) throw new Error('no tsconfig')
    const file = join(here, 'spec-examples.virtual.ts')
    const { source, spans } = fixture()
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
    const failing = new Map<string, string>()
    for (const d of diagnostics) {
      const span = spans.find((s) => (d.start ?? 0) >= s.start && (d.start ?? 0) < s.end)
      const label = span?.label ?? 'outside every example'
      if (!failing.has(label))
        failing.set(label, ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n').slice(-2).join(' / '))
    }
    const listed = new Set([
      ...Object.keys(defects.requests).map((k) => `request ${k}`),
      ...Object.keys(defects.responses).map((k) => `response ${k}`),
    ])
    const unlisted = [...failing].filter(([label]) => !listed.has(label)).map(([label, why]) => `${label}: ${why}`)
    const fixed = [...listed].filter((label) => !failing.has(label))
    expect(unlisted).toEqual([])
    expect(fixed).toEqual([])
    // The list stays short: 49 of 1,142 JSON examples (11 of 762 requests, 38 of 380 responses); it may only shrink. Where
    // the specification is narrower than what Elasticsearch sends, the generator corrects the model
    // (tools/codegen/src/types/corrections.ts): 2 "spec:" entries are left, each saying why it is not corrected.
    // Every entry is decided: "spec:" or "example:", none "ours:" (a defect of our types is fixed, not listed).
    expect(listed.size).toBeLessThanOrEqual(49)
    const undecided = Object.entries({ ...defects.requests, ...defects.responses }).filter(
      ([, why]) => !/^(spec|example): /.test(why),
    )
    expect(undecided).toEqual([])
  })
})
