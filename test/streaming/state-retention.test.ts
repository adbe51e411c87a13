import { describe, expect, it } from 'vitest';
import { Session } from '../../src/index.js';
import { memoryKV } from '../../src/storage/memory-kv.js';

describe('checkpoint retention (minBatchesToRetain, minDeltasForSnapshot)', () => {
  it('keeps only what recovery of the last N batches needs, and still resumes', async () => {
    const spark = Session.builder().appName('retention').create();
    spark.conf.set('spark.sql.streaming.minBatchesToRetain', 4);
    spark.conf.set('spark.sql.streaming.stateStore.minDeltasForSnapshot', 3);
    const name = `retention-${Date.now()}`;
    const mem = spark.memoryStream('k STRING');
    const start = () => mem.toDF().groupBy('k').count().writeStream.format('memory').queryName(`ret${Math.random()}`).outputMode('complete').option('checkpointLocation', `memory://${name}`).start();
    let q = await start();
    for (let i = 0; i < 12; i++) {
      mem.addData([[`k${i % 3}`]]);
      await q.processAllAvailable();
    }
    await q.stop();
    const keys: string[] = [];
    for await (const [k] of memoryKV(`checkpoint:${name}`).entries()) keys.push(k);
    const ids = (prefix: string) => keys.filter((k) => k.startsWith(prefix)).map((k) => Number(k.slice(prefix.length)));
    // 12 batches (0..11): offset and commit entries below 11 - 4 = 7 are purged.
    expect(ids('offsets/')).toEqual([7, 8, 9, 10, 11]);
    expect(ids('commits/')).toEqual([7, 8, 9, 10, 11]);
    // State versions 1..12, snapshots at 3, 6, 9, 12; at version 12 the horizon is 8: keep snapshot 6 on.
    expect(ids('state/0/0/snapshot/')).toEqual([6, 9, 12]);
    // Each kept snapshot's manifest has its chunk (3 keys: one); older chunks are purged with it.
    expect(keys.filter((k) => k.startsWith('state/0/0/snapshot-chunk/'))).toEqual([6, 9, 12].map((v) => `state/0/0/snapshot-chunk/${String(v).padStart(16, '0')}/000000`));
    expect(ids('state/0/0/delta/')).toEqual([7, 8, 9, 10, 11, 12]);
    q = await start();
    mem.addData([['k0']]);
    await q.processAllAvailable();
    expect(q.lastProgress?.batchId).toBe(12);
    expect(q.lastProgress?.stateOperators[0]?.numRowsTotal).toBe(3);
    await q.stop();
  });
});
