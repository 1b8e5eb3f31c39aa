import {
  type Connection,
  createNodePool,
  type NodeOptions,
  type NodePool,
  type NodeSelector,
  type PoolNode,
} from '@stretch/transport'

/** A connection that is never used: these tests only route. */
const idle: Connection = {
  request: () => Promise.reject(new Error('not used')),
  close: () => Promise.resolve(),
}

/** A manual clock for the pool's dead-node backoff. */
export interface ManualClock {
  now(): number
  advance(ms: number): void
}

export function manualClock(): ManualClock {
  let t = 0
  return {
    now: () => t,
    advance: (ms) => {
      t += ms
    },
  }
}

/** A real pool (from @stretch/transport) over idle connections. */
export function pool(
  nodes: readonly (NodeOptions | string)[],
  selector: NodeSelector,
  clock: ManualClock = manualClock(),
): NodePool {
  return createNodePool({ nodes, connection: () => idle, selector, clock, deadNodeBackoff: 1000 })
}

/** Routes `n` GET requests and returns the chosen node ids in order. */
export function route(
  p: NodePool,
  n: number,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' = 'GET',
  path = '/_search',
): string[] {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push(p.select({ method, path, attempt: 1 }).id)
  return out
}

export function counts(ids: readonly string[]): Record<string, number> {
  const c: Record<string, number> = {}
  for (const id of ids) c[id] = (c[id] ?? 0) + 1
  return c
}

export function byId(p: NodePool, id: string): PoolNode {
  const node = p.nodes.find((n) => n.id === id)
  if (node === undefined) throw new Error(`no node ${id}`)
  return node
}
