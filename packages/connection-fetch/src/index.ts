export { type FetchConnectionOptions, fetchConnection } from './fetch-connection.js'
export { detectRuntime, type FetchRuntime } from './runtime.js'
export type { FetchTlsOptions } from './tls.js'
