// Background, chunked state snapshots (state/state-store.ts): the key layout, a snapshot of
// version V that stays exact while later batches mutate the live state, crashes mid-snapshot,
// corrupt or missing chunks, failed snapshot writes, and a streaming query restarted on them.
import { describe, expect, it } from 'vitest';
import { F, Session, type DataFrame } from '../../src/index.js';
import { KVCheckpoint } from '../../src/checkpoint/checkpoint.js';
import { decodeText } from '../../src/checkpoint/entry-format.js';
import { StateStoreProvider, type StateStore } from '../../src/state/state-store.js';
import { prefixRange, type KVOperation, type KVStore } from '../../src/storage/kv.js';
import { memoryKV } from '../../src/storage/memory-kv.js';

const V = (n: number) => String(n).padStart(16, '0');
const manifestKey = (v: number) => `state/0/0/snapshot/${V(v)}`;
const chunkKey = (v: number, n: number) => `state/0/0/snapshot-chunk/${V(v)}/${String(n).padStart(6, '0')}`;
const deltaKey = (v: number) => `state/0/0/delta/${V(v)}`;

async function keysOf(kv: KVStore, prefix = 'state/'): Promise<string[]> {
  const out: string[] = [];
  for await (const [k] of kv.entries(prefixRange(prefix))) out.push(k);
  return out;
}

function provider(kv: KVStore, snapshotInterval: number, chunkRows: number, minVersionsToRetain = 100): StateStoreProvider {
  return new StateStoreProvider(new KVCheckpoint('memory://test', kv).state, snapshotInterval, minVersionsToRetain, { chunkRows });
}

/** Opens (op 0, part 0) at `version`, applies `change`, commits; returns the new version. */
async function step(p: StateStoreProvider, version: number, change: (s: StateStore) => void, op = 0): Promise<number> {
  const s = await p.open(op, 0, version);
  change(s);
  return s.commit();
}

/** The state as plain JSON values, sorted by key. */
function contents(s: StateStore): [string, unknown][] {
  return JSON.parse(JSON.stringify([...s.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))) as [string, unknown][];
}

async function load(kv: KVStore, version: number): Promise<[string, unknown][]> {
  return contents(await provider(kv, 1000, 3).open(0, 0, version));
}

const putKeys = (n: number) => (s: StateStore) => {
  for (let i = 0; i < n; i++) s.put(`k${i}`, { n: i, s: [i] });
};

/** A KV whose batches with an operation that `matches` wait for release() (or fail). */
function gatedKV(inner: KVStore, matches: (op: KVOperation) => boolean) {
  let gate: Promise<void> | undefined;
  let open = () => undefined as void;
  let reached = () => undefined as void;
  let failure: Error | undefined;
  const arrived: string[] = [];
  const kv: KVStore = {
    get: (k) => inner.get(k),
    entries: (r) => inner.entries(r),
    close: () => inner.close(),
    async batch(ops: readonly KVOperation[]) {
      if (ops.some(matches)) {
        if (failure) throw failure;
        if (gate) {
          arrived.push(...ops.map((o) => o.key));
          reached();
          await gate;
        }
      }
      return inner.batch(ops);
    },
  };
  return {
    kv,
    arrived,
    /** Holds matching writes; resolves when the first one arrives. */
    hold(): Promise<void> {
      gate = new Promise<void>((r) => (open = r));
      return new Promise<void>((r) => (reached = r));
    },
    release(): void {
      gate = undefined;
      open();
    },
    fail(e: Error): void {
      failure = e;
    },
  };
}

describe('chunked snapshots', () => {
  it('a snapshot of 10 keys with chunkRows=3 is 4 chunks and a manifest written last', async () => {
    const kv = memoryKV();
    const p = provider(kv, 2, 3);
    let v = await step(p, 0, putKeys(10));
    v = await step(p, v, (s) => s.put('k0', { n: 100, s: [0] }));
    expect(v).toBe(2);
    await p.maintenanceIdle();
    expect(await keysOf(kv)).toEqual([
      deltaKey(1),
      deltaKey(2),
      chunkKey(2, 0),
      chunkKey(2, 1),
      chunkKey(2, 2),
      chunkKey(2, 3),
      manifestKey(2),
    ]);
    const manifest = JSON.parse(decodeText(manifestKey(2), (await kv.get(manifestKey(2)))!, 1).json) as unknown;
    expect(manifest).toEqual({ v: 2, version: 2, chunks: 4, rows: 10 });
    const chunk = (n: number) => kv.get(chunkKey(2, n)).then((t) => JSON.parse(decodeText(chunkKey(2, n), t!, 1).json) as unknown);
    expect(await chunk(0)).toEqual([
      ['k0', { n: 100, s: [0] }],
      ['k1', { n: 1, s: [1] }],
      ['k2', { n: 2, s: [2] }],
    ]);
    expect(await chunk(3)).toEqual([['k9', { n: 9, s: [9] }]]);
    // A fresh provider loads version 2 from the snapshot alone.
    await kv.batch([{ type: 'del', key: deltaKey(1) }, { type: 'del', key: deltaKey(2) }]);
    expect(await load(kv, 2)).toEqual(contents(await p.open(0, 0, 2)));
  });

  it('commit() does not wait for the snapshot; the snapshot of V stays exact while V+1, V+2 change the state', async () => {
    const inner = memoryKV();
    const g = gatedKV(inner, (o) => o.key.includes('/snapshot-chunk/'));
    const p = provider(g.kv, 2, 2);
    let v = await step(p, 0, putKeys(8));
    const reached = g.hold();
    v = await step(p, v, (s) => s.put('k0', { n: 100, s: [0] }));
    expect(v).toBe(2);
    // (Read through another provider: opening the live store here would hand it over.)
    const atV = await load(inner, 2);
    await reached;
    expect(g.arrived).toEqual([chunkKey(2, 0)]);
    // V+1: mutate in place after get (a later chunk's key and an already written one), remove,
    // replace, add.
    v = await step(p, v, (s) => {
      const k5 = s.get('k5') as { n: number; s: number[] };
      k5.n = 500;
      k5.s.push(99);
      s.put('k5', k5);
      const k1 = s.get('k1') as { n: number; s: number[] };
      k1.s.push(11);
      s.put('k1', k1);
      s.remove('k6');
      s.put('k7', { n: 700, s: [] });
      s.put('k8', { n: 8, s: [8] });
    });
    // V+2 (a snapshot is due but one runs): remove a changed key, re-add a removed one, mutate
    // one more in place.
    v = await step(p, v, (s) => {
      s.remove('k5');
      s.put('k6', { n: 600, s: [6, 6] });
      const k3 = s.get('k3') as { n: number; s: number[] };
      k3.s.length = 0;
      s.put('k3', k3);
    });
    expect(v).toBe(4);
    const live = contents(await p.open(0, 0, 4));
    expect(await keysOf(inner, 'state/0/0/snapshot/')).toEqual([]);
    g.release();
    await p.maintenanceIdle();
    expect(await keysOf(inner, 'state/0/0/snapshot/')).toEqual([manifestKey(2)]);
    expect(await load(inner, 2)).toEqual(atV);
    expect(atV).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => [`k${i}`, { n: i === 0 ? 100 : i, s: [i] }]));
    expect(await load(inner, 4)).toEqual(live);
    // Loading 4 from the snapshot, not from the changelogs 1 and 2.
    await inner.batch([{ type: 'del', key: deltaKey(1) }, { type: 'del', key: deltaKey(2) }]);
    expect(await load(inner, 4)).toEqual(live);
  });

  it('a crash mid-snapshot (chunks, no manifest): recovery uses the older snapshot, a later purge removes the chunks', async () => {
    const inner = memoryKV();
    const g = gatedKV(inner, (o) => o.type === 'put' && o.key.startsWith('state/0/0/snapshot/'));
    const p = provider(g.kv, 2, 2);
    let v = await step(p, 0, putKeys(5));
    v = await step(p, v, (s) => s.put('k0', { n: 100, s: [] }));
    await p.maintenanceIdle();
    v = await step(p, v, (s) => s.remove('k1'));
    const reached = g.hold();
    v = await step(p, v, (s) => s.put('k9', { n: 9, s: [] }));
    await reached; // snapshot 4: all its chunks written, the manifest write never completes
    expect(g.arrived).toEqual([manifestKey(4)]);
    const orphans = [chunkKey(4, 0), chunkKey(4, 1), chunkKey(4, 2)];
    expect(await keysOf(inner, 'state/0/0/snapshot-chunk/')).toEqual([chunkKey(2, 0), chunkKey(2, 1), chunkKey(2, 2), ...orphans]);
    v = await step(p, v, (s) => s.put('k2', { n: 2, s: [2, 2] }));
    const live = contents(await p.open(0, 0, v));

    // The process dies here. A new provider on the storage: snapshot 2 + changelogs 3..5.
    const p2 = provider(inner, 2, 2, 1);
    expect(await load(inner, 5)).toEqual(live);
    v = await step(p2, 5, (s) => s.put('k3', { n: 3, s: [3, 3] }));
    await p2.maintenanceIdle();
    // Snapshot 6; horizon 5 keeps snapshot 2: the orphans are newer and stay.
    expect(await keysOf(inner, 'state/0/0/snapshot-chunk/')).toEqual(expect.arrayContaining(orphans));
    v = await step(p2, v, (s) => s.remove('k3'));
    v = await step(p2, v, (s) => s.remove('k4'));
    await p2.maintenanceIdle();
    expect(v).toBe(8);
    // Snapshot 8; horizon 7 keeps snapshot 6 on: snapshot 2 and the orphans of 4 are gone.
    expect(await keysOf(inner)).toEqual([
      deltaKey(7),
      deltaKey(8),
      chunkKey(6, 0),
      chunkKey(6, 1),
      chunkKey(6, 2),
      chunkKey(8, 0),
      chunkKey(8, 1),
      manifestKey(6),
      manifestKey(8),
    ]);
    expect(await load(inner, 8)).toEqual(contents(await p2.open(0, 0, 8)));
  });

  it('a re-run batch rewrites its snapshot: the old manifest goes first, old chunks never load', async () => {
    const inner = memoryKV();
    const p = provider(inner, 2, 2);
    await step(p, await step(p, 0, putKeys(5)), (s) => s.put('k0', { n: 100, s: [] }));
    await p.maintenanceIdle();
    expect(await keysOf(inner, 'state/0/0/snapshot')).toEqual([chunkKey(2, 0), chunkKey(2, 1), chunkKey(2, 2), manifestKey(2)]);
    // The batch of version 2 runs again (its commit log was never written), with other changes.
    const g = gatedKV(inner, (o) => o.key.includes('/snapshot-chunk/'));
    const rerun = provider(g.kv, 2, 2);
    const reached = g.hold();
    await step(rerun, 1, (s) => {
      s.remove('k0');
      s.remove('k1');
      s.remove('k2');
    });
    const live = contents(await rerun.open(0, 0, 2));
    await reached;
    expect(await keysOf(inner, 'state/0/0/snapshot/')).toEqual([]);
    expect(await load(inner, 2)).toEqual(live);
    g.release();
    await rerun.maintenanceIdle();
    expect(await keysOf(inner, 'state/0/0/snapshot/')).toEqual([manifestKey(2)]);
    await inner.batch([{ type: 'del', key: deltaKey(1) }, { type: 'del', key: deltaKey(2) }]);
    expect(await load(inner, 2)).toEqual([
      ['k3', { n: 3, s: [3] }],
      ['k4', { n: 4, s: [4] }],
    ]);
  });

  it('a corrupted chunk or a missing one fails with CHECKPOINT_CORRUPT naming the key', async () => {
    const kv = memoryKV();
    const p = provider(kv, 2, 3);
    await step(p, await step(p, 0, putKeys(7)), () => undefined);
    await p.maintenanceIdle();
    const key = chunkKey(2, 1);
    const text = (await kv.get(key))!;
    await kv.batch([{ type: 'put', key, value: text.replace('"n":4', '"n":5') }]);
    await expect(load(kv, 2)).rejects.toMatchObject({ errorClass: 'CHECKPOINT_CORRUPT', message: expect.stringContaining(key) });
    await kv.batch([{ type: 'del', key }]);
    await expect(load(kv, 2)).rejects.toMatchObject({ errorClass: 'CHECKPOINT_CORRUPT', message: expect.stringContaining(key) });
  });

  it('a failed snapshot write fails the next commit of any store of the provider', async () => {
    const g = gatedKV(memoryKV(), (o) => o.key.includes('/snapshot-chunk/'));
    const p = provider(g.kv, 2, 3);
    const disk = new Error('disk full');
    g.fail(disk);
    const other = await step(p, 0, putKeys(1), 1);
    expect(await step(p, await step(p, 0, putKeys(4)), () => undefined)).toBe(2);
    await p.maintenanceIdle();
    const failed = { errorClass: 'STATE_SNAPSHOT_FAILED', message: expect.stringContaining(manifestKey(2)), cause: disk };
    await expect(step(p, 2, putKeys(1))).rejects.toMatchObject(failed);
    await expect(step(p, other, putKeys(1), 1)).rejects.toMatchObject(failed);
  });

  it('close({ abort }) stops a running snapshot before its next chunk, leaving no manifest', async () => {
    const inner = memoryKV();
    const g = gatedKV(inner, (o) => o.key.includes('/snapshot-chunk/'));
    const p = provider(g.kv, 2, 2);
    const reached = g.hold();
    await step(p, await step(p, 0, putKeys(6)), () => undefined);
    await reached;
    const closed = p.close({ abort: true });
    g.release();
    await closed;
    expect(await keysOf(inner)).toEqual([deltaKey(1), deltaKey(2), chunkKey(2, 0)]);
    // A closed provider starts no snapshot.
    await step(p, await step(p, 2, () => undefined), () => undefined);
    await p.maintenanceIdle();
    expect(await keysOf(inner, 'state/0/0/snapshot/')).toEqual([]);
  });
});

describe('a streaming aggregation over background snapshots', () => {
  let n = 0;
  const batches = [['a', 'b', 'a'], ['c'], ['a', 'd', 'd'], ['b'], ['e', 'a'], ['c', 'c'], ['f'], ['a']];

  function counts(df: DataFrame): DataFrame {
    return df.groupBy('k').agg(F.count('*').alias('n'), F.sum('v').alias('s'));
  }

  /** Every batch's complete output; restarting the query after each batch when `restarts`. */
  async function run(restarts: boolean): Promise<{ out: unknown[][][]; location: string }> {
    const spark = Session.builder().appName('snapshots').create();
    spark.conf.set('rivulet.sql.streaming.stateStore.minDeltasForSnapshot', 2);
    spark.conf.set('rivulet.sql.streaming.minBatchesToRetain', 2);
    const location = `memory://state-snapshots-${++n}-${Date.now()}`;
    const mem = spark.memoryStream('k STRING, v INT');
    const out: unknown[][][] = [];
    const start = () =>
      counts(mem.toDF())
        .writeStream.outputMode('complete')
        .option('checkpointLocation', location)
        .foreachBatch(async (df, id) => {
          out[id] = (await df.toArray()).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
        })
        .start();
    let q = await start();
    for (const [i, b] of batches.entries()) {
      mem.addData(b.map((k) => ({ k, v: i + 1 })));
      await q.processAllAvailable();
      if (restarts) {
        await q.stop();
        q = await start();
      }
    }
    expect(q.exception()).toBeNull();
    await q.stop();
    return { out, location };
  }

  it('stopped and restarted after every batch, it gives the rows of an uninterrupted run', async () => {
    const reference = await run(false);
    expect(reference.out.at(-1)).toEqual([
      ['a', 5, 18],
      ['b', 2, 5],
      ['c', 3, 14],
      ['d', 2, 6],
      ['e', 1, 5],
      ['f', 1, 7],
    ]);
    const restarted = await run(true);
    expect(restarted.out).toEqual(reference.out);
    // 8 versions, snapshots every 2 and only the last 2 batches' needs kept: recovery ran from snapshots.
    const kv = memoryKV(`checkpoint:${restarted.location.slice('memory://'.length)}`);
    expect(await keysOf(kv, 'state/0/0/snapshot/')).toEqual([manifestKey(6), manifestKey(8)]);
    expect(await keysOf(kv, 'state/0/0/delta/')).toEqual([deltaKey(7), deltaKey(8)]);
  });
});
