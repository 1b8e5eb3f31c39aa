import { expectTypeOf, test } from 'vitest'
import {
  ConnectionError,
  type ErrorCauseBody,
  type ErrorResponseBody,
  isErrorResponseBody,
  isResponseError,
  type NodePool,
  type PoolNode,
  ResponseError,
  type ResponseErrorBody,
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

test("a ResponseError's body is Elasticsearch's error response, narrowed by a guard, or what else was sent", () => {
  expectTypeOf<ResponseError['body']>().toEqualTypeOf<ResponseErrorBody>()
  expectTypeOf<ErrorResponseBody>().toExtend<ResponseErrorBody>()
  expectTypeOf<string | Uint8Array | undefined>().toExtend<ResponseErrorBody>()
  const caught: unknown = undefined
  if (isResponseError(caught)) {
    // @ts-expect-error the body may be text, bytes or nothing: tell the error response first
    void caught.body.error
    if (isErrorResponseBody(caught.body)) {
      expectTypeOf(caught.body.error.type).toEqualTypeOf<string>()
      expectTypeOf(caught.body.error.reason).toEqualTypeOf<string | null | undefined>()
      expectTypeOf(caught.body.error.root_cause).toEqualTypeOf<ErrorCauseBody[] | undefined>()
      expectTypeOf(caught.body.error.caused_by?.type).toEqualTypeOf<string | undefined>()
      expectTypeOf(caught.body.status).toEqualTypeOf<number>()
      // @ts-expect-error a misspelled field of the error response
      void caught.body.stauts
      // @ts-expect-error a misspelled field of the error response
      void caught.body.eror
    }
  }
  // @ts-expect-error a body is decoded JSON, text or bytes, not any value
  new ResponseError({ statusCode: 500, body: new Map(), headers: {} })
})
