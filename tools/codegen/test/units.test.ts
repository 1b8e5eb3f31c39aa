import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  buildModel,
  buildOutputs,
  camelCase,
  docText,
  loadSpec,
  privateGenerated,
  repositoryRoot,
  spliceExports,
  TypeResolver,
} from '../src/index.js'

const root = repositoryRoot(fileURLToPath(new URL('.', import.meta.url)))

const spec = loadSpec(new URL('../spec', import.meta.url).pathname)

describe('TypeResolver', () => {
  const resolver = new TypeResolver(spec.aliases)
  it.each([
    ['Indices', 'string | string[]'],
    [
      'ExpandWildcards',
      "'all' | 'open' | 'closed' | 'hidden' | 'none' | ('all' | 'open' | 'closed' | 'hidden' | 'none')[]",
    ],
    ['Refresh', "boolean | 'true' | 'false' | 'wait_for'"],
    ['Duration', 'string | -1 | 0'],
    ['integer', 'number'],
    ['string[]', 'string[]'],
    ['Dictionary<string, UserDefinedValue>', 'Record<string, JsonInput>'],
    ['Array<integer>', 'number[]'],
    ['QueryContainer', 'JsonInput'],
    ['QueryContainer | string', 'JsonInput'],
    ['QueryContainer[]', 'JsonInput[]'],
  ])('%s -> %s', (input, output) => {
    expect(resolver.resolve(input)).toBe(output)
  })
  it('keeps generic parameters', () => {
    expect(resolver.resolve('TDocument', ['TDocument'])).toBe('TDocument')
    expect(resolver.resolve('TDocument')).toBe('JsonInput')
  })
  it('rejects what it cannot parse', () => {
    expect(() => resolver.resolve('Foo<')).toThrow(/type expression/)
  })
})

describe('docText', () => {
  it('cannot end the comment, and escapes what TSDoc would read as tags or HTML', () => {
    expect(docText('a */ b')).toBe('a *\\/ b')
    expect(docText('use @timestamp or {x} <b> `c`')).toBe('use \\@timestamp or \\{x\\} \\<b\\> \\`c\\`')
    expect(docText('two\nlines   spaced')).toBe('two lines spaced')
  })
})

describe('the model', () => {
  const { namespaces, skipped } = buildModel(spec)
  const count = namespaces.reduce((n, ns) => n + ns.endpoints.length, 0)
  it('generates 581 endpoints and skips the 22 stack-private or codegen-excluded ones', () => {
    expect(count).toBe(581)
    expect(skipped).toHaveLength(22)
    expect(skipped.filter((s) => s.reason === 'codegen-excluded')).toHaveLength(6)
    expect(skipped.map((s) => s.name)).toContain('knn_search')
  })
  it('generates the stack-private APIs of the official client that have examples, and says who they are for', () => {
    const generated = namespaces.flatMap((ns) => ns.endpoints.map((e) => e.spec.name))
    expect(generated).toEqual(expect.arrayContaining(Object.keys(privateGenerated)))
    expect(skipped.map((s) => s.name)).not.toEqual(expect.arrayContaining(['shutdown.put_node']))
    const api = buildOutputs({ root }).get('packages/client/src/api/generated/api.ts')!
    const doc = (method: string): string =>
      api.slice(api.lastIndexOf('/**', api.indexOf(`  ${method}(`)), api.indexOf(`  ${method}(`))
    expect(doc('putNode')).toContain('Elastic Stack: private, stable, since 7.13.0. Serverless: not available.')
    expect(doc('putNode')).toContain(
      'Designed for indirect use by Elastic Cloud, Elastic Cloud Enterprise and Elastic Cloud on Kubernetes; direct use is not supported.',
    )
    expect(doc('lastSync')).toContain("Not for direct use: Elastic's connector service calls it")
    expect(doc('search')).not.toContain('private')
  })

  it('keeps the root endpoint table in api.ts and gives each namespace table a module of its own', () => {
    const outputs = buildOutputs({ root })
    const api = outputs.get('packages/client/src/api/generated/api.ts')!
    // info() (a first call) loads nothing more; cat's table is imported on client.cat's first call
    expect(api).toMatch(/api: ['"]info['"]/)
    expect(api).not.toMatch(/api: ['"]cat\.indices['"]/)
    expect(api).toContain("const catEndpoints = endpointChunk(() => import('./cat.endpoints.js'))")
    expect(api).toContain('callChunk(this.#transport, catEndpoints, "indices", params, options)')
    const cat = outputs.get('packages/client/src/api/generated/cat.endpoints.ts')!
    expect(cat).toMatch(/api: ['"]cat\.indices['"]/)
    expect(outputs.has('packages/client/src/api/generated/root.endpoints.ts')).toBe(false)
  })

  it('names namespaces and methods as the official client does', () => {
    const names = namespaces.flatMap((ns) => ns.endpoints.map((e) => e.api))
    expect(names).toEqual(
      expect.arrayContaining(['search', 'indices.putMapping', 'security.createApiKey', 'cat.indices']),
    )
    expect(namespaces.map((n) => n.name)).toEqual(expect.arrayContaining([null, 'asyncSearch', 'searchApplication']))
    expect(camelCase('_internal')).toBe('internal')
  })
  it('takes codegenName and drops deprecated urls', () => {
    const ilm = namespaces.find((n) => n.name === 'ilm')!
    const put = ilm.endpoints.find((e) => e.method === 'putLifecycle')!
    expect(put.spec.urls).toEqual([{ path: '/_ilm/policy/{name}', methods: ['PUT'] }])
    const scroll = namespaces.find((n) => n.name === null)!.endpoints.find((e) => e.method === 'scroll')!
    expect(scroll.spec.urls.map((u) => u.path)).toEqual(['/_search/scroll'])
  })
})

describe('spliceExports', () => {
  it('replaces the generated statement and keeps hand-written lines that sorting moved into the block', () => {
    const source = [
      "export { a } from './a.js'",
      '// <generated-exports>',
      "export { Old } from './api/index.js'",
      "export { Client } from './client.js'",
      '// </generated-exports>',
      '',
    ].join('\n')
    expect(spliceExports(source, "export { New } from './api/index.js'")).toBe(
      [
        "export { a } from './a.js'",
        '// <generated-exports>',
        "export { New } from './api/index.js'",
        "export { Client } from './client.js'",
        '// </generated-exports>',
        '',
      ].join('\n'),
    )
  })
  it('refuses a file without the markers', () => {
    expect(() => spliceExports('export {}\n', 'x')).toThrow(/generated-exports/)
  })
})
