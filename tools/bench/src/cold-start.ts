// The cold-start scenario: what a function as a service pays on a new instance. Each sample is a fresh process that
// imports a client, constructs it and waits for the first `info()` answer (src/cold-start/*.ts). Every child runs
// as built (dist/, resolving its packages from node_modules) and bundled by esbuild into one CommonJS file in a
// temporary directory outside the repository, where nothing can be resolved from node_modules: the way AWS Lambda,
// Azure Functions and Cloud Functions users deploy. Targets alternate (A B C ... A B C), medians of the samples.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runNode } from '@stretch/test-utils'
import type { ColdStartSample } from './protocol.js'

/**
 * The clients of the cold-start scenario. `undici` is the issue's floor: a bare undici request as a user writes it
 * (`request` from undici's index, which loads all of undici). `undici-pool` is the fairer one: a Pool from the same
 * three undici modules that Stretch's connection loads, one request, the body parsed; Stretch over it is the
 * client's own cost.
 */
export type ColdStartClient = 'stretch' | 'es9' | 'undici' | 'undici-pool'

/** One way to run a client: as built (`node_modules` beside it), or bundled (one file, nothing beside it). */
export type ColdStartForm = 'unbundled' | 'bundled'

/** Clients in the order of the report. */
export const coldStartClients: readonly ColdStartClient[] = ['stretch', 'es9', 'undici', 'undici-pool']

/** The medians of one client in one form. */
export interface ColdStartSummary {
  readonly client: ColdStartClient
  readonly form: ColdStartForm
  /** Bytes of the bundle (bundled form only). */
  readonly bundleBytes: number | undefined
  /** Medians over the samples. */
  readonly answeredMs: number
  readonly importMs: number
  readonly requestMs: number
  readonly cpuMs: number
  /** Every sample, in order. */
  readonly samples: readonly ColdStartSample[]
}

/** Options of {@link runColdStart}. */
export interface ColdStartOptions {
  /** The bench server's `http:` URL. */
  readonly url: string
  /** Samples per client and form. */
  readonly samples: number
  readonly log?: ((line: string) => void) | undefined
}

const childFile = (client: ColdStartClient): string =>
  fileURLToPath(new URL(`../dist/cold-start/${client}.js`, import.meta.url))

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

// A child that hangs fails the run: no cold start takes this long, even on a busy machine.
const kChildTimeout = 60_000

async function runChild(file: string, url: string, cwd: string): Promise<ColdStartSample> {
  // NODE_OPTIONS cleared: nothing of the parent (vitest's loaders, source conditions) leaks in.
  const { code, signal, stdout, stderr } = await runNode([file, url], {
    cwd,
    env: { ...process.env, NODE_OPTIONS: '' },
    killAfterMs: kChildTimeout,
  })
  if (code !== 0) throw new Error(`${file} exited (${signal ?? `code ${code}`}): ${stderr.trim() || stdout.trim()}`)
  try {
    return JSON.parse(stdout) as ColdStartSample
  } catch {
    throw new Error(`${file} printed no sample: ${stdout.trim()} ${stderr.trim()}`)
  }
}

/** Bundles each child with esbuild (`--bundle --platform=node --format=cjs`) into `dir`; returns the files. */
async function bundleChildren(dir: string): Promise<Map<ColdStartClient, { file: string; bytes: number }>> {
  const { build } = await import('esbuild')
  const out = new Map<ColdStartClient, { file: string; bytes: number }>()
  for (const client of coldStartClients) {
    const outfile = join(dir, `${client}.cjs`)
    const result = await build({
      entryPoints: [childFile(client)],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile,
      metafile: true,
      logLevel: 'silent',
    })
    const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0)
    out.set(client, { file: outfile, bytes })
  }
  return out
}

/** Runs the cold-start scenario: `samples` fresh processes per client and form, alternating. */
export async function runColdStart(options: ColdStartOptions): Promise<ColdStartSummary[]> {
  const log = options.log ?? (() => {})
  // Outside the repository: a bundle that still needed node_modules would fail here.
  const dir = mkdtempSync(join(tmpdir(), 'stretch-cold-start-'))
  try {
    const bundles = await bundleChildren(dir)
    const targets: Array<{ client: ColdStartClient; form: ColdStartForm; file: string; cwd: string }> = []
    for (const client of coldStartClients) {
      targets.push({ client, form: 'unbundled', file: childFile(client), cwd: process.cwd() })
      targets.push({ client, form: 'bundled', file: (bundles.get(client) as { file: string }).file, cwd: dir })
    }
    const samples = new Map<string, ColdStartSample[]>(targets.map((t) => [`${t.client} ${t.form}`, []]))
    for (let i = 1; i <= options.samples; i++) {
      for (const t of targets) {
        const sample = await runChild(t.file, options.url, t.cwd)
        samples.get(`${t.client} ${t.form}`)?.push(sample)
      }
      log(`cold start: sample ${i} of ${options.samples}`)
    }
    return targets.map((t) => {
      const list = samples.get(`${t.client} ${t.form}`) as ColdStartSample[]
      const of = (key: keyof ColdStartSample): number => median(list.map((s) => s[key]))
      return {
        client: t.client,
        form: t.form,
        bundleBytes: t.form === 'bundled' ? bundles.get(t.client)?.bytes : undefined,
        answeredMs: of('answeredMs'),
        importMs: of('importMs'),
        requestMs: of('requestMs'),
        cpuMs: of('cpuMs'),
        samples: list,
      }
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
