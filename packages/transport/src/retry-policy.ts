import { isConnectionError, isTimeoutError } from './errors.js'
import type { ResponseHeaders } from './types.js'

/**
 * What decides whether a failed attempt is tried again, and after how long.
 * @internal
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number
  /** Statuses retried on another node. */
  readonly retryOnStatus: readonly number[]
  /** Resend what may have reached the server, writes included. */
  readonly retryOnTimeout: boolean
  /** Statuses that resolve: never retried. */
  readonly ignore: readonly number[]
}

/** The backoff settings of a transport. @internal */
export interface Backoff {
  readonly retryBackoff: number
  readonly maxRetryBackoff: number
  readonly maxRetryAfter: number
  readonly random: () => number
}

/**
 * Full jitter: a random wait up to `retryBackoff x 2^(attempt-1)`, at most `maxRetryBackoff`.
 * @internal
 */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  const ceiling = Math.min(backoff.maxRetryBackoff, backoff.retryBackoff * 2 ** (attempt - 1))
  return Math.floor(backoff.random() * ceiling)
}

/**
 * After an attempt that got no answer: the wait before the next attempt, or undefined to give up. A connection
 * error or a timeout before the request was sent (while connecting) is always retryable; one after, only for a
 * resendable request (GET, HEAD, `readOnly`) or with `retryOnTimeout`.
 * @internal
 */
export function retryAfterError(
  policy: RetryPolicy,
  backoff: Backoff,
  attempt: number,
  error: unknown,
  resendable: boolean,
): number | undefined {
  if (attempt > policy.maxRetries) return undefined
  let retryable = false
  if (isConnectionError(error)) retryable = !error.requestSent || resendable || policy.retryOnTimeout
  // `=== false`: a TimeoutError of an older copy of this package has no `requestSent` and may have been sent.
  else if (isTimeoutError(error)) retryable = error.requestSent === false || resendable || policy.retryOnTimeout
  return retryable ? backoffDelay(backoff, attempt) : undefined
}

/**
 * After an answer: the wait before the next attempt, or undefined to keep the answer. A 429 or 503 with a
 * `Retry-After` waits that long, unless it is longer than `maxRetryAfter` (then the answer stands). `nowEpoch` is
 * read only for a `Retry-After` date.
 * @internal
 */
export function retryAfterStatus(
  policy: RetryPolicy,
  backoff: Backoff,
  attempt: number,
  statusCode: number,
  headers: ResponseHeaders,
  nowEpoch: () => number,
): number | undefined {
  if (attempt > policy.maxRetries || !policy.retryOnStatus.includes(statusCode) || policy.ignore.includes(statusCode)) {
    return undefined
  }
  const asked = statusCode === 429 || statusCode === 503 ? retryAfterMs(headers, nowEpoch()) : undefined
  if (asked === undefined) return backoffDelay(backoff, attempt)
  return asked <= backoff.maxRetryAfter ? asked : undefined
}

/**
 * Parses `Retry-After` (seconds or an HTTP date) into milliseconds.
 * @internal
 */
export function retryAfterMs(headers: ResponseHeaders, nowEpoch: number): number | undefined {
  const raw = headers['retry-after']
  const value = Array.isArray(raw) ? raw[0] : raw
  if (value === undefined) return undefined
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowEpoch)
}
