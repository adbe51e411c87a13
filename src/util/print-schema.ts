/**
 * Spark's `StructType.treeString` (what `printSchema()` prints):
 *
 *     root
 *      |-- a: long (nullable = true)
 *      |-- s: struct (nullable = true)
 *      |    |-- x: string (nullable = true)
 *      |-- xs: array (nullable = true)
 *      |    |-- element: integer (containsNull = true)
 *      |-- m: map (nullable = true)
 *      |    |-- key: string
 *      |    |-- value: long (valueContainsNull = true)
 *
 * Type names are Spark's `typeName` (`integer`, `long`, `void` for the null type, `interval`);
 * field names have control characters escaped as Spark 3.5+ does.
 */
import type { DataType, StructType } from '../types/data-types.js';
import { escapeMetaCharacters } from './format-table.js';

/** `level` limits the nesting depth printed (Spark's `printSchema(level)`); 0 or less = all. */
export function treeString(schema: StructType, level = 0): string {
  const depth = level > 0 ? level : Number.MAX_SAFE_INTEGER;
  let out = 'root\n';
  for (const f of schema.fields) {
    out += field(f.name, f.type, f.nullable, ' |', depth);
  }
  return out;
}

function field(name: string, type: DataType, nullable: boolean, prefix: string, depth: number): string {
  if (depth <= 0) return '';
  return `${prefix}-- ${escapeMetaCharacters(name)}: ${typeName(type)} (nullable = ${nullable})\n${nested(type, `${prefix}    |`, depth)}`;
}

function nested(type: DataType, prefix: string, depth: number): string {
  if (typeof type === 'string') return '';
  const d = depth - 1;
  if (d <= 0) return '';
  switch (type.type) {
    case 'struct':
      return type.fields.map((f) => field(f.name, f.type, f.nullable, prefix, d)).join('');
    case 'array':
      return (
        `${prefix}-- element: ${typeName(type.elementType)} (containsNull = ${type.containsNull})\n` +
        nested(type.elementType, `${prefix}    |`, d)
      );
    case 'map':
      return (
        `${prefix}-- key: ${typeName(type.keyType)}\n${nested(type.keyType, `${prefix}    |`, d)}` +
        `${prefix}-- value: ${typeName(type.valueType)} (valueContainsNull = ${type.valueContainsNull})\n` +
        nested(type.valueType, `${prefix}    |`, d)
      );
  }
}

function typeName(t: DataType): string {
  if (typeof t === 'string') return t === 'null' ? 'void' : t;
  return t.type;
}
