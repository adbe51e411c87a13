/**
 * Checkpoint logs (Spark's OffsetSeqLog and CommitLog), written in the micro-batch protocol's
 * order (DESIGN.md):
 *   1. offsets/N  — the source end offsets of batch N, plus the watermark, batch timestamp and
 *                   conf it runs with. Written BEFORE the batch runs (write-ahead).
 *   2. the batch runs, the sink stores it under id N, state stores commit version N.
 *   3. commits/N  — the batch is done. Written AFTER the sink and the state.
 * Recovery: last offsets L, last commit C. C == L: continue with L + 1. C == L - 1: re-run L with
 * exactly the logged offsets, watermark and timestamp.
 * Each entry carries a format version (`v`); an unknown version is a CHECKPOINT_VERSION_UNSUPPORTED
 * error, never silently read.
 */
import { RivuletError } from '../errors.js';
import type { Offset } from '../sources/source.js';
import { MemoryStateBackend, type StateBackend } from '../state/state-store.js';

export const OFFSET_LOG_VERSION = 1;
export const COMMIT_LOG_VERSION = 1;

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

export interface QueryMetadata {
  readonly v: number;
  readonly id: string;
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
  getMetadata(): Promise<QueryMetadata | undefined>;
  setMetadata(m: QueryMetadata): Promise<void>;
}

export function checkVersion(kind: string, key: string, v: unknown, max: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new RivuletError('CHECKPOINT_CORRUPT', `The ${kind} entry ${key} has no valid format version.`);
  }
  if (v > max) {
    throw new RivuletError(
      'CHECKPOINT_VERSION_UNSUPPORTED',
      `The ${kind} entry ${key} has format version v${v}, but this rivulet supports up to v${max}. It was written by a newer rivulet; upgrade to read it.`,
    );
  }
}

class MemoryLog<T extends { v: number }> implements MetadataLog<T> {
  readonly #entries = new Map<number, string>();
  constructor(
    readonly kind: string,
    readonly maxVersion: number,
  ) {}
  async add(batchId: number, entry: T): Promise<boolean> {
    if (this.#entries.has(batchId)) return false;
    // Stored serialised, as a durable backend would, so no caller can mutate a logged entry.
    this.#entries.set(batchId, JSON.stringify(entry));
    return true;
  }
  async get(batchId: number): Promise<T | undefined> {
    const s = this.#entries.get(batchId);
    if (s === undefined) return undefined;
    const e = JSON.parse(s) as T;
    checkVersion(this.kind, `${this.kind}/${batchId}`, e.v, this.maxVersion);
    return e;
  }
  async getLatest(): Promise<{ batchId: number; entry: T } | undefined> {
    if (this.#entries.size === 0) return undefined;
    const batchId = Math.max(...this.#entries.keys());
    return { batchId, entry: (await this.get(batchId))! };
  }
  async purge(thresholdBatchId: number): Promise<void> {
    for (const k of [...this.#entries.keys()]) if (k < thresholdBatchId) this.#entries.delete(k);
  }
}

export class MemoryCheckpoint implements Checkpoint {
  readonly offsets: MetadataLog<OffsetSeq> = new MemoryLog<OffsetSeq>('offsets', OFFSET_LOG_VERSION);
  readonly commits: MetadataLog<CommitMetadata> = new MemoryLog<CommitMetadata>('commits', COMMIT_LOG_VERSION);
  readonly state: StateBackend = new MemoryStateBackend();
  #metadata: QueryMetadata | undefined;
  constructor(readonly location: string) {}
  async getMetadata(): Promise<QueryMetadata | undefined> {
    return this.#metadata;
  }
  async setMetadata(m: QueryMetadata): Promise<void> {
    this.#metadata = m;
  }
}

// memory:// checkpoints live for the whole process and survive stop() (API.md).
const memoryCheckpoints = new Map<string, MemoryCheckpoint>();
let tempCounter = 0;

/** Opens the checkpoint at `location`; without one, a fresh temporary in-memory checkpoint. */
export function openCheckpoint(location: string | undefined): Checkpoint {
  if (location === undefined) return new MemoryCheckpoint(`memory://temporary-${++tempCounter}`);
  const m = /^memory:\/\/(.+)$/.exec(location);
  if (m) {
    let cp = memoryCheckpoints.get(m[1]!);
    if (!cp) memoryCheckpoints.set(m[1]!, (cp = new MemoryCheckpoint(location)));
    return cp;
  }
  throw new RivuletError(
    'INVALID_CHECKPOINT_LOCATION',
    `Unsupported checkpointLocation '${location}': this build supports memory://<name> (level:// and idb:// arrive with durable state).`,
    { parameters: { option: 'checkpointLocation' } },
  );
}
