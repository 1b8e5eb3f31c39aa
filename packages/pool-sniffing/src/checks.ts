// The option checks of sniffing(), with no sniffer: `@stretch/pool-sniffing/checks`. The client imports them to
// refuse bad sniffing options in its constructor while it loads the sniffer only on the first request. Functions
// and constants only (no class, no module state): a bundle may copy this module (package.json
// `stretchBuild.inline`).
import { ConfigurationError, checkNumber, type NumberRule } from '@stretch/transport'
import type { SniffingOptions } from './sniffing.js'

const kPositiveMs: NumberRule = { positive: true, unit: 'milliseconds' }

function checkBoolean(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new ConfigurationError(`sniffing: \`${option}\` must be true or false`)
  }
}

/**
 * Checks the options {@link sniffing} takes, without making the sniffer: what `sniffing(options)` would throw,
 * this throws. Also `@stretch/pool-sniffing/checks`, a module without the sniffer, for code that checks its
 * configuration early and loads the sniffer later.
 *
 * @param options - the options of {@link sniffing}.
 * @throws `ConfigurationError` naming the option when `options` is not an object, a flag is not a boolean,
 *   `sniffInterval` or `sniffTimeout` is not a positive number of milliseconds, `sniffEndpoint` is not a path,
 *   `nodeFilter` is not a function, or no trigger (`sniffOnStart`, `sniffInterval`, `sniffOnNodeFailure`) is on.
 * @example
 * ```ts
 * import { checkSniffingOptions } from '@stretch/pool-sniffing/checks'
 *
 * checkSniffingOptions({ sniffInterval: Number(process.env.SNIFF_INTERVAL_MS) }) // throws at startup on NaN
 * ```
 * @public
 */
export function checkSniffingOptions(options: SniffingOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('sniffing: options must be an object, such as { sniffOnStart: true }')
  }
  checkBoolean('sniffOnStart', options.sniffOnStart)
  checkBoolean('sniffOnNodeFailure', options.sniffOnNodeFailure)
  const interval = options.sniffInterval
  if ((interval as unknown) === true) {
    throw new ConfigurationError('sniffing: `sniffInterval` is a number of milliseconds, such as 60_000, not true')
  }
  checkNumber('sniffInterval', interval === false ? undefined : interval, kPositiveMs)
  checkNumber('sniffTimeout', options.sniffTimeout, kPositiveMs)
  const endpoint = options.sniffEndpoint ?? '/_nodes/_all/http'
  if (typeof endpoint !== 'string' || endpoint.trim() === '' || /\s/.test(endpoint)) {
    throw new ConfigurationError("sniffing: `sniffEndpoint` must be a path, such as '/_nodes/_all/http'")
  }
  if (options.nodeFilter !== undefined && typeof options.nodeFilter !== 'function') {
    throw new ConfigurationError('sniffing: `nodeFilter` must be a function (node) => boolean')
  }
  if (options.sniffOnStart !== true && (interval === undefined || interval === false) && !options.sniffOnNodeFailure) {
    throw new ConfigurationError(
      'sniffing: no trigger is on; set sniffOnStart: true, sniffInterval (milliseconds) or sniffOnNodeFailure: true',
    )
  }
}
