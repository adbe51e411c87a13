/**
 * External JS values (what users pass and get back) ↔ internal values (see data-types.ts).
 *
 * Input rules, per type:
 * - timestamp: `Date`, epoch-milliseconds number, or ISO-8601 string (`2024-01-01T10:00:00.123456Z`,
 *   a space instead of `T`, or a bare date). A string without a zone is read as UTC (rivulet's
 *   session time zone is UTC). Stored as epoch microseconds; strings keep microsecond digits.
 * - date: `Date` (its UTC day), `'YYYY-MM-DD'` (or an ISO timestamp, truncated), or a number of
 *   epoch **milliseconds** like timestamps (not epoch days), floored to the day.
 * - long: integral number or bigint (bigint beyond 2^53 loses precision); int: integral number in
 *   32-bit range; float/double: any number (float is not rounded to 32 bits).
 * - binary: Uint8Array (or ArrayBuffer); map: `Map` or plain object; struct: plain object by
 *   field name (extra keys are ignored, as PySpark does) or a positional array.
 * - interval: `{ months, days, micros }` or an interval string (`'10 seconds'`).
 * `null` and `undefined` are null.
 *
 * Output: timestamp → `Date` (sub-millisecond digits dropped), date → `Date` at UTC midnight,
 * struct → plain object, map → `Map` (keys may be any type, so a plain object would be lossy),
 * interval → `{ months, days, micros }`, binary → Uint8Array.
 */
import { RivuletError } from '../errors.js';
import type { DataType, StructType } from './data-types.js';
import { sqlType } from './ddl.js';
import { MICROS_PER_DAY, parseInterval } from './interval.js';

const MS_PER_DAY = 86_400_000;

/** Converts one external value to its internal form; `path` names the column in errors (`s.a`). */
export function toInternal(value: unknown, type: DataType, path: string): unknown {
  return convert(value, type, path, '');
}

/**
 * Converts row objects (or positional arrays) to internal positional rows, checking types and
 * NOT NULL fields; errors name the row index and the column. The per-column converters are built
 * once per call (column paths included), so a row costs no string building unless it is bad.
 */
export function validateRows(rows: readonly unknown[], schema: StructType): unknown[][] {
  const fields = schema.fields;
  const n = fields.length;
  const converters = fields.map((f) => converterFor(f.type, f.name));
  const out: unknown[][] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const isArray = Array.isArray(row);
    if (isArray) {
      if (row.length !== n) {
        throw new RivuletError('INVALID_ROW_VALUE', `${whereOf(r)}expected ${n} values (${fields.map((f) => f.name).join(', ')}), got ${row.length}.`, {
          parameters: { row: String(r) },
        });
      }
    } else if (!isPlainObject(row)) {
      throw new RivuletError('INVALID_ROW_VALUE', `${whereOf(r)}expected an object or an array, got ${describeValue(row)}.`, { parameters: { row: String(r) } });
    }
    const values: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const f = fields[i]!;
      const v = isArray ? (row as unknown[])[i] : (row as Record<string, unknown>)[f.name];
      const o = converters[i]!(v, r);
      if (o === null && !f.nullable) throw notNullable(f.name, whereOf(r));
      values[i] = o;
    }
    out[r] = values;
  }
  return out;
}

/** Converts one value of a known column; `row` (or -1) only feeds error messages. */
type Converter = (value: unknown, row: number) => unknown;

function whereOf(row: number): string {
  return row < 0 ? '' : `row ${row}, `;
}

/**
 * A converter for `type` at column `path`, with fast paths for the common types and structs
 * (field paths computed here, not per value); everything else goes through `convert`.
 */
function converterFor(type: DataType, path: string): Converter {
  const general: Converter = (v, r) => convert(v, type, path, whereOf(r));
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        return (v, r) => (v === null || v === undefined ? null : typeof v === 'string' ? v : general(v, r));
      case 'double':
      case 'float':
        return (v, r) => (v === null || v === undefined ? null : typeof v === 'number' ? v : general(v, r));
      case 'long':
        return (v, r) => (typeof v === 'number' && Number.isInteger(v) ? v : general(v, r));
      case 'integer':
        return (v, r) => (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? v : general(v, r));
      case 'boolean':
        return (v, r) => (typeof v === 'boolean' ? v : general(v, r));
      case 'timestamp':
        // Epoch milliseconds, as convert() rounds them (fractional ms must not become x.9999).
        return (v, r) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 1000) : general(v, r));
      default:
        return general;
    }
  }
  if (type.type !== 'struct') return general;
  const fields = type.fields;
  const n = fields.length;
  const paths = fields.map((f) => `${path}.${f.name}`);
  const converters = fields.map((f, i) => converterFor(f.type, paths[i]!));
  return (v, r) => {
    if (v === null || v === undefined) return null;
    const isArray = Array.isArray(v);
    if (isArray ? v.length !== n : !isPlainObject(v)) throw mismatch(v, type, path, whereOf(r));
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const f = fields[i]!;
      const o = converters[i]!(isArray ? (v as unknown[])[i] : (v as Record<string, unknown>)[f.name], r);
      if (o === null && !f.nullable) throw notNullable(paths[i]!, whereOf(r));
      out[i] = o;
    }
    return out;
  };
}

/** Converts one internal value to what users see in collected rows. */
export function toExternal(value: unknown, type: DataType): unknown {
  if (value === null || value === undefined) return null;
  if (typeof type === 'string') {
    switch (type) {
      case 'timestamp':
        return new Date(Math.floor((value as number) / 1000));
      case 'date':
        return new Date((value as number) * MS_PER_DAY);
      case 'interval': {
        const i = value as { months: number; days: number; micros: number };
        return { months: i.months, days: i.days, micros: i.micros };
      }
      default:
        return value;
    }
  }
  switch (type.type) {
    case 'array':
      return (value as unknown[]).map((v) => toExternal(v, type.elementType));
    case 'map': {
      const out = new Map<unknown, unknown>();
      for (const [k, v] of value as Map<unknown, unknown>) out.set(toExternal(k, type.keyType), toExternal(v, type.valueType));
      return out;
    }
    case 'struct':
      return rowToObject(value as readonly unknown[], type);
  }
}

/** A positional internal row → `{ column: externalValue }`. */
export function rowToObject(row: readonly unknown[], schema: StructType): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  schema.fields.forEach((f, i) => {
    o[f.name] = toExternal(row[i], f.type);
  });
  return o;
}

function convert(value: unknown, type: DataType, path: string, where: string): unknown {
  if (value === null || value === undefined) return null;
  const bad = (): RivuletError => mismatch(value, type, path, where);
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        if (typeof value !== 'string') throw bad();
        return value;
      case 'boolean':
        if (typeof value !== 'boolean') throw bad();
        return value;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < -2147483648 || value > 2147483647) throw bad();
        return value;
      case 'long':
        if (typeof value === 'bigint') {
          if (value < -(2n ** 63n) || value >= 2n ** 63n) throw bad();
          return Number(value);
        }
        if (typeof value !== 'number' || !Number.isInteger(value)) throw bad();
        return value;
      case 'float':
      case 'double':
        if (typeof value !== 'number') throw bad();
        return value;
      case 'timestamp':
        return toMicros(value, bad);
      case 'date': {
        if (typeof value === 'string') {
          const m = /^\s*([+-]?\d{4,6})-(\d{2})-(\d{2})\s*$/.exec(value);
          if (m) return epochDays(Number(m[1]), Number(m[2]), Number(m[3]), bad);
        }
        return Math.floor(toMicros(value, bad) / MICROS_PER_DAY);
      }
      case 'binary':
        if (value instanceof Uint8Array) return value;
        if (value instanceof ArrayBuffer) return new Uint8Array(value);
        throw bad();
      case 'interval':
        if (typeof value === 'string') {
          try {
            return parseInterval(value);
          } catch {
            throw bad();
          }
        }
        if (isPlainObject(value) && ['months', 'days', 'micros'].every((k) => typeof value[k] === 'number')) {
          return { months: value['months'], days: value['days'], micros: value['micros'] };
        }
        throw bad();
      case 'null':
        throw bad();
    }
  }
  switch (type.type) {
    case 'array': {
      if (!Array.isArray(value)) throw bad();
      return value.map((v, i) => {
        const p = `${path}[${i}]`;
        const out = convert(v, type.elementType, p, where);
        if (out === null && !type.containsNull) throw notNullable(p, where);
        return out;
      });
    }
    case 'map': {
      let entries: Iterable<[unknown, unknown]>;
      if (value instanceof Map) entries = value.entries();
      else if (isPlainObject(value)) entries = Object.entries(value);
      else throw bad();
      const out = new Map<unknown, unknown>();
      for (const [k, v] of entries) {
        // Plain-object keys are always strings; read numeric keys for numeric key types.
        const key = convert(typeof k === 'string' && numericKey(type.keyType) && k.trim() !== '' ? Number(k) : k, type.keyType, `${path}.key`, where);
        if (key === null) throw new RivuletError('NULL_MAP_KEY', `${where}column '${path}': cannot use null as map key.`, { parameters: { column: path } });
        const p = `${path}[${JSON.stringify(String(k))}]`;
        const val = convert(v, type.valueType, p, where);
        if (val === null && !type.valueContainsNull) throw notNullable(p, where);
        out.set(key, val);
      }
      return out;
    }
    case 'struct': {
      const fields = type.fields;
      let get: (i: number) => unknown;
      if (Array.isArray(value)) {
        if (value.length !== fields.length) throw bad();
        get = (i) => value[i];
      } else if (isPlainObject(value)) {
        get = (i) => value[fields[i]!.name];
      } else {
        throw bad();
      }
      return fields.map((f, i) => {
        const p = `${path}.${f.name}`;
        const out = convert(get(i), f.type, p, where);
        if (out === null && !f.nullable) throw notNullable(p, where);
        return out;
      });
    }
  }
}

function numericKey(t: DataType): boolean {
  return t === 'integer' || t === 'long' || t === 'float' || t === 'double';
}

function toMicros(value: unknown, bad: () => RivuletError): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw bad();
    return ms * 1000;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw bad();
    // Round so fractional milliseconds like 1.001 do not become 1000.9999999999999.
    return Math.round(value * 1000);
  }
  if (typeof value === 'string') return parseTimestamp(value, bad);
  throw bad();
}

const ISO =
  /^\s*([+-]?\d{4,6})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

function parseTimestamp(s: string, bad: () => RivuletError): number {
  const m = ISO.exec(s);
  if (!m) throw bad();
  const [h, mi, sec] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || sec > 59) throw bad();
  const days = epochDays(Number(m[1]), Number(m[2]), Number(m[3]), bad);
  const frac = Number((m[7] ?? '').padEnd(6, '0').slice(0, 6));
  let offsetMin = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0));
  }
  return days * MICROS_PER_DAY + ((h * 60 + mi - offsetMin) * 60 + sec) * 1_000_000 + frac;
}

function epochDays(y: number, mo: number, d: number, bad: () => RivuletError): number {
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const check = new Date(0);
  check.setUTCFullYear(y, mo - 1, d);
  if (mo < 1 || mo > 12 || check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) throw bad();
  return Math.round(check.getTime() / MS_PER_DAY);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function mismatch(value: unknown, type: DataType, path: string, where: string): RivuletError {
  const expected = sqlType(type);
  return new RivuletError('FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME', `${where}column '${path}': expected ${expected}, got ${describeValue(value)}.`, {
    parameters: { column: path, expected, actual: describeValue(value) },
  });
}

function notNullable(path: string, where: string): RivuletError {
  return new RivuletError('FIELD_NOT_NULLABLE_WITH_NAME', `${where}column '${path}': the field is not nullable, but got null.`, {
    parameters: { column: path },
  });
}

/** `string "x"`, `number 1.5`, `Date 2024-01-01T00:00:00.000Z`, `object {"a":1}` (shortened). */
export function describeValue(v: unknown): string {
  const short = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}...` : s);
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  switch (typeof v) {
    case 'string':
      return `string ${short(JSON.stringify(v))}`;
    case 'number':
    case 'boolean':
      return `${typeof v} ${String(v)}`;
    case 'bigint':
      return `bigint ${v}n`;
    case 'object': {
      if (v instanceof Date) return `Date ${Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString()}`;
      if (Array.isArray(v)) return `array ${short(safeJson(v))}`;
      if (v instanceof Map) return `Map of size ${v.size}`;
      if (v instanceof Uint8Array) return `Uint8Array of length ${v.length}`;
      const name = (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)?.constructor?.name;
      return `${name && name !== 'Object' ? name : 'object'} ${short(safeJson(v))}`;
    }
    default:
      return typeof v;
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v);
  } catch {
    return String(v);
  }
}
