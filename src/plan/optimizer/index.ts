/**
 * The rule-based optimizer: each rule is a pure function from plan to plan, in its own file.
 * Rules run in order, repeatedly, until the plan stops changing (or 100 iterations, Spark's cap).
 */
import type { LogicalPlan } from '../logical.js';
import { collapseProject } from './collapse-project.js';
import { columnPruning } from './column-pruning.js';
import { combineFilters } from './combine-filters.js';
import { constantFolding } from './constant-folding.js';
import { eliminateSubqueryAliases } from './eliminate-subquery-aliases.js';
import { pushDownPredicates } from './push-down-predicates.js';
import { removeNoopOperators } from './remove-noop-operators.js';
import { simplifyBoolean } from './simplify-boolean.js';

export type Rule = (p: LogicalPlan) => LogicalPlan;

/** Spark's operator-optimization batch order, reduced to the rules implemented here. */
export const DEFAULT_RULES: readonly Rule[] = [
  eliminateSubqueryAliases,
  pushDownPredicates,
  combineFilters,
  columnPruning,
  collapseProject,
  constantFolding,
  simplifyBoolean,
  removeNoopOperators,
];

export function optimize(p: LogicalPlan, rules: readonly Rule[] = DEFAULT_RULES): LogicalPlan {
  let cur = p;
  for (let i = 0; i < 100; i++) {
    let next = cur;
    for (const r of rules) next = r(next);
    if (next === cur) return cur;
    cur = next;
  }
  return cur;
}
