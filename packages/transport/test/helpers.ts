import type {
  Clock,
  Connection,
  ConnectionFactory,
  NodeDescription,
  TransportRequest,
  TransportResponse,
} from '../src/index.js'
import { ConnectionError, TimeoutError } from '../src/index.js'

/** What a stub node does with one attempt. */
export type Script = (
  request: TransportRequest,
  node: NodeDescription,
) => TransportResponse | Error | Promise<TransportResponse | Error>

export interface Sent {
  readonly node: string
  readonly request: TransportRequest
}

/** A stub of our own Connection interface: answers by script, records what was sent. */
export function stubConnections(script: Script): { factory: ConnectionFactory; sent: Sent[]; closed: string[] } {
  const sent: Sent[] = []
  const closed: string[] = []
  const factory: ConnectionFactory = (node) => {
    const connection: Connection = {
      async request(request) {
        sent.push({ node: node.id, request })
        const outcome = await script(request, node)
        if (outcome instanceof Error) throw outcome
        return outcome
      },
      async close() {
        closed.push(node.id)
      },
    }
    return connection
  }
  return { factory, sent, closed }
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): TransportResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch', ...headers },
    body: Buffer.from(JSON.stringify(body)),
  }
}

export const refused = (): ConnectionError => new ConnectionError('connect ECONNREFUSED', { requestSent: false })
export const resetAfterWrite = (): ConnectionError => new ConnectionError('socket closed', { requestSent: true })
export const timedOut = (): TimeoutError => new TimeoutError('no answer within requestTimeout')
export const timedOutConnecting = (): TimeoutError =>
  new TimeoutError('connecting to a:9200 timed out after 300 ms (requestTimeout)', { requestSent: false })

/** A clock that records sleeps and advances instantly. */
export function fakeClock(): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = 1000
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    advance(ms) {
      now += ms
    },
    async sleep(ms) {
      sleeps.push(ms)
      now += ms
    },
  }
}

/** The rejection of `promise`; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}
