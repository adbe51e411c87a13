/**
 * Spark's CombineFilters: Filter(outer, Filter(inner, x)) → Filter(inner AND outer, x). The inner
 * condition runs first (AND short-circuits), as before. Only a deterministic inner filter is
 * merged, and non-deterministic outer conjuncts stay in a filter above: they must still see
 * exactly the rows the inner filter lets through, in the same order.
 */
import { semanticKey, type Expr } from '../../expr/ast.js';
import { transformPlanUp, type Filter, type LogicalPlan } from '../logical.js';
import { conjoin, isDeterministic, partition, splitConjuncts } from './util.js';

export function combineFilters(p: LogicalPlan): LogicalPlan {
  return transformPlanUp(p, (n) => (n.node === 'Filter' && n.child.node === 'Filter' ? combine(n, n.child) : n));
}

function combine(outer: Filter, inner: Filter): LogicalPlan {
  if (!isDeterministic(inner.condition)) return outer;
  const [det, nonDet] = partition(splitConjuncts(outer.condition), isDeterministic);
  const seen = new Set(splitConjuncts(inner.condition).map(semanticKey));
  const extra: Expr[] = [];
  for (const c of det) {
    const k = semanticKey(c);
    if (seen.has(k)) continue;
    seen.add(k);
    extra.push(c);
  }
  // Nothing to merge: leave the pair alone, or only drop outer conjuncts the inner one repeats.
  if (extra.length === 0 && nonDet.length > 0 && det.length === 0) return outer;
  const merged: LogicalPlan =
    extra.length === 0 ? inner : { ...inner, condition: { kind: 'call', name: 'and', args: [inner.condition, conjoin(extra)!] } };
  return nonDet.length === 0 ? merged : { ...outer, child: merged, condition: conjoin(nonDet)! };
}
