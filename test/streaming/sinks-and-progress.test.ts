import { describe, expect, it } from 'vitest';
import { F, Session, type StreamingQueryProgress } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

function newSession(): { spark: Session; logs: string[] } {
  const spark = Session.builder().appName('sinks').create();
  const logs: string[] = [];
  spark.logger = (t) => logs.push(t);
  return { spark, logs };
}

describe('sinks', () => {
  it('console sink prints Spark’s batch header and table', async () => {
    const { spark, logs } = newSession();
    const mem = spark.memoryStream('id INT, name STRING');
    const q = await mem.toDF().writeStream.format('console').start();
    mem.addData([
      [1, 'a'],
      [2, null],
    ]);
    await q.processAllAvailable();
    await q.stop();
    expect(logs).toEqual([
      [
        '-------------------------------------------',
        'Batch: 0',
        '-------------------------------------------',
        '+---+----+',
        '| id|name|',
        '+---+----+',
        '|  1|   a|',
        '|  2|NULL|',
        '+---+----+',
        '',
      ].join('\n'),
    ]);
  });

  it('memory sink is readable with spark.table(name), append keeps every row', async () => {
    const { spark } = newSession();
    const mem = spark.memoryStream('v INT');
    const q = await mem.toDF().writeStream.format('memory').queryName('vals').start();
    mem.addData([[1], [2]]);
    await q.processAllAvailable();
    mem.addData([[3]]);
    await q.processAllAvailable();
    expect(await spark.table('vals').collect()).toEqual([{ v: 1 }, { v: 2 }, { v: 3 }]);
    await q.stop();
  });

  it('foreach with an open/process/close writer gets the epoch id per batch', async () => {
    const { spark } = newSession();
    const mem = spark.memoryStream('v INT');
    const calls: string[] = [];
    const q = await mem
      .toDF()
      .writeStream.foreach({
        open: (partitionId, epochId) => {
          calls.push(`open(${partitionId},${epochId})`);
          return true;
        },
        process: (row) => {
          calls.push(`process(${String(row['v'])})`);
        },
        close: (err) => {
          calls.push(`close(${err === null ? 'null' : 'error'})`);
        },
      })
      .start();
    mem.addData([[1], [2]]);
    await q.processAllAvailable();
    mem.addData([[3]]);
    await q.processAllAvailable();
    await q.stop();
    expect(calls).toEqual(['open(0,0)', 'process(1)', 'process(2)', 'close(null)', 'open(0,1)', 'process(3)', 'close(null)']);
  });

  it('foreach accepts a plain function', async () => {
    const { spark } = newSession();
    const mem = spark.memoryStream('v INT');
    const seen: unknown[] = [];
    const q = await mem.toDF().writeStream.foreach((row) => void seen.push(row['v'])).start();
    mem.addData([[5], [6]]);
    await q.processAllAvailable();
    await q.stop();
    expect(seen).toEqual([5, 6]);
  });

  it('foreachBatch gets a batch DataFrame and the batch id; the batch commits after the promise', async () => {
    const { spark } = newSession();
    const mem = spark.memoryStream('k STRING, v INT');
    const got: [number, unknown][] = [];
    const q = await mem
      .toDF()
      .writeStream.foreachBatch(async (batch, id) => {
        expect(batch.isStreaming).toBe(false);
        const agg = await batch.groupBy('k').agg(F.sum('v').alias('s')).orderBy('k').collect();
        got.push([id, agg]);
      })
      .start();
    mem.addData([
      ['a', 1],
      ['b', 2],
      ['a', 3],
    ]);
    await q.processAllAvailable();
    await q.stop();
    expect(got).toEqual([
      [
        0,
        [
          { k: 'a', s: 4 },
          { k: 'b', s: 2 },
        ],
      ],
    ]);
  });
});

describe('StreamingQuery and progress', () => {
  it('reports Spark’s progress shape per batch', async () => {
    const { spark } = newSession();
    const mem = spark.memoryStream('v INT');
    const clock = new ManualClock(1_000);
    const q = await mem.toDF().filter(F.col('v').gt(1)).writeStream.format('memory').queryName('p1').trigger({ processingTime: 1000 }).start({ clock });
    mem.addData([[1], [2], [3]]);
    await clock.untilWaiting();
    clock.advance(1000);
    await clock.untilWaiting();
    const p = q.lastProgress as StreamingQueryProgress;
    expect(p.batchId).toBe(0);
    expect(p.numInputRows).toBe(3);
    expect(p.name).toBe('p1');
    expect(p.id).toBe(q.id);
    expect(p.runId).toBe(q.runId);
    expect(p.timestamp).toBe('1970-01-01T00:00:02.000Z');
    expect(p.sources).toHaveLength(1);
    expect(p.sources[0]!.startOffset).toBeNull();
    expect(p.sources[0]!.endOffset).toBe(0);
    expect(p.sources[0]!.numInputRows).toBe(3);
    expect(p.sink).toEqual({ description: 'MemorySink', numOutputRows: 2 });
    expect(Object.keys(p.durationMs).sort()).toEqual(['addBatch', 'commitOffsets', 'getBatch', 'latestOffset', 'queryPlanning', 'triggerExecution', 'walCommit']);
    expect(p.stateOperators).toEqual([]);
    expect(q.status).toEqual({ message: 'Waiting for data to arrive', isDataAvailable: false, isTriggerActive: false, warnings: [] });
    mem.addData([[4]]);
    clock.advance(1000);
    await clock.untilWaiting();
    expect(q.lastProgress?.batchId).toBe(1);
    expect(q.lastProgress?.sources[0]!.startOffset).toBe(0);
    expect(q.lastProgress?.sources[0]!.endOffset).toBe(1);
    // 1 row over the 1000 ms since the previous trigger.
    expect(q.lastProgress?.inputRowsPerSecond).toBe(1);
    expect(q.recentProgress.map((x) => x.batchId)).toEqual([0, 1]);
    await q.stop();
    expect(q.isActive).toBe(false);
    expect(q.status.message).toBe('Stopped');
  });

  it('listeners see started, progress, idle and terminated in order; spark.streams tracks actives', async () => {
    const { spark } = newSession();
    const mem = spark.memoryStream('v INT');
    const events: string[] = [];
    spark.streams.addListener({
      onQueryStarted: (e) => events.push(`started:${e.name}`),
      onQueryProgress: (e) => events.push(`progress:${e.progress.batchId}`),
      onQueryTerminated: (e) => events.push(`terminated:${e.exception}`),
    });
    const clock = new ManualClock();
    const q = await mem.toDF().writeStream.format('memory').queryName('l1').trigger({ processingTime: 100 }).start({ clock });
    expect(spark.streams.active.map((a) => a.name)).toEqual(['l1']);
    expect(spark.streams.get(q.id)).toBe(q);
    mem.addData([[1]]);
    await clock.untilWaiting();
    clock.advance(100);
    await clock.untilWaiting();
    await q.stop();
    expect(spark.streams.active).toEqual([]);
    expect(events).toEqual(['started:l1', 'progress:0', 'terminated:null']);
  });

  it('onQueryIdle is posted at most once per noDataProgressEventInterval, counted from the last batch', async () => {
    const { spark } = newSession();
    const mem = spark.memoryStream('v INT');
    const idle: number[] = [];
    const progress: number[] = [];
    const clock = new ManualClock(0);
    spark.streams.addListener({
      onQueryIdle: (e) => idle.push(Date.parse(e.timestamp)),
      onQueryProgress: (e) => progress.push(Date.parse(e.progress.timestamp)),
    });
    const q = await mem.toDF().writeStream.format('noop').trigger({ processingTime: 1000 }).start({ clock });
    // Triggers at 0, 1000, ..., 25000; data arrives before the trigger at 3000.
    for (let t = 0; t <= 25_000; t += 1000) {
      await clock.untilWaiting();
      if (t === 2000) mem.addData([[1]]);
      clock.advance(1000);
    }
    await clock.untilWaiting();
    await q.stop();
    await new Promise((r) => setTimeout(r, 0)); // listener events are delivered asynchronously
    expect(progress).toEqual([3000]);
    expect(idle).toEqual([0, 13_000, 23_000]);
  });

  it('query.explain() shows the incremental plan with its stateful operators', async () => {
    const { spark } = newSession();
    const mem = spark.memoryStream('k STRING, t TIMESTAMP');
    const q = await mem.toDF().withWatermark('t', '10 seconds').dropDuplicates(['k', 't']).limit(5).writeStream.format('noop').start();
    await q.stop();
    // Attribute ids (#n) depend on what ran before in this process.
    expect(q.explain().replace(/#\d+/g, '#')).toBe(
      [
        '== Physical Plan ==',
        'StreamingGlobalLimit 5, state info [operatorId = 0]',
        '+- StreamingDeduplicate [k#, t#], state info [operatorId = 1]',
        '   +- EventTimeWatermark t#: 10 seconds',
        '      +- LocalTableScan [k#, t#]',
        '',
      ].join('\n'),
    );
  });

  it('awaitTermination(timeout) returns false while running and true once stopped', async () => {
    const { spark } = newSession();
    const mem = spark.memoryStream('v INT');
    const q = await mem.toDF().writeStream.format('noop').start();
    expect(await q.awaitTermination(20)).toBe(false);
    await q.stop();
    expect(await q.awaitTermination(20)).toBe(true);
    expect(q.exception()).toBeNull();
  });

  it('one failing query does not stop another', async () => {
    const { spark } = newSession();
    const mem = spark.memoryStream('v INT');
    const bad = await mem.toDF().writeStream.foreachBatch(() => {
      throw new Error('bad sink');
    }).start();
    const good = await mem.toDF().writeStream.format('memory').queryName('good').start();
    mem.addData([[1]]);
    await expect(bad.awaitTermination()).rejects.toMatchObject({ errorClass: 'STREAM_FAILED' });
    await good.processAllAvailable();
    expect(good.isActive).toBe(true);
    expect(await spark.table('good').collect()).toEqual([{ v: 1 }]);
    await good.stop();
  });

  it('availableNow drains what exists at start in maxOffsetsPerTrigger-sized batches, then stops', async () => {
    const { spark } = newSession();
    const clock = new ManualClock(0);
    const df = spark.readStream.format('seed-events').option('backlog', 25).option('maxOffsetsPerTrigger', 10).option('eventsPerSecond', 1).load();
    const q = await df.select('offset').writeStream.format('memory').queryName('an').trigger({ availableNow: true }).start({ clock });
    expect(await q.awaitTermination(5000)).toBe(true);
    expect(q.recentProgress.map((p) => p.numInputRows)).toEqual([10, 10, 5]);
    const offsets = (await spark.table('an').collect()).map((r) => r['offset']);
    expect(offsets).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('the rate source produces rowsPerSecond rows per second of the query clock', async () => {
    const { spark } = newSession();
    const clock = new ManualClock(10_000);
    const q = await spark.readStream.format('rate').option('rowsPerSecond', 2).load().writeStream.format('memory').queryName('rate1').trigger({ processingTime: 1000 }).start({ clock });
    await clock.untilWaiting();
    clock.advance(1000);
    await clock.untilWaiting();
    clock.advance(1000);
    await clock.untilWaiting();
    await q.stop();
    const rows = await spark.table('rate1').collect();
    expect(rows.map((r) => r['value'])).toEqual([0, 1, 2, 3]);
    expect(rows.map((r) => (r['timestamp'] as Date).getTime())).toEqual([10_000, 10_500, 11_000, 11_500]);
  });

  it('writeStream on a batch DataFrame fails with Spark’s message', () => {
    const { spark } = newSession();
    expect(() => spark.createDataFrame([{ a: 1 }]).writeStream).toThrow('`writeStream` can be called only on streaming Dataset/DataFrame');
  });

  it('batch actions on a streaming DataFrame fail and point to writeStream.start()', async () => {
    const { spark } = newSession();
    const mem = spark.memoryStream('v INT');
    await expect(mem.toDF().collect()).rejects.toThrow('Queries with streaming sources must be executed with writeStream.start()');
  });
});
