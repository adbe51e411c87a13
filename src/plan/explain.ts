/** Spark's `explain` layout: one line per node, children indented under `+- ` / `:- `. */
import type { Expr } from '../expr/ast.js';
import { transformUp } from '../expr/ast.js';
import { exprToSql } from '../expr/sql-render.js';
import type { PhysicalOperator } from '../exec/operator.js';
import { simpleString } from '../types/data-types.js';
import { planChildren, type LogicalPlan } from './logical.js';
import { outputOf } from './output.js';

function attrName(a: { name: string; id: number; dataType: unknown }): string {
  return `${a.name}#${a.id}${a.dataType === 'long' ? 'L' : ''}`;
}

/** Spark shows unresolved columns as `'a`, resolved ones as `a#12`. */
export function showExpr(e: Expr): string {
  const shown = transformUp(e, (x) => {
    if (x.kind === 'attr') return { kind: 'column', name: [attrName(x)] };
    if (x.kind === 'column') return { kind: 'column', name: [`'${x.name.join('.')}`] };
    if (x.kind === 'alias') return { ...x, name: x.exprId !== undefined ? `${x.name}#${x.exprId}` : x.name };
    return x;
  });
  if (shown.kind === 'alias') return `${exprToSql(shown.child)} AS ${shown.name}`;
  if (shown.kind === 'star') return shown.target ? `'${shown.target.join('.')}.*` : '*';
  return exprToSql(shown);
}

function list(es: readonly Expr[]): string {
  return `[${es.map(showExpr).join(', ')}]`;
}

function logicalLine(p: LogicalPlan): string {
  switch (p.node) {
    case 'LocalRelation':
      return `LocalRelation [${p.output.map(attrName).join(', ')}]`;
    case 'StreamingRelation':
      return `StreamingRelation ${p.source.format}, [${p.output.map(attrName).join(', ')}]`;
    case 'Project':
      return `Project ${list(p.projectList)}`;
    case 'Filter':
      return `Filter ${showExpr(p.condition)}`;
    case 'Aggregate':
      return `Aggregate ${list(p.groupingExprs)}, ${list(p.aggregateExprs)}`;
    case 'Join':
      return `Join ${sparkJoin(p.joinType)}${p.condition ? `, ${showExpr(p.condition)}` : ''}${p.usingColumns ? `, using [${p.usingColumns.join(', ')}]` : ''}`;
    case 'Union':
      return `Union ${p.byName}, ${p.allowMissingColumns}`;
    case 'Sort':
      return `Sort ${list(p.order)}, true`;
    case 'Limit':
      return `GlobalLimit ${p.limit}`;
    case 'Deduplicate':
      return `${p.withinWatermark ? 'DeduplicateWithinWatermark' : 'Deduplicate'} ${p.keys ? list(p.keys) : '[*]'}`;
    case 'SubqueryAlias':
      return `SubqueryAlias ${p.alias}`;
    case 'Generate':
      return `Generate ${showExpr(p.generator)}, ${p.outer}, [${p.generatorOutput.map(attrName).join(', ')}]`;
    case 'EventTimeWatermark':
      return `EventTimeWatermark ${showExpr(p.eventTime)}, ${p.delayText}`;
  }
}

function sparkJoin(t: string): string {
  return t
    .split('_')
    .map((s) => s[0]!.toUpperCase() + s.slice(1))
    .join('');
}

function tree<T>(root: T, line: (t: T) => string, kids: (t: T) => readonly T[]): string {
  const out: string[] = [];
  const walk = (n: T, prefix: string, childPrefix: string): void => {
    out.push(prefix + line(n));
    const cs = kids(n);
    cs.forEach((c, i) => {
      const last = i === cs.length - 1;
      walk(c, `${childPrefix}${last ? '+- ' : ':- '}`, `${childPrefix}${last ? '   ' : ':  '}`);
    });
  };
  walk(root, '', '');
  return out.join('\n');
}

/** A logical plan; `parsed` marks unresolved names with a leading quote as Spark does. */
export function logicalTree(p: LogicalPlan, parsed = false): string {
  return tree(p, (n) => (parsed && !isLeaf(n) ? `'${logicalLine(n)}` : logicalLine(n)), planChildren);
}

function isLeaf(p: LogicalPlan): boolean {
  return p.node === 'LocalRelation' || p.node === 'StreamingRelation';
}

export function physicalTree(op: PhysicalOperator): string {
  return tree(op, (n) => { const d = n.describe(); return d.startsWith('(keys=') ? `${n.name}${d}` : `${n.name} ${d}`.trimEnd(); }, (n) => n.children);
}

export function schemaLine(p: LogicalPlan): string {
  return outputOf(p)
    .map((a) => `${a.name}: ${simpleString(a.dataType)}`)
    .join(', ');
}

export type ExplainMode = 'simple' | 'extended' | 'formatted' | 'codegen' | 'cost';

export function explainString(
  mode: ExplainMode,
  plans: { parsed: LogicalPlan; analyzed: LogicalPlan; optimized: LogicalPlan; physical: PhysicalOperator },
): string {
  const physical = `== Physical Plan ==\n${physicalTree(plans.physical)}`;
  if (mode === 'simple' || mode === 'codegen' || mode === 'formatted') return `${physical}\n`;
  return [
    `== Parsed Logical Plan ==\n${logicalTree(plans.parsed, true)}`,
    `== Analyzed Logical Plan ==\n${schemaLine(plans.analyzed)}\n${logicalTree(plans.analyzed)}`,
    `== Optimized Logical Plan ==\n${logicalTree(plans.optimized)}`,
    physical,
  ].join('\n\n') + '\n';
}
