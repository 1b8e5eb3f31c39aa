// A small ES|QL: `FROM <indices> [| WHERE <field> == <literal> [AND ...]] [| KEEP <fields>] [| SORT <field> [ASC|DESC]]
// [| LIMIT <n>]`, over the shared documents, answering in Elasticsearch's JSON form (`columns` + `values`).
// Enough for clients' ES|QL helpers; anything else is Elasticsearch's 400 `parsing_exception`.
import { esError, type Reply } from './es-errors.js'

type Json = Record<string, unknown>

/** Reads documents for `FROM`: the sources of every document of the indices (an Elasticsearch error reply otherwise). */
export type EsqlSource = (indices: string) => Json[] | Reply

interface Column {
  readonly name: string
  readonly type: string
}

function parseError(position: number, message: string): Reply {
  return esError(400, 'parsing_exception', `line 1:${position + 1}: ${message}`)
}

function flatten(source: Json, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    const name = prefix === '' ? key : `${prefix}.${key}`
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) flatten(value as Json, name, out)
    else out[name] = value
  }
  return out
}

function typeOf(value: unknown): string {
  if (typeof value === 'boolean') return 'boolean'
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double'
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}T/.test(value) ? 'date' : 'keyword'
  return 'keyword'
}

function literal(text: string): { ok: true; value: unknown } | { ok: false } {
  const t = text.trim()
  if (/^"(?:[^"\\]|\\.)*"$/.test(t)) return { ok: true, value: JSON.parse(t) }
  if (/^-?\d+(\.\d+)?$/.test(t)) return { ok: true, value: Number(t) }
  if (t === 'true' || t === 'false') return { ok: true, value: t === 'true' }
  if (t === 'null') return { ok: true, value: null }
  return { ok: false }
}

/** Runs `query`; `read` resolves the `FROM` indices to their sources. */
export function runEsql(query: unknown, read: EsqlSource): Reply {
  if (typeof query !== 'string' || query.trim() === '') {
    return esError(400, 'action_request_validation_exception', 'Validation Failed: 1: [query] is required;')
  }
  const commands = query.split('|')
  const from = /^\s*FROM\s+([^\s|]+(?:\s*,\s*[^\s|]+)*)\s*$/i.exec(commands[0] as string)
  if (from === null) return parseError(0, `mismatched input; expected FROM <indices> in [${query}]`)
  const read_ = read((from[1] as string).replace(/\s+/g, ''))
  if (!Array.isArray(read_)) return read_
  let rows = read_.map((s) => flatten(s))
  let keep: string[] | undefined
  let limit: number | undefined
  let offset = (commands[0] as string).length + 1
  for (const command of commands.slice(1)) {
    const text = command.trim()
    const [word = '', ...restWords] = text.split(/\s+/)
    const rest = restWords.join(' ')
    switch (word.toUpperCase()) {
      case 'LIMIT': {
        if (!/^\d+$/.test(rest)) return parseError(offset, `LIMIT takes a non-negative integer, got [${rest}]`)
        limit = Math.min(limit ?? Number(rest), Number(rest))
        break
      }
      case 'KEEP':
        keep = rest.split(',').map((f) => f.trim())
        break
      case 'SORT': {
        const m = /^([\w.]+)(?:\s+(ASC|DESC))?$/i.exec(rest)
        if (m === null) return parseError(offset, `SORT takes <field> [ASC|DESC], got [${rest}]`)
        const field = m[1] as string
        const sign = (m[2] ?? 'ASC').toUpperCase() === 'DESC' ? -1 : 1
        rows = [...rows].sort((a, b) => {
          const x = a[field]
          const y = b[field]
          if (x === y) return 0
          if (x === undefined || x === null) return 1 // nulls last
          if (y === undefined || y === null) return -1
          return (x < y ? -1 : 1) * sign
        })
        break
      }
      case 'WHERE': {
        const conditions = rest.split(/\s+AND\s+/i)
        const tests: Array<[string, unknown]> = []
        for (const condition of conditions) {
          const m = /^([\w.]+)\s*==\s*(.+)$/.exec(condition.trim())
          const value = m === null ? { ok: false as const } : literal(m[2] as string)
          if (m === null || !value.ok) return parseError(offset, `WHERE takes <field> == <literal>, got [${condition}]`)
          tests.push([m[1] as string, value.value])
        }
        rows = rows.filter((row) => tests.every(([field, value]) => row[field] === value))
        break
      }
      default:
        return parseError(offset, `unknown command [${word}]`)
    }
    offset += command.length + 1
  }
  rows = rows.slice(0, limit ?? 1000) // 1000: Elasticsearch's default when a query has no LIMIT
  const types = new Map<string, string>()
  for (const row of read_.map((s) => flatten(s))) {
    for (const [name, value] of Object.entries(row)) {
      if (!types.has(name) && value !== null && value !== undefined) types.set(name, typeOf(value))
    }
  }
  const names = keep ?? [...types.keys()].sort()
  for (const name of names) {
    if (!types.has(name))
      return esError(400, 'verification_exception', `Found 1 problem\nline 1:1: Unknown column [${name}]`)
  }
  const columns: Column[] = names.map((name) => ({ name, type: types.get(name) as string }))
  const values = rows.map((row) => names.map((name) => row[name] ?? null))
  return { status: 200, body: { took: 1, is_partial: false, columns, values } }
}
