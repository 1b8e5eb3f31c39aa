// Options a user cannot get wrong: a misspelt or foreign option name is a ConfigurationError that names it and
// the Stretch name, in the constructor, in options() and in the options of one call, and nothing is sent.
import { sendJson, startServer, type TestServer } from '@stretch/test-utils'
import { describe, expect, it } from 'vitest'
import { Client, ConfigurationError } from '../src/index.js'

const info = { name: 'n1', cluster_name: 'c', version: { number: '9.1.0' }, tagline: 'You Know, for Search' }
const secret = 'hunter2-secret'

function serve(): Promise<TestServer> {
  return startServer((_req, res) => sendJson(res, 200, info))
}

function thrown(fn: () => unknown): ConfigurationError {
  let error: unknown
  try {
    fn()
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(ConfigurationError)
  expect((error as Error).message).not.toContain(secret)
  return error as ConfigurationError
}

async function rejected(promise: Promise<unknown>): Promise<ConfigurationError> {
  let error: unknown
  try {
    await promise
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(ConfigurationError)
  expect((error as Error).message).not.toContain(secret)
  return error as ConfigurationError
}

describe('misspelt options in the constructor', () => {
  it.each([
    ['requestTimout', { requestTimout: 5 }, 'Client: unknown option `requestTimout`; did you mean `requestTimeout`?'],
    ['basicAuht', { basicAuht: ['elastic', secret] }, 'Client: unknown option `basicAuht`; did you mean `basicAuth`?'],
    ['maxRetry', { maxRetry: 1 }, 'Client: unknown option `maxRetry`; did you mean `maxRetries`?'],
    ['wrong case', { RequestTimeout: 5 }, 'Client: unknown option `RequestTimeout`; did you mean `requestTimeout`?'],
    [
      'a Python name',
      { request_timeout: 5 },
      'Client: unknown option `request_timeout`; did you mean `requestTimeout`?',
    ],
    ['ca_certs', { ca_certs: 'x' }, 'Client: unknown option `ca_certs`; did you mean `caCerts`?'],
  ])('%s', async (_name, extra, message) => {
    await using srv = await serve()
    const error = thrown(() => new Client({ node: srv.url, ...extra } as never))
    expect(error.message).toBe(message)
    expect(srv.requests).toHaveLength(0)
  })

  it('names `nod` and suggests `node` rather than asking for one of cloudId, node or nodes', async () => {
    await using srv = await serve()
    const error = thrown(() => new Client({ nod: srv.url } as never))
    expect(error.message).toBe('Client: unknown option `nod`; did you mean `node`?')
    expect(srv.requests).toHaveLength(0)
  })

  it('suggests nothing for a name far from every option, and names every unknown one', async () => {
    await using srv = await serve()
    expect(thrown(() => new Client({ node: srv.url, banana: 1 } as never)).message).toBe(
      'Client: unknown option `banana` (the options are listed in the README of @stretch/client)',
    )
    expect(thrown(() => new Client({ node: srv.url, banana: 1, requestTimout: 5 } as never)).message).toBe(
      'Client: unknown options `banana`, `requestTimout` (did you mean `requestTimeout`?)',
    )
    expect(srv.requests).toHaveLength(0)
  })

  it('says where an option of one call goes', async () => {
    await using srv = await serve()
    expect(thrown(() => new Client({ node: srv.url, signal: AbortSignal.timeout(10) } as never)).message).toBe(
      'Client: unknown option `signal` (it is an option of one call: client.search(params, { signal }))',
    )
  })
})

describe('@elastic/elasticsearch names get the Stretch name', () => {
  it.each([
    [
      'auth: { username, password }',
      { auth: { username: 'elastic', password: secret } },
      'Client: `auth: { username, password }` is the @elastic/elasticsearch form; use `basicAuth: [username, password]` (`auth` takes a credential middleware)',
    ],
    [
      'auth: { apiKey }',
      { auth: { apiKey: secret } },
      'Client: `auth: { apiKey }` is the @elastic/elasticsearch form; use `apiKey: ...` (the encoded key, `[id, apiKey]` or `{ id, apiKey }`) (`auth` takes a credential middleware)',
    ],
    [
      'auth: { bearer }',
      { auth: { bearer: secret } },
      'Client: `auth: { bearer }` is the @elastic/elasticsearch form; use `bearerAuth: token` (`auth` takes a credential middleware)',
    ],
    [
      'tls: { ca }',
      { tls: { ca: '-----BEGIN CERTIFICATE-----' } },
      'Client: unknown option `tls` (@elastic/elasticsearch; use `caCerts` for `tls.ca`)',
    ],
    [
      'tls: { rejectUnauthorized: false }',
      { tls: { rejectUnauthorized: false } },
      'Client: unknown option `tls` (@elastic/elasticsearch; use `verifyCerts: false` for `tls.rejectUnauthorized: false`)',
    ],
    [
      'tls: { cert, key, servername }',
      { tls: { cert: 'c', key: 'k', servername: 'es' } },
      'Client: unknown option `tls` (@elastic/elasticsearch; use `clientCert` for `tls.cert`, `clientKey` for `tls.key`; `tls.servername` has no equivalent)',
    ],
    [
      'caFingerprint',
      { caFingerprint: 'AA:BB' },
      'Client: unknown option `caFingerprint` (@elastic/elasticsearch; use `sslAssertFingerprint`)',
    ],
    [
      'compression',
      { compression: true },
      'Client: unknown option `compression` (@elastic/elasticsearch; use `httpCompress`)',
    ],
    [
      'sniffOnConnectionFault',
      { sniffOnConnectionFault: true },
      'Client: unknown option `sniffOnConnectionFault` (@elastic/elasticsearch; use `sniffOnNodeFailure`)',
    ],
    [
      'agent',
      { agent: { keepAlive: true } },
      'Client: unknown option `agent` (@elastic/elasticsearch; use `connectionsPerNode`, `maxConnections`, `lookup` or `proxy`)',
    ],
  ])('%s', async (_name, extra, message) => {
    await using srv = await serve()
    const error = thrown(() => new Client({ node: srv.url, ...extra } as never))
    expect(error.message).toBe(message)
    expect(srv.requests).toHaveLength(0)
  })

  it('cloud: { id } becomes cloudId', () => {
    expect(thrown(() => new Client({ cloud: { id: 'name:abc' } } as never)).message).toBe(
      "Client: unknown option `cloud` (@elastic/elasticsearch; use `cloudId: '<id>'` for `cloud: { id }`)",
    )
  })

  it('keeps the names both clients share: maxRetries, requestTimeout, maxResponseSize', async () => {
    await using srv = await serve()
    const client = new Client({ node: srv.url, maxRetries: 0, requestTimeout: 5000, maxResponseSize: 1 << 20 })
    expect((await client.info()).name).toBe('n1')
    expect(srv.requests).toHaveLength(1)
    await client.close()
  })

  it('client.child() points to client.options()', async () => {
    await using srv = await serve()
    const client = new Client({ node: srv.url })
    const error = thrown(() => (client as unknown as { child(o: object): Client }).child({ requestTimeout: 5 }))
    expect(error.message).toBe(
      'child(): that is the @elastic/elasticsearch name; use client.options({ ... }), which shares the sockets and replaces the credentials',
    )
    expect(srv.requests).toHaveLength(0)
    await client.close()
  })
})

describe('keys of a node object', () => {
  it('a misspelt key names its path and the nearest key, and nothing is sent', async () => {
    await using srv = await serve()
    const error = thrown(() => new Client({ nodes: [srv.url, { ulr: srv.url }] } as never))
    expect(error.message).toBe('nodes[1].ulr: unknown node option; did you mean `url`?')
    expect(srv.requests).toHaveLength(0)
  })

  it('the @elastic/elasticsearch node shape says what to use instead, and nothing is sent', async () => {
    await using srv = await serve()
    const node = {
      url: new URL(srv.url),
      ssl: { ca: secret, rejectUnauthorized: false },
      roles: { master: true, data: true, ingest: false, ml: false },
    }
    const error = thrown(() => new Client({ nodes: [node] } as never))
    expect(error.message).toBe(
      'nodes[0].ssl: unknown node option (@elastic/elasticsearch; TLS settings are the same for every node: use the client option `caCerts` for `ssl.ca`, `verifyCerts: false` for `ssl.rejectUnauthorized: false`); ' +
        "nodes[0].roles: give an array of role names, such as roles: ['master', 'data'] (an object of flags is the @elastic/elasticsearch form)",
    )
    expect(srv.requests).toHaveLength(0)
  })
})

describe('options()', () => {
  it('refuses basicAuht instead of sending no credentials', async () => {
    await using srv = await serve()
    const client = new Client({ node: srv.url })
    const error = thrown(() => client.options({ basicAuht: ['elastic', secret] } as never))
    expect(error.message).toBe('options(): unknown option `basicAuht`; did you mean `basicAuth`?')
    expect(srv.requests).toHaveLength(0)
    await client.close()
  })

  it('maps auth: { username, password } and says which options belong to new Client()', async () => {
    await using srv = await serve()
    const client = new Client({ node: srv.url })
    expect(thrown(() => client.options({ auth: { username: 'u', password: secret } } as never)).message).toBe(
      'options(): `auth: { username, password }` is the @elastic/elasticsearch form; use `basicAuth: [username, password]` (`auth` takes a credential middleware)',
    )
    expect(thrown(() => client.options({ httpCompress: true } as never)).message).toBe(
      'options(): unknown option `httpCompress` (it is set on new Client() only)',
    )
    expect(thrown(() => client.options({ requestTimout: 5 } as never)).message).toBe(
      'options(): unknown option `requestTimout`; did you mean `requestTimeout`?',
    )
    expect(srv.requests).toHaveLength(0)
    await client.close()
  })
})

describe('options of one call', () => {
  it('rejects a misspelt call option of an API method and of request(), sending nothing', async () => {
    await using srv = await serve()
    const client = new Client({ node: srv.url })
    const search = await rejected(client.search({ index: 'i' }, { requestTimout: 5 } as never))
    expect(search.message).toBe('search: unknown call option `requestTimout`; did you mean `requestTimeout`?')
    const nested = await rejected(client.indices.get({ index: 'i' }, { maxRetry: 0 } as never))
    expect(nested.message).toBe('indices.get: unknown call option `maxRetry`; did you mean `maxRetries`?')
    const raw = await rejected(client.request({ method: 'GET', path: '/' }, { ignor: [404] } as never))
    expect(raw.message).toBe('request: unknown call option `ignor`; did you mean `ignore`?')
    expect(srv.requests).toHaveLength(0)
    // The known ones still go through.
    await client.info({}, { requestTimeout: 5000, maxRetries: 0, meta: false, ignore: [404], opaqueId: 'x' })
    expect(srv.requests).toHaveLength(1)
    await client.close()
  })

  it('says where a request parameter, credentials and client-only options go', async () => {
    await using srv = await serve()
    const client = new Client({ node: srv.url })
    expect((await rejected(client.search({ index: 'i' }, { size: 5 } as never))).message).toBe(
      'search: unknown call option `size` (it is a parameter of search: put it in the first argument)',
    )
    expect((await rejected(client.search({ index: 'i' }, { apiKey: secret } as never))).message).toBe(
      'search: unknown call option `apiKey` (credentials of some requests: client.options({ apiKey }).search(...))',
    )
    expect((await rejected(client.info({}, { httpCompress: true } as never))).message).toBe(
      'info: unknown call option `httpCompress` (it is set on new Client() only)',
    )
    expect((await rejected(client.info({}, { asStream: true } as never))).message).toBe(
      'info: unknown call option `asStream` (@elastic/elasticsearch; responses are always decoded: no equivalent)',
    )
    expect((await rejected(client.info({}, { querystring: { pretty: true } } as never))).message).toBe(
      'info: unknown call option `querystring` (@elastic/elasticsearch; put `querystring` in the first argument)',
    )
    expect((await rejected(client.info({}, { httpCompres: true } as never))).message).toBe(
      'info: unknown call option `httpCompres` (did you mean `httpCompress`? it is set on new Client() only)',
    )
    expect((await rejected(client.search({ index: 'i' }, { basicAut: ['u', secret] } as never))).message).toBe(
      'search: unknown call option `basicAut` (did you mean `basicAuth`? it is an option of client.options())',
    )
    expect((await rejected(client.info({}, ((_e: unknown, _r: unknown) => {}) as never))).message).toBe(
      'info: callbacks are not supported; await the promise the call returns (the second argument is an object of call options)',
    )
    expect(srv.requests).toHaveLength(0)
    await client.close()
  })
})

describe('origin', () => {
  it('is a call option that the request hook sees and the wire never carries; options() and new Client() point to the call', async () => {
    await using srv = await serve()
    const origins: (string | undefined)[] = []
    const client = new Client({
      node: srv.url,
      requestHook: {
        wrap(request, send) {
          origins.push(request.origin)
          return send()
        },
      },
    })
    await client.info({}, { origin: 'my-lib.export' })
    await client.request({ method: 'GET', path: '/' }, { origin: 'helpers.bulk' })
    await client.info()
    expect(origins).toEqual(['my-lib.export', 'helpers.bulk', undefined])
    expect(srv.requests).toHaveLength(3)
    for (const request of srv.requests) {
      expect(request.url).toBe('/')
      expect(JSON.stringify(request.headers)).not.toMatch(/my-lib|helpers/)
    }
    expect((await rejected(client.info({}, { origin: '' }))).message).toMatch(/^origin: must be a non-empty string/)
    expect((await rejected(client.info({}, { origin: 7 } as never))).message).toMatch(/\(got a number\)/)
    expect(thrown(() => client.options({ origin: 'x' } as never)).message).toBe(
      'options(): unknown option `origin` (it is an option of one call: client.search(params, { origin }))',
    )
    expect(thrown(() => new Client({ node: srv.url, origin: 'x' } as never)).message).toBe(
      'Client: unknown option `origin` (it is an option of one call: client.search(params, { origin }))',
    )
    expect(srv.requests).toHaveLength(3)
    await client.close()
  })
})

describe('number options name themselves', () => {
  it.each([
    ['retryBackoff', { retryBackoff: -1 }, 'retryBackoff: must be a number of milliseconds, 0 or more (got -1)'],
    [
      'deadNodeBackoff',
      { deadNodeBackoff: '1s' },
      'deadNodeBackoff: must be a number of milliseconds, 0 or more (got the string "1s")',
    ],
    [
      'requestTimeout',
      { requestTimeout: 0 },
      'requestTimeout: must be a number of milliseconds, more than 0, or null for no timeout (got 0)',
    ],
    ['maxRetries', { maxRetries: 1.5 }, 'maxRetries: must be a whole number, 0 or more (got 1.5)'],
    ['connectionsPerNode', { connectionsPerNode: 0 }, 'connectionsPerNode: must be a whole number, 1 or more (got 0)'],
    [
      'sniffTimeout',
      { sniffTimeout: -5, sniffOnStart: true },
      'sniffTimeout: must be a number of milliseconds, more than 0 (got -5)',
    ],
    [
      'maxResponseSize',
      { maxResponseSize: Number.NaN },
      'maxResponseSize: must be a number of bytes, 0 or more (got NaN)',
    ],
  ])('%s', async (_name, extra, message) => {
    await using srv = await serve()
    expect(thrown(() => new Client({ node: srv.url, ...extra } as never)).message).toBe(message)
  })

  it('names the client options of TLS files, not the connection ones', () => {
    const https = 'https://localhost:9200'
    expect(thrown(() => new Client({ node: https, caCerts: ['/nope/a.crt'] })).message).toMatch(
      /^caCerts\[0\]: cannot read the certificate file/,
    )
    expect(
      thrown(() => new Client({ node: https, clientCert: '/nope/c.pem', clientKey: '/nope/k.pem' })).message,
    ).toMatch(/^clientCert: cannot read the file/)
  })
})
