import type { ProxiedRequest } from '@stretch/test-utils'
import { expect, it } from 'vitest'
import type { Clusters } from '../src/harness.js'
import type { Outcome, SeenError } from '../src/scenarios.js'

/** What a runtime is expected to do where runtimes differ. */
export interface RuntimeExpectations {
  readonly runtime: 'node' | 'deno' | 'bun' | 'workerd' | 'browser'
  /** The runtime's name as fetchConnection's errors print it. */
  readonly name: RegExp
  /** `caCerts` works (Deno, Bun); otherwise the HTTPS scenarios do not run. */
  readonly caCerts: boolean
  /** A leaf pin beside the CA works (Bun), or is refused at construction. */
  readonly pin: 'works' | 'refused'
  /**
   * The alternative that the refusal of a pin names: for every runtime of `pin: 'refused'`, and for Bun a pin
   * without a CA.
   */
  readonly pinAlternative: RegExp
  /** `rejectUnauthorized: false` is accepted at construction. */
  readonly noVerify: boolean
  /**
   * How often a POST whose socket was reset after it was read reaches the node: 1, or at most 2 where the runtime's
   * own fetch resends it on a new connection (Deno's HTTP client and Chromium do, when the reset socket was a
   * pooled one).
   */
  readonly resetDeliveries: 1 | 'runtime-may-resend'
  /**
   * The `cloudId` scenario: `true` where it runs (the runtime resolves `<uuid>.localhost` and trusts the endpoint's
   * CA), or why it does not.
   */
  readonly cloudId: true | string
  /**
   * Where no CA can be given (workerd, Chromium): what an HTTPS node with an untrusted certificate looks like.
   * Where `caCerts` works, the HTTPS scenarios assert a `TlsError` instead.
   */
  readonly untrusted?: { readonly code: string; readonly requestSent: boolean; readonly message: RegExp }
  /**
   * The `client` scenario once more, bundled from the built packages (no `@stretch/source` condition): the files the
   * bundle took in, and the client's entry that the runtime's conditions pick (`index.web.js`, or `index.js` on Node).
   */
  readonly dist: { readonly inputs: () => readonly string[]; readonly clientEntry: 'index.web.js' | 'index.js' }
  /** What a refused connection looks like. */
  readonly refused: { readonly requestSent: boolean; readonly message: RegExp }
  /**
   * `fetchConnection({ proxy })`: honoured (Deno, Bun: the proxy scenarios run and the proxy's log is checked), or
   * refused at construction naming the runtime.
   */
  readonly proxy: 'works' | 'refused'
  /** The client's `proxy` option: honoured (undici on Node, fetch on Deno and Bun) or refused naming the runtime. */
  readonly clientProxy: 'works' | 'refused'
  /**
   * The env-proxy scenarios, run in a second process with HTTP(S)_PROXY set: what `proxy: false` does there
   * (connects directly on Bun, refused on Deno). Absent where that second process is not run.
   */
  readonly envProxy?: { readonly results: () => Record<string, Outcome>; readonly proxyFalse: 'direct' | 'refused' }
}

/** The HTTPS scenarios, run only where the runtime takes a CA. */
export const httpsScenarios: readonly string[] = [
  'caCerts',
  'clientCert',
  'untrusted',
  'pin',
  'pinMismatch',
  'proxyHttps',
  'proxyHttpsUntrusted',
  'proxyNoCredentialsHttps',
]

/** The media types the client sends on every runtime (as on Node): REST API compatibility with 8. */
const compatJson = 'application/vnd.elasticsearch+json; compatible-with=8'

function value(outcome: Outcome | undefined): unknown {
  if (outcome === undefined) throw new Error('the scenario did not run')
  if ('error' in outcome) throw new Error(`the scenario failed: ${outcome.error.name}: ${outcome.error.message}`)
  return outcome.value
}

function failure(outcome: Outcome | undefined): SeenError {
  if (outcome === undefined) throw new Error('the scenario did not run')
  if (!('error' in outcome)) throw new Error(`the scenario succeeded: ${JSON.stringify(outcome.value)}`)
  return outcome.error
}

/** One `it` per scenario, each asserting what a user of that runtime sees. */
export function expectScenarios(
  results: () => Record<string, Outcome>,
  clusters: () => Clusters,
  e: RuntimeExpectations,
): void {
  const ok = { statusCode: 200, version: '9.1.0' }
  it('@stretch/client with no connection option: info, index, get, and options() with an API key and a bearer token', () => {
    expect(value(results()['client'])).toEqual({ version: '9.1.0', source: { from: 'client' }, counts: [1, 1] })
  })
  it('@stretch/client sends the compatibility media types (accept, content-type: compatible-with=8) as on Node', () => {
    const log = clusters().http.requests()
    const put = log.find((r) => r.method === 'PUT' && r.path === '/runtime-client/_doc/1')
    const get = log.find((r) => r.method === 'GET' && r.path === '/runtime-client/_doc/1')
    expect(put?.headers['content-type']).toBe(compatJson)
    expect(put?.headers['accept']).toBe(compatJson)
    expect(get?.headers['accept']).toBe(compatJson)
  })
  it(`@stretch/client from its built dist/${e.dist.clientEntry}, through the published export conditions: the same`, () => {
    expect(value(results()['clientDist'])).toEqual({ version: '9.1.0', source: { from: 'client' }, counts: [1, 1] })
    const inputs = e.dist.inputs()
    expect(inputs).toContain(`packages/client/dist/${e.dist.clientEntry}`)
    expect(inputs.some((f) => f.startsWith('packages/transport/dist/'))).toBe(true)
    if (e.dist.clientEntry === 'index.web.js') expect(inputs).toContain('packages/connection-fetch/dist/index.js')
    // nothing from a package's sources
    expect(inputs.filter((f) => /^packages\/[^/]+\/src\//.test(f))).toEqual([])
  })
  it('basic auth', () => expect(value(results()['basic'])).toEqual(ok))
  it('bearer auth', () => expect(value(results()['bearer'])).toEqual(ok))
  it('API-key auth', () => expect(value(results()['apiKey'])).toEqual(ok))
  it('a wrong password is a ResponseError 401', () => {
    const error = failure(results()['wrongPassword'])
    expect(error.code).toBe('ES_ERR_RESPONSE')
    expect(error.message).not.toContain('wrong')
  })
  it('gzip: the body goes out compressed as bytes and the answer is decoded once', () => {
    expect(value(results()['gzip'])).toEqual({ same: true })
    const put = clusters()
      .http.requests()
      .find((r) => r.method === 'PUT' && r.path === '/runtime-gzip/_doc/1')
    expect(put?.headers['content-encoding']).toBe('gzip')
    expect(put?.headers['transfer-encoding']).toBeUndefined()
    expect(Number(put?.headers['content-length'])).toBe(put?.rawBody.length)
  })
  it("abort: the caller's signal is a RequestAbortedError", () => {
    expect(failure(results()['abort']).code).toBe('ES_ERR_REQUEST_ABORTED')
  })
  it('timeout: requestTimeout is a TimeoutError', () => {
    expect(failure(results()['timeout']).code).toBe('ES_ERR_TIMEOUT')
  })
  it('a streamed request body is collected and sent with a content-length', () => {
    expect(value(results()['stream'])).toEqual({ errors: false, items: 1 })
    const bulk = clusters()
      .http.requests()
      .find((r) => r.method === 'POST' && r.path === '/_bulk')
    expect(bulk?.headers['transfer-encoding']).toBeUndefined()
    expect(Number(bulk?.headers['content-length'])).toBe(bulk?.rawBody.length)
  })
  it('sniffing from one seed finds both nodes', () => expect(value(results()['sniff'])).toEqual({ nodes: 2 }))
  it("round-robin over two nodes: the client's default selector alternates between them", () => {
    const { urls } = value(results()['roundRobin']) as { urls: string[] }
    const origins = urls.map((u) => new URL(u).origin)
    const [a, b] = clusters().http.urls.map((u) => new URL(u).origin) as [string, string]
    expect(new Set(origins)).toEqual(new Set([a, b]))
    expect([
      [a, b, a, b],
      [b, a, b, a],
    ]).toContainEqual(origins)
  })
  if (e.cloudId === true) {
    it('Cloud ID: the client reaches the endpoint over HTTPS with its Host, gzip and the compatibility media types', () => {
      expect(value(results()['cloudId'])).toEqual({ version: '9.1.0' })
      const cloud = clusters().https.cloud as NonNullable<Clusters['https']['cloud']>
      const put = cloud.node.requests.find((r) => r.method === 'PUT' && r.path === '/runtime-cloud/_doc/1')
      expect(put?.headers['host']).toBe(`${cloud.hostname}:${cloud.port}`)
      expect(put?.headers['content-encoding']).toBe('gzip')
      expect(put?.headers['content-type']).toBe(compatJson)
      expect(put?.headers['accept']).toBe(compatJson)
    })
  }
  it('retries on the other node when one is stopped, and marks it dead', () => {
    expect(value(results()['retryStopped'])).toEqual({ attempts: 2, firstAlive: false })
  })
  it(`a refused connection is a ConnectionError (requestSent ${e.refused.requestSent})`, () => {
    const error = failure(results()['refused'])
    expect(error.code).toBe('ES_ERR_CONNECTION')
    expect(error.requestSent).toBe(e.refused.requestSent)
    expect(error.message).toMatch(e.refused.message)
  })
  it('a reset after the request was sent is a ConnectionError with requestSent true, and a POST is not resent', () => {
    const error = failure(results()['reset'])
    expect(error.code).toBe('ES_ERR_CONNECTION')
    expect(error.requestSent).toBe(true)
    const deliveries = clusters()
      .http.requests()
      .filter((r) => r.path === '/_reset').length
    // The transport never resends it (requestSent true); Deno's and Chromium's fetch themselves may, once.
    if (e.resetDeliveries === 1) expect(deliveries).toBe(1)
    else expect([1, 2]).toContain(deliveries)
  })
  it('refuses at construction the TLS options it cannot honour, naming the runtime', () => {
    const seen = value(results()['refusedOptions']) as Record<string, string>
    const refused = (text: string | undefined): void => {
      expect(text).toMatch(/^ConfigurationError: /)
      expect(text).toMatch(e.name)
    }
    if (e.caCerts) expect(seen['ca']).toBe('accepted')
    else refused(seen['ca'])
    refused(seen['pin'])
    if (e.noVerify) expect(seen['noVerify']).toBe('accepted')
    else refused(seen['noVerify'])
    // a client certificate goes where a CA can be given (Deno, Bun), nowhere else
    if (e.caCerts) expect(seen['cert']).toBe('accepted')
    else {
      refused(seen['cert'])
      expect(seen['cert']).toMatch(
        /^ConfigurationError: tls\.cert and tls\.key \(client certificates\) cannot be honoured/,
      )
    }
    if (e.proxy === 'works') expect(seen['proxy']).toBe('accepted')
    else {
      refused(seen['proxy'])
      expect(seen['proxy']).toMatch(/^ConfigurationError: proxy cannot be honoured/)
    }
  })
  it(
    e.pin === 'works'
      ? 'a pin without a trusted CA is refused at construction, naming the runtime and the alternative'
      : 'a pin (sslAssertFingerprint) is refused at construction, naming the runtime and the alternative',
    () => {
      const seen = (value(results()['refusedOptions']) as Record<string, string>)['pin']
      expect(seen).toMatch(/^ConfigurationError: tls\.fingerprint256 \(sslAssertFingerprint\)[^:]* cannot be honoured/)
      expect(seen).toMatch(e.name)
      expect(seen).toMatch(e.pinAlternative)
    },
  )
  const proxyLog = (opaqueId: string): readonly ProxiedRequest[] =>
    clusters().proxy.requests.filter((r) => r.headers['x-opaque-id'] === opaqueId)
  const nodeLog = (cluster: 'http' | 'https', opaqueId: string): number =>
    clusters()
      [cluster].requests()
      .filter((r) => r.headers['x-opaque-id'] === opaqueId).length
  if (e.clientProxy === 'works') {
    it("the client's proxy option: the request goes through the proxy, with its credentials", () => {
      expect(value(results()['clientProxy'])).toEqual({ version: '9.1.0' })
      const seen = proxyLog('client-proxy')
      expect(seen.map((r) => [r.method, r.target, r.refused])).toEqual([
        ['GET', `${clusters().http.urls[0]}/`, undefined],
      ])
      expect(seen[0]?.headers['proxy-authorization']).toBe(`Basic ${btoa('runtime:proxy-secret')}`)
      expect(nodeLog('http', 'client-proxy')).toBe(1)
    })
  } else {
    it("the client's proxy option is refused at construction, naming the runtime", () => {
      const error = failure(results()['clientProxy'])
      expect(error.code).toBe('ES_ERR_CONFIGURATION')
      expect(error.message).toMatch(/^proxy cannot be honoured/)
      expect(error.message).toMatch(e.name)
      expect(error.message).not.toContain('proxy-secret')
    })
  }
  if (e.proxy === 'works') {
    it('proxy: an http node gets an absolute-URI request through the proxy, with its credentials', () => {
      expect(value(results()['proxyHttp'])).toEqual(ok)
      const seen = proxyLog('proxy-http')
      expect(seen.map((r) => [r.method, r.target, r.refused])).toEqual([
        ['GET', `${clusters().http.urls[0]}/`, undefined],
      ])
      expect(seen[0]?.headers['proxy-authorization']).toBe(`Basic ${btoa('runtime:proxy-secret')}`)
      expect(nodeLog('http', 'proxy-http')).toBe(1)
    })
    it("proxy: the proxy's 407 is a ConfigurationError that shows no credentials and is not retried", () => {
      const error = failure(results()['proxyNoCredentials'])
      expect(error.code).toBe('ES_ERR_CONFIGURATION')
      expect(error.message).toMatch(/the proxy at 127\.0\.0\.1:\d+ wants credentials \(407\)/)
      const refused = clusters().proxy.requests.filter((r) => r.refused === 407 && r.method === 'GET')
      expect(refused).toHaveLength(1)
    })
    it('proxy: a proxy that refuses the connection is a ConnectionError naming it, requestSent false', () => {
      const error = failure(results()['proxyRefused'])
      expect(error.code).toBe('ES_ERR_CONNECTION')
      expect(error.requestSent).toBe(false)
      expect(error.message).toContain(`through the proxy at ${new URL(clusters().config.stopped).host}`)
    })
  } else {
    it('proxy: fetchConnection({ proxy }) is refused at construction, naming the runtime', () => {
      const error = failure(results()['proxyHttp'])
      expect(error.code).toBe('ES_ERR_CONFIGURATION')
      expect(error.message).toMatch(e.name)
    })
  }
  if (e.envProxy !== undefined) {
    const env = e.envProxy
    it('HTTP_PROXY: with no proxy option the runtime sends the request through the proxy of the environment', () => {
      expect(value(env.results()['envProxy'])).toEqual(ok)
      expect(proxyLog('env-proxy').map((r) => [r.method, r.target, r.refused])).toEqual([
        ['GET', `${clusters().http.urls[0]}/`, undefined],
      ])
      expect(nodeLog('http', 'env-proxy')).toBe(1)
    })
    if (env.proxyFalse === 'direct') {
      it('proxy: false connects directly despite HTTP_PROXY', () => {
        expect(value(env.results()['proxyFalse'])).toEqual(ok)
        expect(proxyLog('proxy-false')).toEqual([])
        expect(nodeLog('http', 'proxy-false')).toBe(1)
      })
    } else {
      it('proxy: false is refused at construction, naming the runtime and NO_PROXY', () => {
        const error = failure(env.results()['proxyFalse'])
        expect(error.code).toBe('ES_ERR_CONFIGURATION')
        expect(error.message).toMatch(e.name)
        expect(error.message).toMatch(/NO_PROXY/)
      })
    }
  }
  if (e.untrusted !== undefined) {
    const u = e.untrusted
    it(`an HTTPS node with an untrusted certificate (no CA can be given) is a ${u.code}, requestSent ${u.requestSent}`, () => {
      const error = failure(results()['untrusted'])
      expect(error.code).toBe(u.code)
      expect(error.requestSent).toBe(u.requestSent)
      expect(error.message).toMatch(u.message)
      // The handshake failed: the node never saw the request.
      expect(clusters().https.nodes[0]?.requests.filter((r) => r.method === 'GET' && r.path === '/')).toEqual([])
    })
  }
  if (e.caCerts) {
    it('custom CA (caCerts) over HTTPS', () => expect(value(results()['caCerts'])).toEqual(ok))
    it('a client certificate (mutual TLS)', () => {
      expect(value(results()['clientCert'])).toEqual(ok)
      const seenByNode = clusters()
        .https.requests()
        .find((r) => r.headers['x-opaque-id'] === 'client-cert')
      expect(seenByNode?.clientCertificate).toMatch(/stretch-runtime/)
    })
    it('without the CA the certificate is refused with a TlsError and nothing is sent', () => {
      const error = failure(results()['untrusted'])
      expect(error.code).toBe('ES_ERR_TLS')
      expect(error.requestSent).toBe(false)
    })
    if (e.pin === 'works') {
      it('a leaf pin beside the CA', () => expect(value(results()['pin'])).toEqual(ok))
      it('a pin mismatch is a TlsError', () => expect(failure(results()['pinMismatch']).code).toBe('ES_ERR_TLS'))
    } else {
      it('a pin is refused at construction, also beside the CA', () => {
        const error = failure(results()['pin'])
        expect(error.code).toBe('ES_ERR_CONFIGURATION')
        expect(error.message).toMatch(e.name)
        expect(error.message).toMatch(e.pinAlternative)
      })
    }
    if (e.proxy === 'works') {
      it('proxy: an https node is reached through a CONNECT tunnel, with the CA checked end to end', () => {
        expect(value(results()['proxyHttps'])).toEqual(ok)
        const authority = new URL(clusters().https.url).host
        const tunnels = clusters().proxy.requests.filter(
          (r) => r.method === 'CONNECT' && r.target === authority && r.refused === undefined,
        )
        expect(tunnels.length).toBeGreaterThanOrEqual(1)
        expect(tunnels[0]?.headers['proxy-authorization']).toBe(`Basic ${btoa('runtime:proxy-secret')}`)
        expect(nodeLog('https', 'proxy-https')).toBe(1)
      })
      it('proxy: through the tunnel an untrusted certificate is still a TlsError and nothing is sent', () => {
        const error = failure(results()['proxyHttpsUntrusted'])
        expect(error.code).toBe('ES_ERR_TLS')
        expect(error.requestSent).toBe(false)
        expect(error.message).not.toContain('proxy-secret')
        expect(nodeLog('https', 'proxy-untrusted')).toBe(0)
        // Its tunnel was opened (the one of "proxy: an https node ..." is the other): the check ran through it.
        const authority = new URL(clusters().https.url).host
        const tunnels = clusters().proxy.requests.filter(
          (r) => r.method === 'CONNECT' && r.target === authority && r.refused === undefined,
        )
        expect(tunnels.length).toBeGreaterThanOrEqual(2)
      })
      it("proxy: a CONNECT refused with 407 is a ConfigurationError, not the node's failure", () => {
        const error = failure(results()['proxyNoCredentialsHttps'])
        expect(error.code).toBe('ES_ERR_CONFIGURATION')
        expect(error.message).toMatch(/the proxy at 127\.0\.0\.1:\d+ wants credentials \(407\)/)
        const refused = clusters().proxy.requests.filter((r) => r.refused === 407 && r.method === 'CONNECT')
        expect(refused).toHaveLength(1)
      })
    }
  }
}
