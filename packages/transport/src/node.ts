import { inspect } from 'node:util'
import { ConfigurationError } from './errors.js'
import { assertHeaderValue, normalizeHeaders } from './headers.js'
import type { Connection, Headers, NodeDescription, NodeInfo, NodeOptions, PoolNode } from './types.js'

/**
 * Validates a node's options into a {@link NodeDescription}: http or https only, userinfo moved into a basic
 * `authorization` header, the path prefix without trailing slash.
 * @param options - a URL or node options.
 * @param option - the option name to blame in errors (for example `nodes[1]`).
 * @public
 */
export function describeNode(options: NodeOptions | NodeDescription | string | URL, option = 'node'): NodeDescription {
  if (options === null || (typeof options !== 'string' && typeof options !== 'object')) {
    throw new ConfigurationError(
      `${option}: must be a URL string, a URL or { url, ... } (got ${options === null ? 'null' : typeof options}), such as 'https://localhost:9200'`,
    )
  }
  const opts: NodeOptions =
    typeof options === 'string' || options instanceof URL ? { url: options } : (options as NodeOptions)
  if (typeof opts.url !== 'string' && !(opts.url instanceof URL)) {
    throw new ConfigurationError(
      `${option}: the node needs a url string or URL (got ${opts.url === null ? 'null' : typeof opts.url}), such as { url: 'https://localhost:9200' }`,
    )
  }
  let url: URL
  try {
    url = new URL(opts.url instanceof URL ? opts.url.href : opts.url)
  } catch (cause) {
    throw new ConfigurationError(
      `${option}: not a valid URL; give a full URL such as 'https://localhost:9200' (got ${safeUrlText(opts.url)})`,
      { cause: stripCause(cause) },
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    // 'localhost:9200' parses as scheme 'localhost:' with path '9200'
    const example =
      url.host === ''
        ? `https://${String(opts.url)
            .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
            .replace(/^.*@/, '')}`
        : `https://${url.host}`
    throw new ConfigurationError(
      `${option}: unsupported scheme '${url.protocol.replace(':', '')}'; use 'http:' or 'https:' (for example '${example}')`,
    )
  }
  if (url.hostname === '') throw new ConfigurationError(`${option}: the URL has no host`)
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigurationError(`${option}: the URL must not have a query string or fragment`)
  }
  const headers = normalizeHeaders(`${option}.headers`, opts.headers)
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
  let text = String(value)
  // Never echo credentials: whatever stands before the last '@' may be userinfo, whatever it contains ('/', '@').
  const at = text.lastIndexOf('@')
  if (at !== -1) {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? ''
    text = `${scheme}***@${text.slice(at + 1)}`
  }
  return JSON.stringify(text.slice(0, 200))
}

function stripCause(cause: unknown): unknown {
  // Node's "Invalid URL" TypeError carries `input`, which may hold credentials.
  return cause instanceof Error ? new TypeError(cause.message.replace(/: .*$/, '')) : undefined
}

/** The default pool's node: its health and in-flight count are changed only by that pool. @internal */
export class Node implements PoolNode {
  readonly url: URL
  id: string
  name: string | undefined
  roles: readonly string[] | undefined
  attributes: Readonly<Record<string, string>>
  declare readonly headers: Headers
  readonly connection: Connection
  alive = true
  failures = 0
  deadUntil = 0
  inFlight = 0
  removed = false
  #info: NodeInfo

  constructor(description: NodeDescription, connection: Connection) {
    this.url = description.url
    this.id = description.id
    this.name = description.name
    this.roles = description.roles
    this.attributes = description.attributes
    this.connection = connection
    this.#info = { id: this.id, url: this.url.href.replace(/\/$/, ''), name: this.name }
    // Node-level headers may hold credentials: keep them off enumerable properties.
    Object.defineProperty(this, 'headers', { value: description.headers, enumerable: false })
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
