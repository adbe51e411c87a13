/**
 * Spark's MemorySink: keeps every micro-batch's output (including empty no-data batches) so
 * tests and `spark.table(name)` can read it. Complete mode truncates on every batch. A batch id
 * not greater than the last stored one is ignored (exactly-once across recovery).
 */
import type { DataFrame } from '../api/dataframe.js';
import type { AttributeExpr } from '../expr/ast.js';
import type { Row } from '../expr/registry.js';
import type { OutputMode } from '../plan/output-mode.js';
import { outputOf } from '../plan/output.js';
import { canonicalKey } from '../util/value-equality.js';
import { batchRows } from './batch-data.js';
import type { Sink } from './sink.js';

export interface MemoryBatch {
  readonly batchId: number;
  readonly rows: readonly Row[];
}

export class MemorySink implements Sink {
  readonly description = 'MemorySink';
  readonly #batches: MemoryBatch[] = [];
  #schema: readonly AttributeExpr[] | undefined;

  constructor(
    readonly outputMode: OutputMode,
    /** Column ordinals that identify a row in update mode (the grouping keys), if any. */
    public keyOrdinals: readonly number[] = [],
  ) {}

  async addBatch(batchId: number, data: DataFrame): Promise<void> {
    const last = this.#batches.at(-1);
    if (last && batchId <= last.batchId) return;
    this.#schema = outputOf(data.plan);
    const rows = batchRows(data);
    if (this.outputMode === 'complete') this.#batches.length = 0;
    this.#batches.push({ batchId, rows });
  }

  get output(): readonly AttributeExpr[] | undefined {
    return this.#schema;
  }

  get lastBatchId(): number | undefined {
    return this.#batches.at(-1)?.batchId;
  }

  /** Every stored row, in batch order (Spark's allData). */
  allData(): Row[] {
    return this.#batches.flatMap((b) => b.rows);
  }

  /** The last batch's rows (Spark's latestBatchData). */
  latestBatchData(): Row[] {
    return [...(this.#batches.at(-1)?.rows ?? [])];
  }

  /** Rows of batches with id > `batchId` (Spark's dataSinceBatch). */
  dataSinceBatch(batchId: number): Row[] {
    return this.#batches.filter((b) => b.batchId > batchId).flatMap((b) => b.rows);
  }

  /** What `spark.table(name)` shows: all rows (append), the last table (complete), latest per key (update). */
  tableRows(): Row[] {
    const all = this.allData();
    if (this.outputMode !== 'update' || this.keyOrdinals.length === 0) return all;
    const latest = new Map<string, Row>();
    for (const r of all) latest.set(canonicalKey(this.keyOrdinals.map((i) => r[i])), r);
    return [...latest.values()];
  }

  clear(): void {
    this.#batches.length = 0;
  }
}
