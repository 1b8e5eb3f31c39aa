export {
  type CertificateMaterial,
  type CertificateOptions,
  createCertificates,
  fingerprintOf,
  type TestCertificates,
} from './certs.js'
export {
  type RecordedRequest,
  type StartServerOptions,
  sendJson,
  startServer,
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
  stubNodes,
} from './stubs.js'
