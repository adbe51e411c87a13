/**
 * Equality, ordering and canonical keys for internal values (see types/data-types.ts), shared by
 * grouping, joins, sort, dedup and set-like aggregates.
 *
 * Spark's semantics: NaN equals NaN and sorts above every other number, -0.0 equals 0.0, null
 * equals null inside arrays/structs (a top-level null is the caller's business: compare
 * operators return null, sort places it by NULLS FIRST/LAST). Strings compare by Unicode code
 * point, which is the same order as Spark's byte-wise comparison of UTF-8 — plain `<` on JS
 * strings compares UTF-16 code units and would misplace supplementary characters (emoji)
 * relative to U+E000–U+FFFF.
 */
import type { DataType } from '../types/data-types.js';

/**
 * A string that is equal for two values exactly when `valuesEqual` holds: `d1`, `"abc"`,
 * `[d1,n]`. Used as a hash key for groups, join keys, distinct sets.
 */
export function canonicalKey(v: unknown): string {
  if (v === null || v === undefined) return 'n';
  switch (typeof v) {
    case 'number':
      // String(-0) is "0" and String(NaN) is "NaN": Spark groups -0.0 with 0.0 and NaN with NaN.
      return `d${String(v)}`;
    case 'bigint':
      return `d${String(v)}`;
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 't' : 'f';
    default:
      break;
  }
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) s += ',';
      s += canonicalKey(v[i]);
    }
    return `${s}]`;
  }
  if (v instanceof Uint8Array) {
    let s = 'b';
    for (const byte of v) s += byte.toString(16).padStart(2, '0');
    return s;
  }
  if (v instanceof Map) {
    // Entry order does not matter for map equality here; sorting makes the key order-free.
    const entries = [...v].map(([k, x]) => `${canonicalKey(k)}:${canonicalKey(x)}`).sort();
    return `{${entries.join(',')}}`;
  }
  if (isInterval(v)) return `i${v.months},${v.days},${v.micros}`;
  return `o${JSON.stringify(v)}`;
}

/** Value equality with Spark's rules (NaN = NaN, -0.0 = 0.0, nested null = null). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) {
    return (a === null || a === undefined) && (b === null || b === undefined);
  }
  if (typeof a === 'number' || typeof a === 'bigint') {
    if (typeof b !== 'number' && typeof b !== 'bigint') return false;
    if (typeof a === 'number' && typeof b === 'number') return a === b || (a !== a && b !== b);
    return Number(a) === Number(b);
  }
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Uint8Array) {
    if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (a instanceof Map || b instanceof Map) {
    return a instanceof Map && b instanceof Map && a.size === b.size && canonicalKey(a) === canonicalKey(b);
  }
  if (isInterval(a) && isInterval(b)) return a.months === b.months && a.days === b.days && a.micros === b.micros;
  return canonicalKey(a) === canonicalKey(b);
}

/**
 * Spark's ordering: numbers numerically with NaN greatest, strings by code point (= UTF-8
 * bytes), false < true, binary by unsigned bytes, arrays and structs (positional arrays)
 * lexicographically with a shorter prefix first. Null sorts before everything (callers that
 * honour NULLS LAST handle nulls themselves). Maps and intervals are not orderable in Spark;
 * they get a deterministic order here so that sorting never throws.
 */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull && bNull ? 0 : aNull ? -1 : 1;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    return compareNumbers(Number(a), Number(b));
  }
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
  }
  if (isInterval(a) && isInterval(b)) {
    return compareNumbers(a.months, b.months) || compareNumbers(a.days, b.days) || compareNumbers(a.micros, b.micros);
  }
  // Mixed or unorderable values (maps): a stable, arbitrary order.
  return compareStrings(canonicalKey(a), canonicalKey(b));
}

/** Doubles as Spark's SQLOrderingUtil.compareDoubles: -0.0 = 0.0, NaN = NaN and NaN is greatest. */
export function compareNumbers(x: number, y: number): number {
  if (x === y) return 0;
  if (x < y) return -1;
  if (x > y) return 1;
  const xNaN = x !== x;
  const yNaN = y !== y;
  return xNaN && yNaN ? 0 : xNaN ? 1 : -1;
}

/** Code point order, i.e. the order of the UTF-8 encodings that Spark compares. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (D800–DFFF) encode code points above FFFF, so they must sort after E000–FFFF.
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function isInterval(v: unknown): v is { months: number; days: number; micros: number } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { months?: unknown }).months === 'number' &&
    typeof (v as { days?: unknown }).days === 'number' &&
    typeof (v as { micros?: unknown }).micros === 'number'
  );
}

/**
 * Internal values of `type` as plain JSON and back. Checkpointed state goes through
 * JSON.stringify, which would turn NaN/Infinity into null, a Uint8Array into an object and a Map
 * into `{}`; this encodes exactly those (non-finite and negative-zero doubles as strings, binary
 * as hex, maps as entry arrays) and leaves everything else untouched.
 * `undefined` means values of the type are JSON-safe as they are.
 */
export interface JsonCodec {
  encode(v: unknown): unknown;
  decode(j: unknown): unknown;
}

export function jsonCodecFor(type: DataType): JsonCodec | undefined {
  if (typeof type === 'string') {
    switch (type) {
      case 'float':
      case 'double':
        return DOUBLE_CODEC;
      case 'binary':
        return BINARY_CODEC;
      default:
        return undefined;
    }
  }
  switch (type.type) {
    case 'array': {
      const e = jsonCodecFor(type.elementType);
      if (!e) return undefined;
      return {
        encode: (v) => (v === null ? null : (v as unknown[]).map((x) => (x === null ? null : e.encode(x)))),
        decode: (j) => (j === null ? null : (j as unknown[]).map((x) => (x === null ? null : e.decode(x)))),
      };
    }
    case 'struct': {
      const fs = type.fields.map((f) => jsonCodecFor(f.type));
      if (fs.every((f) => f === undefined)) return undefined;
      const map = (v: unknown, dir: 'encode' | 'decode'): unknown =>
        v === null ? null : (v as unknown[]).map((x, i) => (x === null || !fs[i] ? x : fs[i]![dir](x)));
      return { encode: (v) => map(v, 'encode'), decode: (j) => map(j, 'decode') };
    }
    case 'map': {
      const k = jsonCodecFor(type.keyType) ?? IDENTITY;
      const x = jsonCodecFor(type.valueType) ?? IDENTITY;
      return {
        encode: (v) =>
          v === null ? null : [...(v as Map<unknown, unknown>)].map(([a, b]) => [k.encode(a), b === null ? null : x.encode(b)]),
        decode: (j) =>
          j === null
            ? null
            : new Map((j as [unknown, unknown][]).map(([a, b]) => [k.decode(a), b === null ? null : x.decode(b)])),
      };
    }
  }
}

const IDENTITY: JsonCodec = { encode: (v) => v, decode: (j) => j };

const DOUBLE_CODEC: JsonCodec = {
  encode: (v) => (typeof v !== 'number' || (Number.isFinite(v) && !Object.is(v, -0)) ? v : Object.is(v, -0) ? '-0' : String(v)),
  decode: (j) => (typeof j === 'string' ? Number(j) : j),
};

const BINARY_CODEC: JsonCodec = {
  encode: (v) => {
    if (!(v instanceof Uint8Array)) return v;
    let s = '';
    for (const byte of v) s += byte.toString(16).padStart(2, '0');
    return s;
  },
  decode: (j) => {
    if (typeof j !== 'string') return j;
    const out = new Uint8Array(j.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(j.slice(2 * i, 2 * i + 2), 16);
    return out;
  },
};
