import {
  DeserializationError,
  type ResponseErrorBody,
  ResponseTooLargeError,
  SerializationError,
  type TransportErrorOptions,
} from './errors.js'
import { type NodeReadableClass, nodeBuiltins, type PipeableReadable } from './platform.js'
import type { NodeReadable, QueryValue, RequestBody, ResponseHeaders, SerializedBody } from './types.js'

type Unzip = (buf: Uint8Array, opts: { maxOutputLength: number }) => Promise<Uint8Array>

// `nodeBuiltins.zlib` is read where it is used, never at load: it loads node:zlib (see platform.ts).
const node = nodeBuiltins
const ReadableClass: NodeReadableClass | undefined = nodeBuiltins?.Readable
const promisify2 =
  <A, B>(fn: (a: A, b: B, cb: (error: Error | null, result: Uint8Array) => void) => void) =>
  (a: A, b: B): Promise<Uint8Array> =>
    new Promise((resolve, reject) => fn(a, b, (error, result) => (error === null ? resolve(result) : reject(error))))
let gunzipAsync: Unzip | undefined
let inflateAsync: Unzip | undefined

/**
 * Default `maxResponseSize`: the longest string V8 can build (Node's `buffer.constants.MAX_STRING_LENGTH`; V8's
 * 64-bit limit where node:buffer is missing).
 * @internal
 */
export const kMaxResponseSize: number = nodeBuiltins?.maxStringLength ?? 2 ** 29 - 24
/** Default `maxCompressedResponseSize`: the largest Buffer (2^32 bytes where node:buffer is missing). @internal */
export const kMaxCompressedResponseSize: number = nodeBuiltins?.maxBufferLength ?? 2 ** 32

/** @internal */
export function isStreamBody(
  body: unknown,
): body is NodeReadable | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> {
  if (body === null || typeof body !== 'object') return false
  if (body instanceof Uint8Array) return false
  return (
    typeof (body as { pipe?: unknown }).pipe === 'function' ||
    typeof (body as { getReader?: unknown }).getReader === 'function' ||
    Symbol.asyncIterator in body
  )
}

/** @internal */
export function serializeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value)
    if (text === undefined) throw new TypeError(`a ${typeof value} has no JSON form`)
    return text
  } catch (cause) {
    throw new SerializationError(`the request body cannot be serialized to JSON: ${(cause as Error).message}`, {
      cause,
    })
  }
}

const encoder = new TextEncoder()

/**
 * NDJSON: one line per item, each ending in a newline, encoded as UTF-8 straight into one array of the exact size.
 * The array is the only copy that lives while the request is in flight: it is what the transport keeps for a retry
 * and what the connection sends (a string body would be kept as a string and copied into bytes by the connection,
 * and a string built by `+=` is a rope that is flattened into a third copy first).
 * @internal
 */
export function serializeNdjson(lines: readonly unknown[]): Uint8Array {
  const texts = new Array<string>(lines.length)
  // Bytes when every character is ASCII (one byte per UTF-16 unit); more only with non-ASCII text (see `grow`).
  let size = 0
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const text = typeof line === 'string' ? line : serializeJson(line)
    texts[i] = text
    size += text.length + (text.endsWith('\n') ? 0 : 1)
  }
  let out: Uint8Array = new Uint8Array(size)
  let offset = 0
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i] as string
    const newline = text.endsWith('\n') ? 0 : 1
    let read = 0
    for (;;) {
      const rest = read === 0 ? text : text.slice(read)
      const done = encoder.encodeInto(rest, offset === 0 ? out : out.subarray(offset))
      offset += done.written
      read += done.read
      if (read === text.length) break
      out = grow(out, offset, utf8Length(text, read) + newline + bytesAfter(texts, i + 1))
    }
    if (newline === 1) {
      // Non-ASCII text took more bytes than its estimate and filled the array to the end: no room for the newline.
      if (offset === out.length) out = grow(out, offset, 1 + bytesAfter(texts, i + 1))
      out[offset++] = 0x0a
    }
  }
  return out
}

/** A copy of `out`'s first `used` bytes with room for exactly `more`. */
function grow(out: Uint8Array, used: number, more: number): Uint8Array {
  const next = new Uint8Array(used + more)
  next.set(out.subarray(0, used))
  return next
}

/** UTF-8 bytes of the lines from `from` on, newlines included. */
function bytesAfter(texts: readonly string[], from: number): number {
  let bytes = 0
  for (let i = from; i < texts.length; i++) {
    const text = texts[i] as string
    bytes += utf8Length(text, 0) + (text.endsWith('\n') ? 0 : 1)
  }
  return bytes
}

/** UTF-8 length of `text` from unit `from`, as TextEncoder encodes it (a lone surrogate becomes U+FFFD, 3 bytes). */
function utf8Length(text: string, from: number): number {
  let bytes = 0
  for (let i = from; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) bytes += 1
    else if (unit < 0x800) bytes += 2
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1)
      if (low >= 0xdc00 && low <= 0xdfff) {
        bytes += 4
        i++
      } else bytes += 3
    } else bytes += 3
  }
  return bytes
}

/**
 * Serializes a body. A stream becomes a Node `Readable` where node:stream exists; elsewhere the result is a promise
 * of its bytes (see {@link SerializedBody}).
 * @internal
 */
export function serializeBody(body: RequestBody): SerializedBody | Promise<Uint8Array> {
  if (typeof body === 'string' || body instanceof Uint8Array) return body
  if (isStreamBody(body)) return streamPayload(body)
  return serializeJson(body)
}

type StreamBody = NodeReadable | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>

function isWebStream(body: StreamBody): body is ReadableStream<Uint8Array> {
  return typeof (body as { getReader?: unknown }).getReader === 'function'
}

/**
 * On Node every stream body reaches the connection as a `Readable`, as connections have always received it;
 * without node:stream it is read into bytes.
 * @internal
 */
export function streamPayload(body: StreamBody): NodeReadable | Promise<Uint8Array> {
  return streamPayloadWith(body, ReadableClass)
}

/** {@link streamPayload} with the `Readable` class of node:stream, or undefined for a runtime without it. @internal */
export function streamPayloadWith(
  body: StreamBody,
  readable: NodeReadableClass | undefined,
): NodeReadable | Promise<Uint8Array> {
  if (readable === undefined) return readAll(isWebStream(body) ? body : iterableStream(body), Number.POSITIVE_INFINITY)
  if (body instanceof readable) return body
  if (isWebStream(body)) return readable.fromWeb(body)
  return readable.from(body)
}

// Below these sizes zlib runs on the main thread: a hop to the thread pool costs more than the work itself. The
// inflate bound keeps a sync gzip bomb to a few milliseconds (8 KiB inflates to at most ~8 MiB).
const kSyncGzipBytes = 64 * 1024
const kSyncInflateBytes = 8 * 1024

/**
 * Gzips a request body: on the spot (no promise) below kSyncGzipBytes, on the thread pool or as a stream above.
 * @internal
 */
export function compressBody(body: SerializedBody): SerializedBody | Promise<SerializedBody> {
  const zlib = node?.zlib
  if (zlib === undefined) return webCompress(body as string | Uint8Array)
  if (typeof body === 'string' || body instanceof Uint8Array) {
    if ((typeof body === 'string' ? body.length * 3 : body.byteLength) < kSyncGzipBytes) return zlib.gzipSync(body)
    return new Promise((resolve, reject) =>
      zlib.gzip(body, (error, result) => (error === null ? resolve(result) : reject(error))),
    )
  }
  // a stream body is a Readable wherever node:zlib exists (serializeBody made it one)
  return (body as PipeableReadable).pipe(zlib.createGzip())
}

/**
 * Gzip with `CompressionStream`, into bytes (a streamed request body fails in Chromium over HTTP/1.1).
 * @internal
 */
export function webCompress(body: string | Uint8Array): Promise<Uint8Array> {
  return readAll(
    bytesStream(body).pipeThrough(new CompressionStream('gzip') as unknown as Transform),
    Number.POSITIVE_INFINITY,
  )
}

type Transform = TransformStream<Uint8Array, Uint8Array>

function bytesStream(body: string | Uint8Array): ReadableStream<Uint8Array> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes)
      controller.close()
    },
  })
}

function iterableStream(body: NodeReadable | AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next()
      if (next.done === true) controller.close()
      else controller.enqueue(typeof next.value === 'string' ? new TextEncoder().encode(next.value) : next.value)
    },
    async cancel(reason) {
      await iterator.return?.(reason)
    },
  })
}

/** Reads a stream into one array; past `limit` bytes it cancels the stream and throws a RangeError. @internal */
export async function readAll(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    length += value.byteLength
    if (length > limit) {
      await reader.cancel()
      throw new RangeError(`more than ${limit} bytes`)
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const out = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

/**
 * Gunzip or inflate with `DecompressionStream`, stopping at `maxOutputLength` bytes.
 * @internal
 */
export function webUnzip(format: 'gzip' | 'deflate'): Unzip {
  return (raw, { maxOutputLength }) =>
    readAll(bytesStream(raw).pipeThrough(new DecompressionStream(format) as unknown as Transform), maxOutputLength)
}

const webGunzip = webUnzip('gzip')
const webInflate = webUnzip('deflate')

/** @internal */
export function encodeQuery(querystring: Readonly<Record<string, QueryValue>> | undefined): string {
  if (querystring === undefined) return ''
  let out = ''
  for (const key of Object.keys(querystring)) {
    const value = querystring[key]
    if (value === undefined || value === null) continue
    const text = Array.isArray(value) ? value.join(',') : String(value)
    out += `${out === '' ? '' : '&'}${encodeURIComponent(key)}=${encodeURIComponent(text)}`
  }
  return out
}

function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/**
 * The response body as it was sent, decompressed. Synchronous (no promise, no tick) when there is nothing to
 * inflate or the body is small enough to inflate on the spot; a promise only for a large compressed body.
 * @internal
 */
export function decodeBody(
  raw: Uint8Array,
  headers: ResponseHeaders,
  maxResponseSize: number,
  errorOptions: TransportErrorOptions,
): Uint8Array | Promise<Uint8Array> {
  const encoding = headerValue(headers, 'content-encoding')
  if (encoding === undefined || encoding === 'identity' || raw.byteLength === 0) {
    return checkSize(raw, maxResponseSize, errorOptions)
  }
  const gzip = encoding === 'gzip' || encoding === 'x-gzip'
  if (!gzip && encoding !== 'deflate') {
    throw new DeserializationError(`the response has an unsupported content-encoding '${encoding}'`, errorOptions)
  }
  const zlib = node?.zlib
  if (zlib !== undefined && raw.byteLength < kSyncInflateBytes) {
    let bytes: Uint8Array
    try {
      bytes = (gzip ? zlib.gunzipSync : zlib.inflateSync)(raw, { maxOutputLength: maxResponseSize })
    } catch (cause) {
      throw inflateError(cause, encoding, maxResponseSize, errorOptions)
    }
    return checkSize(bytes, maxResponseSize, errorOptions)
  }
  return inflateLater(raw, gzip, encoding, maxResponseSize, errorOptions)
}

async function inflateLater(
  raw: Uint8Array,
  gzip: boolean,
  encoding: string,
  maxResponseSize: number,
  errorOptions: TransportErrorOptions,
): Promise<Uint8Array> {
  let bytes: Uint8Array
  try {
    const zlib = node?.zlib
    if (zlib === undefined) {
      bytes = await (gzip ? webGunzip : webInflate)(raw, { maxOutputLength: maxResponseSize })
    } else {
      if (gzip) gunzipAsync ??= promisify2(zlib.gunzip)
      else inflateAsync ??= promisify2(zlib.inflate)
      bytes = await ((gzip ? gunzipAsync : inflateAsync) as Unzip)(raw, { maxOutputLength: maxResponseSize })
    }
  } catch (cause) {
    throw inflateError(cause, encoding, maxResponseSize, errorOptions)
  }
  return checkSize(bytes, maxResponseSize, errorOptions)
}

function inflateError(
  cause: unknown,
  encoding: string,
  maxResponseSize: number,
  errorOptions: TransportErrorOptions,
): Error {
  if ((cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || cause instanceof RangeError) {
    return new ResponseTooLargeError(
      `the decompressed response is larger than maxResponseSize (${maxResponseSize} bytes); raise maxResponseSize or ask for less data`,
      maxResponseSize,
      errorOptions,
    )
  }
  return new DeserializationError(`the ${encoding} response body is corrupt or truncated`, { ...errorOptions, cause })
}

function checkSize(bytes: Uint8Array, maxResponseSize: number, errorOptions: TransportErrorOptions): Uint8Array {
  if (bytes.byteLength > maxResponseSize) {
    throw new ResponseTooLargeError(
      `the response is larger than maxResponseSize (${maxResponseSize} bytes); raise maxResponseSize or ask for less data`,
      maxResponseSize,
      errorOptions,
    )
  }
  return bytes
}

interface NodeBufferLike {
  isBuffer(value: unknown): boolean
  from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'utf8'): string }
}
const NodeBuffer = (globalThis as { Buffer?: NodeBufferLike }).Buffer
const utf8 = new TextDecoder()

// Node's Buffer decodes UTF-8 faster than TextDecoder; every runtime has TextDecoder. `toString()` without
// arguments is UTF-8 and goes straight to the decoder (with an encoding argument, Buffer looks the encoding up and
// checks the bounds first: about 20 ns of every response).
function toText(bytes: Uint8Array): string {
  if (NodeBuffer === undefined) return utf8.decode(bytes)
  return NodeBuffer.isBuffer(bytes)
    ? (bytes as unknown as { toString(): string }).toString()
    : NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
}

/** The decoded body: JSON, NDJSON lines, text, or the bytes of another content type. @internal */
export function parseBody(
  bytes: Uint8Array,
  headers: ResponseHeaders,
  errorOptions: TransportErrorOptions,
): ResponseErrorBody {
  if (bytes.byteLength === 0) return undefined
  const type = headerValue(headers, 'content-type') ?? ''
  if (type.includes('json')) {
    const text = toText(bytes)
    if (type.includes('ndjson')) {
      const out: unknown[] = []
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue
        out.push(parseJson(line, errorOptions))
      }
      return out
    }
    return parseJson(text, errorOptions)
  }
  if (type === '' || type.startsWith('text/') || type.includes('yaml') || type.includes('csv')) return toText(bytes)
  return bytes
}

function parseJson(text: string, errorOptions: TransportErrorOptions): ResponseErrorBody {
  try {
    return JSON.parse(text)
  } catch (cause) {
    const preview = text.length > 80 ? `${text.slice(0, 80)}…` : text
    throw new DeserializationError(`the response is not valid JSON (starts with ${JSON.stringify(preview)})`, {
      ...errorOptions,
      cause,
    })
  }
}

/**
 * Splits a `Warning` header into its messages, keeping only Elasticsearch's (`299 Elasticsearch-…`).
 * @internal
 */
export function parseWarnings(headers: ResponseHeaders): string[] | null {
  const raw = headers['warning']
  if (raw === undefined) return null
  const values = Array.isArray(raw) ? raw : [raw]
  const out: string[] = []
  for (const value of values) {
    // split on commas that are outside quotes
    let current = ''
    let quoted = false
    for (let i = 0; i < value.length; i++) {
      const c = value[i]
      if (c === '"' && value[i - 1] !== '\\') quoted = !quoted
      if (c === ',' && !quoted) {
        out.push(current.trim())
        current = ''
      } else {
        current += c
      }
    }
    if (current.trim() !== '') out.push(current.trim())
  }
  const es = out.filter((w) => /^\d\d\d Elasticsearch-/.test(w))
  return es.length > 0 ? es : out
}
