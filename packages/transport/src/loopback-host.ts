const kLoopback = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|::1)$/i

/**
 * Whether a URL hostname names this machine: `localhost`, `127.x.x.x` or `::1` (with or without brackets, as
 * `URL.hostname` gives it). Credentials may go to such a host over plain http; environment proxies are skipped
 * for it.
 * @param hostname - a hostname, such as `new URL(node).hostname`.
 * @public
 */
export function isLoopbackHost(hostname: string): boolean {
  return kLoopback.test(hostname)
}
