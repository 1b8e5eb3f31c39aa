import { constants as bufferConstants } from 'node:buffer'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { createGzip, gunzip, gunzipSync, gzip, gzipSync, inflate, inflateSync } from 'node:zlib'
import {
  DeserializationError,
  ResponseTooLargeError,
  SerializationError,
  type TransportErrorOptions,
} from './errors.js'
import type { QueryValue, RequestBody, ResponseHeaders, SerializedBody } from './types.js'

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip) as (buf: Uint8Array, opts: { maxOutputLength: number }) => Promise<Buffer>
const inflateAsync = promisify(inflate) as (buf: Uint8Array, opts: { maxOutputLength: number }) => Promise<Buffer>

/** Default `maxResponseSize`: the longest string V8 can build. @internal */
export const kMaxResponseSize: number = bufferConstants.MAX_STRING_LENGTH
/** Default `maxCompressedResponseSize`: the largest Buffer. @internal */
export const kMaxCompressedResponseSize: number = bufferConstants.MAX_LENGTH

/** @internal */
export function isStreamBody(body: unknown): body is Readable | AsyncIterable<Uint8Array> {
  if (body === null || typeof body !== 'object') return false
  if (body instanceof Uint8Array) return false
  return typeof (body as Readable).pipe === 'function' || Symbol.asyncIterator in body
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

/**
 * NDJSON: one line per item, each ending in a newline. Objects are stringified once, into one string: no
 * intermediate buffers per line.
 * @internal
 */
export function serializeNdjson(lines: readonly unknown[]): string {
  let out = ''
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (typeof line === 'string') {
      out += line.endsWith('\n') ? line : `${line}\n`
    } else {
      out += `${serializeJson(line)}\n`
    }
  }
  return out
}

/** @internal */
export function serializeBody(body: RequestBody): { payload: SerializedBody; json: boolean } {
  if (typeof body === 'string' || body instanceof Uint8Array) return { payload: body, json: false }
  if (isStreamBody(body)) {
    return { payload: body instanceof Readable ? body : Readable.from(body), json: false }
  }
  return { payload: serializeJson(body), json: true }
}

// Below these sizes zlib runs on the main thread: a hop to the thread pool costs more than the work itself. The
// inflate bound keeps a sync gzip bomb to a few milliseconds (8 KiB inflates to at most ~8 MiB).
const kSyncGzipBytes = 64 * 1024
const kSyncInflateBytes = 8 * 1024

/** @internal */
export async function compressBody(body: SerializedBody): Promise<SerializedBody> {
  if (body instanceof Readable) return body.pipe(createGzip())
  if ((typeof body === 'string' ? body.length * 3 : body.byteLength) < kSyncGzipBytes) return gzipSync(body)
  return gzipAsync(body)
}

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

/** @internal */
export async function decodeBody(
  raw: Uint8Array,
  headers: ResponseHeaders,
  maxResponseSize: number,
  errorOptions: TransportErrorOptions,
): Promise<Uint8Array> {
  const encoding = headerValue(headers, 'content-encoding')
  let bytes = raw
  if (encoding !== undefined && encoding !== 'identity' && raw.byteLength > 0) {
    const unzip =
      encoding === 'gzip' || encoding === 'x-gzip' ? gunzipAsync : encoding === 'deflate' ? inflateAsync : undefined
    if (unzip === undefined) {
      throw new DeserializationError(`the response has an unsupported content-encoding '${encoding}'`, errorOptions)
    }
    try {
      if (raw.byteLength < kSyncInflateBytes) {
        const unzipSync = unzip === gunzipAsync ? gunzipSync : inflateSync
        bytes = unzipSync(raw, { maxOutputLength: maxResponseSize })
      } else {
        bytes = await unzip(raw, { maxOutputLength: maxResponseSize })
      }
    } catch (cause) {
      if ((cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || cause instanceof RangeError) {
        throw new ResponseTooLargeError(
          `the decompressed response is larger than maxResponseSize (${maxResponseSize} bytes); raise maxResponseSize or ask for less data`,
          maxResponseSize,
          errorOptions,
        )
      }
      throw new DeserializationError(`the ${encoding} response body is corrupt or truncated`, {
        ...errorOptions,
        cause,
      })
    }
  }
  if (bytes.byteLength > maxResponseSize) {
    throw new ResponseTooLargeError(
      `the response is larger than maxResponseSize (${maxResponseSize} bytes); raise maxResponseSize or ask for less data`,
      maxResponseSize,
      errorOptions,
    )
  }
  return bytes
}

function toText(bytes: Uint8Array): string {
  return Buffer.isBuffer(bytes)
    ? bytes.toString('utf8')
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
}

/** @internal */
export function parseBody(bytes: Uint8Array, headers: ResponseHeaders, errorOptions: TransportErrorOptions): unknown {
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

function parseJson(text: string, errorOptions: TransportErrorOptions): unknown {
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
