// The corrections layer (src/types/corrections.ts): each operation widens the model where the specification is
// narrower than what Elasticsearch sends, on the type it names only, and a correction that no longer applies fails.
import { describe, expect, it } from 'vitest'
import {
  applyCorrections,
  type Correction,
  emitTypes,
  kCorrections,
  loadSchema,
  type Schema,
  type TypeDefinition,
} from '../src/index.js'

const ref = (namespace: string, name: string) => ({ kind: 'instance_of', type: { namespace, name } }) as const
const str = ref('_builtins', 'string')
const model = (types: TypeDefinition[]): Schema => ({ _info: {}, endpoints: [], types })
const emitted = (schema: Schema): string =>
  emitTypes(schema, new Map(), '// test').replace(/[ \t]*\/\*\*[\s\S]*?\*\/\n/g, '')

const base: TypeDefinition[] = [
  {
    kind: 'interface',
    name: { namespace: '_types', name: 'Acknowledged' },
    properties: [{ name: 'acknowledged', type: ref('_builtins', 'boolean'), required: true }],
  },
  {
    kind: 'interface',
    name: { namespace: 'x', name: 'Status' },
    properties: [
      { name: 'cancelled', type: str, required: false },
      { name: 'node', type: str, required: false },
      { name: 'load', type: str, required: true },
    ],
  },
  { kind: 'enum', name: { namespace: 'x', name: 'Kind' }, members: [{ name: 'restart' }] },
  {
    kind: 'response',
    name: { namespace: 'x.delete', name: 'Response' },
    body: { kind: 'value', value: ref('_types', 'Acknowledged') },
  },
  {
    kind: 'request',
    name: { namespace: 'x.create', name: 'Request' },
    path: [],
    query: [],
    body: { kind: 'value', value: ref('x', 'Status'), codegenName: 'status' },
  },
]
const reason = 'test'

describe('applyCorrections', () => {
  it('widens each type as the corrections say, and leaves the model it was given alone', () => {
    const schema = model(structuredClone(base))
    const before = JSON.stringify(schema)
    const corrections: Correction[] = [
      { type: 'x:Status', op: 'rename-property', property: 'cancelled', to: 'canceled', reason },
      { type: 'x:Status', op: 'add-alias', property: 'node', alias: 'name', reason },
      { type: 'x:Status', op: 'widen-property', property: 'load', extra: ref('_builtins', 'null'), reason },
      { type: 'x:Kind', op: 'add-members', members: ['RESTART'], reason },
      { type: 'x.create:Request', op: 'nullable-body', reason },
      { type: 'x.delete:Response', op: 'add-property', property: 'task', value: str, description: 'The task.', reason },
      { type: 'x.delete:Response', op: 'optional', property: 'acknowledged', reason },
    ]
    const out = emitted(applyCorrections(schema, corrections))
    expect(JSON.stringify(schema)).toBe(before)
    expect(out).toContain(
      'export interface XStatus {\n  canceled?: string\n  node?: string\n  name?: string\n  load: string | null\n}',
    )
    expect(out).toContain("export type XKind = 'restart' | 'RESTART'")
    expect(out).toContain('status: XStatus | null')
    // The response gets its own interface; the shared one is not widened.
    expect(out).toContain('export interface XDeleteResponse {\n  acknowledged?: boolean\n  task?: string\n}')
    expect(out).toContain('export interface Acknowledged {\n  acknowledged: boolean\n}')
  })

  it('adds a type and gives a property its type, or extra keys to an interface', () => {
    const out = emitted(
      applyCorrections(model(structuredClone(base)), [
        {
          type: 'x:Usage',
          op: 'add-type',
          description: 'Usage.',
          properties: [{ name: 'indices', type: { kind: 'array_of', value: str }, required: true }],
          reason,
        },
        { type: 'x:Status', op: 'set-property-type', property: 'node', value: ref('x', 'Usage'), reason },
        { type: '_types:Acknowledged', op: 'additional-properties', value: { kind: 'array_of', value: str }, reason },
      ]),
    )
    expect(out).toContain('export interface XUsage {\n  indices: string[]\n}')
    expect(out).toContain('  node?: XUsage\n')
    expect(out).toContain(
      'export type Acknowledged = AcknowledgedKeys & { [property: string]: string[] | AcknowledgedKeys[keyof AcknowledgedKeys] }',
    )
  })

  it('adds a type that extends another, and a member to a union', () => {
    const types: TypeDefinition[] = [
      ...structuredClone(base),
      {
        kind: 'type_alias',
        name: { namespace: 'x', name: 'Any' },
        type: { kind: 'union_of', items: [ref('x', 'Status')] },
      },
    ]
    const corrected = applyCorrections(model(types), [
      {
        type: 'x:Loaded',
        op: 'add-type',
        description: 'Loaded.',
        inherits: { type: 'x:Status' },
        variantName: 'loaded',
        properties: [{ name: 'weight', type: str, required: true }],
        reason,
      },
      { type: 'x:Any', op: 'add-union-member', member: ref('x', 'Loaded'), reason },
    ])
    const out = emitted(corrected)
    expect(out).toContain('export interface XLoaded extends XStatus {\n  weight: string\n}')
    expect(out).toContain('export type XAny = XStatus | XLoaded')
    expect(corrected.types.find((t) => t.name.name === 'Loaded')).toMatchObject({ variantName: 'loaded' })
    const apply = (c: Correction) => () => applyCorrections(model(structuredClone(types)), [c])
    expect(
      apply({
        type: 'x:Orphan',
        op: 'add-type',
        description: 'd',
        inherits: { type: 'x:Gone' },
        properties: [],
        reason,
      }),
    ).toThrow(/no such parent/)
    expect(apply({ type: 'x:Any', op: 'add-union-member', member: ref('x', 'Status'), reason })).toThrow(/has it now/)
    expect(apply({ type: 'x:Status', op: 'add-union-member', member: ref('x', 'Status'), reason })).toThrow(
      /not a union/,
    )
  })

  it('fails on a correction that no longer applies', () => {
    const apply = (c: Correction) => () => applyCorrections(model(structuredClone(base)), [c])
    expect(apply({ type: 'x:Gone', op: 'optional', property: 'a', reason })).toThrow(/x:Gone.*no such type/)
    expect(apply({ type: 'x:Status', op: 'optional', property: 'gone', reason })).toThrow(/no such property/)
    expect(
      apply({ type: 'x:Status', op: 'add-property', property: 'node', value: str, description: 'd', reason }),
    ).toThrow(/has it now/)
    expect(apply({ type: 'x:Status', op: 'optional', property: 'node', reason })).toThrow(/optional already/)
    expect(apply({ type: 'x:Kind', op: 'add-members', members: ['restart'], reason })).toThrow(/member already/)
    expect(apply({ type: 'x:Status', op: 'rename-property', property: 'cancelled', to: 'node', reason })).toThrow(
      /has it now/,
    )
  })
})

describe('the corrections of the committed model', () => {
  const schema = loadSchema(new URL('../spec', import.meta.url).pathname)
  it('all apply, each with its reason', () => {
    expect(() => applyCorrections(schema)).not.toThrow()
    expect(kCorrections.filter((c) => c.reason.length < 40)).toEqual([])
  })
  it('widen the types Elasticsearch sends wider than the specification, and only those', () => {
    const out = emitted(applyCorrections(schema))
    // The model as the spec has it, but for the aggregates it lacks (without them no rule says what categorize_text
    // and bucket_count_ks_test send, and the generator fails).
    const plain = emitted(
      applyCorrections(
        schema,
        kCorrections.filter((c) => c.type.startsWith('_types.aggregations:')),
      ),
    )
    expect(out).toMatch(/export interface ReindexStatus \{[^}]*\n {2}canceled\?: string\n/)
    expect(plain).toMatch(/export interface ReindexStatus \{[^}]*\n {2}cancelled\?: string\n/)
    expect(out).toContain("'restart' | 'REMOVE' | 'RESTART' | 'REPLACE' | 'SIGTERM'")
    // A shared type stays as the specification has it: the correction is on the property that needs it.
    expect(out).toContain('export type Routing = string | string[]\n')
    expect(out).toMatch(/export interface MlDeleteJobResponse \{\n {2}acknowledged\?: boolean\n {2}task\?: TaskId\n\}/)
    expect(out).toMatch(/export interface AcknowledgedResponseBase \{\n {2}acknowledged: boolean\n\}/)
  })
})
