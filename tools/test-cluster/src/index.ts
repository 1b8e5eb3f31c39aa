export type { DocumentStore, StoredDoc, StoredIndex } from './document-store.js'
export type { EsErrorDetail } from './es-errors.js'
export type { Fault, FaultMatch, InjectedFault, InjectOptions } from './fault-queue.js'
export { lookup } from './lookup.js'
export { CLI_USAGE, runCli } from './run-cli.js'
export type { SearchContexts } from './search-contexts.js'
export type {
  ApiKeyInfo,
  AuthenticatedUser,
  CreatedApiKey,
  CreatedToken,
  SecurityRealm,
  ServiceToken,
} from './security-realm.js'
export {
  CLOUD_DOMAIN,
  type CloudEndpoint,
  type CloudOptions,
  type CorsOptions,
  type StartClusterOptions,
  startCluster,
  type TestCluster,
} from './start-cluster.js'
export { DEFAULT_ROLES, type NodeOptions, type NodeStats, type RecordedRequest, TestNode } from './test-node.js'
