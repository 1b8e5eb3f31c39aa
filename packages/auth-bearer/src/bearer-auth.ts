import {
  credentialProblem,
  type Handler,
  type Middleware,
  RequestAbortedError,
  type TransportRequest,
  type TransportResponse,
  withHeader,
} from '@stretch/transport'
import { type BearerAuthOptions, checkBearerAuth, kBearer } from './checks.js'
import { TokenProviderError } from './token-provider-error.js'

/**
 * Waits for the shared token call on behalf of one request: gives up when the request is aborted, or when the
 * attempt's timeout passes first (a hung secret store must not hang every request). The call itself goes on.
 */
function waitForToken(call: Promise<string>, request: TransportRequest): Promise<string> {
  const { signal, timeout } = request
  if (signal === undefined && timeout === undefined) return call
  const aborted = (s: AbortSignal): RequestAbortedError =>
    new RequestAbortedError('the request was aborted while waiting for a bearer token', { cause: s.reason })
  if (signal?.aborted) return Promise.reject(aborted(signal))
  return new Promise<string>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const onAbort = (): void => {
      done()
      reject(aborted(signal as AbortSignal))
    }
    const done = (): void => {
      if (timer !== undefined) clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
    if (timeout !== undefined) {
      timer = setTimeout(() => {
        done()
        reject(
          new TokenProviderError(`bearerAuth: the token provider did not answer within ${timeout} ms (requestTimeout)`),
        )
      }, timeout)
      timer.unref?.()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    call.then(
      (value) => {
        done()
        resolve(value)
      },
      (error: unknown) => {
        done()
        reject(error)
      },
    )
  })
}

/** Only a body we hold in memory can be sent twice; a stream was consumed by the first try. */
function canResend(request: TransportRequest): boolean {
  return request.body === undefined || typeof request.body === 'string' || request.body instanceof Uint8Array
}

/**
 * Sends a bearer token: `authorization: Bearer <token>`, for service-account tokens and tokens of the token API.
 *
 * With a string, that token is sent on every attempt and never refreshed. With a {@link TokenProvider}:
 * - it is called lazily, on the first request, and its token cached;
 * - concurrent requests share one call in flight;
 * - when Elasticsearch answers `401` to a request sent with the cached token, the provider is called once more
 *   (once for all the requests that got that 401) and the request is sent again, once, with the new token; a
 *   second `401` is returned as it is (the transport raises a `ResponseError`). A request with a stream body is not
 *   sent again;
 * - when the provider throws or returns something that is not a token, the request fails with a
 *   {@link TokenProviderError} whose `cause` is the provider's error, and the next request calls it again;
 * - the caller's abort signal stops the wait for a token with a `RequestAbortedError`, and the attempt's
 *   `requestTimeout` with a `TokenProviderError`; the call itself goes on and its token serves later requests.
 *
 * The token cache belongs to the returned middleware, so a transport and its children share it. The header is set
 * on every attempt (retries on another node and sniff requests are authenticated), a request that already carries
 * `authorization` (a per-request override) is left alone, and nothing is registered globally. Tokens never appear
 * in errors, events or `util.inspect`.
 *
 * @param token - the token (without `Bearer `), or a function resolving to one; checked by {@link checkBearerAuth}.
 * @returns the middleware, for the transport's or client's `auth` option.
 * @throws `ConfigurationError` naming `bearerAuth.token` (never the value) when the token is not a string or
 *   function, is empty, starts with `Bearer `, or contains spaces, CR, LF, NUL or non-ASCII characters.
 * @example
 * ```ts
 * import { Transport } from '@stretch/transport'
 * import { undiciConnection } from '@stretch/connection-undici'
 * import { bearerAuth } from '@stretch/auth-bearer'
 * import { readFile } from 'node:fs/promises'
 *
 * const transport = new Transport({
 *   nodes: ['https://localhost:9200'],
 *   connection: undiciConnection(),
 *   // a service account token mounted as a file, read on the first request and again after a 401
 *   auth: bearerAuth(async () => (await readFile('/run/secrets/es-token', 'utf8')).trim()),
 * })
 * ```
 * @public
 */
export function bearerAuth(token: BearerAuthOptions): Middleware {
  checkBearerAuth(token)
  if (typeof token === 'string') {
    const value = `Bearer ${token}`
    return function bearerAuthMiddleware(next: Handler): Handler {
      return function bearerAuthHandler(request: TransportRequest) {
        return next(withHeader(request, 'authorization', value))
      }
    }
  }
  const provider = token

  // Per-middleware state (not per `(next) =>`): a transport's children compose the chain again, and they should
  // share one token rather than each call the provider.
  let current: string | undefined
  let pending: Promise<string> | undefined

  const load = async (): Promise<string> => {
    let fresh: unknown
    try {
      fresh = await provider()
    } catch (cause) {
      throw new TokenProviderError('bearerAuth: the token provider failed; see `cause`', { cause })
    }
    const problem = credentialProblem(fresh, kBearer)
    if (problem !== undefined) throw new TokenProviderError(`bearerAuth: the token provider's result ${problem}`)
    current = fresh as string
    return current
  }
  const fetchToken = (): Promise<string> => {
    if (pending === undefined) {
      const call = load()
      pending = call
      const settle = (): void => {
        if (pending === call) pending = undefined
      }
      call.then(settle, settle)
    }
    return pending
  }
  /** A token newer than `stale`: the one another request already fetched, or a new call. */
  const refresh = (stale: string): Promise<string> => {
    if (current !== undefined && current !== stale) return Promise.resolve(current)
    if (current === stale) {
      // With `stale` still current, a pending call can only be the one that produced it (settled, not yet
      // cleared): start a new one.
      current = undefined
      pending = undefined
    }
    return fetchToken()
  }

  return function bearerAuthMiddleware(next: Handler): Handler {
    return async function bearerAuthHandler(request: TransportRequest): Promise<TransportResponse> {
      if (request.headers['authorization'] !== undefined) return next(request)
      const used = current ?? (await waitForToken(fetchToken(), request))
      const response = await next(withHeader(request, 'authorization', `Bearer ${used}`))
      if (response.statusCode !== 401 || !canResend(request)) return response
      const fresh = await waitForToken(refresh(used), request)
      // The provider handed back the token that was just refused: sending it again would only get another 401.
      if (fresh === used) return response
      return next(withHeader(request, 'authorization', `Bearer ${fresh}`))
    }
  }
}
