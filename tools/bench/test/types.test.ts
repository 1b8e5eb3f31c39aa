import { describe, expect, it } from 'vitest'
import { renderTypes, runTypesScenario } from '../src/types-scenario.js'

describe('the types scenario, one round', () => {
  it("type-checks both clients' programs, Stretch with no error, and reports what each cost", () => {
    const rows = runTypesScenario({ rounds: 1 })
    expect(rows.map((r) => r.client)).toEqual(['stretch', 'es9'])
    const stretch = rows.find((r) => r.client === 'stretch')
    const es9 = rows.find((r) => r.client === 'es9')
    if (stretch === undefined || es9 === undefined) throw new Error('a client is missing')
    // Every program is correct: Stretch's compile clean, with skipLibCheck false too.
    expect(stretch.errors).toEqual([])
    expect(stretch.strictErrors).toEqual([])
    expect(es9.errors).toEqual([])
    for (const r of rows) {
      expect(r.programs).toBe(15)
      expect(r.checkMs).toBeGreaterThan(0)
      expect(r.types).toBeGreaterThan(0)
      expect(r.instantiations).toBeGreaterThan(0)
      expect(r.declarationBytes).toBeGreaterThan(1_000_000)
    }
    // Issue 13's targets, in counts (deterministic for a given TypeScript and declarations, unlike check time):
    // no more types or instantiations than the official client, and declarations no larger.
    expect(stretch.types).toBeLessThanOrEqual(es9.types)
    expect(stretch.instantiations).toBeLessThanOrEqual(es9.instantiations)
    expect(stretch.declarationBytes).toBeLessThanOrEqual(es9.declarationBytes)

    const report = renderTypes(rows)
    expect(report).toContain('## types (15 user programs')
    expect(report).toContain(`| Stretch | `)
    expect(report).toContain(
      `| ${stretch.types.toLocaleString('en')} | ${stretch.instantiations.toLocaleString('en')} |`,
    )
    expect(report).toContain('| @elastic/elasticsearch 9 | ')
  }, 300_000)
})
