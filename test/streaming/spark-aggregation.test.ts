// Transcribed from Spark's StreamingAggregationSuite
// (sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingAggregationSuite.scala).
// Expected rows and state metrics are Spark's; each test names its Spark test.
import { describe, expect, it } from 'vitest';
import { F, Session, type StreamingQuery } from '../../src/index.js';
import type { MemorySink } from '../../src/sinks/memory-sink.js';
import {
  AddData,
  AdvanceManualClock,
  AssertOnQuery,
  CheckAnswer,
  CheckLastBatch,
  CheckNewAnswer,
  ManualClock,
  MultiAddData,
  StartStream,
  StopStream,
  testStream,
  type StreamAction,
} from '../../src/testing/index.js';

import { ints, range } from './spark-helpers.js';
const spark = Session.builder().appName('spark-aggregation-tests').getOrCreate();

const DAY_MS = 86_400_000;

/** Metrics of the (single) state store save operator in the last executed batch. */
const stateOp = (q: StreamingQuery) => q.lastProgress!.stateOperators[0]!;
const assertStateNodes = (numOutputRows: number, numUpdatedStateRows: number, numTotalStateRows: number): StreamAction[] => [
  AssertOnQuery((q) => q.lastProgress!.stateOperators.length === 1, 'stateNodes.size === 1'),
  AssertOnQuery((q) => q.lastProgress!.sink.numOutputRows === numOutputRows, `numOutputRows === ${numOutputRows}`),
  AssertOnQuery((q) => stateOp(q).numRowsUpdated === numUpdatedStateRows, `numUpdatedStateRows === ${numUpdatedStateRows}`),
  AssertOnQuery((q) => stateOp(q).numRowsTotal === numTotalStateRows, `numTotalStateRows === ${numTotalStateRows}`),
];

describe('StreamingAggregationSuite', () => {
  // testWithAllStateVersions("simple count, update mode")
  it('simple count, update mode', async () => {
    const inputData = spark.memoryStream('value INT');
    const aggregated = inputData.toDF().groupBy(F.col('value')).agg(F.count('*'));
    await testStream(aggregated, 'update')([
      AddData(inputData, [3]),
      CheckLastBatch([3, 1]),
      AddData(inputData, ...ints(3, 2)),
      CheckLastBatch([3, 2], [2, 1]),
      StopStream,
      StartStream(),
      AddData(inputData, ...ints(3, 2, 1)),
      CheckLastBatch([3, 3], [2, 2], [1, 1]),
      // By default we run in new tuple mode.
      AddData(inputData, ...ints(4, 4, 4, 4)),
      CheckLastBatch([4, 4]),
    ]);
  });

  // testWithAllStateVersions("count distinct")
  it('count distinct', async () => {
    const inputData = spark.memoryStream('_1 INT, _2 ARRAY<INT>');
    const aggregated = inputData
      .toDF()
      .select(F.col('*'), F.explode(F.col('_2')).alias('value'))
      .groupBy(F.col('_1'))
      .agg(F.size(F.collectSet(F.col('value'))));
    await testStream(aggregated, 'update')([AddData(inputData, [1, [1, 2]]), CheckLastBatch([1, 2])]);
  });

  // testWithAllStateVersions("simple count, complete mode")
  it('simple count, complete mode', async () => {
    const inputData = spark.memoryStream('value INT');
    const aggregated = inputData.toDF().groupBy(F.col('value')).agg(F.count('*'));
    await testStream(aggregated, 'complete')([
      AddData(inputData, [3]),
      CheckLastBatch([3, 1]),
      AddData(inputData, [2]),
      CheckLastBatch([3, 1], [2, 1]),
      StopStream,
      StartStream(),
      AddData(inputData, ...ints(3, 2, 1)),
      CheckLastBatch([3, 2], [2, 2], [1, 1]),
      AddData(inputData, ...ints(4, 4, 4, 4)),
      CheckLastBatch([4, 4], [3, 2], [2, 2], [1, 1]),
    ]);
  });

  // testWithAllStateVersions("simple count, append mode")
  it('simple count, append mode', async () => {
    const inputData = spark.memoryStream('value INT');
    const aggregated = inputData.toDF().groupBy(F.col('value')).agg(F.count('*'));
    const e = (await testStream(aggregated, 'append')([StartStream()]).catch((err: unknown) => err)) as Error;
    expect(e).toBeInstanceOf(Error);
    for (const m of ['append', 'not supported']) expect(e.message.toLowerCase()).toContain(m);
  });

  // testWithAllStateVersions("sort after aggregate in complete mode")
  it('sort after aggregate in complete mode', async () => {
    const inputData = spark.memoryStream('value INT');
    const aggregated = inputData
      .toDF()
      .groupBy(F.col('value'))
      .agg(F.count('*'))
      .select(F.col('value'), F.col('count(1)').alias('count'))
      .orderBy(F.col('count').desc());
    await testStream(aggregated, 'complete')([
      AddData(inputData, [3]),
      CheckLastBatch({ isSorted: true }, [3, 1]),
      AddData(inputData, ...ints(2, 3)),
      CheckLastBatch({ isSorted: true }, [3, 2], [2, 1]),
      StopStream,
      StartStream(),
      AddData(inputData, ...ints(3, 2, 1)),
      CheckLastBatch({ isSorted: true }, [3, 3], [2, 2], [1, 1]),
      AddData(inputData, ...ints(4, 4, 4, 4)),
      CheckLastBatch({ isSorted: true }, [4, 4], [3, 3], [2, 2], [1, 1]),
    ]);
  });

  // testWithAllStateVersions("state metrics - append mode")
  it('state metrics - append mode', async () => {
    const inputData = spark.memoryStream('value INT');
    const aggWithWatermark = inputData
      .toDF()
      .withColumn('eventTime', F.timestampSeconds(F.col('value')))
      .withWatermark('eventTime', '10 seconds')
      .groupBy(F.window(F.col('eventTime'), '5 seconds').alias('window'))
      .agg(F.count('*').alias('count'))
      .select(F.col('window').getField('start').cast('long'), F.col('count'));

    // Pick the latest progress that actually ran a batch
    const lastExecutedBatch = (q: StreamingQuery) => q.recentProgress.filter((p) => 'addBatch' in p.durationMs).at(-1)!;
    const stateOperatorProgress = (q: StreamingQuery) => lastExecutedBatch(q).stateOperators[0]!;
    const check = (numOutputRows: number, numRowsUpdated: number, numRowsTotal: number): StreamAction[] => [
      AssertOnQuery((q) => lastExecutedBatch(q).stateOperators.length === 1, 'stateNodes.size === 1'),
      AssertOnQuery((q) => stateOperatorProgress(q).numRowsUpdated === numRowsUpdated, `numRowsUpdated === ${numRowsUpdated}`),
      AssertOnQuery((q) => stateOperatorProgress(q).numRowsTotal === numRowsTotal, `numRowsTotal === ${numRowsTotal}`),
      AssertOnQuery((q) => lastExecutedBatch(q).sink.numOutputRows === numOutputRows, `sink.numOutputRows == ${numOutputRows}`),
    ];
    const clock = new ManualClock();

    await testStream(aggWithWatermark)([
      // batchId 0
      AddData(inputData, [15]),
      StartStream({ trigger: { processingTime: 'interval 1 second' }, clock }),
      CheckAnswer(), // watermark = 0
      ...check(0, 1, 1),

      // batchId 1 without data
      AdvanceManualClock(1000), // watermark = 5
      AssertOnQuery((q) => q.lastProgress?.batchId === 1, 'the no-data batch 1 ran'),
      CheckAnswer(),
      ...check(0, 0, 1),

      // batchId 2 with data
      AddData(inputData, ...ints(10, 12, 14)),
      AdvanceManualClock(1000), // watermark = 5
      CheckAnswer(),
      ...check(0, 1, 2),

      // batchId 3 with data
      AddData(inputData, [25]),
      AdvanceManualClock(1000), // watermark = 5
      CheckAnswer(),
      ...check(0, 1, 3),

      // batchId 4 without data
      AdvanceManualClock(1000), // watermark = 15
      AssertOnQuery((q) => q.lastProgress?.batchId === 4, 'the no-data batch 4 ran'),
      CheckAnswer([10, 3]),
      ...check(1, 0, 2),
    ]);
  });

  // testWithAllStateVersions("state metrics - update/complete mode")
  it('state metrics - update/complete mode', async () => {
    const inputData = spark.memoryStream('value INT');
    const aggregated = inputData
      .toDF()
      .select(F.explode(F.array(F.col('value'), F.col('value').plus(1))).alias('value'))
      .groupBy(F.col('value'))
      .agg(F.count('*'));

    // Test with Update mode
    await testStream(aggregated, 'update')([
      AddData(inputData, [1]),
      CheckLastBatch([1, 1], [2, 1]),
      ...assertStateNodes(2, 2, 2),
      AddData(inputData, ...ints(2, 3)),
      CheckLastBatch([2, 2], [3, 2], [4, 1]),
      ...assertStateNodes(3, 3, 4),
    ]);

    // Test with Complete mode (a fresh input, as inputData.reset())
    const inputData2 = spark.memoryStream('value INT');
    const aggregated2 = inputData2
      .toDF()
      .select(F.explode(F.array(F.col('value'), F.col('value').plus(1))).alias('value'))
      .groupBy(F.col('value'))
      .agg(F.count('*'));
    await testStream(aggregated2, 'complete')([
      AddData(inputData2, [1]),
      CheckLastBatch([1, 1], [2, 1]),
      ...assertStateNodes(2, 2, 2),
      AddData(inputData2, ...ints(2, 3)),
      CheckLastBatch([1, 1], [2, 2], [3, 2], [4, 1]),
      ...assertStateNodes(4, 3, 4),
    ]);
  });

  // testWithAllStateVersions("multiple keys")
  it('multiple keys', async () => {
    const inputData = spark.memoryStream('value INT');
    const aggregated = inputData.toDF().groupBy(F.col('value'), F.col('value').plus(1)).agg(F.count('*'));
    await testStream(aggregated, 'update')([
      AddData(inputData, ...ints(1, 2)),
      CheckLastBatch([1, 2, 1], [2, 3, 1]),
      AddData(inputData, ...ints(1, 2)),
      CheckLastBatch([1, 2, 2], [2, 3, 2]),
    ]);
  });

  // testWithAllStateVersions("SPARK-29438: ensure UNION doesn't lead streaming aggregation to use shifted partition IDs")
  it("SPARK-29438: ensure UNION doesn't lead streaming aggregation to use shifted partition IDs", async () => {
    const constructUnionDf = () => {
      const input1 = spark.memoryStream('value INT');
      const input2 = spark.memoryStream('value INT');
      const df1 = input1.toDF().select(F.col('value'), F.col('value').plus(1));
      const df2 = input2.toDF().groupBy(F.col('value')).agg(F.count('*'));
      return { input1, input2, unionDf: df1.union(df2) };
    };
    const checkpointLocation = `memory://spark-agg-union-${Math.random()}`;

    const { input1, input2, unionDf } = constructUnionDf();
    await testStream(unionDf, 'update')([
      StartStream({ checkpointLocation }),
      MultiAddData({ source: input1, rows: ints(11, 12) }, { source: input2, rows: ints(21, 22) }),
      CheckNewAnswer([11, 12], [12, 13], [21, 1], [22, 1]),
      StopStream,
    ]);

    const { input1: newInput1, input2: newInput2, unionDf: newUnionDf } = constructUnionDf();
    newInput1.addData(ints(11, 12));
    newInput2.addData(ints(21, 22));
    await testStream(newUnionDf, 'update')([
      StartStream({ checkpointLocation }),
      MultiAddData({ source: newInput1, rows: ints(13, 14) }, { source: newInput2, rows: ints(22, 23) }),
      CheckNewAnswer([13, 14], [14, 15], [22, 2], [23, 1]),
    ]);
  });

  // testWithAllStateVersions("typed aggregators") (typed.sumLong as sum)
  it('typed aggregators', async () => {
    const inputData = spark.memoryStream('_1 STRING, _2 INT');
    const aggregated = inputData.toDF().groupBy(F.col('_1')).agg(F.sum(F.col('_2')));
    await testStream(aggregated, 'update')([
      AddData(inputData, ['a', 10], ['a', 20], ['b', 1], ['b', 2], ['c', 1]),
      CheckLastBatch(['a', 30], ['b', 3], ['c', 1]),
    ]);
  });

  // testWithAllStateVersions("prune results by current_time, complete mode")
  it('prune results by current_time, complete mode', async () => {
    const clock = new ManualClock();
    const inputData = spark.memoryStream('value BIGINT');
    const aggregated = inputData
      .toDF()
      .groupBy(F.col('value'))
      .agg(F.count('*'))
      .where(F.col('value').geq(F.currentTimestamp().cast('long').minus(10)));
    const trigger = { processingTime: '10 seconds' } as const;

    await testStream(aggregated, 'complete')([
      StartStream({ trigger, clock }),

      // advance clock to 10 seconds, all keys retained
      AddData(inputData, ...ints(0, 5, 5, 10)),
      AdvanceManualClock(10 * 1000),
      CheckLastBatch([0, 1], [5, 2], [10, 1]),

      // advance clock to 20 seconds, should retain keys >= 10
      AddData(inputData, ...ints(15, 15, 20)),
      AdvanceManualClock(10 * 1000),
      CheckLastBatch([10, 1], [15, 2], [20, 1]),

      // advance clock to 30 seconds, should retain keys >= 20
      AddData(inputData, ...ints(0, 85)),
      AdvanceManualClock(10 * 1000),
      CheckLastBatch([20, 1], [85, 1]),

      // bounce stream and ensure correct batch timestamp is used
      // i.e., we don't take it from the clock, which is at 90 seconds.
      StopStream,
      AssertOnQuery(async (q) => {
        // clear the sink
        (q.execution.config.sink as MemorySink).clear();
        await q.execution.config.checkpoint.commits.purge(3);
        // advance by a minute i.e., 90 seconds total
        clock.advance(60 * 1000);
      }, 'clear the sink, purge the commit log, advance the clock'),
      StartStream({ trigger, clock }),
      // The commit log blown, causing the last batch to re-run
      CheckLastBatch([20, 1], [85, 1]),
      AssertOnQuery(() => clock.getTimeMillis() === 90000, 'clock at 90 s'),

      // advance clock to 100 seconds, should retain keys >= 90
      AddData(inputData, ...ints(85, 90, 100, 105)),
      AdvanceManualClock(10 * 1000),
      CheckLastBatch([90, 1], [100, 1], [105, 1]),
    ]);
  });

  // testWithAllStateVersions("prune results by current_date, complete mode")
  // (the Spark 2.x form of the query: days * 86400 cast to timestamp, session time zone UTC)
  it('prune results by current_date, complete mode', async () => {
    const clock = new ManualClock();
    const inputData = spark.memoryStream('value BIGINT');
    const aggregated = inputData
      .toDF()
      .select(F.col('value').multiply(86400).cast('timestamp').alias('value'))
      .groupBy(F.col('value'))
      .agg(F.count('*'))
      .where(F.col('value').cast('date').geq(F.dateSub(F.currentTimestamp().cast('date'), 10)))
      .select(F.col('value').cast('long').divide(86400).cast('long'), F.col('count(1)'));
    const trigger = { processingTime: '10 day' } as const;

    await testStream(aggregated, 'complete')([
      StartStream({ trigger, clock }),
      // advance clock to 10 days, should retain all keys
      AddData(inputData, ...ints(0, 5, 5, 10)),
      AdvanceManualClock(DAY_MS * 10),
      CheckLastBatch([0, 1], [5, 2], [10, 1]),
      // advance clock to 20 days, should retain keys >= 10
      AddData(inputData, ...ints(15, 15, 20)),
      AdvanceManualClock(DAY_MS * 10),
      CheckLastBatch([10, 1], [15, 2], [20, 1]),
      // advance clock to 30 days, should retain keys >= 20
      AddData(inputData, [85]),
      AdvanceManualClock(DAY_MS * 10),
      CheckLastBatch([20, 1], [85, 1]),

      // bounce stream and ensure correct batch timestamp is used
      // i.e., we don't take it from the clock, which is at 90 days.
      StopStream,
      AssertOnQuery(async (q) => {
        (q.execution.config.sink as MemorySink).clear();
        await q.execution.config.checkpoint.commits.purge(3);
        // advance by 60 days i.e., 90 days total
        clock.advance(DAY_MS * 60);
      }, 'clear the sink, purge the commit log, advance the clock'),
      StartStream({ trigger, clock }),
      // Commit log blown, causing a re-run of the last batch
      CheckLastBatch([20, 1], [85, 1]),

      // advance clock to 100 days, should retain keys >= 90
      AddData(inputData, ...ints(85, 90, 100, 105)),
      AdvanceManualClock(DAY_MS * 10),
      CheckLastBatch([90, 1], [100, 1], [105, 1]),
    ]);
  });

  // testWithAllStateVersions("SPARK-19690: do not convert batch aggregation in streaming query to streaming")
  it('SPARK-19690: do not convert batch aggregation in streaming query to streaming', async () => {
    const streamInput = spark.memoryStream('value INT');
    const batchDF = spark
      .createDataFrame(ints(1, 2, 3, 4, 5), 'value INT')
      .withColumn('parity', F.col('value').mod(2))
      .groupBy(F.col('parity'))
      .agg(F.count('*').alias('joinValue'));
    const joinDF = streamInput.toDF().join(batchDF, F.col('value').eq(F.col('parity')));

    await testStream(joinDF, 'append')([
      AddData(streamInput, ...ints(0, 1, 2, 3)),
      CheckLastBatch([0, 0, 2], [1, 1, 3]),
      AddData(streamInput, ...ints(0, 1, 2, 3)),
      CheckLastBatch([0, 0, 2], [1, 1, 3]),
    ]);
  });

  // testWithAllStateVersions("SPARK-22230: last should change with new batches")
  it('SPARK-22230: last should change with new batches', async () => {
    const input = spark.memoryStream('value INT');
    const aggregated = input.toDF().agg(F.last(F.col('value')));
    await testStream(aggregated, 'complete')([
      AddData(input, ...ints(1, 2, 3)),
      CheckLastBatch([3]),
      AddData(input, ...ints(4, 5, 6)),
      CheckLastBatch([6]),
      AddData(input),
      CheckLastBatch([6]),
      AddData(input, [0]),
      CheckLastBatch([0]),
    ]);
  });

  // testWithAllStateVersions("SPARK-23004: Ensure that TypedImperativeAggregate functions do not throw errors")
  it('SPARK-23004: Ensure that TypedImperativeAggregate functions do not throw errors', async () => {
    const s = spark.newSession();
    s.conf.set('spark.sql.shuffle.partitions', '1');
    const input = s.memoryStream('value INT');
    const df = input.toDF().selectExpr('value as group', 'value').groupBy('group').agg(F.collectList('value'));
    await testStream(df, 'update')([
      AddData(input, ...ints(...range(1, 128))), // objectAggSortBasedFallbackThreshold = 128
      AssertOnQuery(async (q) => {
        await q.processAllAvailable();
      }, 'processAllAvailable'),
    ]);
  });

  // prepareTestForChangingSchemaOfState (the first query of "changing schema of state when restarting query")
  it('sum, avg and max per key (changing schema of state when restarting query: first query)', async () => {
    const inputData = spark.memoryStream('value INT');
    const aggregated = inputData
      .toDF()
      .selectExpr('value % 10 AS id', 'value')
      .groupBy(F.col('id'))
      .agg(F.sum('value').alias('sum_value'), F.avg('value').alias('avg_value'), F.max('value').alias('max_value'));
    await testStream(aggregated, 'update')([AddData(inputData, ...ints(1, 11)), CheckLastBatch([1, 12, 6.0, 11]), StopStream]);
  });
});
