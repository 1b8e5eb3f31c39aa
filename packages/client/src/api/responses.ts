// Hand-written response types of the APIs people use most. Fields Elasticsearch always sends are required; fields
// it sends only in some cases are optional; everything else is reachable through the JSON index signatures.
import type { JsonObject, JsonValue } from './types.js'

/**
 * A cluster or index health colour.
 * @public
 */
export type HealthStatus = 'green' | 'yellow' | 'red' | 'GREEN' | 'YELLOW' | 'RED' | 'unknown' | 'unavailable'

/**
 * The cause of a failure, as Elasticsearch reports it.
 * @public
 */
export interface ErrorCause {
  /** The error type, such as `index_not_found_exception`. */
  type: string
  /** A human-readable explanation. */
  reason?: string | null
  /** The underlying cause. */
  caused_by?: ErrorCause
  /** Causes at the root of the failure. */
  root_cause?: ErrorCause[]
  /** Anything else Elasticsearch adds (`index`, `shard`, ...). */
  [key: string]: JsonValue | ErrorCause | ErrorCause[] | undefined
}

/**
 * Shard counts of a request that touched several shards.
 * @public
 */
export interface ShardStatistics {
  /** Shards the request was sent to. */
  total: number
  /** Shards that succeeded. */
  successful: number
  /** Shards that failed. */
  failed: number
  /** Shards skipped (search only). */
  skipped?: number
  /** Why shards failed. */
  failures?: JsonObject[]
}

/**
 * `{ acknowledged: true }`: the master accepted the change.
 * @public
 */
export interface AcknowledgedResponse {
  /** Whether the change was acknowledged by the master node. */
  acknowledged: boolean
}

/**
 * The answer of `client.info()`.
 * @public
 */
export interface InfoResponse {
  /** The node name. */
  name: string
  /** The cluster name. */
  cluster_name: string
  /** The cluster UUID. */
  cluster_uuid: string
  /** The version of the node. */
  version: {
    number: string
    build_flavor: string
    build_type: string
    build_hash: string
    build_date: string
    build_snapshot: boolean
    lucene_version: string
    minimum_wire_compatibility_version: string
    minimum_index_compatibility_version: string
  }
  /** `You Know, for Search`. */
  tagline: string
}

/**
 * The total number of hits, exact (`eq`) or a lower bound (`gte`).
 * @public
 */
export interface TotalHits {
  /** The count. */
  value: number
  /** `eq` when exact, `gte` when a lower bound. */
  relation: 'eq' | 'gte'
}

/**
 * One search hit.
 * @public
 */
export interface SearchHit<TDocument = unknown> {
  /** The index of the document. */
  _index: string
  /** The document id. */
  _id?: string
  /** The relevance score, null when sorted by something else. */
  _score?: number | null
  /** The document, unless `_source` was turned off. */
  _source?: TDocument
  /** Values of `fields` and `docvalue_fields`. */
  fields?: Record<string, JsonValue>
  /** Highlighted snippets by field. */
  highlight?: Record<string, string[]>
  /** Sort values, for `search_after`. */
  sort?: JsonValue[]
  /** Inner hits by name. */
  inner_hits?: Record<string, JsonObject>
  /** Names of the queries that matched. */
  matched_queries?: string[] | Record<string, number>
  /** The explanation, with `explain: true`. */
  _explanation?: JsonObject
  /** The routing value. */
  _routing?: string
  /** The sequence number, with `seq_no_primary_term: true`. */
  _seq_no?: number
  /** The primary term, with `seq_no_primary_term: true`. */
  _primary_term?: number
  /** The version, with `version: true`. */
  _version?: number
  /** Anything else. */
  [key: string]: JsonValue | TDocument | undefined
}

/**
 * The hits of a search.
 * @public
 */
export interface SearchHits<TDocument = unknown> {
  /** The total (a number with `rest_total_hits_as_int`), absent with `track_total_hits: false`. */
  total?: TotalHits | number
  /** The best score. */
  max_score?: number | null
  /** The hits of this page. */
  hits: SearchHit<TDocument>[]
}

/**
 * The answer of `client.search()` (and `client.scroll()`).
 * @public
 */
export interface SearchResponse<TDocument = unknown> {
  /** Milliseconds Elasticsearch spent. */
  took: number
  /** Whether a timeout cut the search short. */
  timed_out: boolean
  /** Shard counts. */
  _shards: ShardStatistics
  /** The hits. */
  hits: SearchHits<TDocument>
  /** Aggregation results by name. */
  aggregations?: Record<string, JsonObject>
  /** Suggestions by name. */
  suggest?: Record<string, JsonObject[]>
  /** The scroll id, with `scroll`. */
  _scroll_id?: string
  /** The point-in-time id, with `pit`. */
  pit_id?: string
  /** Whether a shard reached `terminate_after`. */
  terminated_early?: boolean
  /** Profile output, with `profile: true`. */
  profile?: JsonObject
  /** Cross-cluster search details. */
  _clusters?: JsonObject
  /** Number of reduce phases. */
  num_reduce_phases?: number
  /** Anything else. */
  [key: string]: JsonValue | SearchHits<TDocument> | ShardStatistics | undefined
}

/**
 * The answer of `client.get()`.
 * @public
 */
export interface GetResponse<TDocument = unknown> {
  /** The index. */
  _index: string
  /** The document id. */
  _id: string
  /** Whether the document exists (false: a 404 resolved through `ignore: [404]`). */
  found: boolean
  /** The document. */
  _source?: TDocument
  /** Stored fields. */
  fields?: Record<string, JsonValue>
  /** The version. */
  _version?: number
  /** The sequence number. */
  _seq_no?: number
  /** The primary term. */
  _primary_term?: number
  /** The routing value. */
  _routing?: string
  /** Whether the document was ignored. */
  _ignored?: string[]
}

/**
 * One document of `client.mget()`: found, missing, or an error.
 * @public
 */
export type MgetResponseItem<TDocument = unknown> =
  | GetResponse<TDocument>
  | { _index: string; _id: string; error: ErrorCause }

/**
 * The answer of `client.mget()`.
 * @public
 */
export interface MgetResponse<TDocument = unknown> {
  /** The documents, in request order. */
  docs: MgetResponseItem<TDocument>[]
}

/**
 * What index, create, update and delete answer.
 * @public
 */
export interface WriteResponseBase {
  /** The index. */
  _index: string
  /** The document id. */
  _id: string
  /** The document's version after the write. */
  _version: number
  /** What happened. */
  result: 'created' | 'updated' | 'deleted' | 'not_found' | 'noop'
  /** Shard counts. */
  _shards: ShardStatistics
  /** The sequence number. */
  _seq_no: number
  /** The primary term. */
  _primary_term: number
  /** Whether a refresh was forced. */
  forced_refresh?: boolean
}

/**
 * The answer of `client.index()`.
 * @public
 */
export interface IndexResponse extends WriteResponseBase {}

/**
 * The answer of `client.create()`.
 * @public
 */
export interface CreateResponse extends WriteResponseBase {}

/**
 * The answer of `client.delete()`.
 * @public
 */
export interface DeleteResponse extends WriteResponseBase {}

/**
 * The answer of `client.update()`.
 * @public
 */
export interface UpdateResponse<TDocument = unknown> extends WriteResponseBase {
  /** The updated document, with `_source` in the request. */
  get?: {
    found: boolean
    _source?: TDocument
    fields?: Record<string, JsonValue>
    _seq_no?: number
    _primary_term?: number
  }
}

/**
 * The answer of `client.count()`.
 * @public
 */
export interface CountResponse {
  /** The number of matching documents. */
  count: number
  /** Shard counts. */
  _shards: ShardStatistics
}

/**
 * The action of a bulk item.
 * @public
 */
export type BulkOperationType = 'index' | 'create' | 'update' | 'delete'

/**
 * The result of one bulk action.
 * @public
 */
export interface BulkResponseItem {
  /** The index. */
  _index: string
  /** The document id (absent when the action failed before one was assigned). */
  _id?: string | null
  /** The HTTP status of this action. */
  status: number
  /** Why the action failed. */
  error?: ErrorCause
  /** What happened. */
  result?: string
  /** The document's version. */
  _version?: number
  /** The sequence number. */
  _seq_no?: number
  /** The primary term. */
  _primary_term?: number
  /** Shard counts. */
  _shards?: ShardStatistics
  /** Whether a refresh was forced. */
  forced_refresh?: boolean
  /** The updated document, for update actions with `_source`. */
  get?: JsonObject
}

/**
 * The answer of `client.bulk()`: check `errors` and then the items' `error`.
 * @public
 */
export interface BulkResponse {
  /** True when at least one action failed. */
  errors: boolean
  /** One entry per action, in request order, keyed by its action. */
  items: Partial<Record<BulkOperationType, BulkResponseItem>>[]
  /** Milliseconds Elasticsearch spent. */
  took: number
  /** Milliseconds spent in ingest pipelines. */
  ingest_took?: number
}

/**
 * One search of `client.msearch()`: a search response with its status, or an error.
 * @public
 */
export type MsearchResponseItem<TDocument = unknown> =
  | (SearchResponse<TDocument> & { status?: number })
  | { error: ErrorCause; status: number }

/**
 * The answer of `client.msearch()`.
 * @public
 */
export interface MsearchResponse<TDocument = unknown> {
  /** Milliseconds Elasticsearch spent. */
  took: number
  /** The searches, in request order. */
  responses: MsearchResponseItem<TDocument>[]
}

/**
 * The answer of `client.indices.create()`.
 * @public
 */
export interface IndicesCreateResponse extends AcknowledgedResponse {
  /** The index created. */
  index: string
  /** Whether the required shard copies started before the timeout. */
  shards_acknowledged: boolean
}

/**
 * The answer of `client.indices.delete()`.
 * @public
 */
export interface IndicesDeleteResponse extends AcknowledgedResponse {
  /** Shard counts, when given. */
  _shards?: ShardStatistics
}

/**
 * The answer of `client.indices.putMapping()`.
 * @public
 */
export interface IndicesPutMappingResponse extends AcknowledgedResponse {
  /** Shard counts, when given. */
  _shards?: ShardStatistics
}

/**
 * One index as `client.indices.get()` describes it.
 * @public
 */
export interface IndexState {
  /** Aliases by name. */
  aliases?: Record<string, JsonObject>
  /** The mappings. */
  mappings?: JsonObject
  /** The settings (`index.number_of_shards` is under `settings.index`). */
  settings?: JsonObject
  /** Default settings, with `include_defaults`. */
  defaults?: JsonObject
  /** The data stream the index backs, if any. */
  data_stream?: string
  /** The lifecycle. */
  lifecycle?: JsonObject
}

/**
 * The answer of `client.indices.get()`: each matching index by name.
 * @public
 */
export type IndicesGetResponse = Record<string, IndexState>

/**
 * The answer of `client.indices.getMapping()`: the mappings of each matching index by name.
 * @public
 */
export type IndicesGetMappingResponse = Record<string, { mappings: JsonObject }>

/**
 * The answer of `client.indices.refresh()`.
 * @public
 */
export interface IndicesRefreshResponse {
  /** Shard counts. */
  _shards: ShardStatistics
}

/**
 * The answer of `client.cluster.health()`.
 * @public
 */
export interface ClusterHealthResponse {
  /** The cluster name. */
  cluster_name: string
  /** The health colour. */
  status: HealthStatus
  /** Whether a wait (`wait_for_status`, ...) ran out of time. */
  timed_out: boolean
  /** Nodes in the cluster. */
  number_of_nodes: number
  /** Data nodes in the cluster. */
  number_of_data_nodes: number
  /** Active primary shards. */
  active_primary_shards: number
  /** Active shards. */
  active_shards: number
  /** Relocating shards. */
  relocating_shards: number
  /** Initializing shards. */
  initializing_shards: number
  /** Unassigned shards. */
  unassigned_shards: number
  /** Unassigned primary shards. */
  unassigned_primary_shards?: number
  /** Delayed unassigned shards. */
  delayed_unassigned_shards: number
  /** Pending cluster tasks. */
  number_of_pending_tasks: number
  /** In-flight fetches. */
  number_of_in_flight_fetch: number
  /** Milliseconds the oldest pending task has waited. */
  task_max_waiting_in_queue_millis: number
  /** Percentage of active shards. */
  active_shards_percent_as_number: number
  /** Per-index health, with `level: 'indices'`. */
  indices?: Record<string, JsonObject>
}

/**
 * The answer of `client.security.createApiKey()`.
 * @public
 */
export interface SecurityCreateApiKeyResponse {
  /** The key id. */
  id: string
  /** The key name. */
  name: string
  /** The secret part. A secret: do not log it. */
  api_key: string
  /** `base64(id:api_key)`, ready for the `apiKey` option. A secret: do not log it. */
  encoded: string
  /** Expiration in milliseconds since the epoch, when the key expires. */
  expiration?: number
}

/**
 * The answer of `client.security.invalidateApiKey()`.
 * @public
 */
export interface SecurityInvalidateApiKeyResponse {
  /** Keys invalidated by this call. */
  invalidated_api_keys: string[]
  /** Keys that were already invalidated. */
  previously_invalidated_api_keys: string[]
  /** The number of errors. */
  error_count: number
  /** Details of the errors. */
  error_details?: ErrorCause[]
}

/**
 * The answer of `client.security.getToken()`.
 * @public
 */
export interface SecurityGetTokenResponse {
  /** The access token, for the `bearerAuth` option. A secret: do not log it. */
  access_token: string
  /** Seconds until the token expires. */
  expires_in: number
  /** The token type, `Bearer`. */
  type: string
  /** A refresh token, with the password or Kerberos grants. A secret. */
  refresh_token?: string
  /** The scope. */
  scope?: string
  /** The user the token is for. */
  authentication: JsonObject
  /** A Kerberos authentication response, for the `_kerberos` grant. */
  kerberos_authentication_response_token?: string
}
