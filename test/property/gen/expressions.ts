/**
 * Typed random expressions, built three ways at once: the rivulet `Column`, the equivalent
 * DuckDB SQL, and the API call as source text for failure reports.
 *
 * Exclusions (places where Spark and DuckDB differ, so nothing is generated there):
 * - integral overflow (Spark wraps, DuckDB raises): `mag` bounds every int/long result;
 * - `/` and `%` by zero: Spark gives null, DuckDB gives ±inf for `/` → SQL uses NULLIF(b, 0);
 * - `/` on integers: Spark always divides as double → SQL casts both sides to DOUBLE;
 * - DuckDB reads `2.5` as DECIMAL and `concat` skips nulls → SQL casts literals, uses `||`;
 * - double → int casts: Spark truncates, DuckDB rounds → SQL uses trunc();
 * - timestamp → long: Spark floors to seconds → SQL floor(epoch(t));
 * - string → number casts (Spark null vs DuckDB error), float formatting in casts to string,
 *   non-ASCII case mapping/length: not generated.
 */
import { F, type Column, type ColumnOrValue } from '../../../src/index.js';
import type { Chooser } from './chooser.js';
import {
  CAST_NAME,
  DUCK_TYPE,
  EXACT_BOUND,
  INT_BOUND,
  LONG_BOUND,
  SUM_ROWS,
  catOf,
  duckTimestampText,
  quoteIdent,
  sqlString,
  widen,
  type Cat,
  type ColInfo,
  type Ty,
} from './types.js';
import { domainOf } from './tables.js';

/** A generated expression: API column, SQL text, API source text, Spark result type. */
export interface Ex {
  readonly col: Column;
  readonly sql: string;
  readonly src: string;
  readonly ty: Ty;
  readonly mag: number;
  readonly den: number;
  readonly exact: boolean;
  /** Set on literals that may be passed as plain JS values to Column methods. */
  readonly raw?: { readonly value: ColumnOrValue; readonly src: string };
}

export type Scope = readonly ColInfo[];

export function colRef(c: ColInfo): Ex {
  return { col: F.col(c.name), sql: quoteIdent(c.name), src: `F.col('${c.name}')`, ty: c.ty, mag: c.mag, den: c.den, exact: c.exact };
}

/** A value-position argument: a literal's plain JS value half of the time, else the Column. */
function arg(ch: Chooser, e: Ex): { v: ColumnOrValue; src: string } {
  return e.raw && ch.chance(0.5) ? { v: e.raw.value, src: e.raw.src } : { v: e.col, src: e.src };
}

function jsSrc(v: unknown): string {
  if (v instanceof Date) return `new Date('${v.toISOString()}')`;
  return typeof v === 'string' ? `'${v}'` : String(v);
}

function sqlLiteralOfValue(v: unknown): string {
  if (v === null) return 'NULL';
  if (v instanceof Date) return `TIMESTAMP '${duckTimestampText(v.getTime())}'`;
  if (typeof v === 'string') return sqlString(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : `CAST(${v} AS DOUBLE)`;
  return String(v);
}

function nonNumeric(ty: Ty, rest: Partial<Ex> & Pick<Ex, 'col' | 'sql' | 'src'>): Ex {
  return { ty, mag: 0, den: 0, exact: true, ...rest };
}

export function literal(ch: Chooser, ty: Ty, allowNull = true): Ex {
  if (allowNull && ch.chance(0.1)) {
    return {
      col: F.lit(null).cast(CAST_NAME[ty]),
      sql: `CAST(NULL AS ${DUCK_TYPE[ty]})`,
      src: `F.lit(null).cast('${CAST_NAME[ty]}')`,
      ty,
      mag: 0,
      den: 0,
      exact: true,
    };
  }
  const v = ch.pick(domainOf(ty));
  switch (ty) {
    case 'int': {
      const n = v as number;
      return { col: F.lit(n), sql: `CAST(${n} AS INTEGER)`, src: `F.lit(${n})`, ty, mag: Math.abs(n), den: 0, exact: true, raw: { value: n, src: String(n) } };
    }
    case 'long': {
      const n = v as number;
      return { col: F.lit(n).cast('long'), sql: `CAST(${n} AS BIGINT)`, src: `F.lit(${n}).cast('long')`, ty, mag: Math.abs(n), den: 0, exact: true };
    }
    case 'double': {
      const n = v as number;
      // F.lit(2) would be an int literal: integral doubles need the cast.
      const integral = Number.isInteger(n);
      return {
        col: integral ? F.lit(n).cast('double') : F.lit(n),
        sql: `CAST(${n} AS DOUBLE)`,
        src: integral ? `F.lit(${n}).cast('double')` : `F.lit(${n})`,
        ty,
        mag: Math.abs(n),
        den: 2,
        exact: true,
        ...(integral ? {} : { raw: { value: n, src: String(n) } }),
      };
    }
    case 'string': {
      const s = v as string;
      return nonNumeric(ty, { col: F.lit(s), sql: sqlString(s), src: `F.lit('${s}')`, raw: { value: s, src: `'${s}'` } });
    }
    case 'boolean': {
      const b = v as boolean;
      return nonNumeric(ty, { col: F.lit(b), sql: String(b), src: `F.lit(${b})`, raw: { value: b, src: String(b) } });
    }
    case 'timestamp': {
      const d = new Date(v as number);
      const s = jsSrc(d);
      return nonNumeric(ty, { col: F.lit(d), sql: `TIMESTAMP '${duckTimestampText(d.getTime())}'`, src: `F.lit(${s})`, raw: { value: d, src: s } });
    }
  }
}

const NUM_TYPES: readonly Ty[] = ['int', 'long', 'double'];

function fitsType(ty: Ty, mag: number): boolean {
  return ty === 'int' ? mag <= INT_BOUND : ty === 'long' ? mag <= LONG_BOUND : true;
}

/** Exact doubles stay exact through any summation of up to MAX_ROWS values. */
function isExact(ty: Ty, mag: number, den: number, inputsExact: boolean): boolean {
  if (ty !== 'double') return true;
  return inputsExact && Number.isFinite(mag) && mag * 2 ** den * SUM_ROWS <= EXACT_BOUND;
}

export class ExprGen {
  readonly #ch: Chooser;
  readonly #scope: Scope;
  constructor(ch: Chooser, scope: Scope) {
    this.#ch = ch;
    this.#scope = scope;
  }

  get scope(): Scope {
    return this.#scope;
  }

  columnsOf(cat: Cat, pred: (c: ColInfo) => boolean = () => true): ColInfo[] {
    return this.#scope.filter((c) => catOf(c.ty) === cat && pred(c));
  }

  /** A column of the category when there is one (most of the time), else a literal. */
  leaf(cat: Cat): Ex {
    const ch = this.#ch;
    const cols = this.columnsOf(cat);
    if (cols.length > 0 && !ch.chance(0.2)) return colRef(ch.pick(cols));
    return literal(ch, cat === 'num' ? ch.pick(NUM_TYPES) : cat);
  }

  expr(cat: Cat, depth: number): Ex {
    switch (cat) {
      case 'num':
        return this.num(depth);
      case 'string':
        return this.str(depth);
      case 'boolean':
        return this.bool(depth);
      case 'timestamp':
        return this.ts(depth);
    }
  }

  /** A category, mostly one the scope has columns of (constant-only expressions are less useful). */
  #cat<C extends Cat>(allowed: readonly C[]): C {
    const ch = this.#ch;
    const present = allowed.filter((c) => this.#scope.some((col) => catOf(col.ty) === c));
    return present.length > 0 && !ch.chance(0.15) ? ch.pick(present) : ch.pick(allowed);
  }

  any(depth: number): Ex {
    return this.expr(this.#cat(['num', 'string', 'boolean', 'timestamp'] as const), depth);
  }

  num(depth: number): Ex {
    const ch = this.#ch;
    if (depth <= 0 || !ch.chance(0.7)) return this.leaf('num');
    const op = ch.pick(['plus', 'minus', 'multiply', 'divide', 'mod', 'when', 'coalesce', 'length', 'abs', 'negate', 'cast'] as const);
    const d = depth - 1;
    switch (op) {
      case 'plus':
      case 'minus':
      case 'multiply':
      case 'mod': {
        const a = this.num(d);
        const b = this.num(d);
        const ty = widen(a.ty, b.ty);
        const mag = op === 'multiply' ? a.mag * b.mag : op === 'mod' ? Math.min(a.mag, b.mag) : a.mag + b.mag;
        if (!fitsType(ty, mag)) return a;
        const den = op === 'multiply' ? a.den + b.den : Math.max(a.den, b.den);
        const bv = arg(ch, b);
        const sqlOp = { plus: '+', minus: '-', multiply: '*', mod: '%' }[op];
        const sql = op === 'mod' ? `(${a.sql} % NULLIF(${b.sql}, 0))` : `(${a.sql} ${sqlOp} ${b.sql})`;
        return { col: a.col[op](bv.v), sql, src: `${a.src}.${op}(${bv.src})`, ty, mag, den, exact: isExact(ty, mag, den, a.exact && b.exact) };
      }
      case 'divide': {
        const a = this.num(d);
        const b = this.num(d);
        const bv = arg(ch, b);
        return {
          col: a.col.divide(bv.v),
          sql: `(CAST(${a.sql} AS DOUBLE) / NULLIF(CAST(${b.sql} AS DOUBLE), 0))`,
          src: `${a.src}.divide(${bv.src})`,
          ty: 'double',
          mag: Infinity,
          den: 0,
          exact: false,
        };
      }
      case 'when':
        return this.#when('num', d);
      case 'coalesce':
        return this.#coalesce('num', d);
      case 'length': {
        const s = this.str(d);
        return { col: F.length(s.col), sql: `length(${s.sql})`, src: `F.length(${s.src})`, ty: 'int', mag: 1000, den: 0, exact: true };
      }
      case 'abs': {
        const a = this.num(d);
        return { ...a, col: F.abs(a.col), sql: `abs(${a.sql})`, src: `F.abs(${a.src})`, raw: undefined };
      }
      case 'negate': {
        const a = this.num(d);
        return { ...a, col: a.col.negate(), sql: `(-(${a.sql}))`, src: `${a.src}.negate()`, raw: undefined };
      }
      case 'cast':
        return this.#castToNum(d);
    }
  }

  #castToNum(d: number): Ex {
    const ch = this.#ch;
    const kind = ch.pick(['toLong', 'toDouble', 'toInt', 'boolToInt', 'tsToLong'] as const);
    if (kind === 'boolToInt') {
      const b = this.bool(d);
      return { col: b.col.cast('int'), sql: `CAST(${b.sql} AS INTEGER)`, src: `${b.src}.cast('int')`, ty: 'int', mag: 1, den: 0, exact: true };
    }
    if (kind === 'tsToLong') {
      const t = this.ts(d);
      return {
        col: t.col.cast('long'),
        sql: `CAST(floor(epoch(${t.sql})) AS BIGINT)`,
        src: `${t.src}.cast('long')`,
        ty: 'long',
        mag: 1e10,
        den: 0,
        exact: true,
      };
    }
    const a = this.num(d);
    const to: Ty = kind === 'toLong' ? 'long' : kind === 'toDouble' ? 'double' : 'int';
    if (a.ty === 'double' && to !== 'double') {
      // Spark truncates toward zero (and saturates); only exact, in-range values are cast.
      if (!a.exact || a.mag > INT_BOUND) return a;
      return { col: a.col.cast(CAST_NAME[to]), sql: `CAST(trunc(${a.sql}) AS ${DUCK_TYPE[to]})`, src: `${a.src}.cast('${CAST_NAME[to]}')`, ty: to, mag: a.mag, den: 0, exact: true };
    }
    if (to === 'int' && a.mag > INT_BOUND) return a;
    return {
      col: a.col.cast(CAST_NAME[to]),
      sql: `CAST(${a.sql} AS ${DUCK_TYPE[to]})`,
      src: `${a.src}.cast('${CAST_NAME[to]}')`,
      ty: to,
      mag: a.mag,
      den: to === 'double' ? Math.max(a.den, 0) : 0,
      exact: isExact(to, a.mag, a.den, a.exact),
    };
  }

  #when(cat: Cat, d: number): Ex {
    const ch = this.#ch;
    const branches = ch.int(1, 2);
    let col: Column | undefined;
    let src = '';
    let sql = 'CASE';
    let ty: Ty | undefined;
    let mag = 0;
    let den = 0;
    let exact = true;
    const addValue = (v: Ex): void => {
      ty = ty === undefined ? v.ty : widen(ty, v.ty);
      mag = Math.max(mag, v.mag);
      den = Math.max(den, v.den);
      exact = exact && v.exact;
    };
    for (let i = 0; i < branches; i++) {
      const c = this.bool(d);
      const v = this.expr(cat, d);
      addValue(v);
      // Plain JS values in F.when are fine except null (a NullType branch of its own).
      const vv = v.raw && v.raw.value !== null && ch.chance(0.5) ? { v: v.raw.value, src: v.raw.src } : { v: v.col, src: v.src };
      if (col === undefined) {
        col = F.when(c.col, vv.v);
        src = `F.when(${c.src}, ${vv.src})`;
      } else {
        col = col.when(c.col, vv.v);
        src += `.when(${c.src}, ${vv.src})`;
      }
      sql += ` WHEN ${c.sql} THEN ${v.sql}`;
    }
    if (ch.chance(0.7)) {
      const o = this.expr(cat, d);
      addValue(o);
      const ov = o.raw && o.raw.value !== null && ch.chance(0.5) ? { v: o.raw.value, src: o.raw.src } : { v: o.col, src: o.src };
      col = col!.otherwise(ov.v);
      src += `.otherwise(${ov.src})`;
      sql += ` ELSE ${o.sql}`;
    }
    sql += ' END';
    const t = ty!;
    return { col: col!, sql, src, ty: t, mag: catOf(t) === 'num' ? mag : 0, den, exact: isExact(t, mag, den, exact) };
  }

  #coalesce(cat: Cat, d: number): Ex {
    const ch = this.#ch;
    const args = Array.from({ length: ch.int(2, 3) }, () => this.expr(cat, d));
    const ty = args.map((a) => a.ty).reduce(widen);
    const mag = Math.max(...args.map((a) => a.mag));
    const den = Math.max(...args.map((a) => a.den));
    return {
      col: F.coalesce(...args.map((a) => a.col)),
      sql: `COALESCE(${args.map((a) => a.sql).join(', ')})`,
      src: `F.coalesce(${args.map((a) => a.src).join(', ')})`,
      ty,
      mag,
      den,
      exact: isExact(ty, mag, den, args.every((a) => a.exact)),
    };
  }

  str(depth: number): Ex {
    const ch = this.#ch;
    if (depth <= 0 || !ch.chance(0.6)) return this.leaf('string');
    const d = depth - 1;
    const op = ch.pick(['upper', 'lower', 'concat', 'substring', 'when', 'coalesce', 'cast'] as const);
    switch (op) {
      case 'upper':
      case 'lower': {
        const a = this.str(d);
        return nonNumeric('string', { col: F[op](a.col), sql: `${op}(${a.sql})`, src: `F.${op}(${a.src})` });
      }
      case 'concat': {
        const args = Array.from({ length: ch.int(2, 3) }, () => this.str(d));
        return nonNumeric('string', {
          col: F.concat(...args.map((a) => a.col)),
          sql: `(${args.map((a) => a.sql).join(' || ')})`,
          src: `F.concat(${args.map((a) => a.src).join(', ')})`,
        });
      }
      case 'substring': {
        const a = this.str(d);
        const pos = ch.int(1, 3);
        const len = ch.int(0, 3);
        const viaMethod = ch.chance(0.5);
        return nonNumeric('string', {
          col: viaMethod ? a.col.substr(pos, len) : F.substring(a.col, pos, len),
          sql: `substring(${a.sql}, ${pos}, ${len})`,
          src: viaMethod ? `${a.src}.substr(${pos}, ${len})` : `F.substring(${a.src}, ${pos}, ${len})`,
        });
      }
      case 'when':
        return this.#when('string', d);
      case 'coalesce':
        return this.#coalesce('string', d);
      case 'cast': {
        // int/long/boolean → string print the same in both engines (doubles do not).
        const a = ch.chance(0.5) ? this.bool(d) : this.num(d);
        if (a.ty === 'double') return this.leaf('string');
        return nonNumeric('string', { col: a.col.cast('string'), sql: `CAST(${a.sql} AS VARCHAR)`, src: `${a.src}.cast('string')` });
      }
    }
  }

  ts(depth: number): Ex {
    const ch = this.#ch;
    if (depth <= 0 || !ch.chance(0.5)) return this.leaf('timestamp');
    const d = depth - 1;
    const op = ch.pick(['when', 'coalesce', 'fromSeconds'] as const);
    switch (op) {
      case 'when':
        return this.#when('timestamp', d);
      case 'coalesce':
        return this.#coalesce('timestamp', d);
      case 'fromSeconds': {
        // Integral → timestamp counts seconds in Spark.
        const a = this.num(d);
        // rivulet keeps timestamps as epoch micros in a double: exact below 2^53 µs (~9e9 s).
        if (a.ty === 'double' || a.mag > 9e9) return this.leaf('timestamp');
        return nonNumeric('timestamp', {
          col: a.col.cast('timestamp'),
          sql: `make_timestamp(CAST(${a.sql} AS BIGINT) * 1000000)`,
          src: `${a.src}.cast('timestamp')`,
        });
      }
    }
  }

  #cmp(d: number): Ex {
    const ch = this.#ch;
    const cat = this.#cat(['num', 'string', 'timestamp', 'boolean', 'num'] as const);
    const a = this.expr(cat, d);
    const b = ch.chance(0.6) ? literal(ch, cat === 'num' ? ch.pick(NUM_TYPES) : cat) : this.expr(cat, d);
    const m = ch.pick(['eq', 'neq', 'gt', 'geq', 'lt', 'leq'] as const);
    const sqlOp = { eq: '=', neq: '<>', gt: '>', geq: '>=', lt: '<', leq: '<=' }[m];
    const bv = arg(ch, b);
    return nonNumeric('boolean', { col: a.col[m](bv.v), sql: `(${a.sql} ${sqlOp} ${b.sql})`, src: `${a.src}.${m}(${bv.src})` });
  }

  bool(depth: number): Ex {
    const ch = this.#ch;
    // Boolean literals (false, null) as filter leaves would reject nearly every row: prefer a
    // column-vs-literal comparison at the leaves.
    if (depth <= 0 || !ch.chance(0.75)) return ch.chance(0.6) ? this.#cmp(0) : this.leaf('boolean');
    const d = depth - 1;
    const op = ch.pick(['cmp', 'and', 'or', 'not', 'isNull', 'isin', 'between', 'eqNullSafe', 'when', 'cmp'] as const);
    switch (op) {
      case 'cmp':
        return this.#cmp(d);
      case 'and':
      case 'or': {
        const a = this.bool(d);
        const b = this.bool(d);
        const bv = arg(ch, b);
        return nonNumeric('boolean', { col: a.col[op](bv.v), sql: `(${a.sql} ${op.toUpperCase()} ${b.sql})`, src: `${a.src}.${op}(${bv.src})` });
      }
      case 'not': {
        const a = this.bool(d);
        const viaF = ch.chance(0.5);
        return nonNumeric('boolean', { col: viaF ? F.not(a.col) : a.col.not(), sql: `(NOT ${a.sql})`, src: viaF ? `F.not(${a.src})` : `${a.src}.not()` });
      }
      case 'isNull': {
        const a = this.any(d);
        const neg = ch.chance(0.5);
        return nonNumeric('boolean', {
          col: neg ? a.col.isNotNull() : a.col.isNull(),
          sql: `(${a.sql} IS ${neg ? 'NOT ' : ''}NULL)`,
          src: `${a.src}.${neg ? 'isNotNull' : 'isNull'}()`,
        });
      }
      case 'isin': {
        const cat = this.#cat(['num', 'string', 'timestamp'] as const);
        const a = this.expr(cat, d);
        const n = ch.int(1, 4);
        const values: ColumnOrValue[] = [];
        for (let i = 0; i < n; i++) {
          if (ch.chance(0.15)) values.push(null);
          else if (cat === 'num') values.push(ch.pick(domainOf(ch.pick(NUM_TYPES))) as number);
          else if (cat === 'string') values.push(ch.pick(domainOf('string')) as string);
          else values.push(new Date(ch.pick(domainOf('timestamp')) as number));
        }
        const asArray = ch.chance(0.3);
        const listSrc = values.map(jsSrc).join(', ');
        return nonNumeric('boolean', {
          col: asArray ? a.col.isin(values) : a.col.isin(...values),
          sql: `(${a.sql} IN (${values.map(sqlLiteralOfValue).join(', ')}))`,
          src: asArray ? `${a.src}.isin([${listSrc}])` : `${a.src}.isin(${listSrc})`,
        });
      }
      case 'between': {
        const cat = this.#cat(['num', 'string', 'timestamp'] as const);
        const a = this.expr(cat, d);
        const lo = literal(ch, cat === 'num' ? ch.pick(NUM_TYPES) : cat);
        const hi = ch.chance(0.2) ? this.expr(cat, d) : literal(ch, cat === 'num' ? ch.pick(NUM_TYPES) : cat);
        const lv = arg(ch, lo);
        const hv = arg(ch, hi);
        return nonNumeric('boolean', {
          col: a.col.between(lv.v, hv.v),
          sql: `(${a.sql} BETWEEN ${lo.sql} AND ${hi.sql})`,
          src: `${a.src}.between(${lv.src}, ${hv.src})`,
        });
      }
      case 'eqNullSafe': {
        const cat = this.#cat(['num', 'string', 'timestamp', 'boolean'] as const);
        const a = this.expr(cat, d);
        const b = ch.chance(0.5) ? literal(ch, cat === 'num' ? ch.pick(NUM_TYPES) : cat) : this.expr(cat, d);
        const bv = arg(ch, b);
        return nonNumeric('boolean', { col: a.col.eqNullSafe(bv.v), sql: `(${a.sql} IS NOT DISTINCT FROM ${b.sql})`, src: `${a.src}.eqNullSafe(${bv.src})` });
      }
      case 'when':
        return this.#when('boolean', d);
    }
  }
}
