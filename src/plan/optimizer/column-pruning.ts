/**
 * Spark's ColumnPruning, as one top-down pass over "which attributes does my parent need":
 * Project and Aggregate lists drop entries nobody reads, and the children of Join, Aggregate,
 * Generate and Union get a Project of exactly the attributes still needed when they would
 * otherwise carry more. Nodes that pass rows through (Filter, Sort, Limit, ...) never get a
 * Project under them, so the result does not fight predicate push-down.
 *
 * The root keeps its output (names, ids, order), a Union keeps its columns aligned across
 * children, a distinct over all columns keeps all of them, and leaves keep their rows.
 */
import type { AttributeExpr, Expr } from '../../expr/ast.js';
import { newPlanId, isStreamingPlan, type LogicalPlan } from '../logical.js';
import { outputOf, toAttribute } from '../output.js';
import { referencedIds, referencesOf, sameOr } from './util.js';

/** `undefined`: every output attribute is needed, in place (the root, a distinct's input, ...). */
type Need = ReadonlySet<number> | undefined;

const WATERMARK_KEY = 'spark.watermarkDelayMs';

export function columnPruning(p: LogicalPlan): LogicalPlan {
  return sameOr(p, prune(p, undefined));
}

function union(a: ReadonlySet<number>, b: Iterable<number>): Set<number> {
  const out = new Set(a);
  for (const x of b) out.add(x);
  return out;
}

function plus(need: Need, more: Iterable<number>): Need {
  return need && union(need, more);
}

/**
 * Stateful streaming operators find their event-time column in their input by its watermark
 * metadata (state eviction, late-row filtering), even when no expression names it.
 */
function watermarkIds(child: LogicalPlan): number[] {
  if (!isStreamingPlan(child)) return [];
  return outputOf(child)
    .filter((a) => a.metadata !== undefined && a.metadata[WATERMARK_KEY] !== undefined)
    .map((a) => a.id);
}

/** Prunes `c` for `need`, then projects away whatever it still produces beyond that. */
function narrow(c: LogicalPlan, need: Need): LogicalPlan {
  const pruned = prune(c, need);
  if (!need) return pruned;
  const out = outputOf(pruned);
  if (out.every((a) => need.has(a.id))) return pruned;
  return { node: 'Project', id: newPlanId(), child: pruned, projectList: out.filter((a) => need.has(a.id)) };
}

function rebuild<P extends LogicalPlan>(p: P, changes: Partial<P>): P {
  for (const k of Object.keys(changes) as (keyof P)[]) if (changes[k] !== p[k]) return { ...p, ...changes };
  return p;
}

function keepList(list: readonly Expr[], need: Need): readonly Expr[] {
  if (!need) return list;
  const kept = list.filter((e) => need.has(toAttribute(e).id));
  return kept.length === list.length ? list : kept;
}

/** Returns `p` rewritten so that its output still contains every attribute in `need`. */
function prune(p: LogicalPlan, need: Need): LogicalPlan {
  switch (p.node) {
    case 'LocalRelation':
    case 'StreamingRelation':
      return p;
    case 'Project': {
      const projectList = keepList(p.projectList, need);
      return rebuild(p, { projectList, child: prune(p.child, referencesOf(projectList)) });
    }
    case 'Filter':
      return rebuild(p, { child: prune(p.child, plus(need, referencedIds(p.condition))) });
    case 'Sort':
      return rebuild(p, { child: prune(p.child, plus(need, referencesOf(p.order))) });
    case 'Limit':
    case 'SubqueryAlias':
      return rebuild(p, { child: prune(p.child, need) });
    case 'EventTimeWatermark':
      return rebuild(p, { child: prune(p.child, plus(need, referencedIds(p.eventTime))) });
    case 'Deduplicate': {
      // Without keys every column is part of the key.
      if (!p.keys) return rebuild(p, { child: prune(p.child, undefined) });
      return rebuild(p, { child: prune(p.child, plus(need, [...referencesOf(p.keys), ...watermarkIds(p.child)])) });
    }
    case 'Aggregate': {
      const aggregateExprs = keepList(p.aggregateExprs, need);
      const childNeed = union(referencesOf([...p.groupingExprs, ...aggregateExprs]), watermarkIds(p.child));
      return rebuild(p, { aggregateExprs, child: narrow(p.child, childNeed) });
    }
    case 'Generate': {
      const produced = new Set(p.generatorOutput.map((a) => a.id));
      const childNeed = need && union(new Set([...need].filter((i) => !produced.has(i))), referencedIds(p.generator));
      return rebuild(p, { child: narrow(p.child, childNeed) });
    }
    case 'Join': {
      const cond = p.condition ? referencedIds(p.condition) : new Set<number>();
      const semi = p.joinType === 'left_semi' || p.joinType === 'left_anti';
      const leftNeed = need && union(need, cond);
      // A semi/anti join outputs only its left side: the right side only feeds the condition.
      const rightNeed = semi ? cond : leftNeed;
      const extra = (c: LogicalPlan, n: Need): Need => n && union(n, watermarkIds(c));
      return rebuild(p, {
        left: narrow(p.left, extra(p.left, restrict(leftNeed, p.left))),
        right: narrow(p.right, extra(p.right, restrict(rightNeed, p.right))),
      });
    }
    case 'Union':
      return pruneUnion(p, need);
  }
}

function restrict(need: Need, c: LogicalPlan): Need {
  if (!need) return undefined;
  return new Set(outputOf(c).filter((a) => need.has(a.id)).map((a) => a.id));
}

/** Keeps the union columns some parent reads, at the same positions in every child. */
function pruneUnion(u: LogicalPlan & { node: 'Union' }, need: Need): LogicalPlan {
  const out = outputOf(u);
  const keep = out.map((a) => !need || need.has(a.id));
  if (keep.every(Boolean)) {
    return rebuild(u, { children: sameArray(u.children, u.children.map((c) => prune(c, undefined))) });
  }
  const children = u.children.map((c) => {
    const co = outputOf(c);
    const wanted: AttributeExpr[] = co.filter((_, k) => keep[k]);
    const pruned = prune(c, new Set(wanted.map((a) => a.id)));
    const po = outputOf(pruned);
    if (po.length === wanted.length && po.every((a, k) => a.id === wanted[k]!.id)) return pruned;
    // Select by position from the pruned child: its attributes may be narrower than `wanted`
    // (the same ids), and a child may repeat an id at several positions.
    return { node: 'Project', id: newPlanId(), child: pruned, projectList: wanted.map((w) => po.find((a) => a.id === w.id) ?? w) } as LogicalPlan;
  });
  return rebuild(u, { children: sameArray(u.children, children) });
}

function sameArray<T>(a: readonly T[], b: readonly T[]): readonly T[] {
  return a.length === b.length && a.every((x, i) => x === b[i]) ? a : b;
}
