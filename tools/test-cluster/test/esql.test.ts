import { tableFromIPC } from 'apache-arrow'
import { type Agent, request } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startCluster, type TestCluster } from '../src/index.js'
import { agentFor, basic, call } from './helpers.js'

let cluster: TestCluster
let agent: Agent
let auth: string
beforeAll(async () => {
  cluster = await startCluster({ nodes: 1 })
  agent = agentFor(cluster)
  auth = basic('elastic', cluster.password)
  const lines = [
    { index: { _index: 'people', _id: '1' } },
    { name: 'Ada', age: 36, score: 9.5, admin: true, address: { city: 'London' } },
    { index: { _index: 'people', _id: '2' } },
    { name: 'Alan', age: 41, score: 8.25, admin: false },
    { index: { _index: 'people', _id: '3' } },
    { name: 'Grace', age: 85, admin: true, born: '1906-12-09T00:00:00Z' },
  ]
  const body = `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`
  const res = await call(agent, `${cluster.url}/_bulk`, {
    method: 'POST',
    auth,
    body,
    headers: { 'content-type': 'application/x-ndjson' },
  })
  expect(res.status).toBe(200)
})
afterAll(async () => {
  await agent.close()
  await cluster.close()
})

const query = (q: unknown, params = '') =>
  call(agent, `${cluster.url}/_query${params}`, { method: 'POST', auth, body: JSON.stringify({ query: q }) })

describe('ES|QL (POST /_query)', () => {
  test('format=arrow answers Arrow IPC (stream), typed columns as Elasticsearch maps them, nulls kept', async () => {
    const res = await request(`${cluster.url}/_query?format=arrow`, {
      dispatcher: agent,
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'FROM people | SORT age | KEEP name, age, score, admin, born' }),
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/vnd.apache.arrow.stream')
    const table = tableFromIPC(new Uint8Array(await res.body.arrayBuffer()))
    expect(table.schema.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual([
      ['name', 'Utf8', true],
      ['age', 'Int64', true],
      ['score', 'Float64', true],
      ['admin', 'Bool', true],
      ['born', 'Timestamp<MILLISECOND>', true],
    ])
    expect(table.toArray().map((row) => row.toJSON())).toEqual([
      { name: 'Ada', age: 36n, score: 9.5, admin: true, born: null },
      { name: 'Alan', age: 41n, score: 8.25, admin: false, born: null },
      { name: 'Grace', age: 85n, score: null, admin: true, born: Date.parse('1906-12-09T00:00:00Z') },
    ])
  })

  test('format=arrow: a bad query is the same JSON error as without', async () => {
    const res = await query('FROM people | NOPE', '?format=arrow')
    expect(res.status).toBe(400)
    expect(res.body.error.type).toBe('parsing_exception')
  })

  test('FROM answers every column (flattened, sorted, typed) and every row, null where a field is missing', async () => {
    const res = await query('FROM people | SORT age')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      took: 1,
      is_partial: false,
      columns: [
        { name: 'address.city', type: 'keyword' },
        { name: 'admin', type: 'boolean' },
        { name: 'age', type: 'long' },
        { name: 'born', type: 'date' },
        { name: 'name', type: 'keyword' },
        { name: 'score', type: 'double' },
      ],
      values: [
        ['London', true, 36, null, 'Ada', 9.5],
        [null, false, 41, null, 'Alan', 8.25],
        [null, true, 85, '1906-12-09T00:00:00Z', 'Grace', null],
      ],
    })
  })

  test('WHERE, KEEP, SORT DESC and LIMIT', async () => {
    const res = await query('FROM people | WHERE admin == true | KEEP name, age | SORT age DESC | LIMIT 1')
    expect(res.body).toMatchObject({
      columns: [
        { name: 'name', type: 'keyword' },
        { name: 'age', type: 'long' },
      ],
      values: [['Grace', 85]],
    })
  })

  test("Elasticsearch's errors: a parse error, an unknown column, a missing index, no query", async () => {
    const bad = await query('FROM people | EVAL x = 1')
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({
      error: { type: 'parsing_exception', reason: 'line 1:14: unknown command [EVAL]' },
    })
    const column = await query('FROM people | KEEP nope')
    expect(column.body).toMatchObject({ status: 400, error: { type: 'verification_exception' } })
    const missing = await query('FROM nowhere')
    expect(missing.body).toMatchObject({ status: 404, error: { type: 'index_not_found_exception' } })
    const none = await query(undefined)
    expect(none.body).toMatchObject({ status: 400, error: { type: 'action_request_validation_exception' } })
    const csv = await query('FROM people', '?format=csv')
    expect(csv.status).toBe(400)
  })
})
