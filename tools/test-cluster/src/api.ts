import type { DocumentStore, WriteOptions } from './document-store.js'
import { EsHttpError, esError, illegalArgument, parsingError, type Reply } from './es-errors.js'
import { runEsql } from './esql.js'
import { esqlToArrow } from './esql-arrow.js'
import { checkParams } from './rest-spec.js'
import { parseKeepAlive, validationFailed } from './search-contexts.js'
import type { AuthenticatedUser, SecurityRealm } from './security-realm.js'
import { parseDuration, safeEqual } from './security-realm.js'
import type { VersionInfo } from './versions.js'

type Json = Record<string, unknown>

/** What the REST layer needs to know about a node. */
export interface ApiNode {
  readonly id: string
  readonly name: string
  readonly roles: readonly string[]
  readonly attributes: Readonly<Record<string, string>>
  readonly host: string
  readonly port: number
  readonly publishAddress: string
  readonly hostname: string
}

/** What the REST layer needs to know about the cluster. */
export interface ApiCluster {
  readonly clusterName: string
  readonly clusterUuid: string
  readonly version: VersionInfo
  readonly security: SecurityRealm | undefined
  readonly store: DocumentStore
  liveNodes(): readonly ApiNode[]
}

/** A decoded request. */
export interface ApiRequest {
  readonly method: string
  readonly path: string
  readonly params: URLSearchParams
  readonly body: Buffer
  readonly user: AuthenticatedUser | undefined
  readonly node: ApiNode
  /** A `bulk-reject` fault: these item positions (all when undefined) get `status` instead of being written. */
  readonly bulkReject?: {
    readonly items: readonly number[] | undefined
    readonly status: number
    /** Each item is rejected with this probability (when `items` is undefined). */
    readonly ratio?: { readonly p: number; readonly random: () => number } | undefined
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Parses a JSON body; empty is `undefined`; bad JSON is Elasticsearch's 400. */
export function jsonBody(req: ApiRequest, required = false): Json | undefined {
  if (req.body.length === 0) {
    if (required) throw new EsHttpError(esError(400, 'parse_exception', 'request body is required'))
    return undefined
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(req.body.toString('utf8'))
  } catch (error) {
    throw new EsHttpError(
      esError(400, 'x_content_parse_exception', `[1:1] Unexpected character: ${(error as Error).message}`, {
        line: 1,
        col: 1,
      }),
    )
  }
  if (!isObject(parsed)) throw new EsHttpError(parsingError('request body must be a JSON object'))
  return parsed
}

/** Splits an NDJSON body into parsed lines; the body must end with a newline, as Elasticsearch requires for `_bulk`. */
export function ndjsonLines(req: ApiRequest, requireNewline: boolean): unknown[] {
  const text = req.body.toString('utf8')
  if (text.trim() === '')
    throw new EsHttpError(
      esError(400, 'action_request_validation_exception', 'Validation Failed: 1: no requests added;'),
    )
  if (requireNewline && !text.endsWith('\n'))
    throw new EsHttpError(illegalArgument('The bulk request must be terminated by a newline [\\n]'))
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as unknown
      } catch {
        throw new EsHttpError(
          illegalArgument(`Malformed action/metadata line [${i + 1}], expected START_OBJECT but found [VALUE_STRING]`),
        )
      }
    })
}

type Handler = (req: ApiRequest, p: Record<string, string>, c: ApiCluster) => Reply | Promise<Reply>

interface Route {
  readonly methods: readonly string[]
  readonly parts: readonly string[]
  readonly handler: Handler
}

const routes: Route[] = []

function route(methods: string, pattern: string, handler: Handler): void {
  routes.push({ methods: methods.split(','), parts: pattern.split('/').filter((p) => p !== ''), handler })
}

function matchRoute(parts: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (parts.length !== segments.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string
    const seg = segments[i] as string
    if (part.startsWith(':')) {
      // An index name never starts with `_` (except `_all`); this keeps `/_search` from matching `/:index`.
      if (part === ':index' && seg.startsWith('_') && seg !== '_all') return undefined
      params[part.slice(1)] = seg
    } else if (part !== seg) return undefined
  }
  return params
}

/** Routes a request to its handler. Unknown endpoints get Elasticsearch's 400 / 405 answers. */
export async function handleApi(req: ApiRequest, cluster: ApiCluster): Promise<Reply> {
  let segments: string[]
  try {
    segments = req.path
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s))
  } catch {
    return illegalArgument(`invalid escape in the path [${req.path}]`)
  }
  const method = req.method === 'HEAD' ? 'HEAD' : req.method
  const allowed = new Set<string>()
  for (const r of routes) {
    const params = matchRoute(r.parts, segments)
    if (params === undefined) continue
    if (!r.methods.includes(method) && !(method === 'HEAD' && r.methods.includes('GET'))) {
      for (const m of r.methods) allowed.add(m)
      continue
    }
    // BaseRestHandler: a query parameter the endpoint does not take is a 400 (Elasticsearch checks after parsing
    // the request; here before, so a request with two mistakes may name the other one first).
    const unknown = checkParams(method, req.path, segments, req.params)
    if (unknown !== undefined) return unknown
    try {
      return await r.handler(req, params, cluster)
    } catch (error) {
      if (error instanceof EsHttpError) return error.reply
      throw error
    }
  }
  if (allowed.size > 0) {
    return {
      status: 405,
      body: {
        error: `Incorrect HTTP method for uri [${req.path}] and method [${req.method}], allowed: [${[...allowed].join(', ')}]`,
        status: 405,
      },
      headers: { allow: [...allowed].join(',') },
    }
  }
  return { status: 400, body: { error: `no handler found for uri [${req.path}] and method [${req.method}]` } }
}

function writeOptions(params: URLSearchParams): WriteOptions {
  const seq = params.get('if_seq_no')
  const term = params.get('if_primary_term')
  return {
    ...(params.get('op_type') === 'create' ? { opType: 'create' as const } : {}),
    ...(seq === null ? {} : { ifSeqNo: Number(seq) }),
    ...(term === null ? {} : { ifPrimaryTerm: Number(term) }),
  }
}

function need(user: AuthenticatedUser | undefined, write: boolean): void {
  if (user === undefined) return
  const roles = user.roles
  if (roles.includes('superuser') || user.authenticationType === 'service_account') return
  if (!write && roles.some((r) => r === 'viewer' || r === 'editor')) return
  if (write && roles.includes('editor')) return
  throw new EsHttpError(
    esError(
      403,
      'security_exception',
      `action [${write ? 'indices:data/write' : 'indices:data/read'}] is unauthorized for user [${user.username}] with effective roles [${roles.join(',')}]`,
    ),
  )
}

function docId(params: Record<string, string>): string {
  return params['id'] as string
}

// --- info, health, nodes ---------------------------------------------------------------------------------------------

route('GET', '/', (req, _p, c) => ({
  status: 200,
  body: {
    name: req.node.name,
    cluster_name: c.clusterName,
    cluster_uuid: c.clusterUuid,
    version: {
      number: c.version.number,
      build_flavor: 'default',
      build_type: 'tar',
      build_hash: c.version.buildHash,
      build_date: c.version.buildDate,
      build_snapshot: false,
      lucene_version: c.version.lucene,
      minimum_wire_compatibility_version: c.version.minimumWire,
      minimum_index_compatibility_version: c.version.minimumIndex,
    },
    tagline: 'You Know, for Search',
  },
}))

function health(_req: ApiRequest, _p: Record<string, string>, c: ApiCluster): Reply {
  const nodes = c.liveNodes()
  const shards = c.store.indices.size
  return {
    status: 200,
    body: {
      cluster_name: c.clusterName,
      status: 'green',
      timed_out: false,
      number_of_nodes: nodes.length,
      number_of_data_nodes: nodes.filter((n) => n.roles.some((r) => r.startsWith('data'))).length,
      active_primary_shards: shards,
      active_shards: shards,
      relocating_shards: 0,
      initializing_shards: 0,
      unassigned_shards: 0,
      unassigned_primary_shards: 0,
      delayed_unassigned_shards: 0,
      number_of_pending_tasks: 0,
      number_of_in_flight_fetch: 0,
      task_max_waiting_in_queue_millis: 0,
      active_shards_percent_as_number: 100.0,
    },
  }
}
route('GET', '/_cluster/health', health)
route('GET', '/_cluster/health/:index', health)

function nodesInfo(_req: ApiRequest, _p: Record<string, string>, c: ApiCluster): Reply {
  const nodes = c.liveNodes()
  return {
    status: 200,
    body: {
      _nodes: { total: nodes.length, successful: nodes.length, failed: 0 },
      cluster_name: c.clusterName,
      nodes: Object.fromEntries(
        nodes.map((n) => {
          const ipText = n.host.includes(':') ? `[${n.host}]` : n.host
          return [
            n.id,
            {
              name: n.name,
              transport_address: `${ipText}:${9300 + c.liveNodes().indexOf(n)}`,
              host: n.publishAddress.includes('/') ? n.hostname : n.host,
              ip: n.host,
              version: c.version.number,
              build_flavor: 'default',
              build_type: 'tar',
              build_hash: c.version.buildHash,
              roles: n.roles,
              attributes: n.attributes,
              http: {
                bound_address: [`${ipText}:${n.port}`],
                publish_address: n.publishAddress,
                max_content_length_in_bytes: 104857600,
              },
            },
          ]
        }),
      ),
    },
  }
}
route('GET', '/_nodes', nodesInfo)
route('GET', '/_nodes/http', nodesInfo)
route('GET', '/_nodes/_all/http', nodesInfo)
route('GET', '/_nodes/:nodes/http', nodesInfo)

// --- security ----------------------------------------------------------------------------------------------------------

function realm(c: ApiCluster): SecurityRealm {
  if (c.security === undefined) {
    throw new EsHttpError(
      esError(
        500,
        'illegal_state_exception',
        'Security must be explicitly enabled when using a [basic] license. Enable security by setting [xpack.security.enabled] to [true] in the elasticsearch.yml file and restart the node.',
      ),
    )
  }
  return c.security
}

route('GET', '/_security/_authenticate', (req, _p, c) => {
  realm(c)
  const u = req.user as AuthenticatedUser
  return {
    status: 200,
    body: {
      username: u.username,
      roles: u.roles,
      full_name: null,
      email: null,
      metadata: {},
      enabled: true,
      authentication_realm: {
        name: u.realm,
        type: u.authenticationType === 'realm' ? (u.realm === 'reserved' ? 'reserved' : 'native') : u.realm,
      },
      lookup_realm: { name: u.realm, type: u.realm },
      authentication_type: u.authenticationType,
      ...(u.apiKey === undefined ? {} : { api_key: u.apiKey }),
    },
  }
})

function createApiKey(req: ApiRequest, _p: Record<string, string>, c: ApiCluster): Reply {
  const sec = realm(c)
  const body = jsonBody(req) ?? {}
  const expiration = body['expiration'] === undefined ? undefined : parseDuration(body['expiration'])
  if (body['expiration'] !== undefined && expiration === undefined) {
    return parsingError(
      `failed to parse setting [expiration] with value [${String(body['expiration'])}] as a time value`,
    )
  }
  const name = typeof body['name'] === 'string' ? body['name'] : ''
  return { status: 200, body: sec.createApiKey(req.user as AuthenticatedUser, name, expiration) }
}
route('POST,PUT', '/_security/api_key', createApiKey)

route('DELETE', '/_security/api_key', (req, _p, c) => {
  const sec = realm(c)
  const body = jsonBody(req, true) ?? {}
  const ids = Array.isArray(body['ids'])
    ? body['ids'].map(String)
    : typeof body['id'] === 'string'
      ? [body['id']]
      : undefined
  const name = typeof body['name'] === 'string' ? body['name'] : undefined
  const username =
    body['owner'] === true ? req.user?.username : typeof body['username'] === 'string' ? body['username'] : undefined
  if (ids === undefined && name === undefined && username === undefined) {
    return esError(
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false;',
    )
  }
  const { invalidated, previously } = sec.invalidateApiKeys({
    ...(ids === undefined ? {} : { ids }),
    ...(name === undefined ? {} : { name }),
    ...(username === undefined ? {} : { username }),
  })
  return {
    status: 200,
    body: { invalidated_api_keys: invalidated, previously_invalidated_api_keys: previously, error_count: 0 },
  }
})

route('GET', '/_security/api_key', (req, _p, c) => {
  const sec = realm(c)
  const id = req.params.get('id')
  const name = req.params.get('name')
  const keys = [...sec.apiKeys.values()].filter(
    (k) => (id === null || k.id === id) && (name === null || k.name === name),
  )
  return {
    status: 200,
    body: {
      api_keys: keys.map((k) => ({
        id: k.id,
        name: k.name,
        type: 'rest',
        creation: k.creation,
        ...(k.expiration === undefined ? {} : { expiration: k.expiration }),
        invalidated: k.invalidated,
        username: k.username,
        realm: 'reserved',
        metadata: {},
      })),
    },
  }
})

route('POST', '/_security/oauth2/token', (req, _p, c) => {
  const sec = realm(c)
  const body = jsonBody(req, true) ?? {}
  const grant = body['grant_type']
  if (grant === 'password') {
    const username = String(body['username'] ?? '')
    const user = sec.users.get(username)
    if (user === undefined || !safeEqual(user.password, String(body['password'] ?? ''))) {
      return esError(401, 'security_exception', `failed to authenticate user [${username}]`, {
        header: { 'WWW-Authenticate': 'Bearer realm="security"' },
      })
    }
    return {
      status: 200,
      body: sec.createToken(
        {
          username,
          roles: user.roles,
          authenticationType: 'realm',
          realm: username === 'elastic' ? 'reserved' : 'default_native',
        },
        true,
      ),
    }
  }
  if (grant === 'client_credentials')
    return { status: 200, body: sec.createToken(req.user as AuthenticatedUser, false) }
  if (grant === 'refresh_token') {
    const refreshed = sec.refresh(String(body['refresh_token'] ?? ''))
    if (refreshed === undefined) {
      return esError(400, 'invalid_grant', 'token has already been refreshed more than 30 seconds in the past', {})
    }
    return { status: 200, body: refreshed }
  }
  return esError(
    400,
    'action_request_validation_exception',
    `Validation Failed: 1: grant_type [${String(grant)}] is not supported;`,
  )
})

route('DELETE', '/_security/oauth2/token', (req, _p, c) => {
  const sec = realm(c)
  const body = jsonBody(req, true) ?? {}
  const token =
    typeof body['token'] === 'string'
      ? body['token']
      : typeof body['refresh_token'] === 'string'
        ? body['refresh_token']
        : ''
  const n = sec.invalidateToken(token)
  return {
    status: 200,
    body: { invalidated_tokens: n, previously_invalidated_tokens: n === 0 ? 1 : 0, error_count: 0 },
  }
})

route('POST,PUT', '/_security/service/:namespace/:service/credential/token/:name', (_req, p, c) => {
  const token = realm(c).createServiceToken(`${p['namespace']}/${p['service']}`, p['name'])
  return { status: 200, body: { created: true, token: { name: token.name, value: token.value } } }
})
route('POST', '/_security/service/:namespace/:service/credential/token', (_req, p, c) => {
  const token = realm(c).createServiceToken(`${p['namespace']}/${p['service']}`)
  return { status: 200, body: { created: true, token: { name: token.name, value: token.value } } }
})

// --- documents ---------------------------------------------------------------------------------------------------------

route('GET,POST', '/_refresh', (req, _p, c) => refreshIndex(req, {}, c))

function search(req: ApiRequest, p: Record<string, string>, c: ApiCluster): Reply {
  need(req.user, false)
  return c.store.search(p['index'], jsonBody(req) ?? {}, req.params)
}
route('GET,POST', '/_search', search)
route('GET,POST', '/:index/_search', search)

function scrollIds(value: unknown): string[] {
  if (typeof value === 'string') return value.split(',').filter((s) => s !== '')
  if (Array.isArray(value)) return value.map(String)
  return []
}

function scroll(req: ApiRequest, p: Record<string, string>, c: ApiCluster): Reply {
  need(req.user, false)
  const body = jsonBody(req) ?? {}
  const id = body['scroll_id'] ?? req.params.get('scroll_id') ?? p['scroll_id']
  if (typeof id !== 'string' || id === '') return validationFailed(['scrollId is missing'])
  const keepAlive = body['scroll'] ?? req.params.get('scroll') ?? undefined
  return c.store.scroll(
    id,
    keepAlive === undefined ? undefined : parseKeepAlive(keepAlive, 'scroll', 'search.max_keep_alive', true),
  )
}
route('GET,POST', '/_search/scroll', scroll)
route('GET,POST', '/_search/scroll/:scroll_id', scroll)

function clearScroll(req: ApiRequest, p: Record<string, string>, c: ApiCluster): Reply {
  need(req.user, false)
  const body = jsonBody(req) ?? {}
  const ids = [...scrollIds(body['scroll_id']), ...scrollIds(req.params.get('scroll_id') ?? p['scroll_id'])]
  if (ids.length === 0) return validationFailed(['no scroll ids specified'])
  const freed = c.store.contexts.clearScrolls(ids)
  // ClearScrollResponse: 404 when nothing was freed (unknown, expired or already cleared), with the same body.
  return { status: freed === 0 ? 404 : 200, body: { succeeded: true, num_freed: freed } }
}
route('DELETE', '/_search/scroll', clearScroll)
route('DELETE', '/_search/scroll/:scroll_id', clearScroll)

route('POST', '/:index/_pit', (req, p, c) => {
  need(req.user, false)
  const keepAlive = req.params.get('keep_alive')
  if (keepAlive === null) return validationFailed(['[keep_alive] is not specified'])
  const ms = parseKeepAlive(keepAlive, 'keep_alive', 'point_in_time.max_keep_alive', false)
  return c.store.openPointInTime(p['index'] as string, ms, req.params)
})

route('DELETE', '/_pit', (req, _p, c) => {
  need(req.user, false)
  const body = jsonBody(req, true) ?? {}
  if (typeof body['id'] !== 'string') return validationFailed(['point in time id is missing'])
  const freed = c.store.contexts.closePit(body['id'])
  // ClosePointInTimeResponse: 200 whenever the request succeeded, even if the id had expired (num_freed 0).
  return { status: 200, body: { succeeded: true, num_freed: freed } }
})

function count(req: ApiRequest, p: Record<string, string>, c: ApiCluster): Reply {
  need(req.user, false)
  return c.store.count(p['index'], jsonBody(req) ?? {}, req.params)
}
route('GET,POST', '/_count', count)
route('GET,POST', '/:index/_count', count)

function msearch(req: ApiRequest, p: Record<string, string>, c: ApiCluster): Reply {
  need(req.user, false)
  const lines = ndjsonLines(req, false)
  const responses: unknown[] = []
  for (let i = 0; i < lines.length; i += 2) {
    const header = lines[i]
    const body = lines[i + 1] ?? {}
    if (!isObject(header) || !isObject(body))
      return parsingError('msearch: each search needs a header line and a body line')
    const index =
      typeof header['index'] === 'string'
        ? header['index']
        : Array.isArray(header['index'])
          ? header['index'].join(',')
          : p['index']
    let reply: Reply
    try {
      reply = c.store.search(index, body, new URLSearchParams())
    } catch (error) {
      if (!(error instanceof EsHttpError)) throw error
      reply = error.reply
    }
    responses.push(
      reply.status === 200
        ? { ...(reply.body as Json), status: 200 }
        : { error: (reply.body as Json)['error'], status: reply.status },
    )
  }
  return { status: 200, body: { took: 1, responses } }
}
route('GET,POST', '/_msearch', msearch)
route('GET,POST', '/:index/_msearch', msearch)

// ES|QL (a small subset, see esql.ts): JSON answers, and Apache Arrow IPC with `format=arrow` (esql-arrow.ts).
route('POST', '/_query', (req, _p, c) => {
  need(req.user, false)
  const format = req.params.get('format')
  if (format !== null && format !== 'json' && format !== 'arrow') {
    return illegalArgument(`the test cluster answers ES|QL in JSON or Arrow only, not [${format}]`)
  }
  const body = jsonBody(req, true) ?? {}
  const reply = runEsql(body['query'], (indices) => {
    const names = c.store.resolve(indices)
    if (!Array.isArray(names)) return names
    return names.flatMap((name) => [...(c.store.getIndex(name)?.docs.values() ?? [])].map((d) => d._source))
  })
  if (format !== 'arrow' || reply.status !== 200) return reply
  const { columns, values } = reply.body as { columns: Array<{ name: string; type: string }>; values: unknown[][] }
  return {
    status: 200,
    bytes: { data: esqlToArrow(columns, values), contentType: 'application/vnd.apache.arrow.stream' },
  }
})

function mget(req: ApiRequest, p: Record<string, string>, c: ApiCluster): Reply {
  need(req.user, false)
  const body = jsonBody(req, true) ?? {}
  const wanted: Array<{ index: string | undefined; id: string }> = Array.isArray(body['docs'])
    ? body['docs'].map((d) => ({
        index: isObject(d) && typeof d['_index'] === 'string' ? d['_index'] : p['index'],
        id: String(isObject(d) ? d['_id'] : d),
      }))
    : Array.isArray(body['ids'])
      ? body['ids'].map((id) => ({ index: p['index'], id: String(id) }))
      : []
  if (wanted.length === 0)
    return esError(400, 'action_request_validation_exception', 'Validation Failed: 1: no documents to get;')
  return {
    status: 200,
    body: {
      docs: wanted.map(({ index, id }) => {
        if (index === undefined)
          return {
            _index: null,
            _id: id,
            error: { type: 'action_request_validation_exception', reason: 'index is missing' },
          }
        const got = c.store.get(index, id)
        if (got.status === 404 && isObject(got.body['error'])) {
          const { root_cause: _r, ...error } = got.body['error']
          return { _index: index, _id: id, error }
        }
        return got.body
      }),
    },
  }
}
route('GET,POST', '/_mget', mget)
route('GET,POST', '/:index/_mget', mget)

route('POST,PUT', '/_bulk', (req, _p, c) => bulk(req, undefined, c))
route('POST,PUT', '/:index/_bulk', (req, p, c) => bulk(req, p['index'], c))

function bulk(req: ApiRequest, defaultIndex: string | undefined, c: ApiCluster): Reply {
  need(req.user, true)
  const lines = ndjsonLines(req, true)
  const items: unknown[] = []
  let errors = false
  const reject = req.bulkReject
  for (let i = 0; i < lines.length; i++) {
    const action = lines[i]
    if (!isObject(action) || Object.keys(action).length !== 1) {
      return illegalArgument(
        `Malformed action/metadata line [${i + 1}], expected a simple value for field [_index] but found [START_OBJECT]`,
      )
    }
    const [op, metaRaw] = Object.entries(action)[0] as [string, unknown]
    if (!['index', 'create', 'update', 'delete'].includes(op)) {
      return illegalArgument(
        `Malformed action/metadata line [${i + 1}], expected field [create], [delete], [index] or [update] but found [${op}]`,
      )
    }
    const meta = isObject(metaRaw) ? metaRaw : {}
    const index = typeof meta['_index'] === 'string' ? meta['_index'] : defaultIndex
    const id = meta['_id'] === undefined ? undefined : String(meta['_id'])
    let source: unknown
    if (op !== 'delete') {
      i += 1
      if (i >= lines.length) return illegalArgument(`Validation Failed: 1: ${op} requests need a source line;`)
      source = lines[i]
    }
    if (index === undefined) {
      errors = true
      items.push({
        [op]: {
          _index: null,
          _id: id ?? null,
          status: 400,
          error: { type: 'action_request_validation_exception', reason: 'Validation Failed: 1: index is missing;' },
        },
      })
      continue
    }
    const rejected =
      reject !== undefined &&
      (reject.items === undefined
        ? reject.ratio === undefined || reject.ratio.random() < reject.ratio.p
        : reject.items.includes(items.length))
    if (reject !== undefined && rejected) {
      errors = true
      const status = reject.status
      const error =
        status === 429
          ? {
              type: 'es_rejected_execution_exception',
              reason: `rejected execution of primary operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, primary_operation_bytes=1, max_coordinating_and_primary_bytes=0] on [${index}]`,
            }
          : { type: 'exception', reason: `injected bulk item status ${status}` }
      items.push({ [op]: { _index: index, _id: id ?? null, status, error } })
      continue
    }
    const options: WriteOptions = {
      ...(meta['if_seq_no'] === undefined ? {} : { ifSeqNo: Number(meta['if_seq_no']) }),
      ...(meta['if_primary_term'] === undefined ? {} : { ifPrimaryTerm: Number(meta['if_primary_term']) }),
    }
    let result: { status: number; body: Json }
    if (op === 'delete' || op === 'update') {
      if (id === undefined) {
        errors = true
        items.push({
          [op]: {
            _index: index,
            _id: null,
            status: 400,
            error: { type: 'action_request_validation_exception', reason: 'Validation Failed: 1: id is missing;' },
          },
        })
        continue
      }
      result = op === 'delete' ? c.store.delete(index, id, options) : c.store.update(index, id, source, options)
    } else {
      result = c.store.index(index, id, source, {
        ...options,
        ...(op === 'create' ? { opType: 'create' as const } : {}),
      })
    }
    const failed = result.status >= 400 && isObject(result.body['error'])
    if (failed) {
      errors = true
      const { root_cause: _r, ...error } = result.body['error'] as Json
      items.push({ [op]: { _index: index, _id: id ?? null, status: result.status, error } })
    } else {
      items.push({ [op]: { ...result.body, status: result.status } })
    }
  }
  return { status: 200, body: { errors, took: 1, items } }
}

function indexDoc(req: ApiRequest, p: Record<string, string>, c: ApiCluster, create: boolean): Reply {
  need(req.user, true)
  const body = jsonBody(req, true)
  const options = { ...writeOptions(req.params), ...(create ? { opType: 'create' as const } : {}) }
  const result = c.store.index(p['index'] as string, p['id'], body, options)
  return { status: result.status, body: result.body }
}
route('PUT,POST', '/:index/_doc/:id', (req, p, c) => indexDoc(req, p, c, false))
route('POST', '/:index/_doc', (req, p, c) => indexDoc(req, p, c, false))
route('PUT,POST', '/:index/_create/:id', (req, p, c) => indexDoc(req, p, c, true))

route('GET', '/:index/_doc/:id', (req, p, c) => {
  need(req.user, false)
  const result = c.store.get(p['index'] as string, docId(p))
  if (result.status === 200 && req.params.get('_source') === 'false') {
    const { _source: _s, ...rest } = result.body
    return { status: 200, body: rest }
  }
  return { status: result.status, body: result.body }
})
route('GET', '/:index/_source/:id', (req, p, c) => {
  need(req.user, false)
  const result = c.store.get(p['index'] as string, docId(p))
  if (result.status !== 200) {
    if (isObject(result.body['error'])) return { status: result.status, body: result.body }
    return esError(404, 'resource_not_found_exception', `Document not found [${p['index']}]/[${docId(p)}]`)
  }
  return { status: 200, body: result.body['_source'] }
})
route('DELETE', '/:index/_doc/:id', (req, p, c) => {
  need(req.user, true)
  const result = c.store.delete(p['index'] as string, docId(p), writeOptions(req.params))
  return { status: result.status, body: result.body }
})
route('POST', '/:index/_update/:id', (req, p, c) => {
  need(req.user, true)
  const result = c.store.update(p['index'] as string, docId(p), jsonBody(req, true), writeOptions(req.params))
  return { status: result.status, body: result.body }
})

// --- indices -----------------------------------------------------------------------------------------------------------

route('PUT', '/:index', (req, p, c) => {
  need(req.user, true)
  return c.store.createIndex(p['index'] as string, jsonBody(req) ?? {})
})
route('DELETE', '/:index', (req, p, c) => {
  need(req.user, true)
  return c.store.deleteIndex(p['index'] as string)
})
route('GET', '/:index', (req, p, c) => {
  need(req.user, false)
  const names = c.store.resolve(p['index'])
  if (!Array.isArray(names)) return names
  return {
    status: 200,
    body: Object.fromEntries(
      names.map((n) => {
        const i = c.store.getIndex(n)
        return [
          n,
          {
            aliases: i?.aliases ?? {},
            mappings: i?.mappings ?? {},
            settings: {
              index: {
                number_of_shards: '1',
                number_of_replicas: '1',
                ...(isObject(i?.settings['index']) ? i?.settings['index'] : i?.settings),
                uuid: i?.uuid,
                creation_date: String(i?.creationDate),
                provided_name: n,
                version: { created: '8000099' },
              },
            },
          },
        ]
      }),
    ),
  }
})
function refreshIndex(_req: ApiRequest, p: Record<string, string>, c: ApiCluster): Reply {
  const names = c.store.resolve(p['index'])
  if (!Array.isArray(names)) return names
  return { status: 200, body: { _shards: { total: names.length * 2, successful: names.length, failed: 0 } } }
}
route('GET,POST', '/:index/_refresh', refreshIndex)
route('PUT,POST', '/:index/_mapping', (req, p, c) => {
  need(req.user, true)
  const names = c.store.resolve(p['index'])
  if (!Array.isArray(names)) return names
  const body = jsonBody(req, true) ?? {}
  for (const n of names) {
    const i = c.store.getIndex(n)
    if (i === undefined) continue
    const props = isObject(body['properties']) ? body['properties'] : {}
    const current = isObject(i.mappings['properties']) ? i.mappings['properties'] : {}
    i.mappings = { ...i.mappings, ...body, properties: { ...current, ...props } }
  }
  return { status: 200, body: { acknowledged: true } }
})
function getMapping(req: ApiRequest, p: Record<string, string>, c: ApiCluster): Reply {
  need(req.user, false)
  const names = c.store.resolve(p['index'])
  if (!Array.isArray(names)) return names
  return {
    status: 200,
    body: Object.fromEntries(names.map((n) => [n, { mappings: c.store.getIndex(n)?.mappings ?? {} }])),
  }
}
route('GET', '/:index/_mapping', getMapping)
route('GET', '/_mapping', getMapping)

// --- _cat ----------------------------------------------------------------------------------------------------------------

function cat(req: ApiRequest, rows: ReadonlyArray<Record<string, string | number>>, columns: readonly string[]): Reply {
  if (req.params.get('format') === 'json') {
    return { status: 200, body: rows.map((r) => Object.fromEntries(columns.map((c) => [c, String(r[c] ?? '')]))) }
  }
  const verbose = req.params.has('v') && req.params.get('v') !== 'false'
  const table = [...(verbose ? [columns.map(String)] : []), ...rows.map((r) => columns.map((c) => String(r[c] ?? '')))]
  const widths = columns.map((_c, i) => Math.max(...table.map((row) => (row[i] ?? '').length)))
  const text = table
    .map(
      (row) =>
        `${row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join(' ')
          .trimEnd()}\n`,
    )
    .join('')
  return { status: 200, text }
}

route('GET', '/_cat/health', (req, _p, c) => {
  const nodes = c.liveNodes()
  const now = Date.now()
  return cat(
    req,
    [
      {
        epoch: Math.floor(now / 1000),
        timestamp: new Date(now).toISOString().slice(11, 19),
        cluster: c.clusterName,
        status: 'green',
        'node.total': nodes.length,
        'node.data': nodes.filter((n) => n.roles.some((r) => r.startsWith('data'))).length,
        shards: c.store.indices.size,
        pri: c.store.indices.size,
        relo: 0,
        init: 0,
        unassign: 0,
        pending_tasks: 0,
        max_task_wait_time: '-',
        active_shards_percent: '100.0%',
      },
    ],
    [
      'epoch',
      'timestamp',
      'cluster',
      'status',
      'node.total',
      'node.data',
      'shards',
      'pri',
      'relo',
      'init',
      'unassign',
      'pending_tasks',
      'max_task_wait_time',
      'active_shards_percent',
    ],
  )
})

function catIndices(req: ApiRequest, p: Record<string, string>, c: ApiCluster): Reply {
  need(req.user, false)
  const names = c.store.resolve(p['index'])
  if (!Array.isArray(names)) return names
  const rows = names.sort().map((n) => {
    const i = c.store.getIndex(n)
    return {
      health: 'green',
      status: 'open',
      index: n,
      uuid: i?.uuid ?? '',
      pri: 1,
      rep: 1,
      'docs.count': i?.docs.size ?? 0,
      'docs.deleted': 0,
    }
  })
  return cat(req, rows, ['health', 'status', 'index', 'uuid', 'pri', 'rep', 'docs.count', 'docs.deleted'])
}
route('GET', '/_cat/indices', catIndices)
route('GET', '/_cat/indices/:index', catIndices)

route('GET', '/_cat/nodes', (req, _p, c) => {
  const rows = c.liveNodes().map((n, i) => ({
    ip: n.host,
    'heap.percent': 25,
    'ram.percent': 50,
    cpu: 1,
    load_1m: '0.10',
    load_5m: '0.10',
    load_15m: '0.10',
    'node.role': n.roles.map((r) => ROLE_LETTERS[r] ?? '').join('') || '-',
    master: i === 0 ? '*' : '-',
    name: n.name,
  }))
  return cat(req, rows, [
    'ip',
    'heap.percent',
    'ram.percent',
    'cpu',
    'load_1m',
    'load_5m',
    'load_15m',
    'node.role',
    'master',
    'name',
  ])
})

const ROLE_LETTERS: Record<string, string> = {
  data: 'd',
  data_cold: 'c',
  data_content: 's',
  data_frozen: 'f',
  data_hot: 'h',
  data_warm: 'w',
  ingest: 'i',
  master: 'm',
  ml: 'l',
  remote_cluster_client: 'r',
  transform: 't',
}

function catCount(req: ApiRequest, p: Record<string, string>, c: ApiCluster): Reply {
  need(req.user, false)
  const result = c.store.count(p['index'], {}, new URLSearchParams())
  if (result.status !== 200) return result
  const now = Date.now()
  const count = (result.body as { count: number }).count
  return cat(
    req,
    [{ epoch: Math.floor(now / 1000), timestamp: new Date(now).toISOString().slice(11, 19), count }],
    ['epoch', 'timestamp', 'count'],
  )
}
route('GET', '/_cat/count', catCount)
route('GET', '/_cat/count/:index', catCount)
