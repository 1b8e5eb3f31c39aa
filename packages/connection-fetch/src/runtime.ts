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
  readonly process?: { readonly versions?: { readonly node?: unknown } }
}

/**
 * The runtime this code runs on. Deno and Bun come first: both also define `process.versions.node`. Vercel's and
 * Netlify's edge runtimes behave like workerd (no TLS options, the platform's trust store).
 * @internal
 */
export function detectRuntime(): FetchRuntime {
  const g = globalThis as RuntimeGlobals
  if (typeof g.Deno?.version?.deno === 'string') return 'deno'
  if (typeof g.Bun?.version === 'string') return 'bun'
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
