/** undici's raw header list: name, value, name, value, ... each a view of the bytes read from the socket. */
export type RawHeaders = readonly Buffer[]

/** A response's headers as the `Connection` contract gives them: lower-case names, repeated headers as arrays. */
export type HeaderRecord = Record<string, string | string[]>

/** Header name bytes to the lower-case name (undici's `util.headerNameToString`: interned names, no decoding). */
export type HeaderName = (raw: Buffer) => string

// A header name that an object literal inherits (`constructor`, `toString`, `__proto__`, ...): an own property is
// defined, never the inherited one read as a first value or, for `__proto__`, the prototype set.
function defineOwn(out: HeaderRecord, name: string, value: string | string[]): void {
  Object.defineProperty(out, name, { value, writable: true, enumerable: true, configurable: true })
}

/** Builds the header object of one answer, decoding every name and value. */
export function buildHeaders(raw: RawHeaders, headerName: HeaderName): HeaderRecord {
  const out: HeaderRecord = {}
  for (let i = 0; i < raw.length; i += 2) {
    const name = headerName(raw[i] as Buffer)
    const value = (raw[i + 1] as Buffer).toString('latin1')
    const existing = out[name]
    if (existing === undefined) out[name] = value
    else if (!Object.hasOwn(out, name)) defineOwn(out, name, value)
    else if (Array.isArray(existing)) existing.push(value)
    else out[name] = [existing, value]
  }
  return out
}

// A remembered value whose bytes are not taken yet: it matches no header value, not even an empty one.
const kNotYet = new Uint8Array(0)

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length
  if (n !== b.length) return false
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false
  return true
}

// One remembered header layout: the bytes of every name and value (copies: a view would keep the socket's whole
// read buffer alive; a value's bytes are taken at the layout's first reuse, see #remember), the names, and an object
// with the latest values, copied for each answer that matches.
interface Layout {
  readonly bytes: Uint8Array[]
  readonly names: readonly string[]
  readonly template: Record<string, string>
  // Answers in a row that did not match: the layout is replaced at the second, so two layouts that alternate
  // keep the first one fast instead of rebuilding on every answer.
  misses: number
}

// Layouts are kept by header count, up to this many headers: the answers of one node differ mostly by a header
// more or less (`content-encoding` when compressed, `warning` on a deprecated API), which changes the count.
const kSlots = 32

// Names a layout never remembers: a cookie is the one response header that may carry a secret.
function mayRemember(name: string): boolean {
  return name !== 'set-cookie'
}

/**
 * The header objects of one node's answers. Every answer of a node carries the same names in the same order, and
 * most values repeat too (`content-type`, `x-elastic-product`, `connection`): an answer whose names are byte for
 * byte those of the previous answer with as many headers gets a copy of that answer's object (one object clone),
 * and only the values that changed (`content-length`, `date`) are decoded. Anything else is built header by header.
 * The result is the same plain object in either case.
 */
export class HeaderMemo {
  readonly #headerName: HeaderName
  readonly #layouts: (Layout | undefined)[] = []

  constructor(headerName: HeaderName) {
    this.#headerName = headerName
  }

  /** The header object of one answer. */
  headersOf(raw: RawHeaders): HeaderRecord {
    const n = raw.length
    const slot = n >> 1
    if (slot >= kSlots) return buildHeaders(raw, this.#headerName)
    const layout = this.#layouts[slot]
    if (layout !== undefined) {
      const reused = reuse(layout, raw)
      if (reused !== undefined) return reused
      if (++layout.misses < 2) return buildHeaders(raw, this.#headerName)
    }
    const out = buildHeaders(raw, this.#headerName)
    this.#layouts[slot] = this.#remember(raw, out)
    return out
  }

  // The values' bytes are not remembered yet (empty): the next answer of this layout decodes them all and writes
  // them into the template, so that the code which takes in a changed value (`date`, once a second) has run before
  // V8 optimizes `reuse`, and the template's fields have been written to (not constants V8 builds on). Otherwise the
  // first change of `date` deoptimizes `reuse` and, through the shape of the header objects, the transport's code
  // that read them.
  #remember(raw: RawHeaders, out: HeaderRecord): Layout | undefined {
    const bytes: Uint8Array[] = []
    const names: string[] = []
    for (let i = 0; i < raw.length; i += 2) {
      const name = this.#headerName(raw[i] as Buffer)
      // A repeated name (an array value, which the copies would share): not remembered.
      if (typeof out[name] !== 'string' || !mayRemember(name)) return undefined
      names.push(name)
      bytes.push(new Uint8Array(raw[i] as Buffer), kNotYet)
    }
    return { bytes, names, template: { ...(out as Record<string, string>) }, misses: 0 }
  }
}

function reuse(layout: Layout, raw: RawHeaders): HeaderRecord | undefined {
  const bytes = layout.bytes
  const n = raw.length
  for (let i = 0; i < n; i += 2) if (!sameBytes(raw[i] as Buffer, bytes[i] as Uint8Array)) return undefined
  layout.misses = 0
  const template = layout.template
  const out: HeaderRecord = { ...template }
  for (let i = 1; i < n; i += 2) {
    const value = raw[i] as Buffer
    const known = bytes[i] as Uint8Array
    if (known !== kNotYet && sameBytes(value, known)) continue
    const text = value.toString('latin1')
    const name = layout.names[i >> 1] as string
    out[name] = text
    template[name] = text
    // A copy: a view would keep the socket's read buffer alive. One branch, run at the layout's first reuse already.
    bytes[i] = new Uint8Array(value)
  }
  return out
}
