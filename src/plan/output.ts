/** The output attributes of a resolved plan (Spark's `LogicalPlan.output`). */
import { RivuletError } from '../errors.js';
import type { AttributeExpr, Expr } from '../expr/ast.js';
import { typeOf } from '../expr/compile.js';
import { eventTimeMetadata } from '../expr/event-time.js';
import { widerType } from '../types/data-types.js';
import { outputOfJoin } from './join-output.js';
import type { LogicalPlan } from './logical.js';

/** The attribute a named expression produces. */
export function toAttribute(e: Expr): AttributeExpr {
  if (e.kind === 'attr') return e;
  if (e.kind === 'alias' && e.exprId !== undefined) {
    const t = typeOf(e.child);
    const childMeta = e.child.kind === 'attr' ? e.child.metadata : eventTimeMetadata(e.child);
    const metadata = e.metadata ?? childMeta;
    return {
      kind: 'attr',
      id: e.exprId,
      name: e.name,
      dataType: t.dataType,
      nullable: t.nullable,
      ...(metadata ? { metadata } : {}),
    };
  }
  throw new RivuletError('INTERNAL_ERROR', `expression is not named after analysis: ${e.kind}`);
}

const cache = new WeakMap<LogicalPlan, readonly AttributeExpr[]>();

export function outputOf(p: LogicalPlan): readonly AttributeExpr[] {
  let out = cache.get(p);
  if (!out) {
    out = computeOutput(p);
    cache.set(p, out);
  }
  return out;
}

function computeOutput(p: LogicalPlan): readonly AttributeExpr[] {
  switch (p.node) {
    case 'LocalRelation':
    case 'StreamingRelation':
      return p.output;
    case 'Project':
      return p.projectList.map(toAttribute);
    case 'Aggregate':
      return p.aggregateExprs.map(toAttribute);
    case 'Filter':
    case 'Sort':
    case 'Limit':
    case 'Deduplicate':
      return outputOf(p.child);
    case 'EventTimeWatermark': {
      const id = p.eventTime.kind === 'attr' ? p.eventTime.id : -1;
      return outputOf(p.child).map((a) =>
        a.id === id ? { ...a, metadata: { ...a.metadata, 'spark.watermarkDelayMs': p.delayMs } } : a,
      );
    }
    case 'SubqueryAlias':
      return outputOf(p.child).map((a) => ({ ...a, qualifier: p.alias }));
    case 'Generate':
      return [...outputOf(p.child), ...p.generatorOutput];
    case 'Join':
      return outputOfJoin(p.joinType, outputOf(p.left), outputOf(p.right));
    case 'Union': {
      const outs = p.children.map(outputOf);
      return outs[0]!.map((a, i) => {
        let dataType = a.dataType;
        let isNullable = a.nullable;
        for (const o of outs.slice(1)) {
          dataType = widerType(dataType, o[i]!.dataType) ?? dataType;
          isNullable ||= o[i]!.nullable;
        }
        return { ...a, dataType, nullable: isNullable };
      });
    }
  }
}
