/**
 * Versioned state stores, one per stateful operator × partition (Spark's StateStore). Hot state
 * lives in a Map; each commit records only the keys changed in that batch as one changelog
 * entry (version N), so commit cost grows with keys changed, not keys held. Opening version V
 * loads the last snapshot <= V and replays later changelogs. Operators only see this interface,
 * never a storage backend.
 *
 * Snapshots are written in the background and in chunks (Spark's maintenance task):
 *  - When commit() writes version V with V % minDeltasForSnapshot === 0, the provider starts a
 *    snapshot task for (op, part, V) and commit() returns without waiting. At most one task per
 *    (op, part) runs; a version reached while one runs gets no snapshot.
 *  - The task lists the keys held at V, then writes them `chunkRows` at a time, each chunk its
 *    own storage write, yielding to the event loop in between so batches keep running. Those
 *    batches mutate the live Map, so while a task runs, the store records a key's value as of V
 *    (serialised) before its first get/put/remove (operators mutate objects returned by get()
 *    in place before put()): the task writes that copy when there is one, else the live value.
 *    Values yielded by entries() are read-only (operators never mutate them in place).
 *  - The manifest is written last: a snapshot exists only once its manifest does. Then what no
 *    version in the last `minBatchesToRetain` needs is purged, with chunks left by crashed tasks.
 *  - A failed task's error is thrown by the provider's next commit() (the query stops);
 *    close() waits for running tasks, or aborts them between chunks (leaving manifest-less
 *    chunks, which readers ignore and purge deletes).
 * Loading reads the manifest, then the chunks one at a time, so memory stays bounded by the state
 * plus one chunk.
 *
 * Storage layout (KV keys; V is 16 digits, n 6 digits; each value framed with a format version
 * line and a CRC-32 by checkpoint/entry-format.ts):
 *   state/<op>/<part>/delta/<V>                 changelog { v, puts: [[key, value]...], removes: [key...] }
 *   state/<op>/<part>/snapshot/<V>              manifest { v, version, chunks, rows }
 *   state/<op>/<part>/snapshot-chunk/<V>/<n>    chunk n: [[key, value]...], at most chunkRows pairs
 * Manifests and chunks have separate prefixes, so the newest manifest <= V is one reverse scan of
 * limit 1 that never passes over chunks. Format v1 snapshots (one `{ v: 1, entries }` value at the
 * manifest key) are still read.
 */
import { RivuletError } from '../errors.js';

/** v2: chunked snapshots with a manifest. Changelogs are unchanged since v1. */
export const STATE_FORMAT_VERSION = 2;
export const DEFAULT_SNAPSHOT_CHUNK_ROWS = 10_000;

export interface StateStoreMetrics {
  numRowsTotal: number;
  numRowsUpdated: number;
  numRowsRemoved: number;
  memoryUsedBytes: number;
  commitTimeMs: number;
}

export interface StateStore {
  readonly operatorId: number;
  readonly partition: number;
  /** The version this store was opened at (state after batch `version - 1`'s commit = version). */
  readonly version: number;
  /** The value may be mutated in place before it is put() back. */
  get(key: string): unknown;
  has(key: string): boolean;
  put(key: string, value: unknown): void;
  remove(key: string): void;
  /** Values are read-only: to change one, put() a new value (or get() it first). */
  entries(): IterableIterator<[string, unknown]>;
  readonly size: number;
  /** Persists this batch's changes as `version + 1` and returns it. */
  commit(): Promise<number>;
  readonly metrics: StateStoreMetrics;
}

/** A changelog entry: the keys a batch put (with values) and removed. */
export interface StateChangelog {
  readonly v: number;
  readonly puts: readonly (readonly [string, unknown])[];
  readonly removes: readonly string[];
}

/** The entry that makes a snapshot exist, written after all its chunks. */
export interface SnapshotManifest {
  readonly v: number;
  readonly version: number;
  readonly chunks: number;
  readonly rows: number;
}

/** The storage keys of the layout above (MemoryStateBackend and KVStateBackend both use them). */
export const stateKeys = {
  delta: (op: number, part: number, version: number): string => `state/${op}/${part}/delta/${pad16(version)}`,
  deltaPrefix: (op: number, part: number): string => `state/${op}/${part}/delta/`,
  manifest: (op: number, part: number, version: number): string => `state/${op}/${part}/snapshot/${pad16(version)}`,
  manifestPrefix: (op: number, part: number): string => `state/${op}/${part}/snapshot/`,
  chunk: (op: number, part: number, version: number, chunk: number): string => `${stateKeys.chunkPrefix(op, part)}${pad16(version)}/${String(chunk).padStart(6, '0')}`,
  chunkPrefix: (op: number, part: number): string => `state/${op}/${part}/snapshot-chunk/`,
  /** Chunk keys sort below this iff their snapshot version is < `version`. */
  chunksBelow: (op: number, part: number, version: number): string => `${stateKeys.chunkPrefix(op, part)}${pad16(version)}`,
};

function pad16(n: number): string {
  return String(n).padStart(16, '0');
}

/**
 * Where changelogs and snapshots are kept (memory, or the checkpoint's KV store). Every entry is
 * JSON text; backends frame and check it.
 */
export interface StateBackend {
  putChangelog(operatorId: number, partition: number, version: number, entry: string): Promise<void>;
  getChangelog(operatorId: number, partition: number, version: number): Promise<string | undefined>;
  /** Chunk `chunk` of the snapshot of `version`: a JSON array of [key, value] pairs. */
  putSnapshotChunk(operatorId: number, partition: number, version: number, chunk: number, rows: string): Promise<void>;
  getSnapshotChunk(operatorId: number, partition: number, version: number, chunk: number): Promise<string | undefined>;
  /** Written after every chunk of `version`: from now on the snapshot exists. */
  putSnapshotManifest(operatorId: number, partition: number, version: number, manifest: string): Promise<void>;
  /** Before a snapshot of `version` is (re)written: a re-run batch rewrites its chunks. */
  deleteSnapshotManifest(operatorId: number, partition: number, version: number): Promise<void>;
  /** The newest snapshot manifest with version <= `version`. */
  latestSnapshot(operatorId: number, partition: number, version: number): Promise<{ version: number; manifest: string } | undefined>;
  /**
   * Deletes changelogs with version <= `snapshotVersion`, and the manifests and chunks (also
   * chunks without a manifest) of snapshots older than it.
   */
  purge?(operatorId: number, partition: number, snapshotVersion: number): Promise<void>;
}

/** A StateBackend in process memory, keyed like the KV layout. */
export class MemoryStateBackend implements StateBackend {
  readonly #entries = new Map<string, string>();
  async putChangelog(op: number, part: number, version: number, entry: string): Promise<void> {
    this.#entries.set(stateKeys.delta(op, part, version), entry);
  }
  async getChangelog(op: number, part: number, version: number): Promise<string | undefined> {
    return this.#entries.get(stateKeys.delta(op, part, version));
  }
  async putSnapshotChunk(op: number, part: number, version: number, chunk: number, rows: string): Promise<void> {
    this.#entries.set(stateKeys.chunk(op, part, version, chunk), rows);
  }
  async getSnapshotChunk(op: number, part: number, version: number, chunk: number): Promise<string | undefined> {
    return this.#entries.get(stateKeys.chunk(op, part, version, chunk));
  }
  async putSnapshotManifest(op: number, part: number, version: number, manifest: string): Promise<void> {
    this.#entries.set(stateKeys.manifest(op, part, version), manifest);
  }
  async deleteSnapshotManifest(op: number, part: number, version: number): Promise<void> {
    this.#entries.delete(stateKeys.manifest(op, part, version));
  }
  async latestSnapshot(op: number, part: number, version: number): Promise<{ version: number; manifest: string } | undefined> {
    const prefix = stateKeys.manifestPrefix(op, part);
    let best: number | undefined;
    for (const key of this.#entries.keys()) {
      if (!key.startsWith(prefix)) continue;
      const v = Number(key.slice(prefix.length));
      if (v <= version && (best === undefined || v > best)) best = v;
    }
    return best === undefined ? undefined : { version: best, manifest: this.#entries.get(stateKeys.manifest(op, part, best))! };
  }
  async purge(op: number, part: number, snapshotVersion: number): Promise<void> {
    const below = (prefix: string, lt: string) => (key: string) => key.startsWith(prefix) && key < lt;
    const doomed = [
      below(stateKeys.deltaPrefix(op, part), stateKeys.delta(op, part, snapshotVersion + 1)),
      below(stateKeys.manifestPrefix(op, part), stateKeys.manifest(op, part, snapshotVersion)),
      below(stateKeys.chunkPrefix(op, part), stateKeys.chunksBelow(op, part, snapshotVersion)),
    ];
    for (const key of [...this.#entries.keys()]) if (doomed.some((d) => d(key))) this.#entries.delete(key);
  }
}

/** In a snapshot task's shadow: the key did not exist when the task started. */
const ABSENT: unique symbol = Symbol('absent');

function serialise(value: unknown): string {
  // Like JSON.stringify of an array element: undefined becomes null.
  return JSON.stringify(value) ?? 'null';
}

/** One background snapshot of (op, part) at `version`: the keys held then, and their values. */
class SnapshotTask {
  readonly keys: string[];
  /** Values as of `version` of keys changed since, serialised before their first change. */
  readonly #shadow = new Map<string, string | typeof ABSENT>();
  #running = true;
  aborted = false;
  done: Promise<void> = Promise.resolve();
  constructor(
    readonly operatorId: number,
    readonly partition: number,
    readonly version: number,
    readonly map: Map<string, unknown>,
  ) {
    this.keys = Array.from(map.keys());
  }
  /** Called by the store before it reads (for in-place mutation), changes or removes `key`. */
  capture(key: string): void {
    if (!this.#running || this.#shadow.has(key)) return;
    this.#shadow.set(key, this.map.has(key) ? serialise(this.map.get(key)) : ABSENT);
  }
  /** keys[from, to) as of `version`: JSON text of [key, value] pairs, and how many. */
  chunk(from: number, to: number): { json: string; rows: number } {
    const parts: string[] = [];
    for (let i = from; i < to; i++) {
      const key = this.keys[i]!;
      const old = this.#shadow.get(key);
      if (old === ABSENT) continue;
      parts.push(`[${JSON.stringify(key)},${old ?? serialise(this.map.get(key))}]`);
    }
    return { json: `[${parts.join(',')}]`, rows: parts.length };
  }
  finish(): void {
    this.#running = false;
    this.#shadow.clear();
    this.keys.length = 0;
  }
}

class VersionedStore implements StateStore {
  readonly #map: Map<string, unknown>;
  readonly #puts = new Map<string, unknown>();
  readonly #removes = new Set<string>();
  // Spark counts every key written and every key removed in the batch, even one key both ways.
  readonly #updated = new Set<string>();
  #removedCount = 0;
  readonly #provider: StateStoreProvider;
  /** The snapshot of this (op, part) running when the store was opened, if any. */
  readonly #snapshot: SnapshotTask | undefined;
  #committed = false;
  readonly metrics: StateStoreMetrics = { numRowsTotal: 0, numRowsUpdated: 0, numRowsRemoved: 0, memoryUsedBytes: 0, commitTimeMs: 0 };

  constructor(
    provider: StateStoreProvider,
    readonly operatorId: number,
    readonly partition: number,
    readonly version: number,
    map: Map<string, unknown>,
    snapshot: SnapshotTask | undefined,
  ) {
    this.#provider = provider;
    this.#map = map;
    this.#snapshot = snapshot;
  }
  get(key: string): unknown {
    this.#snapshot?.capture(key);
    return this.#map.get(key);
  }
  has(key: string): boolean {
    return this.#map.has(key);
  }
  put(key: string, value: unknown): void {
    this.#snapshot?.capture(key);
    this.#map.set(key, value);
    this.#puts.set(key, value);
    this.#updated.add(key);
    this.#removes.delete(key);
  }
  remove(key: string): void {
    if (!this.#map.has(key)) return;
    this.#snapshot?.capture(key);
    this.#map.delete(key);
    this.#removedCount++;
    this.#puts.delete(key);
    this.#removes.add(key);
  }
  entries(): IterableIterator<[string, unknown]> {
    return this.#map.entries();
  }
  get size(): number {
    return this.#map.size;
  }
  async commit(): Promise<number> {
    if (this.#committed) throw new RivuletError('INTERNAL_ERROR', `state store ${this.operatorId}/${this.partition} committed twice`);
    this.#provider.throwIfSnapshotFailed();
    this.#committed = true;
    const t = Date.now();
    const next = this.version + 1;
    // Values are serialised now: operators mutate accumulator states in place afterwards.
    // Built from its parts (the same text as JSON.stringify of a StateChangelog), so the size of
    // the rows put is known for the memory estimate below.
    const putsJson = JSON.stringify([...this.#puts]);
    const json = `{"v":${STATE_FORMAT_VERSION},"puts":${putsJson},"removes":${JSON.stringify([...this.#removes])}}`;
    await this.#provider.backend.putChangelog(this.operatorId, this.partition, next, json);
    this.metrics.numRowsUpdated = this.#updated.size;
    this.metrics.numRowsRemoved = this.#removedCount;
    this.metrics.numRowsTotal = this.#map.size;
    // Estimated from the rows this batch wrote (Spark's SizeEstimator also samples), so the
    // commit stays proportional to the keys changed, not the keys held.
    // Only the rows put count (not the removed keys), and each store keeps its own estimate:
    // operators' rows differ in size.
    const estimate = this.#provider.rowBytesEstimate(this.operatorId, this.partition, this.#puts.size, putsJson.length);
    this.metrics.memoryUsedBytes = Math.round(this.#map.size * estimate);
    this.metrics.commitTimeMs = Date.now() - t;
    this.#provider.committed(this, next, this.#map);
    return next;
  }
}

export interface StateStoreProviderOptions {
  /** Rows per snapshot chunk (default 10 000). */
  readonly chunkRows?: number;
}

/**
 * Opens stores for one query. The live Map of the latest committed version is kept, so a
 * running query never reloads its state; other versions (recovery) are rebuilt from the backend.
 * Also runs the background snapshot tasks (see the header).
 */
export class StateStoreProvider {
  readonly #live = new Map<string, { version: number; map: Map<string, unknown> }>();
  readonly #snapshots = new Map<string, SnapshotTask>();
  #snapshotError: RivuletError | undefined;
  #closed = false;
  readonly chunkRows: number;
  /** Running estimate of one state row's size in memory (bytes), per operator × partition. */
  readonly #avgRowBytes = new Map<string, number>();
  constructor(
    readonly backend: StateBackend,
    readonly snapshotInterval: number,
    readonly minVersionsToRetain = 100,
    options: StateStoreProviderOptions = {},
  ) {
    this.chunkRows = options.chunkRows ?? DEFAULT_SNAPSHOT_CHUNK_ROWS;
    if (!Number.isInteger(this.chunkRows) || this.chunkRows < 1) {
      throw new RivuletError('INVALID_PARAMETER_VALUE', `The state snapshot option chunkRows must be a positive integer, got ${this.chunkRows}.`, { parameters: { option: 'chunkRows' } });
    }
  }

  /**
   * Updates and returns the estimate of one row's size (bytes) for a store, from the rows a
   * commit put: `putsJsonLength` characters of JSON for `puts` rows (UTF-16, 2 bytes a
   * character, plus ~64 bytes of Map entry and key overhead). Without puts the estimate stays.
   */
  rowBytesEstimate(operatorId: number, partition: number, puts: number, putsJsonLength: number): number {
    const k = `${operatorId}/${partition}`;
    const prev = this.#avgRowBytes.get(k) ?? 0;
    if (puts === 0) return prev;
    const perRow = 64 + (putsJsonLength * 2) / puts;
    const next = prev === 0 ? perRow : 0.8 * prev + 0.2 * perRow;
    this.#avgRowBytes.set(k, next);
    return next;
  }

  async open(operatorId: number, partition: number, version: number): Promise<StateStore> {
    const k = `${operatorId}/${partition}`;
    const live = this.#live.get(k);
    let map: Map<string, unknown>;
    if (live && live.version === version) map = live.map;
    else map = await this.#load(operatorId, partition, version);
    this.#live.delete(k);
    const snapshot = this.#snapshots.get(k);
    return new VersionedStore(this, operatorId, partition, version, map, snapshot?.map === map ? snapshot : undefined);
  }

  /** @internal Records the new live version; starts its snapshot when one is due. */
  committed(store: StateStore, version: number, map: Map<string, unknown>): void {
    this.#live.set(`${store.operatorId}/${store.partition}`, { version, map });
    if (version % this.snapshotInterval === 0) this.#startSnapshot(store.operatorId, store.partition, version, map);
  }

  /** @internal A failed background snapshot fails every later commit. */
  throwIfSnapshotFailed(): void {
    if (this.#snapshotError) throw this.#snapshotError;
  }

  /** Resolves once no snapshot task runs (tests, benchmarks). Never rejects. */
  async maintenanceIdle(): Promise<void> {
    while (this.#snapshots.size > 0) await Promise.all([...this.#snapshots.values()].map((t) => t.done));
  }

  /**
   * Starts no more snapshots and waits for the running ones; with `abort`, they stop before
   * their next chunk (their chunks stay, without a manifest, until a later purge). Never rejects.
   */
  async close(options: { abort?: boolean } = {}): Promise<void> {
    this.#closed = true;
    if (options.abort) for (const t of this.#snapshots.values()) t.aborted = true;
    await this.maintenanceIdle();
  }

  #startSnapshot(op: number, part: number, version: number, map: Map<string, unknown>): void {
    const k = `${op}/${part}`;
    if (this.#closed || this.#snapshots.has(k)) return;
    const task = new SnapshotTask(op, part, version, map);
    this.#snapshots.set(k, task);
    task.done = this.#writeSnapshot(task)
      .catch((cause: unknown) => {
        const key = stateKeys.manifest(op, part, version);
        const why = cause instanceof Error ? cause.message : String(cause);
        this.#snapshotError ??= new RivuletError('STATE_SNAPSHOT_FAILED', `The background state snapshot ${key} failed: ${why}`, { cause, parameters: { key } });
      })
      .finally(() => {
        task.finish();
        this.#snapshots.delete(k);
      });
  }

  /**
   * Chunks, then the manifest, then the purge; stops between steps when aborted. A manifest of
   * this version left by an earlier run of the batch (which crashed before its commit log) goes
   * first, so old chunks never mix with new ones under it.
   */
  async #writeSnapshot(task: SnapshotTask): Promise<void> {
    const { operatorId: op, partition: part, version, keys } = task;
    let chunks = 0;
    let rows = 0;
    await yieldToEventLoop();
    await this.backend.deleteSnapshotManifest(op, part, version);
    for (let from = 0; from < keys.length; from += this.chunkRows) {
      if (task.aborted) return;
      const c = task.chunk(from, Math.min(from + this.chunkRows, keys.length));
      await this.backend.putSnapshotChunk(op, part, version, chunks++, c.json);
      rows += c.rows;
      await yieldToEventLoop();
    }
    if (task.aborted) return;
    const manifest: SnapshotManifest = { v: STATE_FORMAT_VERSION, version, chunks, rows };
    await this.backend.putSnapshotManifest(op, part, version, JSON.stringify(manifest));
    if (task.aborted) return;
    await this.#purge(op, part, version);
  }

  /**
   * Keeps what opening any of the last `minVersionsToRetain` versions needs (Spark's
   * doMaintenance): the newest snapshot at or before that horizon, and everything after it.
   */
  async #purge(op: number, part: number, version: number): Promise<void> {
    const horizon = version - this.minVersionsToRetain;
    const keep = horizon > 0 ? await this.backend.latestSnapshot(op, part, horizon) : undefined;
    if (keep) await this.backend.purge?.(op, part, keep.version);
  }

  async #load(op: number, part: number, version: number): Promise<Map<string, unknown>> {
    const map = new Map<string, unknown>();
    if (version === 0) return map;
    const snap = await this.backend.latestSnapshot(op, part, version);
    let from = 1;
    if (snap) {
      await this.#loadSnapshot(op, part, snap, map);
      from = snap.version + 1;
    }
    for (let v = from; v <= version; v++) {
      const key = stateKeys.delta(op, part, v);
      const raw = await this.backend.getChangelog(op, part, v);
      if (raw === undefined) {
        throw new RivuletError('CHECKPOINT_CORRUPT', `The state changelog ${key} is missing; cannot load state version ${version}.`, { parameters: { key } });
      }
      const e = parseEntry<StateChangelog>(raw, key);
      for (const [k, value] of e.puts) map.set(k, value);
      for (const k of e.removes) map.delete(k);
    }
    return map;
  }

  /** Applies the manifest's chunks one at a time. */
  async #loadSnapshot(op: number, part: number, snap: { version: number; manifest: string }, map: Map<string, unknown>): Promise<void> {
    const name = stateKeys.manifest(op, part, snap.version);
    const m = parseEntry<SnapshotManifest & { entries?: unknown }>(snap.manifest, name);
    if (m.v === 1 && Array.isArray(m.entries)) {
      for (const [k, value] of m.entries as [string, unknown][]) map.set(k, value);
      return;
    }
    if (m.version !== snap.version || !Number.isInteger(m.chunks) || m.chunks < 0 || !Number.isInteger(m.rows)) {
      throw new RivuletError('CHECKPOINT_CORRUPT', `The state snapshot manifest ${name} is malformed.`, { parameters: { key: name } });
    }
    let rows = 0;
    for (let i = 0; i < m.chunks; i++) {
      const key = stateKeys.chunk(op, part, snap.version, i);
      const raw = await this.backend.getSnapshotChunk(op, part, snap.version, i);
      if (raw === undefined) {
        throw new RivuletError('CHECKPOINT_CORRUPT', `The state snapshot chunk ${key} is missing (the manifest ${name} lists ${m.chunks} chunks).`, { parameters: { key } });
      }
      const pairs = parseChunk(raw, key);
      for (const [k, value] of pairs) map.set(k, value);
      rows += pairs.length;
    }
    if (rows !== m.rows) {
      throw new RivuletError('CHECKPOINT_CORRUPT', `The state snapshot ${name} has ${rows} rows in its chunks, but its manifest says ${m.rows}.`, { parameters: { key: name } });
    }
  }
}

/**
 * One turn of the event loop (not just a microtask), so batches, timers and I/O run between
 * snapshot chunks. MessageChannel where there is no setImmediate: browsers throttle setTimeout
 * in background tabs.
 */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function parseJson<T>(raw: string, name: string): T {
  try {
    return JSON.parse(raw) as T;
  } catch (cause) {
    throw new RivuletError('CHECKPOINT_CORRUPT', `The state entry ${name} is not valid JSON.`, { cause, parameters: { key: name } });
  }
}

function parseEntry<T extends { v: number }>(raw: string, name: string): T {
  const e = parseJson<T>(raw, name);
  if (typeof e?.v !== 'number') throw new RivuletError('CHECKPOINT_CORRUPT', `The state entry ${name} has no format version.`, { parameters: { key: name } });
  if (e.v > STATE_FORMAT_VERSION) {
    throw new RivuletError('CHECKPOINT_VERSION_UNSUPPORTED', `The state entry ${name} has format version v${e.v}; this rivulet reads up to v${STATE_FORMAT_VERSION}.`, { parameters: { key: name } });
  }
  return e;
}

function parseChunk(raw: string, name: string): [string, unknown][] {
  const pairs = parseJson<unknown>(raw, name);
  if (!Array.isArray(pairs) || !pairs.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string')) {
    throw new RivuletError('CHECKPOINT_CORRUPT', `The state snapshot chunk ${name} is not an array of [key, value] pairs.`, { parameters: { key: name } });
  }
  return pairs as [string, unknown][];
}
