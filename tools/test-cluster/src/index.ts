export {
  CLOUD_DOMAIN,
  type CloudEndpoint,
  type CloudOptions,
  type StartClusterOptions,
  startCluster,
  type TestCluster,
} from './cluster.js'
export type { EsErrorDetail } from './es-errors.js'
export type { Fault, FaultMatch, InjectedFault, InjectOptions } from './faults.js'
export { lookup } from './lookup.js'
export { DEFAULT_ROLES, type NodeOptions, type NodeStats, type RecordedRequest, TestNode } from './node.js'
export { CLI_USAGE, runCli } from './run-cli.js'
export type {
  ApiKeyInfo,
  AuthenticatedUser,
  CreatedApiKey,
  CreatedToken,
  SecurityRealm,
  ServiceToken,
} from './security.js'
export type { DocumentStore, StoredDoc, StoredIndex } from './store.js'
