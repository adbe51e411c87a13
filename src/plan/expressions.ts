/** Applies an expression rewrite to every expression of every node of a plan, bottom-up. */
import type { Expr, SortOrderExpr } from '../expr/ast.js';
import { transformPlanUp, type LogicalPlan } from './logical.js';

export function mapNodeExpressions(p: LogicalPlan, f: (e: Expr) => Expr): LogicalPlan {
  const same = (a: readonly Expr[], b: readonly Expr[]): boolean => a.every((x, i) => JSON.stringify(x) === JSON.stringify(b[i]));
  switch (p.node) {
    case 'Project': {
      const projectList = p.projectList.map(f);
      return same(projectList, p.projectList) ? p : { ...p, projectList };
    }
    case 'Filter': {
      const condition = f(p.condition);
      return same([condition], [p.condition]) ? p : { ...p, condition };
    }
    case 'Aggregate': {
      const groupingExprs = p.groupingExprs.map(f);
      const aggregateExprs = p.aggregateExprs.map(f);
      return same(groupingExprs, p.groupingExprs) && same(aggregateExprs, p.aggregateExprs) ? p : { ...p, groupingExprs, aggregateExprs };
    }
    case 'Join': {
      if (!p.condition) return p;
      const condition = f(p.condition);
      return same([condition], [p.condition]) ? p : { ...p, condition };
    }
    case 'Sort': {
      const order = p.order.map((o) => f(o) as SortOrderExpr);
      return same(order, p.order) ? p : { ...p, order };
    }
    default:
      return p;
  }
}

export function mapPlanExpressions(p: LogicalPlan, f: (e: Expr) => Expr): LogicalPlan {
  return transformPlanUp(p, (n) => mapNodeExpressions(n, f));
}
