import { once } from 'node:events'
import type { Socket } from 'node:net'
import { Client, type ClientOptions } from '@stretch/client'
import { type StartClusterOptions, startCluster, type TestCluster, type TestNode } from '@stretch/test-cluster'
import { PLANTED } from './watch.js'

/** Starts a cluster with the planted `elastic` password (3 nodes unless told otherwise). */
export function startTestCluster(options: StartClusterOptions = {}): Promise<TestCluster> {
  return startCluster({ nodes: 3, password: PLANTED.password, ...options })
}

/** Options of a client of every node of `cluster`, trusting its CA, as `elastic`. */
export function clientOptions(cluster: TestCluster, options: Partial<ClientOptions> = {}): ClientOptions {
  const base: ClientOptions = cluster.security
    ? { nodes: cluster.urls, caCerts: cluster.caCert as string, basicAuth: ['elastic', cluster.password] }
    : { nodes: cluster.urls }
  return { ...base, ...options } as ClientOptions
}

/** A client of every node of `cluster`, trusting its CA, as `elastic`. */
export function clientOf(cluster: TestCluster, options: Partial<ClientOptions> = {}): Client {
  return new Client(clientOptions(cluster, options))
}

/** mulberry32: a small seeded generator, so a run's fault pattern can be replayed with RELIABILITY_SEED. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The seed of this run. */
export const seed: number = Number(process.env['RELIABILITY_SEED'] ?? 0x5eed)

/**
 * A fault matcher that hits each request with probability `p` (the cluster's fault queue calls `test(path)` once
 * per request and entry): faults land at random on the server side, whatever the client sends.
 */
export class Chance extends RegExp {
  readonly p: number
  readonly random: () => number
  constructor(p: number, random: () => number) {
    super('')
    this.p = p
    this.random = random
  }
  override test(_path: string): boolean {
    return this.random() < this.p
  }
}

/** The outcome of {@link runLoad}. */
export interface LoadResult {
  /** Milliseconds of every request that succeeded. */
  readonly latencies: number[]
  /** Every rejection, with the request's index. */
  readonly errors: { readonly index: number; readonly error: unknown }[]
  /** Requests started. */
  readonly count: number
  /** Milliseconds of the whole run. */
  readonly duration: number
}

/**
 * Runs `task(i)` with `concurrency` callers, each starting the next request when its last one settled, while
 * `more(i, done)` says so (i: index of the next request, done: requests settled so far).
 */
export async function runLoad(options: {
  readonly concurrency: number
  readonly more: (next: number, done: number) => boolean
  readonly task: (index: number) => Promise<unknown>
  readonly onSettled?: (done: number) => void | Promise<void>
}): Promise<LoadResult> {
  const latencies: number[] = []
  const errors: { index: number; error: unknown }[] = []
  let next = 0
  let done = 0
  const start = performance.now()
  const worker = async (): Promise<void> => {
    while (options.more(next, done)) {
      const index = next++
      const t0 = performance.now()
      try {
        await options.task(index)
        latencies.push(performance.now() - t0)
      } catch (error) {
        errors.push({ index, error })
      }
      done += 1
      await options.onSettled?.(done)
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  return { latencies, errors, count: next, duration: performance.now() - start }
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits

/** Follows the server side of every TCP connection the nodes accept: how many are open, and the most at once. */
export function trackSockets(nodes: readonly TestNode[]): {
  open(node: TestNode): number
  max(node: TestNode): number
  accepted(node: TestNode): number
  /** Resolves once every tracked socket is closed. */
  allClosed(): Promise<void>
  stop(): void
} {
  const state = new Map<TestNode, { open: Set<Socket>; max: number; accepted: number }>()
  const handlers = nodes.map((node) => {
    const s = { open: new Set<Socket>(), max: 0, accepted: 0 }
    state.set(node, s)
    const onConnection = (socket: Socket): void => {
      s.accepted += 1
      s.open.add(socket)
      s.max = Math.max(s.max, s.open.size)
      socket.once('close', () => s.open.delete(socket))
    }
    node.events.on('connection', onConnection)
    return () => node.events.off('connection', onConnection)
  })
  const get = (node: TestNode) => state.get(node) as { open: Set<Socket>; max: number; accepted: number }
  return {
    open: (node) => get(node).open.size,
    max: (node) => get(node).max,
    accepted: (node) => get(node).accepted,
    async allClosed() {
      const all = [...state.values()].flatMap((s) => [...s.open])
      await Promise.all(all.map((socket) => (socket.closed ? undefined : once(socket, 'close'))))
    },
    stop() {
      for (const off of handlers) off()
    },
  }
}
