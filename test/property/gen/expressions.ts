/**
 * Typed random expressions, built four ways at once: the rivulet `Column`, the equivalent
 * DuckDB SQL, the same expression as Spark SQL text (for `F.expr`, `filter(string)` and
 * `selectExpr`), and the API call as source text for failure reports.
 *
 * Exclusions (places where Spark and DuckDB differ, so nothing is generated there, or the
 * DuckDB SQL spells Spark's meaning out):
 * - int overflow: Spark (non-ANSI) wraps at 32 bits, DuckDB raises → int arithmetic is done
 *   in BIGINT in the SQL and wrapped explicitly (wrap32); long results stay below 2^53
 *   (`mag`): rivulet keeps longs as doubles, exact only up to there (documented);
 * - double → int/long casts: Spark truncates and saturates (JVM toInt/toLong), DuckDB rounds
 *   and raises → the SQL spells it out (saturate, else trunc);
 * - `/` and `%` by zero: Spark gives null, DuckDB gives ±inf for `/` → SQL uses NULLIF(b, 0);
 * - `/` on integers: Spark always divides as double → SQL casts both sides to DOUBLE;
 * - DuckDB reads `2.5` as DECIMAL and `concat` skips nulls → SQL casts literals, uses `||`;
 * - timestamp → long: Spark floors to seconds → SQL floor(epoch(t)); pmod is spelled out;
 * - round only on exact doubles (Spark rounds the decimal expansion HALF_UP, DuckDB the
 *   binary value: they agree on exactly representable values), sqrt only of abs();
 * - string → number casts (Spark null vs DuckDB error), float formatting in casts to string,
 *   non-ASCII case mapping/length, empty lpad/rpad padding: not generated.
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

/** A generated expression: API column, DuckDB SQL, Spark SQL, API source text, Spark result type. */
export interface Ex {
  readonly col: Column;
  readonly sql: string;
  /** The expression as Spark SQL text. */
  readonly ssql: string;
  readonly src: string;
  readonly ty: Ty;
  readonly mag: number;
  readonly den: number;
  readonly exact: boolean;
  /** Set on literals that may be passed as plain JS values to Column methods. */
  readonly raw?: { readonly value: ColumnOrValue; readonly src: string };
}

export type Scope = readonly ColInfo[];

/** Spark SQL type names for CAST. */
export const SPARK_SQL_TYPE: Record<Ty, string> = {
  int: 'INT',
  long: 'BIGINT',
  double: 'DOUBLE',
  string: 'STRING',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

export function sparkIdent(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

export function colRef(c: ColInfo): Ex {
  return { col: F.col(c.name), sql: quoteIdent(c.name), ssql: sparkIdent(c.name), src: `F.col('${c.name}')`, ty: c.ty, mag: c.mag, den: c.den, exact: c.exact };
}

/** `F.expr("...")` in place of the built Column (same meaning, parsed from Spark SQL). */
export function viaExpr(e: Ex): Ex {
  return { ...e, col: F.expr(e.ssql), src: `F.expr(${JSON.stringify(e.ssql)})`, raw: undefined };
}

/** A value-position argument: a literal's plain JS value half of the time, else the Column. */
function arg(ch: Chooser, e: Ex): { v: ColumnOrValue; src: string } {
  return e.raw && ch.chance(0.5) ? { v: e.raw.value, src: e.raw.src } : { v: e.col, src: e.src };
}

function jsSrc(v: unknown): string {
  if (v instanceof Date) return `new Date('${v.toISOString()}')`;
  return typeof v === 'string' ? `'${v}'` : String(v);
}

/** A plain JS value as a SQL literal; `spark` selects Spark SQL spelling. */
function sqlLiteralOfValue(v: unknown, spark: boolean): string {
  if (v === null) return 'NULL';
  if (v instanceof Date) return `TIMESTAMP '${duckTimestampText(v.getTime())}'`;
  if (typeof v === 'string') return sqlString(v);
  if (typeof v === 'number') return Number.isInteger(v) ? `(${v})` : spark ? `(${v}D)` : `CAST(${v} AS DOUBLE)`;
  return String(v);
}

function nonNumeric(ty: Ty, rest: Pick<Ex, 'col' | 'sql' | 'ssql' | 'src'> & Partial<Ex>): Ex {
  return { ty, mag: 0, den: 0, exact: true, ...rest };
}

export function literal(ch: Chooser, ty: Ty, allowNull = true): Ex {
  if (allowNull && ch.chance(0.1)) {
    return {
      col: F.lit(null).cast(CAST_NAME[ty]),
      sql: `CAST(NULL AS ${DUCK_TYPE[ty]})`,
      ssql: `CAST(NULL AS ${SPARK_SQL_TYPE[ty]})`,
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
      // Spark SQL reads `-2147483648` as -(2147483648L), a bigint.
      const ssql = n === -2147483648 ? 'CAST(-2147483648 AS INT)' : `(${n})`;
      return { col: F.lit(n), sql: `CAST(${n} AS INTEGER)`, ssql, src: `F.lit(${n})`, ty, mag: Math.abs(n), den: 0, exact: true, raw: { value: n, src: String(n) } };
    }
    case 'long': {
      const n = v as number;
      return {
        col: F.lit(n).cast('long'),
        sql: `CAST(${n} AS BIGINT)`,
        ssql: ch.chance(0.5) ? `(${n}L)` : `CAST(${n} AS BIGINT)`,
        src: `F.lit(${n}).cast('long')`,
        ty,
        mag: Math.abs(n),
        den: 0,
        exact: true,
      };
    }
    case 'double': {
      const n = v as number;
      // F.lit(2) would be an int literal: integral doubles need the cast.
      const integral = Number.isInteger(n);
      return {
        col: integral ? F.lit(n).cast('double') : F.lit(n),
        sql: `CAST(${n} AS DOUBLE)`,
        ssql: ch.chance(0.5) ? `(${n}D)` : `CAST(${n} AS DOUBLE)`,
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
      return nonNumeric(ty, { col: F.lit(s), sql: sqlString(s), ssql: sqlString(s), src: `F.lit('${s}')`, raw: { value: s, src: `'${s}'` } });
    }
    case 'boolean': {
      const b = v as boolean;
      return nonNumeric(ty, { col: F.lit(b), sql: String(b), ssql: String(b), src: `F.lit(${b})`, raw: { value: b, src: String(b) } });
    }
    case 'timestamp': {
      const d = new Date(v as number);
      const s = jsSrc(d);
      const text = `TIMESTAMP '${duckTimestampText(d.getTime())}'`;
      return nonNumeric(ty, { col: F.lit(d), sql: text, ssql: text, src: `F.lit(${s})`, raw: { value: d, src: s } });
    }
  }
}

const NUM_TYPES: readonly Ty[] = ['int', 'long', 'double'];
const LIKE_PATTERNS: readonly string[] = ['a%', '%b', '_', '%', 'a_', '%b%', 'A%', '', '_b%', 'x y'];
const PADS: readonly string[] = ['x', 'xy', '-'];

/** int results always fit (they wrap); long results must stay exact in a double. */
function fitsType(ty: Ty, mag: number): boolean {
  return ty === 'long' ? mag <= LONG_BOUND : true;
}

const INT_WRAP_MAG = INT_BOUND + 1;

/** Java int arithmetic in DuckDB: compute in BIGINT, wrap to 32 bits. */
function wrap32(bigintSql: string): string {
  return `CAST(((((${bigintSql}) + 2147483648) % 4294967296 + 4294967296) % 4294967296 - 2147483648) AS INTEGER)`;
}
function big(sql: string): string {
  return `CAST(${sql} AS BIGINT)`;
}

/** JVM double → int/long conversion: NaN → 0 (not generated), saturating, else truncating. */
function saturatingCast(sql: string, to: 'int' | 'long'): string {
  const [max, min] = to === 'int' ? ['2147483647', '-2147483648'] : ['9223372036854775807', '-9223372036854775808'];
  return `CASE WHEN ${sql} >= ${max} THEN ${max} WHEN ${sql} <= ${min} THEN ${min} ELSE CAST(trunc(${sql}) AS ${DUCK_TYPE[to]}) END`;
}

/** Exact doubles stay exact through any summation of up to SUM_ROWS values. */
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

  /** A category, mostly one the scope has columns of (constant-only expressions are less useful). */
  #cat<C extends Cat>(allowed: readonly C[]): C {
    const ch = this.#ch;
    const present = allowed.filter((c) => this.#scope.some((col) => catOf(col.ty) === c));
    return present.length > 0 && !ch.chance(0.15) ? ch.pick(present) : ch.pick(allowed);
  }

  expr(cat: Cat, depth: number): Ex {
    const e = this.#exprOf(cat, depth);
    // Now and then a subtree goes through the SQL parser instead of the builder.
    return depth > 0 && this.#ch.chance(0.08) ? viaExpr(e) : e;
  }

  #exprOf(cat: Cat, depth: number): Ex {
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

  any(depth: number): Ex {
    return this.expr(this.#cat(['num', 'string', 'boolean', 'timestamp'] as const), depth);
  }

  num(depth: number): Ex {
    const ch = this.#ch;
    if (depth <= 0 || !ch.chance(0.7)) return this.leaf('num');
    const op = ch.pick([
      'plus',
      'minus',
      'multiply',
      'divide',
      'mod',
      'when',
      'coalesce',
      'length',
      'abs',
      'negate',
      'cast',
      'greatest',
      'nullif',
      'pmod',
      'floor',
      'round',
      'signum',
      'sqrt',
      'instr',
    ] as const);
    const d = depth - 1;
    switch (op) {
      case 'plus':
      case 'minus':
      case 'multiply':
      case 'mod': {
        const a = this.expr('num', d);
        const b = this.expr('num', d);
        const ty = widen(a.ty, b.ty);
        let mag = op === 'multiply' ? a.mag * b.mag : op === 'mod' ? Math.min(a.mag, b.mag) : a.mag + b.mag;
        if (!fitsType(ty, mag)) return a;
        const den = op === 'multiply' ? a.den + b.den : Math.max(a.den, b.den);
        const bv = arg(ch, b);
        const sqlOp = { plus: '+', minus: '-', multiply: '*', mod: '%' }[op];
        let sql: string;
        if (ty === 'int') {
          // In BIGINT: int MIN % -1 raises in DuckDB (Java gives 0), the others wrap.
          sql = op === 'mod' ? `CAST(${big(a.sql)} % NULLIF(${big(b.sql)}, 0) AS INTEGER)` : wrap32(`${big(a.sql)} ${sqlOp} ${big(b.sql)}`);
          mag = Math.min(mag, INT_WRAP_MAG);
        } else {
          sql = op === 'mod' ? `(${a.sql} % NULLIF(${b.sql}, 0))` : `(${a.sql} ${sqlOp} ${b.sql})`;
        }
        return { col: a.col[op](bv.v), sql, ssql: `(${a.ssql} ${sqlOp} ${b.ssql})`, src: `${a.src}.${op}(${bv.src})`, ty, mag, den, exact: isExact(ty, mag, den, a.exact && b.exact) };
      }
      case 'divide': {
        const a = this.expr('num', d);
        const b = this.expr('num', d);
        const bv = arg(ch, b);
        return {
          col: a.col.divide(bv.v),
          sql: `(CAST(${a.sql} AS DOUBLE) / NULLIF(CAST(${b.sql} AS DOUBLE), 0))`,
          ssql: `(${a.ssql} / ${b.ssql})`,
          src: `${a.src}.divide(${bv.src})`,
          ty: 'double',
          // The smallest non-zero |b| of an exact b is 2^-den.
          mag: b.exact && Number.isFinite(a.mag) ? a.mag * 2 ** b.den : Infinity,
          den: 0,
          exact: false,
        };
      }
      case 'when':
        return this.#when('num', d);
      case 'coalesce':
        return this.#coalesce('num', d);
      case 'greatest':
        return this.#extremum('num', d);
      case 'nullif':
        return this.#nullif('num', d);
      case 'length': {
        const s = this.expr('string', d);
        return { col: F.length(s.col), sql: `length(${s.sql})`, ssql: `length(${s.ssql})`, src: `F.length(${s.src})`, ty: 'int', mag: 1000, den: 0, exact: true };
      }
      case 'instr': {
        const s = this.expr('string', d);
        const sub = ch.pick(['a', 'b', 'y', 'ab', 'B']);
        return {
          col: F.instr(s.col, sub),
          sql: `instr(${s.sql}, '${sub}')`,
          ssql: `instr(${s.ssql}, '${sub}')`,
          src: `F.instr(${s.src}, '${sub}')`,
          ty: 'int',
          mag: 1000,
          den: 0,
          exact: true,
        };
      }
      case 'abs': {
        // Java: abs(int MIN) = int MIN.
        const a = this.expr('num', d);
        const sql = a.ty === 'int' ? wrap32(`abs(${big(a.sql)})`) : `abs(${a.sql})`;
        return { ...a, col: F.abs(a.col), sql, ssql: `abs(${a.ssql})`, src: `F.abs(${a.src})`, raw: undefined };
      }
      case 'negate': {
        const a = this.expr('num', d);
        const sql = a.ty === 'int' ? wrap32(`-(${big(a.sql)})`) : `(-(${a.sql}))`;
        return { ...a, col: a.col.negate(), sql, ssql: `(-(${a.ssql}))`, src: `${a.src}.negate()`, raw: undefined };
      }
      case 'pmod': {
        // Spark: r = a % n; if (r < 0) (r + n) % n else r; null when n = 0.
        const a = this.expr('num', d);
        const b = this.expr('num', d);
        const ty = widen(a.ty, b.ty);
        const mag = b.mag;
        if (!fitsType(ty, a.mag + b.mag)) return a;
        const bv = arg(ch, b);
        let sql: string;
        if (ty === 'int') {
          // r + n is int arithmetic in Spark (it wraps when both are near int MIN).
          const r = `(${big(a.sql)} % NULLIF(${big(b.sql)}, 0))`;
          sql = `CAST(CASE WHEN ${r} < 0 THEN (${big(wrap32(`${r} + ${big(b.sql)}`))} % ${big(b.sql)}) ELSE ${r} END AS INTEGER)`;
        } else {
          const r = `(${a.sql} % NULLIF(${b.sql}, 0))`;
          sql = `CASE WHEN ${r} < 0 THEN ((${r} + ${b.sql}) % ${b.sql}) ELSE ${r} END`;
        }
        return {
          col: F.pmod(a.col, bv.v),
          sql,
          ssql: `pmod(${a.ssql}, ${b.ssql})`,
          src: `F.pmod(${a.src}, ${bv.src})`,
          ty,
          mag,
          den: Math.max(a.den, b.den),
          exact: isExact(ty, mag, Math.max(a.den, b.den), a.exact && b.exact),
        };
      }
      case 'floor': {
        // Spark's floor/ceil return long (for any numeric input).
        const a = this.expr('num', d);
        if (!(a.mag < 2 ** 52)) return a;
        const f = ch.pick(['floor', 'ceil'] as const);
        return { col: F[f](a.col), sql: `CAST(${f}(${a.sql}) AS BIGINT)`, ssql: `${f}(${a.ssql})`, src: `F.${f}(${a.src})`, ty: 'long', mag: a.mag + 1, den: 0, exact: true };
      }
      case 'round': {
        const a = this.expr('num', d);
        if (a.ty === 'double' ? !a.exact : false) return a;
        // Negative scales on integers could overflow (Spark then wraps through BigDecimal.intValue).
        const scale = a.ty === 'double' ? ch.int(0, 2) : ch.int(a.mag < 2 ** 30 ? -1 : 0, 1);
        const mag = a.ty === 'double' ? a.mag + 1 : a.mag + 10;
        if (!fitsType(a.ty, mag)) return a;
        return {
          col: F.round(a.col, scale),
          sql: `round(${a.sql}, ${scale})`,
          ssql: `round(${a.ssql}, ${scale})`,
          src: `F.round(${a.src}, ${scale})`,
          ty: a.ty,
          mag,
          den: a.den,
          exact: a.exact,
        };
      }
      case 'signum': {
        const a = this.expr('num', d);
        return { col: F.signum(a.col), sql: `CAST(sign(${a.sql}) AS DOUBLE)`, ssql: `signum(${a.ssql})`, src: `F.signum(${a.src})`, ty: 'double', mag: 1, den: 0, exact: true };
      }
      case 'sqrt': {
        // abs(int MIN) wraps to a negative int (sqrt → NaN in Spark, an error in DuckDB): abs of a long.
        const a0 = this.expr('num', d);
        const a = a0.ty === 'int' ? { ...a0, col: a0.col.cast('long'), sql: big(a0.sql), ssql: `CAST(${a0.ssql} AS BIGINT)`, src: `${a0.src}.cast('long')` } : a0;
        return {
          col: F.sqrt(F.abs(a.col)),
          sql: `sqrt(abs(${a.sql}))`,
          ssql: `sqrt(abs(${a.ssql}))`,
          src: `F.sqrt(F.abs(${a.src}))`,
          ty: 'double',
          mag: Number.isFinite(a.mag) ? Math.sqrt(a.mag) + 1 : Infinity,
          den: 0,
          exact: false,
        };
      }
      case 'cast':
        return this.#castToNum(d);
    }
  }

  #castToNum(d: number): Ex {
    const ch = this.#ch;
    const kind = ch.pick(['toLong', 'toDouble', 'toInt', 'boolToInt', 'tsToLong'] as const);
    if (kind === 'boolToInt') {
      const b = this.expr('boolean', d);
      return { col: b.col.cast('int'), sql: `CAST(${b.sql} AS INTEGER)`, ssql: `CAST(${b.ssql} AS INT)`, src: `${b.src}.cast('int')`, ty: 'int', mag: 1, den: 0, exact: true };
    }
    if (kind === 'tsToLong') {
      const t = this.expr('timestamp', d);
      const viaUnix = ch.chance(0.3);
      return {
        col: viaUnix ? F.unixTimestamp(t.col) : t.col.cast('long'),
        sql: `CAST(floor(epoch(${t.sql})) AS BIGINT)`,
        ssql: viaUnix ? `unix_timestamp(${t.ssql})` : `CAST(${t.ssql} AS BIGINT)`,
        src: viaUnix ? `F.unixTimestamp(${t.src})` : `${t.src}.cast('long')`,
        ty: 'long',
        mag: 1e10,
        den: 0,
        exact: true,
      };
    }
    const a = this.expr('num', d);
    const to: Ty = kind === 'toLong' ? 'long' : kind === 'toDouble' ? 'double' : 'int';
    const ssql = `CAST(${a.ssql} AS ${SPARK_SQL_TYPE[to]})`;
    if (a.ty === 'double' && to !== 'double') {
      const mag = to === 'int' ? Math.min(a.mag, INT_WRAP_MAG) : Math.min(a.mag, 2 ** 63);
      return { col: a.col.cast(CAST_NAME[to]), sql: saturatingCast(a.sql, to), ssql, src: `${a.src}.cast('${CAST_NAME[to]}')`, ty: to, mag, den: 0, exact: true };
    }
    return {
      col: a.col.cast(CAST_NAME[to]),
      // long → int keeps the low 32 bits (JVM toInt).
      sql: to === 'int' && a.ty === 'long' ? wrap32(a.sql) : `CAST(${a.sql} AS ${DUCK_TYPE[to]})`,
      ssql,
      src: `${a.src}.cast('${CAST_NAME[to]}')`,
      ty: to,
      mag: to === 'int' ? Math.min(a.mag, INT_WRAP_MAG) : a.mag,
      den: to === 'double' ? a.den : 0,
      exact: isExact(to, a.mag, a.den, a.exact),
    };
  }

  #when(cat: Cat, d: number): Ex {
    const ch = this.#ch;
    const branches = ch.int(1, 2);
    let col: Column | undefined;
    let src = '';
    let sql = 'CASE';
    let ssql = 'CASE';
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
    // Plain JS values in F.when are fine except null (a NullType branch of its own).
    const valueArg = (v: Ex): { v: ColumnOrValue; src: string } =>
      v.raw && v.raw.value !== null && ch.chance(0.5) ? { v: v.raw.value, src: v.raw.src } : { v: v.col, src: v.src };
    for (let i = 0; i < branches; i++) {
      const c = this.expr('boolean', d);
      const v = this.expr(cat, d);
      addValue(v);
      const vv = valueArg(v);
      if (col === undefined) {
        col = F.when(c.col, vv.v);
        src = `F.when(${c.src}, ${vv.src})`;
      } else {
        col = col.when(c.col, vv.v);
        src += `.when(${c.src}, ${vv.src})`;
      }
      sql += ` WHEN ${c.sql} THEN ${v.sql}`;
      ssql += ` WHEN ${c.ssql} THEN ${v.ssql}`;
    }
    if (ch.chance(0.7)) {
      const o = this.expr(cat, d);
      addValue(o);
      const ov = valueArg(o);
      col = col!.otherwise(ov.v);
      src += `.otherwise(${ov.src})`;
      sql += ` ELSE ${o.sql}`;
      ssql += ` ELSE ${o.ssql}`;
    }
    sql += ' END';
    ssql += ' END';
    const t = ty!;
    return { col: col!, sql, ssql, src, ty: t, mag: catOf(t) === 'num' ? mag : 0, den, exact: isExact(t, mag, den, exact) };
  }

  #coalesce(cat: Cat, d: number): Ex {
    const ch = this.#ch;
    const args = Array.from({ length: ch.int(2, 3) }, () => this.expr(cat, d));
    const ty = args.map((a) => a.ty).reduce(widen);
    const mag = Math.max(...args.map((a) => a.mag));
    const den = Math.max(...args.map((a) => a.den));
    const nvl = args.length === 2 && ch.chance(0.3);
    return {
      col: nvl ? F.nvl(args[0]!.col, args[1]!.col) : F.coalesce(...args.map((a) => a.col)),
      sql: `COALESCE(${args.map((a) => a.sql).join(', ')})`,
      ssql: `${nvl ? 'nvl' : 'coalesce'}(${args.map((a) => a.ssql).join(', ')})`,
      src: nvl ? `F.nvl(${args[0]!.src}, ${args[1]!.src})` : `F.coalesce(${args.map((a) => a.src).join(', ')})`,
      ty,
      mag,
      den,
      exact: isExact(ty, mag, den, args.every((a) => a.exact)),
    };
  }

  /** greatest/least: Spark skips nulls (null only when every argument is null), as DuckDB does. */
  #extremum(cat: Cat, d: number): Ex {
    const ch = this.#ch;
    const f = ch.pick(['greatest', 'least'] as const);
    const args = Array.from({ length: ch.int(2, 3) }, () => this.expr(cat, d));
    const ty = args.map((a) => a.ty).reduce(widen);
    const mag = Math.max(...args.map((a) => a.mag));
    const den = Math.max(...args.map((a) => a.den));
    return {
      col: F[f](...args.map((a) => a.col)),
      sql: `${f}(${args.map((a) => a.sql).join(', ')})`,
      ssql: `${f}(${args.map((a) => a.ssql).join(', ')})`,
      src: `F.${f}(${args.map((a) => a.src).join(', ')})`,
      ty,
      mag,
      den,
      exact: isExact(ty, mag, den, args.every((a) => a.exact)),
    };
  }

  #nullif(cat: Cat, d: number): Ex {
    const a = this.expr(cat, d);
    const b = this.#ch.chance(0.5) ? literal(this.#ch, cat === 'num' ? a.ty : cat) : this.expr(cat, d);
    // Spark's nullif(a, b) is `if (a = b) null else a`: a's type (only the comparison is widened).
    return {
      ...a,
      col: F.nullif(a.col, b.col),
      sql: `CASE WHEN ${a.sql} = ${b.sql} THEN NULL ELSE ${a.sql} END`,
      ssql: `nullif(${a.ssql}, ${b.ssql})`,
      src: `F.nullif(${a.src}, ${b.src})`,
      raw: undefined,
    };
  }

  str(depth: number): Ex {
    const ch = this.#ch;
    if (depth <= 0 || !ch.chance(0.6)) return this.leaf('string');
    const d = depth - 1;
    const op = ch.pick(['upper', 'lower', 'concat', 'substring', 'when', 'coalesce', 'cast', 'trim', 'reverse', 'pad', 'concatWs', 'greatest', 'nullif'] as const);
    switch (op) {
      case 'upper':
      case 'lower':
      case 'reverse': {
        const a = this.expr('string', d);
        return nonNumeric('string', { col: F[op](a.col), sql: `${op}(${a.sql})`, ssql: `${op}(${a.ssql})`, src: `F.${op}(${a.src})` });
      }
      case 'trim': {
        const a = this.expr('string', d);
        const f = ch.pick(['trim', 'ltrim', 'rtrim'] as const);
        return nonNumeric('string', { col: F[f](a.col), sql: `${f}(${a.sql})`, ssql: `${f}(${a.ssql})`, src: `F.${f}(${a.src})` });
      }
      case 'pad': {
        const a = this.expr('string', d);
        const f = ch.pick(['lpad', 'rpad'] as const);
        const len = ch.int(0, 5);
        const pad = ch.pick(PADS);
        return nonNumeric('string', {
          col: F[f](a.col, len, pad),
          sql: `${f}(${a.sql}, ${len}, '${pad}')`,
          ssql: `${f}(${a.ssql}, ${len}, '${pad}')`,
          src: `F.${f}(${a.src}, ${len}, '${pad}')`,
        });
      }
      case 'concat': {
        const args = Array.from({ length: ch.int(2, 3) }, () => this.expr('string', d));
        const pipes = ch.chance(0.3);
        return nonNumeric('string', {
          col: F.concat(...args.map((a) => a.col)),
          sql: `(${args.map((a) => a.sql).join(' || ')})`,
          ssql: pipes ? `(${args.map((a) => a.ssql).join(' || ')})` : `concat(${args.map((a) => a.ssql).join(', ')})`,
          src: `F.concat(${args.map((a) => a.src).join(', ')})`,
        });
      }
      case 'concatWs': {
        // Both skip null arguments.
        const args = Array.from({ length: ch.int(1, 3) }, () => this.expr('string', d));
        const sep = ch.pick(['-', '', ', ']);
        return nonNumeric('string', {
          col: F.concatWs(sep, ...args.map((a) => a.col)),
          sql: `concat_ws('${sep}', ${args.map((a) => a.sql).join(', ')})`,
          ssql: `concat_ws('${sep}', ${args.map((a) => a.ssql).join(', ')})`,
          src: `F.concatWs('${sep}', ${args.map((a) => a.src).join(', ')})`,
        });
      }
      case 'substring': {
        const a = this.expr('string', d);
        const pos = ch.int(1, 3);
        const len = ch.int(0, 3);
        const viaMethod = ch.chance(0.5);
        return nonNumeric('string', {
          col: viaMethod ? a.col.substr(pos, len) : F.substring(a.col, pos, len),
          sql: `substring(${a.sql}, ${pos}, ${len})`,
          ssql: `substring(${a.ssql}, ${pos}, ${len})`,
          src: viaMethod ? `${a.src}.substr(${pos}, ${len})` : `F.substring(${a.src}, ${pos}, ${len})`,
        });
      }
      case 'when':
        return this.#when('string', d);
      case 'coalesce':
        return this.#coalesce('string', d);
      case 'greatest':
        return this.#extremum('string', d);
      case 'nullif':
        return this.#nullif('string', d);
      case 'cast': {
        // int/long/boolean → string print the same in both engines (doubles do not).
        const a = ch.chance(0.5) ? this.expr('boolean', d) : this.expr('num', d);
        // Longs beyond 2^53 are not exact in rivulet (documented), so their digits would differ.
        if (a.ty === 'double' || a.mag > LONG_BOUND) return this.leaf('string');
        return nonNumeric('string', { col: a.col.cast('string'), sql: `CAST(${a.sql} AS VARCHAR)`, ssql: `CAST(${a.ssql} AS STRING)`, src: `${a.src}.cast('string')` });
      }
    }
  }

  ts(depth: number): Ex {
    const ch = this.#ch;
    if (depth <= 0 || !ch.chance(0.5)) return this.leaf('timestamp');
    const d = depth - 1;
    const op = ch.pick(['when', 'coalesce', 'fromSeconds', 'greatest'] as const);
    switch (op) {
      case 'when':
        return this.#when('timestamp', d);
      case 'coalesce':
        return this.#coalesce('timestamp', d);
      case 'greatest':
        return this.#extremum('timestamp', d);
      case 'fromSeconds': {
        // Integral → timestamp counts seconds in Spark.
        const a = this.expr('num', d);
        // rivulet keeps timestamps as epoch micros in a double: exact below 2^53 µs (~9e9 s).
        if (a.ty === 'double' || a.mag > 9e9) return this.leaf('timestamp');
        const viaFn = ch.chance(0.4);
        return nonNumeric('timestamp', {
          col: viaFn ? F.timestampSeconds(a.col) : a.col.cast('timestamp'),
          sql: `make_timestamp(CAST(${a.sql} AS BIGINT) * 1000000)`,
          ssql: viaFn ? `timestamp_seconds(${a.ssql})` : `CAST(${a.ssql} AS TIMESTAMP)`,
          src: viaFn ? `F.timestampSeconds(${a.src})` : `${a.src}.cast('timestamp')`,
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
    const sparkOp = m === 'eq' && ch.chance(0.3) ? '==' : m === 'neq' && ch.chance(0.5) ? '!=' : sqlOp;
    const bv = arg(ch, b);
    return nonNumeric('boolean', { col: a.col[m](bv.v), sql: `(${a.sql} ${sqlOp} ${b.sql})`, ssql: `(${a.ssql} ${sparkOp} ${b.ssql})`, src: `${a.src}.${m}(${bv.src})` });
  }

  bool(depth: number): Ex {
    const ch = this.#ch;
    // Boolean literals (false, null) as filter leaves would reject nearly every row: prefer a
    // column-vs-literal comparison at the leaves.
    if (depth <= 0 || !ch.chance(0.75)) return ch.chance(0.6) ? this.#cmp(0) : this.leaf('boolean');
    const d = depth - 1;
    const op = ch.pick(['cmp', 'and', 'or', 'not', 'isNull', 'isin', 'between', 'eqNullSafe', 'when', 'cmp', 'strPred', 'like'] as const);
    switch (op) {
      case 'cmp':
        return this.#cmp(d);
      case 'and':
      case 'or': {
        const a = this.expr('boolean', d);
        const b = this.expr('boolean', d);
        const bv = arg(ch, b);
        const kw = op.toUpperCase();
        return nonNumeric('boolean', { col: a.col[op](bv.v), sql: `(${a.sql} ${kw} ${b.sql})`, ssql: `(${a.ssql} ${kw} ${b.ssql})`, src: `${a.src}.${op}(${bv.src})` });
      }
      case 'not': {
        const a = this.expr('boolean', d);
        const viaF = ch.chance(0.5);
        return nonNumeric('boolean', {
          col: viaF ? F.not(a.col) : a.col.not(),
          sql: `(NOT ${a.sql})`,
          ssql: ch.chance(0.3) ? `(!${a.ssql})` : `(NOT ${a.ssql})`,
          src: viaF ? `F.not(${a.src})` : `${a.src}.not()`,
        });
      }
      case 'isNull': {
        const a = this.any(d);
        const neg = ch.chance(0.5);
        return nonNumeric('boolean', {
          col: neg ? a.col.isNotNull() : a.col.isNull(),
          sql: `(${a.sql} IS ${neg ? 'NOT ' : ''}NULL)`,
          ssql: `(${a.ssql} IS ${neg ? 'NOT ' : ''}NULL)`,
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
          sql: `(${a.sql} IN (${values.map((v) => sqlLiteralOfValue(v, false)).join(', ')}))`,
          ssql: `(${a.ssql} IN (${values.map((v) => sqlLiteralOfValue(v, true)).join(', ')}))`,
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
          ssql: `(${a.ssql} BETWEEN ${lo.ssql} AND ${hi.ssql})`,
          src: `${a.src}.between(${lv.src}, ${hv.src})`,
        });
      }
      case 'eqNullSafe': {
        const cat = this.#cat(['num', 'string', 'timestamp', 'boolean'] as const);
        const a = this.expr(cat, d);
        const b = ch.chance(0.5) ? literal(ch, cat === 'num' ? ch.pick(NUM_TYPES) : cat) : this.expr(cat, d);
        const bv = arg(ch, b);
        return nonNumeric('boolean', {
          col: a.col.eqNullSafe(bv.v),
          sql: `(${a.sql} IS NOT DISTINCT FROM ${b.sql})`,
          ssql: ch.chance(0.5) ? `(${a.ssql} <=> ${b.ssql})` : `(${a.ssql} IS NOT DISTINCT FROM ${b.ssql})`,
          src: `${a.src}.eqNullSafe(${bv.src})`,
        });
      }
      case 'strPred': {
        const m = ch.pick(['contains', 'startswith', 'endswith'] as const);
        const a = this.expr('string', d);
        const b = ch.chance(0.7) ? literal(ch, 'string') : this.expr('string', d);
        const bv = arg(ch, b);
        // The casts keep DuckDB's binder from choking on constant-folded NULL arguments.
        const duckFn = { contains: 'contains', startswith: 'starts_with', endswith: 'ends_with' }[m];
        return nonNumeric('boolean', { col: a.col[m](bv.v), sql: `${duckFn}(CAST(${a.sql} AS VARCHAR), CAST(${b.sql} AS VARCHAR))`, ssql: `${m}(${a.ssql}, ${b.ssql})`, src: `${a.src}.${m}(${bv.src})` });
      }
      case 'like': {
        const a = this.expr('string', d);
        const p = ch.pick(LIKE_PATTERNS);
        return nonNumeric('boolean', { col: a.col.like(p), sql: `(${a.sql} LIKE '${p}')`, ssql: `(${a.ssql} LIKE '${p}')`, src: `${a.src}.like('${p}')` });
      }
      case 'when':
        return this.#when('boolean', d);
    }
  }
}
