export {
  type CertificateMaterial,
  type CertificateOptions,
  createCertificates,
  fingerprintOf,
  type TestCertificates,
} from './certs.js'
export { type NodeProcessResult, type RunNodeOptions, runNode } from './process.js'
export { type ProxiedRequest, type StartProxyOptions, startProxy, type TestProxy } from './proxy.js'
export {
  type RecordedRequest,
  type SilentServer,
  type StartServerOptions,
  sendJson,
  startServer,
  startSilentServer,
  type TestHandler,
  type TestServer,
} from './server.js'
export {
  attemptOf,
  byId,
  configurationError,
  counts,
  idleConnection,
  type ManualClock,
  manualClock,
  printed,
  recordDiagnostics,
  recorder,
  rejection,
  route,
  routingPool,
  sniffOnStart,
  stubNodes,
} from './stubs.js'
