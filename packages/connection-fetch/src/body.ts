import { ResponseTooLargeError } from '@stretch/transport'

interface StreamLike {
  getReader?: () => ReadableStreamDefaultReader<Uint8Array | string>
  [Symbol.asyncIterator]?: () => AsyncIterator<Uint8Array | string>
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const out = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

/**
 * A request body as `fetch` gets it: text or bytes, never a stream. Chromium refuses streamed request bodies over
 * HTTP/1.1 (`ERR_ALPN_NEGOTIATION_FAILED`) and other runtimes send them chunked, so a stream (a Web
 * `ReadableStream`, a Node `Readable`, any async iterable) is collected into one `Uint8Array` first.
 * @internal
 */
export async function bodyBytes(body: unknown): Promise<string | Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string' || body instanceof Uint8Array) return body
  const stream = body as StreamLike
  const chunks: Uint8Array[] = []
  let size = 0
  const add = (chunk: Uint8Array | string): void => {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk
    chunks.push(bytes)
    size += bytes.byteLength
  }
  if (typeof stream.getReader === 'function') {
    const reader = stream.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      add(value)
    }
  } else if (typeof stream[Symbol.asyncIterator] === 'function') {
    for await (const chunk of stream as AsyncIterable<Uint8Array | string>) add(chunk)
  } else {
    throw new TypeError('the request body is neither text, bytes nor a stream')
  }
  return concat(chunks, size)
}

/**
 * Reads a response body, stopping at `limit` bytes: the rest is not read and the stream is cancelled, which closes
 * the socket. The bytes counted are the ones `fetch` hands out, which it already decompressed: the limit is stricter
 * than the wire size it stands for.
 * @internal
 */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  host: string,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0)
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      reader.cancel().catch(() => undefined)
      throw tooLarge(host, limit)
    }
    chunks.push(value)
  }
  return concat(chunks, size)
}

/** @internal */
export function tooLarge(host: string, limit: number): ResponseTooLargeError {
  return new ResponseTooLargeError(
    `the response of ${host} is larger than maxCompressedResponseSize (${limit} bytes); raise it or ask for less data`,
    limit,
  )
}
