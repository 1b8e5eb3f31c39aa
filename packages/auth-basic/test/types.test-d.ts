import type { Middleware } from '@stretch/transport'
import { expectTypeOf, test } from 'vitest'
import { type BasicAuthOptions, basicAuth } from '../src/index.js'

test('basicAuth takes { username, password } or a pair and returns a Middleware', () => {
  expectTypeOf(basicAuth({ username: 'u', password: 'p' })).toEqualTypeOf<Middleware>()
  expectTypeOf(basicAuth(['u', 'p'])).toEqualTypeOf<Middleware>()
  expectTypeOf<readonly ['u', 'p']>().toExtend<BasicAuthOptions>()
  // @ts-expect-error a password is required
  basicAuth({ username: 'u' })
  // @ts-expect-error a pair has two members
  basicAuth(['u'])
  // @ts-expect-error a pre-encoded string is not accepted: it would hide a ':' in the user name
  basicAuth('dTpw')
})
