import { describe, expect, it } from 'vitest'
import { parsePublishAddress } from '../src/index.js'

describe('parsePublishAddress', () => {
  it.each([
    ['127.0.0.1:9200', { host: '127.0.0.1', address: '127.0.0.1', port: 9200 }],
    ['es1.example.com/10.0.0.1:9200', { host: 'es1.example.com', address: '10.0.0.1', port: 9200 }],
    ['ES1.Example.COM/10.0.0.1:9243', { host: 'es1.example.com', address: '10.0.0.1', port: 9243 }],
    ['[::1]:9200', { host: '[::1]', address: '[::1]', port: 9200 }],
    ['[2001:DB8:0:0::1]:9200', { host: '[2001:db8::1]', address: '[2001:db8::1]', port: 9200 }],
    ['localhost/[::1]:9201', { host: 'localhost', address: '[::1]', port: 9201 }],
    ['es-node_2.local/[fe80::1]:1', { host: 'es-node_2.local', address: '[fe80::1]', port: 1 }],
    // Elasticsearch may print an IPv6 hostname without brackets
    ['::1/[::1]:9200', { host: '[::1]', address: '[::1]', port: 9200 }],
    // an empty hostname: the address is used
    ['/10.0.0.1:9200', { host: '10.0.0.1', address: '10.0.0.1', port: 9200 }],
    ['  10.0.0.1:65535 ', { host: '10.0.0.1', address: '10.0.0.1', port: 65535 }],
  ])('parses %j', (text, expected) => {
    expect(parsePublishAddress(text)).toEqual(expected)
  })

  it.each([
    '',
    '10.0.0.1',
    '10.0.0.1:',
    ':9200',
    '10.0.0.1:0',
    '10.0.0.1:65536',
    '10.0.0.1:92a0',
    '10.0.0.1:-1',
    '::1:9200',
    '[::1]9200',
    '[zz::1]:9200',
    '[::1%eth0]:9200',
    'a/b/10.0.0.1:9200',
    'bad host/10.0.0.1:9200',
    'user@host/10.0.0.1:9200',
    'host?x/10.0.0.1:9200',
    'inet[/10.0.0.1:9200]',
    'http://10.0.0.1:9200',
  ])('refuses %j', (text) => {
    expect(parsePublishAddress(text)).toBeUndefined()
  })

  it('refuses what is not a string', () => {
    expect(parsePublishAddress(9200 as never)).toBeUndefined()
    expect(parsePublishAddress(undefined as never)).toBeUndefined()
  })

  it.each([
    ['127.0.0.1:9200', { host: '127.0.0.1', address: '127.0.0.1', port: 9200 }],
    ['a.b/[::1]:80', { host: 'a.b', address: '[::1]', port: 80 }],
    // the URL parser's own spelling of the IPv4-mapped address
    ['[::ffff:10.0.0.1]:443', { host: '[::ffff:a00:1]', address: '[::ffff:a00:1]', port: 443 }],
    ['x/1.2.3.4:8080', { host: 'x', address: '1.2.3.4', port: 8080 }],
  ])('%j yields a host that makes a valid URL with the same port', (text, expected) => {
    expect(parsePublishAddress(text)).toEqual(expected)
    const url = new URL(`https://${expected.host}:${expected.port}`)
    expect(url.hostname).toBe(expected.host)
    expect(Number(url.port || 443)).toBe(expected.port)
  })
})
