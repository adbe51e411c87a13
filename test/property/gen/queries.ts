/**
 * Query shapes: each builds a random query over the base relations (rivulet DataFrame + DuckDB
 * SQL + API source text) out of the steps in relations.ts.
 */
import { F } from '../../../src/index.js';
import { countStar, genAgg } from './aggregates.js';
import type { Chooser } from './chooser.js';
import { ExprGen, colRef, sparkIdent, viaExpr, type Ex } from './expressions.js';
import { JOIN_HOWS, RelBuilder, type Rel, type SelItem, type SortKey } from './relations.js';
import { ALL_CATS, catOf, type Cat, type ColInfo } from './types.js';

export const SHAPES = {
  project: 40,
  filter: 30,
  groupBy: 40,
  globalAgg: 20,
  join: 50,
  usingJoin: 25,
  union: 25,
  distinct: 20,
  orderBy: 40,
} as const;
export type Shape = keyof typeof SHAPES;

export class QueryGen {
  readonly #ch: Chooser;
  readonly #rb: RelBuilder;
  readonly #bases: readonly Rel[];
  constructor(ch: Chooser, rb: RelBuilder, bases: readonly Rel[]) {
    this.#ch = ch;
    this.#rb = rb;
    this.#bases = bases;
  }

  build(shape: Shape): Rel {
    switch (shape) {
      case 'project':
        return this.project();
      case 'filter':
        return this.filterShape();
      case 'groupBy':
        return this.groupBy(this.#prepared());
      case 'globalAgg':
        return this.globalAgg();
      case 'join':
        return this.#ch.chance(0.15) ? this.selfJoin() : this.join();
      case 'usingJoin':
        return this.usingJoin();
      case 'union':
        return this.union();
      case 'distinct':
        return this.distinct();
      case 'orderBy':
        return this.orderBy();
    }
  }

  #gen(scope: readonly ColInfo[]): ExprGen {
    return new ExprGen(this.#ch, scope);
  }

  #base(): Rel {
    return this.#ch.pick(this.#bases);
  }

  #maybeFilter(rel: Rel, p: number, depth = 2): Rel {
    return this.#ch.chance(p) ? this.#rb.filter(rel, this.#pred(rel, depth)) : rel;
  }

  /** A predicate; sometimes OR-ed with a second one, since random predicates (and nulls) reject most rows. */
  #pred(rel: Rel, depth: number): Ex {
    const eg = this.#gen(rel.cols);
    const p = eg.bool(depth);
    if (!this.#ch.chance(0.4)) return p;
    const q = eg.bool(depth - 1);
    return { ...p, col: p.col.or(q.col), sql: `(${p.sql} OR ${q.sql})`, ssql: `(${p.ssql} OR ${q.ssql})`, src: `${p.src}.or(${q.src})` };
  }

  /** A base relation, maybe filtered, maybe with a computed column. */
  #prepared(): Rel {
    const ch = this.#ch;
    let r = this.#maybeFilter(this.#base(), 0.4);
    if (ch.chance(0.3)) r = this.#rb.withColumn(r, this.#rb.fresh('x'), this.#gen(r.cols).any(2));
    if (ch.chance(0.1)) r = this.#rb.cache(r);
    return r;
  }

  /** 1..max output items: plain columns (each at most once) or aliased expressions. */
  #items(rel: Rel, min: number, max: number, depth: number): SelItem[] {
    const ch = this.#ch;
    const eg = this.#gen(rel.cols);
    const used = new Set<string>();
    const n = ch.int(min, max);
    const items: SelItem[] = [];
    for (let i = 0; i < n; i++) {
      const free = rel.cols.filter((c) => !used.has(c.name));
      if (free.length > 0 && ch.chance(0.35)) {
        const c = ch.pick(free);
        used.add(c.name);
        items.push({ kind: 'name', col: c });
      } else {
        items.push({ kind: 'expr', ex: eg.any(depth), name: this.#rb.fresh('x') });
      }
    }
    return items;
  }

  project(): Rel {
    const ch = this.#ch;
    let r = this.#maybeFilter(this.#base(), 0.4);
    const nw = ch.int(0, 2);
    for (let i = 0; i < nw; i++) {
      const replace = ch.chance(0.2);
      const name = replace ? ch.pick(r.cols).name : this.#rb.fresh('x');
      r = this.#rb.withColumn(r, name, this.#gen(r.cols).any(3));
    }
    if (ch.chance(0.15)) r = this.#rb.cache(r);
    if (ch.chance(0.2) && r.cols.length > 1) r = this.#rb.drop(r, ch.subset(r.cols, 1, r.cols.length - 1).map((c) => c.name));
    if (ch.chance(0.2)) r = this.#rb.rename(r, ch.pick(r.cols).name, this.#rb.fresh('r'));
    if (ch.chance(0.2)) return this.#maybeFilter(r, 0.5);
    r = this.#rb.select(r, this.#items(r, 1, 4, 3));
    return this.#maybeFilter(r, 0.3);
  }

  filterShape(): Rel {
    const base = this.#base();
    let out = this.#rb.filter(base, this.#pred(base, 3));
    if (this.#ch.chance(0.2)) out = this.#rb.filter(out, this.#pred(out, 2));
    return out;
  }

  groupBy(input: Rel): Rel {
    const ch = this.#ch;
    const rb = this.#rb;
    const eg = this.#gen(input.cols);
    const keys: SelItem[] = [];
    const nk = ch.int(1, 2);
    for (let i = 0; i < nk; i++) {
      const free = input.cols.filter((c) => !keys.some((k) => k.kind === 'name' && k.col.name === c.name));
      if (free.length > 0 && !ch.chance(0.3)) keys.push({ kind: 'name', col: ch.pick(free) });
      else keys.push({ kind: 'expr', ex: eg.any(1), name: rb.fresh('g') });
    }
    let out: Rel;
    if (ch.chance(0.15)) {
      out = rb.aggregate(input, keys, [{ ex: countStar(), name: 'count' }], true);
    } else {
      const aggs = Array.from({ length: ch.int(1, 4) }, () => ({ ex: genAgg(ch, eg), name: rb.fresh('s') }));
      out = rb.aggregate(input, keys, aggs);
    }
    // HAVING-like filter: only over values both engines compute bit-identically.
    if (ch.chance(0.3)) out = rb.filter(out, this.#gen(out.cols.filter((c) => c.exact)).bool(2));
    return out;
  }

  globalAgg(): Rel {
    const ch = this.#ch;
    const r = this.#maybeFilter(this.#base(), 0.6, 3);
    const eg = this.#gen(r.cols);
    const aggs = Array.from({ length: ch.int(1, 5) }, () => ({ ex: genAgg(ch, eg), name: this.#rb.fresh('s') }));
    return this.#rb.aggregate(r, [], aggs);
  }

  #twoBases(): [Rel, Rel] {
    const ch = this.#ch;
    const [i, j] = ch.shuffle(this.#bases.map((_, k) => k)).slice(0, 2) as [number, number];
    return [this.#maybeFilter(this.#bases[i]!, 0.3), this.#maybeFilter(this.#bases[j]!, 0.3)];
  }

  /** After a join or union: maybe a filter, a projection or an aggregation on top. */
  #post(r: Rel): Rel {
    const ch = this.#ch;
    const what = ch.int(0, 3);
    if (what === 1) return this.#rb.filter(r, this.#pred(r, 2));
    if (what === 2) return this.#rb.select(r, this.#items(r, 1, 3, 2));
    if (what === 3) return this.groupBy(r);
    return r;
  }

  join(): Rel {
    const ch = this.#ch;
    const [l, r] = this.#twoBases();
    const pairs: [ColInfo, ColInfo][] = [];
    pairs.push(ch.chance(0.4) ? samePair(ch, l.cols, r.cols, (a, b) => catOf(a.ty) === catOf(b.ty)) ?? [l.cols[0]!, r.cols[0]!] : [l.cols[0]!, r.cols[0]!]);
    if (ch.chance(0.3)) {
      const p = samePair(ch, l.cols.slice(1), r.cols.slice(1), (a, b) => catOf(a.ty) === catOf(b.ty));
      if (p) pairs.push(p);
    }
    let cond: Ex | undefined;
    for (const [lc, rc] of pairs) {
      const nullSafe = ch.chance(0.15);
      const viaDf = ch.chance(0.5);
      const lcol = viaDf ? l.df.col(lc.name) : F.col(lc.name);
      const rcol = viaDf ? r.df.col(rc.name) : F.col(rc.name);
      const ls = viaDf ? `left.col('${lc.name}')` : `F.col('${lc.name}')`;
      const rs = viaDf ? `right.col('${rc.name}')` : `F.col('${rc.name}')`;
      const e: Ex = {
        col: nullSafe ? lcol.eqNullSafe(rcol) : lcol.eq(rcol),
        sql: nullSafe ? `("${lc.name}" IS NOT DISTINCT FROM "${rc.name}")` : `("${lc.name}" = "${rc.name}")`,
        ssql: `(${sparkIdent(lc.name)} ${nullSafe ? '<=>' : '='} ${sparkIdent(rc.name)})`,
        src: `${ls}.${nullSafe ? 'eqNullSafe' : 'eq'}(${rs})`,
        ty: 'boolean',
        mag: 0,
        den: 0,
        exact: true,
      };
      cond = cond ? andEx(cond, e) : e;
    }
    if (ch.chance(0.3)) cond = andEx(cond!, this.#gen([...l.cols, ...r.cols]).bool(2));
    if (ch.chance(0.15)) cond = viaExpr(cond!);
    const out = this.#rb.join(l, r, ch.pick(JOIN_HOWS), cond!);
    return this.#post(out);
  }

  /** `t.alias('l').join(t.alias('r'), F.col('l.k').eq(F.col('r.k')), how)`: repeated output names. */
  selfJoin(): Rel {
    const ch = this.#ch;
    const base = this.#maybeFilter(this.#base(), 0.3);
    const keys = [base.cols[0]!];
    if (ch.chance(0.3) && base.cols.length > 1) keys.push(ch.pick(base.cols.slice(1)));
    return this.#rb.selfJoin(base, keys, ch.pick(JOIN_HOWS));
  }

  usingJoin(): Rel {
    const ch = this.#ch;
    const [l, r] = this.#twoBases();
    const pairs: [ColInfo, ColInfo][] = [[l.cols[0]!, r.cols[0]!]];
    if (ch.chance(0.3)) {
      const p = samePair(ch, l.cols.slice(1), r.cols.slice(1), (a, b) => a.ty === b.ty);
      if (p) pairs.push(p);
    }
    return this.#post(this.#rb.usingJoin(l, r, pairs, ch.pick(JOIN_HOWS)));
  }

  union(): Rel {
    const ch = this.#ch;
    const rb = this.#rb;
    const sig: Cat[] = Array.from({ length: ch.int(1, 3) }, () => ch.pick(ALL_CATS));
    const byName = ch.chance(0.4);
    const [a0, b0] = [this.#maybeFilter(this.#base(), 0.3), this.#maybeFilter(this.#base(), 0.3)];
    const itemsFor = (rel: Rel, names: readonly (string | undefined)[]): SelItem[] => {
      const eg = this.#gen(rel.cols);
      const used = new Set<string>();
      return sig.map((cat, i) => {
        const free = eg.columnsOf(cat, (c) => !used.has(c.name));
        const want = names[i];
        if (free.length > 0 && ch.chance(0.5)) {
          const c = ch.pick(free);
          used.add(c.name);
          if (want === undefined || want === c.name) return { kind: 'name', col: c };
          return { kind: 'expr', ex: colRef(c), name: want };
        }
        return { kind: 'expr', ex: eg.expr(cat, 2), name: want ?? rb.fresh('u') };
      });
    };
    const aItems = itemsFor(a0, sig.map(() => undefined));
    const a = rb.select(a0, aItems);
    let b: Rel;
    if (byName) {
      const bItems = itemsFor(b0, a.cols.map((c) => c.name));
      b = rb.select(b0, ch.shuffle(bItems));
    } else {
      b = rb.select(b0, itemsFor(b0, sig.map(() => rb.fresh('v'))));
    }
    let out = rb.union(a, b, byName);
    if (ch.chance(0.3)) out = rb.distinct(out);
    return this.#post(out);
  }

  distinct(): Rel {
    const ch = this.#ch;
    let r = this.#maybeFilter(this.#base(), 0.3);
    if (!ch.chance(0.2)) r = this.#rb.select(r, this.#items(r, 1, 3, 1));
    return this.#rb.distinct(r);
  }

  orderBy(): Rel {
    const ch = this.#ch;
    const shape = ch.pick(['project', 'groupBy', 'join', 'union', 'distinct', 'filter', 'usingJoin'] as const);
    // Not a self-join: sort keys are named, and a self-join repeats every name.
    const inner = shape === 'join' ? this.join() : this.build(shape);
    const n = inner.cols.length;
    const total = ch.chance(0.25);
    const idx = total ? ch.shuffle(inner.cols.map((_, i) => i)) : ch.shuffle(inner.cols.map((_, i) => i)).slice(0, ch.int(1, Math.min(3, n)));
    const keys: SortKey[] = idx.map((index) => ({ index, dir: ch.chance(0.5) ? 'desc' : 'asc', nulls: ch.chance(0.5) ? 'last' : 'first' }));
    // The "natural" spellings map to Spark's defaults: asc → nulls first, desc → nulls last.
    return this.#rb.orderBy(inner, keys, ch.chance(0.5) ? ch.int(0, 12) : undefined);
  }
}

function andEx(a: Ex, b: Ex): Ex {
  return { ...a, col: a.col.and(b.col), sql: `(${a.sql} AND ${b.sql})`, ssql: `(${a.ssql} AND ${b.ssql})`, src: `${a.src}.and(${b.src})` };
}

function samePair(ch: Chooser, ls: readonly ColInfo[], rs: readonly ColInfo[], ok: (a: ColInfo, b: ColInfo) => boolean): [ColInfo, ColInfo] | undefined {
  const all: [ColInfo, ColInfo][] = [];
  for (const a of ls) for (const b of rs) if (ok(a, b)) all.push([a, b]);
  return all.length ? ch.pick(all) : undefined;
}
