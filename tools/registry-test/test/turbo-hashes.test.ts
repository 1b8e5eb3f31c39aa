// turbo's cache keys: editing transport's sources must invalidate the tests and typechecks of every package that
// depends on transport (and nothing else), and editing a root config must invalidate every task: builds and API
// reports too. Read from
// `turbo run --dry=json` in a copy of the repository before and after each edit.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commitAll, copyRepo, root, run } from '../src/repo.js'

const turbo = join(root, 'node_modules/.bin/turbo')
const work = mkdtempSync(join(tmpdir(), 'stretch-turbo-'))
const copy = join(work, 'repo')

interface Manifest {
  name: string
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}
const manifests: Manifest[] = ['packages', 'tools'].flatMap((group) =>
  readdirSync(join(root, group)).map((dir) => JSON.parse(readFileSync(join(root, group, dir, 'package.json'), 'utf8'))),
)

/** Every workspace package that depends on `name`, directly or through another workspace package. */
function dependentsOf(name: string): Set<string> {
  const found = new Set<string>()
  const queue = [name]
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const m of manifests) {
      const deps = { ...m.dependencies, ...m.devDependencies, ...m.peerDependencies }
      if (deps[next] !== undefined && !found.has(m.name)) {
        found.add(m.name)
        queue.push(m.name)
      }
    }
  }
  return found
}

const kChecks = ['test', 'typecheck'] as const
// What CI runs besides the checks: a root config must invalidate the builds (tsconfig.base.json changes the emitted
// declarations) and the API reports (api-extractor.base.json) as well.
const kEveryTask = ['build', 'test', 'typecheck', 'api:check'] as const

/** taskId -> hash of every task named in `tasks`. */
async function hashes(tasks: readonly string[] = kChecks): Promise<Map<string, string>> {
  const out = await run(turbo, ['run', ...tasks, '--dry=json'], { cwd: copy })
  const dry = JSON.parse(out) as { tasks: { taskId: string; task: string; hash: string }[] }
  return new Map(dry.tasks.filter((t) => tasks.includes(t.task)).map((t) => [t.taskId, t.hash]))
}

/** The tasks named in `tasks` whose hash changes when `edit` is applied (and committed) to the copy. */
async function changedBy(edit: () => void, tasks: readonly string[] = kChecks): Promise<string[]> {
  const before = await hashes(tasks)
  edit()
  await commitAll(copy, 'edit')
  const after = await hashes(tasks)
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort())
  return [...after].filter(([id, hash]) => before.get(id) !== hash).map(([id]) => id)
}

beforeAll(async () => {
  await copyRepo(copy)
})

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
})

describe('turbo task hashes', () => {
  it('an edit of packages/transport/src changes the test and typecheck hashes of transport and of its dependents only', async () => {
    const expected = new Set(['@stretch/transport', ...dependentsOf('@stretch/transport')])
    // the check means something only if some packages stay untouched and some dependents are several hops away
    expect(expected).toContain('@stretch/client')
    expect(manifests.filter((m) => !expected.has(m.name)).length).toBeGreaterThan(0)

    const changed = await changedBy(() => appendFileSync(join(copy, 'packages/transport/src/index.ts'), '\n// edit\n'))

    const all = await hashes()
    const want = [...all.keys()].filter((id) => expected.has(id.slice(0, id.lastIndexOf('#'))))
    // codegen's version drift test reads every package's src/*.ts (tools/codegen/turbo.json lists them as inputs)
    want.push('@stretch/codegen#test')
    expect(changed.sort()).toEqual(want.sort())
  })

  it('an edit of the build tool (tools/build) changes the build hash of every published package', async () => {
    const builds = async (): Promise<Map<string, string>> => {
      const out = await run(turbo, ['run', 'build', '--filter=./packages/*', '--dry=json'], { cwd: copy })
      const dry = JSON.parse(out) as { tasks: { taskId: string; hash: string }[] }
      return new Map(dry.tasks.map((t) => [t.taskId, t.hash]))
    }
    const before = await builds()
    appendFileSync(join(copy, 'tools/build/src/build.js'), '\n// edit\n')
    await commitAll(copy, 'edit the build tool')
    const after = await builds()
    const published = readdirSync(join(root, 'packages')).map(
      (dir) => (JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest).name,
    )
    const changed = [...after].filter(([id, hash]) => before.get(id) !== hash).map(([id]) => id)
    expect(changed).toEqual(expect.arrayContaining(published.map((name) => `${name}#build`)))
  })

  it.each(['tsconfig.base.json', 'biome.json', 'api-extractor.base.json', 'vitest.shared.ts'])(
    'an edit of %s changes every build, test, typecheck and api:check hash',
    async (file) => {
      const changed = await changedBy(() => appendFileSync(join(copy, file), '\n'), kEveryTask)
      const all = await hashes(kEveryTask)
      // every kind of task is there, those of the published packages among them
      for (const task of kEveryTask) expect(all.has(`@stretch/transport#${task}`), task).toBe(true)
      expect(all.has('@stretch/client#api:check')).toBe(true)
      expect(changed.sort()).toEqual([...all.keys()].sort())
    },
  )
})
