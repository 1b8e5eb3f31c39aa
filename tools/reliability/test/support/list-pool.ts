// A node pool as a third party writes it, with nothing but the public contract of @stretch/transport: the types,
// describeNode, NoLivingNodesError and the names of the diagnostics channels. custom-pool.test.ts checks what the
// contract asks of it; faults.test.ts runs every fault scenario over it as over the default pool.
import { channel } from 'node:diagnostics_channel'
import {
  type Connection,
  type ConnectionFactory,
  channels,
  describeNode,
  type NodeDescription,
  type NodeEvent,
  type NodeInfo,
  type NodeOptions,
  type NodePool,
  NoLivingNodesError,
  type PoolNode,
  type SelectContext,
} from '@stretch/transport'

/** A node of {@link ListPool}: plain fields, health kept by the pool. */
class ListNode implements PoolNode {
  readonly url: URL
  readonly id: string
  readonly name: string | undefined
  readonly roles: readonly string[] | undefined
  readonly attributes: Readonly<Record<string, string>>
  declare readonly headers: Readonly<Record<string, string>>
  readonly connection: Connection
  alive = true
  failures = 0
  deadUntil = 0
  inFlight = 0

  constructor(description: NodeDescription, connection: Connection) {
    this.url = description.url
    this.id = description.id
    this.name = description.name
    this.roles = description.roles
    this.attributes = description.attributes
    this.connection = connection
    // the headers may hold the URL's credentials: not enumerable, so they stay out of logs
    Object.defineProperty(this, 'headers', { value: description.headers, enumerable: false })
  }

  info(): NodeInfo {
    return { id: this.id, url: this.url.href.replace(/\/$/, ''), name: this.name }
  }
}

/** Options of {@link ListPool}. */
export interface ListPoolOptions {
  /** The clock of `deadUntil`: the transport's, so a test that moves the transport's clock moves the rests too. */
  readonly now?: () => number
}

const deadChannel = channel(channels.nodeDead)
const aliveChannel = channel(channels.nodeAlive)

/**
 * Round robin over the living nodes, a fixed 500 ms rest for a dead one, counts of acquire and release. It announces
 * a node's death and return on the transport's public channel names, as the default pool does.
 */
export class ListPool implements NodePool {
  #nodes: ListNode[]
  #next = 0
  readonly #connection: ConnectionFactory
  readonly #now: () => number
  acquired = 0
  released = 0

  constructor(nodes: readonly (string | NodeOptions)[], connection: ConnectionFactory, options: ListPoolOptions = {}) {
    this.#connection = connection
    this.#now = options.now ?? (() => performance.now())
    this.#nodes = nodes.map((n) => this.#create(describeNode(n)))
  }

  #create(description: NodeDescription): ListNode {
    return new ListNode(description, this.#connection(description))
  }

  #own(node: PoolNode): ListNode {
    const own = this.#nodes.find((n) => n === node)
    if (own === undefined) throw new Error(`ListPool: ${node.id} is not one of my nodes`)
    return own
  }

  get nodes(): readonly PoolNode[] {
    return this.#nodes
  }

  select(_context: SelectContext, tried?: ReadonlySet<PoolNode>): PoolNode {
    const now = this.#now()
    const living = this.#nodes.filter((n) => n.alive || n.deadUntil <= now)
    const fresh = living.filter((n) => tried?.has(n) !== true)
    const candidates = fresh.length > 0 ? fresh : living
    if (candidates.length === 0) {
      // Every node rests: the one whose rest ends first, among those this request has not tried yet.
      const resting = [...this.#nodes].sort((a, b) => a.deadUntil - b.deadUntil)
      const soonest = resting.find((n) => tried?.has(n) !== true) ?? resting[0]
      if (soonest === undefined) throw new NoLivingNodesError('ListPool: no node')
      return soonest
    }
    return candidates[this.#next++ % candidates.length] as ListNode
  }

  markDead(node: PoolNode): void {
    const own = this.#own(node)
    const wasAlive = own.alive
    own.alive = false
    own.failures += 1
    own.deadUntil = this.#now() + 500
    if (wasAlive) publish(deadChannel, own)
  }

  markAlive(node: PoolNode): void {
    const own = this.#own(node)
    if (own.alive && own.failures === 0) return
    own.alive = true
    own.failures = 0
    own.deadUntil = 0
    publish(aliveChannel, own)
  }

  acquire(node: PoolNode): void {
    this.#own(node).inFlight += 1
    this.acquired += 1
  }

  release(node: PoolNode): void {
    this.#own(node).inFlight -= 1
    this.released += 1
  }

  update(nodes: readonly (NodeOptions | NodeDescription)[]): void {
    this.#nodes = nodes.map((n) => this.#create(describeNode(n as NodeOptions)))
  }

  async close(): Promise<void> {
    await Promise.all(this.#nodes.map((n) => n.connection.close()))
  }
}

function publish(target: ReturnType<typeof channel>, node: ListNode): void {
  if (target.hasSubscribers) target.publish({ node: node.info(), failures: node.failures } satisfies NodeEvent)
}
