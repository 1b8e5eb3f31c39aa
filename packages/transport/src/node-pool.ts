import { ConfigurationError, NoLivingNodesError } from './errors.js'
import { describeNode, Node } from './node.js'
import { checkNumber, type NumberRule } from './number-option.js'
import type {
  Clock,
  ConnectionFactory,
  NodeDescription,
  NodeOptions,
  NodePool,
  NodeSelector,
  NodeSelectorFunction,
  PoolNode,
  SelectContext,
} from './types.js'

/**
 * Options of {@link createNodePool}.
 * @public
 */
export interface NodePoolOptions {
  /** The seed nodes; at least one. */
  readonly nodes: readonly (NodeOptions | NodeDescription | string | URL)[]
  /** Creates each node's connection. */
  readonly connection: ConnectionFactory
  /** Picks among living nodes. Without one, the first living node in order is used. */
  readonly selector?: NodeSelector | undefined
  /** First dead-node backoff in milliseconds. Default 1 000. */
  readonly deadNodeBackoff?: number | undefined
  /** Longest dead-node backoff in milliseconds. Default 30 000. */
  readonly maxDeadNodeBackoff?: number | undefined
  /** The clock; defaults to `performance.now()`. */
  readonly clock?: Pick<Clock, 'now'> | undefined
  /** Called when a node changes state (for diagnostics). */
  readonly onStateChange?: ((node: PoolNode, alive: boolean) => void) | undefined
}

const firstLiving: NodeSelectorFunction = (nodes) => nodes[0] as PoolNode

function toSelectorFunction(selector: NodeSelector | undefined): NodeSelectorFunction {
  if (selector === undefined) return firstLiving
  if (typeof selector === 'function') return selector
  if (selector !== null && typeof selector === 'object' && typeof selector.select === 'function') {
    return (nodes, context) => selector.select(nodes, context)
  }
  throw new ConfigurationError('nodeSelector: must be a function or an object with a select(nodes, context) method')
}

const kMs: NumberRule = { unit: 'milliseconds' }

class DefaultNodePool implements NodePool {
  #nodes: Node[]
  /** Every node this pool created (removed ones too, while someone holds them): a foreign node is never cast. */
  readonly #own = new WeakMap<PoolNode, Node>()
  #living: Node[]
  readonly #select: NodeSelectorFunction
  readonly #factory: ConnectionFactory
  readonly #base: number
  readonly #max: number
  readonly #now: () => number
  readonly #onStateChange: ((node: PoolNode, alive: boolean) => void) | undefined
  #closed = false

  constructor(options: NodePoolOptions) {
    if (!Array.isArray(options.nodes) || options.nodes.length === 0) {
      throw new ConfigurationError("nodes: give at least one node, such as 'https://localhost:9200'")
    }
    this.#select = toSelectorFunction(options.selector)
    this.#factory = options.connection
    this.#base = checkNumber('deadNodeBackoff', options.deadNodeBackoff, kMs) ?? 1000
    this.#max = checkNumber('maxDeadNodeBackoff', options.maxDeadNodeBackoff, kMs) ?? 30_000
    const clock = options.clock
    this.#now = clock === undefined ? () => performance.now() : () => clock.now()
    this.#onStateChange = options.onStateChange
    const seen = new Set<string>()
    const descriptions = options.nodes.map((n, i) => {
      const d = describeNode(n as NodeOptions, options.nodes.length === 1 ? 'node' : `nodes[${i}]`)
      if (seen.has(d.id)) throw new ConfigurationError(`nodes[${i}]: '${d.id}' is listed twice`)
      seen.add(d.id)
      return d
    })
    this.#nodes = descriptions.map((d) => this.#create(d))
    this.#living = this.#nodes.slice()
  }

  #create(description: NodeDescription): Node {
    const node = new Node(description, this.#factory(description))
    this.#own.set(node, node)
    return node
  }

  get nodes(): readonly PoolNode[] {
    return this.#nodes
  }

  select(context: SelectContext, tried?: ReadonlySet<PoolNode>): PoolNode {
    if (this.#closed) throw new NoLivingNodesError('the client was closed; create a new one to send requests')
    let living = this.#living
    if (living.length !== this.#nodes.length) living = this.#resurrect()
    if (living.length === 0) return this.#soonestDead(tried)
    if (tried !== undefined && tried.size > 0 && living.length > 1) {
      const fresh = living.filter((n) => !tried.has(n))
      if (fresh.length > 0) living = fresh
    }
    if (living.length === 1) return living[0] as Node
    return this.#select(living, context)
  }

  // Dead nodes whose backoff has ended become candidates again: the next answer decides.
  #resurrect(): Node[] {
    const now = this.#now()
    let changed = false
    for (const node of this.#nodes) {
      if (!node.alive && !node.removed && node.deadUntil <= now && !this.#living.includes(node)) {
        changed = true
      }
    }
    if (changed) {
      this.#living = this.#nodes.filter((n) => !n.removed && (n.alive || n.deadUntil <= now))
    }
    return this.#living
  }

  // Every node rests: the one whose rest ends first, among those this request has not tried yet. A failed attempt
  // does not push a resting node's rest further out (one outage, one failure), so without `tried` every retry would
  // go back to the same dead node while another may be up again.
  #soonestDead(tried: ReadonlySet<PoolNode> | undefined): Node {
    let best: Node | undefined
    let untried: Node | undefined
    for (const node of this.#nodes) {
      if (node.removed) continue
      if (best === undefined || node.deadUntil < best.deadUntil) best = node
      if (tried?.has(node) !== true && (untried === undefined || node.deadUntil < untried.deadUntil)) untried = node
    }
    best = untried ?? best
    if (best === undefined) {
      throw new NoLivingNodesError('the node pool is empty: every node was removed by sniffing')
    }
    return best
  }

  markDead(poolNode: PoolNode): void {
    const node = this.#own.get(poolNode)
    // a node of another pool: not ours to judge
    if (node === undefined) return
    // Requests in flight when a node dies all fail together: that is one failure, not one per request, or a
    // short outage under load would push the backoff to its maximum.
    if (!node.alive && node.deadUntil > this.#now()) return
    node.failures += 1
    const backoff = Math.min(this.#base * 2 ** (node.failures - 1), this.#max)
    node.deadUntil = this.#now() + backoff
    const wasAlive = node.alive
    node.alive = false
    this.#living = this.#living.filter((n) => n !== node)
    if (wasAlive) this.#onStateChange?.(node, false)
  }

  markAlive(poolNode: PoolNode): void {
    const node = this.#own.get(poolNode)
    if (node === undefined || (node.alive && node.failures === 0)) return
    node.alive = true
    node.failures = 0
    node.deadUntil = 0
    if (!node.removed && !this.#living.includes(node)) {
      this.#living = this.#nodes.filter((n) => n.alive && !n.removed)
    }
    this.#onStateChange?.(node, true)
  }

  update(nodes: readonly (NodeOptions | NodeDescription)[]): void {
    if (this.#closed) return
    const byKey = new Map<string, Node>()
    for (const node of this.#nodes) {
      byKey.set(node.id, node)
      byKey.set(node.url.href, node)
    }
    const next: Node[] = []
    const kept = new Set<Node>()
    for (const options of nodes) {
      const d = describeNode(options as NodeOptions, 'sniffed node')
      const existing = byKey.get(d.id) ?? byKey.get(d.url.href)
      if (existing !== undefined && !kept.has(existing)) {
        kept.add(existing)
        existing.refresh(d)
        next.push(existing)
      } else if (existing === undefined) {
        next.push(this.#create(d))
      }
    }
    for (const node of this.#nodes) {
      if (!kept.has(node)) {
        node.removed = true
        if (node.inFlight === 0) void node.connection.close().catch(() => {})
      }
    }
    this.#nodes = next
    const now = this.#now()
    this.#living = next.filter((n) => n.alive || n.deadUntil <= now)
  }

  acquire(poolNode: PoolNode): void {
    const node = this.#own.get(poolNode)
    if (node !== undefined) node.inFlight += 1
  }

  release(poolNode: PoolNode): void {
    const node = this.#own.get(poolNode)
    if (node === undefined || node.inFlight === 0) return
    node.inFlight -= 1
    // A node removed by update() closes once its last attempt settled.
    if (node.removed && node.inFlight === 0) void node.connection.close().catch(() => {})
  }

  async close(): Promise<void> {
    this.#closed = true
    await Promise.all(this.#nodes.map((n) => n.connection.close()))
  }
}

/**
 * Creates the standard pool: living and dead nodes, dead-node backoff of min(base x 2^(failures-1), max), and
 * the soonest-to-recover dead node when every node is dead.
 * @public
 */
export function createNodePool(options: NodePoolOptions): NodePool {
  return new DefaultNodePool(options)
}
