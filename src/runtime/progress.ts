/** Spark's StreamingQueryProgress JSON shape (what `lastProgress` returns). */
import type { Offset } from '../sources/source.js';

export interface SourceProgress {
  description: string;
  startOffset: Offset | null;
  endOffset: Offset | null;
  latestOffset: Offset | null;
  numInputRows: number;
  inputRowsPerSecond: number;
  processedRowsPerSecond: number;
}

export interface StateOperatorProgress {
  operatorName: string;
  numRowsTotal: number;
  numRowsUpdated: number;
  numRowsRemoved: number;
  numRowsDroppedByWatermark: number;
  memoryUsedBytes: number;
  numShufflePartitions: number;
  numStateStoreInstances: number;
  allUpdatesTimeMs: number;
  allRemovalsTimeMs: number;
  commitTimeMs: number;
  customMetrics: Record<string, number>;
}

export interface StreamingQueryProgress {
  id: string;
  runId: string;
  name: string | null;
  timestamp: string;
  batchId: number;
  batchDuration: number;
  numInputRows: number;
  inputRowsPerSecond: number;
  processedRowsPerSecond: number;
  durationMs: Record<string, number>;
  eventTime: Record<string, string>;
  stateOperators: StateOperatorProgress[];
  sources: SourceProgress[];
  sink: { description: string; numOutputRows: number };
  observedMetrics: Record<string, unknown>;
}

export interface StreamingQueryStatus {
  message: string;
  isDataAvailable: boolean;
  isTriggerActive: boolean;
  /** rivulet addition: warnings found when the query started (e.g. unbounded state). */
  warnings: string[];
}

/** Listener events (Spark's StreamingQueryListener). */
export interface QueryStartedEvent {
  id: string;
  runId: string;
  name: string | null;
  timestamp: string;
}
export interface QueryProgressEvent {
  progress: StreamingQueryProgress;
}
export interface QueryIdleEvent {
  id: string;
  runId: string;
  timestamp: string;
}
export interface QueryTerminatedEvent {
  id: string;
  runId: string;
  exception: string | null;
  error: unknown;
}

export interface StreamingQueryListener {
  onQueryStarted?(event: QueryStartedEvent): void;
  onQueryProgress?(event: QueryProgressEvent): void;
  onQueryIdle?(event: QueryIdleEvent): void;
  onQueryTerminated?(event: QueryTerminatedEvent): void;
}

/** Wall time in ms with sub-ms precision where the runtime has `performance`. */
export function nowMs(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Rounds a rate as Spark's JSON does (plain number, finite). */
export function rate(rows: number, ms: number): number {
  if (ms <= 0) return rows === 0 ? 0 : rows * 1000;
  return (rows * 1000) / ms;
}
