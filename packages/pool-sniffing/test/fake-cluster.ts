// A fake N-node cluster: every node answers `GET /_nodes/_all/http` with the current membership, and any other
// request with its own name. Nodes can be stopped, restarted on the same port, added and removed.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type StartServerOptions, sendJson, startServer, type TestServer } from '@stretch/test-utils'

export interface FakeNodeSpec {
  readonly name: string
  readonly roles?: readonly string[]
  readonly attributes?: Readonly<Record<string, string>>
  /** What the node reports as `http.publish_address`; default `127.0.0.1:<port>`. `null`: no `http` section. */
  readonly publish?: ((port: number) => string) | null
  /** Listen on this host. Default 127.0.0.1. */
  readonly host?: string
}

export interface FakeNode {
  readonly id: string
  readonly spec: FakeNodeSpec
  server: TestServer
  running: boolean
  /** Requests other than sniffs. */
  readonly hits: () => number
  /** Sniff requests received. */
  readonly sniffs: () => IncomingMessage['headers'][]
}

export interface FakeClusterOptions {
  /** Requests without this `authorization` get 401. */
  readonly authorization?: string
  /** TLS for every node. */
  readonly tls?: StartServerOptions['tls']
  /** A path prefix the nodes sit behind (like a reverse proxy). */
  readonly prefix?: string
}

export class FakeCluster implements AsyncDisposable {
  readonly nodes: FakeNode[] = []
  /** The nodes reported by `/_nodes/_all/http`: by default, every started node. */
  members: FakeNode[] = []
  /** Makes the sniff answer with this instead (status, body). */
  sniffAnswer: ((res: ServerResponse) => void) | undefined
  /** Delays sniff answers until this promise settles. */
  sniffGate: Promise<void> | undefined
  readonly #options: FakeClusterOptions
  readonly #restarts = new Map<FakeNode, () => Promise<void>>()
  #sniffWaiters: (() => void)[] = []

  constructor(options: FakeClusterOptions = {}) {
    this.#options = options
  }

  /** The base URL of a node, with the cluster's prefix. */
  url(node: FakeNode): string {
    return `${node.server.url}${this.#options.prefix ?? ''}`
  }

  async add(spec: FakeNodeSpec, member = true): Promise<FakeNode> {
    const id = `id-${spec.name}`
    const hits = { count: 0 }
    const sniffs: IncomingMessage['headers'][] = []
    const node: FakeNode = {
      id,
      spec,
      server: undefined as unknown as TestServer,
      running: true,
      hits: () => hits.count,
      sniffs: () => sniffs,
    }
    node.server = await this.#start(node, hits, sniffs, 0)
    this.nodes.push(node)
    if (member) this.members.push(node)
    return node
  }

  async #start(
    node: FakeNode,
    hits: { count: number },
    sniffs: IncomingMessage['headers'][],
    port: number,
  ): Promise<TestServer> {
    const prefix = this.#options.prefix ?? ''
    const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const url = req.url ?? ''
      if (this.#options.authorization !== undefined && req.headers.authorization !== this.#options.authorization) {
        sendJson(res, 401, {
          error: { type: 'security_exception', reason: 'missing authentication credentials' },
          status: 401,
        })
        return
      }
      if (!url.startsWith(prefix)) {
        sendJson(res, 404, { error: 'wrong prefix' })
        return
      }
      const path = url.slice(prefix.length)
      if (path.startsWith('/_nodes/_all/http')) {
        sniffs.push(req.headers)
        for (const wake of this.#sniffWaiters.splice(0)) wake()
        if (this.sniffGate !== undefined) await this.sniffGate
        if (this.sniffAnswer !== undefined) this.sniffAnswer(res)
        else sendJson(res, 200, this.nodesInfo())
        return
      }
      hits.count += 1
      sendJson(res, 200, { name: node.spec.name, path })
    }
    const options: { port: number; host?: string; tls?: NonNullable<StartServerOptions['tls']> } = { port }
    if (node.spec.host !== undefined) options.host = node.spec.host
    if (this.#options.tls !== undefined) options.tls = this.#options.tls
    const server = await startServer(handler, options)
    this.#restarts.set(node, async () => {
      node.server = await this.#start(node, hits, sniffs, server.port)
      node.running = true
    })
    return server
  }

  /** Resolves when the next sniff request arrives. */
  sniffArrives(): Promise<void> {
    return new Promise((resolve) => this.#sniffWaiters.push(resolve))
  }

  nodesInfo(): unknown {
    const nodes: Record<string, unknown> = {}
    for (const node of this.members) {
      const publish = node.spec.publish === undefined ? (p: number) => `127.0.0.1:${p}` : node.spec.publish
      nodes[node.id] = {
        name: node.spec.name,
        host: '127.0.0.1',
        ip: '127.0.0.1',
        version: '9.1.0',
        roles: node.spec.roles ?? ['data', 'ingest', 'master'],
        attributes: { 'xpack.installed': 'true', ...node.spec.attributes },
        ...(publish === null
          ? {}
          : { http: { bound_address: [`127.0.0.1:${node.server.port}`], publish_address: publish(node.server.port) } }),
      }
    }
    return {
      _nodes: { total: this.members.length, successful: this.members.length, failed: 0 },
      cluster_name: 'fake',
      nodes,
    }
  }

  async stop(node: FakeNode): Promise<void> {
    node.running = false
    await node.server.close()
  }

  async restart(node: FakeNode): Promise<void> {
    await this.#restarts.get(node)?.()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.server.close()))
  }
}

export async function fakeCluster(
  specs: readonly FakeNodeSpec[],
  options: FakeClusterOptions = {},
): Promise<FakeCluster> {
  const cluster = new FakeCluster(options)
  for (const spec of specs) await cluster.add(spec)
  return cluster
}
