/**
 * Plans one micro-batch (Spark's IncrementalExecution): streaming leaves read the batch's rows,
 * and every streaming Aggregate / Deduplicate / EventTimeWatermark / stream-stream Join becomes
 * its stateful operator. Stateful operators are numbered 0, 1, ... in top-down plan order, so the numbering
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
import { StreamingSymmetricHashJoinExec } from '../exec/streaming/stream-stream-join.js';
import { StreamingGlobalLimitExec } from '../exec/streaming/streaming-global-limit.js';
import type { OutputMode } from '../plan/output-mode.js';
import { extractEquiKeys } from '../exec/join.js';
import { joinStateWatermarkPredicates } from '../plan/join-watermark.js';
import type { Row } from '../expr/registry.js';
import { findPlan, isStreamingPlan, planChildren, type LogicalPlan } from '../plan/logical.js';
import { outputOf } from '../plan/output.js';
import { planPhysical } from '../plan/physical.js';

export interface StatefulOperatorInfo {
  readonly operatorId: number;
  readonly kind: 'aggregate' | 'dedupe' | 'dedupeWithinWatermark' | 'symmetricHashJoin' | 'globalLimit';
  /** Spark's operatorName in progress reports. */
  readonly operatorName: string;
  /** Whether the watermark can evict this operator's state. */
  readonly evictsByWatermark: boolean;
  readonly description: string;
  /** The state's key and value layout (checked on restart). */
  readonly stateSchema: string;
  /** Spark's numStateStoreInstances per partition (a join keeps 4 stores per partition). */
  readonly numStateStoreInstances?: number;
  /** A stream-stream join: the sides whose state the watermark never cleans. */
  readonly unboundedSides?: readonly ('left' | 'right')[];
}

/** A join of two streaming inputs: Spark's StreamingSymmetricHashJoinExec. */
export function isStreamStreamJoin(n: LogicalPlan): n is LogicalPlan & { node: 'Join' } {
  return n.node === 'Join' && isStreamingPlan(n.left) && isStreamingPlan(n.right);
}

/**
 * A limit that keeps its count in state (Spark's StreamingGlobalLimitStrategy): on a stream in
 * append mode, or in complete mode when no streaming aggregation is below it.
 */
export function isStatefulLimit(n: LogicalPlan, mode: OutputMode): n is LogicalPlan & { node: 'Limit' } {
  if (n.node !== 'Limit' || !isStreamingPlan(n)) return false;
  if (mode === 'append') return true;
  return mode === 'complete' && findPlan(n.child, (c) => c.node === 'Aggregate' && isStreamingPlan(c)) === undefined;
}

/** Stateful nodes in top-down order: the operator ids. */
export function statefulNodes(p: LogicalPlan, mode: OutputMode = 'append'): LogicalPlan[] {
  const out: LogicalPlan[] = [];
  const walk = (n: LogicalPlan): void => {
    if ((isStreamingPlan(n) && (n.node === 'Aggregate' || n.node === 'Deduplicate')) || isStreamStreamJoin(n) || isStatefulLimit(n, mode)) out.push(n);
    planChildren(n).forEach(walk);
  };
  walk(p);
  return out;
}

export function planIncremental(
  plan: LogicalPlan,
  inputs: ReadonlyMap<number, Row[]>,
  mode: OutputMode = 'append',
): { physical: PhysicalOperator; operators: StatefulOperatorInfo[] } {
  const nodes = statefulNodes(plan, mode);
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
        case 'Limit': {
          if (!isStatefulLimit(p, mode)) return undefined;
          const id = ids.get(p)!;
          const op = new StreamingGlobalLimitExec(go(p.child), id, p.limit);
          operators.push({
            operatorId: id,
            kind: 'globalLimit',
            operatorName: 'globalLimit',
            // One state row, however long the query runs.
            evictsByWatermark: true,
            description: op.describe(),
            stateSchema: 'key<> value<bigint>',
          });
          return op;
        }
        case 'Join': {
          if (!isStreamStreamJoin(p)) return undefined;
          const id = ids.get(p)!;
          const op = new StreamingSymmetricHashJoinExec(go(p.left), go(p.right), id, p.joinType, p.condition);
          operators.push({
            operatorId: id,
            kind: 'symmetricHashJoin',
            operatorName: 'symmetricHashJoin',
            evictsByWatermark: op.hasStateCleanup,
            description: op.describe(),
            stateSchema: op.stateSchema(),
            numStateStoreInstances: 4,
            unboundedSides: op.unboundedSides,
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

/**
 * Spark's PropagateWatermarkSimulator: the input watermark (ms) of every stateful operator when
 * the global watermark is `globalMs`, by operator id (undefined: no watermark upstream). A
 * withWatermark node outputs the global watermark, other nodes the minimum of their inputs';
 * a stream-stream join outputs the minimum of its input and its sides' state watermarks (its
 * rows can be that old), so an aggregation after a time-interval join sees the right lateness.
 */
export function propagateWatermarks(plan: LogicalPlan, globalMs: number, mode: OutputMode = 'append'): Map<number, number | undefined> {
  const ids = new Map(statefulNodes(plan, mode).map((n, i) => [n, i]));
  const out = new Map<number, number | undefined>();
  const visit = (p: LogicalPlan): number | undefined => {
    const inputs = planChildren(p)
      .map(visit)
      .filter((w): w is number => w !== undefined);
    if (p.node === 'EventTimeWatermark') return globalMs;
    const input = inputs.length > 0 ? Math.min(...inputs) : undefined;
    const id = ids.get(p);
    if (id === undefined) return input;
    out.set(id, input);
    if (input === undefined || !isStreamStreamJoin(p)) return input;
    const l = outputOf(p.left);
    const r = outputOf(p.right);
    const keys = extractEquiKeys(p.condition, l, r);
    const preds = joinStateWatermarkPredicates(l, r, keys.leftKeys, keys.rightKeys, keys.residual, input);
    const sides = [preds.left, preds.right].flatMap((q) => (q === undefined ? [] : [q.kind === 'key' ? input : q.stateWatermarkMs]));
    return Math.min(input, ...sides);
  };
  visit(plan);
  return out;
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
