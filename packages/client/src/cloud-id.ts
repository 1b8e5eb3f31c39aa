import { ConfigurationError } from '@stretch/transport'

/**
 * A decoded Elastic Cloud ID.
 * @public
 */
export interface CloudId {
  /** The deployment name, before the colon. */
  readonly name: string
  /** The cloud host, such as `us-east4.gcp.elastic-cloud.com`. */
  readonly host: string
  /** The Elasticsearch endpoint's port (443 unless the Cloud ID says otherwise). */
  readonly port: number
  /** The Elasticsearch cluster's uuid. */
  readonly esUuid: string
  /** The Kibana instance's uuid, when present. */
  readonly kibanaUuid: string | undefined
  /** `https://<esUuid>.<host>:<port>` */
  readonly esUrl: string
  /** `https://<kibanaUuid>.<host>:<port>`, when present. */
  readonly kibanaUrl: string | undefined
}

const kBase64 = /^[A-Za-z0-9+/_-]+={0,2}$/

function fail(reason: string): never {
  throw new ConfigurationError(
    `cloudId: ${reason}; copy the Cloud ID from the deployment's page in the Elastic Cloud console (it looks like 'name:dXMtZWFzd...')`,
  )
}

function splitPort(part: string, what: string): { value: string; port: number | undefined } {
  const at = part.lastIndexOf(':')
  if (at === -1) return { value: part, port: undefined }
  const text = part.slice(at + 1)
  const port = Number(text)
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) fail(`the port of the ${what} is not a number from 1 to 65535`)
  return { value: part.slice(0, at), port }
}

/**
 * Decodes a Cloud ID: `name:base64(host[:port]$es_uuid[:port][$kibana_uuid[:port]])`. The port defaults to 443; a
 * port on the uuid wins over the host's (the rule of Beats). Every malformed form raises a `ConfigurationError`
 * saying what is wrong, without echoing the value.
 * @example
 * ```ts
 * parseCloudId('my-deployment:' + Buffer.from('us-east4.gcp.elastic-cloud.com$abc123$def456').toString('base64')).esUrl
 * // 'https://abc123.us-east4.gcp.elastic-cloud.com'
 * ```
 * @public
 */
export function parseCloudId(cloudId: string): CloudId {
  if (typeof cloudId !== 'string') fail(`must be a string (got ${cloudId === null ? 'null' : typeof cloudId})`)
  const id = cloudId.trim()
  if (id === '') fail('is empty')
  // The payload is base64 and never contains ':', so the last colon separates it (names may contain colons).
  const colon = id.lastIndexOf(':')
  if (colon === -1) fail("has no ':' between the deployment name and the encoded part")
  const name = id.slice(0, colon)
  const payload = id.slice(colon + 1)
  if (name === '') fail("the deployment name before ':' is empty")
  if (payload === '') fail("the encoded part after ':' is empty")
  if (!kBase64.test(payload)) fail("the part after ':' is not base64")
  const decoded = decodeBase64(payload)
  if (decoded === '' || !/^[\x21-\x7e]+$/.test(decoded)) fail("the part after ':' does not decode to 'host$uuid'")
  const parts = decoded.split('$')
  const hostPart = parts[0] ?? ''
  const esPart = parts[1] ?? ''
  const kibanaPart = parts[2] ?? ''
  if (hostPart === '' || hostPart.startsWith(':')) fail('the decoded value has no host')
  if (esPart === '' || esPart.startsWith(':'))
    fail('the decoded value has no Elasticsearch uuid (expected host$es_uuid$kibana_uuid)')
  const host = splitPort(hostPart, 'host')
  const es = splitPort(esPart, 'Elasticsearch uuid')
  const kibana = kibanaPart === '' ? undefined : splitPort(kibanaPart, 'Kibana uuid')
  if (!/^[A-Za-z0-9.-]+$/.test(host.value) || host.value.startsWith('.') || host.value.endsWith('.')) {
    fail('the decoded host is not a valid host name')
  }
  if (!/^[A-Za-z0-9-]+$/.test(es.value)) fail('the Elasticsearch uuid has characters a host name cannot have')
  if (kibana !== undefined && !/^[A-Za-z0-9-]+$/.test(kibana.value))
    fail('the Kibana uuid has characters a host name cannot have')
  // A label of digits only would make the URL parser read an IPv4 address (`0.0` is 0.0.0.0).
  if (
    host.value.split('.').some((label) => label === '' || /^\d+$/.test(label)) &&
    !/[a-z]/i.test(host.value.split('.').at(-1) ?? '')
  ) {
    fail('the decoded host is not a host name (its last label has no letter)')
  }
  const port = es.port ?? host.port ?? 443
  const url = (uuid: string, p: number): string => `https://${uuid}.${host.value}${p === 443 ? '' : `:${p}`}`
  const esHost = new URL(url(es.value, port)).hostname
  if (esHost !== `${es.value}.${host.value}`.toLowerCase()) fail('the decoded host and uuid do not form a host name')
  return {
    name,
    host: host.value,
    port,
    esUuid: es.value,
    kibanaUuid: kibana?.value,
    esUrl: url(es.value, port),
    kibanaUrl: kibana === undefined ? undefined : url(kibana.value, kibana.port ?? host.port ?? 443),
  }
}

// atob, which every runtime has, with Buffer's leniency: URL-safe letters, missing padding, and a lone last
// character (which carries less than a byte) ignored.
function decodeBase64(payload: string): string {
  let b64 = payload.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')
  if (b64.length % 4 === 1) b64 = b64.slice(0, -1)
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return new TextDecoder().decode(bytes)
}
