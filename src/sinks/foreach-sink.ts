/**
 * foreach and foreachBatch. Both run on the thread that called start(). They are at-least-once
 * on their own: after a crash, the batch that was running is delivered again with the same
 * batch id (epochId), which the user can use to deduplicate, as in Spark.
 */
import type { DataFrame, RowObject } from '../api/dataframe.js';
import type { Sink } from './sink.js';

/** Spark's ForeachWriter: open → process* → close, per partition and epoch. */
export interface ForeachWriter {
  open?(partitionId: number, epochId: number): boolean | Promise<boolean>;
  process(row: RowObject): void | Promise<void>;
  close?(error: unknown): void | Promise<void>;
}

export type ForeachFunction = (row: RowObject) => void | Promise<void>;

export class ForeachSink implements Sink {
  readonly description = 'ForeachSink';
  readonly #writer: ForeachWriter;
  constructor(writer: ForeachWriter | ForeachFunction) {
    this.#writer = typeof writer === 'function' ? { process: writer } : writer;
  }
  async addBatch(batchId: number, data: DataFrame): Promise<void> {
    const w = this.#writer;
    const open = w.open ? await w.open(0, batchId) : true;
    if (!open) {
      await w.close?.(null);
      return;
    }
    try {
      for (const row of await data.collect()) await w.process(row);
    } catch (error) {
      await w.close?.(error);
      throw error;
    }
    await w.close?.(null);
  }
}

export type ForeachBatchFunction = (batch: DataFrame, batchId: number) => void | Promise<void>;

export class ForeachBatchSink implements Sink {
  readonly description = 'ForeachBatchSink';
  constructor(readonly fn: ForeachBatchFunction) {}
  async addBatch(batchId: number, data: DataFrame): Promise<void> {
    await this.fn(data, batchId);
  }
}
