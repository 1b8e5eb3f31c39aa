import { detectRuntime, fetchConnection } from '@stretch/connection-fetch'
import { fetchPlatform } from './fetch-platform.js'
import type { ClientPlatform } from './platform.js'

/**
 * Deno, Bun, workerd, browsers: `fetchConnection()` of `@stretch/connection-fetch`.
 * @internal
 */
export const platform: ClientPlatform = fetchPlatform(fetchConnection, detectRuntime())
