// The pending changesets keep the 0.x rule: when transport takes a breaking minor, its dependents (the client)
// take a minor too, never a patch.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { releasePlanProblems } from '../src/release-plan.js'
import { root } from '../src/repo.js'

const packagesDir = join(root, 'packages')
const dirs: string[] = []
function changesets(...files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'stretch-changesets-'))
  dirs.push(dir)
  for (const [i, text] of files.entries()) writeFileSync(join(dir, `c${i}.md`), text)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('release plan', () => {
  it("the repository's pending changesets keep the rule", () => {
    expect(releasePlanProblems(join(root, '.changeset'), packagesDir)).toEqual([])
  })

  it('refuses a transport minor that leaves the client at a patch', () => {
    const dir = changesets(
      "---\n'@stretch/transport': minor\n---\n\nBreaks.\n",
      "---\n'@stretch/client': patch\n---\n\nx\n",
    )
    expect(releasePlanProblems(dir, packagesDir)).toEqual([
      '@stretch/transport takes a minor (breaking) but @stretch/client, which depends on it, takes patch: add \'@stretch/client\': minor to the changeset (CONTRIBUTING.md, "Versions")',
    ])
  })

  it('accepts a transport minor with a client minor in another changeset, and asks nothing of the peer plugins', () => {
    const dir = changesets(
      '---\n"@stretch/transport": minor\n---\n\nBreaks.\n',
      '---\n"@stretch/client": minor\n---\n\nx\n',
    )
    expect(releasePlanProblems(dir, packagesDir)).toEqual([])
  })

  it('asks nothing for a transport patch', () => {
    expect(releasePlanProblems(changesets("---\n'@stretch/transport': patch\n---\n\nFix.\n"), packagesDir)).toEqual([])
  })
})
