/**
 * Checkpoint logs (Spark's OffsetSeqLog and CommitLog), written in the micro-batch protocol's
 * order (DESIGN.md):
 *   1. offsets/N  — the source end offsets of batch N, plus the watermark, batch timestamp and
 *                   conf it runs with. Written BEFORE the batch runs (write-ahead).
 *   2. the batch runs, the sink stores it under id N, state stores commit version N + 1
 *      (state/<op>/<partition>/delta/N+1; every minDeltasForSnapshot versions a snapshot follows
 *      in the background, see state/state-store.ts).
 *   3. commits/N  — the batch is done. Written AFTER the sink and the state.
 * Recovery: last offsets L, last commit C. C == L: continue with L + 1. C == L - 1: re-run L with
 * exactly the logged offsets, watermark and timestamp.
 * Also: metadata (query id, stateful operators), sources/<i>/0 (what source i fixes once per
 * checkpoint, e.g. the rate source's start time).
 * Every entry is framed by checkpoint/entry-format.ts (version line + checksum) and stored in
 * one key-value store (storage/kv.ts): memory, LevelDB or IndexedDB.
 */
import type { Offset } from '../sources/source.js';
import type { StateBackend } from '../state/state-store.js';
import type { KVStore } from '../storage/kv.js';
import { prefixRange } from '../storage/kv.js';
import { decodeEntry, encodeEntry } from './entry-format.js';
import { KVStateBackend } from './state-backend.js';

export const OFFSET_LOG_VERSION = 1;
export const COMMIT_LOG_VERSION = 1;
export const METADATA_VERSION = 1;
export const SOURCE_METADATA_VERSION = 1;

/** What a source fixes once per checkpoint (sources/<i>/0): see Source.initialize. */
export interface SourceMetadata {
  readonly v: number;
  /** The source's description when the entry was written, for error messages. */
  readonly description: string;
  readonly metadata: Offset;
}

export interface OffsetSeq {
  readonly v: number;
  readonly batchId: number;
  /** End offset per source, in the query's source order. */
  readonly offsets: readonly (Offset | null)[];
  readonly batchWatermarkMs: number;
  readonly batchTimestampMs: number;
  readonly conf: Readonly<Record<string, string | number | boolean>>;
}

export interface CommitMetadata {
  readonly v: number;
  readonly batchId: number;
  readonly nextBatchWatermarkMs: number;
}

/** The query's identity and shape, checked when a query restarts on the checkpoint. */
export interface QueryMetadata {
  readonly v: number;
  readonly id: string;
  /** Stateful operators (kind and key/value schema), to detect an incompatible query. */
  readonly operators?: readonly { readonly operatorId: number; readonly kind: string; readonly schema: string }[];
}

/** An append-only log of entries keyed by batch id (Spark's HDFSMetadataLog). */
export interface MetadataLog<T> {
  /** Adds entry `batchId`; returns false (and writes nothing) when it already exists. */
  add(batchId: number, entry: T): Promise<boolean>;
  get(batchId: number): Promise<T | undefined>;
  getLatest(): Promise<{ batchId: number; entry: T } | undefined>;
  /** Removes entries with id < `thresholdBatchId`. */
  purge(thresholdBatchId: number): Promise<void>;
}

export interface Checkpoint {
  readonly location: string;
  readonly offsets: MetadataLog<OffsetSeq>;
  readonly commits: MetadataLog<CommitMetadata>;
  /** Per-operator state changelogs and snapshots. */
  readonly state: StateBackend;
  /** Source `index`'s metadata log (Spark's `sources/<index>/`; entry 0 is the one used). */
  sourceMetadata(index: number): MetadataLog<SourceMetadata>;
  getMetadata(): Promise<QueryMetadata | undefined>;
  setMetadata(m: QueryMetadata): Promise<void>;
  /** Releases the storage (the data stays). */
  close(): Promise<void>;
}

/** Batch ids and versions as fixed-width keys, so key order is numeric order. */
export function pad(n: number): string {
  return String(n).padStart(16, '0');
}

class KVLog<T> implements MetadataLog<T> {
  constructor(
    readonly kv: KVStore,
    readonly prefix: string,
    readonly version: number,
    readonly durability?: 'strict' | 'relaxed',
  ) {}
  #key(batchId: number): string {
    return `${this.prefix}${pad(batchId)}`;
  }
  async add(batchId: number, entry: T): Promise<boolean> {
    const key = this.#key(batchId);
    if ((await this.kv.get(key)) !== undefined) return false;
    await this.kv.batch([{ type: 'put', key, value: encodeEntry(this.version, entry) }], this.durability ? { durability: this.durability } : {});
    return true;
  }
  async get(batchId: number): Promise<T | undefined> {
    const key = this.#key(batchId);
    const text = await this.kv.get(key);
    return text === undefined ? undefined : decodeEntry<T>(key, text, this.version).value;
  }
  async getLatest(): Promise<{ batchId: number; entry: T } | undefined> {
    for await (const [key, text] of this.kv.entries(prefixRange(this.prefix, { reverse: true, limit: 1 }))) {
      return { batchId: Number(key.slice(this.prefix.length)), entry: decodeEntry<T>(key, text, this.version).value };
    }
    return undefined;
  }
  async purge(thresholdBatchId: number): Promise<void> {
    const dels: { type: 'del'; key: string }[] = [];
    for await (const [key] of this.kv.entries({ gte: this.prefix, lt: this.#key(thresholdBatchId) })) dels.push({ type: 'del', key });
    if (dels.length > 0) await this.kv.batch(dels);
  }
}

export interface KVCheckpointOptions {
  /** How offsets-log entries are written (default 'strict'). */
  readonly offsetsDurability?: 'strict' | 'relaxed';
}

export class KVCheckpoint implements Checkpoint {
  readonly offsets: MetadataLog<OffsetSeq>;
  readonly commits: MetadataLog<CommitMetadata>;
  readonly state: StateBackend;
  constructor(
    readonly location: string,
    readonly kv: KVStore,
    options: KVCheckpointOptions = {},
    readonly onClose: () => Promise<void> = async () => undefined,
  ) {
    // The offsets-log entry is the write an external side effect (the sink's batch N) depends
    // on: flushed by default, so an OS crash never re-plans a batch a sink may already hold.
    this.offsets = new KVLog<OffsetSeq>(kv, 'offsets/', OFFSET_LOG_VERSION, options.offsetsDurability ?? 'strict');
    this.commits = new KVLog<CommitMetadata>(kv, 'commits/', COMMIT_LOG_VERSION);
    this.state = new KVStateBackend(kv);
  }
  sourceMetadata(index: number): MetadataLog<SourceMetadata> {
    return new KVLog<SourceMetadata>(this.kv, `sources/${index}/`, SOURCE_METADATA_VERSION);
  }
  async getMetadata(): Promise<QueryMetadata | undefined> {
    const text = await this.kv.get('metadata');
    return text === undefined ? undefined : decodeEntry<QueryMetadata>('metadata', text, METADATA_VERSION).value;
  }
  async setMetadata(m: QueryMetadata): Promise<void> {
    await this.kv.batch([{ type: 'put', key: 'metadata', value: encodeEntry(METADATA_VERSION, m) }]);
  }
  close(): Promise<void> {
    return this.onClose();
  }
}
