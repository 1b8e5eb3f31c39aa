import type { NodePool, PoolNode } from './types.js'

/**
 * Node health after one attempt, in the pool's terms: a connection error or a 502, 503 or 504 marks the node dead
 * (returns true, so discovery hears of it); any other answer brings a failing node back.
 * @param statusCode - the answer's status, or undefined after a connection error.
 * @internal
 */
export function recordHealth(pool: NodePool, node: PoolNode, statusCode: number | undefined): boolean {
  if (statusCode === undefined || statusCode === 502 || statusCode === 503 || statusCode === 504) {
    pool.markDead(node)
    return true
  }
  if (!node.alive || node.failures > 0) pool.markAlive(node)
  return false
}
