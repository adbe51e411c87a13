// Transcribed from Spark's StreamingDeduplicationSuite and StreamingDeduplicationWithinWatermarkSuite
// (sql/core/src/test/scala/org/apache/spark/sql/streaming/). Expected rows and state metrics are
// Spark's; each test names its Spark test.
import { describe, expect, it } from 'vitest';
import { F, Session } from '../../src/index.js';
import {
  AddData,
  CheckAnswer,
  CheckLastBatch,
  CheckNewAnswer,
  MultiAddData,
  StartStream,
  StopStream,
  testStream,
} from '../../src/testing/index.js';
import { ints, range, stateStoreMetricsTest } from './spark-helpers.js';
const spark = Session.builder().appName('spark-dedup-tests').getOrCreate();

/** `(1 to 5).flatMap(_ => (10 to 15))` */
const fiveTimes10To15 = (): number[] => [1, 2, 3, 4, 5].flatMap(() => range(10, 15));
const NO_DATA_FLAG = 'spark.sql.streaming.noDataMicroBatches.enabled';

function dedupWithWatermark(s: Session) {
  const inputData = s.memoryStream('value INT');
  const result = inputData
    .toDF()
    .withColumn('eventTime', F.timestampSeconds(F.col('value')))
    .withWatermark('eventTime', '10 seconds')
    .dropDuplicates()
    .select(F.col('eventTime').cast('long'));
  return { inputData, result };
}

describe('StreamingDeduplicationSuite', () => {
  // test("deduplicate with all columns")
  it('deduplicate with all columns', async () => {
    const { assertNumStateRows1 } = stateStoreMetricsTest();
    const inputData = spark.memoryStream('value STRING');
    const result = inputData.toDF().dropDuplicates();
    await testStream(result, 'append')([
      AddData(inputData, ['a']),
      CheckLastBatch(['a']),
      assertNumStateRows1(1, 1),
      AddData(inputData, ['a']),
      CheckLastBatch(),
      assertNumStateRows1(1, 0),
      AddData(inputData, ['b']),
      CheckLastBatch(['b']),
      assertNumStateRows1(2, 1),
    ]);
  });

  // test("deduplicate with some columns")
  it('deduplicate with some columns', async () => {
    const { assertNumStateRows1 } = stateStoreMetricsTest();
    const inputData = spark.memoryStream('_1 STRING, _2 INT');
    const result = inputData.toDF().dropDuplicates(['_1']);
    await testStream(result, 'append')([
      AddData(inputData, ['a', 1]),
      CheckLastBatch(['a', 1]),
      assertNumStateRows1(1, 1, 0),
      AddData(inputData, ['a', 2]), // Dropped
      CheckLastBatch(),
      assertNumStateRows1(1, 0, 0),
      AddData(inputData, ['b', 1]),
      CheckLastBatch(['b', 1]),
      assertNumStateRows1(2, 1, 0),
    ]);
  });

  // test("multiple deduplicates")
  it('multiple deduplicates', async () => {
    const { assertNumStateRows } = stateStoreMetricsTest();
    const inputData = spark.memoryStream('_1 STRING, _2 INT');
    const result = inputData.toDF().dropDuplicates().dropDuplicates(['_1']);
    await testStream(result, 'append')([
      AddData(inputData, ['a', 1]),
      CheckLastBatch(['a', 1]),
      assertNumStateRows({ total: [1, 1], updated: [1, 1] }),

      AddData(inputData, ['a', 2]), // Dropped from the second `dropDuplicates`
      CheckLastBatch(),
      assertNumStateRows({ total: [1, 2], updated: [0, 1] }),

      AddData(inputData, ['b', 1]),
      CheckLastBatch(['b', 1]),
      assertNumStateRows({ total: [2, 3], updated: [1, 1] }),
    ]);
  });

  // test("SPARK-35896: metrics in StateOperatorProgress are output correctly")
  // (numShufflePartitions / numStateStoreInstances are not checked: rivulet runs one partition)
  it('SPARK-35896: metrics in StateOperatorProgress are output correctly', async () => {
    const { assertNumStateRows, assertStateOperatorProgressMetric } = stateStoreMetricsTest();
    const s = spark.newSession();
    const { inputData, result } = dedupWithWatermark(s);
    await testStream(result, 'append')([
      StartStream({ conf: { 'spark.sql.shuffle.partitions': '2' } }),
      AddData(inputData, ...ints(...fiveTimes10To15())),
      CheckAnswer(...ints(...range(10, 15))),
      assertNumStateRows({ total: [6], updated: [6], dropped: [0], removed: [0] }),

      AddData(inputData, [25]), // Advance watermark to 15 secs, no-data-batch drops rows <= 15
      CheckNewAnswer([25]),
      assertNumStateRows({ total: [1], updated: [1], dropped: [0], removed: [6] }),

      AddData(inputData, [10]), // Should not emit anything as data less than watermark
      CheckNewAnswer(),
      assertNumStateRows({ total: [1], updated: [0], dropped: [1], removed: [0] }),

      AddData(inputData, [10]),
      CheckNewAnswer(),
      assertStateOperatorProgressMetric('dedupe'),
    ]);
  });

  // test("deduplicate with watermark")
  it('deduplicate with watermark', async () => {
    const { assertNumStateRows1 } = stateStoreMetricsTest();
    const { inputData, result } = dedupWithWatermark(spark);
    await testStream(result, 'append')([
      AddData(inputData, ...ints(...fiveTimes10To15())),
      CheckAnswer(...ints(...range(10, 15))),
      assertNumStateRows1(6, 6),

      AddData(inputData, [25]), // Advance watermark to 15 secs, no-data-batch drops rows <= 15
      CheckNewAnswer([25]),
      assertNumStateRows1(1, 1),

      AddData(inputData, [10]), // Should not emit anything as data less than watermark
      CheckNewAnswer(),
      assertNumStateRows1(1, 0, 1),

      AddData(inputData, [45]), // Advance watermark to 35 seconds, no-data-batch drops row 25
      CheckNewAnswer([45]),
      assertNumStateRows1(1, 1),
    ]);
  });

  // test("deduplicate with aggregate - append mode")
  it('deduplicate with aggregate - append mode', async () => {
    const { assertNumStateRows } = stateStoreMetricsTest();
    const inputData = spark.memoryStream('value INT');
    const windowedaggregate = inputData
      .toDF()
      .withColumn('eventTime', F.timestampSeconds(F.col('value')))
      .withWatermark('eventTime', '10 seconds')
      .dropDuplicates()
      .groupBy(F.window(F.col('eventTime'), '5 seconds').alias('window'))
      .agg(F.count('*').alias('count'))
      .select(F.col('window').getField('start').cast('long'), F.col('count'));

    await testStream(windowedaggregate)([
      AddData(inputData, ...ints(...fiveTimes10To15())),
      CheckLastBatch(),
      // states in aggregate in [10, 14), [15, 20) (2 windows)
      // states in deduplicate is 10 to 15
      assertNumStateRows({ total: [2, 6], updated: [2, 6] }),

      AddData(inputData, [25]), // Advance watermark to 15 seconds
      CheckLastBatch([10, 5]), // 5 items (10 to 14) after deduplicate, emitted with no-data-batch
      // states in aggregate in [15, 20) and [25, 30); no-data-batch removed [10, 14)
      // states in deduplicate is 25, no-data-batch removed 10 to 14
      assertNumStateRows({ total: [2, 1], updated: [1, 1] }),

      AddData(inputData, [10]), // Should not emit anything as data less than watermark
      CheckLastBatch(),
      assertNumStateRows({ total: [2, 1], updated: [0, 0], dropped: [0, 1] }),

      AddData(inputData, [40]), // Advance watermark to 30 seconds
      CheckLastBatch([15, 1], [25, 1]),
      // states in aggregate is [40, 45); no-data-batch removed [15, 20) and [25, 30)
      // states in deduplicate is 40; no-data-batch removed 25
      assertNumStateRows({ total: [1, 1], updated: [1, 1] }),
    ]);
  });

  const dedupThenSum = () => {
    const inputData = spark.memoryStream('_1 STRING, _2 INT');
    const result = inputData
      .toDF()
      .select(F.col('_1').alias('str'), F.col('_2').alias('num'))
      .dropDuplicates()
      .groupBy('str')
      .agg(F.sum('num'));
    return { inputData, result };
  };

  // test("deduplicate with aggregate - update mode")
  it('deduplicate with aggregate - update mode', async () => {
    const { assertNumStateRows } = stateStoreMetricsTest();
    const { inputData, result } = dedupThenSum();
    await testStream(result, 'update')([
      AddData(inputData, ['a', 1]),
      CheckLastBatch(['a', 1]),
      assertNumStateRows({ total: [1, 1], updated: [1, 1] }),
      AddData(inputData, ['a', 1]), // Dropped
      CheckLastBatch(),
      assertNumStateRows({ total: [1, 1], updated: [0, 0] }),
      AddData(inputData, ['a', 2]),
      CheckLastBatch(['a', 3]),
      assertNumStateRows({ total: [1, 2], updated: [1, 1] }),
      AddData(inputData, ['b', 1]),
      CheckLastBatch(['b', 1]),
      assertNumStateRows({ total: [2, 3], updated: [1, 1] }),
    ]);
  });

  // test("deduplicate with aggregate - complete mode")
  it('deduplicate with aggregate - complete mode', async () => {
    const { assertNumStateRows } = stateStoreMetricsTest();
    const { inputData, result } = dedupThenSum();
    await testStream(result, 'complete')([
      AddData(inputData, ['a', 1]),
      CheckLastBatch(['a', 1]),
      assertNumStateRows({ total: [1, 1], updated: [1, 1] }),
      AddData(inputData, ['a', 1]), // Dropped
      CheckLastBatch(['a', 1]),
      assertNumStateRows({ total: [1, 1], updated: [0, 0] }),
      AddData(inputData, ['a', 2]),
      CheckLastBatch(['a', 3]),
      assertNumStateRows({ total: [1, 2], updated: [1, 1] }),
      AddData(inputData, ['b', 1]),
      CheckLastBatch(['a', 3], ['b', 1]),
      assertNumStateRows({ total: [2, 3], updated: [1, 1] }),
    ]);
  });

  // test("SPARK-19841: watermarkPredicate should filter based on keys")
  it('SPARK-19841: watermarkPredicate should filter based on keys', async () => {
    const input = spark.memoryStream('_1 INT, _2 INT');
    const df = input
      .toDF()
      .selectExpr('_1 AS time', '_2 AS id')
      .withColumn('time', F.timestampSeconds(F.col('time')))
      .withWatermark('time', '1 second')
      .dropDuplicates(['id', 'time']) // Change the column positions
      .select(F.col('id'));
    await testStream(df)([
      AddData(input, [1, 1], [1, 1], [1, 2]),
      CheckAnswer([1], [2]),
      AddData(input, [1, 1], [2, 3], [2, 4]),
      CheckNewAnswer([3], [4]),
      AddData(input, [1, 0], [1, 1], [3, 5], [3, 6]), // Drop (1 -> 0, 1 -> 1) due to watermark
      CheckNewAnswer([5], [6]),
      AddData(input, [1, 0], [4, 7]), // Drop (1 -> 0) due to watermark
      CheckNewAnswer([7]),
    ]);
  });

  // test("SPARK-21546: dropDuplicates should ignore watermark when it's not a key")
  it("SPARK-21546: dropDuplicates should ignore watermark when it's not a key", async () => {
    const input = spark.memoryStream('_1 INT, _2 INT');
    const df = input
      .toDF()
      .selectExpr('_1 AS id', '_2 AS time')
      .withColumn('time', F.timestampSeconds(F.col('time')))
      .withWatermark('time', '1 second')
      .dropDuplicates(['id'])
      .select(F.col('id'), F.col('time').cast('long'));
    await testStream(df)([AddData(input, [1, 1], [1, 2], [2, 2]), CheckAnswer([1, 1], [2, 2])]);
  });

  // test("test no-data flag")
  for (const flag of [true, false]) {
    it(`test no-data flag (${NO_DATA_FLAG} = ${flag})`, async () => {
      const { assertNumStateRows1 } = stateStoreMetricsTest();
      const { inputData, result } = dedupWithWatermark(spark.newSession());
      await testStream(result, 'append')([
        StartStream({ conf: { [NO_DATA_FLAG]: String(flag) } }),
        AddData(inputData, ...ints(10, 11, 12, 13, 14, 15)),
        CheckAnswer(...ints(10, 11, 12, 13, 14, 15)),
        assertNumStateRows1(6, 6),

        AddData(inputData, [25]), // Advance watermark to 15 seconds
        CheckNewAnswer([25]),
        // State should have been cleaned if flag is set, otherwise should not have been cleaned
        flag ? assertNumStateRows1(1, 1) : assertNumStateRows1(7, 1),
      ]);
    });
  }

  // test("SPARK-29438: ensure UNION doesn't lead streaming deduplication to use shifted partition IDs")
  it("SPARK-29438: ensure UNION doesn't lead streaming deduplication to use shifted partition IDs", async () => {
    const constructUnionDf = () => {
      const input1 = spark.memoryStream('value INT');
      const input2 = spark.memoryStream('value INT');
      const df1 = input1.toDF().select(F.col('value'));
      const df2 = input2.toDF().dropDuplicates(['value']);
      return { input1, input2, unionDf: df1.union(df2) };
    };
    const checkpointLocation = `memory://spark-dedup-union-${Math.random()}`;

    const { input1, input2, unionDf } = constructUnionDf();
    await testStream(unionDf, 'append')([
      StartStream({ checkpointLocation }),
      MultiAddData({ source: input1, rows: ints(11, 12) }, { source: input2, rows: ints(21, 22) }),
      CheckNewAnswer([11], [12], [21], [22]),
      StopStream,
    ]);

    const { input1: newInput1, input2: newInput2, unionDf: newUnionDf } = constructUnionDf();
    newInput1.addData(ints(11, 12));
    newInput2.addData(ints(21, 22));
    await testStream(newUnionDf, 'append')([
      StartStream({ checkpointLocation }),
      MultiAddData({ source: newInput1, rows: ints(13, 14) }, { source: newInput2, rows: ints(22, 23) }),
      CheckNewAnswer([13], [14], [23]),
    ]);
  });

  // test("SPARK-35880: custom metric numDroppedDuplicateRows in state operator progress")
  it('SPARK-35880: custom metric numDroppedDuplicateRows in state operator progress', async () => {
    const m1 = stateStoreMetricsTest();
    const dedupeInputData = spark.memoryStream('_1 STRING, _2 INT');
    const dedupe = dedupeInputData.toDF().dropDuplicates(['_1']);
    await testStream(dedupe, 'append')([
      AddData(dedupeInputData, ['a', 1]),
      CheckLastBatch(['a', 1]),
      m1.assertStateOperatorCustomMetric('numDroppedDuplicateRows', 0),

      AddData(dedupeInputData, ['a', 2], ['b', 3]),
      CheckLastBatch(['b', 3]),
      m1.assertStateOperatorCustomMetric('numDroppedDuplicateRows', 1),

      AddData(dedupeInputData, ['a', 5], ['b', 2], ['c', 9]),
      CheckLastBatch(['c', 9]),
      m1.assertStateOperatorCustomMetric('numDroppedDuplicateRows', 2),
    ]);

    // with watermark
    const m2 = stateStoreMetricsTest();
    const { inputData: dedupeWithWMInputData, result: dedupeWithWatermark } = dedupWithWatermark(spark);
    await testStream(dedupeWithWatermark, 'append')([
      AddData(dedupeWithWMInputData, ...ints(...fiveTimes10To15())),
      CheckAnswer(...ints(...range(10, 15))),
      m2.assertStateOperatorCustomMetric('numDroppedDuplicateRows', 24),

      AddData(dedupeWithWMInputData, [14]),
      CheckNewAnswer(),
      m2.assertStateOperatorCustomMetric('numDroppedDuplicateRows', 1),

      // Advance watermark to 15 secs, no-data-batch drops rows <= 15
      AddData(dedupeWithWMInputData, [25]),
      CheckNewAnswer([25]),
      m2.assertStateOperatorCustomMetric('numDroppedDuplicateRows', 0),

      AddData(dedupeWithWMInputData, [10]), // Should not emit anything as data less than watermark
      CheckNewAnswer(),
      m2.assertStateOperatorCustomMetric('numDroppedDuplicateRows', 0),

      AddData(dedupeWithWMInputData, ...ints(26, 26)),
      CheckNewAnswer([26]),
      m2.assertStateOperatorCustomMetric('numDroppedDuplicateRows', 1),
    ]);
  });

  // test("SPARK-39650: duplicate with specific keys should allow input to change schema")
  it('SPARK-39650: duplicate with specific keys should allow input to change schema', async () => {
    const checkpointLocation = `memory://spark-dedup-schema-${Math.random()}`;
    const dedupeInputData = spark.memoryStream('_1 STRING, _2 INT');
    const dedupe = dedupeInputData.toDF().dropDuplicates(['_1']);
    await testStream(dedupe, 'append')([
      StartStream({ checkpointLocation }),
      AddData(dedupeInputData, ['a', 1]),
      CheckLastBatch(['a', 1]),
      AddData(dedupeInputData, ['a', 2], ['b', 3]),
      CheckLastBatch(['b', 3]),
    ]);

    const dedupeInputData2 = spark.memoryStream('_1 STRING, _2 INT, _3 STRING');
    const dedupe2 = dedupeInputData2.toDF().dropDuplicates(['_1']);
    // initialize new memory stream with previously executed batches
    dedupeInputData2.addData([['a', 1, 'dummy']]);
    dedupeInputData2.addData([
      ['a', 2, 'dummy'],
      ['b', 3, 'dummy'],
    ]);
    await testStream(dedupe2, 'append')([
      StartStream({ checkpointLocation }),
      AddData(dedupeInputData2, ['a', 5, 'a'], ['b', 2, 'b'], ['c', 9, 'c']),
      CheckLastBatch(['c', 9, 'c']),
    ]);
  });
});

describe('StreamingDeduplicationWithinWatermarkSuite', () => {
  // test("deduplicate in batch DataFrame")
  it('deduplicate in batch DataFrame', async () => {
    const testAndVerify = async (df: ReturnType<typeof spark.createDataFrame>): Promise<void> => {
      const exc = (await df.collect().then(
        () => undefined,
        (e: unknown) => e,
      )) as Error | undefined;
      expect(exc, 'expected an AnalysisException').toBeInstanceOf(Error);
      expect(exc!.message).toContain('dropDuplicatesWithinWatermark is not supported');
      expect(exc!.message).toContain('batch DataFrames/DataSets');
    };
    const ids = spark.createDataFrame(ints(...range(0, 9)), 'id BIGINT');
    await testAndVerify(ids.dropDuplicatesWithinWatermark());
    await testAndVerify(ids.withColumn('newcol', F.col('id')).dropDuplicatesWithinWatermark(['newcol']));
  });

  // test("deduplicate without event time column should result in error")
  it('deduplicate without event time column should result in error', async () => {
    const testAndVerify = async (df: ReturnType<typeof spark.createDataFrame>): Promise<void> => {
      const exc = (await df.writeStream.format('noop').start().then(
        async (q) => {
          await q.stop();
          return undefined;
        },
        (e: unknown) => e,
      )) as Error | undefined;
      expect(exc, 'expected an AnalysisException').toBeInstanceOf(Error);
      expect(exc!.message).toContain('dropDuplicatesWithinWatermark is not supported');
      expect(exc!.message).toContain('streaming DataFrames/DataSets without watermark');
    };
    const inputData = spark.memoryStream('value STRING');
    await testAndVerify(inputData.toDF().dropDuplicatesWithinWatermark());
    await testAndVerify(inputData.toDF().withColumn('newcol', F.col('value')).dropDuplicatesWithinWatermark(['newcol']));

    // Spark's third variant (the watermark defined only on the other side of a stream-stream
    // join) is left out: it needs stream-stream joins.
  });

  // test("deduplicate with all columns with event time column in DataFrame")
  it('deduplicate with all columns with event time column in DataFrame', async () => {
    const { assertNumStateRows1 } = stateStoreMetricsTest();
    const inputData = spark.memoryStream('value INT');
    const result = inputData
      .toDF()
      .withColumn('eventTime', F.timestampSeconds(F.col('value')))
      .withWatermark('eventTime', '10 seconds')
      .dropDuplicatesWithinWatermark()
      .select(F.col('eventTime').cast('long'));

    await testStream(result, 'append')([
      // Advance watermark to 5 secs, no-data-batch does not drop state rows
      AddData(inputData, ...ints(...fiveTimes10To15())),
      CheckAnswer(...ints(...range(10, 15))),
      assertNumStateRows1(6, 6),

      // Advance watermark to 7 secs, no-data-batch does not drop state rows
      AddData(inputData, ...ints(...range(13, 17))),
      // 13 to 15 are duplicated
      CheckNewAnswer([16], [17]),
      assertNumStateRows1(8, 2),

      AddData(inputData, [5]), // Should not emit anything as data less than watermark
      CheckNewAnswer(),
      assertNumStateRows1(8, 0, 1),

      // Advance watermark to 25 secs, no-data-batch drops state rows having expired time <= 25
      AddData(inputData, [35]),
      CheckNewAnswer([35]),
      assertNumStateRows1(3, 1),

      // Advance watermark to 45 seconds, no-data-batch drops state rows having expired time <= 45
      AddData(inputData, [55]),
      CheckNewAnswer([55]),
      assertNumStateRows1(1, 1),
    ]);
  });

  // test("deduplicate with subset of columns which event time column is not in subset")
  it('deduplicate with subset of columns which event time column is not in subset', async () => {
    const { assertNumStateRows1 } = stateStoreMetricsTest();
    const inputData = spark.memoryStream('_1 STRING, _2 INT');
    const result = inputData
      .toDF()
      .withColumn('eventTime', F.timestampSeconds(F.col('_2')))
      .withWatermark('eventTime', '2 seconds')
      .dropDuplicatesWithinWatermark(['_1'])
      .select(F.col('_1'), F.col('eventTime').cast('long'));

    await testStream(result, 'append')([
      // Advances watermark to 15
      AddData(inputData, ['a', 17]),
      CheckNewAnswer(['a', 17]),
      // expired time is set to 19
      assertNumStateRows1(1, 1),

      // Watermark does not advance
      AddData(inputData, ['a', 16]),
      CheckNewAnswer(),
      assertNumStateRows1(1, 0),

      // Watermark does not advance
      // Should not emit anything as data less than watermark
      AddData(inputData, ['a', 13]),
      CheckNewAnswer(),
      assertNumStateRows1(1, 0, 1),

      // Advances watermark to 20. no-data batch drops state row ("a" -> 19)
      AddData(inputData, ['b', 22], ['c', 21]),
      CheckNewAnswer(['b', 22], ['c', 21]),
      // expired time is set to 24 and 23
      assertNumStateRows1(2, 2),

      // Watermark does not advance
      AddData(inputData, ['a', 21]),
      // "a" is identified as new event since previous batch dropped state row ("a" -> 19)
      CheckNewAnswer(['a', 21]),
      // expired time is set to 23
      assertNumStateRows1(3, 1),

      // Advances watermark to 23. no-data batch drops state row ("a" -> 23), ("c" -> 23)
      AddData(inputData, ['d', 25]),
      CheckNewAnswer(['d', 25]),
      assertNumStateRows1(2, 1),
    ]);
  });

  // test("SPARK-39650: duplicate with specific keys should allow input to change schema")
  it('SPARK-39650: duplicate with specific keys should allow input to change schema (within watermark)', async () => {
    const checkpointLocation = `memory://spark-dedup-ww-schema-${Math.random()}`;
    const dedupeInputData = spark.memoryStream('_1 STRING, _2 INT');
    const dedupe = dedupeInputData
      .toDF()
      .withColumn('eventTime', F.timestampSeconds(F.col('_2')))
      .withWatermark('eventTime', '10 second')
      .dropDuplicatesWithinWatermark(['_1'])
      .select(F.col('_1'), F.col('eventTime').cast('long'));
    await testStream(dedupe, 'append')([
      StartStream({ checkpointLocation }),
      AddData(dedupeInputData, ['a', 1]),
      CheckNewAnswer(['a', 1]),
      AddData(dedupeInputData, ['a', 2], ['b', 3]),
      CheckNewAnswer(['b', 3]),
    ]);

    const dedupeInputData2 = spark.memoryStream('_1 STRING, _2 INT, _3 STRING');
    const dedupe2 = dedupeInputData2
      .toDF()
      .withColumn('eventTime', F.timestampSeconds(F.col('_2')))
      .withWatermark('eventTime', '10 second')
      .dropDuplicatesWithinWatermark(['_1'])
      .select(F.col('_1'), F.col('eventTime').cast('long'), F.col('_3'));
    // initialize new memory stream with previously executed batches
    dedupeInputData2.addData([['a', 1, 'dummy']]);
    dedupeInputData2.addData([
      ['a', 2, 'dummy'],
      ['b', 3, 'dummy'],
    ]);
    await testStream(dedupe2, 'append')([
      StartStream({ checkpointLocation }),
      AddData(dedupeInputData2, ['a', 5, 'a'], ['b', 2, 'b'], ['c', 9, 'c']),
      CheckNewAnswer(['c', 9, 'c']),
    ]);
  });
});
