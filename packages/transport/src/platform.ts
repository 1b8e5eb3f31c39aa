// What the transport takes from its runtime. The default entry imports no Node built-in: on a runtime that has
// `process.getBuiltinModule` (Node >= 20.16, which `engines` covers, and Deno, Bun and workerd with nodejs_compat)
// it borrows node:zlib (in-thread gzip below 64 KiB), node:stream (Readable bodies, as Node plugins expect) and
// node:diagnostics_channel (the `stretch:*` events); elsewhere it falls back to CompressionStream,
// DecompressionStream, TextDecoder and Web streams, and publishes no events. A bundler sees no `node:` import.
import type { Channel } from 'node:diagnostics_channel'
import type { Readable } from 'node:stream'
import type * as Zlib from 'node:zlib'

/** The subset of a diagnostics channel the transport publishes on. @internal */
export interface EventChannel {
  readonly hasSubscribers: boolean
  publish(message: unknown): void
}

/** The Node fast paths, when the runtime has them. @internal */
export interface NodeBuiltins {
  /** node:zlib, loaded on first read; undefined on a runtime that has the others but not it (the Web codecs then). */
  readonly zlib: typeof Zlib | undefined
  readonly Readable: typeof Readable
  readonly channel: (name: string) => Channel
  readonly maxStringLength: number
  readonly maxBufferLength: number
}

type GetBuiltinModule = (id: string) => unknown

/**
 * Loads the Node built-ins through `process.getBuiltinModule`, or returns undefined on a runtime without it.
 * @internal
 */
export function loadNodeBuiltins(get: GetBuiltinModule | undefined): NodeBuiltins | undefined {
  if (typeof get !== 'function') return undefined
  try {
    const stream = get('node:stream') as { Readable: typeof Readable } | undefined
    const dc = get('node:diagnostics_channel') as { channel: (name: string) => Channel } | undefined
    const buffer = get('node:buffer') as { constants: { MAX_STRING_LENGTH: number; MAX_LENGTH: number } } | undefined
    if (stream === undefined || dc === undefined || buffer === undefined) return undefined
    // node:zlib on first use: most clients never compress a request nor get a compressed answer, and loading it
    // costs about 0.6 ms of every cold start (issue 12); node:stream, diagnostics_channel and buffer are loaded by
    // undici anyway.
    let zlib: typeof Zlib | undefined
    let looked = false
    return {
      get zlib(): typeof Zlib | undefined {
        if (!looked) {
          looked = true
          zlib = get('node:zlib') as typeof Zlib | undefined
        }
        return zlib
      },
      Readable: stream.Readable,
      channel: (name) => dc.channel(name),
      maxStringLength: buffer.constants.MAX_STRING_LENGTH,
      maxBufferLength: buffer.constants.MAX_LENGTH,
    }
  } catch {
    return undefined
  }
}

/** The built-ins of this runtime, looked up once. @internal */
export const nodeBuiltins: NodeBuiltins | undefined = loadNodeBuiltins(
  (globalThis as { process?: { getBuiltinModule?: GetBuiltinModule } }).process?.getBuiltinModule,
)

const kSilent: EventChannel = { hasSubscribers: false, publish() {} }

/** A diagnostics channel on Node, a channel that never has subscribers elsewhere. @internal */
export function eventChannel(name: string): EventChannel {
  return nodeBuiltins === undefined ? kSilent : nodeBuiltins.channel(name)
}

/** `Symbol.for('nodejs.util.inspect.custom')`, the key `util.inspect` looks for, without importing node:util. @internal */
export const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never
