/**
 * Spark's BooleanSimplification (the literal cases) and PruneFilters. Every rewrite holds under
 * three-valued logic: `true AND x` is x even when x is null, `false AND x` is false even then.
 */
import { transformUp, type Expr } from '../../expr/ast.js';
import { mapNodeExpressions } from '../expressions.js';
import { isStreamingPlan, newPlanId, transformPlanUp, type LogicalPlan } from '../logical.js';
import { outputOf } from '../output.js';

const TRUE: Expr = { kind: 'literal', value: true, dataType: 'boolean' };
const FALSE: Expr = { kind: 'literal', value: false, dataType: 'boolean' };

function isLit(e: Expr | undefined, v: boolean | null): boolean {
  return e !== undefined && e.kind === 'literal' && e.value === v;
}

export function simplifyBooleanExpr(e: Expr): Expr {
  return transformUp(e, (x) => {
    if (x.kind !== 'call') return x;
    const [a, b] = x.args;
    switch (x.name) {
      case 'and':
        if (isLit(a, true)) return b!;
        if (isLit(b, true)) return a!;
        if (isLit(a, false) || isLit(b, false)) return FALSE;
        return x;
      case 'or':
        if (isLit(a, false)) return b!;
        if (isLit(b, false)) return a!;
        if (isLit(a, true) || isLit(b, true)) return TRUE;
        return x;
      case 'not':
        return a !== undefined && a.kind === 'call' && a.name === 'not' ? a.args[0]! : x;
      default:
        return x;
    }
  });
}

export function simplifyBoolean(p: LogicalPlan): LogicalPlan {
  return transformPlanUp(p, (n0) => {
    const n = mapNodeExpressions(n0, simplifyBooleanExpr);
    if (n.node !== 'Filter') return n;
    if (isLit(n.condition, true)) return n.child;
    // A filter that keeps nothing: an empty relation with the same output. A streaming input
    // must stay in the plan (its offsets still advance), so only batch subtrees are replaced.
    if ((isLit(n.condition, false) || isLit(n.condition, null)) && !isStreamingPlan(n.child)) {
      return { node: 'LocalRelation', id: newPlanId(), output: outputOf(n.child), rows: [] };
    }
    return n;
  });
}
