/**
 * `DataFrame`: an immutable facade over a logical plan, the same for batch and streaming.
 * Transformations build one node through plan/builders.ts and analyze it eagerly (errors
 * surface where the query is written, as in Spark); actions plan and execute it.
 */
import { RivuletError } from '../errors.js';
import type { Expr, SortOrderExpr } from '../expr/ast.js';
import { parseExpression } from '../expr/sql-parser.js';
import type { Row } from '../expr/registry.js';
import type { PhysicalOperator } from '../exec/operator.js';
import { StreamingRelationExec } from '../exec/streaming-relation.js';
import { analyze } from '../plan/analyzer.js';
import * as B from '../plan/builders.js';
import { explainString, type ExplainMode } from '../plan/explain.js';
import { isStreamingPlan, withChildren, planChildren, type LogicalPlan } from '../plan/logical.js';
import { optimize } from '../plan/optimizer/index.js';
import { outputOf } from '../plan/output.js';
import { planPhysical } from '../plan/physical.js';
import { simpleString, structField, structType, type StructType } from '../types/data-types.js';
import { parseInterval, intervalToMicros } from '../types/interval.js';
import { toExternal } from '../types/convert.js';
import { formatTable, showValue } from '../util/format-table.js';
import { treeString } from '../util/print-schema.js';
import { Column, columnExpr, type ColumnLike } from './column.js';
import { GroupedData } from './grouped-data.js';
import { DataStreamWriter } from './data-stream-writer.js';
import type { Session } from './session.js';

/** A collected row: a plain object keyed by column name. */
export type RowObject = Record<string, unknown>;

export class DataFrame {
  readonly sparkSession: Session;
  /** The plan as written (for explain's parsed section). */
  readonly parsedPlan: LogicalPlan;
  /** The resolved plan every later step builds on. */
  readonly plan: LogicalPlan;

  constructor(session: Session, parsed: LogicalPlan, analyzed?: LogicalPlan) {
    this.sparkSession = session;
    this.parsedPlan = parsed;
    this.plan = analyzed ?? analyze(parsed, session.analyzerOptions());
  }

  /** Wraps `node` (built over this DataFrame's analyzed plan) into a new DataFrame. */
  #derive(node: LogicalPlan): DataFrame {
    const kids = planChildren(node);
    const parsedKids = kids.map((k) => (k === this.plan ? this.parsedPlan : k));
    return new DataFrame(this.sparkSession, withChildren(node, parsedKids), analyze(node, this.sparkSession.analyzerOptions()));
  }

  get isStreaming(): boolean {
    return isStreamingPlan(this.plan);
  }

  get schema(): StructType {
    return structType(outputOf(this.plan).map((a) => structField(a.name, a.dataType, a.nullable, a.metadata ? { ...a.metadata } : {})));
  }

  get columns(): string[] {
    return outputOf(this.plan).map((a) => a.name);
  }

  /** `[name, simpleString type]` pairs, as PySpark's `dtypes`. */
  get dtypes(): [string, string][] {
    return this.schema.fields.map((f) => [f.name, simpleString(f.type)]);
  }

  /** A column bound to this DataFrame, for joins and self-joins: `left.col('id')`. */
  col(name: string): Column {
    const e = columnExpr(name);
    if (e.kind !== 'column') return new Column(e);
    return new Column({ ...e, planId: this.plan.id });
  }

  select(...cols: (ColumnLike | readonly ColumnLike[])[]): DataFrame {
    const flat = cols.flat() as ColumnLike[];
    return this.#derive(B.project(this.plan, flat.map(columnExpr)));
  }

  selectExpr(...exprs: string[]): DataFrame {
    return this.#derive(B.project(this.plan, exprs.map(parseExpression)));
  }

  filter(condition: Column | string): DataFrame {
    const e = typeof condition === 'string' ? parseExpression(condition) : condition.expr;
    return this.#derive(B.filter(this.plan, e));
  }

  where(condition: Column | string): DataFrame {
    return this.filter(condition);
  }

  withColumn(name: string, col: Column): DataFrame {
    return this.#derive(B.withColumns(this.plan, [name], [col.expr]));
  }

  withColumns(map: Record<string, Column>): DataFrame {
    const names = Object.keys(map);
    return this.#derive(B.withColumns(this.plan, names, names.map((n) => map[n]!.expr)));
  }

  withColumnRenamed(existing: string, renamed: string): DataFrame {
    const node = B.withColumnRenamed(this.plan, existing, renamed);
    return node === this.plan ? this : this.#derive(node);
  }

  drop(...cols: ColumnLike[]): DataFrame {
    const node = B.drop(
      this.plan,
      cols.map((c) => (typeof c === 'string' ? c : c.expr.kind === 'column' ? this.#resolve(c.expr) : c.expr)),
    );
    return node === this.plan ? this : this.#derive(node);
  }

  #resolve(e: Expr): Expr {
    const probe = analyze(B.project(this.plan, [e]), this.sparkSession.analyzerOptions());
    return probe.node === 'Project' ? probe.projectList[0]! : e;
  }

  groupBy(...cols: (ColumnLike | readonly ColumnLike[])[]): GroupedData {
    return new GroupedData(this, (cols.flat() as ColumnLike[]).map(columnExpr));
  }

  groupby(...cols: ColumnLike[]): GroupedData {
    return this.groupBy(...cols);
  }

  /** A global aggregation: `df.agg(F.sum('x'))`. */
  agg(...exprs: (Column | readonly Column[])[]): DataFrame {
    return this.groupBy().agg(...exprs);
  }

  /** @internal Used by GroupedData. */
  aggregate(grouping: readonly Expr[], aggs: readonly Expr[]): DataFrame {
    return this.#derive(B.aggregate(this.plan, grouping, aggs));
  }

  withWatermark(eventTime: string, delayThreshold: string): DataFrame {
    const interval = parseInterval(delayThreshold);
    const delayUs = intervalToMicros(interval);
    if (delayUs < 0) {
      throw new RivuletError('INVALID_PARAMETER_VALUE', `delay threshold (${delayThreshold}) should not be negative.`, {
        parameters: { parameter: 'delayThreshold' },
      });
    }
    return this.#derive(B.watermark(this.plan, eventTime, Math.floor(delayUs / 1000), delayThreshold));
  }

  dropDuplicates(subset?: readonly string[]): DataFrame {
    return this.#derive(B.deduplicate(this.plan, subset));
  }

  drop_duplicates(subset?: readonly string[]): DataFrame {
    return this.dropDuplicates(subset);
  }

  dropDuplicatesWithinWatermark(subset?: readonly string[]): DataFrame {
    return this.#derive(B.deduplicate(this.plan, subset, true));
  }

  distinct(): DataFrame {
    return this.#derive(B.deduplicate(this.plan, undefined));
  }

  join(other: DataFrame, on?: Column | string | readonly string[], how = 'inner'): DataFrame {
    const cond = on === undefined ? undefined : on instanceof Column ? on.expr : typeof on === 'string' ? [on] : on;
    return this.#derive(B.join(this.plan, other.plan, how, cond));
  }

  crossJoin(other: DataFrame): DataFrame {
    return this.#derive(B.join(this.plan, other.plan, 'cross'));
  }

  union(other: DataFrame): DataFrame {
    return this.#derive(B.union([this.plan, other.plan], false));
  }

  unionAll(other: DataFrame): DataFrame {
    return this.union(other);
  }

  unionByName(other: DataFrame, allowMissingColumns = false): DataFrame {
    return this.#derive(B.union([this.plan, other.plan], true, allowMissingColumns));
  }

  orderBy(...cols: (ColumnLike | readonly ColumnLike[])[]): DataFrame {
    const order = (cols.flat() as ColumnLike[]).map((c): SortOrderExpr => {
      const e = columnExpr(c);
      return e.kind === 'sortOrder' ? e : { kind: 'sortOrder', child: e, direction: 'asc', nulls: 'first' };
    });
    return this.#derive(B.sort(this.plan, order));
  }

  sort(...cols: (ColumnLike | readonly ColumnLike[])[]): DataFrame {
    return this.orderBy(...cols);
  }

  limit(n: number): DataFrame {
    return this.#derive(B.limit(this.plan, n));
  }

  alias(name: string): DataFrame {
    return this.#derive(B.subqueryAlias(this.plan, name));
  }

  /** Materializes the result on first use and reuses it afterwards (Spark's lazy cache). */
  cache(): DataFrame {
    this.sparkSession.cacheManager.register(this.plan);
    return this;
  }

  persist(): DataFrame {
    return this.cache();
  }

  unpersist(): DataFrame {
    this.sparkSession.cacheManager.unregister(this.plan);
    return this;
  }

  explain(mode: ExplainMode | boolean = 'simple'): string {
    const m: ExplainMode = mode === true ? 'extended' : mode === false ? 'simple' : mode;
    const optimized = this.#optimized();
    return explainString(m, { parsed: this.parsedPlan, analyzed: this.plan, optimized, physical: this.#physical(optimized) });
  }

  printSchema(): string {
    const s = treeString(this.schema);
    this.sparkSession.log(s);
    return s;
  }

  // ---- actions ----

  async collect(): Promise<RowObject[]> {
    const rows = this.#executeRows('collect');
    return rows.map(this.#rowMapper());
  }

  async toArray(): Promise<unknown[][]> {
    const types = outputOf(this.plan).map((a) => a.dataType);
    return this.#executeRows('toArray').map((r) => r.map((v, i) => toExternal(v, types[i]!)));
  }

  async count(): Promise<number> {
    return this.#executeRows('count').length;
  }

  async first(): Promise<RowObject | undefined> {
    return (await this.limit(1).collect())[0];
  }

  async head(n = 1): Promise<RowObject[]> {
    return this.limit(n).collect();
  }

  async take(n: number): Promise<RowObject[]> {
    return this.limit(n).collect();
  }

  /** Spark's show() text: `+---+` tables, truncating cells to 20 characters unless told. */
  showString(n = 20, truncate: boolean | number = true): string {
    const rows = this.limit(n + 1).#executeRows('show');
    const out = outputOf(this.plan);
    const width = truncate === true ? 20 : truncate === false ? 0 : truncate;
    const tz = this.sparkSession.compileOptions().timeZone;
    const cells = rows.slice(0, n).map((r) => r.map((v, i) => showValue(v, out[i]!.dataType, tz)));
    return formatTable(
      out.map((a) => a.name),
      cells,
      { truncate: width, hasMoreRows: rows.length > n, numRows: n },
    );
  }

  async show(n = 20, truncate: boolean | number = true): Promise<void> {
    this.sparkSession.log(this.showString(n, truncate));
  }

  get writeStream(): DataStreamWriter {
    if (!this.isStreaming) {
      throw new RivuletError('WRITE_STREAM_NOT_ALLOWED', '`writeStream` can be called only on streaming Dataset/DataFrame.');
    }
    return new DataStreamWriter(this);
  }

  /** @internal Executes a batch plan to internal rows (used by sinks). */
  executeInternal(): Row[] {
    return this.#executeRows('execute');
  }

  #rowMapper(): (r: Row) => RowObject {
    const out = outputOf(this.plan);
    const seen = new Map<string, number>();
    const keys = out.map((a) => {
      const n = (seen.get(a.name) ?? 0) + 1;
      seen.set(a.name, n);
      return n === 1 ? a.name : `${a.name}_${n}`;
    });
    const types = out.map((a) => a.dataType);
    return (r) => {
      const o: RowObject = {};
      for (let i = 0; i < keys.length; i++) o[keys[i]!] = toExternal(r[i], types[i]!);
      return o;
    };
  }

  #optimized(): LogicalPlan {
    return optimize(this.sparkSession.cacheManager.substitute(this.plan, (p) => this.#run(p)));
  }

  #physical(optimized: LogicalPlan): PhysicalOperator {
    // A streaming plan is explained with its sources as leaves (it only runs via writeStream).
    return planPhysical(optimized, (leaf) => new StreamingRelationExec(leaf));
  }

  #run(p: LogicalPlan): Row[] {
    return planPhysical(optimize(p)).execute({ compile: this.sparkSession.compileOptions() });
  }

  #executeRows(action: string): Row[] {
    if (this.isStreaming) {
      throw new RivuletError(
        '_LEGACY_ERROR_TEMP_3102',
        `Queries with streaming sources must be executed with writeStream.start(); ${action}() is a batch action.`,
      );
    }
    const optimized = this.#optimized();
    return this.#physical(optimized).execute({ compile: this.sparkSession.compileOptions() });
  }
}

export { type LogicalPlan };
