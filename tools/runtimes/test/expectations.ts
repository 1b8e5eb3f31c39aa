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
  /** `rejectUnauthorized: false` is accepted at construction. */
  readonly noVerify: boolean
  /**
   * How often a POST whose socket was reset after it was read reaches the node: 1, or at most 2 where the runtime's
   * own fetch resends it on a new connection (Deno's HTTP client and Chromium do, when the reset socket was a
   * pooled one).
   */
  readonly resetDeliveries: 1 | 'runtime-may-resend'
  /** What a refused connection looks like. */
  readonly refused: { readonly requestSent: boolean; readonly message: RegExp }
}

/** The HTTPS scenarios, run only where the runtime takes a CA. */
export const httpsScenarios: readonly string[] = ['caCerts', 'clientCert', 'untrusted', 'pin', 'pinMismatch']

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
  it('round-robin over two nodes', () => expect(value(results()['roundRobin'])).toEqual({ nodes: 2 }))
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
  })
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
      it('a pin is refused at construction', () => {
        const error = failure(results()['pin'])
        expect(error.code).toBe('ES_ERR_CONFIGURATION')
        expect(error.message).toMatch(e.name)
      })
    }
  }
}
