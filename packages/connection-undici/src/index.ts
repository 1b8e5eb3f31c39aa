export { type TlsOptions, type UndiciConnectionOptions, undiciConnection } from './connection.js'
export { loadCertificates, normalizeFingerprint } from './tls.js'
