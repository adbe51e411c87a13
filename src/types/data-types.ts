/**
 * Data types as plain JSON, in the exact shape of Spark's `DataType.json` so a schema can be
 * shipped to a worker, written into a checkpoint and read back by Spark:
 * primitives are strings ('string', 'integer', 'long', ...), complex types are objects.
 *
 * Internal value representation (what compiled expressions see):
 * - timestamp: microseconds since the epoch as a number (µs-exact within ±285 years of 1970,
 *   i.e. 1685–2255; millisecond-exact far beyond)
 * - date: days since the epoch as a number
 * - long: number (bigint accepted on input and converted; values beyond 2^53 lose precision)
 * - binary: Uint8Array; array: JS array; map: Map; struct: positional JS array
 * - interval (CalendarInterval): { months, days, micros }
 */
export type PrimitiveType =
  | 'string'
  | 'boolean'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'timestamp'
  | 'date'
  | 'binary'
  | 'null'
  | 'interval';

export interface ArrayType {
  readonly type: 'array';
  readonly elementType: DataType;
  readonly containsNull: boolean;
}
export interface MapType {
  readonly type: 'map';
  readonly keyType: DataType;
  readonly valueType: DataType;
  readonly valueContainsNull: boolean;
}
export interface StructField {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly metadata: Readonly<Record<string, unknown>>;
}
export interface StructType {
  readonly type: 'struct';
  readonly fields: readonly StructField[];
}
export type DataType = PrimitiveType | ArrayType | MapType | StructType;

export interface CalendarInterval {
  readonly months: number;
  readonly days: number;
  readonly micros: number;
}

export const NUMERIC_TYPES: readonly DataType[] = ['integer', 'long', 'float', 'double'];

export function isNumeric(t: DataType): boolean {
  return t === 'integer' || t === 'long' || t === 'float' || t === 'double';
}
export function isIntegral(t: DataType): boolean {
  return t === 'integer' || t === 'long';
}
export function isStruct(t: DataType): t is StructType {
  return typeof t === 'object' && t.type === 'struct';
}
export function isArray(t: DataType): t is ArrayType {
  return typeof t === 'object' && t.type === 'array';
}
export function isMap(t: DataType): t is MapType {
  return typeof t === 'object' && t.type === 'map';
}

export function structField(
  name: string,
  type: DataType,
  nullable = true,
  metadata: Record<string, unknown> = {},
): StructField {
  return { name, type, nullable, metadata };
}

export function structType(fields: readonly StructField[]): StructType {
  return { type: 'struct', fields };
}

export function typeEquals(a: DataType, b: DataType): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return JSON.stringify(stripNullability(a)) === JSON.stringify(stripNullability(b));
}

function stripNullability(t: DataType): unknown {
  if (typeof t === 'string') return t;
  switch (t.type) {
    case 'array':
      return { a: stripNullability(t.elementType) };
    case 'map':
      return { k: stripNullability(t.keyType), v: stripNullability(t.valueType) };
    case 'struct':
      return t.fields.map((f) => [f.name, stripNullability(f.type)]);
  }
}

/** Spark's `simpleString`: `int`, `bigint`, `array<string>`, `struct<a:int,b:string>`. */
export function simpleString(t: DataType): string {
  if (typeof t === 'string') {
    switch (t) {
      case 'integer':
        return 'int';
      case 'long':
        return 'bigint';
      case 'null':
        return 'void';
      default:
        return t;
    }
  }
  switch (t.type) {
    case 'array':
      return `array<${simpleString(t.elementType)}>`;
    case 'map':
      return `map<${simpleString(t.keyType)},${simpleString(t.valueType)}>`;
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}:${simpleString(f.type)}`).join(',')}>`;
  }
}

/** Spark's `typeName` used by printSchema: `integer`, `long`, `array`, `struct`. */
export function typeName(t: DataType): string {
  return typeof t === 'string' ? t : t.type;
}

/** The wider of two types for implicit coercion (Spark's findTightestCommonType subset). */
export function widerType(a: DataType, b: DataType): DataType | undefined {
  if (typeEquals(a, b)) return a;
  if (a === 'null') return b;
  if (b === 'null') return a;
  const order: DataType[] = ['integer', 'long', 'float', 'double'];
  const ia = order.indexOf(a);
  const ib = order.indexOf(b);
  if (ia >= 0 && ib >= 0) {
    // Spark widens long+float to float, which loses precision; we follow Spark.
    return order[Math.max(ia, ib)];
  }
  if ((a === 'date' && b === 'timestamp') || (a === 'timestamp' && b === 'date')) return 'timestamp';
  if (isArray(a) && isArray(b)) {
    const e = widerType(a.elementType, b.elementType);
    return e && { type: 'array', elementType: e, containsNull: a.containsNull || b.containsNull };
  }
  if (isStruct(a) && isStruct(b) && a.fields.length === b.fields.length) {
    const fields: StructField[] = [];
    for (let i = 0; i < a.fields.length; i++) {
      const fa = a.fields[i]!;
      const fb = b.fields[i]!;
      if (fa.name !== fb.name) return undefined;
      const w = widerType(fa.type, fb.type);
      if (!w) return undefined;
      fields.push(structField(fa.name, w, fa.nullable || fb.nullable));
    }
    return structType(fields);
  }
  return undefined;
}
