const kBrand: unique symbol = Symbol.for('@stretch/auth-bearer.token-provider-error') as never

/**
 * The token provider of {@link bearerAuth} threw, rejected, or returned something that is not a usable token. The
 * request it was fetching a token for is not sent. The provider's own error is `cause`; the message never contains
 * a token.
 *
 * It is not a `TransportError`: the transport did not fail, the application's provider did. Use
 * {@link isTokenProviderError} rather than `instanceof` (two copies of this package can coexist).
 * @public
 */
export class TokenProviderError extends Error {
  /** Always `'TokenProviderError'`. */
  override name: string = 'TokenProviderError'
  /** A stable code: `'ES_ERR_TOKEN_PROVIDER'`. */
  readonly code: 'ES_ERR_TOKEN_PROVIDER' = 'ES_ERR_TOKEN_PROVIDER'

  /**
   * @param message - what went wrong, without the token.
   * @param options - `cause`: the provider's error, if it threw.
   */
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    Object.defineProperty(this, kBrand, { value: true })
  }

  /** A plain, log-safe description: name, code and message (the cause is left out: it is the application's). */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message }
  }
}

/**
 * True for a {@link TokenProviderError}, from any copy of this package.
 * @public
 */
export function isTokenProviderError(value: unknown): value is TokenProviderError {
  return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[kBrand] === true
}
