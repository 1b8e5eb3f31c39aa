import { describe, expect, it } from 'vitest'
import { isConfigurationError, parseCloudId } from '../src/index.js'

const b64 = (text: string): string => Buffer.from(text).toString('base64')

describe('parseCloudId', () => {
  it.each([
    ['host$es$kb', 'https://es.host', 'https://kb.host', 443],
    ['host$es', 'https://es.host', undefined, 443],
    ['host:9243$es$kb', 'https://es.host:9243', 'https://kb.host:9243', 9243],
    ['host:443$es$kb', 'https://es.host', 'https://kb.host', 443],
    ['host$es:9243$kb', 'https://es.host:9243', 'https://kb.host', 9243],
    ['host:9000$es:9243$kb:9244', 'https://es.host:9243', 'https://kb.host:9244', 9243],
    [
      'us-east4.gcp.elastic-cloud.com$4fa8821e75634032bed1cf22110e2f97$4fa8821e75634032bed1cf22110e2f96',
      'https://4fa8821e75634032bed1cf22110e2f97.us-east4.gcp.elastic-cloud.com',
      'https://4fa8821e75634032bed1cf22110e2f96.us-east4.gcp.elastic-cloud.com',
      443,
    ],
  ])('decodes %s', (payload, esUrl, kibanaUrl, port) => {
    const parsed = parseCloudId(`my-deployment:${b64(payload)}`)
    expect(parsed).toMatchObject({ name: 'my-deployment', esUrl, kibanaUrl, port })
  })

  it('accepts a deployment name with colons and unpadded or url-safe base64', () => {
    expect(parseCloudId(`a:b:${b64('host$es').replace(/=+$/, '')}`).name).toBe('a:b')
    expect(parseCloudId(`x:${b64('h.io$es-1$kb').replace(/\+/g, '-').replace(/\//g, '_')}`).esUrl).toBe(
      'https://es-1.h.io',
    )
  })

  it.each([
    ['', /is empty/],
    ['no-colon', /has no ':'/],
    [`:${b64('host$es')}`, /deployment name .* is empty/],
    ['name:', /encoded part .* is empty/],
    ['name:!!!not-base64***', /is not base64/],
    [`name:${b64('host')}`, /no Elasticsearch uuid/],
    [`name:${b64('$es$kb')}`, /no host/],
    [`name:${b64('host$$kb')}`, /no Elasticsearch uuid/],
    [`name:${b64('host:99999$es')}`, /port of the host/],
    [`name:${b64('host:abc$es')}`, /port of the host/],
    [`name:${b64('host$es:0')}`, /port of the Elasticsearch uuid/],
    [`name:${b64('ho st$es')}`, /does not decode|not a valid host/],
    [`name:${b64('host$e/s')}`, /characters a host name cannot have/],
  ])('rejects %j with a ConfigurationError that says what is wrong', (id, reason) => {
    let error: unknown
    try {
      parseCloudId(id)
    } catch (e) {
      error = e
    }
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toMatch(/^cloudId: /)
    expect((error as Error).message).toMatch(reason)
  })

  it('rejects a value that is not a string', () => {
    expect(() => parseCloudId(42 as never)).toThrow(/cloudId: must be a string/)
  })
})

describe('hosts the URL parser would read as IP addresses', () => {
  it.each(['16777216$0', '0$0', 'host.123$es'])('rejects %s', (payload) => {
    expect(() => parseCloudId(`x:${Buffer.from(payload).toString('base64')}`)).toThrow(
      /cloudId: the decoded host is not a host name/,
    )
  })
})
