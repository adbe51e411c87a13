/**
 * Relational steps over a generated relation, each applied to the rivulet DataFrame and to the
 * DuckDB SQL (as a wrapping subquery) side by side, with the API call appended to the source
 * text. Column names are unique within a query, so DuckDB can resolve them unqualified.
 */
import { F, type Column, type DataFrame } from '../../../src/index.js';
import type { Chooser } from './chooser.js';
import { colRef, sparkIdent, type Ex } from './expressions.js';
import type { TableSpec } from './tables.js';
import { quoteIdent as q, widen, type ColInfo } from './types.js';

export interface OrderInfo {
  /** Output column indexes of the sort keys, in order. */
  readonly keys: readonly number[];
  readonly limit?: number;
}

export interface Rel {
  readonly df: DataFrame;
  readonly sql: string;
  readonly src: string;
  readonly cols: readonly ColInfo[];
  readonly order?: OrderInfo;
}

/** An API call that threw while the query was being built (e.g. an analysis error). */
export class BuildError extends Error {
  readonly src: string;
  readonly sql: string;
  constructor(src: string, sql: string, cause: unknown) {
    super(`building the query failed at:\n${src}\n${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`, { cause });
    this.src = src;
    this.sql = sql;
  }
}

export type SelItem =
  | { readonly kind: 'name'; readonly col: ColInfo }
  | { readonly kind: 'expr'; readonly ex: Ex; readonly name: string };

export type JoinHow = 'inner' | 'left_outer' | 'leftOuter' | 'right_outer' | 'full_outer' | 'left_semi' | 'left_anti';
export const JOIN_HOWS: readonly JoinHow[] = ['inner', 'left_outer', 'leftOuter', 'right_outer', 'full_outer', 'left_semi', 'left_anti'];

function kindOf(how: JoinHow): 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti' {
  switch (how) {
    case 'inner':
      return 'inner';
    case 'left_outer':
    case 'leftOuter':
      return 'left';
    case 'right_outer':
      return 'right';
    case 'full_outer':
      return 'full';
    case 'left_semi':
      return 'semi';
    case 'left_anti':
      return 'anti';
  }
}
const SQL_JOIN = { inner: 'INNER JOIN', left: 'LEFT OUTER JOIN', right: 'RIGHT OUTER JOIN', full: 'FULL OUTER JOIN' } as const;

export interface SortKey {
  readonly index: number;
  readonly dir: 'asc' | 'desc';
  readonly nulls: 'first' | 'last';
}

export class RelBuilder {
  readonly ch: Chooser;
  #aliases = 0;
  #names = 0;
  constructor(ch: Chooser) {
    this.ch = ch;
  }

  /** A fresh SQL subquery alias. */
  alias(): string {
    return `q${++this.#aliases}`;
  }
  /** A fresh output column name, unique in the query. */
  fresh(prefix: string): string {
    return `${prefix}${++this.#names}`;
  }

  #make(src: string, sql: string, cols: readonly ColInfo[], build: () => DataFrame, order?: OrderInfo): Rel {
    let df: DataFrame;
    try {
      df = build();
    } catch (e) {
      throw new BuildError(src, sql, e);
    }
    return order ? { df, sql, src, cols, order } : { df, sql, src, cols };
  }

  /** A generated table; `sqlName` is its name in DuckDB. */
  base(t: TableSpec, df: DataFrame, sqlName = t.name): Rel {
    return { df, sql: `SELECT ${t.cols.map((c) => q(c.name)).join(', ')} FROM ${sqlName}`, src: t.name, cols: t.cols };
  }

  filter(rel: Rel, pred: Ex): Rel {
    const m = this.ch.chance(0.3) ? 'where' : 'filter';
    const sql = `SELECT * FROM (${rel.sql}) AS ${this.alias()} WHERE ${pred.sql}`;
    if (this.ch.chance(0.2)) {
      return this.#make(`${rel.src}\n  .${m}(${JSON.stringify(pred.ssql)})`, sql, rel.cols, () => rel.df[m](pred.ssql));
    }
    return this.#make(`${rel.src}\n  .${m}(${pred.src})`, sql, rel.cols, () => rel.df[m](pred.col));
  }

  /** `cache()` changes nothing in the result (the plan is materialized once and reused). */
  cache(rel: Rel): Rel {
    return this.#make(`${rel.src}\n  .cache()`, rel.sql, rel.cols, () => rel.df.cache());
  }

  drop(rel: Rel, names: readonly string[]): Rel {
    const cols = rel.cols.filter((c) => !names.includes(c.name));
    const viaCol = this.ch.chance(0.3);
    const args = viaCol ? names.map((n) => `F.col('${n}')`) : names.map((n) => `'${n}'`);
    return this.#make(`${rel.src}\n  .drop(${args.join(', ')})`, `SELECT ${cols.map((c) => q(c.name)).join(', ')} FROM (${rel.sql}) AS ${this.alias()}`, cols, () =>
      viaCol ? rel.df.drop(...names.map((n) => F.col(n))) : rel.df.drop(...names),
    );
  }

  rename(rel: Rel, from: string, to: string): Rel {
    const cols = rel.cols.map((c) => (c.name === from ? { ...c, name: to } : c));
    const list = rel.cols.map((c) => (c.name === from ? `${q(from)} AS ${q(to)}` : q(c.name))).join(', ');
    return this.#make(`${rel.src}\n  .withColumnRenamed('${from}', '${to}')`, `SELECT ${list} FROM (${rel.sql}) AS ${this.alias()}`, cols, () =>
      rel.df.withColumnRenamed(from, to),
    );
  }

  /** The expression as built, or (sometimes) parsed from its Spark SQL text. */
  #maybeExpr(ex: Ex): { col: Column; src: string } {
    return this.ch.chance(0.15) ? { col: F.expr(ex.ssql), src: `F.expr(${JSON.stringify(ex.ssql)})` } : { col: ex.col, src: ex.src };
  }

  withColumn(rel: Rel, name: string, exIn: Ex): Rel {
    const e = this.#maybeExpr(exIn);
    const ex = { ...exIn, col: e.col, src: e.src };
    const info: ColInfo = { name, ty: ex.ty, mag: ex.mag, den: ex.den, exact: ex.exact };
    const at = rel.cols.findIndex((c) => c.name === name);
    const cols = at >= 0 ? rel.cols.map((c, i) => (i === at ? info : c)) : [...rel.cols, info];
    const list = cols.map((c) => (c.name === name ? `${ex.sql} AS ${q(name)}` : q(c.name))).join(', ');
    return this.#make(`${rel.src}\n  .withColumn('${name}', ${ex.src})`, `SELECT ${list} FROM (${rel.sql}) AS ${this.alias()}`, cols, () =>
      rel.df.withColumn(name, ex.col),
    );
  }

  /** Select items in their API form: a name, `F.col(name)`, `df.col(name)`, or an aliased expression. */
  #selArg(rel: Rel, it: SelItem): { v: Column | string; src: string } {
    if (it.kind === 'expr') {
      const how = this.ch.pick(['alias', 'as'] as const);
      const e = this.#maybeExpr(it.ex);
      return { v: e.col[how](it.name), src: `${e.src}.${how}('${it.name}')` };
    }
    const form = this.ch.pick(['string', 'F.col', 'df.col'] as const);
    if (form === 'string') return { v: it.col.name, src: `'${it.col.name}'` };
    if (form === 'F.col') return { v: F.col(it.col.name), src: `F.col('${it.col.name}')` };
    return { v: rel.df.col(it.col.name), src: `df.col('${it.col.name}')` };
  }

  static itemInfo(it: SelItem): ColInfo {
    return it.kind === 'name' ? it.col : { name: it.name, ty: it.ex.ty, mag: it.ex.mag, den: it.ex.den, exact: it.ex.exact };
  }
  static itemSql(it: SelItem): string {
    return it.kind === 'name' ? q(it.col.name) : `${it.ex.sql} AS ${q(it.name)}`;
  }

  select(rel: Rel, items: readonly SelItem[]): Rel {
    const sql = `SELECT ${items.map(RelBuilder.itemSql).join(', ')} FROM (${rel.sql}) AS ${this.alias()}`;
    const cols = items.map(RelBuilder.itemInfo);
    if (this.ch.chance(0.15)) {
      const texts = items.map((it) => (it.kind === 'name' ? sparkIdent(it.col.name) : `${it.ex.ssql} AS ${sparkIdent(it.name)}`));
      return this.#make(`${rel.src}\n  .selectExpr(${texts.map((t) => JSON.stringify(t)).join(', ')})`, sql, cols, () => rel.df.selectExpr(...texts));
    }
    const args = items.map((it) => this.#selArg(rel, it));
    return this.#make(`${rel.src}\n  .select(${args.map((a) => a.src).join(', ')})`, sql, cols, () => rel.df.select(...args.map((a) => a.v)));
  }

  /** groupBy(keys).agg(aggs); `df.agg(...)` without keys; `.count()` when asked and possible. */
  aggregate(rel: Rel, keys: readonly SelItem[], aggs: readonly { ex: Ex; name: string }[], countForm = false): Rel {
    const keyArgs = keys.map((k) => this.#selArg(rel, k));
    const keySql = keys.map((k) => (k.kind === 'name' ? q(k.col.name) : k.ex.sql));
    const cols = [...keys.map(RelBuilder.itemInfo), ...aggs.map((a) => ({ name: a.name, ty: a.ex.ty, mag: a.ex.mag, den: a.ex.den, exact: a.ex.exact }))];
    const list = [...keys.map(RelBuilder.itemSql), ...aggs.map((a) => `${a.ex.sql} AS ${q(a.name)}`)].join(', ');
    const sql = `SELECT ${list} FROM (${rel.sql}) AS ${this.alias()}${keys.length ? ` GROUP BY ${keySql.join(', ')}` : ''}`;
    const grouped = `.groupBy(${keyArgs.map((a) => a.src).join(', ')})`;
    if (countForm) {
      return this.#make(`${rel.src}\n  ${grouped}.count()`, sql, cols, () => rel.df.groupBy(...keyArgs.map((a) => a.v)).count());
    }
    const aggArgs = aggs.map((a) => ({ e: this.#maybeExpr(a.ex), name: a.name }));
    const aggSrc = aggArgs.map((a) => `${a.e.src}.alias('${a.name}')`).join(', ');
    const aggCols = aggArgs.map((a) => a.e.col.alias(a.name));
    if (keys.length === 0 && this.ch.chance(0.5)) {
      return this.#make(`${rel.src}\n  .agg(${aggSrc})`, sql, cols, () => rel.df.agg(...aggCols));
    }
    return this.#make(`${rel.src}\n  ${grouped}.agg(${aggSrc})`, sql, cols, () => rel.df.groupBy(...keyArgs.map((a) => a.v)).agg(...aggCols));
  }

  /** `l.join(r, cond, how)` with a Column condition. */
  join(l: Rel, r: Rel, how: JoinHow, cond: Ex): Rel {
    const kind = kindOf(how);
    const a = this.alias();
    const b = this.alias();
    const sql =
      kind === 'semi' || kind === 'anti'
        ? `SELECT * FROM (${l.sql}) AS ${a} WHERE ${kind === 'anti' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM (${r.sql}) AS ${b} WHERE ${cond.sql})`
        : `SELECT * FROM (${l.sql}) AS ${a} ${SQL_JOIN[kind]} (${r.sql}) AS ${b} ON ${cond.sql}`;
    const cols = kind === 'semi' || kind === 'anti' ? l.cols : [...l.cols, ...r.cols];
    return this.#make(`(${l.src})\n  .join(${indent(r.src)}, ${cond.src}, '${how}')`, sql, cols, () => l.df.join(r.df, cond.col, how));
  }

  /** A self-join through aliases; the output repeats every column name (semi/anti: once). */
  selfJoin(base: Rel, keys: readonly ColInfo[], how: JoinHow): Rel {
    const kind = kindOf(how);
    const a = this.alias();
    const b = this.alias();
    const on = keys.map((k) => `${a}.${q(k.name)} = ${b}.${q(k.name)}`).join(' AND ');
    const sql =
      kind === 'semi' || kind === 'anti'
        ? `SELECT * FROM (${base.sql}) AS ${a} WHERE ${kind === 'anti' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM (${base.sql}) AS ${b} WHERE ${on})`
        : `SELECT * FROM (${base.sql}) AS ${a} ${SQL_JOIN[kind]} (${base.sql}) AS ${b} ON ${on}`;
    const cols = kind === 'semi' || kind === 'anti' ? base.cols : [...base.cols, ...base.cols];
    const viaDfCol = this.ch.chance(0.4);
    const condSrc = keys
      .map((k) => (viaDfCol ? `l.col('${k.name}').eq(r.col('${k.name}'))` : `F.col('l.${k.name}').eq(F.col('r.${k.name}'))`))
      .join(').and(');
    const src = `(${base.src})\n  .alias('l').join(same.alias('r'), ${keys.length > 1 ? `(${condSrc})` : condSrc}, '${how}')`;
    return this.#make(src, sql, cols, () => {
      const l = base.df.alias('l');
      const r = base.df.alias('r');
      const conds = keys.map((k) => (viaDfCol ? l.col(k.name).eq(r.col(k.name)) : F.col(`l.${k.name}`).eq(F.col(`r.${k.name}`))));
      return l.join(r, conds.reduce((x, y) => x.and(y)), how);
    });
  }

  /**
   * `l.join(r', ['k', ...], how)` where r' renames its key columns to the left names. Spark's
   * output: the keys (left's; right's for right_outer; coalesce(l, r) for full_outer), then
   * the other left columns, then the other right columns (none for semi/anti).
   */
  usingJoin(l: Rel, r: Rel, pairs: readonly (readonly [ColInfo, ColInfo])[], how: JoinHow): Rel {
    const kind = kindOf(how);
    const a = this.alias();
    const b = this.alias();
    const lKeys = new Set(pairs.map(([lc]) => lc.name));
    const rKeys = new Set(pairs.map(([, rc]) => rc.name));
    const keyInfo = pairs.map(([lc, rc]) => (kind === 'right' ? { ...rc, name: lc.name } : kind === 'full' ? { ...lc, ty: widen(lc.ty, rc.ty), mag: Math.max(lc.mag, rc.mag) } : lc));
    const keySql = pairs.map(([lc, rc]) => {
      const lref = `${a}.${q(lc.name)}`;
      const rref = `${b}.${q(rc.name)}`;
      const e = kind === 'right' ? rref : kind === 'full' ? `COALESCE(${lref}, ${rref})` : lref;
      return `${e} AS ${q(lc.name)}`;
    });
    const lRest = l.cols.filter((c) => !lKeys.has(c.name));
    const rRest = r.cols.filter((c) => !rKeys.has(c.name));
    const on = pairs.map(([lc, rc]) => `${a}.${q(lc.name)} = ${b}.${q(rc.name)}`).join(' AND ');
    const lList = [...keySql, ...lRest.map((c) => `${a}.${q(c.name)}`)];
    let sql: string;
    let cols: ColInfo[];
    if (kind === 'semi' || kind === 'anti') {
      sql = `SELECT ${lList.join(', ')} FROM (${l.sql}) AS ${a} WHERE ${kind === 'anti' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM (${r.sql}) AS ${b} WHERE ${on})`;
      cols = [...keyInfo, ...lRest];
    } else {
      sql = `SELECT ${[...lList, ...rRest.map((c) => `${b}.${q(c.name)}`)].join(', ')} FROM (${l.sql}) AS ${a} ${SQL_JOIN[kind]} (${r.sql}) AS ${b} ON ${on}`;
      cols = [...keyInfo, ...lRest, ...rRest];
    }
    const renames = pairs.filter(([lc, rc]) => lc.name !== rc.name);
    const rSrc = indent(r.src) + renames.map(([lc, rc]) => `.withColumnRenamed('${rc.name}', '${lc.name}')`).join('');
    const names = pairs.map(([lc]) => lc.name);
    const single = names.length === 1 && this.ch.chance(0.5);
    const onSrc = single ? `'${names[0]}'` : `[${names.map((n) => `'${n}'`).join(', ')}]`;
    return this.#make(`(${l.src})\n  .join(${rSrc}, ${onSrc}, '${how}')`, sql, cols, () => {
      let right = r.df;
      for (const [lc, rc] of renames) right = right.withColumnRenamed(rc.name, lc.name);
      return l.df.join(right, single ? names[0]! : names, how);
    });
  }

  /** Positional `union`, or `unionByName` (b's columns carry a's names, in another order). */
  union(a: Rel, b: Rel, byName: boolean): Rel {
    const cols = a.cols.map((c, i) => {
      const o = byName ? b.cols.find((x) => x.name === c.name)! : b.cols[i]!;
      return { name: c.name, ty: widen(c.ty, o.ty), mag: Math.max(c.mag, o.mag), den: Math.max(c.den, o.den), exact: c.exact && o.exact };
    });
    const bSql = byName ? `SELECT ${a.cols.map((c) => q(c.name)).join(', ')} FROM (${b.sql}) AS ${this.alias()}` : b.sql;
    const m = byName ? 'unionByName' : 'union';
    return this.#make(`(${a.src})\n  .${m}(${indent(b.src)})`, `SELECT * FROM ((${a.sql}) UNION ALL (${bSql})) AS ${this.alias()}`, cols, () =>
      byName ? a.df.unionByName(b.df) : a.df.union(b.df),
    );
  }

  distinct(rel: Rel): Rel {
    const form = this.ch.pick(['distinct', 'dropDuplicates', 'dropDuplicatesAll'] as const);
    const names = rel.cols.map((c) => c.name);
    const src =
      form === 'distinct' ? '.distinct()' : form === 'dropDuplicates' ? '.dropDuplicates()' : `.dropDuplicates([${names.map((n) => `'${n}'`).join(', ')}])`;
    return this.#make(`${rel.src}\n  ${src}`, `SELECT DISTINCT * FROM (${rel.sql}) AS ${this.alias()}`, rel.cols, () =>
      form === 'distinct' ? rel.df.distinct() : form === 'dropDuplicates' ? rel.df.dropDuplicates() : rel.df.dropDuplicates(names),
    );
  }

  orderBy(rel: Rel, keys: readonly SortKey[], limit?: number): Rel {
    const ch = this.ch;
    const args = keys.map((k) => sortArg(ch, rel, k));
    const m = ch.chance(0.3) ? 'sort' : 'orderBy';
    const sqlKeys = keys.map((k) => `${q(rel.cols[k.index]!.name)} ${k.dir.toUpperCase()} NULLS ${k.nulls.toUpperCase()}`);
    let src = `${rel.src}\n  .${m}(${args.map((a) => a.src).join(', ')})`;
    let sql = `SELECT * FROM (${rel.sql}) AS ${this.alias()} ORDER BY ${sqlKeys.join(', ')}`;
    if (limit !== undefined) {
      src += `\n  .limit(${limit})`;
      sql += ` LIMIT ${limit}`;
    }
    const order: OrderInfo = limit === undefined ? { keys: keys.map((k) => k.index) } : { keys: keys.map((k) => k.index), limit };
    return this.#make(src, sql, rel.cols, () => {
      const sorted = rel.df[m](...args.map((a) => a.v));
      return limit === undefined ? sorted : sorted.limit(limit);
    }, order);
  }
}

/** The many spellings of a sort key; Spark's default is ascending with nulls first. */
function sortArg(ch: Chooser, rel: Rel, k: SortKey): { v: Column | string; src: string } {
  const name = rel.cols[k.index]!.name;
  const viaDf = ch.chance(0.3);
  const c = viaDf ? rel.df.col(name) : F.col(name);
  const cSrc = viaDf ? `df.col('${name}')` : `F.col('${name}')`;
  if (k.dir === 'asc' && k.nulls === 'first') {
    const f = ch.pick(['string', 'col', 'F.asc', '.asc', '.ascNullsFirst'] as const);
    if (f === 'string') return { v: name, src: `'${name}'` };
    if (f === 'col') return { v: c, src: cSrc };
    if (f === 'F.asc') return { v: F.asc(name), src: `F.asc('${name}')` };
    if (f === '.asc') return { v: c.asc(), src: `${cSrc}.asc()` };
    return { v: c.ascNullsFirst(), src: `${cSrc}.ascNullsFirst()` };
  }
  if (k.dir === 'asc') {
    return ch.chance(0.5) ? { v: F.ascNullsLast(name), src: `F.ascNullsLast('${name}')` } : { v: c.ascNullsLast(), src: `${cSrc}.ascNullsLast()` };
  }
  if (k.nulls === 'last') {
    const f = ch.pick(['F.desc', '.desc', '.descNullsLast'] as const);
    if (f === 'F.desc') return { v: F.desc(name), src: `F.desc('${name}')` };
    if (f === '.desc') return { v: c.desc(), src: `${cSrc}.desc()` };
    return { v: c.descNullsLast(), src: `${cSrc}.descNullsLast()` };
  }
  return ch.chance(0.5) ? { v: F.descNullsFirst(name), src: `F.descNullsFirst('${name}')` } : { v: c.descNullsFirst(), src: `${cSrc}.descNullsFirst()` };
}

function indent(s: string): string {
  return s.replace(/\n/g, '\n    ');
}

/** Re-exported so query shapes can build column references from ColInfo. */
export { colRef };
