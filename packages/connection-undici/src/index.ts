export { type TlsOptions, type UndiciConnectionOptions, undiciConnection } from './connection.js'
export { loadCertificates, loadPem, normalizeFingerprint } from './tls.js'
