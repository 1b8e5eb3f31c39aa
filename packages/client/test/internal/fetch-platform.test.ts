// The entry of every runtime but Node builds its default connection with fetchConnection() of
// @stretch/connection-fetch; here a stub of that function records what the client passes.

import { detectRuntime, fetchConnection as realFetchConnection } from '@stretch/connection-fetch'
import { ConfigurationError, type ConnectionFactory } from '@stretch/transport'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type FetchConnectionSettings, fetchPlatform } from '../../src/fetch-platform.js'
import type { ClientOptions } from '../../src/options.js'

const kPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'

function recording(): { fetchConnection: (o?: FetchConnectionSettings) => ConnectionFactory; calls: unknown[] } {
  const calls: unknown[] = []
  const factory: ConnectionFactory = () => ({
    request: () => Promise.reject(new Error('unused')),
    close: async () => {},
  })
  return {
    calls,
    fetchConnection: (options) => {
      calls.push(options)
      return factory
    },
  }
}

function thrown(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError)
    return error as Error
  }
  throw new Error('expected a ConfigurationError')
}

describe('fetchPlatform', () => {
  it('passes PEM text, the pin and verifyCerts to fetchConnection as its tls options, with the runtime', () => {
    const { fetchConnection, calls } = recording()
    fetchPlatform(fetchConnection, 'deno').connection({
      caCerts: kPem,
      sslAssertFingerprint: 'AB:CD',
      verifyCerts: false,
    } as ClientOptions)
    expect(calls).toEqual([
      { runtime: 'deno', tls: { ca: [kPem], fingerprint256: 'AB:CD', rejectUnauthorized: false } },
    ])
    fetchPlatform(fetchConnection, 'browser').connection({} as ClientOptions)
    expect(calls[1]).toEqual({ runtime: 'browser' })
  })

  it('refuses a CA file path, naming the runtime and the fix', () => {
    const { fetchConnection, calls } = recording()
    const error = thrown(() =>
      fetchPlatform(fetchConnection, 'workerd').connection({ caCerts: 'config/certs/http_ca.crt' } as ClientOptions),
    )
    expect(error.message).toBe(
      "caCerts: 'config/certs/http_ca.crt' looks like a file path, and on workerd the client reads no files; pass the PEM text instead (the file's contents, starting with '-----BEGIN CERTIFICATE-----')",
    )
    expect(
      thrown(() => fetchPlatform(fetchConnection, 'bun').connection({ caCerts: [kPem, 'b.crt'] } as ClientOptions))
        .message,
    ).toMatch(/^caCerts\[1\]: 'b\.crt' .* on bun /)
    expect(
      thrown(() =>
        fetchPlatform(fetchConnection, 'deno').connection({ clientCert: 'c.crt', clientKey: kPem } as ClientOptions),
      ).message,
    ).toMatch(/^clientCert: /)
    expect(calls).toEqual([])
  })

  it('refuses the options only undici has, naming the runtime', () => {
    const { fetchConnection } = recording()
    const error = thrown(() =>
      fetchPlatform(fetchConnection, 'browser').connection({
        lookup: () => undefined,
        connectTimeout: 5000,
        connectionsPerNode: 4,
      } as unknown as ClientOptions),
    )
    expect(error.message).toBe(
      'lookup, connectTimeout, connectionsPerNode: are only available on Node (undici); on browser fetch opens the sockets and resolves names itself. Remove them, or pass your own connection factory as `connection`',
    )
  })

  it('passes proxy to fetchConnection, which honours it on Deno and Bun and refuses it elsewhere', () => {
    const { fetchConnection, calls } = recording()
    fetchPlatform(fetchConnection, 'bun').connection({ proxy: 'http://proxy:3128' } as ClientOptions)
    fetchPlatform(fetchConnection, 'bun').connection({ proxy: false } as ClientOptions)
    expect(calls).toEqual([
      { runtime: 'bun', proxy: 'http://proxy:3128' },
      { runtime: 'bun', proxy: false },
    ])
  })

  it('lets fetchConnection refuse TLS options the runtime cannot honour', () => {
    const fetchConnection = (o?: FetchConnectionSettings): ConnectionFactory => {
      if (o?.tls?.ca !== undefined) throw new ConfigurationError(`caCerts: ${o.runtime} trusts its own store only`)
      throw new Error('unreachable')
    }
    expect(
      thrown(() => fetchPlatform(fetchConnection, 'workerd').connection({ caCerts: kPem } as ClientOptions)).message,
    ).toBe('caCerts: workerd trusts its own store only')
  })
})

describe('the runtime: one detection for the client and the connection', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it("on Vercel's or Netlify's edge (EdgeRuntime) the client and fetchConnection both say workerd", () => {
    vi.stubGlobal('EdgeRuntime', 'edge-runtime')
    const { fetchConnection, calls } = recording()
    const platform = fetchPlatform(fetchConnection)
    expect(platform.runtime).toBe('workerd')
    platform.connection({} as ClientOptions)
    expect(calls).toEqual([{ runtime: 'workerd' }])
    // The real connection, given the client's options as the web entry passes them, names the same runtime.
    expect(
      thrown(() => fetchPlatform(realFetchConnection).connection({ caCerts: kPem } as ClientOptions)).message,
    ).toMatch(/^tls\.ca \(caCerts\) cannot be honoured on workerd/)
  })

  it('defaults to detectRuntime() of @stretch/connection-fetch', () => {
    expect(fetchPlatform(recording().fetchConnection).runtime).toBe(detectRuntime())
  })
})
