/**
 * Spark's PushDownPredicates: PushPredicateThroughNonJoin and PushPredicateThroughJoin in one
 * top-down pass, so a filter keeps sinking through the nodes it can pass in a single run.
 * Adjacent filters it leaves behind are merged by combineFilters in the same optimizer batch.
 */
import type { LogicalPlan } from '../logical.js';
import { pushPredicateThroughJoin } from './push-predicate-through-join.js';
import { pushPredicateThroughNonJoin } from './push-predicate-through-non-join.js';
import { transformPlanDown } from './util.js';

export function pushDownPredicates(p: LogicalPlan): LogicalPlan {
  return transformPlanDown(p, (n) => {
    if (n.node === 'Filter') {
      const moved = pushPredicateThroughNonJoin(n);
      return moved !== n ? moved : pushPredicateThroughJoin(n);
    }
    return n.node === 'Join' ? pushPredicateThroughJoin(n) : n;
  });
}
