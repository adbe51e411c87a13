/**
 * Logical plans: immutable, JSON-serialisable trees (DESIGN.md non-negotiable 2). The same node
 * kinds describe a plan before analysis (expressions hold `column` references) and after it
 * (expressions hold `attr` references with ids); `outputOf` is only defined for resolved plans.
 * Every node carries `id`, the plan id that `df.col(name)` binds to.
 */
import type { AttributeExpr, Expr, SortOrderExpr } from '../expr/ast.js';

export type JoinType =
  | 'inner'
  | 'cross'
  | 'left_outer'
  | 'right_outer'
  | 'full_outer'
  | 'left_semi'
  | 'left_anti';

export interface LocalRelation {
  readonly node: 'LocalRelation';
  readonly id: number;
  readonly output: readonly AttributeExpr[];
  /** Rows in internal representation, positional in `output` order. */
  readonly rows: readonly (readonly unknown[])[];
  readonly isStreaming?: false;
}
/** A streaming source; `source` is a serialisable descriptor resolved by the runtime. */
export interface StreamingRelation {
  readonly node: 'StreamingRelation';
  readonly id: number;
  readonly output: readonly AttributeExpr[];
  readonly source: { readonly format: string; readonly options: Readonly<Record<string, string>>; readonly name?: string };
}
export interface Project {
  readonly node: 'Project';
  readonly id: number;
  readonly child: LogicalPlan;
  readonly projectList: readonly Expr[];
}
export interface Filter {
  readonly node: 'Filter';
  readonly id: number;
  readonly child: LogicalPlan;
  readonly condition: Expr;
}
export interface Aggregate {
  readonly node: 'Aggregate';
  readonly id: number;
  readonly child: LogicalPlan;
  readonly groupingExprs: readonly Expr[];
  /** Output expressions: grouping columns and aggregate calls, each named. */
  readonly aggregateExprs: readonly Expr[];
}
export interface Join {
  readonly node: 'Join';
  readonly id: number;
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  readonly joinType: JoinType;
  readonly condition?: Expr;
  /** `join(other, 'k')` / `['k1','k2']`: resolved into `condition` plus a coalescing Project. */
  readonly usingColumns?: readonly string[];
}
export interface Union {
  readonly node: 'Union';
  readonly id: number;
  readonly children: readonly LogicalPlan[];
  readonly byName: boolean;
  readonly allowMissingColumns: boolean;
}
export interface Sort {
  readonly node: 'Sort';
  readonly id: number;
  readonly child: LogicalPlan;
  readonly order: readonly SortOrderExpr[];
}
export interface Limit {
  readonly node: 'Limit';
  readonly id: number;
  readonly child: LogicalPlan;
  readonly limit: number;
}
/** dropDuplicates / distinct: keeps the first row per key (all columns when `keys` is absent). */
export interface Deduplicate {
  readonly node: 'Deduplicate';
  readonly id: number;
  readonly child: LogicalPlan;
  readonly keys?: readonly Expr[];
  readonly withinWatermark?: boolean;
}
export interface SubqueryAlias {
  readonly node: 'SubqueryAlias';
  readonly id: number;
  readonly child: LogicalPlan;
  readonly alias: string;
}
/** `explode` and friends, extracted from a Project by the analyzer as Spark does. */
export interface Generate {
  readonly node: 'Generate';
  readonly id: number;
  readonly child: LogicalPlan;
  readonly generator: Expr;
  readonly outer: boolean;
  /** Output attributes of the generator (one for explode, two for posexplode / maps). */
  readonly generatorOutput: readonly AttributeExpr[];
}
export interface EventTimeWatermark {
  readonly node: 'EventTimeWatermark';
  readonly id: number;
  readonly child: LogicalPlan;
  readonly eventTime: Expr;
  readonly delayMs: number;
  readonly delayText: string;
}

export type LogicalPlan =
  | LocalRelation
  | StreamingRelation
  | Project
  | Filter
  | Aggregate
  | Join
  | Union
  | Sort
  | Limit
  | Deduplicate
  | SubqueryAlias
  | Generate
  | EventTimeWatermark;

export function planChildren(p: LogicalPlan): readonly LogicalPlan[] {
  switch (p.node) {
    case 'LocalRelation':
    case 'StreamingRelation':
      return [];
    case 'Join':
      return [p.left, p.right];
    case 'Union':
      return p.children;
    default:
      return [p.child];
  }
}

export function withChildren(p: LogicalPlan, children: readonly LogicalPlan[]): LogicalPlan {
  switch (p.node) {
    case 'LocalRelation':
    case 'StreamingRelation':
      return p;
    case 'Join':
      return { ...p, left: children[0]!, right: children[1]! };
    case 'Union':
      return { ...p, children };
    default:
      return { ...p, child: children[0]! };
  }
}

export function transformPlanUp(p: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  const kids = planChildren(p);
  const next = kids.map((c) => transformPlanUp(c, f));
  const rebuilt = next.every((c, i) => c === kids[i]) ? p : withChildren(p, next);
  return f(rebuilt);
}

export function isStreamingPlan(p: LogicalPlan): boolean {
  return p.node === 'StreamingRelation' || planChildren(p).some(isStreamingPlan);
}

export function findPlan(p: LogicalPlan, pred: (p: LogicalPlan) => boolean): LogicalPlan | undefined {
  if (pred(p)) return p;
  for (const c of planChildren(p)) {
    const hit = findPlan(c, pred);
    if (hit) return hit;
  }
  return undefined;
}

let nextPlanId = 1;
/** Plan ids only need to be unique within one process (they bind `df.col` references). */
export function newPlanId(): number {
  return nextPlanId++;
}
