import type { NodeSelectorFunction, PoolNode } from '@stretch/transport'

/**
 * Creates a round-robin selector: each request goes to the living node that follows, in the pool's order, the node
 * the previous request went to.
 *
 * The rotation is kept as a position in the whole node list, not as an index into the list of living nodes. A
 * counter modulo the number of living nodes would shift every node by one when a node dies or comes back, so one
 * node would be skipped twice in a row and another one chosen twice; here a node that dies is simply passed over
 * and a node that comes back takes its old place in the rotation. Over N requests to k living nodes, each node
 * gets N/k requests, plus or minus one.
 *
 * Each call creates its own rotation: give each client (or each group of nodes, see the README) its own selector.
 *
 * @returns A selector for the `nodeSelector` option of the client or the `selector` option of a `Transport`.
 * @example
 * ```ts
 * import { Transport } from '@stretch/transport'
 * import { undiciConnection } from '@stretch/connection-undici'
 * import { roundRobinSelector } from '@stretch/pool-round-robin'
 *
 * const transport = new Transport({
 *   nodes: ['http://es1:9200', 'http://es2:9200', 'http://es3:9200'],
 *   connection: undiciConnection(),
 *   selector: roundRobinSelector(),
 * })
 * ```
 * @public
 */
export function roundRobinSelector(): NodeSelectorFunction {
  // Node ids in the order the pool lists them, living or not. A node keeps its place while it is dead, so the
  // rotation can resume right after a node that is no longer a candidate.
  let ring: string[] = []
  let positions = new Map<string, number>()
  let last: string | undefined
  // The most candidates seen at once: about the size of the cluster.
  let peak = 0

  const reindex = (from: number): void => {
    for (let i = from; i < ring.length; i++) positions.set(ring[i] as string, i)
  }

  // Places the candidates we have not seen yet right after the candidate that precedes them in the pool's order.
  const learn = (nodes: readonly PoolNode[]): void => {
    let previous = -1
    for (const node of nodes) {
      let position = positions.get(node.id)
      if (position === undefined) {
        position = previous + 1
        ring.splice(position, 0, node.id)
        reindex(position)
      }
      previous = position
    }
  }

  return (nodes) => {
    // Nodes that sniffing removed stay in the ring; forget them once they far outnumber the nodes of the cluster.
    if (nodes.length > peak) peak = nodes.length
    if (ring.length > 2 * peak + 32) {
      peak = nodes.length
      ring = []
      positions = new Map()
    }
    learn(nodes)
    const size = ring.length
    const after = last === undefined ? -1 : (positions.get(last) ?? -1)
    let chosen = nodes[0] as PoolNode
    let best = Number.POSITIVE_INFINITY
    for (const node of nodes) {
      // Distance, going forward around the ring, from the last chosen node: the nearest candidate is next.
      const distance = ((positions.get(node.id) as number) - after - 1 + size) % size
      if (distance < best) {
        best = distance
        chosen = node
      }
    }
    last = chosen.id
    return chosen
  }
}
