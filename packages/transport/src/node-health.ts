import { isConnectionError, isTimeoutError } from './errors.js'
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

/**
 * True for a failure that says the node could not be reached: a connection error, or a timeout that ran out before
 * the request was written (the node never finished connecting). A timeout while waiting for an answer is not one:
 * a slow search says nothing about the node's health (elasticsearch-js#1271).
 * @internal
 */
export function isUnreachable(failure: unknown): boolean {
  return isConnectionError(failure) || (isTimeoutError(failure) && failure.requestSent === false)
}
