import type { Client, EsqlQueryRequest } from '@stretch/client'
import { ConfigurationError, DeserializationError } from '@stretch/transport'
import type { Table, TypeMap } from 'apache-arrow'
import { describe } from './internal.js'
import { loadArrow } from './load-arrow.js'

// The origin of the helper's requests, for instrumentation (RequestOptions.origin); never sent.
const kOrigin = { origin: 'helpers.esql' } as const

/**
 * A column of an ES|QL answer.
 * @public
 */
export interface EsqlColumn {
  /** The column name (dotted for a nested field: `address.city`). */
  readonly name: string
  /** The ES|QL type: `keyword`, `long`, `double`, `boolean`, `date`, ... */
  readonly type: string
}

/**
 * What `toRecords()` resolves to.
 * @public
 */
export interface EsqlRecords<TRow> {
  /** One object per row, keyed by column name. */
  readonly records: TRow[]
  /** The columns, in the answer's order. */
  readonly columns: EsqlColumn[]
}

/**
 * What {@link esql} returns.
 * @public
 */
export interface EsqlHelper {
  /** Runs the query and turns the answer's rows into objects keyed by column name. */
  toRecords<TRow = Record<string, unknown>>(): Promise<EsqlRecords<TRow>>
  /**
   * Runs the query with `format=arrow` and reads the answer (Arrow IPC) into an `apache-arrow` `Table`: columnar,
   * typed (`long` columns are `Int64`, read as `bigint`), without a JSON parse of the rows. Needs the optional peer
   * dependency `apache-arrow` (`npm install apache-arrow`); without it, rejects with an `ArrowMissingError`.
   */
  toArrowTable<TTypes extends TypeMap = TypeMap>(): Promise<Table<TTypes>>
}

/**
 * The part of the client `esql` uses.
 * @public
 */
export interface EsqlClient {
  /** The ES|QL API of the client. */
  readonly esql: Pick<Client['esql'], 'query'>
}

/**
 * An ES|QL query whose answer comes back as typed row objects.
 *
 * @param client - a `@stretch/client` `Client`.
 * @param query - the query text, or an `esql.query` request (`query`, `params`, `filter`, ...; `format` and
 *   `columnar` are set by the helper).
 * @param options - `signal` to abort the request.
 * @example
 * ```ts
 * const { records } = await esql(client, 'FROM books | KEEP title, year | LIMIT 10').toRecords<{ title: string; year: number }>()
 * ```
 * @public
 */
export function esql(
  client: EsqlClient,
  query: string | EsqlQueryRequest,
  options: { readonly signal?: AbortSignal | undefined } = {},
): EsqlHelper {
  const request: EsqlQueryRequest = typeof query === 'string' ? { query } : query
  if (request === null || typeof request !== 'object' || typeof request.query !== 'string' || request.query === '') {
    throw new ConfigurationError(
      `esql: pass the query text or { query: 'FROM my-index | LIMIT 10' } (got ${describe(query)})`,
    )
  }
  return {
    async toRecords<TRow = Record<string, unknown>>(): Promise<EsqlRecords<TRow>> {
      const { format: _format, columnar: _columnar, ...rest } = request
      const body = (await client.esql.query(
        { ...rest, format: 'json', columnar: false },
        options.signal === undefined ? kOrigin : { signal: options.signal, ...kOrigin },
      )) as { columns?: unknown; values?: unknown }
      if (!Array.isArray(body?.columns) || !Array.isArray(body?.values)) {
        throw new DeserializationError('esql: the answer has no `columns` and `values` (not an ES|QL JSON answer)')
      }
      const columns = body.columns as EsqlColumn[]
      const names = columns.map((c) => c.name)
      const records = (body.values as unknown[][]).map((row) => {
        const record: Record<string, unknown> = {}
        for (let i = 0; i < names.length; i++) record[names[i] as string] = row[i] ?? null
        return record as TRow
      })
      return { records, columns }
    },
    async toArrowTable<TTypes extends TypeMap = TypeMap>(): Promise<Table<TTypes>> {
      // Loaded first: without the package, nothing is sent.
      const arrow = await loadArrow('esql: toArrowTable()')
      const { format: _format, columnar: _columnar, ...rest } = request
      const body = (await client.esql.query(
        { ...rest, format: 'arrow' },
        options.signal === undefined ? kOrigin : { signal: options.signal, ...kOrigin },
      )) as unknown
      if (!(body instanceof Uint8Array)) {
        throw new DeserializationError(
          'esql: the answer to format=arrow is not Arrow IPC (no application/vnd.apache.arrow.stream content type)',
        )
      }
      return arrow.tableFromIPC(body) as Table<TTypes>
    },
  }
}
