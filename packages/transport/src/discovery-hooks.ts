import type { DiscoveryContext, NodeDiscovery, PoolNode } from './types.js'

/**
 * The two moments discovery (sniffing) hears of: a request starts, a node failed. One per pool, shared by children.
 * @internal
 */
export class DiscoveryHooks {
  readonly #discovery: NodeDiscovery
  readonly #context: () => DiscoveryContext

  /**
   * @param discovery - the discovery plugin.
   * @param context - builds (once) the view of the transport that discovery gets.
   */
  constructor(discovery: NodeDiscovery, context: () => DiscoveryContext) {
    this.#discovery = discovery
    this.#context = context
  }

  /** True when discovery wants to run before requests (the transport then awaits it). */
  get waitsOnStart(): boolean {
    return this.#discovery.onRequestStart !== undefined
  }

  /** Before a request picks a node: a promise to await (the first sniff), or undefined. */
  requestStarting(): Promise<void> | undefined {
    return this.#discovery.onRequestStart?.(this.#context())
  }

  /** After a node was marked dead. A discovery failure never fails the user's request. */
  nodeFailed(node: PoolNode): void {
    if (this.#discovery.onNodeFailure === undefined) return
    try {
      this.#discovery.onNodeFailure(node, this.#context())
    } catch {
      // swallowed on purpose: see above
    }
  }

  /** Stops discovery. */
  close(): void {
    this.#discovery.close?.()
  }
}
