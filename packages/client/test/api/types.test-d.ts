// Type contracts of the generated API, checked by `tsc` (pnpm typecheck): what each call resolves to.
import type { Transport } from '@stretch/transport'
import { expectTypeOf } from 'vitest'
import type {
  ApiClient,
  ApiResponse,
  BulkResponse,
  CatIndicesResponse,
  ClusterHealthResponse,
  GetResponse,
  IndicesCreateResponse,
  IndicesGetSettingsResponse,
  InfoResponse,
  SearchResponse,
  SecurityCreateApiKeyResponse,
  SnapshotCreateRepositoryResponse,
} from '../../src/index.js'

interface Book {
  title: string
  year: number
}

declare const client: ApiClient
declare const transport: Transport

expectTypeOf(client.info()).toEqualTypeOf<Promise<InfoResponse>>()
expectTypeOf(client.info({}, { meta: true })).toEqualTypeOf<Promise<ApiResponse<InfoResponse>>>()
expectTypeOf(client.search<Book>({ index: 'books', query: { match_all: {} } })).toEqualTypeOf<
  Promise<SearchResponse<Book>>
>()
expectTypeOf(client.get<Book>({ index: 'books', id: '1' })).toEqualTypeOf<Promise<GetResponse<Book>>>()
expectTypeOf(client.index<Book>({ index: 'books', document: { title: 'Dune', year: 1965 } })).resolves.toHaveProperty(
  'result',
)
expectTypeOf(client.bulk({ operations: [{ index: {} }, { a: 1 }] })).toEqualTypeOf<Promise<BulkResponse>>()
expectTypeOf(client.bulk({ operations: '{"delete":{"_index":"a","_id":"1"}}\n' })).toEqualTypeOf<
  Promise<BulkResponse>
>()
expectTypeOf(client.indices.create({ index: 'books' })).toEqualTypeOf<Promise<IndicesCreateResponse>>()
expectTypeOf(client.cluster.health()).toEqualTypeOf<Promise<ClusterHealthResponse>>()
expectTypeOf(client.security.createApiKey({ name: 'k' })).toEqualTypeOf<Promise<SecurityCreateApiKeyResponse>>()

// HEAD APIs are booleans; with meta the body is the boolean.
expectTypeOf(client.exists({ index: 'books', id: '1' })).toEqualTypeOf<Promise<boolean>>()
expectTypeOf(client.indices.exists({ index: 'books' }, { meta: true })).toEqualTypeOf<Promise<ApiResponse<boolean>>>()
expectTypeOf(client.ping()).toEqualTypeOf<Promise<boolean>>()

// cat: text without format, JSON rows with it.
expectTypeOf(client.cat.indices()).toEqualTypeOf<Promise<string>>()
expectTypeOf(client.cat.indices({ format: 'json' })).toEqualTypeOf<Promise<CatIndicesResponse>>()
expectTypeOf(client.cat.indices({ format: 'yaml' })).toEqualTypeOf<Promise<string>>()
expectTypeOf(client.cat.indices({ v: true }, { meta: true })).toEqualTypeOf<Promise<ApiResponse<string>>>()
expectTypeOf(client.nodes.hotThreads()).toEqualTypeOf<Promise<string>>()

// Every JSON response is the specification's response type, never any.
expectTypeOf(client.indices.getSettings({ index: 'books' })).toEqualTypeOf<Promise<IndicesGetSettingsResponse>>()
expectTypeOf(
  client.snapshot.createRepository({ name: 'r', repository: { type: 'fs', settings: { location: '/backups' } } }),
).toEqualTypeOf<Promise<SnapshotCreateRepositoryResponse>>()

// Path and query types come from the specification.
expectTypeOf<Parameters<ApiClient['search']>[0]>().toMatchTypeOf<{ expand_wildcards?: unknown } | undefined>()
// @ts-expect-error `expand_wildcards` takes the specification's literals only
void client.search({ expand_wildcards: 'sometimes' })
// @ts-expect-error a required path part is required by the types too
void client.indices.putMapping({ properties: {} })

// The constructor takes a Transport.
expectTypeOf<ConstructorParameters<typeof ApiClient>>().toEqualTypeOf<[transport: Transport]>()
void transport
