import { describe, expect, it } from 'vitest';
import { Session } from '../../src/index.js';
import { MemorySink } from '../../src/sinks/memory-sink.js';
import { RateSource } from '../../src/sources/rate-source.js';
import { SeedEventSource } from '../../src/sources/seed-events.js';
import { checkSinkContract, checkSourceContract, ManualClock } from '../../src/testing/index.js';

const spark = Session.builder().appName('contracts').getOrCreate();

describe('Source contract', () => {
  it('MemoryStream', async () => {
    const mem = spark.memoryStream('a INT, b STRING');
    mem.addData([[1, 'x']]);
    mem.addData([[2, 'y'], [3, 'z']]);
    await checkSourceContract(mem, { expectRows: 3 });
  });

  it('MemoryStream takes one addData of 200k rows (no argument-spread limit)', async () => {
    const mem = spark.memoryStream('v INT');
    mem.addData(Array.from({ length: 200_000 }, (_, i) => [i]));
    const q = await mem.toDF().writeStream.format('noop').start();
    await q.processAllAvailable();
    await q.stop();
    expect(q.exception()).toBeNull();
    expect(q.recentProgress.map((p) => p.numInputRows)).toEqual([200_000]);
  });

  it('rate source (replays rows and timestamps from offsets alone)', async () => {
    const clock = new ManualClock(5_000);
    const src = new RateSource({ rowsPerSecond: '3' }, { clock });
    expect(await src.latestOffset(null, { kind: 'all' })).toBeNull();
    clock.advance(2_000);
    await checkSourceContract(src, { expectRows: 6 });
    const replay = new RateSource({ rowsPerSecond: '3' }, { clock: new ManualClock(999_999) });
    expect(await replay.initialize({ startTimeMs: 5_000 })).toEqual({ startTimeMs: 5_000 });
    const rows = await replay.getBatch(1, 2);
    expect(rows).toEqual([
      [6_000_000, 3],
      [6_333_000, 4],
      [6_667_000, 5],
    ]);
  });

  it('rate source ramps up like Spark', async () => {
    const { valueAtSecond } = await import('../../src/sources/rate-source.js');
    // Spark's doc example: rampUpTime 4, rowsPerSecond 10 → 0 2 6 12 20 30 40.
    expect([0, 1, 2, 3, 4, 5, 6].map((s) => valueAtSecond(s, 10, 4))).toEqual([0, 2, 6, 12, 20, 30, 40]);
  });

  it('seed-events source with maxOffsetsPerTrigger', async () => {
    const src = new SeedEventSource({ backlog: '25', maxOffsetsPerTrigger: '10' }, { clock: new ManualClock(0) });
    await checkSourceContract(src, { expectRows: 25 });
  });
});

describe('Sink contract', () => {
  it('memory sink is exactly-once per batch id', async () => {
    const sink = new MemorySink('append');
    await checkSinkContract(spark, sink, async () => sink.allData());
  });
});

describe('source options', () => {
  it('seed-events rejects a non-positive rate, naming the option', () => {
    expect(() => new SeedEventSource({ eventsPerSecond: '0' }, { clock: new ManualClock(0) })).toThrow(/'eventsPerSecond'/);
  });
});
