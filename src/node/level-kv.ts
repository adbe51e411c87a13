/**
 * The LevelDB KV backend for Node (`level`, i.e. classic-level): one database directory of utf8
 * keys and values. `db.batch` is LevelDB's atomic write batch; scans are LevelDB iterators, which
 * read from an implicit snapshot, so a whole scan is one consistent view.
 *
 * Key order: LevelDB compares utf8 bytes, the contract says UTF-16 code units. The two agree for
 * every key made of BMP characters (all of rivulet's own keys); they differ only for characters
 * above U+FFFF, which sort after U+E000..U+FFFF here and before them in IndexedDB and memory, and
 * lone surrogates, which utf8 cannot carry.
 *
 * Durability: by default a write returns once the OS has it (LevelDB's `sync: false`), the same
 * trade as IndexedDB's relaxed durability (see src/storage/idb-kv.ts): a process crash loses
 * nothing, an OS crash can lose the latest writes. LevelDB appends every write to one log in
 * order, so what an OS crash loses is a suffix, and a synced write makes every earlier write
 * durable too: checkpoints sync only their offsets-log entries (`batch(ops, { durability:
 * 'strict' })`, see src/storage/idb-kv.ts for why that one). `{ durability: 'strict' }` at open
 * fsyncs every batch.
 */
import { mkdir, rm } from 'node:fs/promises';
import { Level } from 'level';
import { RivuletError } from '../errors.js';
import type { KVOperation, KVRange, KVStore, KVWriteOptions } from '../storage/kv.js';
import { assertKVOperations, rangeLimit } from '../storage/memory-kv.js';

export interface LevelKVOptions {
  /** 'relaxed' (default) or 'strict' (fsync every batch). */
  readonly durability?: 'relaxed' | 'strict';
}

const CHUNK = 512;

function describeError(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : '';
  return `${cause.message}${inner}`;
}

class LevelKV implements KVStore {
  readonly #db: Level<string, string>;
  readonly #sync: boolean;

  constructor(db: Level<string, string>, sync: boolean) {
    this.#db = db;
    this.#sync = sync;
  }

  async get(key: string): Promise<string | undefined> {
    return this.#db.get(key);
  }

  async batch(ops: readonly KVOperation[], options: KVWriteOptions = {}): Promise<void> {
    assertKVOperations(ops, this.#db.location);
    if (ops.length === 0) return;
    const sync = options.durability === undefined ? this.#sync : options.durability === 'strict';
    try {
      await this.#db.batch(ops.map((op) => ({ ...op })), { sync });
    } catch (cause) {
      throw new RivuletError('STORAGE_WRITE_FAILED', `A batch for the LevelDB store '${this.#db.location}' was not written: ${describeError(cause)}.`, {
        cause,
        parameters: { store: this.#db.location },
      });
    }
  }

  async *entries(range: KVRange = {}): AsyncIterable<readonly [string, string]> {
    const limit = rangeLimit(range);
    if (limit === 0) return;
    const it = this.#db.iterator({
      ...(range.gte === undefined ? {} : { gte: range.gte }),
      ...(range.lt === undefined ? {} : { lt: range.lt }),
      reverse: range.reverse === true,
      limit: limit === Infinity ? -1 : limit,
    });
    try {
      for (;;) {
        const chunk = await it.nextv(CHUNK);
        if (chunk.length === 0) return;
        for (const entry of chunk) yield entry;
      }
    } finally {
      await it.close();
    }
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}

/**
 * Opens (creating when missing, parents included) the LevelDB database in directory `path`.
 * LevelDB locks the directory: a second open of the same path, in this process or another, fails
 * with STORAGE_UNAVAILABLE until the first store is closed.
 */
export async function openLevelKV(path: string, options: LevelKVOptions = {}): Promise<KVStore> {
  const db = new Level<string, string>(path, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
  try {
    await mkdir(path, { recursive: true });
    await db.open();
  } catch (cause) {
    throw new RivuletError('STORAGE_UNAVAILABLE', `The LevelDB checkpoint location '${path}' could not be opened: ${describeError(cause)}.`, {
      cause,
      parameters: { location: path },
    });
  }
  return new LevelKV(db, options.durability === 'strict');
}

/** Deletes the database directory and everything in it; the store must be closed first. */
export async function destroyLevelKV(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
