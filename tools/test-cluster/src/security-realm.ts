import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import { esErrorBody, type Reply } from './es-errors.js'

/** The `WWW-Authenticate` values Elasticsearch sends with a 401, one header line each. */
export const WWW_AUTHENTICATE: readonly string[] = [
  'Basic realm="security", charset="UTF-8"',
  'Bearer realm="security"',
  'ApiKey',
]

/** Who a request was authenticated as. @public */
export interface AuthenticatedUser {
  readonly username: string
  readonly roles: readonly string[]
  /** `realm`, `api_key`, `token` (OAuth2 access token) or `service_account`. */
  readonly authenticationType: 'realm' | 'api_key' | 'token' | 'service_account'
  readonly realm: string
  /** The API key used, for `api_key`. */
  readonly apiKey?: { readonly id: string; readonly name: string }
}

/** An API key as the cluster stores it. @public */
export interface ApiKeyInfo {
  readonly id: string
  readonly name: string
  readonly username: string
  readonly creation: number
  /** Epoch ms, or undefined for no expiry. */
  expiration: number | undefined
  invalidated: boolean
  readonly roles: readonly string[]
}

/** A created API key, as `POST /_security/api_key` answers. @public */
export interface CreatedApiKey {
  readonly id: string
  readonly name: string
  readonly api_key: string
  /** base64(`id:api_key`): the value of `Authorization: ApiKey <encoded>`. */
  readonly encoded: string
  readonly expiration?: number
}

/** An OAuth2 token pair, as `POST /_security/oauth2/token` answers. @public */
export interface CreatedToken {
  readonly access_token: string
  readonly type: 'Bearer'
  readonly expires_in: number
  readonly refresh_token?: string
}

/** A service account token. @public */
export interface ServiceToken {
  /** The token's name. */
  readonly name: string
  /** The bearer value (`Authorization: Bearer <value>`). */
  readonly value: string
  /** `namespace/service`, e.g. `elastic/fleet-server`. */
  readonly serviceAccount: string
}

interface TokenRecord {
  readonly user: AuthenticatedUser
  expiresAt: number
  invalidated: boolean
  refreshToken: string | undefined
}

const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-_=+'

/**
 * A password like the ones Elasticsearch's auto-configuration generates: 20 characters, letters, digits and a few
 * symbols (`*-_=+`), so clients have to encode it properly.
 */
export function generatePassword(): string {
  let out = ''
  for (let i = 0; i < 20; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]
  return out
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Parses `1d`, `12h`, `30m`, `10s`, `500ms` (Elasticsearch time units) to milliseconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return undefined
  const m = /^(\d+)(nanos|micros|ms|s|m|h|d)$/.exec(value.trim())
  if (m === null) return undefined
  const n = Number(m[1])
  const unit = m[2] as string
  const factor: Record<string, number> = {
    nanos: 1e-6,
    micros: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
  }
  return n * (factor[unit] ?? 1)
}

/** Users, API keys and tokens of one cluster (shared by all its nodes). @public */
export class SecurityRealm {
  readonly users: Map<string, { password: string; roles: readonly string[] }> = new Map()
  readonly apiKeys: Map<string, ApiKeyInfo & { readonly secret: string }> = new Map()
  readonly tokens: Map<string, TokenRecord> = new Map()
  readonly refreshTokens: Map<string, string> = new Map()
  readonly serviceTokens: Map<string, { token: ServiceToken; invalidated: boolean }> = new Map()
  /** Lifetime of OAuth2 access tokens in ms (Elasticsearch: 20 minutes). */
  tokenLifetimeMs: number = 20 * 60_000
  /** The clock; tests may move it. */
  now: () => number = () => Date.now()

  constructor(elasticPassword: string) {
    this.users.set('elastic', { password: elasticPassword, roles: ['superuser'] })
    // Keeps passwords, keys and tokens out of logs: `util.inspect` shows names and counts only. (A computed
    // method name would break isolatedDeclarations.)
    Object.defineProperty(this, Symbol.for('nodejs.util.inspect.custom'), {
      value: (): string =>
        `SecurityRealm { users: [${[...this.users.keys()].join(', ')}], apiKeys: ${this.apiKeys.size}, tokens: ${this.tokens.size} }`,
    })
  }

  toJSON(): unknown {
    return { users: [...this.users.keys()], apiKeys: this.apiKeys.size, tokens: this.tokens.size }
  }

  addUser(username: string, password: string, roles: readonly string[] = ['superuser']): void {
    this.users.set(username, { password, roles: [...roles] })
  }

  createApiKey(
    owner: AuthenticatedUser,
    name: string,
    expirationMs?: number,
    roles?: readonly string[],
  ): CreatedApiKey {
    const id = randomBytes(15).toString('base64url')
    const secret = randomBytes(16).toString('base64url')
    const creation = this.now()
    const expiration = expirationMs === undefined ? undefined : creation + expirationMs
    this.apiKeys.set(id, {
      id,
      name,
      username: owner.username,
      creation,
      expiration,
      invalidated: false,
      roles: roles ?? owner.roles,
      secret,
    })
    const encoded = Buffer.from(`${id}:${secret}`).toString('base64')
    return { id, name, api_key: secret, encoded, ...(expiration === undefined ? {} : { expiration }) }
  }

  /** Invalidates keys by id or name; returns the ids newly invalidated and those already invalid. */
  invalidateApiKeys(filter: { ids?: readonly string[]; name?: string; username?: string }): {
    invalidated: string[]
    previously: string[]
  } {
    const invalidated: string[] = []
    const previously: string[] = []
    for (const key of this.apiKeys.values()) {
      const byId = filter.ids?.includes(key.id) === true
      const byName = filter.name !== undefined && (filter.name === '*' || key.name === filter.name)
      const byUser = filter.username !== undefined && key.username === filter.username
      if (!byId && !byName && !byUser) continue
      if (key.invalidated) previously.push(key.id)
      else {
        key.invalidated = true
        invalidated.push(key.id)
      }
    }
    return { invalidated, previously }
  }

  createToken(user: AuthenticatedUser, withRefresh: boolean): CreatedToken {
    const access = randomBytes(48).toString('base64')
    const refresh = withRefresh ? randomBytes(24).toString('base64url') : undefined
    const tokenUser: AuthenticatedUser = {
      username: user.username,
      roles: user.roles,
      authenticationType: 'token',
      realm: user.realm,
    }
    this.tokens.set(access, {
      user: tokenUser,
      expiresAt: this.now() + this.tokenLifetimeMs,
      invalidated: false,
      refreshToken: refresh,
    })
    if (refresh !== undefined) this.refreshTokens.set(refresh, access)
    return {
      access_token: access,
      type: 'Bearer',
      expires_in: Math.round(this.tokenLifetimeMs / 1000),
      ...(refresh === undefined ? {} : { refresh_token: refresh }),
    }
  }

  /** Marks an access token expired (its next use gets 401 `token expired`). Returns false if unknown. */
  expireToken(accessToken: string): boolean {
    const record = this.tokens.get(accessToken)
    if (record === undefined) return false
    record.expiresAt = this.now() - 1
    return true
  }

  invalidateToken(accessOrRefresh: string): number {
    const access = this.refreshTokens.get(accessOrRefresh) ?? accessOrRefresh
    const record = this.tokens.get(access)
    if (record === undefined || record.invalidated) return 0
    record.invalidated = true
    return 1
  }

  refresh(refreshToken: string): CreatedToken | undefined {
    const access = this.refreshTokens.get(refreshToken)
    if (access === undefined) return undefined
    const record = this.tokens.get(access)
    if (record === undefined) return undefined
    // A refresh token is single use, as in Elasticsearch.
    this.refreshTokens.delete(refreshToken)
    record.invalidated = true
    return this.createToken(record.user, true)
  }

  createServiceToken(serviceAccount = 'elastic/fleet-server', name?: string): ServiceToken {
    const tokenName = name ?? `token-${randomBytes(4).toString('hex')}`
    const secret = randomBytes(16).toString('base64url')
    // Elasticsearch's service tokens: base64 of a 4-byte header (version, type) and `namespace/service/name:secret`.
    const value = Buffer.concat([
      Buffer.from([0, 1, 0, 1]),
      Buffer.from(`${serviceAccount}/${tokenName}:${secret}`),
    ]).toString('base64url')
    const token: ServiceToken = { name: tokenName, value, serviceAccount }
    this.serviceTokens.set(value, { token, invalidated: false })
    return token
  }

  invalidateServiceToken(value: string): boolean {
    const entry = this.serviceTokens.get(value)
    if (entry === undefined) return false
    entry.invalidated = true
    return true
  }

  /** Authenticates an `Authorization` header value; `undefined` header is a missing credential. */
  authenticate(header: string | undefined, uri: string): { user: AuthenticatedUser } | { reply: Reply } {
    if (header === undefined || header.trim() === '') {
      return { reply: unauthorized(`missing authentication credentials for REST request [${uri}]`) }
    }
    const space = header.indexOf(' ')
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase()
    const value = space < 0 ? '' : header.slice(space + 1).trim()
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      const username = colon < 0 ? decoded : decoded.slice(0, colon)
      const password = colon < 0 ? '' : decoded.slice(colon + 1)
      const user = this.users.get(username)
      if (user === undefined || !safeEqual(user.password, password)) {
        return { reply: unauthorized(`unable to authenticate user [${username}] for REST request [${uri}]`) }
      }
      return {
        user: {
          username,
          roles: user.roles,
          authenticationType: 'realm',
          realm: username === 'elastic' ? 'reserved' : 'default_native',
        },
      }
    }
    if (scheme === 'apikey') {
      const decoded = Buffer.from(value, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      const key = colon < 0 ? undefined : this.apiKeys.get(decoded.slice(0, colon))
      const prefix =
        'unable to authenticate with provided credentials and anonymous access is not allowed for this request'
      if (key === undefined || !safeEqual(key.secret, decoded.slice(colon + 1))) {
        return { reply: unauthorized(prefix, { additional_unsuccessful_credentials: 'API key: invalid ApiKey value' }) }
      }
      if (key.invalidated) {
        return {
          reply: unauthorized(prefix, {
            additional_unsuccessful_credentials: `API key: api key [${key.id}] has been invalidated`,
          }),
        }
      }
      if (key.expiration !== undefined && key.expiration <= this.now()) {
        return { reply: unauthorized(prefix, { additional_unsuccessful_credentials: 'API key: api key is expired' }) }
      }
      return {
        user: {
          username: key.username,
          roles: key.roles,
          authenticationType: 'api_key',
          realm: '_es_api_key',
          apiKey: { id: key.id, name: key.name },
        },
      }
    }
    if (scheme === 'bearer') {
      const service = this.serviceTokens.get(value)
      if (service !== undefined && !service.invalidated) {
        return {
          user: {
            username: service.token.serviceAccount,
            roles: [],
            authenticationType: 'service_account',
            realm: '_service_account',
          },
        }
      }
      const record = this.tokens.get(value)
      if (record === undefined || record.invalidated || record.expiresAt <= this.now()) {
        // Elasticsearch answers "token expired" for expired and invalidated tokens alike.
        return {
          reply: {
            ...unauthorized('token expired'),
            headers: {
              'www-authenticate':
                'Bearer realm="security", error="invalid_token", error_description="The access token expired"',
            },
          },
        }
      }
      return { user: record.user }
    }
    return { reply: unauthorized(`missing authentication credentials for REST request [${uri}]`) }
  }
}

/** A 401 with Elasticsearch's body and the three `WWW-Authenticate` challenges. */
export function unauthorized(reason: string, extra: Record<string, unknown> = {}): Reply {
  const header = { 'WWW-Authenticate': [...WWW_AUTHENTICATE] }
  return {
    status: 401,
    body: esErrorBody(401, { type: 'security_exception', reason, ...extra, header }),
    headers: { 'www-authenticate': WWW_AUTHENTICATE },
  }
}
