/**
 * Spark's UnsupportedOperationChecker for streaming plans (checkForStreaming): which operators
 * are allowed in which output mode. Messages follow ../shared/spark-unsupported-operations.json.
 * Stream-stream joins: append mode only, and outer/semi joins need a watermark that can clean
 * the state of the side whose rows they emit (checkForStreamStreamJoinWatermark).
 */
import { RivuletError } from '../errors.js';
import { someExpr } from '../expr/ast.js';
import { isEventTimeAttr } from '../exec/streaming/event-time.js';
import { sessionKeyIndex } from '../exec/session-window.js';
import { streamStreamJoinWatermarkError } from './join-watermark.js';
import { findPlan, isStreamingPlan, planChildren, type LogicalPlan } from './logical.js';
import { outputOf } from './output.js';
import type { OutputMode } from './output-mode.js';

function fail(msg: string, errorClass = '_LEGACY_ERROR_TEMP_3102'): never {
  throw new RivuletError(errorClass, msg);
}

export interface StreamingCheckConf {
  /** rivulet extension: count(DISTINCT ...) etc. keep their distinct sets in state. */
  readonly allowDistinctAggregation: boolean;
  readonly checkCorrectness: boolean;
}

const DEFAULT_CHECK_CONF: StreamingCheckConf = { allowDistinctAggregation: true, checkCorrectness: true };

function checkAggregate(n: LogicalPlan & { node: 'Aggregate' }, mode: OutputMode, conf: StreamingCheckConf): void {
  const hasDistinct = n.aggregateExprs.some((e) => someExpr(e, (x) => x.kind === 'call' && x.distinct === true));
  if (hasDistinct && !conf.allowDistinctAggregation) {
    fail('Distinct aggregations are not supported on streaming DataFrames/Datasets. Consider using approx_count_distinct() instead.');
  }
  if (sessionKeyIndex(n.groupingExprs) >= 0 && mode === 'update') {
    fail('Update output mode not supported for session window on streaming DataFrames/DataSets');
  }
  if (mode === 'append' && !n.groupingExprs.some(isEventTimeAttr)) {
    fail(
      'Invalid streaming output mode: append. This output mode is not supported for streaming aggregations without watermark on streaming DataFrames/DataSets. (Spark 3.x: Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets without watermark)',
      'STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION',
    );
  }
}

const CORRECTNESS_MESSAGE =
  'Detected pattern of possible \'correctness\' issue due to global watermark. The query contains stateful operation which can emit rows older than the current watermark plus allowed late record delay, which are "late rows" in downstream stateful operations and these rows can be discarded. Please refer the programming guide doc for more details. If you understand the possible risk of correctness issue and still need to run the query, you can disable this check by setting the config `spark.sql.streaming.statefulOperator.checkCorrectness.enabled` to false.';

/**
 * Spark's checkStreamingQueryGlobalWatermarkLimit: in update/complete mode a streaming
 * aggregation emits rows that can be late for any stateful operator that consumes them
 * (another aggregation, a deduplication on an event-time column or within the watermark, a
 * stream-stream join). An operator is checked against the aggregations below it in the plan.
 */
function checkGlobalWatermarkLimit(p: LogicalPlan): void {
  const consumesLateRows = (n: LogicalPlan): boolean => {
    if (!isStreamingPlan(n)) return false;
    if (n.node === 'Aggregate') return true;
    if (n.node === 'Deduplicate') return n.withinWatermark === true || (n.keys ?? outputOf(n.child)).some(isEventTimeAttr);
    if (n.node === 'Join') return isStreamingPlan(n.left) && isStreamingPlan(n.right);
    return false;
  };
  const emitsLateRows = (c: LogicalPlan): boolean => c.node === 'Aggregate' && isStreamingPlan(c);
  const visit = (n: LogicalPlan): void => {
    if (consumesLateRows(n) && planChildren(n).some((c) => findPlan(c, emitsLateRows) !== undefined)) fail(CORRECTNESS_MESSAGE);
    planChildren(n).forEach(visit);
  };
  visit(p);
}

export function checkStreamingPlan(p: LogicalPlan, mode: OutputMode, conf: StreamingCheckConf = DEFAULT_CHECK_CONF): void {
  if (!isStreamingPlan(p)) {
    fail('Queries without streaming sources cannot be executed with writeStream.start()');
  }
  const hasAggregate = findPlan(p, (n) => n.node === 'Aggregate' && isStreamingPlan(n)) !== undefined;
  if (mode === 'complete' && !hasAggregate) {
    fail(
      'Invalid streaming output mode: complete. This output mode is not supported for no streaming aggregations on streaming DataFrames/DataSets. (Spark 3.x: Complete output mode not supported when there are no streaming aggregations on streaming DataFrames/Datasets)',
      'STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION',
    );
  }
  const walk = (n: LogicalPlan): void => {
    if (!isStreamingPlan(n)) return;
    switch (n.node) {
      case 'Sort':
        if (!(mode === 'complete' && hasAggregate)) {
          fail('Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode');
        }
        break;
      case 'Limit':
        if (mode === 'update') fail('Limits are not supported on streaming DataFrames/Datasets in Update output mode');
        break;
      case 'Union':
        if (n.children.some((c) => !isStreamingPlan(c))) fail('Union between streaming and batch DataFrames/Datasets is not supported');
        break;
      case 'Aggregate':
        checkAggregate(n, mode, conf);
        break;
      case 'Deduplicate':
        if (n.withinWatermark && !outputOf(n.child).some(isEventTimeAttr)) {
          fail('dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without watermark');
        }
        break;
      case 'Join': {
        const ls = isStreamingPlan(n.left);
        const rs = isStreamingPlan(n.right);
        if (ls && rs && mode !== 'append') {
          fail(`Join between two streaming DataFrames/Datasets is not supported in ${mode === 'update' ? 'Update' : 'Complete'} output mode, only in Append output mode`);
        }
        const t = n.joinType;
        const watermarkCheck = (): void => {
          const msg = streamStreamJoinWatermarkError(t, n.condition, outputOf(n.left), outputOf(n.right));
          if (msg) fail(msg);
        };
        switch (t) {
          case 'inner':
          case 'cross':
            break;
          case 'full_outer':
            if (ls && !rs) fail('FullOuter joins with streaming DataFrames/Datasets on the left and a static DataFrame/Dataset on the right is not supported');
            if (!ls && rs) fail('FullOuter joins with streaming DataFrames/Datasets on the right and a static DataFrame/Dataset on the left is not supported');
            watermarkCheck();
            break;
          case 'left_anti':
            if (rs) fail('LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported');
            break;
          case 'left_outer':
          case 'left_semi':
            if (!ls && rs) fail(`${sparkJoinName(t)} join with a streaming DataFrame/Dataset on the right and a static DataFrame/Dataset on the left is not supported`);
            if (ls && rs) watermarkCheck();
            break;
          case 'right_outer':
            if (ls && !rs) fail('RightOuter join with a streaming DataFrame/Dataset on the left and a static DataFrame/DataSet on the right not supported');
            if (ls && rs) watermarkCheck();
            break;
        }
        break;
      }
      default:
    }
    if (n.node === 'Join') {
      walk(n.left);
      walk(n.right);
    } else if (n.node === 'Union') n.children.forEach(walk);
    else if (n.node !== 'LocalRelation' && n.node !== 'StreamingRelation') walk(n.child);
  };
  walk(p);
  if (mode !== 'append' && conf.checkCorrectness) checkGlobalWatermarkLimit(p);
}

function sparkJoinName(t: string): string {
  const names: Record<string, string> = {
    left_outer: 'LeftOuter',
    right_outer: 'RightOuter',
    full_outer: 'FullOuter',
    left_semi: 'LeftSemi',
    left_anti: 'LeftAnti',
  };
  return names[t] ?? t;
}
