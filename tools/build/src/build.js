// The build of a published package (`stretch-build`, run in the package's directory by its `build` script):
//
// 1. `dist/` is emptied: a file of an older build (say a per-module `.js` from before bundling) must not ship.
// 2. `tsc -p tsconfig.build.json` emits the declarations (`emitDeclarationOnly`), one `.d.ts` and `.d.ts.map` per
//    source file: api-extractor and the `types` conditions read them, and go to definition lands in the shipped `src`.
// 3. esbuild bundles each JavaScript entry point of the package.json `exports` map into one ES module with a source
//    map. Loading one file instead of a graph of modules is most of a cold start (resolving and compiling each
//    module). The package's dependencies and peer dependencies stay imports (`@stretch/*` packages and undici load
//    once, from node_modules, so a user keeps one copy of transport), and so do Node's built-in modules.
//
// Entry points come from the exports map, never from a fixed `dist/index.js`: every string target under `./dist/`
// ending in `.js`, in any condition and at any depth (a `node` condition beside a neutral `default`, subpaths). Its
// source is the file the `@stretch/source` condition of the same conditions object names when that object leads to
// that one JavaScript target only, otherwise the same path under `src/` (`./dist/a/b.js` -> `./src/a/b.ts`). When
// one entry's source imports another entry's source, the bundle imports the other entry's file instead of copying
// it, so one module (one class, one `instanceof`) is never in two files.
//
// Each entry is bundled with the conditions that lead to it in the exports map (`node` for `node > default`), so a
// package.json `imports` entry with conditions (`"#platform": { "node": ..., "default": ... }`) resolves per entry:
// one source, one bundled file per condition, the other branch not in it. Lazily imported chunks (below) are shared
// by every entry and bundled without conditions: they must not import a conditional `#` specifier.
//
// A subpath that the package.json marks `"stretchBuild": { "inline": ["./checks"] }` is a module that may be copied:
// functions and constants only, no class and no state, one source file importing only dependencies. The package's
// other entries bundle a copy instead of importing its file, and a package that depends on this one bundles a copy
// of its built file instead of importing it at run time (the client and the auth packages' option checks: one
// source, no extra module to load at the client's import).
//
// A dynamic `import()` of one of the package's own modules becomes a file of its own, `dist/chunks/<name>.js`, which
// Node loads when the `import()` runs (the client's endpoint table of each API namespace, loaded on the namespace's
// first call, so a cold start does not read or compile the others). A chunk is bundled on its own, so it must not
// bundle a module its importer bundles too (the build fails if it does: that module would exist twice). esbuild's
// `splitting` is not used: it puts its helpers (`__name`) in a shared chunk that every entry would then load at
// import, one module more for every cold start.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { build } from 'esbuild'

const kSourceCondition = '@stretch/source'
const kSourceExtensions = ['.ts', '.mts', '.tsx']
// conditions esbuild sets by itself (or that name no runtime): never passed on as custom ones
const kImplicitConditions = new Set(['default', 'import', 'require', 'types', kSourceCondition])

/**
 * An entry point: the file the exports map names, the source it is built from, and the conditions that lead to it.
 * @typedef {{ out: string, source: string, conditions: readonly string[] }} Entry
 */

/**
 * Every JavaScript entry point of a package.json `exports` map (and of `publishConfig.exports`), deduplicated by
 * output file. Paths are relative to the package directory, with `./`.
 * @param {Record<string, unknown>} manifest the parsed package.json
 * @param {(path: string) => boolean} exists whether a path relative to the package directory exists
 * @returns {Entry[]}
 */
export function entriesOf(manifest, exists) {
  /** @type {Map<string, Entry>} */
  const entries = new Map()
  const publishConfig = /** @type {Record<string, unknown> | undefined} */ (manifest['publishConfig'])
  // the published map names the same files without the source condition: it adds only files the exports map lacks
  for (const map of [manifest['exports'], publishConfig?.['exports']]) {
    /** @type {Target[]} */
    const targets = []
    walk(map, [], undefined, targets)
    const known = new Set(entries.keys())
    for (const { out, conditions, source } of targets) {
      if (known.has(out)) continue
      const resolved = source ?? samePathUnderSrc(out, exists)
      const seen = entries.get(out)
      if (seen !== undefined && seen.source !== resolved) {
        throw new Error(`exports: ${out} is built from both ${seen.source} and ${resolved}; give it one source`)
      }
      if (seen === undefined) entries.set(out, { out, source: resolved, conditions })
    }
  }
  return [...entries.values()]
}

/**
 * A JavaScript target of the exports map, with the `@stretch/source` that names its source if one does.
 * @typedef {{ out: string, conditions: readonly string[], source: string | undefined }} Target
 */

/**
 * @param {unknown} node
 * @param {readonly string[]} conditions
 * @param {string | undefined} inheritedSource the `@stretch/source` of an enclosing conditions object that leads to
 *   one JavaScript target only
 * @param {Target[]} targets
 */
function walk(node, conditions, inheritedSource, targets) {
  if (typeof node === 'string') {
    if (isDistJs(node)) targets.push({ out: node, conditions, source: inheritedSource })
    return
  }
  if (Array.isArray(node)) {
    for (const item of node) walk(item, conditions, inheritedSource, targets)
    return
  }
  if (node === null || typeof node !== 'object') return
  const object = /** @type {Record<string, unknown>} */ (node)
  const own = object[kSourceCondition]
  let source = inheritedSource
  if (typeof own === 'string') {
    // a `@stretch/source` beside several JavaScript targets (`node` and `default`) cannot say which it builds
    source = new Set(distJsTargets(object)).size === 1 ? own : undefined
  }
  for (const [key, value] of Object.entries(object)) {
    if (key === kSourceCondition || key === 'types') continue
    walk(value, key.startsWith('.') ? [] : [...conditions, key], key.startsWith('.') ? undefined : source, targets)
  }
}

/** @param {unknown} node @returns {string[]} */
function distJsTargets(node) {
  if (typeof node === 'string') return isDistJs(node) ? [node] : []
  if (node === null || typeof node !== 'object') return []
  return Object.entries(node).flatMap(([key, value]) => (key === kSourceCondition ? [] : distJsTargets(value)))
}

/** @param {string} target */
function isDistJs(target) {
  return target.startsWith('./dist/') && target.endsWith('.js') && !target.includes('*')
}

/** @param {string} target @param {(path: string) => boolean} exists */
function samePathUnderSrc(target, exists) {
  const stem = `./src/${target.slice('./dist/'.length, -'.js'.length)}`
  const found = kSourceExtensions.map((ext) => stem + ext).find(exists)
  if (found === undefined) {
    throw new Error(
      `exports: no source for ${target}: add a ${kSourceCondition} condition beside it, or a ${stem}.ts (tried ${kSourceExtensions.join(', ')})`,
    )
  }
  return found
}

/**
 * The import specifiers a bundle leaves to the runtime: Node's built-in modules and the package's dependencies,
 * peer dependencies and optional dependencies, with their subpaths.
 * @param {Record<string, unknown>} manifest
 * @returns {string[]}
 */
export function externalsOf(manifest) {
  const names = new Set()
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const name of Object.keys(/** @type {Record<string, string>} */ (manifest[field] ?? {}))) names.add(name)
  }
  return [
    'node:*',
    ...builtinModules.flatMap((name) => [name, `${name}/*`]),
    ...[...names].flatMap((name) => [name, `${name}/*`]),
  ]
}

/**
 * The subpaths of the exports map that the package lets a bundle copy (`stretchBuild.inline`), each checked.
 * @param {Record<string, unknown>} manifest
 * @returns {string[]}
 */
export function inlineSubpathsOf(manifest) {
  const config = /** @type {{ inline?: unknown } | undefined} */ (manifest['stretchBuild'])
  const inline = config?.inline ?? []
  if (!Array.isArray(inline) || inline.some((sub) => typeof sub !== 'string')) {
    throw new Error(`${manifest['name']}: stretchBuild.inline must be a list of exports subpaths, such as ["./checks"]`)
  }
  const exports = /** @type {Record<string, unknown>} */ (manifest['exports'] ?? {})
  for (const sub of inline) {
    if (sub === '.' || !Object.hasOwn(exports, sub)) {
      throw new Error(
        `${manifest['name']}: stretchBuild.inline names ${sub}, which is not a subpath of its exports map`,
      )
    }
  }
  return /** @type {string[]} */ (inline)
}

/**
 * The modules of dependencies to copy into the bundles: every `stretchBuild.inline` subpath of a dependency, peer
 * dependency or optional dependency, as `specifier -> the file Node would load`.
 * @param {string} packageDir
 * @param {Record<string, unknown>} manifest
 * @returns {Map<string, string>}
 */
export function inlinedDependenciesOf(packageDir, manifest) {
  const require = createRequire(join(packageDir, 'package.json'))
  /** @type {Map<string, string>} */
  const inlined = new Map()
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const name of Object.keys(/** @type {Record<string, string>} */ (manifest[field] ?? {}))) {
      let depManifestPath
      try {
        depManifestPath = require.resolve(`${name}/package.json`)
      } catch {
        continue // not installed (an optional dependency), or a package.json it does not export: nothing marked
      }
      const depManifest = JSON.parse(readFileSync(depManifestPath, 'utf8'))
      for (const sub of inlineSubpathsOf(depManifest)) {
        const specifier = `${name}/${sub.slice('./'.length)}`
        // its source when the dependency names one (a workspace package: compiled once, with this bundle's
        // settings), else the built file Node would load
        const target = /** @type {Record<string, unknown>} */ (depManifest['exports'])[sub]
        const source =
          target !== null && typeof target === 'object'
            ? /** @type {Record<string, unknown>} */ (target)[kSourceCondition]
            : undefined
        const file = typeof source === 'string' ? join(dirname(depManifestPath), source) : undefined
        inlined.set(specifier, file !== undefined && existsSync(file) ? file : require.resolve(specifier))
      }
    }
  }
  return inlined
}

/**
 * An esbuild plugin: the dependencies' inline modules are bundled (from their built files), not left as imports.
 * @param {Map<string, string>} inlined specifier -> file
 * @returns {import('esbuild').Plugin}
 */
function inlineDependencies(inlined) {
  return {
    name: 'inline-dependencies',
    setup(pluginBuild) {
      if (inlined.size === 0) return
      const names = [...inlined.keys()].map((specifier) => specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
      pluginBuild.onResolve({ filter: new RegExp(`^(?:${names.join('|')})$`) }, (args) => ({
        path: /** @type {string} */ (inlined.get(args.path)),
      }))
    },
  }
}

/**
 * An esbuild plugin: an import of another entry's source becomes an import of that entry's built file.
 * @param {string} packageDir
 * @param {Entry} self
 * @param {readonly Entry[]} entries
 * @param {ReadonlySet<string>} inlineOuts the files of the entries a bundle may copy (`stretchBuild.inline`)
 * @returns {import('esbuild').Plugin}
 */
function otherEntriesExternal(packageDir, self, entries, inlineOuts) {
  /** @type {Map<string, Entry[]>} */
  const bySource = new Map()
  for (const entry of entries) {
    const source = resolve(packageDir, entry.source)
    bySource.set(source, [...(bySource.get(source) ?? []), entry])
  }
  const outDir = dirname(resolve(packageDir, self.out))
  return {
    name: 'other-entries-external',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^\./ }, (args) => {
        if (args.kind === 'entry-point') return undefined
        const base = resolve(args.resolveDir, args.path)
        const candidates = [base, ...kSourceExtensions.map((ext) => base.replace(/\.js$/, ext))]
        const built = candidates.map((candidate) => bySource.get(candidate)).find((list) => list !== undefined)
        if (built === undefined || built.includes(self)) return undefined
        if (built.every((entry) => inlineOuts.has(entry.out))) return undefined // copied: see stretchBuild.inline
        if (built.length > 1) {
          // one source bundled per condition (`#platform`): which of its files this entry should load is not known
          throw new Error(
            `${self.out} imports ${relative(packageDir, base)}, which is built into ${built.map((e) => e.out).join(' and ')} (one per condition): import a module they share instead`,
          )
        }
        const other = /** @type {Entry} */ (built[0])
        let path = relative(outDir, resolve(packageDir, other.out)).split(sep).join('/')
        if (!path.startsWith('.')) path = `./${path}`
        return { path, external: true }
      })
    },
  }
}

/**
 * An esbuild plugin: a dynamic `import()` of one of the package's own modules becomes an import of
 * `dist/chunks/<name>.js`, which the build then bundles on its own (`chunks` collects them: source -> output).
 * @param {string} packageDir
 * @param {string} outFile the file being built, relative to the package directory
 * @param {Map<string, string>} chunks absolute source -> output file relative to the package directory
 * @returns {import('esbuild').Plugin}
 */
function lazyChunks(packageDir, outFile, chunks) {
  const outDir = dirname(resolve(packageDir, outFile))
  return {
    name: 'lazy-chunks',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^\./ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined
        const base = resolve(args.resolveDir, args.path)
        const source = [base, ...kSourceExtensions.map((ext) => base.replace(/\.js$/, ext))].find(
          (candidate) => candidate !== base.replace(/\.js$/, '') && existsSync(candidate),
        )
        if (source === undefined) return undefined
        const name = basename(source).replace(/\.[^.]+$/, '')
        const out = `./dist/chunks/${name}.js`
        for (const [other, otherOut] of chunks) {
          if (otherOut === out && other !== source) {
            throw new Error(`two lazily imported modules would both be ${out}: ${other} and ${source}; rename one`)
          }
        }
        chunks.set(source, out)
        let path = relative(outDir, resolve(packageDir, out)).split(sep).join('/')
        if (!path.startsWith('.')) path = `./${path}`
        return { path, external: true }
      })
    },
  }
}

/**
 * Builds the package in `packageDir` (see the top of this file).
 * @param {string} packageDir
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {Promise<Entry[]>} the entries built
 */
export async function buildPackage(packageDir, options = {}) {
  const log = options.log ?? (() => {})
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
  const entries = entriesOf(manifest, (path) => existsSync(join(packageDir, path)))
  if (entries.length === 0) throw new Error(`${manifest.name}: the exports map names no ./dist/*.js entry point`)

  rmSync(join(packageDir, 'dist'), { recursive: true, force: true })

  const started = performance.now()
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  const declarations = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: packageDir,
    stdio: 'inherit',
  })
  if (declarations.status !== 0) throw new Error(`${manifest.name}: tsc failed (exit ${declarations.status})`)
  // JavaScript from tsc would ship beside the bundles, and `tsc -b` of a tool that references this package would
  // write it over them: the declarations are all tsc may emit
  const emitted = readdirSync(join(packageDir, 'dist'), { recursive: true, encoding: 'utf8' }).filter((file) =>
    /\.[cm]?js$/.test(file),
  )
  if (emitted.length > 0) {
    throw new Error(
      `${manifest.name}: tsc emitted JavaScript (${emitted[0]}): set "emitDeclarationOnly": true in tsconfig.build.json`,
    )
  }
  const declared = performance.now()

  const external = externalsOf(manifest)
  const inlineOuts = new Set(
    inlineSubpathsOf(manifest).flatMap((sub) => [
      ...distJsTargets(/** @type {Record<string, unknown>} */ (manifest['exports'])[sub]),
      ...distJsTargets(
        /** @type {Record<string, unknown> | undefined} */ (
          /** @type {Record<string, unknown> | undefined} */ (manifest['publishConfig'])?.['exports']
        )?.[sub],
      ),
    ]),
  )
  const inlined = inlinedDependenciesOf(packageDir, manifest)
  /** @type {Map<string, string>} lazily imported source -> its chunk */
  const chunks = new Map()
  /** @type {Map<string, Set<string>>} output -> the modules its bundle holds (absolute paths) */
  const bundledBy = new Map()
  /**
   * @param {string} source @param {string} out @param {import('esbuild').Plugin[]} plugins
   * @param {readonly string[]} conditions
   */
  const bundle = (source, out, plugins, conditions) =>
    build({
      absWorkingDir: packageDir,
      entryPoints: [source],
      outfile: out,
      bundle: true,
      format: 'esm',
      // every import that is not the package's own is external, so nothing platform-specific is resolved:
      // `neutral` keeps a non-Node entry (a `default` beside a `node` condition) free of Node's defaults
      platform: 'neutral',
      target: 'es2022',
      external,
      plugins,
      // the entry's own conditions, for the package's `imports` map; esbuild adds `import` and `default` itself
      conditions: conditions.filter((condition) => !kImplicitConditions.has(condition)),
      // the sources ship in `src/`: the map points at them (`../src/...`) instead of copying them
      sourcemap: 'linked',
      sourcesContent: false,
      // classes and functions keep their names when two modules use the same one (`Foo` would become `Foo2`)
      keepNames: true,
      legalComments: 'none',
      logLevel: 'warning',
      metafile: true,
    })
  /** @param {string} out @param {import('esbuild').Metafile} metafile */
  const record = (out, metafile) => {
    const inputs = new Set(Object.keys(metafile.inputs).map((input) => resolve(packageDir, input)))
    bundledBy.set(out, inputs)
    return inputs.size
  }
  for (const entry of entries) {
    const plugins = [
      inlineDependencies(inlined),
      otherEntriesExternal(packageDir, entry, entries, inlineOuts),
      lazyChunks(packageDir, entry.out, chunks),
    ]
    const result = await bundle(entry.source, entry.out, plugins, entry.conditions)
    const inputs = record(entry.out, result.metafile)
    if (inlined.size > 0) keepMapInside(packageDir, entry.out)
    if (inlineOuts.has(entry.out) && inputs !== 1) {
      throw new Error(
        `${manifest.name}: ${entry.out} is marked stretchBuild.inline but bundles ${inputs} modules: an inline module is one source file that imports only dependencies`,
      )
    }
    log(`${manifest.name}: ${entry.source} -> ${entry.out} (${inputs} modules${conditionsNote(entry)})`)
  }
  // chunks, and the chunks their chunks import
  const built = new Set()
  for (let pending = [...chunks]; pending.length > 0; pending = [...chunks].filter(([source]) => !built.has(source))) {
    for (const [source, out] of pending) {
      built.add(source)
      const result = await bundle(source, out, [inlineDependencies(inlined), lazyChunks(packageDir, out, chunks)], [])
      record(out, result.metafile)
      if (inlined.size > 0) keepMapInside(packageDir, out)
    }
  }
  for (const [source, out] of chunks) {
    const own = /** @type {Set<string>} */ (bundledBy.get(out))
    for (const [other, inputs] of bundledBy) {
      if (other === out) continue
      const twice = [...own].find((input) => input !== source && inputs.has(input))
      if (twice !== undefined) {
        throw new Error(
          `${manifest.name}: ${relative(packageDir, twice)} is bundled into both ${out} (imported lazily) and ${other}: ` +
            'a lazily imported module may bundle only what nothing else bundles (import the rest from a dependency)',
        )
      }
    }
  }
  if (chunks.size > 0) log(`${manifest.name}: ${chunks.size} lazily imported chunks in ./dist/chunks/`)
  const bundled = performance.now()

  for (const target of allDistTargets(manifest)) {
    if (!existsSync(join(packageDir, target))) {
      throw new Error(`${manifest.name}: the exports map names ${target}, which the build did not write`)
    }
  }
  log(
    `${manifest.name}: declarations ${Math.round(declared - started)} ms, bundles ${Math.round(bundled - declared)} ms`,
  )
  return entries
}

/**
 * Makes the source map of `out` name only files inside the package: a module copied from a dependency (its
 * `stretchBuild.inline` subpath) is copied to `dist/inlined/<dependency>/<path>`, which ships with the bundle,
 * and the map points there.
 * @param {string} packageDir
 * @param {string} out the bundle, relative to the package directory
 */
function keepMapInside(packageDir, out) {
  const mapFile = resolve(packageDir, `${out}.map`)
  if (!existsSync(mapFile)) return
  const map = JSON.parse(readFileSync(mapFile, 'utf8'))
  let changed = false
  map.sources = map.sources.map((/** @type {string} */ source) => {
    const file = resolve(dirname(mapFile), source)
    const inside = relative(packageDir, file)
    // a file of the package's own (a dependency's is outside it, or under its node_modules): shipped as it is
    if (!inside.startsWith('..') && !inside.split(sep).includes('node_modules')) return source
    let dir = dirname(file)
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
    const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name ?? basename(dir)
    const copy = join(packageDir, 'dist', 'inlined', name, relative(dir, file))
    mkdirSync(dirname(copy), { recursive: true })
    copyFileSync(file, copy)
    changed = true
    return relative(dirname(mapFile), copy).split(sep).join('/')
  })
  if (changed) writeFileSync(mapFile, JSON.stringify(map))
}

/** @param {Entry} entry */
function conditionsNote(entry) {
  return entry.conditions.length === 0 ? '' : `; ${entry.conditions.join(' > ')}`
}

/** @param {Record<string, unknown>} manifest @returns {Set<string>} */
function allDistTargets(manifest) {
  const targets = new Set()
  /** @param {unknown} node */
  const visit = (node) => {
    if (typeof node === 'string') {
      if (node.startsWith('./dist/') && !node.includes('*')) targets.add(node)
    } else if (node !== null && typeof node === 'object') {
      for (const value of Object.values(node)) visit(value)
    }
  }
  const publishConfig = /** @type {Record<string, unknown> | undefined} */ (manifest['publishConfig'])
  visit(manifest['exports'])
  visit(publishConfig?.['exports'])
  for (const field of ['types', 'main', 'module']) visit(manifest[field])
  return targets
}
