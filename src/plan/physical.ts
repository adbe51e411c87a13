/** The planner: an optimized logical plan → a tree of physical operators. */
import { RivuletError } from '../errors.js';
import type { CallExpr, Expr } from '../expr/ast.js';
import { HashAggregateExec } from '../exec/aggregate.js';
import { DeduplicateExec } from '../exec/deduplicate.js';
import { FilterExec } from '../exec/filter.js';
import { GenerateExec } from '../exec/generate.js';
import { JoinExec } from '../exec/join.js';
import { LimitExec } from '../exec/limit.js';
import type { PhysicalOperator } from '../exec/operator.js';
import { ProjectExec } from '../exec/project.js';
import { LocalScanExec } from '../exec/scan.js';
import { SortExec } from '../exec/sort.js';
import { UnionExec } from '../exec/union.js';
import type { LogicalPlan } from './logical.js';
import { outputOf } from './output.js';

/** How a StreamingRelation is planned: the runtime supplies the micro-batch's rows. */
export type StreamingLeafPlanner = (p: LogicalPlan & { node: 'StreamingRelation' }) => PhysicalOperator;

/** Plans the streaming (stateful) version of a node, or returns undefined for the batch one. */
export type StatefulPlanner = (p: LogicalPlan, go: (q: LogicalPlan) => PhysicalOperator) => PhysicalOperator | undefined;

export function planPhysical(p: LogicalPlan, streamingLeaf?: StreamingLeafPlanner, stateful?: StatefulPlanner): PhysicalOperator {
  const go = (q: LogicalPlan): PhysicalOperator => planPhysical(q, streamingLeaf, stateful);
  const s = stateful?.(p, go);
  if (s) return s;
  switch (p.node) {
    case 'LocalRelation':
      return new LocalScanExec(p.output, p.rows);
    case 'StreamingRelation':
      if (!streamingLeaf) {
        throw new RivuletError(
          'NON_TIME_WINDOW_NOT_SUPPORTED_IN_STREAMING',
          'Queries with streaming sources must be executed with writeStream.start().',
        );
      }
      return streamingLeaf(p);
    case 'Project':
      return new ProjectExec(go(p.child), p.projectList);
    case 'Filter':
      return new FilterExec(go(p.child), p.condition);
    case 'Aggregate':
      return new HashAggregateExec(go(p.child), p.groupingExprs, p.aggregateExprs);
    case 'Join':
      return new JoinExec(go(p.left), go(p.right), p.joinType, p.condition);
    case 'Union':
      return new UnionExec(p.children.map(go), outputOf(p));
    case 'Sort':
      return new SortExec(go(p.child), p.order);
    case 'Limit':
      return new LimitExec(go(p.child), p.limit);
    case 'Deduplicate': {
      if (p.withinWatermark) {
        throw new RivuletError('_LEGACY_ERROR_TEMP_3102', 'dropDuplicatesWithinWatermark is not supported with batch DataFrames/DataSets');
      }
      const keys: readonly Expr[] = p.keys ?? outputOf(p.child);
      return new DeduplicateExec(go(p.child), keys);
    }
    case 'SubqueryAlias':
      return go(p.child);
    case 'EventTimeWatermark':
      // In a batch query the watermark is a no-op (Spark's EliminateEventTimeWatermark).
      return go(p.child);
    case 'Generate':
      return new GenerateExec(go(p.child), p.generator as CallExpr, p.outer, p.generatorOutput);
  }
}
