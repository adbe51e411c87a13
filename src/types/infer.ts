/**
 * Schema inference for `createDataFrame(rows)` without a schema, after PySpark's
 * `_infer_schema`/`_merge_type`, adapted to JS values:
 * integral number → long, other number → double, bigint → long, string, boolean,
 * Date → timestamp, Uint8Array → binary, array → array of the merged element type,
 * `Map` → map, plain object → struct. Every inferred field is nullable.
 *
 * Differences from PySpark, on purpose: JS has one number type, so long and double merge to
 * double instead of failing; columns keep first-seen key order across rows (PySpark sorts dict
 * keys); positional array rows get PySpark's tuple names `_1`, `_2`, ...
 */
import { RivuletError } from '../errors.js';
import type { DataType, StructField, StructType } from './data-types.js';
import { sqlType } from './ddl.js';
import { describeValue } from './convert.js';

export function inferSchema(rows: readonly Record<string, unknown>[]): StructType {
  if (rows.length === 0) {
    throw new RivuletError('CANNOT_INFER_EMPTY_SCHEMA', 'Can not infer schema from an empty dataset.');
  }
  let schema: StructType = { type: 'struct', fields: [] };
  rows.forEach((row, r) => {
    const obj: unknown = row;
    let entries: [string, unknown][];
    if (Array.isArray(obj)) entries = obj.map((v, i) => [`_${i + 1}`, v]);
    else if (typeof obj === 'object' && obj !== null && !(obj instanceof Date) && !(obj instanceof Map)) entries = Object.entries(obj);
    else {
      throw new RivuletError('CANNOT_INFER_SCHEMA_FOR_TYPE', `Can not infer schema for type: ${describeValue(obj)} (row ${r}); rows must be objects or arrays.`);
    }
    const rowType: StructType = { type: 'struct', fields: entries.map(([k, v]) => field(k, inferType(v, k))) };
    schema = mergeStruct(schema, rowType, '');
  });
  const unknown = findNull(schema, '');
  if (unknown !== undefined) {
    throw new RivuletError(
      'CANNOT_DETERMINE_TYPE',
      `Some of types cannot be determined after inferring: field '${unknown}' is null in every row. Pass a schema to set its type.`,
      { parameters: { field: unknown } },
    );
  }
  return schema;
}

function field(name: string, type: DataType): StructField {
  return { name, type, nullable: true, metadata: {} };
}

function inferType(v: unknown, path: string): DataType {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(v) ? 'long' : 'double';
    case 'bigint':
      return 'long';
    case 'object': {
      if (v instanceof Date) return 'timestamp';
      if (v instanceof Uint8Array || v instanceof ArrayBuffer) return 'binary';
      if (Array.isArray(v)) {
        let t: DataType = 'null';
        for (const e of v) t = merge(t, inferType(e, `${path}.element`), `${path}.element`);
        return { type: 'array', elementType: t, containsNull: true };
      }
      if (v instanceof Map) {
        let k: DataType = 'null';
        let val: DataType = 'null';
        for (const [key, value] of v) {
          k = merge(k, inferType(key, `${path}.key`), `${path}.key`);
          val = merge(val, inferType(value, `${path}.value`), `${path}.value`);
        }
        return { type: 'map', keyType: k, valueType: val, valueContainsNull: true };
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto === Object.prototype || proto === null) {
        return { type: 'struct', fields: Object.entries(v).map(([k, x]) => field(k, inferType(x, `${path}.${k}`))) };
      }
      break;
    }
    default:
      break;
  }
  throw new RivuletError('CANNOT_INFER_TYPE_FOR_FIELD', `Unable to infer the type of the field \`${path}\` from ${describeValue(v)}.`, {
    parameters: { field_name: path },
  });
}

function merge(a: DataType, b: DataType, path: string): DataType {
  if (a === 'null') return b;
  if (b === 'null') return a;
  if (typeof a === 'string' || typeof b === 'string') {
    if (a === b) return a;
    if ((a === 'long' && b === 'double') || (a === 'double' && b === 'long')) return 'double';
    throw conflict(a, b, path);
  }
  if (a.type === 'array' && b.type === 'array') {
    return { type: 'array', elementType: merge(a.elementType, b.elementType, `${path}.element`), containsNull: true };
  }
  if (a.type === 'map' && b.type === 'map') {
    return {
      type: 'map',
      keyType: merge(a.keyType, b.keyType, `${path}.key`),
      valueType: merge(a.valueType, b.valueType, `${path}.value`),
      valueContainsNull: true,
    };
  }
  if (a.type === 'struct' && b.type === 'struct') return mergeStruct(a, b, path);
  throw conflict(a, b, path);
}

/** Union of fields by name, in first-seen order; a field missing from one side is null there. */
function mergeStruct(a: StructType, b: StructType, path: string): StructType {
  const fields = a.fields.map((f) => {
    const other = b.fields.find((g) => g.name === f.name);
    return other ? field(f.name, merge(f.type, other.type, join(path, f.name))) : f;
  });
  for (const g of b.fields) if (!a.fields.some((f) => f.name === g.name)) fields.push(g);
  return { type: 'struct', fields };
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function conflict(a: DataType, b: DataType, path: string): RivuletError {
  return new RivuletError('CANNOT_MERGE_TYPE', `Can not merge type ${sqlType(a)} and ${sqlType(b)} in field '${path}'.`, {
    parameters: { data_type1: sqlType(a), data_type2: sqlType(b), field: path },
  });
}

/** The path of the first field whose type is still unknown (null), looking inside complex types. */
function findNull(t: DataType, path: string): string | undefined {
  if (t === 'null') return path;
  if (typeof t === 'string') return undefined;
  switch (t.type) {
    case 'array':
      return findNull(t.elementType, `${path}.element`);
    case 'map':
      return findNull(t.keyType, `${path}.key`) ?? findNull(t.valueType, `${path}.value`);
    case 'struct':
      for (const f of t.fields) {
        const p = findNull(f.type, join(path, f.name));
        if (p !== undefined) return p;
      }
      return undefined;
  }
}
