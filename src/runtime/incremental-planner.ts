/**
 * Plans one micro-batch (Spark's IncrementalExecution): streaming leaves read the batch's rows,
 * and every streaming Aggregate / Deduplicate / EventTimeWatermark becomes its stateful
 * operator. Stateful operators are numbered 0, 1, ... in top-down plan order, so the numbering
 * (and the state each one owns) is stable across restarts.
 */
import type { AttributeExpr, Expr } from '../expr/ast.js';
import { typeOf } from '../expr/compile.js';
import { lookupFunction } from '../expr/functions/index.js';
import { simpleString } from '../types/data-types.js';
import type { PhysicalOperator } from '../exec/operator.js';
import { LocalScanExec } from '../exec/scan.js';
import { EventTimeWatermarkExec } from '../exec/streaming/event-time-watermark.js';
import { StatefulAggregateExec } from '../exec/streaming/stateful-aggregate.js';
import { StreamingDeduplicateExec } from '../exec/streaming/streaming-deduplicate.js';
import type { Row } from '../expr/registry.js';
import { isStreamingPlan, planChildren, type LogicalPlan } from '../plan/logical.js';
import { outputOf } from '../plan/output.js';
import { planPhysical } from '../plan/physical.js';

export interface StatefulOperatorInfo {
  readonly operatorId: number;
  readonly kind: 'aggregate' | 'dedupe' | 'dedupeWithinWatermark';
  /** Spark's operatorName in progress reports. */
  readonly operatorName: string;
  /** Whether the watermark can evict this operator's state. */
  readonly evictsByWatermark: boolean;
  readonly description: string;
  /** The state's key and value layout (checked on restart). */
  readonly stateSchema: string;
}

/** Stateful nodes in top-down order: the operator ids. */
export function statefulNodes(p: LogicalPlan): LogicalPlan[] {
  const out: LogicalPlan[] = [];
  const walk = (n: LogicalPlan): void => {
    if (isStreamingPlan(n) && (n.node === 'Aggregate' || n.node === 'Deduplicate')) out.push(n);
    planChildren(n).forEach(walk);
  };
  walk(p);
  return out;
}

export function planIncremental(plan: LogicalPlan, inputs: ReadonlyMap<number, Row[]>): { physical: PhysicalOperator; operators: StatefulOperatorInfo[] } {
  const nodes = statefulNodes(plan);
  const ids = new Map(nodes.map((n, i) => [n, i]));
  const operators: StatefulOperatorInfo[] = [];
  const physical = planPhysical(
    plan,
    (leaf) => new LocalScanExec(leaf.output, inputs.get(leaf.id) ?? []),
    (p, go) => {
      if (!isStreamingPlan(p)) return undefined;
      switch (p.node) {
        case 'EventTimeWatermark':
          return new EventTimeWatermarkExec(go(p.child), p.id, p.eventTime as AttributeExpr, p.delayText, outputOf(p));
        case 'Aggregate': {
          const id = ids.get(p)!;
          const op = new StatefulAggregateExec(go(p.child), id, p.groupingExprs, p.aggregateExprs);
          operators.push({
            operatorId: id,
            kind: 'aggregate',
            operatorName: 'stateStoreSave',
            evictsByWatermark: op.eventTimeKey >= 0,
            description: op.describe(),
            stateSchema: `key<${p.groupingExprs.map(typeName).join(',')}> value<${aggregateCalls(p.aggregateExprs)}>`,
          });
          return op;
        }
        case 'Deduplicate': {
          const id = ids.get(p)!;
          const keys = p.keys ?? outputOf(p.child);
          const op = new StreamingDeduplicateExec(go(p.child), id, keys, p.withinWatermark === true);
          operators.push({
            operatorId: id,
            kind: p.withinWatermark ? 'dedupeWithinWatermark' : 'dedupe',
            operatorName: p.withinWatermark ? 'dedupeWithinWatermark' : 'dedupe',
            evictsByWatermark: op.evictsState,
            description: op.describe(),
            stateSchema: `key<${keys.map(typeName).join(',')}>`,
          });
          return op;
        }
        default:
          return undefined;
      }
    },
  );
  operators.sort((a, b) => a.operatorId - b.operatorId);
  return { physical, operators };
}

function typeName(e: Expr): string {
  return simpleString(typeOf(e).dataType);
}

/** The aggregate calls an Aggregate keeps buffers for, as text (names and argument types). */
function aggregateCalls(exprs: readonly Expr[]): string {
  const out: string[] = [];
  const visit = (e: Expr): void => {
    if (e.kind === 'call' && lookupFunction(e.name)?.kind === 'aggregate') out.push(`${e.name}${e.distinct ? ' distinct' : ''}(${e.args.map(typeName).join(',')})`);
    else if (e.kind === 'alias' || e.kind === 'cast') visit(e.child);
    else if (e.kind === 'call') e.args.forEach(visit);
  };
  exprs.forEach(visit);
  return out.join(',');
}
