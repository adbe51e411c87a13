/**
 * The `table` sink (Spark's `DataStreamWriter.toTable`): an exactly-once, durable table stored as
 * keys in a KV location — the query's own checkpoint location (so table and checkpoint are
 * exactly as durable as each other), or the location `option('path', url)` names. Locations are
 * checkpoint URLs (`memory://name`, `idb://db/path`, `level://path`, `?durability=`), opened
 * through checkpoint/locations.ts, so a table sharing a store with a checkpoint shares its handle.
 *
 * Layout, under `tables/<name>/`:
 *   schema                                 {schema (Spark JSON), outputMode, keyColumns},
 *                                          written once, with the table's first batch
 *   commits/<16-digit table batch id>      the commit marker {writer (query id), batchId};
 *                                          each writer keeps only its latest marker
 *   rows/<16-digit table batch id>/<6-digit chunk>
 *                                          append (and complete; and update without a
 *                                          streaming aggregation, which Spark treats as
 *                                          append): JSON arrays of at most 10,000 rows
 *   keys/<escaped canonical key>           update: the latest row per grouping key (upserts,
 *                                          never deleted)
 * Every value is framed like a checkpoint entry (version line + CRC32, entry-format.ts), and rows
 * hold rivulet's internal values (timestamps as µs, Maps, Uint8Array, NaN, structs as arrays)
 * serialised with planReplacer/planReviver, so they round-trip exactly.
 *
 * Exactly-once: `addBatch(batchId, df)` is ONE atomic `kv.batch` holding the data, the commit
 * marker (and the schema, the first time). A batch id not greater than the writer's last
 * committed one is skipped: recovery re-runs a batch the table may already hold. Table batch ids
 * are the table's own dense sequence (equal to the query's batch ids for a table one query
 * writes from its first batch), so a later query with another checkpoint appends after the
 * earlier one's rows instead of having its batches skipped. Complete mode deletes the previous
 * result's keys in that same batch.
 *
 * When the sink opens (before the first batch) it loads the table's committed contents into
 * memory, so `spark.table(name)` shows earlier runs' rows too; `close()` releases the location
 * and keeps that materialisation readable.
 */
import type { DataFrame } from '../api/dataframe.js';
import { openKVLocation, type KVLocation } from '../checkpoint/locations.js';
import { decodeText, encodeText } from '../checkpoint/entry-format.js';
import { pad } from '../checkpoint/checkpoint.js';
import { RivuletError } from '../errors.js';
import { newExprId, type AttributeExpr } from '../expr/ast.js';
import type { Row } from '../expr/registry.js';
import type { OutputMode } from '../plan/output-mode.js';
import { outputOf } from '../plan/output.js';
import { planReplacer, planReviver } from '../plan/serde.js';
import { prefixRange, type KVOperation, type KVStore, type KVWriteOptions } from '../storage/kv.js';
import { simpleString, structField, structType, typeEquals, type StructType } from '../types/data-types.js';
import { canonicalKey } from '../util/value-equality.js';
import { batchRows } from './batch-data.js';
import type { UpdateKeyColumns } from './memory-sink.js';
import type { Sink } from './sink.js';

export const TABLE_FORMAT_VERSION = 1;
/** Rows per `rows/` value. */
export const TABLE_CHUNK_ROWS = 10_000;

/** `tables/<name>/schema`. */
export interface TableSchemaEntry {
  readonly name: string;
  readonly schema: StructType;
  readonly outputMode: OutputMode;
  /** Update mode: the columns a row is upserted by ([] when every row is new). */
  readonly keyColumns: readonly string[];
}

/** `tables/<name>/commits/<table batch id>`. */
interface CommitEntry {
  /** The query (checkpoint) id that wrote the batch. */
  readonly writer: string;
  /** The writer's batch id. */
  readonly batchId: number;
}

/** Throws unless `name` can be a table name (it becomes a key prefix). */
export function checkTableName(name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('/') || [...name].some((c) => c.charCodeAt(0) < 0x20)) {
    throw new RivuletError('INVALID_TABLE_NAME', `Invalid table name ${JSON.stringify(name)}: a table name is non-empty and has no '/' or control character.`, {
      parameters: { tableName: String(name) },
    });
  }
}

const base = (name: string) => `tables/${name}/`;

// Rows hold internal values: planReplacer covers Maps, binary and non-finite numbers; -0 and
// bigint (accepted for longs) are added here. planReviver reads all of them back.
function rowReplacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (typeof raw === 'bigint') return Number(raw);
  if (Object.is(raw, -0)) return { $num: '-0' };
  return planReplacer.call(this, key, value);
}

const encodeJson = (value: unknown): string => encodeText(TABLE_FORMAT_VERSION, JSON.stringify(value, rowReplacer));

function decodeJson<T>(key: string, text: string): T {
  const { json } = decodeText(key, text, TABLE_FORMAT_VERSION);
  try {
    return JSON.parse(json, planReviver) as T;
  } catch (cause) {
    throw new RivuletError('CHECKPOINT_CORRUPT', `The table entry '${key}' is not valid JSON.`, { cause, parameters: { key } });
  }
}

/** A canonical key as printable ASCII (LevelDB's and IndexedDB's key orders agree on it). */
function keyPart(values: readonly unknown[]): string {
  return canonicalKey(values).replace(/[^\x21-\x7e]|%/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The committed contents of one table, held in memory: what `spark.table(name)` reads. Append
 * and complete rows come in batch order; update rows in key order.
 */
export class TableData {
  readonly output: readonly AttributeExpr[];
  /** `rows/` values in key order. */
  #chunks: { key: string; rows: readonly Row[] }[] = [];
  /** `keys/` entries: storage key → latest row. */
  readonly #keyed = new Map<string, Row>();
  #sortedKeyed: Row[] | undefined;

  constructor(
    readonly name: string,
    /** The location URL without its query. */
    readonly location: string,
    readonly entry: TableSchemaEntry,
  ) {
    this.output = entry.schema.fields.map((f) => ({
      kind: 'attr',
      id: newExprId(),
      name: f.name,
      dataType: f.type,
      nullable: f.nullable,
      ...(Object.keys(f.metadata).length > 0 ? { metadata: { ...f.metadata } } : {}),
    }));
  }

  get outputMode(): OutputMode {
    return this.entry.outputMode;
  }

  tableRows(): Row[] {
    const rows = this.#chunks.flatMap((c) => c.rows);
    if (this.#keyed.size === 0) return rows;
    this.#sortedKeyed ??= [...this.#keyed.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, r]) => r);
    return [...rows, ...this.#sortedKeyed];
  }

  /** @internal The keys of every stored row (complete mode replaces them). */
  dataKeys(): string[] {
    return [...this.#chunks.map((c) => c.key), ...this.#keyed.keys()];
  }

  /** @internal */
  addChunk(key: string, rows: readonly Row[]): void {
    this.#chunks.push({ key, rows });
  }

  /** @internal */
  upsert(key: string, row: Row): void {
    this.#keyed.set(key, row);
    this.#sortedKeyed = undefined;
  }

  /** @internal */
  clear(): void {
    this.#chunks = [];
    this.#keyed.clear();
    this.#sortedKeyed = undefined;
  }
}

interface StoredTable {
  readonly entry: TableSchemaEntry | undefined;
  /** Commit markers, by table batch id ascending (at most one per writer). */
  readonly commits: { readonly tableBatch: number; readonly key: string; readonly commit: CommitEntry }[];
  readonly chunks: { readonly key: string; readonly rows: readonly Row[] }[];
  readonly keyed: readonly (readonly [string, Row])[];
}

async function readStored(kv: KVStore, name: string): Promise<StoredTable> {
  const b = base(name);
  const schemaKey = `${b}schema`;
  const text = await kv.get(schemaKey);
  const entry = text === undefined ? undefined : decodeJson<TableSchemaEntry>(schemaKey, text);
  const commits: StoredTable['commits'][number][] = [];
  for await (const [key, value] of kv.entries(prefixRange(`${b}commits/`))) {
    commits.push({ tableBatch: Number(key.slice(b.length + 'commits/'.length)), key, commit: decodeJson<CommitEntry>(key, value) });
  }
  const chunks: { key: string; rows: Row[] }[] = [];
  for await (const [key, value] of kv.entries(prefixRange(`${b}rows/`))) chunks.push({ key, rows: decodeJson<Row[]>(key, value) });
  const keyed: [string, Row][] = [];
  for await (const [key, value] of kv.entries(prefixRange(`${b}keys/`))) keyed.push([key, decodeJson<Row>(key, value)]);
  return { entry, commits, chunks, keyed };
}

function materialise(name: string, location: string, stored: StoredTable & { entry: TableSchemaEntry }): TableData {
  const table = new TableData(name, location, stored.entry);
  for (const c of stored.chunks) table.addChunk(c.key, c.rows);
  for (const [k, r] of stored.keyed) table.upsert(k, r);
  return table;
}

// Sinks writing a table now, per `location|name`: one writer at a time in a process.
const activeWriters = new Map<string, TableSink>();

/**
 * Loads the table `name` stored at location `url` (`spark.catalog.createTable`): the live
 * contents when a query in this process is writing it, else what the location holds; undefined
 * when no such table is stored there.
 */
export async function loadTable(url: string, name: string, optionName = 'path'): Promise<TableData | undefined> {
  checkTableName(name);
  const loc = await openKVLocation(url, optionName);
  try {
    const live = activeWriters.get(`${loc.location}|${name}`)?.table;
    if (live) return live;
    const stored = await readStored(loc.kv, name);
    return stored.entry ? materialise(name, loc.location, { ...stored, entry: stored.entry }) : undefined;
  } finally {
    await loc.release();
  }
}

/** A sink's writer: its id and its last committed marker. */
interface Writer {
  readonly id: string;
  last: { readonly batchId: number; readonly key: string } | undefined;
}

export interface TableSinkOptions {
  readonly name: string;
  /** The location URL (`path`, else the checkpoint location); `?durability=` allowed. */
  readonly location: string;
  /** The option `location` came from, named in errors. */
  readonly locationOption?: string;
  /** The query's checkpoint location, to know whether the table shares its store. */
  readonly checkpointLocation?: string;
  readonly outputMode: OutputMode;
  /** The query's output; learned from the first batch when absent. */
  readonly output?: readonly AttributeExpr[];
  /** Update mode: the query's key columns (from `updateKeyColumns`). */
  readonly keys?: UpdateKeyColumns;
  /** The writing query's id (stable across restarts on its checkpoint); read at the first batch. */
  readonly writerId?: () => string | undefined;
}

export class TableSink implements Sink {
  readonly description: string;
  readonly #options: TableSinkOptions;
  #opening: Promise<void> | undefined;
  #loc: KVLocation | undefined;
  #table: TableData | undefined;
  #schemaWritten = false;
  #lastTableBatch = -1;
  #commits: StoredTable['commits'][number][] = [];
  /** This writer: its id and last committed marker (resolved at the first batch). */
  #writer: Writer | undefined;
  #writeOptions: KVWriteOptions = {};
  #closed = false;

  constructor(options: TableSinkOptions) {
    checkTableName(options.name);
    this.#options = options;
    this.description = `TableSink[${options.name}]`;
    if (options.outputMode === 'update' && options.keys?.missing !== undefined) {
      throw new RivuletError(
        'TABLE_KEY_COLUMN_MISSING',
        `The table \`${options.name}\` is written in update mode, which keeps the latest row per grouping key, but the query's output has no column \`${options.keys.missing}\` for the grouping key. Select it, or use append or complete mode.`,
        { parameters: { tableName: options.name, column: options.keys.missing } },
      );
    }
  }

  get name(): string {
    return this.#options.name;
  }

  /** The table's committed contents (undefined before the schema is known). */
  get table(): TableData | undefined {
    return this.#table;
  }

  /**
   * Opens the location, checks the query's schema against a stored table and loads its
   * contents. Idempotent; `addBatch` opens too.
   */
  open(): Promise<void> {
    this.#opening ??= this.#open().catch(async (e: unknown) => {
      await this.close();
      throw e;
    });
    return this.#opening;
  }

  async #open(): Promise<void> {
    const o = this.#options;
    const loc = await openKVLocation(o.location, o.locationOption ?? 'path');
    this.#loc = loc;
    const key = `${loc.location}|${o.name}`;
    if (activeWriters.has(key)) {
      throw new RivuletError('CONCURRENT_TABLE_WRITE', `The table \`${o.name}\` at ${loc.location} is being written by another active query; stop it first.`, {
        parameters: { tableName: o.name },
      });
    }
    activeWriters.set(key, this);
    // A table in the checkpoint's store inherits the checkpoint's durability: its batch N lands
    // after offsets entry N and before commit N in one store. In another store it is flushed by
    // default, so a commit N that survives an OS crash never outlives the table's batch N.
    const sameStore = o.checkpointLocation !== undefined && stripQuery(o.checkpointLocation) === loc.location;
    if (loc.durability === 'strict' || (loc.durability === 'default' && !sameStore)) this.#writeOptions = { durability: 'strict' };
    else if (loc.durability === 'relaxed') this.#writeOptions = { durability: 'relaxed' };
    const stored = await readStored(loc.kv, o.name);
    this.#commits = stored.commits;
    this.#lastTableBatch = stored.commits.at(-1)?.tableBatch ?? -1;
    if (stored.entry) {
      if (o.output) checkCompatible(o.name, stored.entry, this.#entryFor(o.output));
      this.#table = materialise(o.name, loc.location, { ...stored, entry: stored.entry });
      this.#schemaWritten = true;
    } else if (o.output) {
      this.#table = new TableData(o.name, loc.location, this.#entryFor(o.output));
    }
  }

  #entryFor(output: readonly AttributeExpr[]): TableSchemaEntry {
    const o = this.#options;
    return {
      name: o.name,
      schema: structType(output.map((a) => structField(a.name, a.dataType, a.nullable, a.metadata ? { ...a.metadata } : {}))),
      outputMode: o.outputMode,
      keyColumns: o.outputMode === 'update' && o.keys ? [...o.keys.names] : [],
    };
  }

  async addBatch(batchId: number, data: DataFrame): Promise<void> {
    await this.open();
    if (this.#closed) throw new RivuletError('TABLE_SINK_CLOSED', `The sink of table \`${this.name}\` is closed.`);
    const writer = this.#resolveWriter();
    if (writer.last && batchId <= writer.last.batchId) return;
    const o = this.#options;
    const entry = this.#entryFor(outputOf(data.plan));
    this.#table ??= new TableData(o.name, this.#loc!.location, entry);
    const table = this.#table;
    checkCompatible(o.name, table.entry, entry);
    const rows = batchRows(data);
    const b = base(o.name);
    const tableBatch = this.#lastTableBatch + 1;
    const ops: KVOperation[] = [];
    const chunks: { key: string; rows: readonly Row[] }[] = [];
    const upserts: [string, Row][] = [];
    const keyOrdinals = o.keys?.ordinals ?? [];
    if (table.outputMode === 'complete') for (const key of table.dataKeys()) ops.push({ type: 'del', key });
    if (table.outputMode === 'update' && table.entry.keyColumns.length > 0) {
      for (const r of rows) {
        const key = `${b}keys/${keyPart(keyOrdinals.map((i) => r[i]))}`;
        upserts.push([key, r]);
        ops.push({ type: 'put', key, value: encodeJson(r) });
      }
    } else {
      for (let i = 0; i * TABLE_CHUNK_ROWS < rows.length; i++) {
        const key = `${b}rows/${pad(tableBatch)}/${String(i).padStart(6, '0')}`;
        const part = rows.slice(i * TABLE_CHUNK_ROWS, (i + 1) * TABLE_CHUNK_ROWS);
        chunks.push({ key, rows: part });
        ops.push({ type: 'put', key, value: encodeJson(part) });
      }
    }
    if (!this.#schemaWritten) ops.push({ type: 'put', key: `${b}schema`, value: encodeJson(table.entry) });
    const commitKey = `${b}commits/${pad(tableBatch)}`;
    const commit: CommitEntry = { writer: writer.id, batchId };
    ops.push({ type: 'put', key: commitKey, value: encodeJson(commit) });
    if (writer.last) ops.push({ type: 'del', key: writer.last.key });
    await this.#loc!.kv.batch(ops, this.#writeOptions);
    // Committed: now the in-memory view follows.
    this.#schemaWritten = true;
    this.#lastTableBatch = tableBatch;
    writer.last = { batchId, key: commitKey };
    if (table.outputMode === 'complete') table.clear();
    for (const c of chunks) table.addChunk(c.key, c.rows);
    for (const [k, r] of upserts) table.upsert(k, r);
  }

  #resolveWriter(): Writer {
    if (!this.#writer) {
      const id = this.#options.writerId?.() || 'default';
      const mine = [...this.#commits].reverse().find((c) => c.commit.writer === id);
      this.#writer = { id, last: mine ? { batchId: mine.commit.batchId, key: mine.key } : undefined };
    }
    return this.#writer;
  }

  /** Releases the location; the table stays readable through `table`. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const loc = this.#loc;
    if (!loc) return;
    const key = `${loc.location}|${this.#options.name}`;
    if (activeWriters.get(key) === this) activeWriters.delete(key);
    await loc.release();
  }
}

function stripQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** A query writing `query` into a table stored as `table` must match it column for column. */
function checkCompatible(name: string, table: TableSchemaEntry, query: TableSchemaEntry): void {
  const tf = table.schema.fields;
  const qf = query.schema.fields;
  const fail = (sub: string, column: string, message: string): never => {
    throw new RivuletError(`INCOMPATIBLE_DATA_FOR_TABLE.${sub}`, `Cannot write into the table \`${name}\`: ${message}`, { parameters: { tableName: name, colName: column } });
  };
  for (let i = 0; i < Math.max(tf.length, qf.length); i++) {
    const t = tf[i];
    const q = qf[i];
    if (!t) fail('EXTRA_COLUMNS', q!.name, `the query writes the extra column \`${q!.name}\`; the table's columns are ${list(tf)}.`);
    else if (!q || q.name !== t.name) fail('CANNOT_FIND_DATA', t.name, `the query has no column \`${t.name}\` at position ${i + 1}; the table's columns are ${list(tf)}, the query's ${list(qf)}.`);
    else if (!typeEquals(t.type, q.type)) {
      fail('CANNOT_SAFELY_CAST', t.name, `the column \`${t.name}\` is ${simpleString(t.type).toUpperCase()} in the table but ${simpleString(q.type).toUpperCase()} in the query.`);
    } else if (!t.nullable && q.nullable) fail('NULLABLE_COLUMN', t.name, `the column \`${t.name}\` is NOT NULL in the table but nullable in the query.`);
  }
  if (table.outputMode !== query.outputMode || table.keyColumns.join('\u0000') !== query.keyColumns.join('\u0000')) {
    const how = (e: TableSchemaEntry) => `${e.outputMode} mode${e.keyColumns.length > 0 ? ` keyed by (${e.keyColumns.join(', ')})` : ''}`;
    throw new RivuletError('INCOMPATIBLE_TABLE_OUTPUT_MODE', `Cannot write into the table \`${name}\`: it was written in ${how(table)}, this query writes in ${how(query)}.`, {
      parameters: { tableName: name },
    });
  }
}

const list = (fields: StructType['fields']) => `(${fields.map((f) => `\`${f.name}\``).join(', ')})`;
