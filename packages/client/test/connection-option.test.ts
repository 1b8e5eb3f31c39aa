import { undiciConnection } from '@stretch/connection-undici'
import { configurationError, sendJson, startServer } from '@stretch/test-utils'
import type { ConnectionFactory, NodeDescription, RequestHook } from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { Client } from '../src/index.js'

const info = { name: 'n1', cluster_name: 'c', version: { number: '9.0.0' }, tagline: 'You Know, for Search' }

describe('the connection option', () => {
  it('sends through the factory given instead of the default one', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, info))
    const nodes: string[] = []
    const inner = undiciConnection()
    const connection: ConnectionFactory = (node: NodeDescription) => {
      nodes.push(node.url.href)
      return inner(node)
    }
    const client = new Client({ node: srv.url, connection })
    expect((await client.info()).name).toBe('n1')
    expect(nodes).toEqual([`${srv.url}/`])
    await client.close()
  })

  it('refuses the options the factory carries itself, naming them', () => {
    const connection = undiciConnection()
    expect(
      configurationError(
        () =>
          new Client({
            node: 'https://localhost:9200',
            connection,
            caCerts: '-----BEGIN CERTIFICATE-----',
            proxy: 'http://proxy:3128',
          }),
      ).message,
    ).toBe(
      'caCerts, proxy: cannot be combined with connection, which brings its own TLS and socket settings; give them to the connection factory instead',
    )
    expect(() => new Client({ node: 'https://localhost:9200', connection, verifyCerts: true })).not.toThrow()
    expect(
      configurationError(() => new Client({ node: 'https://localhost:9200', connection, verifyCerts: false })).message,
    ).toMatch(/^verifyCerts: cannot be combined/)
    expect(
      configurationError(() => new Client({ node: 'https://localhost:9200', connection: {} as ConnectionFactory }))
        .message,
    ).toMatch(/^connection: give a connection factory/)
  })

  it('still refuses credentials over plain http to another host', async () => {
    const connection = undiciConnection()
    expect(
      configurationError(() => new Client({ node: 'http://example.test:9200', connection, apiKey: 'k' })).message,
    ).toMatch(/^credentials would travel unencrypted/)
  })
})

describe('the requestHook option', () => {
  it('wraps each API call once, with the endpoint name and the path parts', async () => {
    await using srv = await startServer((_req, res) => sendJson(res, 200, { took: 1, hits: { hits: [] } }))
    const seen: unknown[] = []
    const requestHook: RequestHook = {
      wrap(request, send) {
        seen.push({ endpoint: request.endpoint, pathParts: request.pathParts, path: request.path })
        return send()
      },
    }
    const client = new Client({ node: srv.url, requestHook })
    await client.search({ index: 'my-index', query: { match_all: {} } })
    await client.options({ opaqueId: 'x' }).indices.putMapping({ index: ['a', 'b'], properties: {} })
    expect(seen).toEqual([
      { endpoint: 'search', pathParts: { index: 'my-index' }, path: '/my-index/_search' },
      { endpoint: 'indices.put_mapping', pathParts: { index: 'a,b' }, path: '/a%2Cb/_mapping' },
    ])
    await client.close()
  })
})
