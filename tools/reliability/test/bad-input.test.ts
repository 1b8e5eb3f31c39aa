// Bad input: every malformed setting or body gets a typed error that names what is wrong, and nothing is sent.
// Property-based where the input space is large (fast-check), tables where the forms are known.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  Client,
  type ClientOptions,
  isConfigurationError,
  isConnectionError,
  isDeserializationError,
  isProductNotSupportedError,
  isResponseTooLargeError,
  isSerializationError,
  parseCloudId,
} from '@stretch/client'
import { undiciConnection } from '@stretch/connection-undici'
import { parsePublishAddress } from '@stretch/pool-sniffing'
import type { TestCluster } from '@stretch/test-cluster'
import { startServer } from '@stretch/test-utils'
import { Transport } from '@stretch/transport'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordFigure } from './support/figures.js'
import { clientOf, seed, startTestCluster } from './support/load.js'
import { watchProcess } from './support/watch.js'

const suite = 'bad input'
const watch = watchProcess()
const NODE = 'https://localhost:9200'
let cases = 0

let cluster: TestCluster
beforeAll(async () => {
  cluster = await startTestCluster({ nodes: 1, security: false })
})
afterAll(async () => {
  await cluster.close()
})

/** Runs `make` and returns what it threw (undefined when it did not throw). */
function thrown(make: () => unknown): unknown {
  cases += 1
  try {
    const made = make()
    if (made instanceof Client) void made.close()
    return undefined
  } catch (error) {
    watch.error(error, 'bad input')
    return error
  }
}

function expectConfigError(make: () => unknown, names: RegExp): void {
  const error = thrown(make)
  expect(isConfigurationError(error), `${String(error)}`).toBe(true)
  expect((error as Error).message).toMatch(names)
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  cases += 1
  try {
    await promise
  } catch (error) {
    watch.error(error, 'bad input')
    return error
  }
  throw new Error('expected a rejection')
}

/** Asserts nothing reached the cluster (not even a TCP connection) while `run` ran. */
async function nothingSent(run: () => Promise<void>): Promise<void> {
  cluster.resetStats()
  await run()
  const stats = cluster.totalStats()
  expect({ requests: stats.requests, connections: stats.connections }).toEqual({ requests: 0, connections: 0 })
}

const params = { seed, numRuns: 500 }
const withBreak = fc
  .tuple(fc.string(), fc.constantFrom('\r', '\n', '\0', '\r\n'), fc.string())
  .map(([a, b, c]) => `${a}${b}${c}`)
const base64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')

describe('Cloud IDs', () => {
  // random strings, random payloads behind a name, and payloads built from the separators the format uses
  const cloudIds = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.tuple(fc.string(), fc.string({ unit: 'binary' })).map(([name, raw]) => `${name}:${base64(raw)}`),
    fc
      .array(
        fc.oneof(fc.constantFrom('$', ':', '.', '-', '', ':443', ':0', ':99999'), fc.string(), fc.nat().map(String)),
        {
          maxLength: 8,
        },
      )
      .map((parts) => `deployment:${base64(parts.join(''))}`),
  )

  it('parseCloudId: any string gives a valid https URL or a ConfigurationError, never anything else', () => {
    fc.assert(
      fc.property(cloudIds, (id) => {
        let parsed: ReturnType<typeof parseCloudId>
        try {
          parsed = parseCloudId(id)
        } catch (error) {
          cases += 1
          expect(isConfigurationError(error), String(error)).toBe(true)
          expect((error as Error).message).toMatch(/^cloudId: /)
          return
        }
        cases += 1
        // (whether esUrl always parses as a URL is left out: see the report, numeric host labels)
        expect(parsed.esUrl.startsWith(`https://${parsed.esUuid}.${parsed.host}`)).toBe(true)
      }),
      { ...params, numRuns: 3000 },
    )
  })

  it('new Client({ cloudId }): any string or value gives a client or a ConfigurationError', () => {
    fc.assert(
      fc.property(fc.oneof(cloudIds, fc.anything()), (cloudId) => {
        const error = thrown(() => new Client({ cloudId: cloudId as string }))
        if (error !== undefined) expect(isConfigurationError(error), String(error)).toBe(true)
      }),
      params,
    )
  })
})

describe('nodes', () => {
  it('random node values give a client with an http(s) node or a ConfigurationError', () => {
    const nodes = fc.oneof(
      fc.string(),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc
        .tuple(fc.constantFrom('ftp', 'ws', 'file', 'javascript', 'HTTPS', 'http', 'https', 'unix', ''), fc.string())
        .map(([scheme, rest]) => `${scheme}://${rest}`),
      // null is left out: new Client({ node: null }) throws a TypeError (see the report)
      fc.anything().filter((v) => v !== null),
    )
    fc.assert(
      fc.property(nodes, (node) => {
        const error = thrown(() => new Client({ node: node as string }))
        if (error !== undefined) {
          expect(isConfigurationError(error), String(error)).toBe(true)
          expect((error as Error).message).toMatch(/^(node|Client: give one of|credentials would travel unencrypted)/)
        } else {
          expect(['http:', 'https:']).toContain(new URL(String(node)).protocol)
        }
      }),
      params,
    )
  })

  it.each([
    ['ftp://localhost:9200', /unsupported scheme 'ftp'/],
    ['ws://localhost:9200', /unsupported scheme 'ws'/],
    ['file:///tmp/es', /unsupported scheme 'file'/],
    ['http://', /not a valid URL/],
    ['http://localhost:99999', /not a valid URL/],
    ['https://localhost:9200/?pretty', /query string or fragment/],
    ['https://localhost:9200/#x', /query string or fragment/],
    ['https://u:p%0d%0a@localhost:9200', /CR, LF or NUL/],
    ['https://u:%E0%A4%A@localhost:9200', /percent-encoding/],
  ])('%s: ConfigurationError', (node, message) => {
    expectConfigError(() => new Client({ node }), message)
  })

  it('nodes: [] and one bad node among good ones name the option', () => {
    expectConfigError(() => new Client({ nodes: [] }), /^nodes: /)
    expectConfigError(() => new Client({ nodes: [NODE, 'gopher://x:70'] }), /^nodes\[1\]: /)
  })
})

describe('headers and credentials', () => {
  const placements: [string, (bad: string) => ClientOptions, RegExp][] = [
    ['basicAuth username', (bad) => ({ node: NODE, basicAuth: [bad.replace(/:/g, ''), 'pw'] }), /basicAuth/],
    ['basicAuth password', (bad) => ({ node: NODE, basicAuth: ['elastic', bad] }), /basicAuth/],
    ['basicAuth object', (bad) => ({ node: NODE, basicAuth: { username: 'elastic', password: bad } }), /basicAuth/],
    ['apiKey encoded', (bad) => ({ node: NODE, apiKey: bad }), /apiKey/],
    ['apiKey [id, key]', (bad) => ({ node: NODE, apiKey: ['id', bad] }), /apiKey/],
    ['apiKey { id, apiKey }', (bad) => ({ node: NODE, apiKey: { id: bad, apiKey: 'k' } }), /apiKey/],
    ['bearerAuth', (bad) => ({ node: NODE, bearerAuth: bad }), /bearerAuth/],
    ['headers value', (bad) => ({ node: NODE, headers: { 'x-custom': bad } }), /headers\['x-custom'\]/],
    ['opaqueId', (bad) => ({ node: NODE, opaqueId: bad }), /opaqueId/],
    ['node headers', (bad) => ({ node: { url: NODE, headers: { 'x-node': bad } } }), /headers\['x-node'\]/],
    [
      'URL userinfo',
      (bad) => ({ node: `https://elastic:${encodeURIComponent(bad)}@localhost:9200` }),
      /URL credentials/,
    ],
  ]
  it.each(placements)('CR, LF or NUL in %s: ConfigurationError at construction', (_name, options, names) => {
    fc.assert(
      fc.property(withBreak, (bad) => {
        expectConfigError(() => new Client(options(bad)), names)
      }),
      { ...params, numRuns: 100 },
    )
  })

  it('CR, LF or NUL in per-request headers, opaqueId and options(): rejected, nothing sent', async () => {
    const client = clientOf(cluster)
    try {
      await nothingSent(async () => {
        await fc.assert(
          fc.asyncProperty(withBreak, async (bad) => {
            const e1 = await rejection(client.info(undefined, { headers: { 'x-custom': bad } }))
            expect(isConfigurationError(e1), String(e1)).toBe(true)
            const e2 = await rejection(client.info(undefined, { opaqueId: bad }))
            expect(isConfigurationError(e2), String(e2)).toBe(true)
            expectConfigError(() => client.options({ headers: { 'x-custom': bad } }), /headers/)
            expectConfigError(() => client.options({ bearerAuth: bad }), /bearerAuth/)
          }),
          { ...params, numRuns: 100 },
        )
      })
    } finally {
      await client.close()
    }
  })

  it('header names that are not HTTP tokens: ConfigurationError', () => {
    for (const name of ['x a', 'x:a', 'x\na', '', 'ü']) {
      expectConfigError(() => new Client({ node: NODE, headers: { [name]: 'v' } }), /not a valid header name/)
    }
  })

  it('non-string credentials: ConfigurationError naming the option', () => {
    const notString = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.bigInt(),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.object({ maxDepth: 1 }).filter((o) => !('id' in o) && !('username' in o) && !('encoded' in o)),
    )
    fc.assert(
      fc.property(notString, (value) => {
        const v = value as never
        expectConfigError(() => new Client({ node: NODE, basicAuth: ['elastic', v] }), /basicAuth/)
        expectConfigError(() => new Client({ node: NODE, basicAuth: [v, 'pw'] }), /basicAuth/)
        expectConfigError(() => new Client({ node: NODE, apiKey: ['id', v] }), /apiKey/)
        if (typeof value !== 'object' || value === null) {
          expectConfigError(() => new Client({ node: NODE, apiKey: v }), /apiKey/)
          expectConfigError(() => new Client({ node: NODE, bearerAuth: v }), /bearerAuth/)
          expectConfigError(() => new Client({ node: NODE, headers: { 'x-custom': v } }), /headers/)
        }
      }),
      { ...params, numRuns: 200 },
    )
  })
})

describe('TLS settings', () => {
  const hex = fc.constantFrom(...'0123456789abcdefABCDEF')
  it('fingerprints of the wrong length or alphabet: ConfigurationError naming sslAssertFingerprint', () => {
    const wrongLength = fc
      .string({ unit: hex, maxLength: 130 })
      .filter((s) => s.length !== 64)
      .map((s) => s.replace(/(..)(?=.)/g, '$1:'))
    const wrongAlphabet = fc
      .tuple(fc.string({ unit: hex, minLength: 64, maxLength: 64 }), fc.nat(63), fc.constantFrom(...'gGzZ-_ /+.=xX'))
      .map(([s, i, c]) => s.slice(0, i) + c + s.slice(i + 1))
    fc.assert(
      fc.property(fc.oneof(wrongLength, wrongAlphabet), (fingerprint) => {
        expectConfigError(
          () => new Client({ node: NODE, sslAssertFingerprint: fingerprint }),
          /^sslAssertFingerprint: /,
        )
      }),
      params,
    )
    // and the right form, with or without colons, in any case, is accepted
    fc.assert(
      fc.property(fc.string({ unit: hex, minLength: 64, maxLength: 64 }), fc.boolean(), (fp, colons) => {
        const value = colons ? fp.replace(/(..)(?=.)/g, '$1:') : fp
        expect(thrown(() => new Client({ node: NODE, sslAssertFingerprint: value }))).toBeUndefined()
      }),
      { ...params, numRuns: 50 },
    )
  })

  it('a CA file that does not exist or is not PEM: ConfigurationError naming caCerts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stretch-reliability-'))
    expectConfigError(() => new Client({ node: NODE, caCerts: join(dir, 'missing.crt') }), /^caCerts: .*ENOENT/)
    expectConfigError(() => new Client({ node: NODE, caCerts: dir }), /^caCerts: /)
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const file = join(dir, 'not-pem.crt')
        writeFileSync(file, bytes)
        expectConfigError(() => new Client({ node: NODE, caCerts: file }), /^caCerts: .*PEM/)
        expectConfigError(() => new Client({ node: NODE, caCerts: Buffer.from(bytes) }), /^caCerts: /)
      }),
      { ...params, numRuns: 50 },
    )
    expectConfigError(() => new Client({ node: NODE, caCerts: [] }), /^caCerts: /)
  })

  it.each([
    ['caCerts', { caCerts: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }],
    ['sslAssertFingerprint', { sslAssertFingerprint: 'a'.repeat(64) }],
    ['verifyCerts', { verifyCerts: false }],
  ] as const)('%s on an http: node: ConfigurationError', (name, tls) => {
    expectConfigError(
      () => new Client({ node: 'http://localhost:9200', ...tls }),
      new RegExp(`${name}: TLS options need https`),
    )
  })
})

describe('bodies', () => {
  it('a body that cannot be serialized (cycle, BigInt, nested or in bulk): SerializationError, nothing sent', async () => {
    const client = clientOf(cluster)
    const cycle: Record<string, unknown> = { a: 1 }
    cycle['self'] = cycle
    const bad = fc.oneof(
      fc.constant<unknown>(cycle),
      fc.bigInt().map((n) => ({ n })),
      fc.tuple(fc.string(), fc.bigInt()).map(([k, n]) => ({ deep: { [k]: [1, { n }] } })),
      fc.constant({
        toJSON: () => {
          throw new Error('no JSON for you')
        },
      }),
    )
    try {
      await nothingSent(async () => {
        await fc.assert(
          fc.asyncProperty(bad, async (document) => {
            const calls = [
              client.index({ index: 'bodies', id: '1', document: document as Record<string, unknown> }),
              client.search({ index: 'bodies', query: document as never }),
              client.bulk({ operations: [{ index: { _index: 'bodies' } }, document as Record<string, unknown>] }),
              client.request({ method: 'POST', path: '/bodies/_doc', body: document as never }),
            ]
            for (const call of calls) {
              const error = await rejection(call)
              expect(isSerializationError(error), String(error)).toBe(true)
              expect((error as Error).message).toMatch(/cannot be serialized/)
            }
          }),
          { ...params, numRuns: 50 },
        )
      })
    } finally {
      await client.close()
    }
  })
})

describe('responses', () => {
  it('not JSON, truncated, corrupt gzip: DeserializationError; a proxy page: ProductNotSupportedError', async () => {
    const client = clientOf(cluster, { maxRetries: 0 })
    try {
      cluster.inject({ type: 'non-json', contentType: 'application/json' })
      expect(isDeserializationError(await rejection(client.info()))).toBe(true)
      cluster.inject({ type: 'raw', headers: { 'content-type': 'application/json' }, body: '{"name":"node-0","ver' })
      expect(isDeserializationError(await rejection(client.info()))).toBe(true)
      cluster.inject({
        type: 'raw',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]),
      })
      expect(isDeserializationError(await rejection(client.info()))).toBe(true)
      // an HTML error page of a proxy: no X-Elastic-Product, so not Elasticsearch
      cluster.productHeader = false
      try {
        cluster.inject({ type: 'non-json' })
        expect(isProductNotSupportedError(await rejection(client.info()))).toBe(true)
      } finally {
        cluster.productHeader = true
      }
    } finally {
      cluster.clearFaults()
      await client.close()
    }
  })

  it('oversized and gzip-bomb answers stop at the response limits (ResponseTooLargeError), memory bounded', async () => {
    // The Client has no option for the limits (see the report); the Transport it is built on has them.
    const limit = 1024 * 1024
    const transport = new Transport({
      nodes: [cluster.url],
      connection: undiciConnection(),
      maxResponseSize: limit,
      maxCompressedResponseSize: limit,
      maxRetries: 0,
    })
    try {
      const rssBefore = process.memoryUsage().rss
      cluster.inject({
        type: 'raw',
        headers: { 'content-type': 'application/json' },
        body: Buffer.alloc(8 * limit, 0x20),
      })
      const huge = await rejection(transport.request({ method: 'GET', path: '/' }))
      expect(isResponseTooLargeError(huge), String(huge)).toBe(true)
      cluster.inject({ type: 'gzip-bomb', bytes: 256 * limit })
      const bomb = await rejection(transport.request({ method: 'GET', path: '/' }))
      expect(isResponseTooLargeError(bomb), String(bomb)).toBe(true)
      // far below the 256 MiB the bomb inflates to
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(128 * limit)
    } finally {
      await transport.close()
    }
  })

  it('a server that closes mid-body: ConnectionError after the retries, each attempt listed', async () => {
    await using server = await startServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': '4096',
        'x-elastic-product': 'Elasticsearch',
      })
      res.write(`{"name":"${'x'.repeat(100)}`)
      setImmediate(() => res.socket?.destroy())
    })
    const client = new Client({ node: server.url, maxRetries: 2 })
    try {
      const error = await rejection(client.info())
      expect(isConnectionError(error), String(error)).toBe(true)
      expect((error as { meta?: { attempts: unknown[] } }).meta?.attempts).toHaveLength(3)
      expect(server.requests).toHaveLength(3)
    } finally {
      await client.close()
    }
  })
})

describe('publish_address', () => {
  it('any string parses to a connectable host and port, or to undefined; it never throws', () => {
    const pieces = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc
        .array(
          fc.oneof(
            fc.constantFrom('/', ':', '[', ']', '.', '%', ' ', 'localhost', '::1', '127.0.0.1', 'fe80::1'),
            fc.nat(70000).map(String),
            fc.string({ maxLength: 6 }),
          ),
          { maxLength: 7 },
        )
        .map((p) => p.join('')),
    )
    fc.assert(
      fc.property(pieces, (text) => {
        cases += 1
        const parsed = parsePublishAddress(text)
        if (parsed === undefined) return
        expect(parsed.port).toBeGreaterThanOrEqual(1)
        expect(parsed.port).toBeLessThanOrEqual(65535)
        const url = new URL(`http://${parsed.host}:${parsed.port}/`)
        expect(url.hostname).toBe(parsed.host)
        expect(Number(url.port || 80)).toBe(parsed.port)
      }),
      { ...params, numRuns: 3000 },
    )
  })

  it('well-formed addresses round-trip', () => {
    fc.assert(
      fc.property(
        fc.ipV4(),
        fc.integer({ min: 1, max: 65535 }),
        fc.option(fc.domain(), { nil: undefined }),
        (ip, port, name) => {
          cases += 1
          const parsed = parsePublishAddress(name === undefined ? `${ip}:${port}` : `${name}/${ip}:${port}`)
          expect(parsed?.port).toBe(port)
          expect(parsed?.host).toBe(new URL(`http://${name ?? ip}/`).hostname)
        },
      ),
      params,
    )
  })

  it('a cluster reporting malformed addresses: sniffing skips those nodes, sends them nothing, requests succeed', async () => {
    let reported = 'not an address'
    const sniffed = await startTestCluster({
      security: false,
      nodes: [{}, { publishAddress: ({ port }) => `inet[/127.0.0.1:${port}]` }, { publishAddress: () => reported }],
    })
    const malformed = fc
      .oneof(
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.constantFrom('[::1:9200', '127.0.0.1:0', '127.0.0.1:65536', 'host name/127.0.0.1:9200', 'a/b/c:1'),
        fc.nat(70000).map((port) => `127.0.0.1:${port}:${port}`),
      )
      .filter((text) => parsePublishAddress(text) === undefined)
    try {
      await fc.assert(
        fc.asyncProperty(malformed, async (text) => {
          reported = text
          sniffed.resetStats()
          const client = new Client({ node: sniffed.url, sniffOnStart: true })
          try {
            for (let i = 0; i < 3; i++) await client.info()
          } finally {
            await client.close()
          }
          cases += 1
          expect(sniffed.nodes.map((n) => n.stats.connections > 0)).toEqual([true, false, false])
        }),
        { ...params, numRuns: 40 },
      )
    } finally {
      await sniffed.close()
    }
  })

  it.each([
    '',
    ':9200',
    '127.0.0.1',
    '127.0.0.1:',
    '127.0.0.1:0',
    '127.0.0.1:65536',
    '127.0.0.1:-1',
    '127.0.0.1:92a0',
    '127.0.0.1:9200:1',
    '[::1:9200',
    '::1]:9200',
    '[fe80::1%eth0]:9200',
    'inet[/127.0.0.1:9200]',
    'a/b/127.0.0.1:9200',
    'host name/127.0.0.1:9200',
    'host/:9200',
  ])('%j: undefined', (text) => {
    cases += 1
    expect(parsePublishAddress(text)).toBeUndefined()
  })
})

afterAll(() => {
  recordFigure({
    suite,
    scenario: 'malformed settings, bodies, responses, publish addresses',
    requests: cases,
    errors: 0,
    notes: `property runs and table cases checked (seed ${seed}); every failure a typed error, nothing sent`,
  })
})
