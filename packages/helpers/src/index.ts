// The public face of @stretch/helpers. Named re-exports only.
export {
  type BulkAction,
  type BulkActionMeta,
  type BulkClient,
  type BulkDatasource,
  type BulkDrop,
  type BulkOptions,
  type BulkStats,
  bulk,
} from './bulk.js'
export { type EsqlClient, type EsqlColumn, type EsqlHelper, type EsqlRecords, esql } from './esql.js'
export { ArrowMissingError } from './load-arrow.js'
export { type MsearchClient, type MsearchHelper, type MsearchOptions, msearch } from './msearch.js'
export { type ReindexOptions, reindex } from './reindex.js'
export {
  type ScrollClient,
  type ScrollRequest,
  type SearchAllClient,
  type SearchAllOptions,
  type SearchAllRequest,
  scroll,
  searchAll,
} from './search-all.js'
