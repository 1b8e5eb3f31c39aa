// Stretch's own cost per call, without I/O: the client's API and transport over a connection that answers from
// memory, against the work no client can skip (serializing the request body, decoding and parsing the response).
// Nearly free of the network and scheduler noise of a shared machine.
import { ApiClient } from '@stretch/client'
import { type Connection, Transport, type TransportResponse } from '@stretch/transport'
import {
  bulkOperations,
  bulkResponse,
  checkBulk,
  checkInfo,
  checkSearch,
  indexName,
  infoResponse,
  searchQuery,
  searchResponse,
} from './fixtures.js'
import type { Operation, OverheadJob, OverheadReply, OverheadRow } from './protocol.js'

const responseHeaders = { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' }

function median(values: number[]): number {
  values.sort((a, b) => a - b)
  return values[values.length >> 1] as number
}

async function cpuNsPerCall(fn: () => Promise<unknown>, iterations: number): Promise<number> {
  const start = process.cpuUsage()
  for (let i = 0; i < iterations; i++) await fn()
  const used = process.cpuUsage(start)
  return ((used.user + used.system) * 1000) / iterations
}

async function run(job: OverheadJob): Promise<OverheadRow[]> {
  const bodies: Record<Operation, Buffer> = {
    info: Buffer.from(JSON.stringify(infoResponse)),
    search: Buffer.from(JSON.stringify(searchResponse)),
    bulk: Buffer.from(JSON.stringify(bulkResponse(1000))),
  }
  let answer = bodies.info
  const connection = (): Connection => ({
    request: async (): Promise<TransportResponse> => ({ statusCode: 200, headers: responseHeaders, body: answer }),
    close: async () => {},
  })
  const client = new ApiClient(new Transport({ nodes: ['http://127.0.0.1:9200'], connection }))
  const operations = bulkOperations()
  const ndjson = (): string => {
    let out = ''
    for (const op of operations) out += `${JSON.stringify(op)}\n`
    return out
  }
  const cases: Record<Operation, readonly [() => Promise<unknown>, () => Promise<unknown>, (b: unknown) => void]> = {
    info: [async () => JSON.parse(bodies.info.toString('utf8')), () => client.info(), checkInfo],
    search: [
      async () => {
        // A string, as Stretch hands it to the connection (the socket encodes it, for every client alike).
        JSON.stringify({ query: searchQuery })
        return JSON.parse(bodies.search.toString('utf8'))
      },
      () => client.search({ index: indexName, query: searchQuery }),
      checkSearch,
    ],
    bulk: [
      async () => {
        ndjson()
        return JSON.parse(bodies.bulk.toString('utf8'))
      },
      () => client.bulk({ operations }),
      checkBulk,
    ],
  }
  const rows: OverheadRow[] = []
  for (const operation of ['info', 'search', 'bulk'] as const) {
    answer = bodies[operation]
    const [floor, stretch, check] = cases[operation]
    check(await floor())
    check(await stretch())
    const iterations = operation === 'bulk' ? Math.ceil(job.iterations / 200) : job.iterations
    const floorNs: number[] = []
    const stretchNs: number[] = []
    // Alternate, warm-up included: the median of three of each.
    await cpuNsPerCall(floor, iterations)
    await cpuNsPerCall(stretch, iterations)
    for (let round = 0; round < 3; round++) {
      floorNs.push(await cpuNsPerCall(floor, iterations))
      stretchNs.push(await cpuNsPerCall(stretch, iterations))
    }
    rows.push({ operation, iterations, floorNs: median(floorNs), stretchNs: median(stretchNs) })
  }
  return rows
}

// Never outlive the runner (a crashed or killed bench closes the IPC channel).
process.once('disconnect', () => process.exit(1))

process.once('message', (job: OverheadJob) => {
  run(job).then(
    (rows) => process.send?.({ type: 'result', rows } satisfies OverheadReply, () => process.exit(0)),
    (error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
      process.send?.({ type: 'error', message } satisfies OverheadReply, () => process.exit(1))
    },
  )
})
