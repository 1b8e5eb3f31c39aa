import type { Middleware } from '@stretch/transport'
import { expectTypeOf, test } from 'vitest'
import { type ApiKeyAuthOptions, apiKeyAuth } from '../src/index.js'

test('apiKeyAuth takes the encoded string, { id, apiKey } or a pair and returns a Middleware', () => {
  expectTypeOf(apiKeyAuth('ZW5jb2RlZA==')).toEqualTypeOf<Middleware>()
  expectTypeOf(apiKeyAuth({ id: 'i', apiKey: 'k' })).toEqualTypeOf<Middleware>()
  expectTypeOf(apiKeyAuth(['i', 'k'])).toEqualTypeOf<Middleware>()
  expectTypeOf<string>().toExtend<ApiKeyAuthOptions>()
  // @ts-expect-error the secret is spelled apiKey
  apiKeyAuth({ id: 'i', api_key: 'k' })
  // @ts-expect-error a pair has two members
  apiKeyAuth(['i'])
})
