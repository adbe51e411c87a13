// Source metadata (Spark's sources/<i>/0): what a source fixes once per checkpoint survives a
// restart, so the rate source's rows and timestamps continue from the first run's start time.
import { describe, expect, it } from 'vitest';
import { RivuletError, Session } from '../../src/index.js';
import { openCheckpoint } from '../../src/checkpoint/locations.js';
import { encodeEntry } from '../../src/checkpoint/entry-format.js';
import { memoryKV } from '../../src/storage/memory-kv.js';
import { ManualClock } from '../../src/testing/index.js';

let n = 0;
const unique = (p: string) => `${p}-${++n}-${Date.now()}`;

async function runRate(spark: Session, location: string, clock: ManualClock, seconds: number): Promise<void> {
  const q = await spark.readStream
    .format('rate')
    .option('rowsPerSecond', 2)
    .load()
    .writeStream.format('memory')
    .queryName('rate')
    .option('checkpointLocation', location)
    .trigger({ processingTime: 1000 })
    .start({ clock });
  for (let i = 0; i < seconds; i++) {
    await clock.untilWaiting();
    clock.advance(1000);
  }
  await clock.untilWaiting();
  await q.stop();
  expect(q.exception()).toBeNull();
}

describe('source metadata', () => {
  it('the rate source keeps its start time across a restart (sources/0/0)', async () => {
    const spark = Session.builder().appName('source-metadata').getOrCreate().newSession();
    const name = unique('rate-meta');
    const location = `memory://${name}`;
    await runRate(spark, location, new ManualClock(10_000), 2);
    const first = await spark.table('rate').collect();
    expect(first.map((r) => r['value'])).toEqual([0, 1, 2, 3]);

    const cp = await openCheckpoint(location);
    expect(await cp.sourceMetadata(0).get(0)).toEqual({ v: 1, description: expect.stringMatching(/^RateStreamV2\[rowsPerSecond=2/), metadata: { startTimeMs: 10_000 } });
    expect((await cp.offsets.getLatest())?.entry.offsets).toEqual([2]);
    await cp.close();

    // Restarted 5 s later by its clock: the offsets continue at second 2 and the start time is
    // the first run's, so values 4.. carry timestamps 12 000 ms onwards, then catch up to now.
    await runRate(spark, location, new ManualClock(17_000), 0);
    const second = await spark.table('rate').collect();
    expect(second.map((r) => r['value'])).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(second.map((r) => (r['timestamp'] as Date).getTime())).toEqual([12_000, 12_500, 13_000, 13_500, 14_000, 14_500, 15_000, 15_500, 16_000, 16_500]);
  });

  it('a corrupt metadata entry fails the start with CHECKPOINT_CORRUPT naming the key', async () => {
    const spark = Session.builder().appName('source-metadata').getOrCreate().newSession();
    const name = unique('rate-meta-bad');
    await memoryKV(`checkpoint:${name}`).batch([{ type: 'put', key: 'sources/0/0000000000000000', value: 'v1\n0\n{"v":1}' }]);
    const start = spark.readStream.format('rate').load().writeStream.format('noop').option('checkpointLocation', `memory://${name}`).start({ clock: new ManualClock(0) });
    await expect(start).rejects.toThrow(RivuletError);
    await expect(start).rejects.toMatchObject({ errorClass: 'CHECKPOINT_CORRUPT', message: expect.stringContaining('sources/0/0000000000000000') });

    const other = unique('rate-meta-nostart');
    await memoryKV(`checkpoint:${other}`).batch([
      { type: 'put', key: 'sources/0/0000000000000000', value: encodeEntry(1, { v: 1, description: 'rate', metadata: { start: 1 } }) },
    ]);
    const start2 = spark.readStream.format('rate').load().writeStream.format('noop').option('checkpointLocation', `memory://${other}`).start({ clock: new ManualClock(0) });
    await expect(start2).rejects.toMatchObject({ errorClass: 'CHECKPOINT_CORRUPT', message: expect.stringContaining('startTimeMs') });
  });
});
