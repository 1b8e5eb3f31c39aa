import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundle, type Clusters, startClusters } from '../src/harness.js'
import type { Outcome } from '../src/scenarios.js'
import { expectScenarios, httpsScenarios } from './expectations.js'

// Debian's Chromium (apt-get install -y chromium); .ci/run installs it.
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
const installed = existsSync(executablePath)

if (!installed) {
  const why = `Chromium is not installed at ${executablePath}: the browser suite did NOT run. Install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH); .ci/run does.`
  console.warn(`\n${'!'.repeat(100)}\n!! SKIPPED THE BROWSER SUITE: ${why}\n${'!'.repeat(100)}\n`)
  describe('Chromium', () => {
    // In CI a missing browser is a failure; on a developer's machine the suite says loudly what it did not run.
    it(`did not run: ${why}`, () => {
      expect(process.env['CI'] === undefined || process.env['CI'] === '' || process.env['CI'] === 'false').toBe(true)
    })
  })
} else {
  let clusters: Clusters
  let results: Record<string, Outcome>
  let pages: Server
  let bundleBytes = 0
  beforeAll(async () => {
    let script = ''
    const html =
      '<!doctype html><meta charset="utf-8"><title>stretch</title><script type="module" src="/bundle.js"></script>'
    // The page must come from a loopback origin: Chromium refuses about:blank and data: pages access to loopback.
    pages = createServer((req, res) => {
      if (req.url === '/bundle.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' })
        res.end(script)
      } else {
        res.writeHead(200, { 'content-type': 'text/html' })
        res.end(html)
      }
    })
    pages.listen(0, '127.0.0.1')
    await once(pages, 'listening')
    const origin = `http://127.0.0.1:${(pages.address() as { port: number }).port}`
    clusters = await startClusters({ allowOrigin: origin })
    const { https: _https, ...config } = clusters.config
    const only = [
      'client',
      'basic',
      'bearer',
      'apiKey',
      'wrongPassword',
      'gzip',
      'stream',
      'sniff',
      'abort',
      'timeout',
      'roundRobin',
      'retryStopped',
      'refused',
      'reset',
      'refusedOptions',
      'clientProxy',
      'proxyHttp',
    ].filter((name) => !httpsScenarios.includes(name))
    script = await bundle(
      `import { runScenarios } from './src/scenarios.ts'
globalThis.__results = runScenarios(${JSON.stringify({ ...config, only })})
`,
      'browser',
    )
    bundleBytes = script.length
    const browser = await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    })
    try {
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await page.goto(origin)
      await page.waitForFunction(() => (globalThis as { __results?: unknown }).__results !== undefined)
      results = (await page.evaluate(
        () => (globalThis as unknown as { __results: Promise<unknown> }).__results,
      )) as Record<string, Outcome>
      if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`)
      if (process.env['STRETCH_RUNTIMES_DUMP']) console.log(JSON.stringify(results, null, 1))
    } finally {
      await browser.close()
    }
  }, 120_000)
  afterAll(async () => {
    await clusters?.[Symbol.asyncDispose]()
    pages?.close()
  })

  describe('Chromium: a page from a loopback origin calls the test cluster with CORS', () => {
    it('loads the bundle', () => expect(bundleBytes).toBeGreaterThan(0))
    expectScenarios(
      () => results,
      () => clusters,
      {
        runtime: 'browser',
        name: /a browser/,
        caCerts: false,
        pin: 'refused',
        noVerify: false,
        resetDeliveries: 'runtime-may-resend',
        proxy: 'refused',
        clientProxy: 'refused',
        refused: { requestSent: true, message: /Failed to fetch/ },
      },
    )
  })
}
