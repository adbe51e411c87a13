/**
 * Spark's PushPredicateThroughJoin: conjuncts of a Filter above a join, and of the join condition
 * itself, that reference one side only are evaluated in that side. Which side may be filtered
 * early depends on the join type: a side whose unmatched rows are preserved (null-extended)
 * cannot lose rows to a join-condition conjunct, and the null-supplying side cannot be filtered
 * by a WHERE conjunct (it would turn "no match" into null-extended rows). Non-deterministic
 * conjuncts never move.
 */
import type { Expr } from '../../expr/ast.js';
import { newPlanId, type Filter, type Join, type JoinType, type LogicalPlan } from '../logical.js';
import { outputOf } from '../output.js';
import { filterOf } from './push-predicate-through-non-join.js';
import { conjoin, idsOf, isDeterministic, referencedIds, splitConjuncts, subsetOf } from './util.js';

type Side = 'left' | 'right' | 'both' | 'fixed';

/** Spark's `split`: a conjunct with no column references counts as evaluable in the left side. */
function classify(conjuncts: readonly Expr[], j: Join): { e: Expr; side: Side }[] {
  const l = idsOf(outputOf(j.left));
  const r = idsOf(outputOf(j.right));
  return conjuncts.map((e) => {
    if (!isDeterministic(e)) return { e, side: 'fixed' };
    const refs = referencedIds(e);
    if (subsetOf(refs, l)) return { e, side: 'left' };
    if (subsetOf(refs, r)) return { e, side: 'right' };
    return { e, side: 'both' };
  });
}

function pick(cs: readonly { e: Expr; side: Side }[], sides: readonly Side[]): Expr[] {
  return cs.filter((c) => sides.includes(c.side)).map((c) => c.e);
}

function withFilter(p: LogicalPlan, conjuncts: readonly Expr[]): LogicalPlan {
  return conjuncts.length === 0 ? p : filterOf(newPlanId(), p, conjoin(conjuncts)!);
}

function withCondition(j: Join, left: LogicalPlan, right: LogicalPlan, conjuncts: readonly Expr[]): Join {
  const condition = conjoin(conjuncts);
  const { condition: _dropped, ...rest } = j;
  return condition ? { ...rest, left, right, condition } : { ...rest, left, right };
}

export function pushPredicateThroughJoin(p: LogicalPlan): LogicalPlan {
  if (p.node === 'Filter' && p.child.node === 'Join') return filterIntoJoin(p, p.child);
  if (p.node === 'Join') return joinConditionIntoChildren(p);
  return p;
}

/** Where WHERE conjuncts that reference one side may go, per join type. */
const FILTER_TARGETS: Record<JoinType, readonly Side[]> = {
  inner: ['left', 'right'],
  cross: ['left', 'right'],
  left_outer: ['left'],
  left_semi: ['left'],
  left_anti: ['left'],
  right_outer: ['right'],
  full_outer: [],
};

function filterIntoJoin(f: Filter, j: Join): LogicalPlan {
  const targets = FILTER_TARGETS[j.joinType];
  if (targets.length === 0) return f;
  const cs = classify(splitConjuncts(f.condition), j);
  const inner = j.joinType === 'inner' || j.joinType === 'cross';
  const toLeft = targets.includes('left') ? pick(cs, ['left']) : [];
  const toRight = targets.includes('right') ? pick(cs, ['right']) : [];
  // For an inner join a conjunct over both sides is as good in the join condition, where an
  // equality becomes a hash-join key.
  const toCondition = inner ? pick(cs, ['both']) : [];
  if (toLeft.length + toRight.length + toCondition.length === 0) return f;
  const moved = new Set([...toLeft, ...toRight, ...toCondition]);
  const stay = cs.map((c) => c.e).filter((e) => !moved.has(e));
  const join = withCondition(j, withFilter(j.left, toLeft), withFilter(j.right, toRight), [...toCondition, ...splitConjuncts(j.condition)]);
  return stay.length === 0 ? join : { ...f, child: join, condition: conjoin(stay)! };
}

/** Where join-condition conjuncts that reference one side may go, per join type. */
const CONDITION_TARGETS: Record<JoinType, readonly Side[]> = {
  inner: ['left', 'right'],
  cross: ['left', 'right'],
  left_semi: ['left', 'right'],
  left_outer: ['right'],
  left_anti: ['right'],
  right_outer: ['left'],
  full_outer: [],
};

function joinConditionIntoChildren(j: Join): LogicalPlan {
  const targets = CONDITION_TARGETS[j.joinType];
  if (!j.condition || targets.length === 0) return j;
  const cs = classify(splitConjuncts(j.condition), j);
  const toLeft = targets.includes('left') ? pick(cs, ['left']) : [];
  const toRight = targets.includes('right') ? pick(cs, ['right']) : [];
  if (toLeft.length + toRight.length === 0) return j;
  const moved = new Set([...toLeft, ...toRight]);
  const keep = cs.map((c) => c.e).filter((e) => !moved.has(e));
  return withCondition(j, withFilter(j.left, toLeft), withFilter(j.right, toRight), keep);
}
