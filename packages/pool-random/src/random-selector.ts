import { ConfigurationError, type NodeSelectorFunction, type PoolNode } from '@stretch/transport'

/**
 * Options of {@link randomSelector}.
 * @public
 */
export interface RandomSelectorOptions {
  /**
   * A source of numbers in [0, 1), like `Math.random` (the default). Inject a seeded generator to make routing
   * reproducible in tests.
   */
  readonly random?: (() => number) | undefined
}

/**
 * Creates a selector that picks one of the living nodes at random, each with the same chance.
 *
 * Random selection needs no shared state, so many clients (or processes) that start at the same moment do not all
 * begin with the same node, as they would with a round robin.
 *
 * @param options - the random source.
 * @returns A selector for the `nodeSelector` option of the client or the `selector` option of a `Transport`.
 * @example
 * ```ts
 * import { Transport } from '@stretch/transport'
 * import { undiciConnection } from '@stretch/connection-undici'
 * import { randomSelector } from '@stretch/pool-random'
 *
 * const transport = new Transport({
 *   nodes: ['http://es1:9200', 'http://es2:9200', 'http://es3:9200'],
 *   connection: undiciConnection(),
 *   selector: randomSelector(),
 * })
 * ```
 * @public
 */
export function randomSelector(options: RandomSelectorOptions = {}): NodeSelectorFunction {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('randomSelector: options must be an object, such as { random: Math.random }')
  }
  const random = options.random ?? Math.random
  if (typeof random !== 'function') {
    throw new ConfigurationError(
      'randomSelector: `random` must be a function returning a number in [0, 1), like Math.random',
    )
  }
  return (nodes) => {
    const r = random()
    // A faulty source (1, a negative number, NaN) must still yield a node, never undefined.
    const index = r >= 0 && r < 1 ? Math.floor(r * nodes.length) : r >= 1 ? nodes.length - 1 : 0
    return nodes[index] as PoolNode
  }
}
