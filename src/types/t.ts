/**
 * `T`: constructors for the plain-JSON data types of `data-types.ts`, named as in PySpark
 * (`T.long()` is LongType, `T.field(name, type, nullable)` is StructField). Complex type
 * constructors also take a Spark type name (`T.array('string')`, `T.map('string', 'bigint')`).
 */
import type { ArrayType, DataType, MapType, PrimitiveType, StructField, StructType } from './data-types.js';
import { parseDataType, parseDDLSchema } from './ddl.js';

const PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveType>([
  'string',
  'boolean',
  'integer',
  'long',
  'float',
  'double',
  'timestamp',
  'date',
  'binary',
  'null',
  'interval',
]);

/**
 * A DataType from a DataType or a type name: the JSON names (`'integer'`, `'long'`, `'null'`)
 * are taken as they are, anything else is parsed as a Spark DDL type (`'int'`, `'bigint'`,
 * `'array<string>'`, `'struct<a:int>'`).
 */
export function toDataType(t: DataType | string): DataType {
  if (typeof t !== 'string') return t;
  return PRIMITIVES.has(t) ? (t as PrimitiveType) : parseDataType(t);
}

export const T = {
  string: (): 'string' => 'string',
  boolean: (): 'boolean' => 'boolean',
  int: (): 'integer' => 'integer',
  long: (): 'long' => 'long',
  float: (): 'float' => 'float',
  double: (): 'double' => 'double',
  timestamp: (): 'timestamp' => 'timestamp',
  date: (): 'date' => 'date',
  binary: (): 'binary' => 'binary',
  null: (): 'null' => 'null',
  interval: (): 'interval' => 'interval',
  array: (elementType: DataType | string, containsNull = true): ArrayType => ({
    type: 'array',
    elementType: toDataType(elementType),
    containsNull,
  }),
  map: (keyType: DataType | string, valueType: DataType | string, valueContainsNull = true): MapType => ({
    type: 'map',
    keyType: toDataType(keyType),
    valueType: toDataType(valueType),
    valueContainsNull,
  }),
  struct: (fields: readonly StructField[]): StructType => ({ type: 'struct', fields: [...fields] }),
  field: (name: string, type: DataType | string, nullable = true, metadata: Readonly<Record<string, unknown>> = {}): StructField => ({
    name,
    type: toDataType(type),
    nullable,
    metadata: { ...metadata },
  }),
  /** `T.fromDDL('a INT NOT NULL, b STRING')`, as Spark's `StructType.fromDDL`. */
  fromDDL: (ddl: string): StructType => parseDDLSchema(ddl),
  /** One type from its Spark name: `T.parse('array<bigint>')`. */
  parse: (typeText: string): DataType => parseDataType(typeText),
} as const;
