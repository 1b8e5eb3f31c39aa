// The two custom selectors of the README, tested through a real pool. Keep them in sync with README.md.

import { byId, counts, manualClock, routingPool as pool, route } from '@stretch/test-utils'
import type { NodeSelectorFunction, NodeSelectorObject, SelectContext } from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { roundRobinSelector } from '../src/index.js'

/** Prefers the living nodes of one zone (rotating among them); falls back to every living node. */
function zoneAwareSelector(zone: string): NodeSelectorObject {
  const local = roundRobinSelector()
  const anywhere = roundRobinSelector()
  return {
    select(nodes, context) {
      const inZone = nodes.filter((node) => node.attributes['zone'] === zone)
      if (inZone.length === 1) return inZone[0]!
      return inZone.length > 0 ? local(inZone, context) : anywhere(nodes, context)
    },
  }
}

const readEndpoints =
  /\/_(search|msearch|count|mget|field_caps|search_template|msearch_template|terms_enum|explain|validate)(\/|\?|$)/
const isRead = ({ method, path }: SelectContext): boolean =>
  method === 'GET' || method === 'HEAD' || readEndpoints.test(path)

/** Writes go to ingest nodes, reads to coordinating-only nodes (no roles); either falls back to any living node. */
function readWriteSelector(): NodeSelectorFunction {
  const readers = roundRobinSelector()
  const writers = roundRobinSelector()
  return (nodes, context) => {
    const read = isRead(context)
    const wanted = nodes.filter((node) => (read ? node.roles?.length === 0 : node.roles?.includes('ingest') === true))
    const pick = read ? readers : writers
    if (wanted.length === 1) return wanted[0]!
    return pick(wanted.length > 0 ? wanted : nodes, context)
  }
}

describe('a zone-aware selector', () => {
  const nodes = [
    { url: 'http://a1:9200', attributes: { zone: 'a' } },
    { url: 'http://b1:9200', attributes: { zone: 'b' } },
    { url: 'http://a2:9200', attributes: { zone: 'a' } },
    { url: 'http://b2:9200', attributes: { zone: 'b' } },
  ]

  it('sends every request to zone a while a node of zone a lives, rotating among them', () => {
    const p = pool(nodes, zoneAwareSelector('a'))
    expect(counts(route(p, 100))).toEqual({ 'http://a1:9200': 50, 'http://a2:9200': 50 })
  })

  it('keeps to the last living node of zone a, then falls back to zone b, and comes home when a recovers', () => {
    const clock = manualClock()
    const p = pool(nodes, zoneAwareSelector('a'), clock)
    p.markDead(byId(p, 'http://a1:9200'))
    expect(new Set(route(p, 10))).toEqual(new Set(['http://a2:9200']))
    p.markDead(byId(p, 'http://a2:9200'))
    expect(counts(route(p, 10))).toEqual({ 'http://b1:9200': 5, 'http://b2:9200': 5 })
    clock.advance(1000)
    expect(counts(route(p, 10))).toEqual({ 'http://a1:9200': 5, 'http://a2:9200': 5 })
  })
})

describe('a read/write selector', () => {
  const nodes = [
    { url: 'http://coord1:9200', roles: [] },
    { url: 'http://ingest1:9200', roles: ['ingest', 'data'] },
    { url: 'http://coord2:9200', roles: [] },
    { url: 'http://ingest2:9200', roles: ['ingest', 'data'] },
  ]

  it('sends searches (even POST ones) to coordinating nodes and writes to ingest nodes', () => {
    const p = pool(nodes, readWriteSelector())
    expect(counts([...route(p, 4, 'POST', '/logs/_search'), ...route(p, 4, 'GET', '/logs/_doc/1')])).toEqual({
      'http://coord1:9200': 4,
      'http://coord2:9200': 4,
    })
    expect(
      counts([
        ...route(p, 4, 'POST', '/_bulk'),
        ...route(p, 2, 'PUT', '/logs/_doc/1'),
        ...route(p, 2, 'DELETE', '/logs'),
      ]),
    ).toEqual({
      'http://ingest1:9200': 4,
      'http://ingest2:9200': 4,
    })
  })

  it('falls back to any living node when no node of the wanted kind lives', () => {
    const p = pool(nodes, readWriteSelector())
    p.markDead(byId(p, 'http://ingest1:9200'))
    p.markDead(byId(p, 'http://ingest2:9200'))
    expect(counts(route(p, 4, 'POST', '/_bulk'))).toEqual({ 'http://coord1:9200': 2, 'http://coord2:9200': 2 })
    expect(counts(route(p, 2, 'POST', '/_search'))).toEqual({ 'http://coord1:9200': 1, 'http://coord2:9200': 1 })
  })
})
