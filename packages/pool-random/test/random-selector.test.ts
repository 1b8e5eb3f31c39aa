import { byId, counts, routingPool as pool, route } from '@stretch/test-utils'
import { isConfigurationError } from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { randomSelector } from '../src/index.js'

/** mulberry32: a small seeded PRNG, so the statistics below are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Pearson's chi-squared statistic of observed counts against a uniform expectation. */
function chiSquared(observed: readonly number[], total: number): number {
  const expected = total / observed.length
  return observed.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0)
}

const five = ['http://a:9200', 'http://b:9200', 'http://c:9200', 'http://d:9200', 'http://e:9200']

describe('randomSelector', () => {
  it('picks uniformly among the living nodes (chi-squared, p = 0.001)', () => {
    const p = pool(five, randomSelector({ random: seeded(42) }))
    const n = 50_000
    const c = counts(route(p, n))
    expect(Object.keys(c)).toHaveLength(5)
    // critical value of chi-squared with 4 degrees of freedom at p = 0.001: 18.467
    expect(chiSquared(Object.values(c), n)).toBeLessThan(18.467)
  })

  it('stays uniform over the survivors when nodes die, and never picks a dead node', () => {
    const p = pool(five, randomSelector({ random: seeded(7) }))
    p.markDead(byId(p, 'http://b:9200'))
    p.markDead(byId(p, 'http://d:9200'))
    const n = 30_000
    const c = counts(route(p, n))
    expect(Object.keys(c).sort()).toEqual(['http://a:9200', 'http://c:9200', 'http://e:9200'])
    // 2 degrees of freedom at p = 0.001: 13.816
    expect(chiSquared(Object.values(c), n)).toBeLessThan(13.816)
  })

  it('is not a rotation: consecutive picks are independent', () => {
    const p = pool(['http://a:9200', 'http://b:9200'], randomSelector({ random: seeded(3) }))
    const ids = route(p, 20_000)
    let repeats = 0
    for (let i = 1; i < ids.length; i++) if (ids[i] === ids[i - 1]) repeats++
    // with two nodes, a repeat has probability 1/2: expect 10 000 +- a few standard deviations (sd ~ 71)
    expect(Math.abs(repeats - 10_000)).toBeLessThan(400)
  })

  it('maps the random source onto the candidates', () => {
    const values = [0, 0.34, 0.999, 0.5]
    const p = pool(
      ['http://a:9200', 'http://b:9200', 'http://c:9200'],
      randomSelector({ random: () => values.shift() ?? 0 }),
    )
    expect(route(p, 4)).toEqual(['http://a:9200', 'http://b:9200', 'http://c:9200', 'http://b:9200'])
  })

  it('still returns a node when the random source misbehaves', () => {
    for (const bad of [1, 7, -0.5, Number.NaN]) {
      const p = pool(['http://a:9200', 'http://b:9200'], randomSelector({ random: () => bad }))
      expect(['http://a:9200', 'http://b:9200']).toContain(route(p, 1)[0])
    }
  })

  it('uses Math.random by default', () => {
    const p = pool(five, randomSelector())
    expect(Object.keys(counts(route(p, 2000)))).toHaveLength(5)
  })

  it('rejects a random source that is not a function', () => {
    let error: unknown
    try {
      randomSelector({ random: 0.5 as never })
    } catch (e) {
      error = e
    }
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toMatch(/`random` must be a function/)
  })
})
