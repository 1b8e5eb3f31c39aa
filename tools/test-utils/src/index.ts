export {
  type CertificateMaterial,
  type CertificateOptions,
  createCertificates,
  fingerprintOf,
  type TestCertificates,
} from './certs.js'
export { type RecordedRequest, sendJson, type StartServerOptions, startServer, type TestHandler, type TestServer } from './server.js'
