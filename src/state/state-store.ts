/**
 * Versioned state stores, one per stateful operator × partition (Spark's StateStore). Hot state
 * lives in a Map; each commit records only the keys changed in that batch as one changelog
 * entry (version N), and a full snapshot every `minDeltasForSnapshot` versions, so commit cost
 * grows with keys changed, not keys held. Opening version V loads the last snapshot <= V and
 * replays later changelogs. Operators only see this interface, never a storage backend.
 */
import { RivuletError } from '../errors.js';

export const STATE_FORMAT_VERSION = 1;

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
  get(key: string): unknown;
  has(key: string): boolean;
  put(key: string, value: unknown): void;
  remove(key: string): void;
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

/** Where changelogs and snapshots are kept: memory now, LevelDB/IndexedDB with durable state. */
export interface StateBackend {
  putChangelog(operatorId: number, partition: number, version: number, entry: string): Promise<void>;
  getChangelog(operatorId: number, partition: number, version: number): Promise<string | undefined>;
  putSnapshot(operatorId: number, partition: number, version: number, entries: string): Promise<void>;
  /** The newest snapshot with version <= `version`. */
  latestSnapshot(operatorId: number, partition: number, version: number): Promise<{ version: number; entries: string } | undefined>;
  /** Deletes changelogs with version <= `snapshotVersion` and snapshots older than it. */
  purge?(operatorId: number, partition: number, snapshotVersion: number): Promise<void>;
}

export class MemoryStateBackend implements StateBackend {
  readonly #changelogs = new Map<string, string>();
  readonly #snapshots = new Map<string, Map<number, string>>();
  async putChangelog(op: number, part: number, version: number, entry: string): Promise<void> {
    this.#changelogs.set(`${op}/${part}/${version}`, entry);
  }
  async getChangelog(op: number, part: number, version: number): Promise<string | undefined> {
    return this.#changelogs.get(`${op}/${part}/${version}`);
  }
  async putSnapshot(op: number, part: number, version: number, entries: string): Promise<void> {
    const k = `${op}/${part}`;
    let m = this.#snapshots.get(k);
    if (!m) this.#snapshots.set(k, (m = new Map()));
    m.set(version, entries);
  }
  async latestSnapshot(op: number, part: number, version: number): Promise<{ version: number; entries: string } | undefined> {
    const m = this.#snapshots.get(`${op}/${part}`);
    if (!m) return undefined;
    let best: number | undefined;
    for (const v of m.keys()) if (v <= version && (best === undefined || v > best)) best = v;
    return best === undefined ? undefined : { version: best, entries: m.get(best)! };
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
  #committed = false;
  readonly metrics: StateStoreMetrics = { numRowsTotal: 0, numRowsUpdated: 0, numRowsRemoved: 0, memoryUsedBytes: 0, commitTimeMs: 0 };

  constructor(
    provider: StateStoreProvider,
    readonly operatorId: number,
    readonly partition: number,
    readonly version: number,
    map: Map<string, unknown>,
  ) {
    this.#provider = provider;
    this.#map = map;
  }
  get(key: string): unknown {
    return this.#map.get(key);
  }
  has(key: string): boolean {
    return this.#map.has(key);
  }
  put(key: string, value: unknown): void {
    this.#map.set(key, value);
    this.#puts.set(key, value);
    this.#updated.add(key);
    this.#removes.delete(key);
  }
  remove(key: string): void {
    if (!this.#map.delete(key)) return;
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
    this.#committed = true;
    const t = Date.now();
    const next = this.version + 1;
    // Values are serialised now: operators mutate accumulator states in place afterwards.
    const entry: StateChangelog = { v: STATE_FORMAT_VERSION, puts: [...this.#puts], removes: [...this.#removes] };
    const json = JSON.stringify(entry);
    await this.#provider.backend.putChangelog(this.operatorId, this.partition, next, json);
    if (next % this.#provider.snapshotInterval === 0) {
      await this.#provider.backend.putSnapshot(this.operatorId, this.partition, next, JSON.stringify({ v: STATE_FORMAT_VERSION, entries: [...this.#map] }));
      // Keep what opening any of the last `minBatchesToRetain` versions needs (Spark's
      // doMaintenance): the newest snapshot at or before that horizon, and everything after it.
      const horizon = next - this.#provider.minVersionsToRetain;
      const keep = horizon > 0 ? await this.#provider.backend.latestSnapshot(this.operatorId, this.partition, horizon) : undefined;
      if (keep) await this.#provider.backend.purge?.(this.operatorId, this.partition, keep.version);
    }
    this.metrics.numRowsUpdated = this.#updated.size;
    this.metrics.numRowsRemoved = this.#removedCount;
    this.metrics.numRowsTotal = this.#map.size;
    // Estimated from the rows this batch wrote (Spark's SizeEstimator also samples), so the
    // commit stays proportional to the keys changed, not the keys held.
    if (this.#puts.size > 0) {
      const perRow = 64 + (json.length * 2) / this.#puts.size;
      this.#provider.avgRowBytes = this.#provider.avgRowBytes === 0 ? perRow : 0.8 * this.#provider.avgRowBytes + 0.2 * perRow;
    }
    this.metrics.memoryUsedBytes = Math.round(this.#map.size * this.#provider.avgRowBytes);
    this.metrics.commitTimeMs = Date.now() - t;
    this.#provider.committed(this, next, this.#map);
    return next;
  }
}

/**
 * Opens stores for one query. The live Map of the latest committed version is kept, so a
 * running query never reloads its state; other versions (recovery) are rebuilt from the backend.
 */
export class StateStoreProvider {
  readonly #live = new Map<string, { version: number; map: Map<string, unknown> }>();
  /** Running estimate of one state row's size in memory (bytes). */
  avgRowBytes = 0;
  constructor(
    readonly backend: StateBackend,
    readonly snapshotInterval: number,
    readonly minVersionsToRetain = 100,
  ) {}

  async open(operatorId: number, partition: number, version: number): Promise<StateStore> {
    const k = `${operatorId}/${partition}`;
    const live = this.#live.get(k);
    let map: Map<string, unknown>;
    if (live && live.version === version) map = live.map;
    else map = await this.#load(operatorId, partition, version);
    this.#live.delete(k);
    return new VersionedStore(this, operatorId, partition, version, map);
  }

  /** @internal */
  committed(store: StateStore, version: number, map: Map<string, unknown>): void {
    this.#live.set(`${store.operatorId}/${store.partition}`, { version, map });
  }

  async #load(op: number, part: number, version: number): Promise<Map<string, unknown>> {
    const map = new Map<string, unknown>();
    if (version === 0) return map;
    const snap = await this.backend.latestSnapshot(op, part, version);
    let from = 1;
    if (snap) {
      const parsed = parseEntry<{ v: number; entries: [string, unknown][] }>(snap.entries, `state/${op}/${part}/snapshot-${snap.version}`);
      for (const [key, value] of parsed.entries) map.set(key, value);
      from = snap.version + 1;
    }
    for (let v = from; v <= version; v++) {
      const raw = await this.backend.getChangelog(op, part, v);
      if (raw === undefined) {
        throw new RivuletError('CHECKPOINT_CORRUPT', `The state changelog state/${op}/${part}/${v} is missing; cannot load state version ${version}.`);
      }
      const e = parseEntry<StateChangelog>(raw, `state/${op}/${part}/${v}`);
      for (const [key, value] of e.puts) map.set(key, value);
      for (const key of e.removes) map.delete(key);
    }
    return map;
  }
}

function parseEntry<T extends { v: number }>(raw: string, name: string): T {
  let e: T;
  try {
    e = JSON.parse(raw) as T;
  } catch (cause) {
    throw new RivuletError('CHECKPOINT_CORRUPT', `The state entry ${name} is not valid JSON.`, { cause });
  }
  if (typeof e.v !== 'number') throw new RivuletError('CHECKPOINT_CORRUPT', `The state entry ${name} has no format version.`);
  if (e.v > STATE_FORMAT_VERSION) {
    throw new RivuletError('CHECKPOINT_VERSION_UNSUPPORTED', `The state entry ${name} has format version v${e.v}; this rivulet reads up to v${STATE_FORMAT_VERSION}.`);
  }
  return e;
}
