/**
 * Spark's CollapseProject: Project(outer, Project(inner, x)) → Project(outer', x), with the inner
 * aliases substituted into the outer list. It is skipped when that would evaluate a
 * non-deterministic expression a different number of times, or copy an expensive expression
 * into several places.
 */
import { children, type AliasExpr, type Expr } from '../../expr/ast.js';
import { transformPlanUp, type LogicalPlan, type Project } from '../logical.js';
import { isDeterministic, replaceAliases } from './util.js';

export function collapseProject(p: LogicalPlan): LogicalPlan {
  return transformPlanUp(p, (n) => (n.node === 'Project' && n.child.node === 'Project' ? collapse(n, n.child) : n));
}

/** Expressions that cost nothing to repeat (Spark's `isCheap`). */
function isCheap(e: Expr): boolean {
  if (e.kind === 'attr' || e.kind === 'literal') return true;
  if (e.kind === 'call' && e.name === 'get_field') return isCheap(e.args[0]!);
  return false;
}

function countRefs(e: Expr, ids: ReadonlyMap<number, unknown>, counts: Map<number, number>): void {
  if (e.kind === 'attr') {
    if (ids.has(e.id)) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
    return;
  }
  for (const c of children(e)) countRefs(c, ids, counts);
}

function collapse(outer: Project, inner: Project): LogicalPlan {
  const producers = new Map<number, AliasExpr>();
  for (const e of inner.projectList) if (e.kind === 'alias' && e.exprId !== undefined) producers.set(e.exprId, e);
  const counts = new Map<number, number>();
  for (const e of outer.projectList) countRefs(e, producers, counts);
  for (const [id, n] of counts) {
    const a = producers.get(id)!;
    if (!isDeterministic(a.child)) return outer;
    if (n > 1 && !isCheap(a.child)) return outer;
  }
  const defs = new Map([...producers].map(([id, a]) => [id, a.child] as const));
  const projectList = outer.projectList.map((e): Expr => {
    // A bare reference to an inner alias becomes that alias: same name, id and metadata.
    if (e.kind === 'attr') return producers.get(e.id) ?? e;
    if (e.kind !== 'alias') return replaceAliases(e, defs);
    const child = replaceAliases(e.child, defs);
    // An alias of an attribute inherits the attribute's metadata (see toAttribute); keep it.
    const inherited = e.child.kind === 'attr' && child.kind !== 'attr' ? e.child.metadata : undefined;
    const metadata = e.metadata ?? inherited;
    return { ...e, child, ...(metadata ? { metadata } : {}) };
  });
  return { ...outer, child: inner.child, projectList };
}
