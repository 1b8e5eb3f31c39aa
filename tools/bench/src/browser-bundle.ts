// pnpm --filter @stretch/bench bench:bundle: the browser bundle of @stretch/client with the fetch connection, as a
// page would ship it (esbuild, platform browser, minified), gzipped at level 9; issue 14's target is < 50 KB.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const kTarget = 50 * 1024
const here = join(dirname(fileURLToPath(import.meta.url)), '..')

const entry = `import { Client } from '@stretch/client'
import { fetchConnection } from '@stretch/connection-fetch'
const client = new Client({ node: 'https://localhost:9200', apiKey: 'key', connection: fetchConnection() })
globalThis.answer = client.info()
`

/** Bundles the entry and returns the sizes: whole bundle and bytes per package. */
export async function browserBundle(): Promise<{
  minified: number
  gzipped: number
  byPackage: Record<string, number>
}> {
  const result = await build({
    stdin: { contents: entry, resolveDir: here, loader: 'js', sourcefile: 'page.js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    minify: true,
    metafile: true,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]?.contents ?? new Uint8Array(0)
  const byPackage: Record<string, number> = {}
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [file, input] of Object.entries(output.inputs)) {
      const name = /@stretch[/+]([a-z-]+)/.exec(file)?.[1] ?? /packages\/([a-z-]+)/.exec(file)?.[1] ?? file
      byPackage[name] = (byPackage[name] ?? 0) + input.bytesInOutput
    }
  }
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length, byPackage }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { minified, gzipped, byPackage } = await browserBundle()
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`
  console.log(
    `browser bundle of @stretch/client + @stretch/connection-fetch: ${kb(minified)} minified, ${kb(gzipped)} gzipped`,
  )
  for (const [name, bytes] of Object.entries(byPackage).sort((a, b) => b[1] - a[1])) {
    console.log(`  ${name}: ${kb(bytes)} minified`)
  }
  console.log(`target < ${kb(kTarget)} gzipped: ${gzipped < kTarget ? 'met' : 'NOT met'}`)
  process.exitCode = gzipped < kTarget ? 0 : 1
}
