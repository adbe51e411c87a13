/**
 * Workload 5 (BENCHMARKS.md): state store commit cost per batch against keys changed and keys
 * held, snapshot cost (the snapshot-interval batch's commit, and the background snapshot task it
 * starts), and recovery time, over one KV backend. Runs unchanged in Node and in a
 * browser page (it touches no Node built-in), importing the built engine from dist/.
 *
 * The store is what the engine runs: StateStoreProvider over KVCheckpoint(...).state, one
 * operator and partition, a snapshot every `snapshotInterval` versions, written in the
 * background in chunks of `chunkRows` (default: the engine's). After a snapshot-interval batch the
 * bench awaits provider.maintenanceIdle() and times it (the background snapshot), so the next
 * batches are timed without a snapshot running. Keys and values have the shape
 * StatefulAggregateExec writes: a canonical group-key string and { k: group key, s: states }.
 */
import { KVCheckpoint } from '../../dist/checkpoint/checkpoint.js';
import { StateStoreProvider } from '../../dist/state/state-store.js';

const now = () => performance.now();

const providerOptions = (cfg) => (cfg.chunkRows === undefined ? {} : { chunkRows: cfg.chunkRows });

export function median(xs) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const key = (i) => `["user-${String(i).padStart(7, '0')}","click"]`;
const value = (i, batch) => ({ k: [`user-${String(i).padStart(7, '0')}`, 'click'], s: [batch + 1, (batch + 1) * 12.5, [(batch + 1) * 12.5, batch + 1]] });

/** A deterministic permutation of 0..n-1, so each batch changes `changed` distinct keys. */
function permutation(n, seed = 42) {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) % (i + 1);
    const x = p[i];
    p[i] = p[r];
    p[r] = x;
  }
  return p;
}

/**
 * The loop StateStore.commit ran over every held key for metrics.memoryUsedBytes before ea941ac,
 * replicated to time it: what that per-commit O(keys held) cost was at each size.
 */
function memoryScanMs(store) {
  const t = now();
  let bytes = 0;
  for (const [k, v] of store.entries()) bytes += 64 + k.length * 2 + JSON.stringify(v).length * 2;
  const ms = now() - t;
  if (!(bytes > 0)) throw new Error('empty state');
  return ms;
}

/**
 * backend: { name, open(db) -> Promise<KVStore>, reopen(db) -> Promise<KVStore>, destroy(db),
 *            gc?(), heapUsed?() }
 * cfg: { held: number[], changed: number[], snapshotInterval, chunkRows?, minBatches, maxBatches,
 *        cellBudgetMs, sizeLimitMs, recoveryRuns }
 */
export async function benchBackend(backend, cfg, log = () => undefined) {
  const out = { backend: backend.name, cells: [], snapshots: [], recovery: [], skipped: [] };
  let tooSlow;
  for (const held of cfg.held) {
    if (tooSlow !== undefined) {
      out.skipped.push({ held, reason: tooSlow });
      log(`${backend.name}: skip held=${held} (${tooSlow})`);
      continue;
    }
    const started = now();
    const r = await benchHeld(backend, held, cfg, log);
    out.cells.push(...r.cells);
    out.snapshots.push(r.snapshot);
    out.recovery.push(r.recovery);
    const took = now() - started;
    if (took > cfg.sizeLimitMs) tooSlow = `held=${held} took ${(took / 1000).toFixed(0)} s, over the ${(cfg.sizeLimitMs / 1000).toFixed(0)} s limit per size`;
  }
  return out;
}

async function benchHeld(backend, held, cfg, log) {
  const db = `rivulet-bench-state-${held}`;
  await backend.destroy(db);
  let kv = await backend.open(db);
  const stateBackend = new KVCheckpoint(`bench://${db}`, kv).state;
  let provider = new StateStoreProvider(stateBackend, cfg.snapshotInterval, undefined, providerOptions(cfg));
  const perm = permutation(held);
  let cursor = 0;
  let version = 0;
  const snapshotMs = [];
  const backgroundMs = [];

  // Version 1 holds every key (one large changelog).
  let t = now();
  let store = await provider.open(0, 0, 0);
  for (let i = 0; i < held; i++) store.put(key(i), value(i, 0));
  const t1 = now();
  await store.commit();
  const loadCommitMs = now() - t1;
  version = 1;
  log(`${backend.name}: held=${held} loaded in ${((now() - t) / 1000).toFixed(1)} s (commit ${loadCommitMs.toFixed(0)} ms)`);

  /**
   * One batch changing `changed` keys; returns the commit's wall time, the time of writing the
   * same changelog straight through the state backend (operator 1, so operator 0's versions are
   * untouched): the part of a commit that depends on keys changed only, and for a
   * snapshot-interval batch the background snapshot's wall time after the commit returned.
   */
  const batch = async (changed) => {
    store = await provider.open(0, 0, version);
    const puts = [];
    for (let j = 0; j < changed; j++) {
      const i = perm[cursor];
      cursor = (cursor + 1) % held;
      const k = key(i);
      const v = value(i, version);
      store.put(k, v);
      puts.push([k, v]);
    }
    const t0 = now();
    await store.commit();
    const ms = now() - t0;
    version++;
    const snapshot = version % cfg.snapshotInterval === 0;
    const t2 = now();
    await provider.maintenanceIdle();
    const snapshotBackgroundMs = snapshot ? now() - t2 : undefined;
    const t1 = now();
    await stateBackend.putChangelog(1, 0, version, JSON.stringify({ v: 2, puts, removes: [] }));
    const changelogMs = now() - t1;
    return { version, ms, changelogMs, snapshot, snapshotBackgroundMs };
  };

  const cells = [];
  for (const changed of cfg.changed) {
    if (changed > held) continue;
    backend.gc?.();
    const samples = [];
    const cellStart = now();
    for (;;) {
      samples.push(await batch(changed));
      const n = samples.length;
      const deltas = samples.filter((s) => !s.snapshot).length;
      if (n >= cfg.maxBatches) break;
      if (n >= cfg.minBatches && deltas >= cfg.minBatches - 1 && now() - cellStart > cfg.cellBudgetMs) break;
    }
    const deltaMs = samples.filter((s) => !s.snapshot).map((s) => s.ms);
    const snapMs = samples.filter((s) => s.snapshot).map((s) => s.ms);
    const bgMs = samples.filter((s) => s.snapshot).map((s) => s.snapshotBackgroundMs);
    snapshotMs.push(...snapMs);
    backgroundMs.push(...bgMs);
    const cell = {
      held,
      changed,
      batches: samples.length,
      commitMedianMs: median(deltaMs),
      commitMinMs: Math.min(...deltaMs),
      commitMaxMs: Math.max(...deltaMs),
      changelogOnlyMedianMs: median(samples.filter((s) => !s.snapshot).map((s) => s.changelogMs)),
      snapshotCommitMs: snapMs,
      snapshotBackgroundMs: bgMs,
      deltaCommitMs: deltaMs.map((x) => Math.round(x * 1000) / 1000),
      metricsMemoryUsedBytes: store.metrics.memoryUsedBytes,
    };
    cells.push(cell);
    log(`${backend.name}: held=${held} changed=${changed} commit median ${cell.commitMedianMs.toFixed(2)} ms over ${deltaMs.length} delta batches; snapshot batches: commit ${snapMs.map((x) => x.toFixed(1)).join(',')} ms, background ${bgMs.map((x) => x.toFixed(0)).join(',')} ms`);
  }

  // Recovery: a few deltas after the last snapshot, then a cold provider over a reopened store.
  while (version % cfg.snapshotInterval !== 3) {
    const b = await batch(Math.min(1000, held));
    if (b.snapshot) {
      snapshotMs.push(b.ms);
      backgroundMs.push(b.snapshotBackgroundMs);
    }
  }
  const expectedSize = store.size;
  // Timed again now that commit's loop is hot, as it is inside commit().
  const scanHot = [];
  for (let i = 0; i < 5; i++) scanHot.push(memoryScanMs(store));
  const scanMs = median(scanHot);
  store = undefined;
  provider = undefined;
  const runs = [];
  for (let r = 0; r < cfg.recoveryRuns; r++) {
    await kv.close();
    backend.gc?.();
    const tOpen = now();
    kv = await backend.reopen(db);
    const openKVMs = now() - tOpen;
    // In its own function, so no stale reference to an earlier run's state outlives the run.
    runs.push({ openKVMs, ...(await recoverOnce(backend, kv, db, cfg, version, expectedSize, r === 0)) });
  }
  await kv.close();
  await backend.destroy(db);
  const recovery = {
    held: expectedSize,
    version,
    deltasReplayed: version % cfg.snapshotInterval,
    loadMedianMs: median(runs.map((r) => r.loadMs)),
    openKVMedianMs: median(runs.map((r) => r.openKVMs)),
    runs: runs.map(({ openKVMs, loadMs }) => ({ openKVMs, loadMs })),
    heapBytesPerRow: runs[0]?.heapBytesPerRow,
  };
  log(`${backend.name}: held=${held} recovery ${recovery.loadMedianMs.toFixed(0)} ms (v${version}: snapshot + ${recovery.deltasReplayed} deltas)`);
  return {
    cells,
    snapshot: {
      held,
      loadCommitMs,
      snapshotCommitMedianMs: median(snapshotMs),
      snapshotCommitMs: snapshotMs,
      snapshotBackgroundMedianMs: median(backgroundMs),
      snapshotBackgroundMs: backgroundMs,
      memoryScanMs: scanMs,
    },
    recovery,
  };
}

async function recoverOnce(backend, kv, db, cfg, version, expectedSize, measureHeap) {
  const heapBefore = measureHeap ? backend.heapUsed?.() : undefined;
  const cold = new StateStoreProvider(new KVCheckpoint(`bench://${db}`, kv).state, cfg.snapshotInterval, undefined, providerOptions(cfg));
  const t0 = now();
  const recovered = await cold.open(0, 0, version);
  const loadMs = now() - t0;
  if (recovered.size !== expectedSize) throw new Error(`${backend.name}: recovered ${recovered.size} keys, expected ${expectedSize}`);
  let heapBytesPerRow;
  if (heapBefore !== undefined) {
    backend.gc?.();
    heapBytesPerRow = (backend.heapUsed() - heapBefore) / recovered.size;
  }
  return { loadMs, heapBytesPerRow };
}
