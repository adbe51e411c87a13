/**
 * The in-memory KV backend: a Map for point reads plus a sorted key array, so a range scan is a
 * binary search and a slice (O(log n + k)). It persists only within the process: a named store
 * (`memory://name` checkpoints) is kept in a process-global registry, so a query can stop and
 * restart against the same data; nothing survives the process.
 *
 * Also home to the checks every backend shares (operation validation, range limits), so the
 * three backends reject exactly the same inputs.
 */
import { RivuletError } from '../errors.js';
import type { KVCapabilities, KVOperation, KVRange, KVStore } from './kv.js';

export const MEMORY_KV_CAPABILITIES: KVCapabilities = { persistent: false };

/**
 * Throws STORAGE_INVALID_OPERATION for the first malformed operation. Backends call it before
 * writing anything, which is what makes a rejected batch write nothing on every backend.
 */
export function assertKVOperations(ops: readonly KVOperation[], store: string): void {
  if (!Array.isArray(ops)) {
    throw new RivuletError('STORAGE_INVALID_OPERATION', `A batch for the store '${store}' must be an array of operations.`, { parameters: { store } });
  }
  ops.forEach((op: unknown, i) => {
    const o = op as { type?: unknown; key?: unknown; value?: unknown } | null;
    const problem =
      typeof o !== 'object' || o === null
        ? 'is not an object'
        : o.type !== 'put' && o.type !== 'del'
          ? `has type ${JSON.stringify(o.type)}, expected 'put' or 'del'`
          : typeof o.key !== 'string'
            ? `has a ${typeof o.key} key, expected a string`
            : o.type === 'put' && typeof o.value !== 'string'
              ? `puts a ${o.value === null ? 'null' : typeof o.value} value for the key '${o.key}', expected a string`
              : undefined;
    if (problem !== undefined) {
      throw new RivuletError('STORAGE_INVALID_OPERATION', `Operation ${i} of a batch for the store '${store}' ${problem}; nothing was written.`, {
        parameters: { store, index: String(i) },
      });
    }
  });
}

/** The number of entries a range may return: Infinity when unlimited, never negative. */
export function rangeLimit(range: KVRange): number {
  const { limit } = range;
  return limit === undefined || Number.isNaN(limit) ? Infinity : Math.max(0, Math.floor(limit));
}

// Chunks bound how long a scan holds a consistent view and how much it copies at once; each chunk
// is read at one instant, and a scan resumes after the last key it yielded, so keys written or
// deleted mid-scan never make it repeat or skip a key that existed throughout.
const CHUNK = 512;

/** First index whose key is >= `key` (or > `key` when `after`). */
function search(keys: readonly string[], key: string, after: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid] as string;
    if (k < key || (after && k === key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class MemoryKV implements KVStore {
  readonly #name: string;
  readonly #values = new Map<string, string>();
  // Kept sorted by UTF-16 code units (JS `<`), the order IndexedDB uses.
  #keys: string[] = [];

  constructor(name: string) {
    this.#name = name;
  }

  async get(key: string): Promise<string | undefined> {
    return this.#values.get(key);
  }

  async batch(ops: readonly KVOperation[]): Promise<void> {
    assertKVOperations(ops, this.#name);
    // Applied synchronously before the first await: concurrent batches cannot interleave.
    const wasPresent = new Map<string, boolean>();
    for (const op of ops) {
      if (!wasPresent.has(op.key)) wasPresent.set(op.key, this.#values.has(op.key));
      if (op.type === 'put') this.#values.set(op.key, op.value);
      else this.#values.delete(op.key);
    }
    const added: string[] = [];
    const removed: string[] = [];
    for (const [key, was] of wasPresent) {
      const now = this.#values.has(key);
      if (now && !was) added.push(key);
      else if (was && !now) removed.push(key);
    }
    // A few changed keys: splice each in place. Many: one filter, or one sort of the (mostly
    // sorted) array, is cheaper.
    if (removed.length <= 32) {
      for (const k of removed) this.#keys.splice(search(this.#keys, k, false), 1);
    } else {
      this.#keys = this.#keys.filter((k) => this.#values.has(k));
    }
    if (added.length <= 32) {
      for (const k of added) this.#keys.splice(search(this.#keys, k, false), 0, k);
    } else if (added.length > 0) {
      this.#keys = this.#keys.concat(added).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
  }

  async *entries(range: KVRange = {}): AsyncIterable<readonly [string, string]> {
    let remaining = rangeLimit(range);
    let last: string | undefined;
    while (remaining > 0) {
      const chunk = this.#chunk(range, last, Math.min(remaining, CHUNK));
      if (chunk.length === 0) return;
      for (const entry of chunk) yield entry;
      remaining -= chunk.length;
      last = (chunk[chunk.length - 1] as readonly [string, string])[0];
    }
  }

  async close(): Promise<void> {
    // Nothing to release: the data lives as long as the registry (or a caller) holds the store.
  }

  #chunk(range: KVRange, last: string | undefined, n: number): (readonly [string, string])[] {
    const keys = this.#keys;
    let lo = range.gte === undefined ? 0 : search(keys, range.gte, false);
    let hi = range.lt === undefined ? keys.length : search(keys, range.lt, false);
    if (last !== undefined) {
      if (range.reverse) hi = Math.min(hi, search(keys, last, false));
      else lo = Math.max(lo, search(keys, last, true));
    }
    if (lo >= hi) return [];
    const slice = range.reverse ? keys.slice(Math.max(lo, hi - n), hi).reverse() : keys.slice(lo, Math.min(hi, lo + n));
    return slice.map((k) => [k, this.#values.get(k) as string] as const);
  }
}

const registry = new Map<string, MemoryKV>();

/**
 * An in-memory store. With a `name`, every call in this process returns the same store, so
 * `memory://name` checkpoints survive a query's stop() and restart; without one, a private store.
 */
export function memoryKV(name?: string): KVStore {
  if (name === undefined) return new MemoryKV('memory');
  let store = registry.get(name);
  if (store === undefined) {
    store = new MemoryKV(`memory://${name}`);
    registry.set(name, store);
  }
  return store;
}

/** Forgets the named store, so the next memoryKV(name) starts empty. Returns whether it existed. */
export function deleteMemoryKV(name: string): boolean {
  return registry.delete(name);
}
