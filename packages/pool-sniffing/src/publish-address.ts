/**
 * Where a node listens for HTTP, from its `http.publish_address`.
 * @public
 */
export interface PublishAddress {
  /**
   * The host to connect to, in URL form: the node's hostname when Elasticsearch reported one (so TLS checks the
   * name the certificate was issued for), otherwise its IP address; IPv6 addresses in brackets.
   */
  readonly host: string
  /** The IP address (or name) after the slash, in URL form. */
  readonly address: string
  /** The TCP port, 1 to 65535. */
  readonly port: number
}

// A DNS name (letters, digits, '-', '_', dots) or an IPv4 address.
const kName = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/
// An IPv6 address, without brackets (an optional zone id is refused below: URLs cannot hold one).
const kIpv6 = /^[0-9A-Fa-f:.]+$/

/** Normalizes a host to its URL form, or undefined when it is not a valid host. */
function urlHost(raw: string): string | undefined {
  let candidate: string
  if (raw.startsWith('[') && raw.endsWith(']')) {
    if (!kIpv6.test(raw.slice(1, -1))) return undefined
    candidate = raw
  } else if (raw.includes(':')) {
    // Elasticsearch may report an IPv6 hostname without brackets: `::1/[::1]:9200`.
    if (!kIpv6.test(raw)) return undefined
    candidate = `[${raw}]`
  } else {
    if (!kName.test(raw)) return undefined
    candidate = raw
  }
  try {
    return new URL(`http://${candidate}/`).hostname
  } catch {
    return undefined
  }
}

/**
 * Parses the `http.publish_address` of a node, as `GET /_nodes/_all/http` reports it. The forms are `ip:port`,
 * `hostname/ip:port`, `[ipv6]:port` and `hostname/[ipv6]:port`. When a hostname is present it is used, so TLS
 * hostname verification checks the name the node's certificate was issued for rather than an IP address.
 *
 * @param address - the `publish_address` text.
 * @returns The host and port, or `undefined` when the text is not a publish address.
 * @example
 * ```ts
 * parsePublishAddress('es1.example.com/10.0.0.1:9200') // { host: 'es1.example.com', address: '10.0.0.1', port: 9200 }
 * parsePublishAddress('[::1]:9200')                   // { host: '[::1]', address: '[::1]', port: 9200 }
 * ```
 * @public
 */
export function parsePublishAddress(address: string): PublishAddress | undefined {
  if (typeof address !== 'string') return undefined
  const text = address.trim()
  const slash = text.indexOf('/')
  const name = slash === -1 ? '' : text.slice(0, slash)
  const rest = slash === -1 ? text : text.slice(slash + 1)
  const match = /^(\[[^\]]*\]|[^:[\]/]+):(\d{1,5})$/.exec(rest)
  if (match === null) return undefined
  const port = Number(match[2])
  if (port < 1 || port > 65_535) return undefined
  const ip = urlHost(match[1] as string)
  if (ip === undefined) return undefined
  if (name === '') return { host: ip, address: ip, port }
  const host = urlHost(name)
  if (host === undefined) return undefined
  return { host, address: ip, port }
}
