// The plugin packages that only some options need (the auth schemes and sniffing) are imported on the first request
// that uses them, not with the client: each is an ES module of its own, and loading one (resolution, compile, a
// module job) costs a cold start 2 to 4 ms of CPU whether or not its option is given. Construction stays synchronous
// and still refuses bad options: the checks below are the packages' own, with the same messages (a test compares
// them, lazy-plugins.test.ts), so an error shows up in `new Client()` and not on the first request.
import type { ApiKeyAuthOptions } from '@stretch/auth-api-key'
import type { BasicAuthOptions } from '@stretch/auth-basic'
import type { BearerAuthOptions } from '@stretch/auth-bearer'
import {
  ConfigurationError,
  checkNumber,
  type DiscoveryContext,
  type Handler,
  type Middleware,
  type NodeDiscovery,
  type NumberRule,
  type PoolNode,
} from '@stretch/transport'

// CR, LF and NUL could split the request or truncate the header; they never belong in credentials.
const kForbidden = /[\r\n\0]/
const kToken = /^[\x21-\x7e]+$/

function checkPart(option: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new ConfigurationError(`${option}: must be a string (got ${value === null ? 'null' : typeof value})`)
  }
  if (value === '') throw new ConfigurationError(`${option}: must not be empty`)
  if (kForbidden.test(value)) {
    throw new ConfigurationError(
      `${option}: contains CR, LF or NUL; remove them (a trailing newline from a file or env var?)`,
    )
  }
  return value
}

/** The checks of `basicAuth()` of `@stretch/auth-basic`. @internal */
export function checkBasicAuth(options: BasicAuthOptions): void {
  let user: unknown
  let password: unknown
  if (Array.isArray(options)) {
    if (options.length !== 2) {
      throw new ConfigurationError(`basicAuth: give [username, password] (got an array of ${options.length})`)
    }
    ;[user, password] = options as readonly unknown[]
  } else if (options !== null && typeof options === 'object') {
    user = (options as { username?: unknown }).username
    password = (options as { password?: unknown }).password
  } else {
    throw new ConfigurationError('basicAuth: give { username, password } or [username, password]')
  }
  const username = checkPart('basicAuth.username', user)
  checkPart('basicAuth.password', password)
  if (username.includes(':')) {
    throw new ConfigurationError('basicAuth.username: must not contain `:` (HTTP Basic splits user and password there)')
  }
}

function checkKeyPair(id: unknown, key: unknown): void {
  const checked = checkPart('apiKeyAuth.id', id)
  checkPart('apiKeyAuth.apiKey', key)
  if (checked.includes(':')) {
    throw new ConfigurationError(
      'apiKeyAuth.id: must not contain `:`; pass the `id` field of the create-API-key answer',
    )
  }
}

/** The checks of `apiKeyAuth()` of `@stretch/auth-api-key`. @internal */
export function checkApiKey(key: ApiKeyAuthOptions): void {
  if (typeof key === 'string') {
    const encoded = checkPart('apiKeyAuth.encoded', key)
    if (/^apikey\s/i.test(encoded)) {
      throw new ConfigurationError("apiKeyAuth.encoded: drop the 'ApiKey ' prefix; the middleware adds it")
    }
    if (!kToken.test(encoded)) {
      throw new ConfigurationError(
        'apiKeyAuth.encoded: must be the `encoded` value of the create-API-key API (visible ASCII, no spaces); ' +
          'or pass { id, apiKey }',
      )
    }
  } else if (Array.isArray(key)) {
    if (key.length !== 2) throw new ConfigurationError(`apiKeyAuth: give [id, apiKey] (got an array of ${key.length})`)
    checkKeyPair(key[0], key[1])
  } else if (key !== null && typeof key === 'object') {
    const k = key as { id?: unknown; apiKey?: unknown; api_key?: unknown }
    if (k.apiKey === undefined && k.api_key !== undefined) {
      throw new ConfigurationError(
        'apiKeyAuth.apiKey: missing; the option is spelled `apiKey` (the API answers `api_key`), or pass the `encoded` string',
      )
    }
    checkKeyPair(k.id, k.apiKey)
  } else {
    throw new ConfigurationError(
      'apiKeyAuth: give the `encoded` string of the create-API-key API, or { id, apiKey }, or [id, apiKey]',
    )
  }
}

/** The checks of `bearerAuth()` of `@stretch/auth-bearer` (a provider's tokens are checked by the package). @internal */
export function checkBearerAuth(token: BearerAuthOptions): void {
  if (typeof token === 'string') {
    let problem: string | undefined
    if (token === '') problem = 'is empty'
    else if (/^bearer\s/i.test(token)) {
      problem = "starts with 'Bearer '; give the token alone, the middleware adds the prefix"
    } else if (kForbidden.test(token)) problem = 'contains CR, LF or NUL (a trailing newline from a file or env var?)'
    else if (!kToken.test(token)) problem = 'contains spaces or non-ASCII characters, which a bearer token cannot have'
    if (problem !== undefined) throw new ConfigurationError(`bearerAuth.token: ${problem}`)
    return
  }
  if (typeof token !== 'function') {
    throw new ConfigurationError(
      `bearerAuth.token: must be a string or a function returning a Promise of one (got ${token === null ? 'null' : typeof token})`,
    )
  }
}

/** The options of `sniffing()` of `@stretch/pool-sniffing` that the client passes. @internal */
export interface LazySniffingOptions {
  readonly sniffOnStart?: boolean | undefined
  readonly sniffInterval?: number | false | undefined
  readonly sniffOnNodeFailure?: boolean | undefined
  readonly sniffTimeout?: number | undefined
  readonly sniffEndpoint?: string | undefined
  readonly nodeFilter?: unknown
}

const kPositiveMs: NumberRule = { positive: true, unit: 'milliseconds' }

function checkBoolean(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new ConfigurationError(`sniffing: \`${option}\` must be true or false`)
  }
}

/** The checks of `sniffing()` of `@stretch/pool-sniffing`. @internal */
export function checkSniffing(options: LazySniffingOptions): void {
  checkBoolean('sniffOnStart', options.sniffOnStart)
  checkBoolean('sniffOnNodeFailure', options.sniffOnNodeFailure)
  const interval = options.sniffInterval
  if ((interval as unknown) === true) {
    throw new ConfigurationError('sniffing: `sniffInterval` is a number of milliseconds, such as 60_000, not true')
  }
  checkNumber('sniffInterval', interval === false ? undefined : interval, kPositiveMs)
  checkNumber('sniffTimeout', options.sniffTimeout, kPositiveMs)
  const endpoint = options.sniffEndpoint ?? '/_nodes/_all/http'
  if (typeof endpoint !== 'string' || endpoint.trim() === '' || /\s/.test(endpoint)) {
    throw new ConfigurationError("sniffing: `sniffEndpoint` must be a path, such as '/_nodes/_all/http'")
  }
  if (options.nodeFilter !== undefined && typeof options.nodeFilter !== 'function') {
    throw new ConfigurationError('sniffing: `nodeFilter` must be a function (node) => boolean')
  }
  if (options.sniffOnStart !== true && (interval === undefined || interval === false) && !options.sniffOnNodeFailure) {
    throw new ConfigurationError(
      'sniffing: no trigger is on; set sniffOnStart: true, sniffInterval (milliseconds) or sniffOnNodeFailure: true',
    )
  }
}

/**
 * A middleware made on its first request by `create` (which imports its package): every transport that composes it
 * shares the one middleware it makes, as they would share it given directly (a bearer token provider's cache).
 * A failed import is forgotten, so the next request tries again.
 * @internal
 */
export function lazyMiddleware(create: () => Promise<Middleware>): Middleware {
  let made: Middleware | undefined
  let making: Promise<Middleware> | undefined
  const load = (): Promise<Middleware> => {
    making ??= create().then(
      (middleware) => {
        made = middleware
        return middleware
      },
      (error: unknown) => {
        making = undefined
        throw error
      },
    )
    return making
  }
  return function lazyPluginMiddleware(next: Handler): Handler {
    let handler: Handler | undefined
    return function lazyPluginHandler(request) {
      if (handler !== undefined) return handler(request)
      if (made !== undefined) {
        handler = made(next)
        return handler(request)
      }
      return load().then((middleware) => {
        handler ??= middleware(next)
        return handler(request)
      })
    }
  }
}

/**
 * A node discovery made on the first request by `create` (which imports `@stretch/pool-sniffing`): that request
 * waits for the import as it waits for a first sniff. No node can fail before a request started, so
 * `onNodeFailure` has nothing to forward until then.
 * @internal
 */
export function lazyDiscovery(create: () => Promise<NodeDiscovery>): NodeDiscovery {
  let made: NodeDiscovery | undefined
  let making: Promise<NodeDiscovery> | undefined
  let closed = false
  return {
    onRequestStart(context: DiscoveryContext): Promise<void> | undefined {
      if (made !== undefined) return made.onRequestStart?.(context)
      if (closed) return undefined
      making ??= create().then(
        (discovery) => {
          made = discovery
          if (closed) discovery.close?.()
          return discovery
        },
        (error: unknown) => {
          making = undefined
          throw error
        },
      )
      return making.then((discovery) => discovery.onRequestStart?.(context))
    },
    onNodeFailure(node: PoolNode, context: DiscoveryContext): void {
      made?.onNodeFailure?.(node, context)
    },
    close(): void {
      closed = true
      made?.close?.()
    },
  }
}
