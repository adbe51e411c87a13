/**
 * The key-value contract every storage backend implements (memory, LevelDB via `level` under
 * Node, IndexedDB via `idb` in browsers and workers). Checkpoint logs and state stores are
 * built on it; nothing above this layer knows which backend it runs on.
 *
 * Keys are strings ordered by UTF-16 code units (what IndexedDB and LevelDB's utf8 encoding
 * agree on for the ASCII keys rivulet writes); values are strings (JSON text).
 * `batch` is atomic: after a crash either all of its operations are visible or none.
 */
export type KVOperation = { readonly type: 'put'; readonly key: string; readonly value: string } | { readonly type: 'del'; readonly key: string };

export interface KVRange {
  /** Inclusive lower bound. */
  readonly gte?: string;
  /** Exclusive upper bound. */
  readonly lt?: string;
  readonly reverse?: boolean;
  readonly limit?: number;
}

/**
 * Per-write options. `durability` overrides the store's default for this batch: 'strict' waits
 * until the write is flushed to disk (IndexedDB's strict transactions, LevelDB's `sync: true`),
 * 'relaxed' until the OS has it. Memory stores ignore it.
 */
export interface KVWriteOptions {
  readonly durability?: 'strict' | 'relaxed';
}

export interface KVStore {
  get(key: string): Promise<string | undefined>;
  /** Atomic multi-key write. */
  batch(ops: readonly KVOperation[], options?: KVWriteOptions): Promise<void>;
  /** Entries with keys in the range, in key order (or reverse). */
  entries(range?: KVRange): AsyncIterable<readonly [string, string]>;
  close(): Promise<void>;
}

/** What a backend can do beyond the contract, for the conformance suite's manifest. */
export interface KVCapabilities {
  /** Data survives close() and reopening the same location. */
  readonly persistent: boolean;
}

/** All keys starting with `prefix`: the range [prefix, prefix + '\uffff'). */
export function prefixRange(prefix: string, extra: Omit<KVRange, 'gte' | 'lt'> = {}): KVRange {
  return { ...extra, gte: prefix, lt: `${prefix}\uffff` };
}
