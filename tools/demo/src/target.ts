import type { ClientOptions } from '@stretch/client'
import type { TestCluster } from '@stretch/test-cluster'

/**
 * The cluster the scenarios run against, and what they know about it: the embedded test cluster (where the demo
 * can also look at what the server saw), or a real one described by environment variables.
 * @public
 */
export interface DemoTarget {
  /** `embedded`: the demo started `@stretch/test-cluster`; `remote`: `ELASTICSEARCH_URL` and friends. */
  readonly mode: 'embedded' | 'remote'
  /** The node URLs (several for the multi-node scenario). Empty when only a Cloud ID was given. */
  readonly urls: readonly string[]
  /** The HTTP CA: a file path or PEM text (`ES_CA_CERT`). */
  readonly caCerts?: string | undefined
  /** The SHA-256 fingerprint of a certificate of the chain (`ES_FINGERPRINT`). */
  readonly fingerprint?: string | undefined
  /** The user of `password` (`ELASTIC_USERNAME`, default `elastic`). */
  readonly username: string
  /** The password of `username` (`ELASTIC_PASSWORD`). */
  readonly password?: string | undefined
  /** An encoded API key (`ELASTIC_API_KEY`). */
  readonly apiKey?: string | undefined
  /** A Cloud ID (`ELASTIC_CLOUD_ID`, or the embedded cloud endpoint). */
  readonly cloudId?: string | undefined
  /** What the embedded cloud endpoint needs besides the seed's options: its private CA and made-up domain. */
  readonly cloudExtras?: Pick<ClientOptions, 'caCerts' | 'lookup'> | undefined
  /** A cluster with security off (embedded only). */
  readonly openUrl?: string | undefined
  /** The embedded clusters, to check what the server saw. */
  readonly embedded?: { readonly cluster: TestCluster; readonly open: TestCluster } | undefined
}

/** The environment variables of a real cluster; undefined when `ELASTICSEARCH_URL` and `ELASTIC_CLOUD_ID` are unset. */
export function remoteTarget(env: NodeJS.ProcessEnv): DemoTarget | undefined {
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim()
    return v === undefined || v === '' ? undefined : v
  }
  const urls = (value('ELASTICSEARCH_URL') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '')
  const cloudId = value('ELASTIC_CLOUD_ID')
  if (urls.length === 0 && cloudId === undefined) return undefined
  return {
    mode: 'remote',
    urls,
    caCerts: value('ES_CA_CERT'),
    fingerprint: value('ES_FINGERPRINT'),
    username: value('ELASTIC_USERNAME') ?? 'elastic',
    password: value('ELASTIC_PASSWORD'),
    apiKey: value('ELASTIC_API_KEY'),
    cloudId,
  }
}
