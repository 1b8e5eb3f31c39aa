import { Agent, type Dispatcher, request } from 'undici'
import type { TestCluster } from '../src/index.js'

/** `Authorization: Basic` for a user. */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}

/** An undici Agent trusting the cluster's CA (never NODE_TLS_REJECT_UNAUTHORIZED). */
export function agentFor(cluster: TestCluster, connect: Record<string, unknown> = {}): Agent {
  return new Agent({ connect: { ...(cluster.caCert === undefined ? {} : { ca: cluster.caCert }), ...connect } })
}

/** A JSON answer. */
export interface Answer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  // biome-ignore lint/suspicious/noExplicitAny: answers are arbitrary Elasticsearch JSON, read field by field in tests
  readonly body: any
  readonly text: string
}

/** Sends a request and reads the answer (JSON parsed when possible). */
export async function call(
  dispatcher: Dispatcher,
  url: string,
  options: {
    method?: Dispatcher.HttpMethod
    headers?: Record<string, string>
    body?: string | Buffer
    auth?: string
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) }
  if (options.auth !== undefined) headers['authorization'] = options.auth
  if (options.body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json'
  const res = await request(url, { dispatcher, method: options.method ?? 'GET', headers, body: options.body ?? null })
  const text = await res.body.text()
  let body: unknown
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    body = undefined
  }
  return { status: res.statusCode, headers: res.headers, body, text }
}
