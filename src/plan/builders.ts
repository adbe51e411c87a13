/**
 * Free functions that build one logical node each; the DataFrame facade delegates to them.
 * They take the analyzed child (for column lists, as Spark's Dataset does) and return an
 * unresolved node that the analyzer resolves.
 */
import { RivuletError } from '../errors.js';
import type { AttributeExpr, Expr, SortOrderExpr } from '../expr/ast.js';
import type { StructType } from '../types/data-types.js';
import { newExprId } from '../expr/ast.js';
import { newPlanId, type JoinType, type LogicalPlan } from './logical.js';
import { outputOf } from './output.js';

export function localRelation(schema: StructType, rows: readonly (readonly unknown[])[]): LogicalPlan {
  const output: AttributeExpr[] = schema.fields.map((f) => ({
    kind: 'attr',
    id: newExprId(),
    name: f.name,
    dataType: f.type,
    nullable: f.nullable,
    ...(Object.keys(f.metadata).length > 0 ? { metadata: f.metadata } : {}),
  }));
  return { node: 'LocalRelation', id: newPlanId(), output, rows };
}

export function project(child: LogicalPlan, list: readonly Expr[]): LogicalPlan {
  return { node: 'Project', id: newPlanId(), child, projectList: list };
}

export function filter(child: LogicalPlan, condition: Expr): LogicalPlan {
  return { node: 'Filter', id: newPlanId(), child, condition };
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** withColumn: replaces a same-named column in place, else appends (Spark's withColumns). */
export function withColumns(child: LogicalPlan, names: readonly string[], exprs: readonly Expr[]): LogicalPlan {
  const out = outputOf(child);
  const list: Expr[] = [];
  const used = new Set<number>();
  for (const a of out) {
    const i = names.findIndex((n) => sameName(n, a.name));
    if (i >= 0) {
      list.push({ kind: 'alias', name: names[i]!, child: exprs[i]! });
      used.add(i);
    } else list.push(a);
  }
  names.forEach((n, i) => {
    if (!used.has(i)) list.push({ kind: 'alias', name: n, child: exprs[i]! });
  });
  return project(child, list);
}

export function withColumnRenamed(child: LogicalPlan, existing: string, renamed: string): LogicalPlan {
  const out = outputOf(child);
  if (!out.some((a) => sameName(a.name, existing))) return child;
  return project(
    child,
    out.map((a) => (sameName(a.name, existing) ? { kind: 'alias', name: renamed, child: a } : a)),
  );
}

export function drop(child: LogicalPlan, names: readonly (string | Expr)[]): LogicalPlan {
  const out = outputOf(child);
  const ids = new Set(names.flatMap((n) => (typeof n === 'string' ? [] : n.kind === 'attr' ? [n.id] : [])));
  const strNames = names.filter((n): n is string => typeof n === 'string');
  const colExprs = names.filter((n): n is Expr => typeof n !== 'string' && n.kind === 'column');
  for (const c of colExprs) if (c.kind === 'column') strNames.push(c.name.join('.'));
  const keep = out.filter((a) => !ids.has(a.id) && !strNames.some((n) => sameName(n, a.name)));
  if (keep.length === out.length) return child;
  return project(child, keep);
}

export function aggregate(child: LogicalPlan, grouping: readonly Expr[], aggs: readonly Expr[]): LogicalPlan {
  return { node: 'Aggregate', id: newPlanId(), child, groupingExprs: grouping, aggregateExprs: [...grouping, ...aggs] };
}

export function join(left: LogicalPlan, right: LogicalPlan, how: string, on?: Expr | readonly string[]): LogicalPlan {
  const joinType = normalizeJoinType(how);
  const base = { node: 'Join' as const, id: newPlanId(), left, right, joinType };
  if (on === undefined) return base;
  if (Array.isArray(on)) return { ...base, usingColumns: on as readonly string[] };
  return { ...base, condition: on as Expr };
}

export function normalizeJoinType(how: string): JoinType {
  const k = how.toLowerCase().replace(/_/g, '');
  const map: Record<string, JoinType> = {
    inner: 'inner',
    cross: 'cross',
    outer: 'full_outer',
    full: 'full_outer',
    fullouter: 'full_outer',
    left: 'left_outer',
    leftouter: 'left_outer',
    right: 'right_outer',
    rightouter: 'right_outer',
    semi: 'left_semi',
    leftsemi: 'left_semi',
    anti: 'left_anti',
    leftanti: 'left_anti',
  };
  const t = map[k];
  if (!t) {
    throw new RivuletError(
      'UNSUPPORTED_JOIN_TYPE',
      `Unsupported join type '${how}'. Supported join types include: 'inner', 'outer', 'full', 'fullouter', 'full_outer', 'leftouter', 'left', 'left_outer', 'rightouter', 'right', 'right_outer', 'leftsemi', 'left_semi', 'semi', 'leftanti', 'left_anti', 'anti', 'cross'.`,
    );
  }
  return t;
}

export function union(children: readonly LogicalPlan[], byName: boolean, allowMissingColumns = false): LogicalPlan {
  return { node: 'Union', id: newPlanId(), children, byName, allowMissingColumns };
}

export function sort(child: LogicalPlan, order: readonly SortOrderExpr[]): LogicalPlan {
  return { node: 'Sort', id: newPlanId(), child, order };
}

export function limit(child: LogicalPlan, n: number): LogicalPlan {
  return { node: 'Limit', id: newPlanId(), child, limit: n };
}

export function deduplicate(child: LogicalPlan, keys: readonly string[] | undefined, withinWatermark = false): LogicalPlan {
  if (keys) {
    const out = outputOf(child);
    for (const k of keys) {
      if (!out.some((a) => sameName(a.name, k))) {
        throw new RivuletError(
          'UNRESOLVED_COLUMN_AMONG_FIELD_NAMES',
          `Cannot resolve column name "${k}" among (${out.map((a) => a.name).join(', ')}).`,
        );
      }
    }
  }
  const keyExprs: Expr[] | undefined = keys?.map((k) => ({ kind: 'column', name: [k] }));
  return { node: 'Deduplicate', id: newPlanId(), child, ...(keyExprs ? { keys: keyExprs } : {}), ...(withinWatermark ? { withinWatermark } : {}) };
}

export function subqueryAlias(child: LogicalPlan, alias: string): LogicalPlan {
  return { node: 'SubqueryAlias', id: newPlanId(), child, alias };
}

export function watermark(child: LogicalPlan, column: string, delayMs: number, delayText: string): LogicalPlan {
  return { node: 'EventTimeWatermark', id: newPlanId(), child, eventTime: { kind: 'column', name: [column] }, delayMs, delayText };
}
