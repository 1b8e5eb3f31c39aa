import { expectTypeOf, test } from 'vitest'
import {
  ConnectionError,
  type NodePool,
  type PoolNode,
  Transport,
  TransportError,
  type TransportOptions,
  type TransportRequestParams,
} from '../src/index.js'

test('the Transport constructor takes options only: child() is the way to share a pool', () => {
  expectTypeOf(Transport).constructorParameters.toEqualTypeOf<[options: TransportOptions]>()
})

test('no error constructor takes a code', () => {
  // @ts-expect-error TransportError is abstract: raise one of its subclasses
  new TransportError('forged')
  // @ts-expect-error the code comes from the class
  new ConnectionError('forged', {}, 'ES_ERR_TIMEOUT')
})

test('a pool implements acquire and release', () => {
  expectTypeOf<NodePool['acquire']>().toEqualTypeOf<(node: PoolNode) => void>()
  expectTypeOf<NodePool['release']>().toEqualTypeOf<(node: PoolNode) => void>()
})

test('a request may be marked readOnly', () => {
  expectTypeOf<TransportRequestParams['readOnly']>().toEqualTypeOf<boolean | undefined>()
})
