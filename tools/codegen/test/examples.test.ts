// The fixture of the client's examples test (spec/js-examples.json) must come from the same snapshot of the
// specification as endpoints.json: replacing the spec without re-extracting the examples fails here. The full
// comparison with schema.json needs the specification checkout: `pnpm --filter @stretch/codegen run examples --
// --schema <path> --check`.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  type ExamplesSchema,
  extractJsExamples,
  type JsExamplesFile,
  loadSpec,
  type ResponseExamplesFile,
} from '../src/index.js'

const spec = loadSpec(new URL('../spec', import.meta.url).pathname)
const fixture = JSON.parse(readFileSync(new URL('../spec/js-examples.json', import.meta.url), 'utf8')) as JsExamplesFile

describe('spec/js-examples.json', () => {
  it('comes from the commit of endpoints.json', () => {
    expect(fixture.source.commit).toBe(spec.source.commit)
    expect(fixture.source.branch).toBe(spec.source.branch)
    expect(fixture.source.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('holds the 762 JavaScript examples, each of an endpoint of endpoints.json', () => {
    expect(fixture.examples).toHaveLength(fixture.count)
    expect(fixture.count).toBe(762)
    const names = new Set(spec.endpoints.map((e) => e.name))
    expect(fixture.examples.filter((e) => !names.has(e.endpoint))).toEqual([])
    expect(fixture.examples.filter((e) => !/^const response = await client\.[\w.]+\(/.test(e.code))).toEqual([])
  })
})

describe('spec/response-examples.json', () => {
  const responses = JSON.parse(
    readFileSync(new URL('../spec/response-examples.json', import.meta.url), 'utf8'),
  ) as ResponseExamplesFile
  it('comes from the commit of endpoints.json, with each JSON response example named by its estypes type', () => {
    expect(responses.source.commit).toBe(spec.source.commit)
    expect(responses.source.sha256).toBe(fixture.source.sha256)
    expect(responses.examples).toHaveLength(responses.count)
    expect(responses.count + responses.notJson.length).toBe(400)
    expect(responses.examples.filter((e) => !/^\w+Response$/.test(e.type))).toEqual([])
  })
})

describe('extractJsExamples', () => {
  it("takes the JavaScript alternatives of each endpoint's request type, in the schema's order", () => {
    const alternatives = (js: string) => [
      { language: 'Python', code: 'resp = client.x()' },
      { language: 'JavaScript', code: js },
    ]
    const schema: ExamplesSchema = {
      endpoints: [
        { name: 'b.second', request: { namespace: 'b.second', name: 'Request' } },
        { name: 'a.first', request: { namespace: 'a.first', name: 'Request' } },
        { name: 'c.none', request: null },
      ],
      types: [
        {
          kind: 'request',
          name: { namespace: 'a.first', name: 'Request' },
          examples: { E1: { method_request: 'GET /a', alternatives: alternatives('await client.a.first()') } },
        },
        {
          kind: 'response',
          name: { namespace: 'b.second', name: 'Request' },
          examples: { R: { method_request: 'GET /r', alternatives: alternatives('response') } },
        },
        {
          kind: 'request',
          name: { namespace: 'b.second', name: 'Request' },
          examples: {
            E2: { method_request: 'PUT /b', value: '{"x":1}', alternatives: alternatives('await client.b.second()') },
            E3: { method_request: 'GET /b', alternatives: [{ language: 'curl', code: 'curl' }] },
          },
        },
      ],
    }
    expect(extractJsExamples(schema)).toEqual([
      { endpoint: 'b.second', id: 'E2', request: 'PUT /b', body: '{"x":1}', code: 'await client.b.second()' },
      { endpoint: 'a.first', id: 'E1', request: 'GET /a', code: 'await client.a.first()' },
    ])
  })
})
