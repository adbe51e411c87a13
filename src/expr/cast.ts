/**
 * Spark's CAST (`Cast.scala`) on internal values.
 *
 * Legacy (non-ANSI) mode, Spark's default before 4.0: malformed input gives null. With
 * `ansi: true` malformed strings raise CAST_INVALID_INPUT and numeric overflow CAST_OVERFLOW, with
 * Spark's messages. Rules worth knowing (all as in Spark):
 * - string → int/long: trimmed, `'1.5'` → 1 (the fraction is checked, then dropped; ANSI rejects
 *   it), out of range → null. string → double: Java `Double.parseDouble` plus `inf`/`nan` spellings.
 * - double → int/long truncates toward zero and *saturates* (Java's `(int) d`; NaN → 0);
 *   long → int *wraps* (Java's `(int) l`). ANSI raises CAST_OVERFLOW instead of either.
 * - integral → timestamp counts seconds; double → timestamp seconds with fraction (NaN → null);
 *   timestamp → long is whole seconds (floor); timestamp → double seconds with fraction.
 * - date → numeric and date → boolean are null (Hive compatibility); boolean → timestamp is 1 µs.
 * - anything → string: doubles print as Java's `Double.toString` (`1.0`, `1.0E10`), timestamps as
 *   `yyyy-MM-dd HH:mm:ss[.ffffff]` (trailing zeros trimmed) in the session time zone, arrays as
 *   `[1, null]`, structs as `{1, a}`, maps as `{a -> 1}`.
 * - float values are kept as JS numbers (see types/data-types.ts); casts to float only map
 *   values beyond float range to ±Infinity, and float → string prints the shortest float digits.
 *
 * Dates, timestamps and time zones: types/temporal.ts (re-exported from here).
 */
import { RivuletError } from '../errors.js';
import { isIntegral, isNumeric, typeEquals, type CalendarInterval, type DataType } from '../types/data-types.js';
import { sqlType } from '../types/ddl.js';
import { formatInterval, parseInterval } from '../types/interval.js';
import { javaDoubleString, javaFloatString } from '../util/java-number.js';
import type { Expr } from './ast.js';
import {
  daysToMicros,
  floorDiv,
  formatDate,
  formatTimestamp,
  formatTimestampIn,
  getTimeZone,
  MICROS_PER_SECOND,
  microsToDays,
  parseDate,
  parseTimestamp,
  trimBounds,
} from '../types/temporal.js';
// The calendar, time-zone and timestamp-string code moved to types/temporal.ts; re-exported
// here for the many modules that import it with CAST.
export * from '../types/temporal.js';

const FLOAT_MAX = 3.4028234663852886e38;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
// Long.MAX_VALUE is 2^63 - 1, which rounds to 2^63 as a double: saturating to it is what Java's
// `(long) d` gives once the result is a double again.
const LONG_MAX = 2 ** 63;
const LONG_MIN = -(2 ** 63);

export interface CastOptions {
  readonly ansi: boolean;
  readonly timeZone: string;
}

// ---------------------------------------------------------------------------------------------
// Numbers as Java prints and parses them
// ---------------------------------------------------------------------------------------------

/** Java's `Double.toString` / `Float.toString` (util/java-number.ts, shared with show()). */
export const javaDoubleToString = javaDoubleString;
export const javaFloatToString = javaFloatString;

/**
 * UTF8String.toInt/toLong: trimmed, optional sign, digits, optionally `.digits` (dropped) when
 * `allowDecimal`; null when malformed or out of [min, max].
 */
export function parseIntegral(s: string, allowDecimal: boolean, long: boolean): number | null {
  const [start, end] = trimBounds(s);
  if (start === end) return null;
  let j = start;
  const negative = s[j] === '-';
  if (negative || s[j] === '+') {
    if (end - j === 1) return null;
    j++;
  }
  const digitsStart = j;
  while (j < end) {
    const c = s.charCodeAt(j);
    if (c === 46 /* . */ && allowDecimal) break;
    if (c < 48 || c > 57) return null;
    j++;
  }
  const intDigits = s.slice(digitsStart, j);
  if (j < end) {
    for (let k = j + 1; k < end; k++) {
      const c = s.charCodeAt(k);
      if (c < 48 || c > 57) return null;
    }
  }
  const trimmed = intDigits.replace(/^0+/, '');
  if (trimmed.length === 0) return 0;
  if (!long) {
    if (trimmed.length > 10) return null;
    const v = negative ? -Number(trimmed) : Number(trimmed);
    return v < INT_MIN || v > INT_MAX ? null : v;
  }
  if (trimmed.length > 19) return null;
  if (trimmed.length >= 18) {
    const big = negative ? -BigInt(trimmed) : BigInt(trimmed);
    if (big < -(2n ** 63n) || big >= 2n ** 63n) return null;
    return Number(big);
  }
  return negative ? -Number(trimmed) : Number(trimmed);
}

const JAVA_DECIMAL = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
const JAVA_HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)[fFdD]?$/;

/** Java's `Double.parseDouble` (after `trim`), then Spark's `inf`/`infinity`/`nan` spellings. */
export function parseJavaDouble(s: string): number | null {
  let i = 0;
  let j = s.length;
  while (i < j && s.charCodeAt(i) <= 0x20) i++;
  while (j > i && s.charCodeAt(j - 1) <= 0x20) j--;
  const t = s.slice(i, j);
  if (JAVA_DECIMAL.test(t)) {
    const body = /[fFdD]$/.test(t) ? t.slice(0, -1) : t;
    return Number(body);
  }
  const hex = JAVA_HEX.exec(t);
  if (hex && (hex[2]!.length > 0 || (hex[3] ?? '').length > 0)) {
    const frac = hex[3] ?? '';
    const mant = parseInt(`${hex[2] || '0'}${frac}`, 16);
    const v = mant * 2 ** (Number(hex[4]) - 4 * frac.length);
    return hex[1] === '-' ? -v : v;
  }
  switch (t.toLowerCase()) {
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    case 'nan':
      return NaN;
    default:
      return null;
  }
}

const TRUE_STRINGS = new Set(['t', 'true', 'y', 'yes', '1']);
const FALSE_STRINGS = new Set(['f', 'false', 'n', 'no', '0']);

/** Spark's StringUtils.isTrueString/isFalseString after `trimAll`; null when neither. */
export function parseBoolean(s: string): boolean | null {
  const t = s.replace(/^[\s\x00-\x1f\x7f-\x9f]+|[\s\x00-\x1f\x7f-\x9f]+$/g, '').toLowerCase();
  if (TRUE_STRINGS.has(t)) return true;
  if (FALSE_STRINGS.has(t)) return false;
  return null;
}

/** Java's `(int) d`: truncates, saturates, NaN → 0. */
export function doubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= INT_MAX) return INT_MAX;
  if (d <= INT_MIN) return INT_MIN;
  return Math.trunc(d) + 0;
}

/** Java's `(long) d`: truncates, saturates, NaN → 0. */
export function doubleToLong(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= LONG_MAX) return LONG_MAX;
  if (d <= LONG_MIN) return LONG_MIN;
  return Math.trunc(d) + 0;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

export function utf8Encode(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

export function utf8Decode(b: Uint8Array): string {
  return utf8Decoder.decode(b);
}

// ---------------------------------------------------------------------------------------------
// canCast / compileCast
// ---------------------------------------------------------------------------------------------

/** Spark's `Cast.canCast` (legacy mode). */
export function canCast(from: DataType, to: DataType): boolean {
  if (typeEquals(from, to)) return true;
  if (from === 'null') return true;
  if (to === 'string') return true;
  if (typeof from === 'string' && typeof to === 'string') {
    switch (to) {
      case 'binary':
        return from === 'string' || isIntegral(from);
      case 'boolean':
        return from === 'string' || from === 'date' || from === 'timestamp' || isNumeric(from);
      case 'timestamp':
        return from === 'string' || from === 'boolean' || from === 'date' || isNumeric(from);
      case 'date':
        return from === 'string' || from === 'timestamp';
      case 'interval':
        return from === 'string';
      case 'integer':
      case 'long':
      case 'float':
      case 'double':
        return from === 'string' || from === 'boolean' || from === 'date' || from === 'timestamp' || isNumeric(from);
      default:
        return false;
    }
  }
  if (typeof from === 'string' || typeof to === 'string') return false;
  if (from.type === 'array' && to.type === 'array') return canCast(from.elementType, to.elementType);
  if (from.type === 'map' && to.type === 'map') {
    return canCast(from.keyType, to.keyType) && !forceNullable(from.keyType, to.keyType) && canCast(from.valueType, to.valueType);
  }
  if (from.type === 'struct' && to.type === 'struct') {
    return from.fields.length === to.fields.length && from.fields.every((f, i) => canCast(f.type, to.fields[i]!.type));
  }
  return false;
}

/** Spark's `Cast.forceNullable`: whether a cast of a non-null value may produce null. */
export function forceNullable(from: DataType, to: DataType): boolean {
  if (from === 'null' || typeEquals(from, to)) return false;
  if (from === 'string') return to !== 'binary';
  if (to === 'string') return false;
  if ((from === 'float' || from === 'double') && (to === 'timestamp' || to === 'integer' || to === 'long')) return true;
  if (from === 'timestamp' && to === 'date') return false;
  if (to === 'date') return true;
  if (from === 'date' && to === 'timestamp') return false;
  if (from === 'date') return true;
  if (to === 'interval') return true;
  return false;
}

type Cast = (v: unknown) => unknown;

/**
 * A function casting one NON-NULL internal value of type `from` to `to` (null when the value
 * cannot be converted in legacy mode). Throws DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION when
 * Spark would not allow the cast at all.
 */
export function compileCast(from: DataType, to: DataType, opts: CastOptions): Cast {
  if (!canCast(from, to)) {
    const src = `"${sqlType(from)}"`;
    const target = `"${sqlType(to)}"`;
    throw new RivuletError('DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION', `cannot cast ${src} to ${target}.`, {
      parameters: { srcType: src, targetType: target },
    });
  }
  return build(from, to, opts);
}

const identity: Cast = (v) => v;

function build(from: DataType, to: DataType, o: CastOptions): Cast {
  if (typeEquals(from, to)) return identity;
  if (from === 'null') return () => null;
  if (typeof to === 'object') {
    if (to.type === 'array' && typeof from === 'object' && from.type === 'array') {
      const el = build(from.elementType, to.elementType, o);
      return (v) => (v as readonly unknown[]).map((e) => (e === null || e === undefined ? null : el(e)));
    }
    if (to.type === 'map' && typeof from === 'object' && from.type === 'map') {
      const k = build(from.keyType, to.keyType, o);
      const val = build(from.valueType, to.valueType, o);
      return (v) => {
        const out = new Map<unknown, unknown>();
        for (const [mk, mv] of v as Map<unknown, unknown>) out.set(k(mk), mv === null || mv === undefined ? null : val(mv));
        return out;
      };
    }
    if (to.type === 'struct' && typeof from === 'object' && from.type === 'struct') {
      const fs = from.fields.map((f, i) => build(f.type, to.fields[i]!.type, o));
      return (v) => fs.map((f, i) => {
        const x = (v as readonly unknown[])[i];
        return x === null || x === undefined ? null : f(x);
      });
    }
    return unsupported(from, to);
  }
  switch (to) {
    case 'string':
      return toStringCast(from, o);
    case 'boolean':
      return toBooleanCast(from, o);
    case 'integer':
    case 'long':
      return toIntegralCast(from, to, o);
    case 'float':
    case 'double':
      return toFractionalCast(from, to, o);
    case 'timestamp':
      return toTimestampCast(from, o);
    case 'date':
      return toDateCast(from, o);
    case 'binary':
      return toBinaryCast(from);
    case 'interval':
      return (v) => {
        try {
          return parseInterval(v as string);
        } catch {
          return null;
        }
      };
    default:
      return unsupported(from, to);
  }
}

function unsupported(from: DataType, to: DataType): never {
  throw new RivuletError('DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION', `cannot cast "${sqlType(from)}" to "${sqlType(to)}".`);
}

/** Spark's `toSQLValue` rendering used in cast error messages. */
function sqlValue(v: unknown, t: DataType, o: CastOptions): string {
  switch (t) {
    case 'string':
      return `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'long':
      return `${String(v)}L`;
    case 'double':
      return Number.isFinite(v) ? `${javaDoubleToString(v as number)}D` : `CAST('${javaDoubleToString(v as number)}' AS DOUBLE)`;
    case 'float':
      return Number.isFinite(v) ? `${javaFloatToString(v as number)}F` : `CAST('${javaFloatToString(v as number)}' AS FLOAT)`;
    case 'timestamp':
      return `TIMESTAMP '${formatTimestamp(v as number, o.timeZone)}'`;
    case 'date':
      return `DATE '${formatDate(v as number)}'`;
    default:
      return String(v);
  }
}

function invalidInput(v: unknown, from: DataType, to: DataType, o: CastOptions): RivuletError {
  const value = sqlValue(v, from, o);
  const src = `"${sqlType(from)}"`;
  const target = `"${sqlType(to)}"`;
  return new RivuletError(
    'CAST_INVALID_INPUT',
    `The value ${value} of the type ${src} cannot be cast to ${target} because it is malformed. ` +
      'Correct the value as per the syntax, or change its target type. Use `try_cast` to tolerate malformed input and return NULL instead.',
    { parameters: { expression: value, sourceType: src, targetType: target } },
  );
}

function overflow(v: unknown, from: DataType, to: DataType, o: CastOptions): RivuletError {
  const value = sqlValue(v, from, o);
  const src = `"${sqlType(from)}"`;
  const target = `"${sqlType(to)}"`;
  return new RivuletError(
    'CAST_OVERFLOW',
    `The value ${value} of the type ${src} cannot be cast to ${target} due to an overflow. Use \`try_cast\` to tolerate overflow and return NULL instead.`,
    { parameters: { value, sourceType: src, targetType: target } },
  );
}

/** A caster that returns null in legacy mode and raises CAST_INVALID_INPUT in ANSI mode. */
function orInvalid(from: DataType, to: DataType, o: CastOptions, f: (v: never) => unknown): Cast {
  return (v) => {
    const r = f(v as never);
    if (r === null && o.ansi) throw invalidInput(v, from, to, o);
    return r;
  };
}

function toStringCast(from: DataType, o: CastOptions): Cast {
  if (typeof from === 'object') {
    switch (from.type) {
      case 'array': {
        const el = toStringCast(from.elementType, o);
        return (v) => `[${(v as readonly unknown[]).map((e) => (e === null || e === undefined ? 'null' : (el(e) as string))).join(', ')}]`;
      }
      case 'map': {
        const k = toStringCast(from.keyType, o);
        const val = toStringCast(from.valueType, o);
        return (v) => {
          const parts: string[] = [];
          for (const [mk, mv] of v as Map<unknown, unknown>) {
            parts.push(`${k(mk) as string} ->${mv === null || mv === undefined ? ' null' : ` ${val(mv) as string}`}`);
          }
          return `{${parts.join(', ')}}`;
        };
      }
      case 'struct': {
        const fs = from.fields.map((f) => toStringCast(f.type, o));
        return (v) => `{${fs.map((f, i) => {
          const x = (v as readonly unknown[])[i];
          return x === null || x === undefined ? 'null' : (f(x) as string);
        }).join(', ')}}`;
      }
    }
  }
  switch (from) {
    case 'string':
      return identity;
    case 'double':
      return (v) => javaDoubleToString(v as number);
    case 'float':
      return (v) => javaFloatToString(v as number);
    case 'timestamp': {
      const zone = getTimeZone(o.timeZone);
      return (v) => formatTimestampIn(v as number, zone);
    }
    case 'date':
      return (v) => formatDate(v as number);
    case 'binary':
      return (v) => utf8Decode(v as Uint8Array);
    case 'interval':
      return (v) => formatInterval(v as CalendarInterval);
    case 'null':
      return () => null;
    default:
      return (v) => String(v);
  }
}

function toBooleanCast(from: DataType, o: CastOptions): Cast {
  switch (from) {
    case 'string':
      return orInvalid(from, 'boolean', o, (v: string) => parseBoolean(v));
    case 'date':
      return () => null;
    case 'timestamp':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return (v) => v !== 0;
    default:
      return unsupported(from, 'boolean');
  }
}

function toIntegralCast(from: DataType, to: 'integer' | 'long', o: CastOptions): Cast {
  const long = to === 'long';
  switch (from) {
    case 'string':
      return orInvalid(from, to, o, (v: string) => parseIntegral(v, !o.ansi, long));
    case 'boolean':
      return (v) => (v ? 1 : 0);
    case 'date':
      return () => null;
    case 'timestamp':
      if (long) return (v) => floorDiv(v as number, MICROS_PER_SECOND);
      return (v) => {
        const secs = floorDiv(v as number, MICROS_PER_SECOND);
        if (o.ansi && (secs < INT_MIN || secs > INT_MAX)) throw overflow(v, from, to, o);
        return secs | 0;
      };
    case 'integer':
      return identity;
    case 'long':
      return (v) => {
        const n = v as number;
        if (o.ansi && (n < INT_MIN || n > INT_MAX)) throw overflow(v, from, to, o);
        return n | 0;
      };
    case 'float':
    case 'double':
      return (v) => {
        const d = v as number;
        if (o.ansi) {
          const [lo, hi] = long ? [LONG_MIN, LONG_MAX] : [INT_MIN, INT_MAX];
          // Spark's exact conversion: floor/ceil must fit, so NaN and infinities overflow.
          if (!(Math.floor(d) <= hi && Math.ceil(d) >= lo) || (long && Math.floor(d) >= LONG_MAX)) throw overflow(v, from, to, o);
        }
        return long ? doubleToLong(d) : doubleToInt(d);
      };
    default:
      return unsupported(from, to);
  }
}

function toFractionalCast(from: DataType, to: 'float' | 'double', o: CastOptions): Cast {
  const float = to === 'float';
  const narrow = (d: number): number => (float && Number.isFinite(d) && Math.abs(d) > FLOAT_MAX ? (d > 0 ? Infinity : -Infinity) : d);
  switch (from) {
    case 'string':
      return orInvalid(from, to, o, (v: string) => {
        const d = parseJavaDouble(v);
        return d === null ? null : narrow(d);
      });
    case 'boolean':
      return (v) => (v ? 1 : 0);
    case 'date':
      return () => null;
    case 'timestamp':
      return (v) => narrow((v as number) / MICROS_PER_SECOND);
    case 'integer':
    case 'long':
    case 'float':
      return identity;
    case 'double':
      return (v) => {
        const d = v as number;
        if (o.ansi && float && Number.isFinite(d) && Math.abs(d) > FLOAT_MAX) throw overflow(v, from, to, o);
        return narrow(d);
      };
    default:
      return unsupported(from, to);
  }
}

function toTimestampCast(from: DataType, o: CastOptions): Cast {
  switch (from) {
    case 'string':
      return orInvalid(from, 'timestamp', o, (v: string) => parseTimestamp(v, o.timeZone));
    case 'boolean':
      return (v) => (v ? 1 : 0);
    case 'integer':
    case 'long':
      return (v) => (v as number) * MICROS_PER_SECOND;
    case 'float':
    case 'double':
      return (v) => {
        const d = v as number;
        if (!Number.isFinite(d)) {
          if (o.ansi) throw invalidInput(v, from, 'timestamp', o);
          return null;
        }
        return doubleToLong(d * MICROS_PER_SECOND);
      };
    case 'date': {
      const zone = getTimeZone(o.timeZone);
      return (v) => daysToMicros(v as number, zone);
    }
    default:
      return unsupported(from, 'timestamp');
  }
}

function toDateCast(from: DataType, o: CastOptions): Cast {
  switch (from) {
    case 'string':
      return orInvalid(from, 'date', o, (v: string) => parseDate(v));
    case 'timestamp': {
      const zone = getTimeZone(o.timeZone);
      return (v) => microsToDays(v as number, zone);
    }
    default:
      return unsupported(from, 'date');
  }
}

function toBinaryCast(from: DataType): Cast {
  switch (from) {
    case 'string':
      return (v) => utf8Encode(v as string);
    case 'integer':
      return (v) => {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setInt32(0, v as number);
        return b;
      };
    case 'long':
      return (v) => {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setBigInt64(0, BigInt.asIntN(64, BigInt(v as number)));
        return b;
      };
    default:
      return unsupported(from, 'binary');
  }
}

// ---------------------------------------------------------------------------------------------
// Implicit casts of function arguments (Spark's TypeCoercion.ImplicitTypeCasts, legacy mode)
// ---------------------------------------------------------------------------------------------

function isAtomic(t: DataType): boolean {
  return typeof t === 'string' && t !== 'null' && t !== 'interval';
}

/** The type a `from` argument is implicitly cast to where `to` is expected, or undefined. */
export function implicitCast(from: DataType, to: DataType): DataType | undefined {
  if (typeEquals(from, to)) return from;
  if (from === 'null') return to;
  if (isNumeric(from) && isNumeric(to)) return to;
  if (from === 'string' && (isNumeric(to) || to === 'date' || to === 'timestamp' || to === 'binary')) return to;
  if (to === 'string' && isAtomic(from)) return to;
  if ((from === 'date' && to === 'timestamp') || (from === 'timestamp' && to === 'date')) return to;
  if (typeof from === 'object' && from.type === 'array' && typeof to === 'object' && to.type === 'array') {
    const e = implicitCast(from.elementType, to.elementType);
    return e && { type: 'array', elementType: e, containsNull: from.containsNull };
  }
  return undefined;
}

/** One expected argument type, or a collection (the first that the argument can become wins). */
export type ExpectedType = DataType | readonly DataType[];

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

export function ordinal(i: number): string {
  return ORDINALS[i] ?? `${i + 1}th`;
}

/** `"a"` for a column, `"1"` for a literal, as Spark quotes the offending input. */
export function describeArg(expr: { readonly kind: string; readonly name?: unknown; readonly value?: unknown; readonly child?: unknown }): string {
  switch (expr.kind) {
    case 'attr':
    case 'alias':
      return `"${String(expr.name)}"`;
    case 'column':
      return `"${(expr.name as readonly string[]).join('.')}"`;
    case 'literal':
      return `"${expr.value === null ? 'NULL' : String(expr.value)}"`;
    default:
      return 'the argument';
  }
}

/**
 * Checks arguments against expected types and returns the types they are cast to, or reports
 * Spark's UNEXPECTED_INPUT_TYPE through `mismatch`.
 */
export function expectInputs(
  args: readonly { readonly dataType: DataType; readonly expr: { readonly kind: string } }[],
  expected: readonly ExpectedType[],
  mismatch: (detail: string) => never,
): DataType[] {
  return args.map((a, i) => {
    const want = expected[Math.min(i, expected.length - 1)]!;
    const options: readonly DataType[] = typeof want === 'string' || !Array.isArray(want) ? [want as DataType] : (want as readonly DataType[]);
    if (options.some((t) => typeEquals(t, a.dataType))) return a.dataType;
    for (const t of options) {
      const c = implicitCast(a.dataType, t);
      if (c) return c;
    }
    const names = options.map((t) => `"${sqlType(t)}"`).join(' or ');
    return mismatch(
      `The ${ordinal(i)} parameter requires the ${names} type, however ${describeArg(a.expr)} has the type "${sqlType(a.dataType)}"`,
    );
  });
}

/** Spark's findWiderTypeForTwo with string promotion (coalesce, if, array, ...). */
export function widerCommonType(a: DataType, b: DataType): DataType | undefined {
  if (typeEquals(a, b)) return a;
  if (a === 'null') return b;
  if (b === 'null') return a;
  const order: DataType[] = ['integer', 'long', 'float', 'double'];
  const ia = order.indexOf(a);
  const ib = order.indexOf(b);
  if (ia >= 0 && ib >= 0) return order[Math.max(ia, ib)];
  if ((a === 'date' && b === 'timestamp') || (a === 'timestamp' && b === 'date')) return 'timestamp';
  const promotable = (t: DataType): boolean => isAtomic(t) && t !== 'binary' && t !== 'boolean';
  if ((a === 'string' && promotable(b)) || (b === 'string' && promotable(a))) return 'string';
  if (typeof a === 'object' && typeof b === 'object') {
    if (a.type === 'array' && b.type === 'array') {
      const e = widerCommonType(a.elementType, b.elementType);
      return e && { type: 'array', elementType: e, containsNull: a.containsNull || b.containsNull };
    }
    if (a.type === 'map' && b.type === 'map') {
      const k = widerCommonType(a.keyType, b.keyType);
      const v = widerCommonType(a.valueType, b.valueType);
      return k && v && { type: 'map', keyType: k, valueType: v, valueContainsNull: a.valueContainsNull || b.valueContainsNull };
    }
    if (a.type === 'struct' && b.type === 'struct' && a.fields.length === b.fields.length) {
      const fields = [];
      for (let i = 0; i < a.fields.length; i++) {
        const fa = a.fields[i]!;
        const fb = b.fields[i]!;
        if (fa.name.toLowerCase() !== fb.name.toLowerCase()) return undefined;
        const t = widerCommonType(fa.type, fb.type);
        if (!t) return undefined;
        fields.push({ name: fa.name, type: t, nullable: fa.nullable || fb.nullable, metadata: fa.metadata });
      }
      return { type: 'struct', fields };
    }
  }
  return undefined;
}

/** The common type of several types, or undefined (Spark's findWiderCommonType). */
export function widerCommonTypeOf(types: readonly DataType[]): DataType | undefined {
  let t: DataType | undefined = 'null';
  for (const x of types) {
    t = widerCommonType(t, x);
    if (!t) return undefined;
  }
  return t;
}

/**
 * The value of a constant argument: a literal, or a literal under the implicit casts and
 * aliases the analyzer may have wrapped around it. Undefined when the argument is not constant.
 */
export function constantValue(
  arg: { readonly expr: Expr; readonly literal?: { readonly value: unknown } },
  timeZone = 'UTC',
): { value: unknown } | undefined {
  if (arg.literal) return { value: arg.literal.value };
  return constantOf(arg.expr, timeZone)?.[0];
}

function constantOf(e: Expr, timeZone: string): [{ value: unknown }, DataType] | undefined {
  switch (e.kind) {
    case 'literal':
      return [{ value: e.value }, e.dataType];
    case 'alias':
      return constantOf(e.child, timeZone);
    case 'cast': {
      const c = constantOf(e.child, timeZone);
      if (!c) return undefined;
      const [{ value }, from] = c;
      if (value === null || from === 'null') return [{ value: null }, e.to];
      return [{ value: compileCast(from, e.to, { ansi: false, timeZone })(value) }, e.to];
    }
    default:
      return undefined;
  }
}
