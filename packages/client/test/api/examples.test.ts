// Elastic's own examples: every JavaScript example of the specification (written for @elastic/elasticsearch, as
// `const response = await client.xxx({...});`) runs through the official client and through this one, each against
// its own recording server; both must send the same requests (method, path, query string, body, and a content-type
// whenever there is a body). The examples come from tools/codegen/spec/js-examples.json, extracted from the
// specification's schema.json by `pnpm --filter @stretch/codegen run examples`. Of the 762, the official client sends
// a request for 751, all compared; the other 11 are listed below.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { Client as OfficialClient } from '@elastic/elasticsearch'
import { startServer, type TestServer } from '@stretch/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '../../src/index.js'
import { elasticsearchLike, parseRecorded } from './spec-data.js'

interface JsExample {
  readonly endpoint: string
  readonly id: string
  readonly request: string
  readonly body?: string
  readonly code: string
}

const fixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../../tools/codegen/spec/js-examples.json', import.meta.url)), 'utf8'),
) as { count: number; examples: JsExample[] }
const examples = fixture.examples
const label = (e: JsExample): string => `${e.endpoint} ${e.id}`

/** A request as compared: the differential test's parse, plus whether a body came with a content-type. */
interface Sent {
  readonly method: string
  readonly path: string
  readonly query: Record<string, string>
  readonly body: unknown
  readonly contentType?: boolean
}

interface Outcome {
  readonly sent: readonly Sent[]
  /** What the example threw, if it did (after sending or before). */
  readonly error?: string
}

type Run = (client: unknown) => Promise<unknown>
const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => Run

/** The example's `method_request` line and body as a request, for examples the official client cannot run. */
function asSpecWritesIt(example: JsExample): Sent {
  const [method, target] = example.request.split(' ') as [string, string]
  const url = new URL(target.startsWith('/') ? target : `/${target}`, 'http://localhost')
  const query: Record<string, string> = {}
  for (const [k, v] of url.searchParams) query[k] = v
  const body = example.body === undefined ? undefined : (JSON.parse(example.body) as unknown)
  return { method, path: url.pathname, query, body, ...(body === undefined ? {} : { contentType: true }) }
}

function sentBy(server: TestServer, from: number): Sent[] {
  return server.requests.slice(from).map((r) => {
    const parsed = parseRecorded(r)
    return parsed.body === undefined
      ? parsed
      : { ...parsed, contentType: typeof r.headers['content-type'] === 'string' && r.headers['content-type'] !== '' }
  })
}

async function run(client: unknown, server: TestServer, example: JsExample): Promise<Outcome> {
  const from = server.requests.length
  try {
    await new AsyncFunction('client', example.code)(client)
    return { sent: sentBy(server, from) }
  } catch (error) {
    return {
      sent: sentBy(server, from),
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    }
  }
}

let theirs: TestServer
let ours: TestServer
let official: OfficialClient
let stretch: Client
const results = new Map<JsExample, { theirs: Outcome; ours: Outcome }>()

beforeAll(async () => {
  theirs = await startServer(elasticsearchLike)
  ours = await startServer(elasticsearchLike)
  official = new OfficialClient({ node: theirs.url, maxRetries: 0 })
  stretch = new Client({ node: ours.url, maxRetries: 0 })
  // One after the other: each example's requests are the ones its server saw since it started.
  for (const example of examples) {
    results.set(example, { theirs: await run(official, theirs, example), ours: await run(stretch, ours, example) })
  }
}, 120_000)
afterAll(async () => {
  await official.close()
  await stretch.close()
  await theirs.close()
  await ours.close()
})

/**
 * Examples the official client sends nothing for, with what it threw: APIs of the 9.5 specification that 9.4.3 does
 * not have yet. Listed here rather than hidden; each is checked against the request the specification writes instead.
 */
const notSentByOfficial: readonly string[] = [
  "encryption.reset EncryptionResetRequestExample1: TypeError: Cannot read properties of undefined (reading 'reset')",
  'esql.delete_data_source DeleteDataSourceRequestExample1: TypeError: client.esql.deleteDataSource is not a function',
  'esql.delete_dataset DeleteDatasetRequestExample1: TypeError: client.esql.deleteDataset is not a function',
  'esql.get_data_source GetDataSourceRequestExample1: TypeError: client.esql.getDataSource is not a function',
  'esql.get_data_source GetDataSourceRequestExample2: TypeError: client.esql.getDataSource is not a function',
  'esql.get_dataset GetDatasetRequestExample1: TypeError: client.esql.getDataset is not a function',
  'esql.get_dataset GetDatasetRequestExample2: TypeError: client.esql.getDataset is not a function',
  'esql.put_data_source PutDataSourceRequestExample1: TypeError: client.esql.putDataSource is not a function',
  'esql.put_dataset PutDatasetRequestExample1: TypeError: client.esql.putDataset is not a function',
  'inference.put_region_policy PutRegionPolicyRequestExample1: TypeError: client.inference.putRegionPolicy is not a function',
  'inference.put_region_policy PutRegionPolicyRequestExample2: TypeError: client.inference.putRegionPolicy is not a function',
]

describe('the JavaScript examples of the specification', () => {
  it('are all in the fixture', () => {
    expect(examples).toHaveLength(fixture.count)
    expect(examples.length).toBe(762)
  })

  it('send what the official client sends: every example it sends a request for is compared', () => {
    const compared = examples.filter((e) => results.get(e)!.theirs.sent.length > 0)
    const notCompared = examples
      .filter((e) => results.get(e)!.theirs.sent.length === 0)
      .map((e) => `${label(e)}: ${results.get(e)!.theirs.error ?? 'sent nothing'}`)
    expect(notCompared).toEqual(notSentByOfficial)
    expect(compared).toHaveLength(751)
    const mismatching = compared
      .filter((e) => {
        const r = results.get(e)!
        return !isDeepStrictEqual(r.ours.sent, r.theirs.sent)
      })
      .map((e) => `${label(e)}${results.get(e)!.ours.error === undefined ? '' : ` (${results.get(e)!.ours.error})`}`)
    expect(mismatching).toEqual([])
  })

  it.each(examples.map((e) => [label(e), e] as const))('%s', (_, example) => {
    const { theirs: expected, ours: actual } = results.get(example)!
    if (expected.sent.length === 0) {
      // APIs newer than the official client (listed above): the request the specification writes next to the
      // example stands in for it.
      expect(actual.sent).toEqual([asSpecWritesIt(example)])
      return
    }
    expect(actual.sent).toEqual(expected.sent)
  })
})
