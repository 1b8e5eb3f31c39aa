import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { CLOUD_DOMAIN } from './start-cluster.js'

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `dns.lookup` replacement that resolves `*.es.stretch.test` (the cloud endpoint's made-up domain) and
 * `*.localhost` to 127.0.0.1 and everything else as usual. Pass it as the `lookup` socket option, e.g.
 * `new Agent({ connect: { lookup, ca } })`.
 * @public
 */
export function lookup(
  hostname: string,
  options: LookupOptions | number | LookupCallback,
  callback?: LookupCallback,
): void {
  const cb = (typeof options === 'function' ? options : callback) as LookupCallback
  const opts: LookupOptions =
    typeof options === 'object' ? options : typeof options === 'number' ? { family: options } : {}
  const name = hostname.toLowerCase().replace(/\.$/, '')
  if (
    name === CLOUD_DOMAIN ||
    name.endsWith(`.${CLOUD_DOMAIN}`) ||
    name === 'localhost' ||
    name.endsWith('.localhost')
  ) {
    if (opts.all === true) process.nextTick(cb, null, [{ address: '127.0.0.1', family: 4 }])
    else process.nextTick(cb, null, '127.0.0.1', 4)
    return
  }
  dnsLookup(
    hostname,
    { ...opts, all: opts.all === true } as LookupOptions & { all: boolean },
    cb as (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  )
}
