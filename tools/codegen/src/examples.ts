import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { typeName } from './types/emit-types.js'

/** One JavaScript example of the specification, written for `@elastic/elasticsearch`. */
export interface JsExample {
  /** The spec name of the endpoint (`indices.create_from`). */
  readonly endpoint: string
  /** The example's key in the request type's `examples` (not unique across endpoints on its own). */
  readonly id: string
  /** The request the example stands for, as the specification writes it (`POST /_create_from/a/b`). */
  readonly request: string
  /** The body of that request as the specification writes it (JSON or NDJSON text), when it has one. */
  readonly body?: string
  /** The code, `const response = await client.xxx({ ... });`. */
  readonly code: string
}

/** The committed fixture: where the examples come from and the examples, in the schema's order. */
export interface JsExamplesFile {
  readonly source: {
    readonly repository: string
    readonly branch: string
    readonly commit: string
    readonly license: string
    readonly file: string
    readonly sha256: string
  }
  readonly count: number
  readonly examples: readonly JsExample[]
}

/** A type's name in schema.json. */
export interface SchemaTypeName {
  readonly namespace: string
  readonly name: string
}
/** The part of schema.json this script reads (see the specification's SCHEMA.md). */
export interface ExamplesSchema {
  readonly endpoints: readonly {
    readonly name: string
    readonly request: SchemaTypeName | null
    readonly response?: SchemaTypeName | null
  }[]
  readonly types: readonly {
    readonly kind: string
    readonly name: SchemaTypeName
    readonly examples?: Readonly<
      Record<
        string,
        {
          readonly method_request?: string
          readonly value?: string
          readonly alternatives?: readonly { readonly language: string; readonly code: string }[]
        }
      >
    >
  }[]
}

/**
 * The JavaScript examples of schema.json: for each endpoint (in the schema's order), the `alternatives` whose
 * `language` is `JavaScript` in the `examples` of its request type.
 */
export function extractJsExamples(schema: ExamplesSchema): JsExample[] {
  const key = (t: SchemaTypeName): string => `${t.namespace}:${t.name}`
  const requests = new Map(schema.types.filter((t) => t.kind === 'request').map((t) => [key(t.name), t]))
  const out: JsExample[] = []
  for (const endpoint of schema.endpoints) {
    if (endpoint.request === null) continue
    const request = requests.get(key(endpoint.request))
    for (const [id, example] of Object.entries(request?.examples ?? {})) {
      for (const alt of example.alternatives ?? []) {
        if (alt.language !== 'JavaScript') continue
        const { method_request: request = '', value: body } = example
        out.push({ endpoint: endpoint.name, id, request, ...(body === undefined ? {} : { body }), code: alt.code })
      }
    }
  }
  return out
}

/** Where the fixture lives, relative to the repository root. */
export const kExamplesFile = 'tools/codegen/spec/js-examples.json'

/**
 * The fixture's text for a schema.json file. The commit is the one endpoints.json names: schema.json itself does not
 * say, so the two must come from the same snapshot of the specification (the SHA-256 pins the file read).
 */
export function examplesFileText(root: string, schemaPath: string): string {
  const raw = readFileSync(schemaPath)
  const endpoints = JSON.parse(readFileSync(join(root, 'tools/codegen/spec/endpoints.json'), 'utf8')) as {
    source: { repository: string; branch: string; commit: string; license: string }
  }
  const examples = extractJsExamples(JSON.parse(raw.toString('utf8')) as ExamplesSchema)
  const file: JsExamplesFile = { source: sourceOf(raw, endpoints.source), count: examples.length, examples }
  return `${JSON.stringify(file, null, 2)}\n`
}

function sourceOf(
  raw: Buffer,
  source: { repository: string; branch: string; commit: string; license: string },
): JsExamplesFile['source'] {
  return { ...source, file: 'output/schema/schema.json', sha256: createHash('sha256').update(raw).digest('hex') }
}

/** The response examples fixture's text for a schema.json file (one example per line: diffs stay readable). */
export function responseExamplesFileText(root: string, schemaPath: string): string {
  const raw = readFileSync(schemaPath)
  const endpoints = JSON.parse(readFileSync(join(root, 'tools/codegen/spec/endpoints.json'), 'utf8')) as {
    source: { repository: string; branch: string; commit: string; license: string }
  }
  const { examples, notJson } = extractResponseExamples(JSON.parse(raw.toString('utf8')) as ExamplesSchema, (name) =>
    typeName(name),
  )
  const head = { source: sourceOf(raw, endpoints.source), count: examples.length, notJson }
  const lines = examples.map((e) => JSON.stringify(e)).join(',\n')
  return `${JSON.stringify(head).slice(0, -1)},\n"examples":[\n${lines}\n]}\n`
}

/**
 * Writes the fixture, or with `check` compares it with the committed one. Resolves to the problems found (empty
 * when written or up to date).
 */
export function writeExamples(options: { root: string; schema: string; check?: boolean }): string[] {
  if (!existsSync(options.schema)) {
    return [`no schema.json at ${options.schema}: pass --schema <path to elasticsearch-specification's schema.json>`]
  }
  const files: [string, string][] = [
    [kExamplesFile, examplesFileText(options.root, options.schema)],
    [kResponseExamplesFile, responseExamplesFileText(options.root, options.schema)],
  ]
  const problems: string[] = []
  for (const [file, text] of files) {
    const target = join(options.root, file)
    if (options.check === true) {
      if (!existsSync(target) || readFileSync(target, 'utf8') !== text) problems.push(`${file}: differs`)
    } else writeFileSync(target, text)
  }
  return problems
}

/** One response example of the specification: a response body as Elasticsearch sends it. */
export interface ResponseExample {
  /** The spec name of the endpoint. */
  readonly endpoint: string
  /** The example's key in the response type's `examples`. */
  readonly id: string
  /** The response type's name in `estypes` (`SearchResponse`). */
  readonly type: string
  /** The body, parsed. */
  readonly value: unknown
}

/** The committed fixture of the response examples. */
export interface ResponseExamplesFile {
  readonly source: JsExamplesFile['source']
  readonly count: number
  /** The examples whose value is not JSON (text responses such as cat tables, or NDJSON), by id: left out. */
  readonly notJson: readonly string[]
  readonly examples: readonly ResponseExample[]
}

/**
 * The response examples of schema.json whose value is JSON: for each endpoint (in the schema's order), the
 * `examples` of its response type, with the type's name in estypes (`typeName`).
 */
export function extractResponseExamples(
  schema: ExamplesSchema,
  typeName: (name: SchemaTypeName) => string,
): { examples: ResponseExample[]; notJson: string[] } {
  const key = (t: SchemaTypeName): string => `${t.namespace}:${t.name}`
  const responses = new Map(schema.types.filter((t) => t.kind === 'response').map((t) => [key(t.name), t]))
  const examples: ResponseExample[] = []
  const notJson: string[] = []
  for (const endpoint of schema.endpoints) {
    if (endpoint.response === null || endpoint.response === undefined) continue
    const response = responses.get(key(endpoint.response))
    for (const [id, example] of Object.entries(response?.examples ?? {})) {
      if (example.value === undefined) continue
      try {
        const value: unknown = JSON.parse(example.value)
        examples.push({ endpoint: endpoint.name, id, type: typeName(endpoint.response), value })
      } catch {
        notJson.push(`${endpoint.name} ${id}`)
      }
    }
  }
  return { examples, notJson }
}

/** Where the response examples live, relative to the repository root. */
export const kResponseExamplesFile = 'tools/codegen/spec/response-examples.json'
