// Issue 14's size target, enforced in `pnpm test` rather than only printed by `pnpm bench:bundle`: a size, not a
// timing, so a busy machine cannot make it flaky. The bundle resolves the packages as a page's bundler does (the
// browser condition, no @stretch/source): their built dist/, which turbo builds first (@stretch/bench#test).
import { describe, expect, it } from 'vitest'
import { browserBundle, kTarget } from '../src/browser-bundle.js'

describe('the browser bundle of @stretch/client with @stretch/connection-fetch', () => {
  it('loads under 50 KB gzipped before its first request', async () => {
    const sizes = await browserBundle()
    // it measured the page it means to: the client, the fetch connection and the transport in the initial load
    for (const name of ['client', 'connection-fetch', 'transport']) expect(sizes.byPackage[name]).toBeGreaterThan(0)
    // the lazy API namespace chunks stay out of the initial load
    expect(sizes.files).toBeGreaterThan(1)
    expect(sizes.gzipped).toBeLessThan(kTarget)
  }, 60_000)
})
