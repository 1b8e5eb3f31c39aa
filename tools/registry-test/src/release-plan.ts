// The 0.x rule changesets cannot express: a minor of @stretch/transport may break, and a package that depends on
// transport (not as a peer) and re-exports it, the client, must then take a minor too, or the break would reach
// its users as a patch (changesets gives a dependent only `updateInternalDependencies: "patch"`).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const order = ['none', 'patch', 'minor', 'major'] as const
type Bump = (typeof order)[number]

/** The largest bump of each package over the changesets in `dir`. @internal */
export function pendingBumps(dir: string): Map<string, Bump> {
  const bumps = new Map<string, Bump>()
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(join(dir, file), 'utf8'))?.[1] ?? ''
    for (const [, name, bump] of front.matchAll(/^\s*["']?([^"':\s]+)["']?\s*:\s*(patch|minor|major)\s*$/gm)) {
      const seen = bumps.get(name as string) ?? 'none'
      if (order.indexOf(bump as Bump) > order.indexOf(seen)) bumps.set(name as string, bump as Bump)
    }
  }
  return bumps
}

/**
 * What is wrong with the pending changesets in `changesetDir`, given the package manifests under `packagesDir`: one
 * message per package that depends on a 0.x package taking a breaking (minor or major) bump without taking a
 * minor or major itself. Empty when the plan is fine.
 * @internal
 */
export function releasePlanProblems(changesetDir: string, packagesDir: string): string[] {
  const bumps = pendingBumps(changesetDir)
  const manifests = readdirSync(packagesDir).map(
    (d) =>
      JSON.parse(readFileSync(join(packagesDir, d, 'package.json'), 'utf8')) as {
        name: string
        version: string
        dependencies?: Record<string, string>
      },
  )
  const problems: string[] = []
  for (const dep of manifests) {
    const bump = bumps.get(dep.name) ?? 'none'
    const breaking = dep.version.startsWith('0.') ? order.indexOf(bump) >= 2 : bump === 'major'
    if (!breaking) continue
    for (const m of manifests.filter((m) => m.dependencies?.[dep.name] !== undefined)) {
      const own = bumps.get(m.name) ?? 'none'
      if (order.indexOf(own) < order.indexOf(dep.version.startsWith('0.') ? 'minor' : 'major')) {
        problems.push(
          `${dep.name} takes a ${bump} (breaking) but ${m.name}, which depends on it, takes ${own}: ` +
            `add '${m.name}': ${dep.version.startsWith('0.') ? 'minor' : 'major'} to the changeset (CONTRIBUTING.md, "Versions")`,
        )
      }
    }
  }
  return problems
}
