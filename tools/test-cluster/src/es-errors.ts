/**
 * Elasticsearch's error bodies: `{ error: { root_cause: [...], type, reason, ... }, status }`.
 * The root cause repeats the error without its `caused_by`, as Elasticsearch does for a single failure.
 */

/** One error object of an Elasticsearch error body. @public */
export interface EsErrorDetail {
  readonly type: string
  readonly reason: string
  readonly [key: string]: unknown
}

/** An HTTP answer the node writes: status, JSON body (or none), extra headers. */
export interface Reply {
  readonly status: number
  readonly body?: unknown
  /** A text answer (`text/plain; charset=UTF-8`) instead of JSON, as `_cat` gives. */
  readonly text?: string
  /** A binary answer (ES|QL in Arrow IPC) with its content type, instead of JSON. */
  readonly bytes?: { readonly data: Uint8Array; readonly contentType: string }
  readonly headers?: Readonly<Record<string, string | readonly string[]>>
}

/** Builds `{ error: {...}, status }`. */
export function esErrorBody(status: number, detail: EsErrorDetail, causedBy?: EsErrorDetail): unknown {
  const { ...root } = detail
  return {
    error: { root_cause: [root], ...detail, ...(causedBy === undefined ? {} : { caused_by: causedBy }) },
    status,
  }
}

/** A reply carrying an Elasticsearch error body. */
export function esError(
  status: number,
  type: string,
  reason: string,
  extra: Record<string, unknown> = {},
  causedBy?: EsErrorDetail,
): Reply {
  return { status, body: esErrorBody(status, { type, reason, ...extra }, causedBy) }
}

/** 404 for a missing index. */
export function indexNotFound(index: string): Reply {
  return esError(404, 'index_not_found_exception', `no such index [${index}]`, {
    'resource.type': 'index_or_alias',
    'resource.id': index,
    index_uuid: '_na_',
    index,
  })
}

/** 400 for a body that cannot be parsed or holds something unknown. */
export function parsingError(reason: string): Reply {
  return esError(400, 'parsing_exception', reason, { line: 1, col: 1 })
}

/** 400 `illegal_argument_exception`. */
export function illegalArgument(reason: string): Reply {
  return esError(400, 'illegal_argument_exception', reason)
}

/** Thrown inside handlers to answer with an Elasticsearch error. */
export class EsHttpError extends Error {
  override readonly name: string = 'EsHttpError'
  readonly reply: Reply
  constructor(reply: Reply) {
    super(`Elasticsearch error reply ${reply.status}`)
    this.reply = reply
  }
}
