// start({ worker: true }) in real Chromium: the query runs in a module Web Worker (comlink), the
// sink and memory streams stay on the page's thread, and the StreamingQuery handle behaves as a
// local one: exact rows per batch, progress, exceptions, and resuming on an idb:// checkpoint.
import { afterAll, describe, expect, it } from 'vitest';
import { F, RivuletError, Session } from '../../src/index.js';
import { deleteIdbKV } from '../../src/storage/idb-kv.js';
import { ManualClock } from '../../src/testing/index.js';
import { registerWorkerFactory, webWorkerHandle } from '../../src/runtime/worker/remote-execution.js';

const run = crypto.randomUUID().slice(0, 8);
const databases: string[] = [];
afterAll(async () => {
  const bounded = (p: Promise<void>) => Promise.race([p, new Promise<void>((r) => setTimeout(r, 2000))]);
  for (const d of databases) await bounded(deleteIdbKV(d));
});

function counts(spark: Session) {
  const mem = spark.memoryStream('k STRING, v INT');
  const df = mem.toDF().groupBy('k').agg(F.count('*').alias('n'), F.sum('v').alias('s'));
  return { mem, df };
}

const sorted = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => String(a['k']).localeCompare(String(b['k'])));

describe('queries in a Web Worker', () => {
  it('runs an update-mode aggregation in the worker; foreachBatch runs on this thread', async () => {
    const spark = Session.builder().appName('worker').create();
    const { mem, df } = counts(spark);
    const seen: { id: number; rows: Record<string, unknown>[]; onPage: boolean }[] = [];
    const q = await df.writeStream
      .outputMode('update')
      .foreachBatch(async (batch, id) => {
        seen.push({ id, rows: sorted(await batch.collect()), onPage: typeof document !== 'undefined' });
      })
      .start({ worker: true });
    expect(q.isActive).toBe(true);
    expect(q.id).toMatch(/^[0-9a-f-]{36}$/);
    mem.addData([['a', 1], ['b', 2]]);
    await q.processAllAvailable();
    mem.addData([['a', 3]]);
    await q.processAllAvailable();
    await q.stop();
    expect(q.isActive).toBe(false);
    expect(q.exception()).toBeNull();
    expect(seen).toEqual([
      { id: 0, rows: [{ k: 'a', n: 1, s: 1 }, { k: 'b', n: 1, s: 2 }], onPage: true },
      { id: 1, rows: [{ k: 'a', n: 2, s: 4 }], onPage: true },
    ]);
    expect(q.recentProgress.map((p) => [p.batchId, p.numInputRows])).toEqual([
      [0, 2],
      [1, 1],
    ]);
    expect(q.lastProgress?.stateOperators[0]?.numRowsTotal).toBe(2);
    expect(q.explain().replace(/#\d+/g, '#')).toBe('== Physical Plan ==\nStateStoreSave [k#], functions=[count(1), sum(v#)], state info [operatorId = 0]\n+- LocalTableScan [k#, v#]\n');
  });

  it('a memory sink on this thread is readable with spark.table', async () => {
    const spark = Session.builder().appName('worker').create();
    const { mem, df } = counts(spark);
    const q = await df.writeStream.outputMode('complete').format('memory').queryName('wcounts').start({ worker: true });
    mem.addData([['x', 5], ['y', 1], ['x', 1]]);
    await q.processAllAvailable();
    await q.stop();
    expect(sorted(await spark.table('wcounts').collect())).toEqual([
      { k: 'x', n: 2, s: 6 },
      { k: 'y', n: 1, s: 1 },
    ]);
  });

  it('a sink failure stops the query with STREAM_FAILED and exception() set', async () => {
    const spark = Session.builder().appName('worker').create();
    const { mem, df } = counts(spark);
    const q = await df.writeStream
      .outputMode('update')
      .foreachBatch(async () => {
        throw new RivuletError('MY_SINK_FAILED', 'the sink is down');
      })
      .start({ worker: true });
    mem.addData([['a', 1]]);
    await expect(q.processAllAvailable()).rejects.toMatchObject({ errorClass: 'STREAM_FAILED' });
    await expect(q.awaitTermination()).rejects.toThrow('the sink is down');
    expect(q.isActive).toBe(false);
    expect(q.exception()?.errorClass).toBe('STREAM_FAILED');
    expect(q.exception()?.message).toContain('[MY_SINK_FAILED] the sink is down');
    // The original error crosses the thread boundary as the cause, class and all.
    expect(q.exception()?.cause).toBeInstanceOf(RivuletError);
    expect((q.exception()?.cause as RivuletError).errorClass).toBe('MY_SINK_FAILED');
  });

  it('a query that cannot start rejects start() with the worker-side error class', async () => {
    const spark = Session.builder().appName('worker').create();
    const { df } = counts(spark);
    const start = df.writeStream.outputMode('update').format('noop').option('checkpointLocation', 'nope://x').start({ worker: true });
    await expect(start).rejects.toMatchObject({ errorClass: 'INVALID_CHECKPOINT_LOCATION' });
    expect(spark.streams.active).toEqual([]);
  });

  it('a worker whose script cannot load rejects start() with WORKER_FAILED instead of hanging', async () => {
    registerWorkerFactory(() => webWorkerHandle(new Worker(new URL('./fixtures/no-such-worker.js', import.meta.url), { type: 'module' })));
    try {
      const spark = Session.builder().appName('worker').create();
      const { df } = counts(spark);
      const start = df.writeStream.outputMode('update').format('noop').start({ worker: true });
      await expect(start).rejects.toMatchObject({ errorClass: 'WORKER_FAILED', messageParameters: { option: 'worker' } });
      expect(spark.streams.active).toEqual([]);
    } finally {
      registerWorkerFactory(undefined);
    }
  });

  it('a ManualClock cannot drive a worker query', async () => {
    const spark = Session.builder().appName('worker').create();
    const { df } = counts(spark);
    const start = df.writeStream.outputMode('update').format('noop').start({ worker: true, clock: new ManualClock(0) });
    await expect(start).rejects.toMatchObject({ errorClass: 'UNSUPPORTED_FEATURE.WORKER', messageParameters: { option: 'clock' } });
  });

  it('resumes on an idb:// checkpoint written by an earlier worker query, repeating no batch', async () => {
    const database = `rivulet-worker-${run}`;
    databases.push(database);
    const location = `idb://${database}/q`;
    const spark = Session.builder().appName('worker').create();
    const mem = spark.memoryStream('k STRING, v INT');
    const df = mem.toDF().groupBy('k').agg(F.count('*').alias('n'));
    const ids: number[] = [];
    const rows: Record<string, unknown>[] = [];
    const start = () =>
      df.writeStream
        .outputMode('update')
        .option('checkpointLocation', location)
        .foreachBatch(async (b, id) => {
          ids.push(id);
          rows.push(...(await b.collect()));
        })
        .start({ worker: true });
    let q = await start();
    mem.addData([['a', 1]]);
    await q.processAllAvailable();
    await q.stop();
    q = await start();
    mem.addData([['a', 2], ['b', 1]]);
    await q.processAllAvailable();
    await q.stop();
    expect(ids).toEqual([0, 1]);
    expect(sorted(rows.slice(1))).toEqual([
      { k: 'a', n: 2 },
      { k: 'b', n: 1 },
    ]);
  });
});
