// pnpm --filter @stretch/bench bench:bundle: the browser bundle of @stretch/client with the fetch connection, as a
// page would ship it (esbuild, platform browser, minified, code splitting), gzipped at level 9; issue 14's target is
// < 50 KB for what a page loads before its first request.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

/** Issue 14's target for what a page loads before its first request: 50 KB gzipped. */
export const kTarget: number = 50 * 1024
const here = join(dirname(fileURLToPath(import.meta.url)), '..')

const entry = `import { Client } from '@stretch/client'
import { fetchConnection } from '@stretch/connection-fetch'
const client = new Client({ node: 'https://localhost:9200', apiKey: 'key', connection: fetchConnection() })
globalThis.answer = client.info()
`

/** Sizes of one build: everything a page loads before its first request, and every file of the build. */
export interface BundleSizes {
  /** Minified bytes of the entry and the chunks it imports statically (what loads before the first call). */
  readonly minified: number
  /** The same files, each gzipped at level 9. */
  readonly gzipped: number
  /** Minified bytes of every output file, lazy chunks (API namespaces loaded on first use) included. */
  readonly totalMinified: number
  /** Every output file, each gzipped. */
  readonly totalGzipped: number
  /** Number of output files. */
  readonly files: number
  /** Minified bytes per package in the initial load. */
  readonly byPackage: Record<string, number>
}

/**
 * Bundles the entry as a page ships it: ESM with code splitting (esbuild's, as Vite and Rollup do by default), so
 * the client's API namespaces that a page never calls stay in chunks it never downloads.
 */
export async function browserBundle(): Promise<BundleSizes> {
  const result = await build({
    stdin: { contents: entry, resolveDir: here, loader: 'js', sourcefile: 'page.js' },
    bundle: true,
    write: false,
    format: 'esm',
    splitting: true,
    outdir: join(here, 'browser-bundle-out'),
    platform: 'browser',
    minify: true,
    metafile: true,
    logLevel: 'silent',
  })
  const outputs = result.metafile.outputs
  const contents = new Map(result.outputFiles.map((f) => [f.path, f.contents]))
  const pathOf = (key: string): string => join(process.cwd(), key)
  const entryKey = Object.keys(outputs).find((k) => outputs[k]?.entryPoint === '<stdin>' || k.endsWith('/stdin.js'))
  if (entryKey === undefined) throw new Error('browser bundle: esbuild wrote no entry file')
  const initial = new Set<string>()
  const stack = [entryKey]
  while (stack.length > 0) {
    const key = stack.pop() as string
    if (initial.has(key)) continue
    initial.add(key)
    for (const i of outputs[key]?.imports ?? [])
      if (i.kind === 'import-statement' && i.path in outputs) stack.push(i.path)
  }
  const gz = (bytes: Uint8Array): number => gzipSync(bytes, { level: 9 }).length
  let minified = 0
  let gzipped = 0
  const byPackage: Record<string, number> = {}
  for (const key of initial) {
    const bytes = contents.get(pathOf(key)) ?? new Uint8Array(0)
    minified += bytes.length
    gzipped += gz(bytes)
    for (const [file, input] of Object.entries(outputs[key]?.inputs ?? {})) {
      const name = /@stretch[/+]([a-z-]+)/.exec(file)?.[1] ?? /packages\/([a-z-]+)/.exec(file)?.[1] ?? file
      byPackage[name] = (byPackage[name] ?? 0) + input.bytesInOutput
    }
  }
  let totalMinified = 0
  let totalGzipped = 0
  for (const f of result.outputFiles) {
    totalMinified += f.contents.length
    totalGzipped += gz(f.contents)
  }
  return { minified, gzipped, totalMinified, totalGzipped, files: result.outputFiles.length, byPackage }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await browserBundle()
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`
  console.log(
    `browser bundle of @stretch/client + @stretch/connection-fetch, loaded before the first request: ${kb(sizes.minified)} minified, ${kb(sizes.gzipped)} gzipped`,
  )
  console.log(
    `  every file of the build (${sizes.files}, lazy API namespace chunks included): ${kb(sizes.totalMinified)} minified, ${kb(sizes.totalGzipped)} gzipped`,
  )
  for (const [name, bytes] of Object.entries(sizes.byPackage).sort((a, b) => b[1] - a[1])) {
    console.log(`  ${name}: ${kb(bytes)} minified`)
  }
  console.log(
    `target < ${kb(kTarget)} gzipped before the first request: ${sizes.gzipped < kTarget ? 'met' : 'NOT met'}`,
  )
  process.exitCode = sizes.gzipped < kTarget ? 0 : 1
}
