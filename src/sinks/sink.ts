/**
 * The Sink contract (Spark's Sink / StreamingWrite). `addBatch(batchId, data)` receives one
 * micro-batch's output as a batch DataFrame (empty for no-data batches, as Spark does). A batch
 * commits only after the returned promise resolves. Sinks must be idempotent per batch id:
 * a batch re-run during recovery carries an id the sink may already have stored, and must not
 * be stored twice.
 */
import type { DataFrame } from '../api/dataframe.js';
import type { OutputMode } from '../plan/output-mode.js';

export interface SinkContext {
  readonly queryName: string | undefined;
  readonly outputMode: OutputMode;
  readonly options: Readonly<Record<string, string>>;
}

export interface Sink {
  /** Shown in progress reports (`sink.description`). */
  readonly description: string;
  addBatch(batchId: number, data: DataFrame): Promise<void>;
  /** Called once when the query stops (successfully or not). */
  close?(error?: unknown): Promise<void>;
}
