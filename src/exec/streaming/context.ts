/**
 * What stateful operators see during one micro-batch: their state store (opened before the
 * batch at the previous version), the two watermarks Spark ≥ 3.4 gives each operator, and
 * where to record metrics. Operators never open or commit stores themselves.
 */
import type { ExecContext } from '../operator.js';
import type { StateStore } from '../../state/state-store.js';
import type { OutputMode } from '../../plan/output-mode.js';

export interface EventTimeStats {
  max: number;
  min: number;
  sum: number;
  count: number;
}

export interface StatefulOperatorMetrics {
  numRowsDroppedByWatermark: number;
  /** Operator-specific metrics reported as `customMetrics` (e.g. numDroppedDuplicateRows). */
  custom: Record<string, number>;
  /**
   * State-row counts an operator reports itself instead of its store's (the stream-stream join
   * counts rows as Spark does: appended rows, rows removed by cleanup, rows held on both sides).
   */
  stateRows?: { total: number; updated: number; removed: number };
}

export interface StreamingExecContext extends ExecContext {
  readonly batchId: number;
  readonly outputMode: OutputMode;
  /** spark.sql.streaming.statefulOperator.allowMultiple (default true). */
  readonly allowMultipleStatefulOperators?: boolean;
  store(operatorId: number): StateStore;
  /** Late rows are those at or before this (ms): the previous batch's eviction watermark. */
  lateEventsWatermarkMs(operatorId: number): number;
  /** State is evicted / final rows emitted at or before this (ms): this batch's watermark. */
  evictionWatermarkMs(operatorId: number): number;
  /** Event-time statistics (µs) per withWatermark node, filled as rows flow. */
  readonly eventTimeStats: Map<number, EventTimeStats>;
  metrics(operatorId: number): StatefulOperatorMetrics;
}

export function isStreamingContext(ctx: ExecContext): ctx is StreamingExecContext {
  return 'batchId' in ctx;
}
