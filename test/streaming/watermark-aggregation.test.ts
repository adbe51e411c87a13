// Transcribed from Spark's EventTimeWatermarkSuite / StreamingAggregationSuite (expected rows,
// watermarks and state-row counts are Spark's).
import { describe, expect, it } from 'vitest';
import { F, RivuletError, Session, type DataFrame, type StreamingQuery } from '../../src/index.js';
import {
  AddData,
  AssertOnQuery,
  CheckAnswer,
  CheckLastBatch,
  CheckNewAnswer,
  StartStream,
  StopStream,
  testStream,
} from '../../src/testing/index.js';

const spark = Session.builder().appName('watermark-tests').getOrCreate();

const stateOp = (q: StreamingQuery) => q.lastProgress?.stateOperators[0];
const assertNumStateRows = (n: number) => AssertOnQuery((q) => stateOp(q)?.numRowsTotal === n, `numRowsTotal = ${n}`);
// As Spark's StateStoreMetricsTest: the last batch that had input.
const assertDropped = (n: number) =>
  AssertOnQuery((q) => q.recentProgress.filter((p) => p.numInputRows > 0).at(-1)?.stateOperators[0]?.numRowsDroppedByWatermark === n, `numRowsDroppedByWatermark = ${n}`);
const assertWatermarkMs = (ms: number) => AssertOnQuery((q) => q.lastProgress?.eventTime['watermark'] === new Date(ms).toISOString(), `watermark = ${ms}`);

function windowedCount(input: DataFrame): DataFrame {
  return input
    .withColumn('eventTime', F.col('value').cast('timestamp'))
    .withWatermark('eventTime', '10 seconds')
    .groupBy(F.window(F.col('eventTime'), '5 seconds').alias('window'))
    .agg(F.count('*').alias('count'))
    .select(F.col('window').getField('start').cast('long').alias('start'), F.col('count'));
}

describe('watermarks and windowed aggregation (EventTimeWatermarkSuite)', () => {
  it('append mode', async () => {
    const mem = spark.memoryStream('value INT');
    await testStream(windowedCount(mem.toDF()), 'append')([
      AddData(mem, [10], [11], [12], [13], [14], [15]),
      CheckNewAnswer(),
      AddData(mem, [25]), // watermark → 15
      CheckNewAnswer([10, 5]),
      assertNumStateRows(2),
      assertDropped(0),
      AddData(mem, [10]), // window [10,15) ends at the watermark: late
      CheckNewAnswer(),
      assertNumStateRows(2),
      assertDropped(1),
    ]);
  });

  it('update mode', async () => {
    const mem = spark.memoryStream('value INT');
    await testStream(windowedCount(mem.toDF()), 'update')([
      AddData(mem, [10], [11], [12], [13], [14], [15]),
      CheckNewAnswer([10, 5], [15, 1]),
      AddData(mem, [25]), // watermark → 15
      CheckNewAnswer([25, 1]),
      assertNumStateRows(2),
      assertDropped(0),
      AddData(mem, [10], [25]), // 10 is ignored: its window ends at the watermark
      CheckNewAnswer([25, 2]),
      assertNumStateRows(2),
      assertDropped(1),
      AddData(mem, [10]),
      CheckNewAnswer(),
      assertNumStateRows(2),
      assertDropped(1),
    ]);
  });

  it('complete mode never drops or evicts', async () => {
    const mem = spark.memoryStream('value INT');
    await testStream(windowedCount(mem.toDF()), 'complete')([
      AddData(mem, [10], [11], [12], [13], [14], [15]),
      CheckLastBatch([10, 5], [15, 1]),
      AddData(mem, [25]),
      CheckLastBatch([10, 5], [15, 1], [25, 1]),
      AddData(mem, [10]),
      CheckLastBatch([10, 6], [15, 1], [25, 1]),
    ]);
  });

  it('group by on raw timestamp (append)', async () => {
    const mem = spark.memoryStream('value INT');
    const df = mem
      .toDF()
      .withColumn('eventTime', F.col('value').cast('timestamp'))
      .withWatermark('eventTime', '10 seconds')
      .groupBy(F.col('eventTime'))
      .agg(F.count('*').alias('count'))
      .select(F.col('eventTime').cast('long').alias('eventTime'), F.col('count'));
    await testStream(df)([
      AddData(mem, [10]),
      CheckNewAnswer(),
      AddData(mem, [25]), // watermark → 15
      CheckNewAnswer([10, 1]),
    ]);
  });

  it('event time and watermark metrics: the watermark applies from the next batch', async () => {
    const mem = spark.memoryStream('value INT');
    await testStream(windowedCount(mem.toDF()))([
      AddData(mem, [15]),
      AssertOnQuery((q) => {
        const e = q.recentProgress.find((p) => p.numInputRows > 0)!.eventTime;
        return e['avg'] === '1970-01-01T00:00:15.000Z' && e['max'] === e['avg'] && e['min'] === e['avg'] && e['watermark'] === '1970-01-01T00:00:00.000Z';
      }, 'batch 0: event time 15, watermark 0'),
      AddData(mem, [10], [12], [14]),
      AssertOnQuery((q) => {
        const e = q.recentProgress.filter((p) => p.numInputRows > 0).at(-1)!.eventTime;
        return e['avg'] === '1970-01-01T00:00:12.000Z' && e['min'] === '1970-01-01T00:00:10.000Z' && e['max'] === '1970-01-01T00:00:14.000Z' && e['watermark'] === '1970-01-01T00:00:05.000Z';
      }, 'batch 1 runs with watermark 5 computed from batch 0'),
    ]);
  });

  it('recovery: state and the global watermark survive a restart', async () => {
    const mem = spark.memoryStream('value INT');
    await testStream(windowedCount(mem.toDF()))([
      AddData(mem, [10], [11], [12], [13], [14], [15]),
      CheckAnswer(),
      AddData(mem, [25]), // watermark → 15
      CheckAnswer([10, 5]),
      StopStream,
      StartStream(),
      AddData(mem, [10], [27], [30]), // watermark → 20; 10 is ignored
      CheckAnswer([10, 5], [15, 1]),
      StopStream,
      StartStream(),
      AddData(mem, [17]), // the restored watermark is still 20: 17 is ignored
      CheckAnswer([10, 5], [15, 1]),
      assertWatermarkMs(20_000),
      AddData(mem, [40]), // watermark → 30
      CheckNewAnswer([25, 2]), // 25 (from before the restarts) and 27
    ]);
  });

  it('no-data batches can be disabled', async () => {
    const s = spark.newSession();
    s.conf.set('spark.sql.streaming.noDataMicroBatches.enabled', false);
    const mem = s.memoryStream('value INT');
    await testStream(windowedCount(mem.toDF()))([
      AddData(mem, [10], [11], [12], [13], [14], [15]),
      CheckNewAnswer(),
      AddData(mem, [25]), // watermark → 15 but no batch runs to emit [10,15)
      CheckNewAnswer(),
      AddData(mem, [25]),
      CheckNewAnswer([10, 5]),
    ]);
  });

  it('a non-timestamp or negative watermark is rejected when the query is defined', () => {
    const mem = spark.memoryStream('value INT');
    expect(() => mem.toDF().withWatermark('value', '1 second')).toThrow(RivuletError);
    expect(() => mem.toDF().withWatermark('value', '1 second')).toThrow(/`value`.*INT/);
    const ts = mem.toDF().withColumn('t', F.col('value').cast('timestamp'));
    for (const d of ['-1 year', '1 year -13 months', '1 month -40 days', '-10 seconds']) {
      expect(() => ts.withWatermark('t', d)).toThrow(`delay threshold (${d}) should not be negative.`);
    }
    expect(() => ts.withWatermark('nope', '1 second')).toThrow(/nope/);
  });

  it('append on an aggregation without a watermarked key is rejected with Spark’s error', async () => {
    const mem = spark.memoryStream('value INT');
    const err = (await mem.toDF().groupBy('value').count().writeStream.format('memory').queryName('x').outputMode('append').start().catch((e: unknown) => e)) as RivuletError;
    expect(err.errorClass).toBe('STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION');
    expect(err.message).toContain('not supported for streaming aggregations without watermark');
  });
});

describe('streaming aggregation without watermark (StreamingAggregationSuite)', () => {
  it('simple count, update mode', async () => {
    const mem = spark.memoryStream('value INT');
    const df = mem.toDF().groupBy('value').agg(F.count('*').alias('count'));
    await testStream(df, 'update')([
      AddData(mem, [3]),
      CheckLastBatch([3, 1]),
      AddData(mem, [3], [2]),
      CheckLastBatch([3, 2], [2, 1]),
      StopStream,
      StartStream(),
      AddData(mem, [3], [2], [1]),
      CheckLastBatch([3, 3], [2, 2], [1, 1]),
      AddData(mem, [4], [4], [4], [4]),
      CheckLastBatch([4, 4]),
    ]);
  });

  it('simple count, complete mode', async () => {
    const mem = spark.memoryStream('value INT');
    const df = mem.toDF().groupBy('value').agg(F.count('*').alias('count'));
    await testStream(df, 'complete')([
      AddData(mem, [3]),
      CheckLastBatch([3, 1]),
      AddData(mem, [2]),
      CheckLastBatch([3, 1], [2, 1]),
      StopStream,
      StartStream(),
      AddData(mem, [3], [2], [1]),
      CheckLastBatch([3, 2], [2, 2], [1, 1]),
      AddData(mem, [4], [4], [4], [4]),
      CheckLastBatch([4, 4], [3, 2], [2, 2], [1, 1]),
    ]);
  });

  it('warns that an update aggregation without a watermark keeps state forever', async () => {
    const mem = spark.memoryStream('value INT');
    const q = await mem.toDF().groupBy('value').count().writeStream.format('noop').outputMode('update').start();
    // One for the unbounded aggregation state, one for the temporary (in-memory) checkpoint.
    expect(q.status.warnings).toHaveLength(2);
    expect(q.status.warnings[0]).toContain('(aggregation) can never evict state');
    expect(q.status.warnings[1]).toContain('temporary in-memory checkpoint');
    await q.stop();
  });
});
