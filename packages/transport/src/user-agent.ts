/**
 * A `user-agent` value: `<product>/<version> (<runtime> <version>; <platform>-<arch>)`, such as
 * `stretch/0.1.0 (Node.js v22.12.0; linux-x64)`. Deno and Bun name themselves; a runtime that tells nothing about
 * itself (a browser, workerd) gives `(<navigator.userAgent>)` or `(unknown runtime)`.
 * @param product - the product name, such as `stretch`.
 * @param version - the product's version.
 * @public
 */
export function buildUserAgent(product: string, version: string): string {
  return `${product}/${version} (${describeRuntime()})`
}

interface RuntimeGlobals {
  readonly process?: {
    readonly version?: string
    readonly platform?: string
    readonly arch?: string
    readonly versions?: { readonly bun?: string; readonly deno?: string }
  }
  readonly Deno?: {
    readonly version?: { readonly deno?: string }
    readonly build?: { readonly os?: string; readonly arch?: string }
  }
  readonly navigator?: { readonly userAgent?: string }
}

function describeRuntime(): string {
  const g = globalThis as RuntimeGlobals
  const deno = g.Deno
  if (deno?.version?.deno !== undefined) return `Deno ${deno.version.deno}; ${deno.build?.os}-${deno.build?.arch}`
  const proc = g.process
  if (proc?.versions?.bun !== undefined) return `Bun ${proc.versions.bun}; ${proc.platform}-${proc.arch}`
  if (typeof proc?.version === 'string' && proc.version !== '' && proc.platform !== undefined) {
    return `Node.js ${proc.version}; ${proc.platform}-${proc.arch}`
  }
  const agent = g.navigator?.userAgent
  return typeof agent === 'string' && agent !== '' ? agent : 'unknown runtime'
}
