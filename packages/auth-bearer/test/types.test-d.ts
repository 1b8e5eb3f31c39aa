import type { Middleware } from '@stretch/transport'
import { expectTypeOf, test } from 'vitest'
import { bearerAuth, isTokenProviderError, type TokenProvider, TokenProviderError } from '../src/index.js'

test('bearerAuth takes a token or an async provider and returns a Middleware', () => {
  expectTypeOf(bearerAuth('t')).toEqualTypeOf<Middleware>()
  expectTypeOf(bearerAuth(async () => 't')).toEqualTypeOf<Middleware>()
  expectTypeOf<TokenProvider>().returns.toEqualTypeOf<Promise<string>>()
  // @ts-expect-error a provider resolves to a string
  bearerAuth(async () => 42)
})

test('isTokenProviderError narrows', () => {
  const error: unknown = new TokenProviderError('x')
  if (isTokenProviderError(error)) expectTypeOf(error.code).toEqualTypeOf<'ES_ERR_TOKEN_PROVIDER'>()
})
