import { randomBytes, X509Certificate } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'
import { createCertificates } from '@stretch/test-utils'
import { clusterCertificates } from './certs.js'
import { DocumentStore } from './document-store.js'
import { type Fault, FaultQueue, type InjectedFault, type InjectOptions } from './fault-queue.js'
import {
  type CreatedApiKey,
  type CreatedToken,
  generatePassword,
  SecurityRealm,
  type ServiceToken,
} from './security-realm.js'
import { type NodeCluster, type NodeOptions, type NodeStats, type RecordedRequest, TestNode } from './test-node.js'
import { type VersionInfo, versionInfo } from './versions.js'

/** The made-up domain of the cloud endpoint (`<es_uuid>.es.stretch.test`); resolve it with {@link lookup}. @public */
export const CLOUD_DOMAIN = 'es.stretch.test'

/** Options of the cloud endpoint. @public */
export interface CloudOptions {
  /** The deployment name, before the `:` of the Cloud ID. Default `stretch-deployment`. */
  readonly name?: string
  /** The host part of the Cloud ID. Default {@link CLOUD_DOMAIN}. */
  readonly host?: string
  /** Listen on this port. Default 0 (a free one). */
  readonly port?: number
  /** The Elasticsearch uuid (the first label of the endpoint's name). Default random hex. */
  readonly esUuid?: string
  /** The Kibana uuid. Default random hex. */
  readonly kibanaUuid?: string
}

/** Options of {@link startCluster}. @public */
export interface StartClusterOptions {
  /** How many nodes, or one options object per node. Default 1. */
  readonly nodes?: number | readonly NodeOptions[]
  /** TLS, authentication and the `elastic` user. Default true. */
  readonly security?: boolean
  /** The Elasticsearch version to act as: `8.x.y` or `9.x.y`. Default `9.1.0`. */
  readonly version?: string
  /** The first node's port; the next nodes take the following ports. Default 0 (free ports). */
  readonly port?: number
  /** `cluster_name`. Default `stretch-test-cluster`. */
  readonly clusterName?: string
  /** The `elastic` user's password. Default: generated, 20 characters. */
  readonly password?: string
  /** Where `certs/http_ca.crt` is written. Default: a new temporary folder, removed on close. */
  readonly configDir?: string
  /** Extra DNS names in the node certificate. */
  readonly dnsNames?: readonly string[]
  /**
   * Generate a new CA for this cluster instead of the per-process cached one (for a test that needs two clusters
   * with different CAs, such as a fingerprint mismatch).
   */
  readonly freshCertificates?: boolean
  /** Defaults for every node (host, roles, publish address form). */
  readonly nodeDefaults?: NodeOptions
  /**
   * Compress answers when the request's `accept-encoding` allows gzip or deflate. Default true. (Elasticsearch's
   * `http.compression` defaults to false when HTTPS is on; set false to act like that.)
   */
  readonly compression?: boolean
  /**
   * TLS client certificates (Elasticsearch's `xpack.security.http.ssl.client_authentication`): `optional` asks for
   * one and checks it against the HTTP CA if sent; `required` refuses the handshake without one. Default `none`.
   * Make certificates with {@link TestCluster.createClientCertificate}.
   */
  readonly clientAuthentication?: 'none' | 'optional' | 'required'
  /** Also start an Elastic Cloud-like endpoint (see {@link TestCluster.cloud}). */
  readonly cloud?: boolean | CloudOptions
  /**
   * HTTPS when security is on. Default true; `false` serves plain HTTP with authentication still on (Elasticsearch's
   * `xpack.security.http.ssl.enabled: false`): for runtimes that cannot be given a CA (workerd, browsers).
   */
  readonly tls?: boolean
  /**
   * Elasticsearch's `http.cors.*`: `true` allows any origin; or the settings. Off by default, as in Elasticsearch.
   */
  readonly cors?: boolean | CorsOptions
}

/**
 * The CORS settings of the test cluster, as Elasticsearch's `http.cors.*` (`http.cors.enabled` is implied).
 * @public
 */
export interface CorsOptions {
  /** `http.cors.allow-origin`: an origin, or `*`. Default `*`. */
  readonly allowOrigin?: string
  /** `http.cors.allow-headers`. Default `Authorization, Content-Type, Content-Encoding`. */
  readonly allowHeaders?: string
  /** `http.cors.expose-headers`. Default `X-Elastic-Product`. */
  readonly exposeHeaders?: string
  /** `http.cors.allow-methods`. Default `OPTIONS, HEAD, GET, POST, PUT, DELETE`. */
  readonly allowMethods?: string
}

/** The Elastic Cloud-like endpoint of a cluster. @public */
export interface CloudEndpoint {
  /** `name:base64(host:port$es_uuid$kibana_uuid)`. */
  readonly cloudId: string
  /** `https://<es_uuid>.<host>:<port>`. */
  readonly url: string
  /** `<es_uuid>.<host>`: the SNI and Host name the endpoint answers for. */
  readonly hostname: string
  readonly host: string
  readonly port: number
  readonly esUuid: string
  readonly kibanaUuid: string
  /** The endpoint as a node: its counters, requests and faults. */
  readonly node: TestNode
}

/** A running test cluster. `await using` closes it. @public */
export interface TestCluster extends AsyncDisposable {
  /** The nodes, in start order (stopped nodes stay in the list). */
  readonly nodes: readonly TestNode[]
  /** The first node's URL. */
  readonly url: string
  /** Every node's URL. */
  readonly urls: readonly string[]
  readonly security: boolean
  /** `elastic`. */
  readonly username: string
  /** The `elastic` password ('' when security is off). */
  readonly password: string
  /** The HTTP CA certificate, PEM (undefined when security is off). */
  readonly caCert: string | undefined
  /** `<configDir>/certs/http_ca.crt` (undefined when security is off). */
  readonly caCertPath: string | undefined
  /** SHA-256 of the HTTP CA, uppercase hex with colons (`openssl x509 -fingerprint -sha256`). */
  readonly caFingerprint: string | undefined
  /** SHA-256 of the HTTP CA, lowercase hex without colons (what Elasticsearch prints). */
  readonly caFingerprintHex: string | undefined
  /** The node certificate, PEM (the leaf of the served chain). */
  readonly nodeCert: string | undefined
  readonly configDir: string
  readonly version: string
  readonly clusterName: string
  readonly clusterUuid: string
  /** The cloud endpoint, when started with `cloud`. */
  readonly cloud: CloudEndpoint | undefined
  /** The shared document store (indices, documents, write counts). */
  readonly store: DocumentStore
  /** Users, API keys and tokens (undefined when security is off). */
  readonly realm: SecurityRealm | undefined
  /** Set false to drop `X-elastic-product` from every answer (the product-check test). */
  productHeader: boolean
  /** A node by name or index. */
  node(nameOrIndex: string | number): TestNode
  /** Adds and starts a node (it appears in `GET /_nodes/http`). */
  addNode(options?: NodeOptions): Promise<TestNode>
  /** Adds a fault for the next matching requests to any node (checked before per-node faults). */
  inject(fault: Fault, options?: InjectOptions): InjectedFault
  /** Removes every cluster and node fault. */
  clearFaults(): void
  /** Adds a native user. Default roles `['superuser']`; `['viewer']` reads only, `[]` may do nothing. */
  addUser(username: string, password: string, roles?: readonly string[]): void
  /** Creates an API key for `elastic` (or `username`), as `POST /_security/api_key` would. */
  createApiKey(options?: { name?: string; expirationMs?: number; username?: string }): CreatedApiKey
  /** Invalidates an API key by id. */
  invalidateApiKey(id: string): void
  /** Makes an API key expired from now on. */
  expireApiKey(id: string): void
  /** Creates an OAuth2 access token (with refresh token) for `elastic` or `username`. */
  createToken(username?: string): CreatedToken
  /** Makes an access token expired from now on. */
  expireToken(accessToken: string): void
  /** Creates a service account token (default account `elastic/fleet-server`). */
  createServiceToken(options?: { serviceAccount?: string; name?: string }): ServiceToken
  /** A TLS client certificate signed by the HTTP CA (for `clientAuthentication`), PEM. */
  createClientCertificate(commonName?: string): Promise<{ readonly cert: string; readonly key: string }>
  /** Successful writes of a document (index, create, update, delete), across all nodes. */
  writeCount(index: string, id: string): number
  /** Every request of every node (and the cloud endpoint), in arrival order per node. */
  requests(): Array<RecordedRequest & { node: string }>
  /** The counters summed over all nodes. */
  totalStats(): NodeStats
  /** Zeroes every node's counters and recorded requests. */
  resetStats(): void
  /** The block Elasticsearch prints at first start, plus the URLs. */
  banner(): string
  /** A summary without secrets (names, version, URLs). */
  toJSON(): unknown
  /** Stops every node and removes the temporary config folder. */
  close(): Promise<void>
}

function nodeId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22)
}

class Cluster implements NodeCluster {
  readonly faults: FaultQueue = new FaultQueue()
  productHeader = true
  compression = true
  clientAuthentication: 'none' | 'optional' | 'required' = 'none'
  clientCa: string | undefined = undefined
  cors: Required<CorsOptions> | undefined = undefined
  readonly store: DocumentStore = new DocumentStore()
  readonly nodes: TestNode[] = []
  readonly version: VersionInfo
  readonly clusterUuid: string = nodeId()
  readonly clusterName: string
  readonly security: SecurityRealm | undefined
  readonly tls: { readonly cert: string; readonly key: string } | undefined
  constructor(
    clusterName: string,
    version: string,
    security: SecurityRealm | undefined,
    tls: { readonly cert: string; readonly key: string } | undefined,
  ) {
    this.clusterName = clusterName
    this.version = versionInfo(version)
    this.security = security
    this.tls = tls
  }
  liveNodes(): readonly TestNode[] {
    return this.nodes.filter((n) => n.running)
  }
}

function checkOptions(options: StartClusterOptions): void {
  const n = options.nodes
  if (typeof n === 'object' && n.length === 0) {
    throw new TypeError('startCluster: `nodes` must list at least one node; pass `nodes: 1` or `[{}]`')
  }
  if (typeof n === 'number' && (!Number.isInteger(n) || n < 1)) {
    throw new TypeError(`startCluster: \`nodes\` must be a positive integer or an array of node options, got ${n}`)
  }
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)) {
    throw new TypeError(`startCluster: \`port\` must be an integer from 0 to 65535, got ${options.port}`)
  }
  if (
    options.clientAuthentication !== undefined &&
    options.clientAuthentication !== 'none' &&
    options.security === false
  ) {
    throw new TypeError('startCluster: `clientAuthentication` needs TLS; remove `security: false`')
  }
  if (options.tls === false && options.clientAuthentication !== undefined && options.clientAuthentication !== 'none') {
    throw new TypeError('startCluster: `clientAuthentication` needs TLS; remove `tls: false`')
  }
  if (options.cloud !== undefined && options.cloud !== false && (options.security === false || options.tls === false)) {
    throw new TypeError(
      'startCluster: `cloud` needs `security` (Elastic Cloud is HTTPS only); remove `security: false`',
    )
  }
}

/**
 * Starts N Elasticsearch-like nodes on loopback sharing one document store and one security realm.
 *
 * @example
 * ```ts
 * await using cluster = await startCluster({ nodes: 3 })
 * const dispatcher = new Agent({ connect: { ca: cluster.caCert } }) // undici
 * const authorization = `Basic ${Buffer.from(`elastic:${cluster.password}`).toString('base64')}`
 * const res = await request(cluster.url, { dispatcher, headers: { authorization } })
 * ```
 * @public
 */
export async function startCluster(options: StartClusterOptions = {}): Promise<TestCluster> {
  checkOptions(options)
  const securityOn = options.security !== false
  const version = options.version ?? '9.1.0'
  versionInfo(version)
  const password = securityOn ? (options.password ?? generatePassword()) : ''
  const cloudOptions =
    options.cloud === true ? {} : options.cloud === false || options.cloud === undefined ? undefined : options.cloud
  const cloudHost = cloudOptions?.host ?? CLOUD_DOMAIN
  const esUuid = cloudOptions?.esUuid ?? randomBytes(16).toString('hex')
  const kibanaUuid = cloudOptions?.kibanaUuid ?? randomBytes(16).toString('hex')
  const cloudName = `${esUuid}.${cloudHost}`

  const certs =
    securityOn && options.tls !== false
      ? await clusterCertificates(options.dnsNames ?? [], options.freshCertificates === true)
      : undefined
  const createdDir = options.configDir === undefined
  const configDir = options.configDir ?? (await mkdtemp(join(tmpdir(), 'stretch-test-cluster-')))
  let caCertPath: string | undefined
  if (certs !== undefined) {
    await mkdir(join(configDir, 'certs'), { recursive: true })
    caCertPath = join(configDir, 'certs', 'http_ca.crt')
    await writeFile(caCertPath, certs.ca.cert)
  }
  const realm = securityOn ? new SecurityRealm(password) : undefined
  const state = new Cluster(
    options.clusterName ?? 'stretch-test-cluster',
    version,
    realm,
    certs === undefined ? undefined : { cert: certs.chain, key: certs.server.key },
  )
  state.compression = options.compression !== false
  if (options.cors !== undefined && options.cors !== false) {
    const cors = options.cors === true ? {} : options.cors
    state.cors = {
      allowOrigin: cors.allowOrigin ?? '*',
      allowHeaders: cors.allowHeaders ?? 'Authorization, Content-Type, Content-Encoding',
      exposeHeaders: cors.exposeHeaders ?? 'X-Elastic-Product',
      allowMethods: cors.allowMethods ?? 'OPTIONS, HEAD, GET, POST, PUT, DELETE',
    }
  }
  state.clientAuthentication = options.clientAuthentication ?? 'none'
  state.clientCa = certs?.ca.cert

  const specs: readonly NodeOptions[] =
    typeof options.nodes === 'object' ? options.nodes : Array.from({ length: options.nodes ?? 1 }, () => ({}))
  const addNode = async (nodeOptions: NodeOptions = {}): Promise<TestNode> => {
    const node = new TestNode(state, nodeId(), state.nodes.length, { ...(options.nodeDefaults ?? {}), ...nodeOptions })
    await node.start()
    state.nodes.push(node)
    return node
  }
  let cloud: CloudEndpoint | undefined
  try {
    for (const [i, spec] of specs.entries()) {
      const port = spec.port ?? (options.port !== undefined && options.port !== 0 ? options.port + i : undefined)
      await addNode(port === undefined ? spec : { ...spec, port })
    }
    if (cloudOptions !== undefined && certs !== undefined) {
      cloud = await startCloud(state, cloudOptions, cloudName, esUuid, kibanaUuid, cloudHost, options)
    }
  } catch (error) {
    await Promise.all(state.nodes.map((n) => n.stop()))
    if (createdDir) await rm(configDir, { recursive: true, force: true })
    throw error
  }

  const fingerprint = certs === undefined ? undefined : new X509Certificate(certs.ca.cert).fingerprint256
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await Promise.all([...state.nodes.map((n) => n.stop()), cloud?.node.stop()])
      if (createdDir) await rm(configDir, { recursive: true, force: true })
    })()
    return closing
  }
  const need = (): SecurityRealm => {
    if (realm === undefined)
      throw new TypeError('test cluster: security is off; start the cluster with `security: true`')
    return realm
  }
  const userOf = (username: string) => {
    const u = need().users.get(username)
    if (u === undefined) throw new TypeError(`test cluster: no user named '${username}'; add it with addUser()`)
    return {
      username,
      roles: u.roles,
      authenticationType: 'realm' as const,
      realm: username === 'elastic' ? 'reserved' : 'default_native',
    }
  }

  const cluster: TestCluster = {
    get nodes() {
      return state.nodes
    },
    get url() {
      return (state.nodes[0] as TestNode).url
    },
    get urls() {
      return state.nodes.map((n) => n.url)
    },
    security: securityOn,
    username: 'elastic',
    password,
    caCert: certs?.ca.cert,
    caCertPath,
    caFingerprint: fingerprint,
    caFingerprintHex: fingerprint?.replaceAll(':', '').toLowerCase(),
    nodeCert: certs?.server.cert,
    configDir,
    version,
    clusterName: state.clusterName,
    clusterUuid: state.clusterUuid,
    cloud,
    store: state.store,
    realm,
    get productHeader() {
      return state.productHeader
    },
    set productHeader(v: boolean) {
      state.productHeader = v
    },
    node(nameOrIndex) {
      const node =
        typeof nameOrIndex === 'number'
          ? state.nodes[nameOrIndex]
          : state.nodes.find((n) => n.name === nameOrIndex || n.id === nameOrIndex)
      if (node === undefined) throw new TypeError(`test cluster: no node ${JSON.stringify(nameOrIndex)}`)
      return node
    },
    addNode,
    inject: (fault, injectOptions) => state.faults.add(fault, injectOptions),
    clearFaults() {
      state.faults.clear()
      for (const n of state.nodes) n.faults.clear()
      cloud?.node.faults.clear()
    },
    addUser: (username, pw, roles) => need().addUser(username, pw, roles),
    createApiKey: (o = {}) =>
      need().createApiKey(userOf(o.username ?? 'elastic'), o.name ?? 'test-key', o.expirationMs),
    invalidateApiKey: (id) => {
      need().invalidateApiKeys({ ids: [id] })
    },
    expireApiKey: (id) => {
      const key = need().apiKeys.get(id)
      if (key === undefined) throw new TypeError('test cluster: expireApiKey: unknown API key id')
      key.expiration = need().now() - 1
    },
    createToken: (username = 'elastic') => need().createToken(userOf(username), true),
    expireToken: (token) => {
      if (!need().expireToken(token)) throw new TypeError('test cluster: expireToken: unknown access token')
    },
    createServiceToken: (o = {}) => need().createServiceToken(o.serviceAccount, o.name),
    createClientCertificate: async (commonName = 'stretch-client') => {
      if (certs === undefined) throw new TypeError('test cluster: client certificates need `security: true`')
      const made = await createCertificates({ issuer: certs.ca, commonName, client: true })
      return { cert: made.server.cert, key: made.server.key }
    },
    writeCount: (index, id) => state.store.writeCounts.get(`${index}/${id}`) ?? 0,
    requests: () =>
      [...state.nodes, ...(cloud === undefined ? [] : [cloud.node])].flatMap((n) =>
        n.requests.map((r) => Object.assign(Object.create(null), r, { node: n.name })),
      ),
    totalStats() {
      const total: NodeStats = {
        requests: 0,
        connections: 0,
        tlsHandshakes: 0,
        tlsFailures: 0,
        httpBytesReceived: 0,
        tcpBytesReceived: 0,
        bodyBytesSent: 0,
      }
      for (const n of state.nodes) {
        for (const key of Object.keys(total) as Array<keyof NodeStats>)
          total[key] += key === 'tcpBytesReceived' ? n.tcpBytesReceived : n.stats[key]
      }
      return total
    },
    resetStats() {
      for (const n of state.nodes) n.resetStats()
      cloud?.node.resetStats()
    },
    banner: () => banner(cluster),
    // The cluster holds secrets by design; keep them out of logs and JSON dumps all the same.
    [Symbol.for('nodejs.util.inspect.custom')]: () =>
      `TestCluster { ${state.clusterName}, ${securityOn ? 'https' : 'http'}, nodes: [${state.nodes.map((n) => n.url).join(', ')}] }`,
    toJSON: () => ({
      clusterName: state.clusterName,
      version,
      security: securityOn,
      urls: state.nodes.map((n) => n.url),
    }),
    close,
    [Symbol.asyncDispose]: close,
  }
  return cluster
}

async function startCloud(
  state: Cluster,
  cloudOptions: CloudOptions,
  hostname: string,
  esUuid: string,
  kibanaUuid: string,
  host: string,
  options: StartClusterOptions,
): Promise<CloudEndpoint> {
  const certs = await clusterCertificates(
    [...(options.dnsNames ?? []), hostname, `${kibanaUuid}.${host}`],
    options.freshCertificates === true,
  )
  let port = cloudOptions.port ?? 0
  const unknown = (): { status: number; body: unknown } => ({
    status: 404,
    body: { ok: false, message: 'Unknown resource.' },
  })
  const node: TestNode = new TestNode(
    state,
    nodeId(),
    0,
    { name: 'instance-0000000000', ...(cloudOptions.port === undefined ? {} : { port: cloudOptions.port }) },
    {
      tls: { cert: certs.chain, key: certs.server.key },
      requireServername: hostname,
      headers: { 'x-found-handling-cluster': esUuid, 'x-found-handling-instance': 'instance-0000000000' },
      // The Cloud proxy routes by SNI and Host; anything else is an unknown resource to it.
      gate: (req: IncomingMessage) => {
        const servername = (req.socket as TLSSocket).servername
        const hostHeader = String(req.headers.host ?? '').toLowerCase()
        const expected = [`${hostname}:${port}`, ...(port === 443 ? [hostname] : [])]
        if (servername !== hostname || !expected.includes(hostHeader)) return unknown()
        return undefined
      },
    },
  )
  await node.start()
  port = node.port
  const cloudId = `${cloudOptions.name ?? 'stretch-deployment'}:${Buffer.from(`${host}:${port}$${esUuid}$${kibanaUuid}`).toString('base64')}`
  return { cloudId, url: `https://${hostname}:${port}`, hostname, host, port, esUuid, kibanaUuid, node }
}

/** The start-up block of Elasticsearch's security auto-configuration, with the URLs instead of enrollment tokens. */
function banner(cluster: TestCluster): string {
  // The layout of the seed page (connecting.md): a dashed rule, `->` lines, values indented by two spaces.
  const line = '-'.repeat(64)
  const out: string[] = [line]
  if (cluster.security) {
    out.push(
      '-> Elasticsearch security features have been automatically configured!',
      '-> Authentication is enabled and cluster connections are encrypted.',
      '',
      '->  Password for the elastic user (reset with `bin/elasticsearch-reset-password -u elastic`):',
      `  ${cluster.password}`,
      '',
      '->  HTTP CA certificate SHA-256 fingerprint:',
      `  ${cluster.caFingerprintHex}`,
      '',
      '->  HTTP CA certificate:',
      `  ${cluster.caCertPath}`,
      '',
    )
  } else {
    out.push('-> Elasticsearch security features are disabled: plain HTTP, no authentication.', '')
  }
  out.push(`->  Nodes (Elasticsearch ${cluster.version}, cluster ${cluster.clusterName}):`)
  for (const n of cluster.nodes) out.push(`  ${n.url}  ${n.name}  [${n.roles.join(', ')}]`)
  if (cluster.cloud !== undefined) {
    out.push(
      '',
      `->  Cloud ID (resolve ${cluster.cloud.hostname} to 127.0.0.1):`,
      `  ${cluster.cloud.cloudId}`,
      `  ${cluster.cloud.url}`,
    )
  }
  out.push(line)
  return `${out.join('\n')}\n`
}
