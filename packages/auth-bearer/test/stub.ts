import {
  type Connection,
  createNodePool,
  type Handler,
  isConfigurationError,
  type PoolNode,
  type TransportRequest,
} from '@stretch/transport'
import { expect } from 'vitest'

const unusedConnection: Connection = {
  request: () => Promise.reject(new Error('the stub handler answers, not the connection')),
  close: () => Promise.resolve(),
}

/** Two real pool nodes whose connections are never used: the stub handler answers. */
export const nodes: readonly PoolNode[] = createNodePool({
  nodes: ['https://node-1.example:9200', 'https://node-2.example:9200'],
  connection: () => unusedConnection,
}).nodes

/** One attempt as the transport would build it. */
export function request(headers: Record<string, string> = {}, attempt = 1): TransportRequest {
  return {
    method: 'GET',
    path: '/',
    headers: { accept: 'application/json', ...headers },
    body: undefined,
    node: nodes[attempt === 1 ? 0 : 1]!,
    attempt,
    signal: undefined,
    timeout: undefined,
  }
}

/** A terminal handler that records what it was sent and answers 200. */
export function recorder(): { handler: Handler; seen: TransportRequest[] } {
  const seen: TransportRequest[] = []
  const handler: Handler = async (r) => {
    seen.push(r)
    return { statusCode: 200, headers: {}, body: new Uint8Array() }
  }
  return { handler, seen }
}

/** Runs `fn`, expects a ConfigurationError and returns it. */
export function configurationError(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    expect(isConfigurationError(error)).toBe(true)
    return error as Error
  }
  throw new Error('expected a ConfigurationError')
}
