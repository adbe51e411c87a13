// Transcribed from Spark's MultiStatefulOperatorsSuite
// (sql/core/src/test/scala/org/apache/spark/sql/streaming/MultiStatefulOperatorsSuite.scala):
// the cases without joins or session windows. Expected rows and state counts are Spark's; state
// operators are listed from the sink down (Spark's progress order). Comments "op1 W (a, b)" give
// (late-events, eviction) watermarks, as in Spark's test.
import { describe, it } from 'vitest';
import { F, Session } from '../../src/index.js';
import { AddData, AssertOnQuery, CheckNewAnswer, testStream, type StreamAction } from '../../src/testing/index.js';

import { ints, range } from './spark-helpers.js';
const spark = Session.builder().appName('spark-multi-stateful-tests').getOrCreate();


// MultiStatefulOperatorsSuite's private helpers.
const assertNumStateRows = (numTotalRows: number[]): StreamAction =>
  AssertOnQuery((q) => {
    const ops = q.recentProgress.at(-1)!.stateOperators;
    return ops.length === numTotalRows.length && ops.every((o, i) => o.numRowsTotal === numTotalRows[i]);
  }, `numRowsTotal per operator = ${JSON.stringify(numTotalRows)}`);
const assertNumRowsDroppedByWatermark = (dropped: number[]): StreamAction =>
  AssertOnQuery((q) => {
    const ops = q.recentProgress.filter((p) => p.numInputRows !== 0).at(-1)!.stateOperators;
    return ops.length === dropped.length && ops.every((o, i) => o.numRowsDroppedByWatermark === dropped[i]);
  }, `numRowsDroppedByWatermark per operator = ${JSON.stringify(dropped)}`);

const watermarked = (delay: string) => {
  const inputData = spark.memoryStream('value INT');
  const df = inputData.toDF().withColumn('eventTime', F.timestampSeconds(F.col('value'))).withWatermark('eventTime', delay);
  return { inputData, df };
};

describe('MultiStatefulOperatorsSuite', () => {
  // test("window agg -> window agg, append mode")
  it('window agg -> window agg, append mode', async () => {
    const { inputData, df } = watermarked('0 seconds');
    const stream = df
      .groupBy(F.window(F.col('eventTime'), '5 seconds').alias('window'))
      .agg(F.count('*').alias('count'))
      .groupBy(F.window(F.col('window'), '10 seconds'))
      .agg(F.count('*').alias('count'), F.sum('count').alias('sum'))
      .select(F.col('window').getField('start').cast('long'), F.col('count'), F.col('sum'));

    await testStream(stream)([
      AddData(inputData, ...ints(...range(10, 21))),
      // op1 W (0, 0)
      // agg: [10, 15) 5, [15, 20) 5, [20, 25) 2
      // output: None
      // state: [10, 15) 5, [15, 20) 5, [20, 25) 2
      // op2 W (0, 0)
      // agg: None
      // output: None
      // state: None

      // no-data batch triggered

      // op1 W (0, 21)
      // agg: None
      // output: [10, 15) 5, [15, 20) 5
      // state: [20, 25) 2
      // op2 W (0, 21)
      // agg: [10, 20) (2, 10)
      // output: [10, 20) (2, 10)
      // state: None
      CheckNewAnswer([10, 2, 10]),
      assertNumStateRows([0, 1]),
      assertNumRowsDroppedByWatermark([0, 0]),

      AddData(inputData, ...ints(...range(10, 29))),
      // op1 W (21, 21)
      // agg: [10, 15) 5 - late, [15, 20) 5 - late, [20, 25) 5, [25, 30) 5
      // output: None
      // state: [20, 25) 7, [25, 30) 5
      // op2 W (21, 21)
      // agg: None
      // output: None
      // state: None

      // no-data batch triggered

      // op1 W (21, 29)
      // agg: None
      // output: [20, 25) 7
      // state: [25, 30) 5
      // op2 W (21, 29)
      // agg: [20, 30) (1, 7)
      // output: None
      // state: [20, 30) (1, 7)
      CheckNewAnswer(),
      assertNumStateRows([1, 1]),
      assertNumRowsDroppedByWatermark([0, 2]),

      // Move the watermark.
      AddData(inputData, ...ints(30, 31)),
      // op1 W (29, 29)
      // agg: [30, 35) 2
      // output: None
      // state: [25, 30) 5 [30, 35) 2
      // op2 W (29, 29)
      // agg: None
      // output: None
      // state: [20, 30) (1, 7)

      // no-data batch triggered

      // op1 W (29, 31)
      // agg: None
      // output: [25, 30) 5
      // state: [30, 35) 2
      // op2 W (29, 31)
      // agg: [20, 30) (2, 12)
      // output: [20, 30) (2, 12)
      // state: None
      CheckNewAnswer([20, 2, 12]),
      assertNumStateRows([0, 1]),
      assertNumRowsDroppedByWatermark([0, 0]),
    ]);
  });

  // test("agg -> agg -> agg, append mode")
  it('agg -> agg -> agg, append mode', async () => {
    const { inputData, df } = watermarked('0 seconds');
    const stream = df
      .groupBy(F.window(F.col('eventTime'), '5 seconds').alias('window'))
      .agg(F.count('*').alias('count'))
      .groupBy(F.window(F.windowTime(F.col('window')), '10 seconds'))
      .agg(F.count('*').alias('count'), F.sum('count').alias('sum'))
      .groupBy(F.window(F.windowTime(F.col('window')), '20 seconds'))
      .agg(F.count('*').alias('count'), F.sum('sum').alias('sum'))
      .select(F.col('window').getField('start').cast('long'), F.col('window').getField('end').cast('long'), F.col('count'), F.col('sum'));

    await testStream(stream)([
      AddData(inputData, ...ints(...range(0, 37))),
      // op1 W (0, 0)
      // agg: [0, 5) 5, [5, 10) 5, [10, 15) 5, [15, 20) 5, [20, 25) 5, [25, 30) 5, [30, 35) 5,
      //   [35, 40) 3
      // output: None
      // state: [0, 5) 5, [5, 10) 5, [10, 15) 5, [15, 20) 5, [20, 25) 5, [25, 30) 5, [30, 35) 5,
      //   [35, 40) 3
      // op2 W (0, 0)
      // agg: None
      // output: None
      // state: None
      // op3 W (0, 0)
      // agg: None
      // output: None
      // state: None

      // no-data batch triggered

      // op1 W (0, 37)
      // agg: None
      // output: [0, 5) 5, [5, 10) 5, [10, 15) 5, [15, 20) 5, [20, 25) 5, [25, 30) 5, [30, 35) 5
      // state: [35, 40) 3
      // op2 W (0, 37)
      // agg: [0, 10) (2, 10), [10, 20) (2, 10), [20, 30) (2, 10), [30, 40) (1, 5)
      // output: [0, 10) (2, 10), [10, 20) (2, 10), [20, 30) (2, 10)
      // state: [30, 40) (1, 5)
      // op3 W (0, 37)
      // agg: [0, 20) (2, 20), [20, 40) (1, 10)
      // output: [0, 20) (2, 20)
      // state: [20, 40) (1, 10)
      CheckNewAnswer([0, 20, 2, 20]),
      assertNumStateRows([1, 1, 1]),
      assertNumRowsDroppedByWatermark([0, 0, 0]),

      AddData(inputData, ...ints(...range(30, 60))),
      // op1 W (37, 37)
      // dropped rows: [30, 35), 1 row <= note that 35, 36, 37 are still in effect
      // agg: [35, 40) 8, [40, 45) 5, [45, 50) 5, [50, 55) 5, [55, 60) 5, [60, 65) 1
      // output: None
      // state: [35, 40) 8, [40, 45) 5, [45, 50) 5, [50, 55) 5, [55, 60) 5, [60, 65) 1
      // op2 W (37, 37)
      // output: None
      // state: [30, 40) (1, 5)
      // op3 W (37, 37)
      // output: None
      // state: [20, 40) (1, 10)

      // no-data batch
      // op1 W (37, 60)
      // output: [35, 40) 8, [40, 45) 5, [45, 50) 5, [50, 55) 5, [55, 60) 5
      // state: [60, 65) 1
      // op2 W (37, 60)
      // agg: [30, 40) (2, 13), [40, 50) (2, 10), [50, 60), (2, 10)
      // output: [30, 40) (2, 13), [40, 50) (2, 10), [50, 60), (2, 10)
      // state: None
      // op3 W (37, 60)
      // agg: [20, 40) (2, 23), [40, 60) (2, 20)
      // output: [20, 40) (2, 23), [40, 60) (2, 20)
      // state: None
      CheckNewAnswer([20, 40, 2, 23], [40, 60, 2, 20]),
      assertNumStateRows([0, 0, 1]),
      assertNumRowsDroppedByWatermark([0, 0, 1]),
    ]);
  });

  // test("stream deduplication -> aggregation, append mode")
  it('stream deduplication -> aggregation, append mode', async () => {
    const { inputData, df } = watermarked('10 seconds');
    const deduplication = df.dropDuplicates(['value', 'eventTime']);
    const windowedAggregation = deduplication
      .groupBy(F.window(F.col('eventTime'), '5 seconds').alias('window'))
      .agg(F.count('*').alias('count'), F.sum('value').alias('sum'))
      .select(F.col('window').getField('start').cast('long'), F.col('count'));

    await testStream(windowedAggregation)([
      AddData(inputData, ...ints(...range(1, 15))),
      // op1 W (0, 0)
      // input: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
      // deduplicated: None
      // output: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
      // state: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
      // op2 W (0, 0)
      // agg: [0, 5) 4, [5, 10) 5 [10, 15) 5, [15, 20) 1
      // output: None
      // state: [0, 5) 4, [5, 10) 5 [10, 15) 5, [15, 20) 1

      // no-data batch triggered

      // op1 W (0, 5)
      // agg: None
      // output: None
      // state: 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
      // op2 W (0, 5)
      // agg: None
      // output: [0, 5) 4
      // state: [5, 10) 5 [10, 15) 5, [15, 20) 1
      CheckNewAnswer([0, 4]),
      assertNumStateRows([3, 10]),
      assertNumRowsDroppedByWatermark([0, 0]),
    ]);
  });

  // test("aggregation -> stream deduplication, append mode")
  // Spark reuses one MemoryStream for both queries; its MemoryStream drops committed data, so the
  // second query only sees the rows added after the first one. A fresh input gives the same.
  it('aggregation -> stream deduplication, append mode', async () => {
    const aggStream = (df: ReturnType<typeof watermarked>['df']) =>
      df
        .groupBy(F.window(F.col('eventTime'), '5 seconds').alias('window'))
        .agg(F.count('*').alias('count'))
        .withColumn('windowEnd', F.expr('window.end'));

    // dropDuplicates from aggStream without event time column for dropDuplicates - the
    // state does not get trimmed due to watermark advancement.
    const first = watermarked('0 seconds');
    const dedupNoEventTime = aggStream(first.df)
      .dropDuplicates(['count', 'windowEnd'])
      .select(F.col('windowEnd').cast('long'), F.col('count'));

    await testStream(dedupNoEventTime)([
      AddData(first.inputData, ...ints(1, 5, 10, 15)),

      // op1 W (0, 0)
      // agg: [0, 5) 1, [5, 10) 1, [10, 15) 1, [15, 20) 1
      // output: None
      // state: [0, 5) 1, [5, 10) 1, [10, 15) 1, [15, 20) 1
      // op2 W (0, 0)
      // output: None
      // state: None

      // no-data batch triggered

      // op1 W (0, 15)
      // agg: None
      // output: [0, 5) 1, [5, 10) 1, [10, 15) 1
      // state: [15, 20) 1
      // op2 W (0, 15)
      // output: (5, 1), (10, 1), (15, 1)
      // state: (5, 1), (10, 1), (15, 1)

      CheckNewAnswer([5, 1], [10, 1], [15, 1]),
      assertNumStateRows([3, 1]),
      assertNumRowsDroppedByWatermark([0, 0]),
    ]);

    // Similar to the above but add event time. The dedup state will get trimmed.
    const second = watermarked('0 seconds');
    const dedupWithEventTime = aggStream(second.df)
      .withColumn('windowTime', F.expr('window_time(window)'))
      .withColumn('windowTimeMicros', F.expr('unix_micros(windowTime)'))
      .dropDuplicates(['count', 'windowEnd', 'windowTime'])
      .select(F.col('windowEnd').cast('long'), F.col('windowTimeMicros').cast('long'), F.col('count'));

    await testStream(dedupWithEventTime)([
      AddData(second.inputData, ...ints(1, 5, 10, 15)),

      // op1 W (0, 0)
      // agg: [0, 5) 1, [5, 10) 1, [10, 15) 1, [15, 20) 1
      // output: None
      // state: [0, 5) 1, [5, 10) 1, [10, 15) 1, [15, 20) 1
      // op2 W (0, 0)
      // output: None
      // state: None

      // no-data batch triggered

      // op1 W (0, 15)
      // agg: None
      // output: [0, 5) 1, [5, 10) 1, [10, 15) 1
      // state: [15, 20) 1
      // op2 W (0, 15)
      // output: (5, 4999999, 1), (10, 9999999, 1), (15, 14999999, 1)
      // state: None - trimmed by watermark

      CheckNewAnswer([5, 4999999, 1], [10, 9999999, 1], [15, 14999999, 1]),
      assertNumStateRows([0, 1]),
      assertNumRowsDroppedByWatermark([0, 0]),
    ]);
  });
});
