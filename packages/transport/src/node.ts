import { inspect } from 'node:util'
import { ConfigurationError } from './errors.js'
import { assertHeaderValue } from './headers.js'
import type { Connection, Headers, NodeDescription, NodeInfo, NodeOptions, PoolNode } from './types.js'

/**
 * Validates a node's options into a {@link NodeDescription}: http or https only, userinfo moved into a basic
 * `authorization` header, the path prefix without trailing slash.
 * @param options - a URL or node options.
 * @param option - the option name to blame in errors (for example `nodes[1]`).
 * @public
 */
export function describeNode(options: NodeOptions | NodeDescription | string | URL, option = 'node'): NodeDescription {
  const opts: NodeOptions =
    typeof options === 'string' || options instanceof URL ? { url: options } : (options as NodeOptions)
  let url: URL
  try {
    url = new URL(opts.url instanceof URL ? opts.url.href : String(opts.url))
  } catch (cause) {
    throw new ConfigurationError(
      `${option}: not a valid URL; give a full URL such as 'https://localhost:9200' (got ${safeUrlText(opts.url)})`,
      { cause: stripCause(cause) },
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(
      `${option}: unsupported scheme '${url.protocol.replace(':', '')}'; use 'http:' or 'https:' (for example 'https://${url.host}')`,
    )
  }
  if (url.hostname === '') throw new ConfigurationError(`${option}: the URL has no host`)
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigurationError(`${option}: the URL must not have a query string or fragment`)
  }
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(opts.headers ?? {})) {
    const key = name.toLowerCase()
    assertHeaderValue(`${option}.headers['${name}']`, value, key)
    headers[key] = value
  }
  if (url.username !== '' || url.password !== '') {
    let username: string
    let password: string
    try {
      username = decodeURIComponent(url.username)
      password = decodeURIComponent(url.password)
    } catch {
      throw new ConfigurationError(`${option}: the credentials in the URL are not valid percent-encoding`)
    }
    url.username = ''
    url.password = ''
    if (headers['authorization'] === undefined) {
      assertHeaderValue(`${option} URL credentials`, `${username}:${password}`, 'authorization')
      headers['authorization'] = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
    }
  }
  if (url.pathname.endsWith('/')) url.pathname = url.pathname.replace(/\/+$/, '')
  return {
    url,
    id: opts.id ?? url.href.replace(/\/$/, ''),
    name: opts.name,
    roles: opts.roles,
    attributes: opts.attributes ?? {},
    headers,
  }
}

function safeUrlText(value: unknown): string {
  const text = String(value)
  // never echo credentials: drop anything between the scheme and an '@'
  return JSON.stringify(text.replace(/\/\/[^/@]*@/, '//***@').slice(0, 200))
}

function stripCause(cause: unknown): unknown {
  // Node's "Invalid URL" TypeError carries `input`, which may hold credentials.
  return cause instanceof Error ? new TypeError(cause.message.replace(/: .*$/, '')) : undefined
}

/** The pool's node: health state is mutated only by the pool and the transport. @internal */
export class Node implements PoolNode {
  readonly url: URL
  id: string
  name: string | undefined
  roles: readonly string[] | undefined
  attributes: Readonly<Record<string, string>>
  readonly headers: Headers
  readonly connection: Connection
  alive = true
  failures = 0
  deadUntil = 0
  inFlight = 0
  removed = false
  #info: NodeInfo
  readonly hasHeaders: boolean

  constructor(description: NodeDescription, connection: Connection) {
    this.url = description.url
    this.id = description.id
    this.name = description.name
    this.roles = description.roles
    this.attributes = description.attributes
    this.connection = connection
    this.#info = { id: this.id, url: this.url.href.replace(/\/$/, ''), name: this.name }
    this.hasHeaders = Object.keys(description.headers).length > 0
    // Node-level headers may hold credentials: keep them off enumerable properties.
    Object.defineProperty(this, 'headers', { value: description.headers, enumerable: false })
    this.headers = description.headers
  }

  info(): NodeInfo {
    return this.#info
  }

  /** Takes the id, name, roles and attributes that discovery reported for this node (same URL, same socket). */
  refresh(description: NodeDescription): void {
    this.id = description.id
    this.name = description.name ?? this.name
    this.roles = description.roles ?? this.roles
    this.attributes = Object.keys(description.attributes).length > 0 ? description.attributes : this.attributes
    this.#info = { id: this.id, url: this.#info.url, name: this.name }
  }

  toJSON(): NodeInfo & { alive: boolean; failures: number } {
    return { ...this.#info, alive: this.alive, failures: this.failures }
  }
}

Object.defineProperty(Node.prototype, inspect.custom, {
  value(this: Node): string {
    return `PoolNode ${inspect(this.toJSON())}`
  },
})
