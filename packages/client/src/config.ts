import { randomSelector } from '@stretch/pool-random'
import { roundRobinSelector } from '@stretch/pool-round-robin'
import {
  ConfigurationError,
  type ConnectionFactory,
  describeNode,
  isLoopbackHost,
  type MediaTypes,
  type Middleware,
  type NodeDescription,
  type NodeDiscovery,
  type NodeSelector,
  type TransportDefaults,
  type TransportOptions,
} from '@stretch/transport'
import { checkChildOptionNames, checkClientOptionNames, officialAuthHint } from './check-option-names.js'
import { parseCloudId } from './cloud-id.js'
import {
  checkApiKey,
  checkBasicAuth,
  checkBearerAuth,
  checkSniffing,
  lazyDiscovery,
  lazyMiddleware,
} from './lazy-plugins.js'
import type { AuthOptions, ClientOptions, PerRequestOptions } from './options.js'
import { type ClientPlatform, kConnectionOptions } from './platform.js'

const kAuthOptions = ['basicAuth', 'bearerAuth', 'apiKey', 'auth'] as const

/** Builds the credential middleware of one of the auth options, or undefined. @internal */
export function authFrom(
  options: AuthOptions & { headers?: Readonly<Record<string, string>> | undefined },
  where: string,
): Middleware | undefined {
  const given = kAuthOptions.filter((k) => options[k] !== undefined)
  if (given.length > 1) {
    throw new ConfigurationError(
      `${where}: give only one of basicAuth, bearerAuth, apiKey and auth (got ${given.join(' and ')})`,
    )
  }
  if (given.length === 1 && hasAuthorization(options.headers)) {
    throw new ConfigurationError(
      `${where}: an 'authorization' header cannot be combined with ${given[0]}; keep one of them`,
    )
  }
  // Checked now, made (and the scheme's package imported) on the first request: see lazy-plugins.ts.
  const { basicAuth, bearerAuth, apiKey } = options
  if (basicAuth !== undefined) {
    checkBasicAuth(basicAuth)
    return lazyMiddleware(() => import('@stretch/auth-basic').then((m) => m.basicAuth(basicAuth)))
  }
  if (bearerAuth !== undefined) {
    checkBearerAuth(bearerAuth)
    return lazyMiddleware(() => import('@stretch/auth-bearer').then((m) => m.bearerAuth(bearerAuth)))
  }
  if (apiKey !== undefined) {
    checkApiKey(apiKey)
    return lazyMiddleware(() => import('@stretch/auth-api-key').then((m) => m.apiKeyAuth(apiKey)))
  }
  if (options.auth !== undefined) {
    if (typeof options.auth !== 'function') {
      const official = officialAuthHint(options.auth)
      throw new ConfigurationError(
        official === undefined
          ? `${where}: auth must be a middleware function, (next) => (request) => Promise<response>`
          : `${where}: ${official}`,
      )
    }
    return options.auth
  }
  return undefined
}

/** The per-request defaults of options(). @internal */
export function childDefaults(options: PerRequestOptions): TransportDefaults {
  checkChildOptionNames(options)
  const auth = authFrom(options, 'options()')
  const out: { -readonly [K in keyof TransportDefaults]: TransportDefaults[K] } = {}
  if (auth !== undefined) out.auth = auth
  if (options.headers !== undefined) out.headers = options.headers
  if (options.opaqueId !== undefined) out.opaqueId = options.opaqueId
  if (options.requestTimeout !== undefined) out.requestTimeout = options.requestTimeout
  if (options.maxRetries !== undefined) out.maxRetries = options.maxRetries
  if (options.retryOnStatus !== undefined) out.retryOnStatus = options.retryOnStatus
  if (options.retryOnTimeout !== undefined) out.retryOnTimeout = options.retryOnTimeout
  if (options.ignore !== undefined) out.ignore = options.ignore
  return out
}

/** The compatibility major, after ELASTIC_CLIENT_APIVERSIONING. @internal */
export function compatibilityFrom(
  option: ClientOptions['compatibility'],
  env: Readonly<Record<string, string | undefined>> = (
    globalThis as { process?: { env?: Record<string, string | undefined> } }
  ).process?.env ?? {},
): 8 | 9 | false {
  if (option !== undefined && option !== false && option !== 8 && option !== 9) {
    throw new ConfigurationError('compatibility: must be 8, 9 or false (plain application/json for 7.x servers)')
  }
  const raw = env['ELASTIC_CLIENT_APIVERSIONING']?.trim().toLowerCase()
  if (raw === 'false' || raw === '0') return false
  if (raw === 'true' || raw === '1') return option === undefined || option === false ? 8 : option
  return option ?? 8
}

/** REST-compatibility media types. @internal */
export function mediaTypesFor(compat: 8 | 9 | false): MediaTypes {
  if (compat === false) return { json: 'application/json', ndjson: 'application/x-ndjson', accept: 'application/json' }
  const json = `application/vnd.elasticsearch+json; compatible-with=${compat}`
  return { json, ndjson: `application/vnd.elasticsearch+x-ndjson; compatible-with=${compat}`, accept: json }
}

function selectorFrom(value: ClientOptions['nodeSelector']): NodeSelector {
  if (value === undefined || value === 'round-robin') return roundRobinSelector()
  if (value === 'random') return randomSelector()
  if (
    typeof value === 'function' ||
    (typeof value === 'object' && value !== null && typeof value.select === 'function')
  ) {
    return value
  }
  throw new ConfigurationError(
    "nodeSelector: use 'round-robin', 'random', a function (nodes, context) => node, or an object with select(nodes, context)",
  )
}

let warnedVerifyOff = false

/**
 * Wraps a connection factory so that no request carrying credentials goes over plain http to a host other than
 * loopback, whoever added them: options(), a per-call header, a sniffed node. The check runs on the final headers,
 * before any I/O.
 * @internal
 */
export function refuseInsecureCredentials(inner: ConnectionFactory): ConnectionFactory {
  return (node) => {
    const connection = inner(node)
    if (node.url.protocol !== 'http:' || isLoopbackHost(node.url.hostname)) return connection
    return {
      request(request, limits) {
        if (request.headers['authorization'] !== undefined) {
          return Promise.reject(
            new ConfigurationError(
              `credentials would travel unencrypted to ${node.url.origin}: use https://, or pass allowInsecureTransport: true if this network is trusted; nothing was sent`,
            ),
          )
        }
        return connection.request(request, limits)
      },
      close: () => connection.close(),
    }
  }
}

/** What the Client constructor builds. @internal */
export interface ClientSetup {
  readonly transport: TransportOptions
  readonly cloud: boolean
}

/**
 * Validates client options into transport options. No I/O besides reading CA files (Node).
 * @param platform - the runtime's default connection (see `platform-node.ts` and `platform-web.ts`).
 * @internal
 */
export function setupFrom(options: ClientOptions, userAgent: string, platform: ClientPlatform): ClientSetup {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError("Client: give options, such as new Client({ node: 'https://localhost:9200' })")
  }
  checkClientOptionNames(options)
  const where = ['cloudId', 'node', 'nodes'].filter((k) => options[k as keyof ClientOptions] !== undefined)
  if (where.length !== 1) {
    throw new ConfigurationError(
      where.length === 0
        ? "Client: give one of cloudId, node or nodes, such as new Client({ node: 'https://localhost:9200' })"
        : `Client: give only one of cloudId, node and nodes (got ${where.join(' and ')})`,
    )
  }
  const cloud = options.cloudId !== undefined
  let seeds: NodeDescription[]
  if (cloud) {
    const enabling = (
      [
        ['sniffOnStart', options.sniffOnStart === true],
        ['sniffInterval', typeof options.sniffInterval === 'number'],
        ['sniffOnNodeFailure', options.sniffOnNodeFailure === true],
        ['nodeFilter', options.nodeFilter !== undefined],
      ] as const
    ).filter(([, on]) => on)
    if (enabling.length > 0) {
      throw new ConfigurationError(
        `${enabling.map(([name]) => name).join(', ')}: sniffing cannot be used with cloudId; Elastic Cloud sits behind a proxy and the addresses nodes report are unreachable. Remove the sniffing options`,
      )
    }
    seeds = [describeNode(parseCloudId(options.cloudId as string).esUrl, 'cloudId')]
  } else if (options.nodes !== undefined) {
    if (!Array.isArray(options.nodes) || options.nodes.length === 0) {
      throw new ConfigurationError(
        "nodes: give a non-empty array, such as ['https://localhost:9200', 'https://localhost:9201']",
      )
    }
    seeds = options.nodes.map((n, i) => describeNode(n as never, `nodes[${i}]`))
  } else {
    seeds = [describeNode(options.node as never, 'node')]
  }

  const auth = authFrom(options, 'Client')
  const tlsGiven = (
    [
      ['caCerts', options.caCerts !== undefined],
      ['sslAssertFingerprint', options.sslAssertFingerprint !== undefined],
      ['clientCert', options.clientCert !== undefined],
      ['clientKey', options.clientKey !== undefined],
      ['verifyCerts', options.verifyCerts === false],
    ] as const
  ).filter(([, on]) => on)
  for (const seed of seeds) {
    if (seed.url.protocol !== 'http:') continue
    if (tlsGiven.length > 0) {
      throw new ConfigurationError(
        `${tlsGiven.map(([n]) => n).join(', ')}: TLS options need https nodes, but ${seed.url.origin} is http:; use https:// or drop the TLS options`,
      )
    }
    const credentials =
      auth !== undefined || seed.headers['authorization'] !== undefined || hasAuthorization(options.headers)
    if (credentials && !isLoopbackHost(seed.url.hostname) && options.allowInsecureTransport !== true) {
      throw new ConfigurationError(
        `credentials would travel unencrypted to ${seed.url.origin}: use https://, or pass allowInsecureTransport: true if this network is trusted`,
      )
    }
  }
  if (options.verifyCerts !== undefined && typeof options.verifyCerts !== 'boolean') {
    throw new ConfigurationError('verifyCerts: must be true or false')
  }
  let connection: ConnectionFactory
  if (options.connection !== undefined) {
    if (typeof options.connection !== 'function') {
      throw new ConfigurationError(
        'connection: give a connection factory, such as undiciConnection() of @stretch/connection-undici or fetchConnection() of @stretch/connection-fetch',
      )
    }
    // verifyCerts: true asks for nothing the factory does not do already
    const conflicting = kConnectionOptions.filter(
      (name) => options[name] !== undefined && !(name === 'verifyCerts' && options.verifyCerts === true),
    )
    if (conflicting.length > 0) {
      throw new ConfigurationError(
        `${conflicting.join(', ')}: cannot be combined with connection, which brings its own TLS and socket settings; give ${conflicting.length === 1 ? 'it' : 'them'} to the connection factory instead`,
      )
    }
    connection = options.connection
  } else {
    connection = platform.connection(options)
    if (options.verifyCerts === false && !warnedVerifyOff && options.sslAssertFingerprint === undefined) {
      warnedVerifyOff = true
      platform.warn(
        'verifyCerts: false turns off TLS certificate verification: anyone on the network path can read and change requests, credentials included. Give caCerts or sslAssertFingerprint instead.',
        'STRETCH_TLS_VERIFY_OFF',
      )
    }
  }
  if (options.allowInsecureTransport !== true) connection = refuseInsecureCredentials(connection)
  const compat = compatibilityFrom(options.compatibility)
  // Any sniff trigger given and not switched off (false, or an interval of 0) means sniffing, so that a wrong value
  // (`sniffOnStart: 'yes'`, `sniffInterval: -5`) is refused by the checks below instead of silently meaning "off".
  const sniffs =
    (options.sniffOnStart !== undefined && options.sniffOnStart !== false) ||
    (options.sniffInterval !== undefined && options.sniffInterval !== false && options.sniffInterval !== 0) ||
    (options.sniffOnNodeFailure !== undefined && options.sniffOnNodeFailure !== false)
  let discovery: NodeDiscovery | undefined
  if (sniffs) {
    const sniffOptions = {
      sniffOnStart: options.sniffOnStart,
      // 0 means "no interval", as false does
      sniffInterval: options.sniffInterval === 0 ? false : options.sniffInterval,
      sniffOnNodeFailure: options.sniffOnNodeFailure,
      sniffTimeout: options.sniffTimeout,
      sniffEndpoint: options.sniffEndpoint,
      nodeFilter: options.nodeFilter,
    } as const
    // Checked now, @stretch/pool-sniffing imported by the first request (which waits for it as for a first sniff).
    checkSniffing(sniffOptions)
    discovery = lazyDiscovery(() => import('@stretch/pool-sniffing').then((m) => m.sniffing(sniffOptions)))
  }
  return {
    cloud,
    transport: {
      nodes: seeds,
      connection,
      selector: selectorFrom(options.nodeSelector),
      discovery,
      auth,
      middleware: options.middleware,
      headers: options.headers,
      opaqueId: options.opaqueId,
      requestTimeout: options.requestTimeout,
      maxRetries: options.maxRetries,
      retryOnStatus: options.retryOnStatus,
      retryOnTimeout: options.retryOnTimeout,
      ignore: options.ignore,
      compress: options.httpCompress ?? cloud,
      maxResponseSize: options.maxResponseSize,
      maxCompressedResponseSize: options.maxCompressedResponseSize,
      retryBackoff: options.retryBackoff,
      maxRetryBackoff: options.maxRetryBackoff,
      maxRetryAfter: options.maxRetryAfter,
      deadNodeBackoff: options.deadNodeBackoff,
      maxDeadNodeBackoff: options.maxDeadNodeBackoff,
      userAgent,
      mediaTypes: mediaTypesFor(compat),
      requestHook: options.requestHook,
    },
  }
}

function hasAuthorization(headers: Readonly<Record<string, string>> | undefined): boolean {
  return Object.keys(headers ?? {}).some((h) => h.toLowerCase() === 'authorization')
}
