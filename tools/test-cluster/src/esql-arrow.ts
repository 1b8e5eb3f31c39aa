// ES|QL answers in Apache Arrow IPC (`format=arrow`), as Elasticsearch gives them: one record batch in the stream
// format (`application/vnd.apache.arrow.stream`), a column per ES|QL column, each nullable. Types as Elasticsearch
// maps them: long -> Int64, integer -> Int32, double -> Float64, boolean -> Bool, date -> Timestamp(ms), the string
// types (keyword, text, ip, version, ...) -> Utf8.
import {
  Bool,
  type DataType,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow'

/** The Arrow type of an ES|QL column type. */
function arrowType(type: string): DataType {
  switch (type) {
    case 'long':
    case 'unsigned_long':
      return new Int64()
    case 'integer':
      return new Int32()
    case 'double':
      return new Float64()
    case 'boolean':
      return new Bool()
    case 'date':
      return new TimestampMillisecond()
    default:
      return new Utf8()
  }
}

function cell(type: DataType, value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (type instanceof Int64) return BigInt(value as number)
  if (type instanceof TimestampMillisecond) return typeof value === 'string' ? Date.parse(value) : value
  if (type instanceof Utf8) return typeof value === 'string' ? value : JSON.stringify(value)
  return value
}

/** `columns` and `values` of an ES|QL JSON answer as Arrow IPC stream bytes. */
export function esqlToArrow(
  columns: ReadonlyArray<{ readonly name: string; readonly type: string }>,
  values: ReadonlyArray<readonly unknown[]>,
): Uint8Array {
  const fields: Field[] = []
  const children = columns.map((column, i) => {
    const type = arrowType(column.type)
    fields.push(new Field(column.name, type, true))
    return vectorFromArray(
      values.map((row) => cell(type, row[i])),
      type,
    ).data[0]
  })
  const schema = new Schema(fields)
  const data = makeData({
    type: new Struct(fields),
    length: values.length,
    nullCount: 0,
    children: children as never,
  })
  return tableToIPC(new Table(schema, [new RecordBatch(schema, data)]), 'stream')
}
