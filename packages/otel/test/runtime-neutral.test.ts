// The plugin holds nothing Node-only: bundled as a Worker or a page bundles it (esbuild, `platform: 'neutral'` or
// `'browser'`, the conditions wrangler and browsers use), neither it nor @opentelemetry/api pulls in a Node
// built-in, so it instruments the client's fetch entry on every runtime.
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { describe, expect, it } from 'vitest'

const kPackageDir = fileURLToPath(new URL('..', import.meta.url))
const kBuiltin = new RegExp(`^(node:.*|${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`)

describe.each(['neutral', 'browser'] as const)('bundled for platform %s', (platform) => {
  it('imports no Node built-in, its peer dependencies included', async () => {
    const builtins: string[] = []
    const record: Plugin = {
      name: 'record-builtins',
      setup(b) {
        b.onResolve({ filter: kBuiltin }, (args) => {
          builtins.push(`${args.path} (from ${args.importer.replace(kPackageDir, '')})`)
          return { path: args.path, external: true }
        })
      },
    }
    const result = await build({
      // the package resolves itself by name through its own exports, as an application's import would
      stdin: { contents: `export * from '@stretch/otel'`, resolveDir: kPackageDir, loader: 'ts' },
      bundle: true,
      format: 'esm',
      platform,
      conditions: ['workerd', 'worker', 'browser', '@stretch/source'],
      mainFields: ['module', 'main'],
      target: 'es2022',
      metafile: true,
      write: false,
      logLevel: 'silent',
      plugins: [record],
    })
    const inputs = Object.keys(result.metafile.inputs)
    expect(builtins).toEqual([])
    expect(inputs.some((i) => i.endsWith('src/open-telemetry.ts'))).toBe(true)
    expect(inputs.some((i) => i.includes('@opentelemetry/api'))).toBe(true)
  })
})
