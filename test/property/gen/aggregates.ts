/**
 * Aggregate expressions with Spark's result types: count → long, sum(integral) → long,
 * sum(double) → double, avg/stddev/variance → double, min/max keep the input type,
 * countDistinct → long. sum/avg/stddev/variance only take "exact" inputs (integral, or
 * doubles that are small multiples of 2^-k): Spark and DuckDB add in different orders, and
 * inexact doubles would then differ in the last bits (and be far apart after cancellation).
 * first/last/collect_* are left out: their result depends on the row order.
 */
import { F } from '../../../src/index.js';
import type { Chooser } from './chooser.js';
import { colRef, literal, type Ex, type ExprGen } from './expressions.js';
import { EXACT_BOUND, LONG_BOUND, SUM_ROWS, catOf } from './types.js';

/** A column-name string when the argument is a plain column (F.sum('a0')), else the Column. */
function argOf(ch: Chooser, x: Ex): { v: Parameters<typeof F.sum>[0]; src: string } {
  const m = /^F\.col\('([^']+)'\)$/.exec(x.src);
  if (m && ch.chance(0.5)) return { v: m[1]!, src: `'${m[1]}'` };
  return { v: x.col, src: x.src };
}

function exactNum(ch: Chooser, eg: ExprGen): Ex {
  const x = eg.num(2);
  if (x.exact && x.mag * SUM_ROWS <= LONG_BOUND) return x;
  const cols = eg.columnsOf('num', (c) => c.exact);
  return cols.length ? colRef(ch.pick(cols)) : literal(ch, 'int');
}

const long = (col: Ex['col'], sql: string, ssql: string, src: string): Ex => ({ col, sql, ssql, src, ty: 'long', mag: SUM_ROWS, den: 0, exact: true });

export function countStar(): Ex {
  return long(F.count('*'), 'count(*)', 'count(*)', "F.count('*')");
}

export function genAgg(ch: Chooser, eg: ExprGen): Ex {
  const kind = ch.pick(['countStar', 'count', 'sum', 'avg', 'min', 'max', 'countDistinct', 'sumDistinct', 'moment'] as const);
  switch (kind) {
    case 'countStar':
      return countStar();
    case 'count': {
      const x = eg.any(1);
      const a = argOf(ch, x);
      return long(F.count(a.v), `count(${x.sql})`, `count(${x.ssql})`, `F.count(${a.src})`);
    }
    case 'sum':
    case 'sumDistinct': {
      const x = exactNum(ch, eg);
      const a = argOf(ch, x);
      const ty = x.ty === 'double' ? 'double' : 'long';
      const mag = x.mag * SUM_ROWS;
      const exact = ty !== 'double' || mag * 2 ** x.den <= EXACT_BOUND;
      const d = kind === 'sumDistinct' ? 'DISTINCT ' : '';
      const col = kind === 'sumDistinct' ? F.sumDistinct(a.v) : F.sum(a.v);
      return { col, sql: `sum(${d}${x.sql})`, ssql: `sum(${d}${x.ssql})`, src: `F.${kind}(${a.src})`, ty, mag, den: x.den, exact };
    }
    case 'avg': {
      const x = exactNum(ch, eg);
      const a = argOf(ch, x);
      const viaMean = ch.chance(0.2);
      return {
        col: viaMean ? F.mean(a.v) : F.avg(a.v),
        sql: `avg(${x.sql})`,
        ssql: `${viaMean ? 'mean' : 'avg'}(${x.ssql})`,
        src: `F.${viaMean ? 'mean' : 'avg'}(${a.src})`,
        ty: 'double',
        mag: x.mag,
        den: 0,
        exact: false,
      };
    }
    case 'moment': {
      // Sample variants are null on one row (Spark 3.1+ default), as in DuckDB.
      const x = exactNum(ch, eg);
      const a = argOf(ch, x);
      const [api, spark, duck] = ch.pick([
        ['stddev', 'stddev', 'stddev_samp'],
        ['stddevPop', 'stddev_pop', 'stddev_pop'],
        ['variance', 'variance', 'var_samp'],
        ['varPop', 'var_pop', 'var_pop'],
      ] as const);
      return { col: F[api](a.v), sql: `${duck}(${x.sql})`, ssql: `${spark}(${x.ssql})`, src: `F.${api}(${a.src})`, ty: 'double', mag: Infinity, den: 0, exact: false };
    }
    case 'min':
    case 'max': {
      const x = eg.any(2);
      const a = argOf(ch, x);
      return { ...x, col: F[kind](a.v), sql: `${kind}(${x.sql})`, ssql: `${kind}(${x.ssql})`, src: `F.${kind}(${a.src})`, raw: undefined, mag: catOf(x.ty) === 'num' ? x.mag : 0 };
    }
    case 'countDistinct': {
      const x = eg.any(1);
      if (ch.chance(0.25)) {
        // Spark counts the distinct tuples whose fields are all non-null.
        const y = eg.any(1);
        return long(
          F.countDistinct(x.col, y.col),
          `count(DISTINCT CASE WHEN ${x.sql} IS NULL OR ${y.sql} IS NULL THEN NULL ELSE ROW(${x.sql}, ${y.sql}) END)`,
          `count(DISTINCT ${x.ssql}, ${y.ssql})`,
          `F.countDistinct(${x.src}, ${y.src})`,
        );
      }
      const a = argOf(ch, x);
      return long(F.countDistinct(a.v), `count(DISTINCT ${x.sql})`, `count(DISTINCT ${x.ssql})`, `F.countDistinct(${a.src})`);
    }
  }
}
