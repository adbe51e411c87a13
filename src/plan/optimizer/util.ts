/** Helpers shared by the optimizer rules (Spark's PredicateHelper / AliasHelper). */
import { someExpr, transformUp, type AliasExpr, type Expr } from '../../expr/ast.js';
import { isDeterministic } from '../../expr/compile.js';
import { lookupFunction } from '../../expr/functions/index.js';
import { referencedIds } from '../../exec/join.js';
import { planChildren, withChildren, type LogicalPlan } from '../logical.js';

export { conjoin, referencedIds, splitConjuncts } from '../../exec/join.js';
export { isDeterministic };

/** Generators only run inside a Generate node; `window` is rewritten into one by the analyzer. */
const GENERATORS = new Set(['explode', 'explode_outer', 'posexplode', 'posexplode_outer', 'window', 'window_expand']);

export function hasAggregateOrGenerator(e: Expr): boolean {
  return someExpr(e, (x) => x.kind === 'call' && (GENERATORS.has(x.name) || lookupFunction(x.name)?.kind === 'aggregate'));
}

export function hasAggregate(e: Expr): boolean {
  return someExpr(e, (x) => x.kind === 'call' && lookupFunction(x.name)?.kind === 'aggregate');
}

export function subsetOf(ids: ReadonlySet<number>, of: ReadonlySet<number>): boolean {
  for (const i of ids) if (!of.has(i)) return false;
  return true;
}

export function idsOf(attrs: readonly { readonly id: number }[]): Set<number> {
  return new Set(attrs.map((a) => a.id));
}

/** The ids `es` reference, together. */
export function referencesOf(es: readonly Expr[]): Set<number> {
  const out = new Set<number>();
  for (const e of es) referencedIds(e, out);
  return out;
}

/** exprId → the aliased expression, for the aliases of a Project or Aggregate list. */
export function aliasMap(list: readonly Expr[], keep: (a: AliasExpr) => boolean = () => true): Map<number, Expr> {
  const m = new Map<number, Expr>();
  for (const e of list) if (e.kind === 'alias' && e.exprId !== undefined && keep(e)) m.set(e.exprId, e.child);
  return m;
}

/** Replaces references to aliased attributes by the aliased expressions (Spark's replaceAlias). */
export function replaceAliases(e: Expr, aliases: ReadonlyMap<number, Expr>): Expr {
  if (aliases.size === 0) return e;
  return transformUp(e, (x) => (x.kind === 'attr' && aliases.has(x.id) ? aliases.get(x.id)! : x));
}

export function partition<T>(xs: readonly T[], pred: (x: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const x of xs) (pred(x) ? yes : no).push(x);
  return [yes, no];
}

/**
 * Spark's `transformDown`: rewrites a node, then the children of the result. A rule that moves a
 * Filter one level down therefore keeps pushing it in the same pass.
 */
export function transformPlanDown(p: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  const q = f(p);
  const kids = planChildren(q);
  const next = kids.map((c) => transformPlanDown(c, f));
  return next.every((c, i) => c === kids[i]) ? q : withChildren(q, next);
}

/**
 * Structural equality that stops at shared subtrees. The optimizer's fixpoint loop compares plans
 * by identity, so a rule that rebuilds an equal plan must hand back the original object.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  // Map values (map-typed cells) have no enumerable keys; only identity can vouch for them.
  if (a instanceof Map || b instanceof Map) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** `next` unless it equals `p` structurally (then `p`, so identity signals "no change"). */
export function sameOr(p: LogicalPlan, next: LogicalPlan): LogicalPlan {
  return next === p || deepEqual(p, next) ? p : next;
}
