// Node objects a user cannot get wrong: an unknown key is a ConfigurationError naming its path and the nearest
// key a node takes, and the @elastic/elasticsearch node shape is answered with what to use instead.
import { describe, expect, it } from 'vitest'
import { ConfigurationError, createNodePool, describeNode, type NodeOptions, nearestName } from '../src/index.js'

const secret = 'hunter2-secret'

function thrown(fn: () => unknown): ConfigurationError {
  let error: unknown
  try {
    fn()
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(ConfigurationError)
  expect((error as ConfigurationError).code).toBe('ES_ERR_CONFIGURATION')
  expect((error as Error).message).not.toContain(secret)
  return error as ConfigurationError
}

describe('describeNode: keys of a node object', () => {
  it.each([
    ['ulr', { ulr: 'https://localhost:9200' }, 'nodes[1].ulr: unknown node option; did you mean `url`?'],
    [
      'Headers',
      { url: 'https://localhost:9200', Headers: {} },
      'nodes[1].Headers: unknown node option; did you mean `headers`?',
    ],
    [
      'role',
      { url: 'https://localhost:9200', role: ['data'] },
      'nodes[1].role: unknown node option; did you mean `roles`?',
    ],
    [
      'a key far from every one',
      { url: 'https://localhost:9200', zone: 'a' },
      'nodes[1].zone: unknown node option (a node takes `url`, `id`, `name`, `roles`, `attributes` and `headers`)',
    ],
  ])('%s', (_name, node, message) => {
    expect(thrown(() => describeNode(node as unknown as NodeOptions, 'nodes[1]')).message).toBe(message)
  })

  it('names every unknown key, and never a value', () => {
    const node = { ulr: `https://elastic:${secret}@localhost:9200`, passwrd: secret }
    expect(thrown(() => describeNode(node as unknown as NodeOptions, 'nodes[0]')).message).toBe(
      'nodes[0].ulr: unknown node option; did you mean `url`?; nodes[0].passwrd: unknown node option (a node takes `url`, `id`, `name`, `roles`, `attributes` and `headers`)',
    )
  })

  it('takes every key of NodeOptions and of a NodeDescription', () => {
    const options: Required<NodeOptions> = {
      url: 'https://localhost:9200',
      id: 'n1',
      name: 'node-1',
      roles: ['master', 'data'],
      attributes: { zone: 'a' },
      headers: { 'x-node': '1' },
    }
    const description = describeNode(options)
    expect(description).toMatchObject({
      id: 'n1',
      name: 'node-1',
      roles: ['master', 'data'],
      attributes: { zone: 'a' },
    })
    expect(describeNode(description).url.href).toBe('https://localhost:9200/')
  })
})

describe('describeNode: the @elastic/elasticsearch node shape', () => {
  it('`ssl` names the client options for each key given', () => {
    const node = { url: 'https://localhost:9200', ssl: { ca: secret, rejectUnauthorized: false } }
    expect(thrown(() => describeNode(node as unknown as NodeOptions, 'nodes[0]')).message).toBe(
      'nodes[0].ssl: unknown node option (@elastic/elasticsearch; TLS settings are the same for every node: use the client option `caCerts` for `ssl.ca`, `verifyCerts: false` for `ssl.rejectUnauthorized: false`)',
    )
  })

  it('`ssl` with keys that have no equivalent, or none', () => {
    const node = { url: 'https://localhost:9200', ssl: { cert: 'c', key: secret, ciphers: 'x' } }
    expect(thrown(() => describeNode(node as unknown as NodeOptions, 'node')).message).toBe(
      'node.ssl: unknown node option (@elastic/elasticsearch; TLS settings are the same for every node: use the client option `clientCert` for `ssl.cert`, `clientKey` for `ssl.key`; `ssl.ciphers` has no equivalent)',
    )
    expect(thrown(() => describeNode({ url: 'https://localhost:9200', ssl: {} } as never, 'node')).message).toBe(
      'node.ssl: unknown node option (@elastic/elasticsearch; TLS settings are the same for every node: use the client options `caCerts`, `clientCert`, `clientKey` and `verifyCerts`)',
    )
  })

  it('`agent` names the connection options', () => {
    const node = { url: 'https://localhost:9200', agent: { keepAlive: true } }
    expect(thrown(() => describeNode(node as unknown as NodeOptions, 'nodes[2]')).message).toBe(
      'nodes[2].agent: unknown node option (@elastic/elasticsearch; connection settings are the same for every node: use the client options `connectionsPerNode`, `maxConnections`, `lookup` or `proxy`)',
    )
  })

  it('`roles` as an object of flags gets the array of the roles that are set', () => {
    const node = { url: 'https://localhost:9200', roles: { master: true, data: true, ingest: false, ml: false } }
    expect(thrown(() => describeNode(node as unknown as NodeOptions, 'nodes[0]')).message).toBe(
      "nodes[0].roles: give an array of role names, such as roles: ['master', 'data'] (an object of flags is the @elastic/elasticsearch form)",
    )
  })

  it('`roles` that is not an array of strings', () => {
    expect(thrown(() => describeNode({ url: 'https://localhost:9200', roles: 'data' } as never, 'node')).message).toBe(
      "node.roles: give an array of role names, such as ['master', 'data'] (got a string)",
    )
    expect(
      thrown(() => describeNode({ url: 'https://localhost:9200', roles: ['data', 1] } as never, 'node')).message,
    ).toBe("node.roles: give an array of role names, such as ['master', 'data'] (roles[1] is a number)")
  })

  it('the whole official shape names every key to change, in a pool too', () => {
    const official = {
      url: new URL('https://localhost:9201'),
      id: 'n1',
      ssl: { rejectUnauthorized: false },
      agent: { keepAlive: true },
      headers: { 'x-a': '1' },
      roles: { master: false, data: true, ingest: true, ml: false },
    }
    let connections = 0
    const error = thrown(() =>
      createNodePool({
        nodes: ['https://localhost:9200', official as unknown as NodeOptions],
        connection: () => {
          connections += 1
          throw new Error('no connection is made')
        },
      }),
    )
    expect(error.message).toBe(
      'nodes[1].ssl: unknown node option (@elastic/elasticsearch; TLS settings are the same for every node: use the client option `verifyCerts: false` for `ssl.rejectUnauthorized: false`); ' +
        'nodes[1].agent: unknown node option (@elastic/elasticsearch; connection settings are the same for every node: use the client options `connectionsPerNode`, `maxConnections`, `lookup` or `proxy`); ' +
        "nodes[1].roles: give an array of role names, such as roles: ['data', 'ingest'] (an object of flags is the @elastic/elasticsearch form)",
    )
    expect(connections).toBe(0)
  })
})

describe('nearestName', () => {
  it.each([
    ['requestTimout', ['requestTimeout', 'maxRetries'], 'requestTimeout'],
    ['request_timeout', ['requestTimeout'], 'requestTimeout'],
    ['ulr', ['url', 'id', 'name'], 'url'],
    ['banana', ['url', 'id', 'name'], undefined],
    ['', ['url'], undefined],
  ])('%s in %o is %s', (name, known, expected) => {
    expect(nearestName(name, known)).toBe(expected)
  })
})
