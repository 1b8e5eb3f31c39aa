import { encodeBase64 } from './credentials.js'
import { ConfigurationError } from './errors.js'
import { assertHeaderValue, normalizeHeaders } from './headers.js'
import { nearestName } from './nearest-name.js'
import { inspectCustom } from './platform.js'
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
  checkNodeKeys(opts, option)
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
      headers['authorization'] = `Basic ${encodeBase64(`${username}:${password}`)}`
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

const kNodeKeys: Record<keyof NodeOptions & keyof NodeDescription, true> = {
  url: true,
  id: true,
  name: true,
  roles: true,
  attributes: true,
  headers: true,
}
const kNodeKeyNames: readonly string[] = Object.keys(kNodeKeys)
const kTakes = 'a node takes `url`, `id`, `name`, `roles`, `attributes` and `headers`'
const kElastic = '@elastic/elasticsearch; '
const kRoleExample = "['master', 'data']"

// Node options of @elastic/elasticsearch (and @elastic/transport's ConnectionOptions) that are per client here.
const kOfficialNodeKeys: Readonly<Record<string, (value: unknown) => string>> = {
  ssl: (value) => `TLS settings are the same for every node: ${tlsHint('ssl', value)}`,
  tls: (value) => `TLS settings are the same for every node: ${tlsHint('tls', value)}`,
  caFingerprint: () => 'TLS settings are the same for every node: use the client option `sslAssertFingerprint`',
  agent: () =>
    'connection settings are the same for every node: use the client options `connectionsPerNode`, `maxConnections`, `lookup` or `proxy`',
  proxy: () => 'use the client option `proxy`, which applies to every node',
  auth: () =>
    'credentials in the node URL (`https://user:password@host`) or the client options `basicAuth`, `apiKey` or `bearerAuth`',
}

function tlsHint(key: string, value: unknown): string {
  const map: Record<string, string> = { ca: 'caCerts', cert: 'clientCert', key: 'clientKey' }
  const given = typeof value === 'object' && value !== null ? Object.keys(value) : []
  const use: string[] = []
  const none: string[] = []
  for (const name of given) {
    const flag = (value as Record<string, unknown>)[name]
    if (Object.hasOwn(map, name)) use.push(`\`${map[name]}\` for \`${key}.${name}\``)
    else if (name === 'rejectUnauthorized' && typeof flag === 'boolean') {
      use.push(`\`verifyCerts: ${flag}\` for \`${key}.rejectUnauthorized: ${flag}\``)
    } else none.push(`\`${key}.${name}\``)
  }
  if (use.length === 0 && none.length === 0) {
    return 'use the client options `caCerts`, `clientCert`, `clientKey` and `verifyCerts`'
  }
  const parts = use.length > 0 ? [`use the client option ${use.join(', ')}`] : []
  if (none.length > 0) parts.push(`${none.join(', ')} ${none.length === 1 ? 'has' : 'have'} no equivalent`)
  return parts.join('; ')
}

// Only plain objects are options a user wrote: a pool's own node objects (class instances) carry more fields.
function checkNodeKeys(opts: NodeOptions, option: string): void {
  const proto: unknown = Object.getPrototypeOf(opts)
  if (proto !== Object.prototype && proto !== null) return
  const problems: string[] = []
  for (const key of Object.keys(opts)) {
    if (Object.hasOwn(kNodeKeys, key)) {
      if (key === 'roles') {
        const problem = rolesProblem(opts.roles as unknown)
        if (problem !== undefined) problems.push(`${option}.roles: ${problem}`)
      }
      continue
    }
    const value = (opts as unknown as Record<string, unknown>)[key]
    const official = Object.hasOwn(kOfficialNodeKeys, key) ? kOfficialNodeKeys[key] : undefined
    const near = official === undefined ? nearestName(key, kNodeKeyNames) : undefined
    const tail =
      official !== undefined
        ? ` (${kElastic}${official(value)})`
        : near !== undefined
          ? `; did you mean \`${near}\`?`
          : ` (${kTakes})`
    problems.push(`${option}.${key}: unknown node option${tail}`)
  }
  if (problems.length > 0) throw new ConfigurationError(problems.join('; '))
}

function rolesProblem(roles: unknown): string | undefined {
  if (roles === undefined) return undefined
  if (Array.isArray(roles)) {
    const bad = roles.findIndex((role) => typeof role !== 'string')
    if (bad === -1) return undefined
    return `give an array of role names, such as ${kRoleExample} (roles[${bad}] is ${kindOf(roles[bad])})`
  }
  if (typeof roles === 'object' && roles !== null) {
    const set = Object.entries(roles)
      .filter(([, on]) => on === true)
      .map(([name]) => `'${name}'`)
    const example = set.length > 0 ? `[${set.join(', ')}]` : '[]'
    return `give an array of role names, such as roles: ${example} (an object of flags is the @elastic/elasticsearch form)`
  }
  return `give an array of role names, such as ${kRoleExample} (got ${kindOf(roles)})`
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  const type = typeof value
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`
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

Object.defineProperty(Node.prototype, inspectCustom, {
  value(this: Node, _depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return `PoolNode ${inspect(this.toJSON(), options)}`
  },
})
