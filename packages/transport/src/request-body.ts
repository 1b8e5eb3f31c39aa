import { compressBody, serializeBody, serializeNdjson } from './serialize.js'
import type { SerializedBody, TransportRequestParams } from './types.js'

/** How bodies are labelled and whether they are gzipped. @internal */
export interface BodySettings {
  readonly jsonType: string
  readonly ndjsonType: string
  readonly compress: boolean
}

/**
 * Body preparation, the first stage of a request: serializes `ndjson` or `body`, sets `content-type` (unless the
 * caller did) and, with `compress`, gzips it and sets `content-encoding`. `headers` is the request's own copy, or
 * the transport's frozen headers for bodies of this kind, which have both already: nothing is written then. Sync
 * unless there is something to wait for (gzip of a large body, a stream read into bytes off Node).
 * @internal
 */
export function prepareBody(
  params: TransportRequestParams,
  headers: Record<string, string>,
  settings: BodySettings,
): SerializedBody | undefined | Promise<SerializedBody> {
  let body: SerializedBody | Promise<Uint8Array>
  if (params.ndjson !== undefined) {
    // Bytes are NDJSON already serialized by the caller (the bulk helper writes its batches into one buffer).
    body = params.ndjson instanceof Uint8Array ? params.ndjson : serializeNdjson(params.ndjson)
    headers['content-type'] ??= settings.ndjsonType
  } else if (params.body !== undefined) {
    body = serializeBody(params.body)
    headers['content-type'] ??= settings.jsonType
  } else {
    return undefined
  }
  if (!settings.compress) return body
  if (headers['content-encoding'] !== 'gzip') headers['content-encoding'] = 'gzip'
  return body instanceof Promise ? body.then(compressBody) : compressBody(body)
}

/**
 * A prepared stream body (a `Readable`) can be sent once: never retried. Off Node a stream body was read into
 * bytes, which can be resent.
 * @internal
 */
export function isOneShot(body: SerializedBody | undefined): boolean {
  return body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)
}
