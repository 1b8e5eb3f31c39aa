// Option names a user cannot get wrong: an unknown name is a ConfigurationError that names it and the nearest
// known one, or the Stretch name of an @elastic/elasticsearch option, in the constructor, in options() and in the
// options of one call. The lists below are typed as records of each options interface, so a new option that is
// not added here fails the typecheck.
import { ConfigurationError, checkOptionNames, nearestName, type OptionHint } from '@stretch/transport'
import type { CallOptions } from './api/types.js'
import type { RawCallOptions } from './client.js'
import type { ClientOptions, PerRequestOptions } from './options.js'

const perRequest: Record<keyof PerRequestOptions, true> = {
  basicAuth: true,
  bearerAuth: true,
  apiKey: true,
  auth: true,
  headers: true,
  opaqueId: true,
  requestTimeout: true,
  maxRetries: true,
  retryOnStatus: true,
  retryOnTimeout: true,
  ignore: true,
}

const client: Record<keyof ClientOptions, true> = {
  ...perRequest,
  cloudId: true,
  node: true,
  nodes: true,
  caCerts: true,
  sslAssertFingerprint: true,
  verifyCerts: true,
  clientCert: true,
  clientKey: true,
  allowInsecureTransport: true,
  nodeSelector: true,
  sniffOnStart: true,
  sniffInterval: true,
  sniffOnNodeFailure: true,
  sniffTimeout: true,
  nodeFilter: true,
  sniffEndpoint: true,
  httpCompress: true,
  maxResponseSize: true,
  maxCompressedResponseSize: true,
  retryBackoff: true,
  maxRetryBackoff: true,
  maxRetryAfter: true,
  deadNodeBackoff: true,
  maxDeadNodeBackoff: true,
  middleware: true,
  lookup: true,
  proxy: true,
  connectTimeout: true,
  connectionsPerNode: true,
  maxConnections: true,
  connection: true,
  requestHook: true,
  compatibility: true,
}

const call: Record<keyof CallOptions, true> = {
  signal: true,
  requestTimeout: true,
  maxRetries: true,
  retryOnTimeout: true,
  retryOnStatus: true,
  headers: true,
  opaqueId: true,
  ignore: true,
  origin: true,
  meta: true,
}

const rawCall: Record<keyof RawCallOptions, true> = { ...call, asBytes: true }

const kClientNames: ReadonlySet<string> = new Set(Object.keys(client))
const kRawCallNames: ReadonlySet<string> = new Set(Object.keys(rawCall))
const kPerRequestNames: ReadonlySet<string> = new Set(Object.keys(perRequest))
const kCallNames: ReadonlySet<string> = new Set(Object.keys(call))
const kAuthNames: ReadonlySet<string> = new Set(['basicAuth', 'bearerAuth', 'apiKey', 'auth'])

type Place = 'client' | 'options' | 'call'

/** The parameter names of an endpoint, to tell a request parameter given as a call option. */
interface ParameterNames {
  readonly path: readonly string[]
  readonly query: readonly string[]
  readonly body?: readonly string[] | undefined
  readonly value?: string | undefined
}

// Names a user may carry over from the Python client or guess; folded (lowercase, no `_` or `-`).
const kAliases: Readonly<Record<string, string>> = {
  host: 'node',
  hosts: 'nodes',
  url: 'node',
  urls: 'nodes',
  timeout: 'requestTimeout',
  httpauth: 'basicAuth',
  ca: 'caCerts',
  fingerprint: 'sslAssertFingerprint',
  sniffonconnectionfail: 'sniffOnNodeFailure',
}

const kNoPings =
  'no pings: a failed node rests `deadNodeBackoff` (doubling up to `maxDeadNodeBackoff`), then gets requests again'
const kObserve = 'no equivalent: watch requests with `middleware` or the diagnostics `channels`'
const kNoClasses = 'no classes to replace: compose `middleware`, `nodeSelector` or an `auth` middleware'
const kRedacted = 'credentials are always redacted from errors and events: no equivalent'

// The options of @elastic/elasticsearch's ClientOptions (9.x) and TransportRequestOptions that Stretch names
// otherwise or does not have. `maxRetries`, `requestTimeout`, `node`, `nodes`, `headers`, `proxy`, the sniff
// options (but sniffOnConnectionFault), `nodeFilter`, `nodeSelector`, `maxResponseSize` and
// `maxCompressedResponseSize` are the same in both.
type Official = (value: unknown) => string

const kOfficialClient: Readonly<Record<string, Official>> = {
  caFingerprint: () => 'use `sslAssertFingerprint`',
  cloud: () => "use `cloudId: '<id>'` for `cloud: { id }`",
  tls: tlsNote,
  compression: () => 'use `httpCompress`',
  sniffOnConnectionFault: () => 'use `sniffOnNodeFailure`',
  agent: () => 'use `connectionsPerNode`, `maxConnections`, `lookup` or `proxy`',
  pingTimeout: () => kNoPings,
  resurrectStrategy: () => kNoPings,
  Connection: () => kNoClasses,
  ConnectionPool: () => kNoClasses,
  Transport: () => kNoClasses,
  Serializer: () => kNoClasses,
  opaqueIdPrefix: () => 'give the whole `x-opaque-id` value with `opaqueId`',
  generateRequestId: () => kObserve,
  name: () => kObserve,
  context: () => kObserve,
  enableMetaHeader: () => 'no x-elastic-client-meta header is sent: no equivalent',
  disablePrototypePoisoningProtection: () => 'no equivalent',
  maxPathLength: () => 'no equivalent',
  redaction: () => kRedacted,
  serverMode: () => 'no equivalent: give the serverless endpoint as `node`',
}

const kOfficialCall: Readonly<Record<string, Official>> = {
  asStream: () => 'responses are always decoded: no equivalent',
  querystring: () => 'put `querystring` in the first argument',
  compression: () => 'use `httpCompress` on new Client()',
  id: () => kObserve,
  context: () => kObserve,
  redaction: () => kRedacted,
  maxPathLength: () => 'no equivalent',
}

function tlsNote(value: unknown): string {
  const map: Record<string, string> = { ca: 'caCerts', cert: 'clientCert', key: 'clientKey' }
  const given = typeof value === 'object' && value !== null ? Object.keys(value) : []
  const use: string[] = []
  const none: string[] = []
  for (const key of given) {
    const flag = (value as Record<string, unknown>)[key]
    if (Object.hasOwn(map, key)) use.push(`\`${map[key]}\` for \`tls.${key}\``)
    else if (key === 'rejectUnauthorized' && typeof flag === 'boolean') {
      use.push(`\`verifyCerts: ${flag}\` for \`tls.rejectUnauthorized: ${flag}\``)
    } else none.push(`\`tls.${key}\``)
  }
  if (use.length === 0 && none.length === 0) {
    return 'use `caCerts`, `clientCert`, `clientKey` and `verifyCerts` for `tls.ca`, `tls.cert`, `tls.key` and `tls.rejectUnauthorized`'
  }
  const parts = use.length > 0 ? [`use ${use.join(', ')}`] : []
  if (none.length > 0) parts.push(`${none.join(', ')} ${none.length === 1 ? 'has' : 'have'} no equivalent`)
  return parts.join('; ')
}

/**
 * The Stretch form of an @elastic/elasticsearch `auth` object, for the message of a non-function `auth`; names
 * keys only, never values.
 * @internal
 */
export function officialAuthHint(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const form = (keys: string, use: string): string =>
    `\`auth: { ${keys} }\` is the @elastic/elasticsearch form; use ${use} (\`auth\` takes a credential middleware)`
  if ('username' in value || 'password' in value) return form('username, password', '`basicAuth: [username, password]`')
  if ('apiKey' in value) {
    return form('apiKey', '`apiKey: ...` (the encoded key, `[id, apiKey]` or `{ id, apiKey }`)')
  }
  if ('bearer' in value) return form('bearer', '`bearerAuth: token`')
  return undefined
}

function fold(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '')
}

function hintFor(
  place: Place,
  key: string,
  value: unknown,
  where: string,
  params?: ParameterNames,
): OptionHint | undefined {
  const known =
    place === 'client'
      ? kClientNames
      : place === 'options'
        ? kPerRequestNames
        : where === 'request'
          ? kRawCallNames
          : kCallNames
  const officials = place === 'call' ? kOfficialCall : kOfficialClient
  if (Object.hasOwn(officials, key)) return { note: `@elastic/elasticsearch; ${(officials[key] as Official)(value)}` }
  if (place !== 'call' && kCallNames.has(key)) {
    return { note: `it is an option of one call: client.search(params, { ${key} })` }
  }
  if (place === 'call' && key === 'asBytes' && where !== 'request') {
    return {
      note: `only client.request() takes it, as its type then says bytes: client.request({ method, path, body, endpoint: '${where}' }, { asBytes: true })`,
    }
  }
  if (place === 'call' && kAuthNames.has(key)) {
    return { note: `credentials of some requests: client.options({ ${key} }).${where}(...)` }
  }
  if (place !== 'client' && kClientNames.has(key)) return { note: 'it is set on new Client() only' }
  if (
    params !== undefined &&
    (params.path.includes(key) ||
      params.query.includes(key) ||
      params.body?.includes(key) === true ||
      params.value === key)
  ) {
    return { note: `it is a parameter of ${where}: put it in the first argument` }
  }
  const folded = fold(key)
  const alias = Object.hasOwn(kAliases, folded) ? kAliases[folded] : undefined
  if (alias !== undefined && known.has(alias)) return { suggest: alias }
  const near = nearestName(key, known)
  if (near !== undefined) return { suggest: near }
  if (place === 'client') return undefined
  // A typo of an option that belongs to another place: name it, and say where it goes.
  const far = nearestName(key, kClientNames)
  if (far === undefined) return undefined
  return {
    note: `did you mean \`${far}\`? ${kPerRequestNames.has(far) ? 'it is an option of client.options()' : 'it is set on new Client() only'}`,
  }
}

function listOf(place: Place): string {
  if (place === 'client') return 'the options are listed in the README of @stretch/client'
  const names = [...(place === 'options' ? kPerRequestNames : kCallNames)].map((n) => `\`${n}\``)
  const head = place === 'options' ? 'options() takes' : 'a call takes'
  return `${head} ${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

function checkNames(
  options: object,
  known: ReadonlySet<string>,
  place: Place,
  where: string,
  params?: ParameterNames,
): void {
  for (const key in options) {
    if (!known.has(key) && Object.hasOwn(options, key)) {
      // The transport's check words the error (it throws); its hints, and what is said without one, are the client's.
      const values = options as Record<string, unknown>
      checkOptionNames(where, options, known, {
        noun: place === 'call' ? 'call option' : 'option',
        hint: (name) => hintFor(place, name, values[name], where, params),
        otherwise: listOf(place),
      })
    }
  }
}

/**
 * Throws a `ConfigurationError` for an option of `new Client()` that is not one.
 * @internal
 */
export function checkClientOptionNames(options: object): void {
  checkNames(options, kClientNames, 'client', 'Client')
}

/**
 * Throws a `ConfigurationError` for an option of `client.options()` that is not one.
 * @internal
 */
export function checkChildOptionNames(options: object): void {
  checkNames(options, kPerRequestNames, 'options', 'options()')
}

/**
 * Throws a `ConfigurationError` for a call option that is not one. On every call that has options: a loop over
 * the keys with one Set lookup each; the message is built only when a name is unknown.
 * @param options - the second argument of the call.
 * @param where - the API name, such as `search` or `indices.get`.
 * @param params - the endpoint's parameter names, to tell a request parameter given as a call option.
 * @internal
 */
export function checkCallOptionNames(options: object, where: string, params?: ParameterNames): void {
  if (typeof options !== 'object') {
    throw new ConfigurationError(
      typeof options === 'function'
        ? `${where}: callbacks are not supported; await the promise the call returns (the second argument is an object of call options)`
        : `${where}: the second argument must be an object of call options, such as { requestTimeout: 5000 }`,
    )
  }
  checkNames(options, kCallNames, 'call', where, params)
}

/**
 * {@link checkCallOptionNames} for `client.request()`, which also takes `asBytes`.
 * @internal
 */
export function checkRawCallOptionNames(options: object): void {
  if (typeof options !== 'object') checkCallOptionNames(options, 'request')
  checkNames(options, kRawCallNames, 'call', 'request')
}
