/**
 * The JavaScript runtimes {@link fetchConnection} knows: what each one's `fetch` can do with TLS and how it
 * reports failures differ.
 * @public
 */
export type FetchRuntime = 'node' | 'deno' | 'bun' | 'workerd' | 'browser'

interface RuntimeGlobals {
  readonly Deno?: { readonly version?: { readonly deno?: unknown } }
  readonly Bun?: { readonly version?: unknown }
  readonly EdgeRuntime?: unknown
  readonly navigator?: { readonly userAgent?: unknown }
  readonly process?: { readonly versions?: { readonly node?: unknown; readonly bun?: unknown } }
}

/**
 * The runtime this code runs on, from its globals: what {@link fetchConnection} assumes when no `runtime` is given,
 * and what `@stretch/client` picks its default connection and names in its errors by. Deno and Bun come first: both
 * also define `process.versions.node`. workerd says `Cloudflare-Workers` in `navigator.userAgent`; Vercel's and
 * Netlify's edge runtimes define `EdgeRuntime` and behave like workerd (no TLS options, the platform's trust
 * store). Anything else without `process.versions.node` is a browser (a page or a web worker).
 * @param globals - the global object to look at (tests pass a stand-in). Default `globalThis`.
 * @returns `'deno'`, `'bun'`, `'workerd'`, `'node'` or `'browser'`.
 * @example
 * ```ts
 * detectRuntime({ EdgeRuntime: 'edge-runtime' }) // 'workerd'
 * ```
 * @public
 */
export function detectRuntime(globals: object = globalThis): FetchRuntime {
  const g = globals as RuntimeGlobals
  if (typeof g.Deno?.version?.deno === 'string') return 'deno'
  if (typeof g.Bun?.version === 'string' || typeof g.process?.versions?.bun === 'string') return 'bun'
  if (g.navigator?.userAgent === 'Cloudflare-Workers' || typeof g.EdgeRuntime === 'string') return 'workerd'
  if (typeof g.process?.versions?.node === 'string') return 'node'
  return 'browser'
}

/** @internal */
export const runtimeNames: Readonly<Record<FetchRuntime, string>> = {
  node: 'Node.js',
  deno: 'Deno',
  bun: 'Bun',
  workerd: 'workerd (Cloudflare Workers, edge functions)',
  browser: 'a browser',
}

/** "on Deno", "in a browser": where a message says something happened. @internal */
export function where(runtime: FetchRuntime): string {
  return `${runtime === 'browser' ? 'in' : 'on'} ${runtimeNames[runtime]}`
}
