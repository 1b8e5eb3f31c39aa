import { byId, counts, manualClock, routingPool as pool, route } from '@stretch/test-utils'
import { describe, expect, it } from 'vitest'
import { roundRobinSelector } from '../src/index.js'

const four = ['http://a:9200', 'http://b:9200', 'http://c:9200', 'http://d:9200']
const id = (host: string): string => `http://${host}:9200`

function expectFair(ids: readonly string[], living: readonly string[]): void {
  const c = counts(ids)
  expect(Object.keys(c).sort()).toEqual(living.map(id).sort())
  const share = ids.length / living.length
  for (const host of living) {
    expect(c[id(host)]).toBeGreaterThanOrEqual(Math.floor(share) - 1)
    expect(c[id(host)]).toBeLessThanOrEqual(Math.ceil(share) + 1)
  }
}

function expectNoRepeat(ids: readonly string[]): void {
  for (let i = 1; i < ids.length; i++) expect(ids[i], `request ${i}`).not.toBe(ids[i - 1])
}

// Every window of k consecutive picks holds k different nodes: nobody is skipped, nobody gets a burst.
function expectStrictRotation(ids: readonly string[], k: number): void {
  for (let i = 0; i + k <= ids.length; i++) expect(new Set(ids.slice(i, i + k)).size, `window at ${i}`).toBe(k)
}

describe('roundRobinSelector', () => {
  it('rotates through the nodes in the pool order', () => {
    const p = pool(['http://a:9200', 'http://b:9200', 'http://c:9200'], roundRobinSelector())
    expect(route(p, 7)).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a'].map(id))
  })

  it('gives each of k living nodes N/k requests, plus or minus one', () => {
    for (const n of [1000, 1001, 1003]) {
      const p = pool(four, roundRobinSelector())
      expectFair(route(p, n), ['a', 'b', 'c', 'd'])
    }
  })

  it('stays fair and rotating when a node dies and when it comes back', () => {
    const clock = manualClock()
    const p = pool(four, roundRobinSelector(), clock)
    const before = route(p, 401)
    expectFair(before, ['a', 'b', 'c', 'd'])

    p.markDead(byId(p, id('c')))
    const during = route(p, 301)
    expectFair(during, ['a', 'b', 'd'])
    expectStrictRotation(during, 3)

    clock.advance(1000) // c's backoff is over: it is a candidate again
    const after = route(p, 400)
    expectFair(after, ['a', 'b', 'c', 'd'])
    expectStrictRotation(after, 4)

    const all = [...before, ...during, ...after]
    expectNoRepeat(all)
    // no burst onto c when it returns: it is chosen once per turn like the others
    expect(after.slice(0, 4).filter((x) => x === id('c'))).toHaveLength(1)
  })

  it('resumes after the dead node, and a returning node takes back its own place', () => {
    const clock = manualClock()
    const p = pool(four, roundRobinSelector(), clock)
    expect(route(p, 2)).toEqual([id('a'), id('b')])
    p.markDead(byId(p, id('c')))
    // rotating by place goes on with d, the node after c; a counter over the living list would have to guess
    expect(route(p, 3)).toEqual([id('d'), id('a'), id('b')])
    clock.advance(1000)
    expect(route(p, 5)).toEqual([id('c'), id('d'), id('a'), id('b'), id('c')])
  })

  it('never skips a node twice in a row while nodes die and return at random', () => {
    const clock = manualClock()
    const p = pool(four, roundRobinSelector(), clock)
    let seed = 7
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    let previous: string | undefined
    const sinceLast = new Map<string, number>()
    for (let i = 0; i < 5000; i++) {
      if (rand() < 0.02) {
        const victim = p.nodes[Math.floor(rand() * 4)]
        if (victim !== undefined && p.nodes.filter((n) => n.alive).length > 2) p.markDead(victim)
      }
      if (rand() < 0.05) clock.advance(600)
      const node = p.select({ method: 'GET', path: '/', attempt: 1 })
      p.markAlive(node) // the node answered (a resurrected one is alive again)
      expect(node.id).not.toBe(previous)
      previous = node.id
      // a living node waits at most one full turn (4 picks) between two of its picks
      for (const n of p.nodes) {
        if (n.id === node.id) sinceLast.set(n.id, 0)
        else if (n.alive) sinceLast.set(n.id, (sinceLast.get(n.id) ?? 0) + 1)
        else sinceLast.delete(n.id)
      }
      for (const [nodeId, waited] of sinceLast) expect(waited, `${nodeId} at ${i}`).toBeLessThanOrEqual(4)
    }
  })

  it('moves on to the next node on a retry (the pool leaves out the nodes already tried)', () => {
    const p = pool(['http://a:9200', 'http://b:9200', 'http://c:9200'], roundRobinSelector())
    const first = p.select({ method: 'GET', path: '/', attempt: 1 })
    expect(first.id).toBe(id('a'))
    expect(p.select({ method: 'GET', path: '/', attempt: 2 }, new Set([first])).id).toBe(id('b'))
    expect(route(p, 2)).toEqual([id('c'), id('a')])
  })

  it('takes nodes added by sniffing into the rotation at their place', () => {
    const p = pool(['http://a:9200', 'http://c:9200'], roundRobinSelector())
    expect(route(p, 1)).toEqual([id('a')])
    p.update([{ url: id('a') }, { url: id('b') }, { url: id('c') }])
    expect(route(p, 4)).toEqual([id('b'), id('c'), id('a'), id('b')])
    p.update([{ url: id('c') }, { url: id('d') }])
    expectStrictRotation(route(p, 20), 2)
  })

  it('keeps rotating strictly while sniffing replaces the node set again and again', () => {
    const p = pool(['http://seed:9200'], roundRobinSelector())
    for (let round = 0; round < 200; round++) {
      // two stable nodes and two that are new each round (nodes replaced by a rolling restart with new addresses)
      p.update([{ url: id('a') }, { url: `http://r${round}:9200` }, { url: id('b') }, { url: `http://s${round}:9200` }])
      expectStrictRotation(route(p, 8), 4)
    }
  })

  it('keeps one rotation per selector', () => {
    const p1 = pool(['http://a:9200', 'http://b:9200'], roundRobinSelector())
    const p2 = pool(['http://a:9200', 'http://b:9200'], roundRobinSelector())
    expect(route(p1, 1)).toEqual([id('a')])
    expect(route(p2, 1)).toEqual([id('a')])
    expect(route(p1, 1)).toEqual([id('b')])
  })
})
