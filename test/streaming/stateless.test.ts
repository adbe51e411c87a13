import { describe, expect, it } from 'vitest';
import { F, RivuletError, Session } from '../../src/index.js';
import {
  AddData,
  AdvanceManualClock,
  AssertOnQuery,
  CheckAnswer,
  CheckLastBatch,
  CheckNewAnswer,
  ExpectFailure,
  ManualClock,
  MultiAddData,
  StartStream,
  StopStream,
  testStream,
} from '../../src/testing/index.js';

const spark = Session.builder().appName('stateless-tests').getOrCreate();

describe('stateless streaming queries', () => {
  it('select / filter / withColumn per batch (append)', async () => {
    const mem = spark.memoryStream('a INT, b STRING');
    const df = mem
      .toDF()
      .filter(F.col('a').gt(1))
      .withColumn('c', F.col('a').multiply(10))
      .select('b', 'c');
    await testStream(df, 'append')([
      AddData(mem, { a: 1, b: 'x' }, { a: 2, b: 'y' }, { a: 3, b: null }),
      CheckNewAnswer(['y', 20], [null, 30]),
      AddData(mem, { a: 5, b: 'z' }),
      CheckNewAnswer(['z', 50]),
      CheckAnswer(['y', 20], [null, 30], ['z', 50]),
      CheckLastBatch(['z', 50]),
    ]);
  });

  it('update mode without aggregation behaves like append', async () => {
    const mem = spark.memoryStream('a INT');
    await testStream(mem.toDF().select(F.col('a').plus(1).alias('b')), 'update')([
      AddData(mem, [1], [2]),
      CheckNewAnswer([2], [3]),
      AddData(mem, [3]),
      CheckNewAnswer([4]),
    ]);
  });

  it('complete mode without aggregation is rejected with Spark’s error class', async () => {
    const mem = spark.memoryStream('a INT');
    const err = await mem
      .toDF()
      .writeStream.format('memory')
      .queryName('nope')
      .outputMode('complete')
      .start()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RivuletError);
    expect((err as RivuletError).errorClass).toBe('STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION');
    expect((err as RivuletError).message).toContain('complete');
  });

  it('union of two streams', async () => {
    const m1 = spark.memoryStream('v INT');
    const m2 = spark.memoryStream('v INT');
    await testStream(m1.toDF().union(m2.toDF()))([
      AddData(m1, [1], [2]),
      CheckNewAnswer([1], [2]),
      MultiAddData({ source: m1, rows: [[3]] }, { source: m2, rows: [[30], [40]] }),
      CheckNewAnswer([3], [30], [40]),
      AddData(m2, [50]),
      CheckAnswer([1], [2], [3], [30], [40], [50]),
    ]);
  });

  it('stream-static inner and left outer joins re-read the static side each batch', async () => {
    const dims = spark.createDataFrame([{ k: 1, name: 'one' }, { k: 2, name: 'two' }], 'k INT, name STRING');
    const mem = spark.memoryStream('k INT, v STRING');
    const s = mem.toDF();
    await testStream(s.join(dims, 'k', 'inner'))([
      AddData(mem, [1, 'a'], [3, 'c']),
      CheckNewAnswer([1, 'a', 'one']),
      AddData(mem, [2, 'b']),
      CheckNewAnswer([2, 'b', 'two']),
    ]);
    const mem2 = spark.memoryStream('k INT, v STRING');
    await testStream(mem2.toDF().join(dims, 'k', 'left_outer'))([
      AddData(mem2, [1, 'a'], [3, 'c']),
      CheckNewAnswer([1, 'a', 'one'], [3, 'c', null]),
    ]);
  });

  it('static-stream left outer join is rejected as in Spark', async () => {
    const dims = spark.createDataFrame([{ k: 1 }], 'k INT');
    const mem = spark.memoryStream('k INT');
    const err = await dims
      .join(mem.toDF(), 'k', 'left_outer')
      .writeStream.format('memory')
      .queryName('x')
      .start()
      .catch((e: unknown) => e);
    expect((err as RivuletError).message).toContain(
      'LeftOuter join with a streaming DataFrame/Dataset on the right and a static DataFrame/Dataset on the left is not supported',
    );
  });

  it('fromJson / toJson on streaming columns', async () => {
    const mem = spark.memoryStream('value STRING');
    const parsed = mem
      .toDF()
      .select(F.fromJson(F.col('value'), 'id INT, tags ARRAY<STRING>').alias('j'))
      .select(F.col('j.id').alias('id'), F.toJson(F.col('j')).alias('back'));
    await testStream(parsed)([
      AddData(mem, ['{"id": 7, "tags": ["a","b"]}'], ['not json']),
      // Spark ≥ 3.0 PERMISSIVE: a malformed record parses to a struct of nulls, which to_json writes as {}.
      CheckNewAnswer([7, '{"id":7,"tags":["a","b"]}'], [null, '{}']),
    ]);
  });

  it('recovers from its checkpoint across StopStream/StartStream without repeating output', async () => {
    const mem = spark.memoryStream('a INT');
    await testStream(mem.toDF().select(F.col('a').multiply(2).alias('d')))([
      AddData(mem, [1]),
      CheckNewAnswer([2]),
      StopStream,
      AddData(mem, [2], [3]),
      StartStream(),
      CheckNewAnswer([4], [6]),
      StopStream,
      StartStream(),
      AddData(mem, [4]),
      CheckAnswer([2], [4], [6], [8]),
    ]);
  });

  it('a processing-time trigger with a manual clock runs one batch per interval', async () => {
    const mem = spark.memoryStream('a INT');
    const clock = new ManualClock();
    await testStream(mem.toDF())([
      StartStream({ trigger: { processingTime: '10 seconds' }, clock }),
      AddData(mem, [1]),
      AdvanceManualClock(10_000),
      CheckNewAnswer([1]),
      AddData(mem, [2]),
      AddData(mem, [3]),
      AdvanceManualClock(10_000),
      CheckNewAnswer([2], [3]),
      AssertOnQuery((q) => q.lastProgress?.batchId === 1 && q.lastProgress.numInputRows === 2, 'batch 1 read 2 rows'),
    ]);
  });

  it('Trigger.once runs exactly one batch per start', async () => {
    const mem = spark.memoryStream('a INT');
    mem.addData([[1], [2]]);
    mem.addData([[3]]);
    await testStream(mem.toDF())([
      StartStream({ trigger: { once: true } }),
      CheckAnswer([1], [2], [3]),
      AssertOnQuery((q) => !q.isActive && q.recentProgress.length === 1, 'stopped after one batch'),
      AddData(mem, [4]),
      StartStream({ trigger: { once: true } }),
      CheckAnswer([1], [2], [3], [4]),
    ]);
  });

  it('an exception in foreachBatch stops the query with STREAM_FAILED and the original cause', async () => {
    const mem = spark.memoryStream('a INT');
    const boom = new Error('boom in user code');
    const events: string[] = [];
    const listener = {
      onQueryTerminated: (e: { exception: string | null }) => events.push(`terminated:${e.exception ? 'error' : 'ok'}`),
    };
    spark.streams.addListener(listener);
    const q = await mem
      .toDF()
      .writeStream.foreachBatch(async (_df, id) => {
        if (id === 1) throw boom;
      })
      .start();
    mem.addData([[1]]);
    await q.processAllAvailable();
    mem.addData([[2]]);
    const err = (await q.awaitTermination().catch((e: unknown) => e)) as RivuletError;
    expect(err).toBeInstanceOf(RivuletError);
    expect(err.errorClass).toBe('STREAM_FAILED');
    expect(err.cause).toBe(boom);
    expect(q.exception()).toBe(err);
    expect(q.isActive).toBe(false);
    expect(q.recentProgress.map((p) => p.batchId)).toEqual([0]);
    await new Promise((r) => setTimeout(r, 0));
    spark.streams.removeListener(listener);
    expect(events).toEqual(['terminated:error']);
  });

  it('ExpectFailure sees a query that fails on bad input in ANSI mode', async () => {
    const ansi = spark.newSession();
    ansi.conf.set('spark.sql.ansi.enabled', true);
    const mem = ansi.memoryStream('s STRING');
    const df = mem.toDF().select(F.col('s').cast('int').alias('i'));
    await testStream(df)([AddData(mem, ['12']), CheckNewAnswer([12]), AddData(mem, ['x1']), ExpectFailure('CAST_INVALID_INPUT')]);
  });

  it('a failed check reports the script, the sink contents and the plan', async () => {
    const mem = spark.memoryStream('a INT');
    const err = (await testStream(mem.toDF())([AddData(mem, [1]), CheckNewAnswer([2])]).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('testStream failed: rows differ');
    expect(err.message).toContain('=> CheckNewAnswer([2])');
    expect(err.message).toContain('== Sink (all data, 1 rows) ==\n[1]');
    expect(err.message).toContain('== Physical Plan ==');
  });
});
