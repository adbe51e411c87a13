/**
 * Spark's EliminateSubqueryAliases: after analysis every reference is an attribute id, so the
 * qualifier a SubqueryAlias adds has done its job, and dropping the node lets other rules see
 * through it.
 */
import { transformPlanUp, type LogicalPlan } from '../logical.js';

export function eliminateSubqueryAliases(p: LogicalPlan): LogicalPlan {
  return transformPlanUp(p, (n) => (n.node === 'SubqueryAlias' ? n.child : n));
}
