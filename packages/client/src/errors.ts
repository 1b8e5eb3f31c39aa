// A typed view of an Elasticsearch error response: the guard narrows a ResponseError whose body is the
// specification's ErrorResponseBase (`{ error: { type, reason, ... }, status }`), checked at run time, so the body is
// typed only when it really is one (a proxy's HTML 502 or a HEAD 404 without a body is not).
import { isErrorResponseBody, isResponseError, type ResponseError } from '@stretch/transport'
import type { estypes } from './api/generated/estypes.js'

/**
 * A `ResponseError` whose body is Elasticsearch's JSON error response (`estypes.ErrorResponseBase`):
 * `error.body.error.type`, `error.body.error.reason`, `error.body.status` are typed.
 *
 * @public
 */
export interface ElasticsearchResponseError extends ResponseError {
  /** The decoded body: Elasticsearch's error response. */
  readonly body: estypes.ErrorResponseBase
}

/**
 * Whether `error` is a `ResponseError` whose body is Elasticsearch's JSON error response (an object with an
 * `error` object that has a string `type`, and a numeric `status`: `isErrorResponseBody`). Narrows `error.body` to
 * `estypes.ErrorResponseBase`; works across copies of `@stretch/transport`, as `isResponseError` does.
 *
 * @example
 * ```ts
 * try {
 *   await client.get({ index: 'books', id: '1' })
 * } catch (error) {
 *   if (isElasticsearchError(error) && error.body.error.type === 'index_not_found_exception') return undefined
 *   throw error
 * }
 * ```
 * @param error - any caught value.
 * @returns true when it is a response error with an Elasticsearch error body.
 * @public
 */
export function isElasticsearchError(error: unknown): error is ElasticsearchResponseError {
  return isResponseError(error) && isErrorResponseBody(error.body)
}
