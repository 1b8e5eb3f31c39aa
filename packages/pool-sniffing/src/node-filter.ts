/**
 * A node found by sniffing, as `nodeFilter` sees it.
 * @public
 */
export interface SniffedNode {
  /** The node id Elasticsearch reported. */
  readonly id: string
  /** The node name. */
  readonly name: string | undefined
  /** The URL the client will use: the answering node's scheme and path prefix, the publish address's host and port. */
  readonly url: URL
  /** The node roles (`master`, `data`, `ingest`, `voting_only`, ...), when reported. */
  readonly roles: readonly string[] | undefined
  /** The node attributes (`node.attr.*` in `elasticsearch.yml`, such as `zone`). */
  readonly attributes: Readonly<Record<string, string>>
  /** The Elasticsearch version of the node, when reported. */
  readonly version: string | undefined
  /** The `http.publish_address` as reported. */
  readonly publishAddress: string
}

/**
 * The default `nodeFilter`: keeps every node except dedicated masters, whose roles are only `master`, or `master`
 * and `voting_only`. Sending searches and bulk requests to them would load the nodes that keep the cluster
 * together. Coordinating-only nodes (no roles) and nodes whose roles are unknown are kept.
 *
 * @param node - a sniffed node.
 * @returns Whether the client may send requests to the node.
 * @example
 * ```ts
 * // keep the default rule, and also stay inside zone a
 * sniffing({ nodeFilter: (node) => defaultNodeFilter(node) && node.attributes['zone'] === 'a' })
 * ```
 * @public
 */
export function defaultNodeFilter(node: SniffedNode): boolean {
  const roles = node.roles
  if (roles === undefined || !roles.includes('master')) return true
  return roles.some((role) => role !== 'master' && role !== 'voting_only')
}
