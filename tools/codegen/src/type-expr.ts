/**
 * Translates the specification's type expressions (`Indices`, `ExpandWildcard | ExpandWildcard[]`,
 * `Dictionary<string, UserDefinedValue>`) into TypeScript types of the client, through `aliases.json`. What the data
 * does not resolve (body types such as `QueryContainer`) becomes `JsonInput`.
 */

import type { SpecTypes } from './types/spec-types.js'

/** An entry of aliases.json. */
export interface AliasEntry {
  readonly kind: string
  readonly definition: string
  readonly resolved: string
  readonly resolvedIsPrimitive?: boolean
}

/** The name of the catch-all input type of the client. */
export const kJsonInput = 'JsonInput'

const primitives: ReadonlySet<string> = new Set(['string', 'boolean', 'number', 'null', 'true', 'false'])

type Node =
  | { readonly kind: 'union'; readonly members: readonly Node[] }
  | { readonly kind: 'array'; readonly item: Node }
  | { readonly kind: 'name'; readonly name: string; readonly args: readonly Node[] }
  | { readonly kind: 'literal'; readonly text: string }

function tokenize(text: string): string[] {
  const tokens: string[] = []
  const re = /\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|[A-Za-z_$][\w$.]*|\[\]|[|<>(),])/y
  let index = 0
  const source = text.trim()
  while (index < source.length) {
    re.lastIndex = index
    const match = re.exec(source)
    if (match === null) throw new Error(`cannot parse type expression ${JSON.stringify(text)} at ${index}`)
    tokens.push(match[1] as string)
    index = re.lastIndex
    while (index < source.length && /\s/.test(source.charAt(index))) index++
  }
  return tokens
}

function parse(text: string): Node {
  const tokens = tokenize(text)
  let pos = 0
  const peek = (): string | undefined => tokens[pos]
  const next = (): string => {
    const token = tokens[pos++]
    if (token === undefined) throw new Error(`unexpected end of type expression ${JSON.stringify(text)}`)
    return token
  }
  const expect = (token: string): void => {
    const got = next()
    if (got !== token) throw new Error(`expected ${token}, got ${got} in ${JSON.stringify(text)}`)
  }
  function union(): Node {
    if (peek() === '|') next()
    const members = [postfix()]
    while (peek() === '|') {
      next()
      members.push(postfix())
    }
    return members.length === 1 ? (members[0] as Node) : { kind: 'union', members }
  }
  function postfix(): Node {
    let node = primary()
    while (peek() === '[]') {
      next()
      node = { kind: 'array', item: node }
    }
    return node
  }
  function primary(): Node {
    const token = next()
    if (token === '(') {
      const inner = union()
      expect(')')
      return inner
    }
    if (/^['"\d-]/.test(token)) {
      return { kind: 'literal', text: token.startsWith('"') ? `'${token.slice(1, -1)}'` : token }
    }
    const args: Node[] = []
    if (peek() === '<') {
      next()
      args.push(union())
      while (peek() === ',') {
        next()
        args.push(union())
      }
      expect('>')
    }
    return { kind: 'name', name: token, args }
  }
  const node = union()
  if (pos !== tokens.length) throw new Error(`trailing tokens in type expression ${JSON.stringify(text)}`)
  return node
}

/** Resolves type expressions against aliases.json, keeping the given generic parameters. */
export class TypeResolver {
  readonly #aliases: Readonly<Record<string, AliasEntry>>
  /** The types of the specification's model, for body properties and responses (without it they are JSON). */
  readonly spec: SpecTypes | undefined

  constructor(aliases: Readonly<Record<string, AliasEntry>>, spec?: SpecTypes) {
    this.#aliases = aliases
    this.spec = spec
  }

  /** The TypeScript type of a spec type expression; `generics` are kept as they are. */
  resolve(expression: string, generics: readonly string[] = []): string {
    return this.#emit(parse(expression), generics, 0)
  }

  #emit(node: Node, generics: readonly string[], depth: number): string {
    if (depth > 20) return kJsonInput
    switch (node.kind) {
      case 'literal':
        return node.text
      case 'array': {
        const item = this.#emit(node.item, generics, depth + 1)
        return item === kJsonInput ? `${kJsonInput}[]` : `${wrap(item)}[]`
      }
      case 'union': {
        const members = node.members.map((m) => this.#emit(m, generics, depth + 1))
        if (members.includes(kJsonInput)) return kJsonInput
        return dedupe(members.flatMap(splitUnion)).join(' | ')
      }
      case 'name': {
        const { name, args } = node
        if (primitives.has(name)) return name
        if (generics.includes(name)) return name
        if ((name === 'Array' || name === 'ReadonlyArray') && args.length === 1) {
          return this.#emit({ kind: 'array', item: args[0] as Node }, generics, depth + 1)
        }
        if ((name === 'Dictionary' || name === 'Record' || name === 'AdditionalProperties') && args.length === 2) {
          const value = this.#emit(args[1] as Node, generics, depth + 1)
          return `Record<string, ${value}>`
        }
        const alias = this.#aliases[name]
        if (alias !== undefined && args.length === 0 && alias.resolvedIsPrimitive !== false) {
          return this.#emit(parse(alias.resolved), generics, depth + 1)
        }
        return kJsonInput
      }
    }
  }
}

function wrap(type: string): string {
  return /^[\w$.']+(\[\])*$/.test(type) || /^Record<.*>$/.test(type) ? type : `(${type})`
}

function splitUnion(type: string): string[] {
  // Split a top-level union (no parentheses or angle brackets open) into members.
  const out: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < type.length; i++) {
    const c = type.charAt(i)
    if (c === '(' || c === '<') depth++
    else if (c === ')' || c === '>') depth--
    else if (c === '|' && depth === 0) {
      out.push(type.slice(start, i).trim())
      start = i + 1
    }
  }
  out.push(type.slice(start).trim())
  return out
}

function dedupe(members: readonly string[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const m of members) {
    if (!seen.has(m)) {
      seen.add(m)
      out.push(m)
    }
  }
  // `boolean` already covers `true` and `false`.
  return seen.has('boolean') ? out.filter((m) => m !== 'true' && m !== 'false') : out
}
