/**
 * Spark's MemorySink: keeps every micro-batch's output (including empty no-data batches) so
 * tests and `spark.table(name)` can read it. Complete mode truncates on every batch. A batch id
 * not greater than the last stored one is ignored (exactly-once across recovery). In update
 * mode `spark.table(name)` shows the latest row per key: the key ordinals come from the query's
 * plan ({@link updateKeyColumns}).
 */
import type { DataFrame } from '../api/dataframe.js';
import type { AttributeExpr, Expr } from '../expr/ast.js';
import type { Row } from '../expr/registry.js';
import { exprToSql } from '../expr/sql-render.js';
import { isStreamingPlan, planChildren, type Aggregate, type LogicalPlan } from '../plan/logical.js';
import type { OutputMode } from '../plan/output-mode.js';
import { outputOf } from '../plan/output.js';
import { canonicalKey } from '../util/value-equality.js';
import { batchRows } from './batch-data.js';
import type { Sink } from './sink.js';

export interface MemoryBatch {
  readonly batchId: number;
  readonly rows: readonly Row[];
}

/** How update-mode output rows are identified: by the grouping keys of the streaming aggregation. */
export interface UpdateKeyColumns {
  /** Ordinals of the key columns in the query's output; [] when a key column is not in it. */
  readonly ordinals: readonly number[];
  /** The key columns' names (output names where found). */
  readonly names: readonly string[];
  /** The first key column missing from the output, when one is. */
  readonly missing?: string;
}

/**
 * The key columns of an update-mode query: the grouping attributes of the top-most streaming
 * Aggregate, mapped to ordinals of the query's output by attribute id. Undefined when the query
 * has no streaming aggregation (update mode then behaves as append: every row is new).
 */
export function updateKeyColumns(plan: LogicalPlan): UpdateKeyColumns | undefined {
  const agg = topStreamingAggregate(plan);
  if (!agg) return undefined;
  const output = outputOf(plan);
  const ordinals: number[] = [];
  const names: string[] = [];
  let missing: string | undefined;
  for (const g of agg.groupingExprs) {
    const produced = agg.aggregateExprs.find((e) => producesGroupingKey(e, g));
    const id = produced?.kind === 'attr' ? produced.id : produced?.kind === 'alias' ? produced.exprId : undefined;
    const name = produced?.kind === 'attr' || produced?.kind === 'alias' ? produced.name : exprToSql(g);
    const ordinal = id === undefined ? -1 : output.findIndex((a) => a.id === id);
    if (ordinal < 0) {
      missing ??= name;
      names.push(name);
    } else {
      ordinals.push(ordinal);
      names.push(output[ordinal]!.name);
    }
  }
  return missing === undefined ? { ordinals, names } : { ordinals: [], names, missing };
}

function topStreamingAggregate(p: LogicalPlan): Aggregate | undefined {
  if (p.node === 'Aggregate' && isStreamingPlan(p.child)) return p;
  for (const c of planChildren(p)) {
    const found = topStreamingAggregate(c);
    if (found) return found;
  }
  return undefined;
}

/** Whether an aggregate output expression is grouping expression `g` (itself, or aliased). */
function producesGroupingKey(e: Expr, g: Expr): boolean {
  if (e.kind === 'attr') return g.kind === 'attr' && g.id === e.id;
  if (e.kind !== 'alias') return false;
  const c = e.child;
  if (c.kind === 'attr' && g.kind === 'attr') return c.id === g.id;
  return JSON.stringify(c) === JSON.stringify(g);
}

export class MemorySink implements Sink {
  readonly description = 'MemorySink';
  /** Where the table lives (`spark.catalog.listTables()`): nowhere, it is a temporary view. */
  readonly location = null;
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
