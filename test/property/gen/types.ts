/**
 * The scalar types the property tests generate, with their Spark (rivulet schema) and DuckDB
 * names, the value domains data and literals are drawn from, and the bounds that keep every
 * generated query away from the places where Spark and DuckDB legitimately disagree.
 */

export type Ty = 'int' | 'long' | 'double' | 'string' | 'boolean' | 'timestamp';
export type Cat = 'num' | 'string' | 'boolean' | 'timestamp';

export const ALL_TYPES: readonly Ty[] = ['int', 'long', 'double', 'string', 'boolean', 'timestamp'];
export const ALL_CATS: readonly Cat[] = ['num', 'string', 'boolean', 'timestamp'];

export function catOf(t: Ty): Cat {
  return t === 'int' || t === 'long' || t === 'double' ? 'num' : t;
}

/** Name in rivulet's JSON schema (Spark's DataType.json). */
export const SPARK_TYPE: Record<Ty, string> = {
  int: 'integer',
  long: 'long',
  double: 'double',
  string: 'string',
  boolean: 'boolean',
  timestamp: 'timestamp',
};
/** Name accepted by `Column.cast` and `T.fromDDL`. */
export const CAST_NAME: Record<Ty, string> = {
  int: 'int',
  long: 'long',
  double: 'double',
  string: 'string',
  boolean: 'boolean',
  timestamp: 'timestamp',
};
export const DUCK_TYPE: Record<Ty, string> = {
  int: 'INTEGER',
  long: 'BIGINT',
  double: 'DOUBLE',
  string: 'VARCHAR',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

/** Spark's numeric widening for binary arithmetic, CASE branches, coalesce and union. */
export function widen(a: Ty, b: Ty): Ty {
  if (a === b) return a;
  if (catOf(a) !== 'num' || catOf(b) !== 'num') throw new Error(`cannot widen ${a} and ${b}`);
  if (a === 'double' || b === 'double') return 'double';
  return 'long';
}

/**
 * Overflow bounds. Spark wraps int/long overflow silently while DuckDB raises, and rivulet
 * keeps longs as JS numbers (exact below 2^53): integral results must stay below these.
 */
export const INT_BOUND = 2 ** 31 - 1;
export const LONG_BOUND = 2 ** 53 - 1;
/**
 * Doubles are generated as multiples of 2^-den with small magnitude, so sums and averages
 * are exact whatever the summation order (Spark and DuckDB add in different orders).
 */
export const EXACT_BOUND = 2 ** 50;
export const MAX_ROWS = 30;
/** Upper bound of the rows any aggregate sees (a join of two 30-row tables). */
export const SUM_ROWS = 1024;

/** Column metadata carried along a generated relation. */
export interface ColInfo {
  readonly name: string;
  readonly ty: Ty;
  /** Upper bound of |value| (integral and exact-double columns). */
  readonly mag: number;
  /** Binary digits after the point (doubles). */
  readonly den: number;
  /** False once a double may carry rounding error (division, avg, sum of inexact values). */
  readonly exact: boolean;
}

// ---- value domains: small, with collisions, so joins, groups and distinct have work to do ----

/** Includes the int extremes: int arithmetic wraps in Spark (non-ANSI). */
export const INT_VALUES: readonly number[] = [0, 1, 2, 3, -1, 5, 7, -3, 2147483647, -2147483648];
export const INT_MAG = 2 ** 31;
/** Includes a value beyond the int range (long must not be squeezed into 32 bits). */
export const LONG_VALUES: readonly number[] = [0, 1, 2, 3, 4, -2, 5, 42, -100000, 5_000_000_000];
export const LONG_MAG = 5_000_000_000;
export const KEY_VALUES: readonly number[] = [0, 1, 2, 3, 4, 5, 6];
export const KEY_MAG = 6;
export const DOUBLE_VALUES: readonly number[] = [0, 0.5, 1, -2.5, 1.75, -0.25, 2, 3.25, -1, 1234.75];
export const DOUBLE_MAG = 1234.75;
export const DOUBLE_DEN = 2;
/** ASCII only: Unicode case mapping and grapheme counting differ between the two engines. */
export const STRING_VALUES: readonly string[] = ['a', 'b', '', 'A', 'ab', 'Ab', 'abc', 'x y', 'zz', 'B1'];
const T0 = Date.UTC(2024, 2, 10, 0, 0, 0);
/** Millisecond precision (Date round trip), one value before the epoch. */
export const TIMESTAMP_VALUES: readonly number[] = [
  T0,
  T0 + 5_400_000,
  T0 + 5_400_001,
  T0 + 86_400_000,
  T0 - 3_600_000,
  T0 + 123,
  Date.UTC(2000, 0, 1),
  -500,
  T0 + 10_800_000,
  Date.UTC(2025, 11, 31, 23, 59, 59, 999),
];

export function magOfType(t: Ty): number {
  switch (t) {
    case 'int':
      return INT_MAG;
    case 'long':
      return LONG_MAG;
    case 'double':
      return DOUBLE_MAG;
    default:
      return 0;
  }
}

export function colInfo(name: string, ty: Ty, mag = magOfType(ty)): ColInfo {
  return { name, ty, mag, den: ty === 'double' ? DOUBLE_DEN : 0, exact: true };
}

/** `2024-03-10 01:30:00.001` (UTC) for DuckDB TIMESTAMP literals. */
export function duckTimestampText(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
