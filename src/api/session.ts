/**
 * `Session` (Spark's SparkSession): configuration, DataFrame creation, `readStream`, `streams`,
 * and `catalog` / `table(name)` over memory sinks and `table` sinks.
 */
import type { CompileOptions } from '../expr/compile.js';
import type { AnalyzerOptions } from '../plan/analyzer.js';
import * as B from '../plan/builders.js';
import type { StructType } from '../types/data-types.js';
import { inferSchema } from '../types/infer.js';
import { toDataType } from '../types/t.js';
import { parseDDLSchema } from '../types/ddl.js';
import { validateRows } from '../types/convert.js';
import { CacheManager } from './cache-manager.js';
import { Catalog, type CatalogTable } from './catalog.js';
import { RuntimeConfig, type ConfValue } from './conf.js';
import { DataFrame } from './dataframe.js';
import { DataStreamReader, streamingDataFrame } from './data-stream-reader.js';
import { StreamingQueryManager } from '../runtime/query-manager.js';
import { MemoryStream } from '../sources/memory-stream.js';
import { RivuletError } from '../errors.js';
import { newPlanId, type LogicalPlan } from '../plan/logical.js';

export class SessionBuilder {
  readonly #conf: [string, ConfValue][] = [];
  #appName = 'rivulet';

  appName(name: string): this {
    this.#appName = name;
    return this;
  }
  master(_master: string): this {
    return this;
  }
  config(key: string, value: ConfValue): this;
  config(map: Record<string, ConfValue>): this;
  config(keyOrMap: string | Record<string, ConfValue>, value?: ConfValue): this {
    if (typeof keyOrMap === 'string') this.#conf.push([keyOrMap, value!]);
    else this.#conf.push(...Object.entries(keyOrMap));
    return this;
  }
  /** Returns the active session (applying this builder's config to it) or creates one. */
  getOrCreate(): Session {
    const s = Session.active ?? new Session(this.#appName);
    for (const [k, v] of this.#conf) s.conf.set(k, v);
    Session.active = s;
    return s;
  }
  create(): Session {
    const s = new Session(this.#appName);
    for (const [k, v] of this.#conf) s.conf.set(k, v);
    return s;
  }
}

export class Session {
  /** The session getOrCreate() returns; cleared by stop(). */
  static active: Session | undefined;

  static builder(): SessionBuilder {
    return new SessionBuilder();
  }

  readonly appName: string;
  readonly conf: RuntimeConfig;
  readonly cacheManager = new CacheManager();
  readonly streams = new StreamingQueryManager();
  /** The tables `table(name)` reads: memory sinks and `table` sinks (Spark's Catalog). */
  readonly catalog: Catalog = new Catalog(this);
  /** Where show() and printSchema() write; console.log unless replaced. */
  logger: (text: string) => void = (t) => console.log(t);

  constructor(appName = 'rivulet', conf = new RuntimeConfig()) {
    this.appName = appName;
    this.conf = conf;
  }

  /** A session sharing the engine but with its own configuration (Spark's newSession). */
  newSession(): Session {
    const s = new Session(this.appName, this.conf.copy());
    s.logger = this.logger;
    return s;
  }

  /**
   * A static DataFrame from plain row objects (or positional arrays). The schema is inferred
   * when absent, as Spark does; values are validated against it (errors name row and column).
   */
  createDataFrame(rows: readonly unknown[], schema?: StructType | string | readonly string[]): DataFrame {
    let struct: StructType;
    if (schema === undefined || Array.isArray(schema)) {
      const names = schema as readonly string[] | undefined;
      const objects = rows.map((r) => (Array.isArray(r) && names ? Object.fromEntries(names.map((n, i) => [n, r[i]])) : r)) as Record<string, unknown>[];
      struct = inferSchema(objects);
      return new DataFrame(this, B.localRelation(struct, validateRows(objects, struct)));
    }
    struct = typeof schema === 'string' ? parseDDLSchema(schema) : (schema as StructType);
    return new DataFrame(this, B.localRelation(struct, validateRows(rows, struct)));
  }

  /** `spark.range(start, end, step)`: a single `id` column of longs. */
  range(start: number, end?: number, step = 1): DataFrame {
    const [from, to] = end === undefined ? [0, start] : [start, end];
    const rows: unknown[][] = [];
    for (let i = from; step > 0 ? i < to : i > to; i += step) rows.push([i]);
    return new DataFrame(this, B.localRelation({ type: 'struct', fields: [{ name: 'id', type: toDataType('long'), nullable: false, metadata: {} }] }, rows));
  }

  get readStream(): DataStreamReader {
    return new DataStreamReader(this);
  }

  /** Spark's MemoryStream: a stream fed by `addData(rows)`; `toDF()` gives the streaming DataFrame. */
  memoryStream(schema: StructType | string): SessionMemoryStream {
    const struct = typeof schema === 'string' ? parseDDLSchema(schema) : schema;
    return new SessionMemoryStream(this, struct);
  }

  /**
   * A batch DataFrame over a table's current contents: a memory sink's (append: every row so
   * far; complete: the last result; update: the latest row per key) or a `table` sink's
   * committed rows (see `catalog.createTable` for a table written before this session).
   */
  table(name: string): DataFrame {
    const table = this.catalog.lookup(name);
    if (!table || !table.output) {
      throw new RivuletError('TABLE_OR_VIEW_NOT_FOUND', `The table or view \`${name}\` cannot be found.`, { parameters: { relationName: name } });
    }
    return new DataFrame(this, { node: 'LocalRelation', id: newPlanId(), output: table.output, rows: table.tableRows() });
  }

  /** @internal A DataFrame over an already-analyzed plan (micro-batch outputs). */
  dataFrameOf(plan: LogicalPlan): DataFrame {
    return new DataFrame(this, plan, plan);
  }

  /** @internal Makes `table(name)` read `table` (a memory sink or a table sink's contents). */
  registerTable(name: string, table: CatalogTable): void {
    this.catalog.register(name, table);
  }

  analyzerOptions(): AnalyzerOptions {
    return { caseSensitive: this.conf.getBoolean('rivulet.sql.caseSensitive'), timeZone: this.conf.getString('rivulet.sql.session.timeZone') };
  }

  compileOptions(): CompileOptions {
    return { timeZone: this.conf.getString('rivulet.sql.session.timeZone'), ansi: this.conf.getBoolean('rivulet.sql.ansi.enabled') };
  }

  log(text: string): void {
    this.logger(text);
  }

  async stop(): Promise<void> {
    await this.streams.stopAll();
    this.cacheManager.clear();
    if (Session.active === this) Session.active = undefined;
  }
}

/** A MemoryStream bound to a session, so `toDF()` can build the streaming DataFrame. */
export class SessionMemoryStream extends MemoryStream {
  readonly #session: Session;
  constructor(session: Session, schema: StructType) {
    super(schema);
    this.#session = session;
  }
  toDF(): DataFrame {
    return streamingDataFrame(this.#session, 'memory', { id: this.id }, this.schema);
  }
}
