/**
 * Spark's PushPredicateThroughNonJoin, one Filter at a time: moves a filter (or the conjuncts of
 * it that are safe to move) below the node under it. Filtering commutes with an operator when
 * the rows the filter removes are exactly the rows they would have produced; Limit is the
 * classic operator where that fails, so nothing passes a Limit.
 */
import { transformUp, type AttributeExpr, type Expr } from '../../expr/ast.js';
import { newPlanId, type Aggregate, type Filter, type LogicalPlan, type Project, type Union } from '../logical.js';
import { outputOf } from '../output.js';
import {
  aliasMap,
  conjoin,
  hasAggregate,
  hasAggregateOrGenerator,
  idsOf,
  isDeterministic,
  partition,
  referencedIds,
  replaceAliases,
  splitConjuncts,
  subsetOf,
} from './util.js';

export function pushPredicateThroughNonJoin(f: Filter): LogicalPlan {
  const c = f.child;
  switch (c.node) {
    case 'Project':
      return throughProject(f, c);
    case 'Aggregate':
      return throughAggregate(f, c);
    case 'Union':
      return throughUnion(f, c);
    case 'EventTimeWatermark': {
      // Rows dropped below the watermark operator never advance the watermark (SEMANTICS.md §2.6),
      // so conditions on the event-time column itself must stay above it.
      const eventTime = referencedIds(c.eventTime);
      return pushDown(f, (x) => ![...referencedIds(x)].some((i) => eventTime.has(i)), (cond, id) => ({ ...c, child: filterOf(id, c.child, cond) }));
    }
    case 'Sort':
      if (!c.order.every(isDeterministic)) return f;
      return pushDown(f, () => true, (cond, id) => ({ ...c, child: filterOf(id, c.child, cond) }));
    case 'SubqueryAlias':
      return pushDown(f, () => true, (cond, id) => ({ ...c, child: filterOf(id, c.child, cond) }));
    case 'Deduplicate': {
      // A condition on the key columns removes whole groups of duplicates, so the row kept for
      // each remaining key is the same one.
      if (c.keys && !c.keys.every(isDeterministic)) return f;
      const keyIds = c.keys ? idsOf(c.keys.filter((k): k is AttributeExpr => k.kind === 'attr')) : idsOf(outputOf(c.child));
      return pushDown(f, (x) => subsetOf(referencedIds(x), keyIds), (cond, id) => ({ ...c, child: filterOf(id, c.child, cond) }));
    }
    case 'Generate': {
      if (!isDeterministic(c.generator)) return f;
      const childIds = idsOf(outputOf(c.child));
      return pushDown(f, (x) => subsetOf(referencedIds(x), childIds), (cond, id) => ({ ...c, child: filterOf(id, c.child, cond) }));
    }
    default:
      return f;
  }
}

export function filterOf(id: number, child: LogicalPlan, condition: Expr): Filter {
  return { node: 'Filter', id, child, condition };
}

/**
 * Moves the deterministic conjuncts `canPush` accepts below, keeping the others (in their
 * order) in a filter above. `insert` builds the node that replaces the filter's child.
 */
function pushDown(f: Filter, canPush: (c: Expr) => boolean, insert: (cond: Expr, filterId: number) => LogicalPlan): LogicalPlan {
  const [push, stay] = partition(splitConjuncts(f.condition), (x) => isDeterministic(x) && canPush(x));
  if (push.length === 0) return f;
  const below = insert(conjoin(push)!, stay.length === 0 ? f.id : newPlanId());
  return stay.length === 0 ? below : { ...f, child: below, condition: conjoin(stay)! };
}

/**
 * Project is one row out per row in, so the whole condition (with the project's aliases replaced
 * by their definitions) can run below it — unless the projection itself is non-deterministic,
 * whose values would then differ between the filter and the output.
 */
function throughProject(f: Filter, p: Project): LogicalPlan {
  if (!p.projectList.every(isDeterministic)) return f;
  const condition = replaceAliases(f.condition, aliasMap(p.projectList));
  if (hasAggregateOrGenerator(condition)) return f;
  return { ...p, child: { ...f, child: p.child, condition } };
}

/**
 * Conjuncts over grouping columns (or over aliases of expressions of them) hold for every row of
 * a group or for none, so they can filter the input instead. Constant conjuncts stay: a global
 * aggregate over no rows still yields one row, and Spark keeps them above too.
 */
function throughAggregate(f: Filter, a: Aggregate): LogicalPlan {
  if (a.groupingExprs.length === 0 || !a.aggregateExprs.every(isDeterministic)) return f;
  const aliases = aliasMap(a.aggregateExprs, (al) => !hasAggregate(al.child));
  const childIds = idsOf(outputOf(a.child));
  const [push, stay] = partition(splitConjuncts(f.condition), (x) => {
    if (!isDeterministic(x) || referencedIds(x).size === 0) return false;
    return subsetOf(referencedIds(replaceAliases(x, aliases)), childIds);
  });
  if (push.length === 0) return f;
  const pushed = replaceAliases(conjoin(push)!, aliases);
  if (hasAggregateOrGenerator(pushed)) return f;
  const below: LogicalPlan = { ...a, child: filterOf(stay.length === 0 ? f.id : newPlanId(), a.child, pushed) };
  return stay.length === 0 ? below : { ...f, child: below, condition: conjoin(stay)! };
}

/**
 * A union's output attributes are its first child's; the k-th column of child i stands for the
 * k-th union column, so each child gets the condition rewritten positionally.
 */
function throughUnion(f: Filter, u: Union): LogicalPlan {
  const out = outputOf(u);
  const seen = new Set<number>();
  const ambiguous = new Set<number>();
  for (const a of out) (seen.has(a.id) ? ambiguous : seen).add(a.id);
  return pushDown(
    f,
    (x) => ![...referencedIds(x)].some((i) => ambiguous.has(i)),
    (cond, id) => ({
      ...u,
      children: u.children.map((child, i) => {
        const co = outputOf(child);
        const byId = new Map(out.map((a, k) => [a.id, co[k]!]));
        const rewritten = transformUp(cond, (x) => (x.kind === 'attr' && byId.has(x.id) ? byId.get(x.id)! : x));
        return filterOf(i === 0 ? id : newPlanId(), child, rewritten);
      }),
    }),
  );
}
