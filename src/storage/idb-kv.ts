/**
 * The IndexedDB KV backend (through `idb`), for browsers and workers: one object store of string
 * keys to string values. Importing this module touches no browser global, so it loads in Node
 * and edge runtimes too; only opening a store needs `indexedDB`.
 *
 * Durability. Batches default to `{ durability: 'relaxed' }`: the browser reports a transaction
 * complete once the OS has the data, without waiting for a flush to disk. What that can lose:
 * - Atomicity is unchanged: a batch is all or nothing either way.
 * - A crash of the tab, the worker or the whole browser loses nothing: the OS already has it.
 * - An OS crash or power loss can lose the latest transactions. The spec promises no order, but
 *   the engines behind IndexedDB (Chromium's and Firefox's) write one ordered log, so in practice
 *   a suffix is lost: the checkpoint looks as it did a few batches ago (offsets L, commit C <= L)
 *   and recovery re-runs from there. That is exactly-once for sinks that die with the machine's
 *   state (memory, console, a foreachBatch updating the page). For an external sink keyed by
 *   batch id it is exactly-once when only commit N is lost (batch N re-runs with the same logged
 *   offsets), but NOT when offsets N is lost too: N is then planned afresh, possibly over more
 *   input, and the sink drops it as a duplicate. Queries whose output leaves the machine should
 *   open their checkpoint with `{ durability: 'strict' }`, which flushes before completing.
 */
import { deleteDB, openDB, unwrap, type IDBPDatabase } from 'idb';
import { RivuletError } from '../errors.js';
import type { KVOperation, KVRange, KVStore, KVWriteOptions } from './kv.js';
import { assertKVOperations, rangeLimit } from './memory-kv.js';

export interface IdbKVOptions {
  /** 'relaxed' (default) or 'strict': see the header for what relaxed can lose. */
  readonly durability?: 'relaxed' | 'strict';
}

// A scan reads at most this many entries per transaction: a transaction cannot stay open while the
// consumer awaits other work, and chunks keep memory bounded. Each chunk is one consistent read;
// the next resumes after the last key yielded.
const CHUNK = 512;

function indexedDBOrThrow(database: string): IDBFactory {
  const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (factory === undefined) {
    throw new RivuletError(
      'STORAGE_UNAVAILABLE',
      `IndexedDB is not available in this runtime, so the checkpoint location 'idb://${database}' cannot be opened: ` +
        "use a 'memory://' location here, or a LevelDB directory path under Node (rivulet/node).",
      { parameters: { location: `idb://${database}` } },
    );
  }
  return factory;
}

/** Key range for one chunk: the caller's bounds, narrowed past the last key already yielded. */
function keyRange(range: KVRange, last: string | undefined): IDBKeyRange | null | 'empty' {
  let lower = range.gte;
  let lowerOpen = false;
  let upper = range.lt;
  if (last !== undefined) {
    if (range.reverse) upper = upper === undefined || last < upper ? last : upper;
    else if (lower === undefined || last >= lower) [lower, lowerOpen] = [last, true];
  }
  if (lower !== undefined && upper !== undefined) {
    // IDBKeyRange.bound throws on an empty interval; an empty range is simply no entries.
    return lower < upper ? IDBKeyRange.bound(lower, upper, lowerOpen, true) : 'empty';
  }
  if (lower !== undefined) return IDBKeyRange.lowerBound(lower, lowerOpen);
  if (upper !== undefined) return IDBKeyRange.upperBound(upper, true);
  return null;
}

class IdbKV implements KVStore {
  readonly #db: IDBPDatabase;
  readonly #store: string;
  readonly #label: string;
  readonly #durability: 'relaxed' | 'strict';

  constructor(db: IDBPDatabase, store: string, durability: 'relaxed' | 'strict') {
    this.#db = db;
    this.#store = store;
    this.#label = `idb://${db.name}/${store}`;
    this.#durability = durability;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#db.get(this.#store, key)) as string | undefined;
  }

  async batch(ops: readonly KVOperation[], options: KVWriteOptions = {}): Promise<void> {
    assertKVOperations(ops, this.#label);
    if (ops.length === 0) return;
    const tx = this.#db.transaction(this.#store, 'readwrite', { durability: options.durability ?? this.#durability });
    // Raw requests: a failing one aborts the transaction (reported once, by tx.done) instead of
    // leaving a rejected promise per request.
    const store = unwrap(tx.objectStore(this.#store));
    try {
      for (const op of ops) {
        if (op.type === 'put') store.put(op.value, op.key);
        else store.delete(op.key);
      }
    } catch (cause) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw this.#writeFailed(cause);
    }
    try {
      await tx.done;
    } catch (cause) {
      throw this.#writeFailed(cause);
    }
  }

  async *entries(range: KVRange = {}): AsyncIterable<readonly [string, string]> {
    let remaining = rangeLimit(range);
    let last: string | undefined;
    while (remaining > 0) {
      const query = keyRange(range, last);
      if (query === 'empty') return;
      const chunk = await this.#chunk(query, range.reverse === true, Math.min(remaining, CHUNK));
      if (chunk.length === 0) return;
      for (const entry of chunk) yield entry;
      remaining -= chunk.length;
      last = (chunk[chunk.length - 1] as readonly [string, string])[0];
    }
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  async #chunk(query: IDBKeyRange | null, reverse: boolean, n: number): Promise<(readonly [string, string])[]> {
    const tx = this.#db.transaction(this.#store, 'readonly');
    if (!reverse) {
      // Two bulk reads in one transaction see the same data, and are far faster than a cursor.
      const [keys, values] = await Promise.all([tx.store.getAllKeys(query, n), tx.store.getAll(query, n), tx.done]);
      return keys.map((k, i) => [k as string, values[i] as string] as const);
    }
    const out: (readonly [string, string])[] = [];
    let cursor = await tx.store.openCursor(query, 'prev');
    while (cursor !== null && out.length < n) {
      out.push([cursor.key as string, cursor.value as string]);
      cursor = out.length < n ? await cursor.continue() : null;
    }
    await tx.done;
    return out;
  }

  #writeFailed(cause: unknown): RivuletError {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    return new RivuletError('STORAGE_WRITE_FAILED', `A batch for the store '${this.#label}' was not written (${detail}).`, {
      cause,
      parameters: { store: this.#label },
    });
  }
}

/**
 * Opens (creating when missing) the object store `store` of the IndexedDB database `database`.
 * A database gains a store through a version upgrade, so opening a new store in a database that
 * another open connection holds waits until that connection closes.
 */
export async function openIdbKV(database: string, store = 'kv', options: IdbKVOptions = {}): Promise<KVStore> {
  indexedDBOrThrow(database);
  const create = (db: IDBPDatabase): void => {
    if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
  };
  try {
    let db = await openDB(database, undefined, { upgrade: create });
    if (!db.objectStoreNames.contains(store)) {
      const version = db.version + 1;
      db.close();
      db = await openDB(database, version, { upgrade: create });
    }
    return new IdbKV(db, store, options.durability ?? 'relaxed');
  } catch (cause) {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    throw new RivuletError('STORAGE_UNAVAILABLE', `The checkpoint location 'idb://${database}' could not be opened (${detail}).`, {
      cause,
      parameters: { location: `idb://${database}` },
    });
  }
}

/** Deletes the whole database (every store in it); it must not be open. */
export async function deleteIdbKV(database: string): Promise<void> {
  indexedDBOrThrow(database);
  await deleteDB(database);
}
