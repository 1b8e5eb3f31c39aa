import { Client, errors } from '@elastic/elasticsearch'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startCluster, type TestCluster } from '../src/index.js'
import { call } from './helpers.js'

let cluster: TestCluster
let agent: Agent
beforeAll(async () => {
  cluster = await startCluster({ nodes: 1, security: false })
  agent = new Agent()
  await call(agent, `${cluster.url}/idx/_doc/1?refresh=true`, { method: 'PUT', body: JSON.stringify({ a: 1 }) })
})
afterAll(async () => {
  await agent.close()
  await cluster.close()
})

function unrecognized(reason: string): unknown {
  return {
    error: {
      root_cause: [{ type: 'illegal_argument_exception', reason }],
      type: 'illegal_argument_exception',
      reason,
    },
    status: 400,
  }
}

describe('query parameters are checked against the endpoint, as Elasticsearch does', () => {
  test('an unknown parameter is a 400 with Elasticsearch body', async () => {
    const res = await call(agent, `${cluster.url}/idx/_search?foo=1`, { method: 'POST', body: '{}' })
    expect(res.status).toBe(400)
    expect(res.text).toBe(
      '{"error":{"root_cause":[{"type":"illegal_argument_exception","reason":"request [/idx/_search] contains unrecognized parameter: [foo]"}],"type":"illegal_argument_exception","reason":"request [/idx/_search] contains unrecognized parameter: [foo]"},"status":400}',
    )
  })

  test('close names get "did you mean", several unknown ones are listed sorted', async () => {
    const one = await call(agent, `${cluster.url}/idx/_search?sizee=3`)
    expect(one.body).toEqual(
      unrecognized('request [/idx/_search] contains unrecognized parameter: [sizee] -> did you mean [size]?'),
    )
    const many = await call(agent, `${cluster.url}/_search/scroll?zzz=1&scrol=1m`, { method: 'POST' })
    expect(many.body).toEqual(
      unrecognized(
        'request [/_search/scroll] contains unrecognized parameters: [scrol] -> did you mean any of [scroll, scroll_id]?, [zzz]',
      ),
    )
    // A _cat parameter belongs to the _cat endpoints only.
    const cat = await call(agent, `${cluster.url}/idx/_doc/1?v=true`)
    expect(cat.body).toEqual(unrecognized('request [/idx/_doc/1] contains unrecognized parameter: [v]'))
  })

  test('the common parameters and the endpoint own ones pass everywhere', async () => {
    const common = 'pretty=true&human=true&error_trace=false&filter_path=hits.total'
    const search = await call(
      agent,
      `${cluster.url}/idx/_search?${common}&size=1&track_total_hits=true&typed_keys=true`,
    )
    expect(search.status).toBe(200)
    expect(search.body).toEqual({ hits: { total: { value: 1, relation: 'eq' } } })
    const cat = await call(agent, `${cluster.url}/_cat/indices?v=true&format=json&h=index&${common}`)
    expect(cat.status).toBe(200)
    const doc = await call(agent, `${cluster.url}/idx/_doc/2?refresh=wait_for&routing=r&timeout=1m&${common}`, {
      method: 'PUT',
      body: '{"a":2}',
    })
    expect(doc.status).toBe(201)
    expect((await call(agent, `${cluster.url}/_nodes/_all/http?timeout=30s`)).status).toBe(200)
  })

  test('the official client sees a ResponseError naming the parameter', async () => {
    const client = new Client({ node: cluster.url })
    try {
      const error = await client.search({ index: 'idx', querystring: { bogus: 'x' } }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(errors.ResponseError)
      expect((error as errors.ResponseError).statusCode).toBe(400)
      expect((error as errors.ResponseError).message).toContain(
        'request [/idx/_search] contains unrecognized parameter: [bogus]',
      )
    } finally {
      await client.close()
    }
  })
})
