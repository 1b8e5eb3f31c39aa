import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parsePublishAddress } from '../src/index.js'

const port = fc.integer({ min: 1, max: 65_535 })
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/)
// The last label starts with a letter: a name ending in a number is read as an IPv4 address by URL parsers (and
// refused by parsePublishAddress when it is not one).
const top = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/)
const hostname = fc.tuple(fc.array(label, { maxLength: 3 }), top).map(([labels, last]) => [...labels, last].join('.'))
const ipv4 = fc.ipV4()
const ipv6 = fc.ipV6()

describe('parsePublishAddress (properties)', () => {
  it('ip:port gives back the address and port', () => {
    fc.assert(
      fc.property(ipv4, port, (ip, p) => {
        expect(parsePublishAddress(`${ip}:${p}`)).toEqual({
          host: new URL(`http://${ip}`).hostname,
          address: new URL(`http://${ip}`).hostname,
          port: p,
        })
      }),
    )
  })

  it('hostname/ip:port and hostname/[v6]:port connect by the hostname', () => {
    fc.assert(
      fc.property(
        hostname,
        fc.oneof(
          ipv4,
          ipv6.map((v6) => `[${v6}]`),
        ),
        port,
        (name, ip, p) => {
          const parsed = parsePublishAddress(`${name}/${ip}:${p}`)
          expect(parsed?.port).toBe(p)
          expect(parsed?.host).toBe(new URL(`http://${name}`).hostname)
        },
      ),
    )
  })

  it('[v6]:port keeps the brackets, in the normalized URL form', () => {
    fc.assert(
      fc.property(ipv6, port, (v6, p) => {
        const parsed = parsePublishAddress(`[${v6}]:${p}`)
        expect(parsed?.host).toBe(new URL(`http://[${v6}]`).hostname)
        expect(parsed?.port).toBe(p)
      }),
    )
  })

  it('never throws, and whatever it accepts makes a URL with that host and port', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const parsed = parsePublishAddress(text)
        if (parsed === undefined) return
        const url = new URL(`http://${parsed.host}:${parsed.port}/`)
        expect(url.hostname).toBe(parsed.host)
        expect(url.port === '' ? 80 : Number(url.port)).toBe(parsed.port)
        expect(url.pathname).toBe('/')
      }),
      { numRuns: 2000 },
    )
  })
})
