// What the transport takes from its runtime. The default entry imports no Node built-in: on a runtime that has
// `process.getBuiltinModule` (Node >= 20.16, which `engines` covers, and Deno, Bun and workerd with nodejs_compat)
// it borrows node:zlib (in-thread gzip below 64 KiB), node:stream (Readable bodies, as Node plugins expect) and
// node:diagnostics_channel (the `stretch:*` events); elsewhere it falls back to CompressionStream,
// DecompressionStream, TextDecoder and Web streams, and publishes no events. A bundler sees no `node:` import.
// The built-ins are typed by the members used here, not imported from @types/node: these declarations are part of
// the published ones (errors.d.ts imports inspectCustom from this file), which a project without @types/node loads.
import type { NodeReadable } from './types.js'

/** The subset of a diagnostics channel the transport publishes on. @internal */
export interface EventChannel {
  readonly hasSubscribers: boolean
  publish(message: unknown): void
}

/** A `Readable` of node:stream, as the transport uses one. @internal */
export interface PipeableReadable extends NodeReadable {
  pipe<T>(destination: T): T
}

/** The `Readable` class of node:stream, as the transport uses it. @internal */
export interface NodeReadableClass {
  new (...args: never[]): PipeableReadable
  from(iterable: AsyncIterable<unknown> | Iterable<unknown>): PipeableReadable
  fromWeb(stream: ReadableStream<Uint8Array>): PipeableReadable
}

/** The zlib callback. @internal */
export type ZlibCallback = (error: Error | null, result: Uint8Array) => void

/** The functions of node:zlib the transport calls. @internal */
export interface NodeZlib {
  gzipSync(data: string | Uint8Array): Uint8Array
  gzip(data: string | Uint8Array, callback: ZlibCallback): void
  createGzip(): PipeableReadable
  gunzipSync(data: Uint8Array, options: { maxOutputLength: number }): Uint8Array
  inflateSync(data: Uint8Array, options: { maxOutputLength: number }): Uint8Array
  gunzip(data: Uint8Array, options: { maxOutputLength: number }, callback: ZlibCallback): void
  inflate(data: Uint8Array, options: { maxOutputLength: number }, callback: ZlibCallback): void
}

/** The Node fast paths, when the runtime has them. @internal */
export interface NodeBuiltins {
  /** node:zlib, loaded on first read; undefined on a runtime that has the others but not it (the Web codecs then). */
  readonly zlib: NodeZlib | undefined
  readonly Readable: NodeReadableClass
  readonly channel: (name: string) => EventChannel
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
    const stream = get('node:stream') as { Readable: NodeReadableClass } | undefined
    const dc = get('node:diagnostics_channel') as { channel: (name: string) => EventChannel } | undefined
    const buffer = get('node:buffer') as { constants: { MAX_STRING_LENGTH: number; MAX_LENGTH: number } } | undefined
    if (stream === undefined || dc === undefined || buffer === undefined) return undefined
    // node:zlib on first use: most clients never compress a request nor get a compressed answer, and loading it
    // costs about 0.6 ms of every cold start (issue 12); node:stream, diagnostics_channel and buffer are loaded by
    // undici anyway.
    let zlib: NodeZlib | undefined
    let looked = false
    return {
      get zlib(): NodeZlib | undefined {
        if (!looked) {
          looked = true
          zlib = get('node:zlib') as NodeZlib | undefined
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
