import { describe, expect, it } from 'vitest'
import { detectRuntime } from '../src/index.js'

describe('detectRuntime', () => {
  it.each([
    [{ Deno: { version: { deno: '2.9.6' } }, process: { versions: { node: '24.2.0' } } }, 'deno'],
    [{ Bun: { version: '1.4.5' }, process: { versions: { node: '24.3.0', bun: '1.4.5' } } }, 'bun'],
    [{ process: { versions: { node: '24.3.0', bun: '1.4.5' } } }, 'bun'],
    [{ navigator: { userAgent: 'Cloudflare-Workers' } }, 'workerd'],
    // Vercel's edge runtime (and Netlify's): EdgeRuntime, and a process polyfill that must not make it Node
    [{ EdgeRuntime: 'edge-runtime', process: { versions: { node: '20.0.0' } } }, 'workerd'],
    [{ process: { versions: { node: '22.12.0' } } }, 'node'],
    [{ navigator: { userAgent: 'Mozilla/5.0' } }, 'browser'],
    // a `Deno` global without Deno's version (a page's own variable) is not Deno
    [{ Deno: {}, navigator: { userAgent: 'Mozilla/5.0' } }, 'browser'],
    [{}, 'browser'],
  ])('%j is %s', (globals, runtime) => {
    expect(detectRuntime(globals)).toBe(runtime)
  })

  it('looks at globalThis by default', () => {
    expect(detectRuntime()).toBe('node')
  })
})
