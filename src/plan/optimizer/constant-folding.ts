/** Evaluates deterministic expressions without column references once, at planning time. */
import { transformUp, type Expr } from '../../expr/ast.js';
import { compileExpr, isDeterministic, typeOf } from '../../expr/compile.js';
import { mapPlanExpressions } from '../expressions.js';
import type { LogicalPlan } from '../logical.js';

function foldable(e: Expr): boolean {
  switch (e.kind) {
    case 'literal':
      return true;
    case 'cast':
      return foldable(e.child);
    case 'call':
      return e.args.every(foldable) && isDeterministic(e) && !['window', 'window_expand', 'explode', 'explode_outer', 'posexplode', 'posexplode_outer'].includes(e.name);
    case 'caseWhen':
      return e.branches.every(([c, v]) => foldable(c) && foldable(v)) && (!e.otherwise || foldable(e.otherwise));
    default:
      return false;
  }
}

export function foldExpr(e: Expr): Expr {
  return transformUp(e, (x) => {
    if (x.kind === 'literal' || !foldable(x)) return x;
    try {
      const value = compileExpr(x, new Map())([]);
      return { kind: 'literal', value: value as never, dataType: typeOf(x).dataType };
    } catch {
      // An expression that fails at runtime (e.g. an ANSI cast error) must fail when rows flow,
      // not at planning time, so it is left as is.
      return x;
    }
  });
}

export function constantFolding(p: LogicalPlan): LogicalPlan {
  return mapPlanExpressions(p, foldExpr);
}
