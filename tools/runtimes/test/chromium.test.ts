import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { RecordedRequest } from '@stretch/test-cluster'
import { type ProxiedRequest, startProxy, type TestProxy } from '@stretch/test-utils'
import { chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundle, bundleFrom, type Clusters, distEntry, spkiSha256, startClusters, withDist } from '../src/harness.js'
import type { Outcome, ScenarioConfig } from '../src/scenarios.js'
import { expectScenarios, httpsScenarios } from './expectations.js'

// Debian's Chromium (apt-get install -y chromium); .ci/run installs it.
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
const installed = existsSync(executablePath)

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** Opens `url` in `page`, waits for the scenarios it runs and returns their outcomes; a page error fails. */
async function runPage(page: Page, url: string): Promise<Record<string, Outcome>> {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(url)
  await page.waitForFunction(() => (globalThis as { __results?: unknown }).__results !== undefined)
  const results = (await page.evaluate(
    () => (globalThis as unknown as { __results: Promise<unknown> }).__results,
  )) as Record<string, Outcome>
  if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`)
  if (process.env['STRETCH_RUNTIMES_DUMP']) console.log(url, JSON.stringify(results, null, 1))
  return results
}

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
  let origin = ''
  let bundleBytes = 0
  let distInputs: readonly string[] = []
  // A second launch of the browser with a proxy of its own (--proxy-server): what its pages did, and the proxies.
  let viaProxy: Record<string, Outcome>
  let viaAuthProxy: Record<string, Outcome>
  let anonymousProxy: TestProxy
  let authProxyLog: readonly ProxiedRequest[] = []
  // What the cluster received while each proxied page ran.
  let nodeLogViaProxy: readonly RecordedRequest[] = []
  let nodeLogViaAuthProxy: readonly RecordedRequest[] = []
  beforeAll(async () => {
    const scripts: Record<string, string> = {}
    // The page must come from a loopback origin: Chromium refuses about:blank and data: pages access to loopback.
    // `/` loads the scenarios' bundle, `/proxied?scenario=<name>` a bundle that runs that one scenario.
    pages = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://pages').pathname
      if (path.endsWith('.js')) {
        res.writeHead(200, { 'content-type': 'text/javascript' })
        res.end(scripts[path.slice(1, -'.js'.length)] ?? '')
      } else {
        const src = path === '/proxied' ? '/proxied.js' : '/bundle.js'
        res.writeHead(200, { 'content-type': 'text/html' })
        res.end(
          `<!doctype html><meta charset="utf-8"><title>stretch</title><script type="module" src="${src}"></script>`,
        )
      }
    })
    pages.listen(0, '127.0.0.1')
    await once(pages, 'listening')
    origin = `http://127.0.0.1:${(pages.address() as { port: number }).port}`
    clusters = await startClusters({ allowOrigin: origin })
    // A proxy without credentials for the proxied launch. It refuses every CONNECT (403): the browser's own calls
    // to its vendor's services go nowhere.
    anonymousProxy = await startProxy({ connectPorts: [] })
    // No CA can be given in a page: the browser trusts the cloud endpoint's certificate alone, by the hash of its
    // public key (--ignore-certificate-errors-spki-list), and the HTTPS cluster's stays untrusted.
    const cloud = clusters.https.cloud as NonNullable<Clusters['https']['cloud']>
    const spki = await spkiSha256(cloud.port, cloud.hostname)
    const config = {
      ...clusters.config,
      cloud: { ...(clusters.config.cloud as NonNullable<ScenarioConfig['cloud']>), trustCa: false },
    }
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
    ]
      .filter((name) => !httpsScenarios.includes(name))
      .concat('cloudId', 'untrusted')
    scripts['bundle'] = await bundle(
      `import { runScenarios } from './src/scenarios.ts'
globalThis.__results = (async () => {
  const results = await runScenarios(${JSON.stringify({ ...config, only })})
  ${withDist('results', config, './dist.js')}
  return results
})()
`,
      'browser',
    )
    // The client from its built dist, a second module of the page (served as /dist.js)
    const dist = await bundleFrom('dist', distEntry, 'browser')
    scripts['dist'] = dist.code
    distInputs = dist.inputs
    scripts['proxied'] = await bundle(
      `import { runScenarios } from './src/scenarios.ts'
const only = [new URL(location.href).searchParams.get('scenario')]
globalThis.__results = runScenarios({ ...${JSON.stringify(config)}, only })
`,
      'browser',
    )
    bundleBytes = scripts['bundle'].length
    const browser = await chromium.launch({
      executablePath,
      args: [...chromiumArgs, `--ignore-certificate-errors-spki-list=${spki}`],
    })
    try {
      results = await runPage(await browser.newPage(), origin)
    } finally {
      await browser.close()
    }
    // The browser's own proxy: every request of its pages goes there, loopback included (Chromium bypasses
    // loopback by default; `<-loopback>` takes that rule away).
    const proxied = await chromium.launch({
      executablePath,
      args: [...chromiumArgs, `--proxy-server=${anonymousProxy.url}`, '--proxy-bypass-list=<-loopback>'],
    })
    try {
      // requests() lists node by node (arrival order within each node): what came later is counted per node
      const perNode = (): Map<string, number> => {
        const counts = new Map<string, number>()
        for (const r of clusters.http.requests()) counts.set(r.node, (counts.get(r.node) ?? 0) + 1)
        return counts
      }
      const since = (before: Map<string, number>): RecordedRequest[] => {
        const counts = new Map<string, number>()
        return clusters.http.requests().filter((r) => {
          const n = (counts.get(r.node) ?? 0) + 1
          counts.set(r.node, n)
          return n > (before.get(r.node) ?? 0)
        })
      }
      let seenBefore = perNode()
      viaProxy = await runPage(await proxied.newPage(), `${origin}/proxied?scenario=browserProxy`)
      nodeLogViaProxy = since(seenBefore)
      // A second context of the same browser, set to a proxy that wants credentials (the suite's), the page's own
      // origin left out so that the page loads. The bypass rules are read in order: `<-loopback>` first.
      const before = clusters.proxy.requests.length
      const context = await proxied.newContext({
        proxy: { server: clusters.proxy.url, bypass: `<-loopback>,${new URL(origin).host}` },
      })
      seenBefore = perNode()
      viaAuthProxy = await runPage(await context.newPage(), `${origin}/proxied?scenario=browserProxyAuth`)
      nodeLogViaAuthProxy = since(seenBefore)
      authProxyLog = clusters.proxy.requests.slice(before)
    } finally {
      await proxied.close()
    }
  }, 120_000)
  afterAll(async () => {
    await clusters?.[Symbol.asyncDispose]()
    await anonymousProxy?.close()
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
        pinAlternative: /install the cluster's CA there, or serve the cluster with a publicly trusted certificate/,
        noVerify: false,
        resetDeliveries: 'runtime-may-resend',
        proxy: 'refused',
        clientProxy: 'refused',
        dist: { inputs: () => distInputs, clientEntry: 'index.web.js' },
        cloudId: true,
        // the HTTPS cluster's certificate (its key is not the one trusted above): `Failed to fetch`, as for everything
        untrusted: { code: 'ES_ERR_CONNECTION', requestSent: true, message: /Failed to fetch/ },
        refused: { requestSent: true, message: /Failed to fetch/ },
      },
    )
  })

  describe("Chromium's own proxy (--proxy-server): a page cannot choose one, the browser's setting applies", () => {
    const node = (): string => `${clusters.http.urls[0]}/`
    it("the browser's proxy: the page's requests go through it as absolute-URI requests and the client gets its answers", () => {
      expect(viaProxy['browserProxy']).toEqual({ value: { version: '9.1.0' } })
      const seen = anonymousProxy.requests.map((r) => [r.method, r.target, r.refused])
      // The page itself came through it, then the client's request (after its CORS preflight), passed on.
      expect(seen).toContainEqual(['GET', `${origin}/proxied?scenario=browserProxy`, undefined])
      const toNode = anonymousProxy.requests.filter((r) => r.target === node())
      expect(toNode.map((r) => [r.method, r.target, r.refused])).toEqual([
        ['OPTIONS', node(), undefined],
        ['GET', node(), undefined],
      ])
      expect(toNode[1]?.headers['authorization']).toBe(`Basic ${btoa(`elastic:${clusters.http.password}`)}`)
      // The node got it from the proxy: the one GET of that page.
      expect(nodeLogViaProxy.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual(['/'])
    })
    it("the browser's proxy wants credentials (407): the page's fetch waits for them, requestTimeout ends it as a TimeoutError, nothing reaches the node", () => {
      // Chromium keeps the request open for the proxy's credentials (a headed browser asks its user; headless
      // Chromium asks nobody): fetch neither answers nor rejects, and the page never sees the 407.
      const outcome = viaAuthProxy['browserProxyAuth'] as { error?: { code?: string; message?: string } }
      expect(outcome.error?.code).toBe('ES_ERR_TIMEOUT')
      expect(outcome.error?.message).not.toContain('proxy-secret')
      const toNode = authProxyLog.filter((r) => r.target === node())
      expect(toNode.length).toBeGreaterThanOrEqual(1)
      expect(toNode.every((r) => r.refused === 407)).toBe(true)
      expect(nodeLogViaAuthProxy).toEqual([])
    })
  })
}
