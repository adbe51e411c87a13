// Spark's StreamSuite "streaming limit" cases (sql/core/src/test/scala/org/apache/spark/sql/
// streaming/StreamSuite.scala), transcribed: a limit on a stream keeps its row count in state
// (StreamingGlobalLimitExec) in append mode, and in complete mode below an aggregation.
import { describe, expect, it } from 'vitest';
import { F, Session } from '../../src/index.js';
import { AddData, AssertOnQuery, CheckAnswer, StartStream, StopStream, testStream } from '../../src/testing/index.js';
import { ints, range } from './spark-helpers.js';

const spark = Session.builder().appName('spark-limit-tests').getOrCreate();

describe('StreamSuite: streaming limit', () => {
  it('streaming limit without state', async () => {
    const inputData1 = spark.memoryStream('value INT');
    await testStream(inputData1.toDF().limit(0))([AddData(inputData1, ...ints(...range(1, 8))), CheckAnswer()]);
    const inputData2 = spark.memoryStream('value INT');
    await testStream(inputData2.toDF().limit(4))([AddData(inputData2, ...ints(...range(1, 8))), CheckAnswer(...ints(...range(1, 4)))]);
  });

  it('streaming limit with state', async () => {
    const inputData = spark.memoryStream('value INT');
    await testStream(inputData.toDF().limit(4))([
      AddData(inputData, ...ints(1, 2)),
      CheckAnswer(...ints(1, 2)),
      AddData(inputData, ...ints(...range(3, 6))),
      CheckAnswer(...ints(...range(1, 4))),
      AddData(inputData, ...ints(7, 8, 9)),
      CheckAnswer(...ints(...range(1, 4))),
    ]);
  });

  it('streaming limit with other operators', async () => {
    const inputData = spark.memoryStream('value INT');
    await testStream(inputData.toDF().where('value % 2 = 1').limit(4))([
      AddData(inputData, ...ints(...range(1, 5))),
      CheckAnswer(...ints(1, 3, 5)),
      AddData(inputData, ...ints(...range(6, 9))),
      CheckAnswer(...ints(1, 3, 5, 7)),
      AddData(inputData, ...ints(10, 11, 12)),
      CheckAnswer(...ints(1, 3, 5, 7)),
    ]);
  });

  it('streaming limit with multiple limits', async () => {
    const inputData1 = spark.memoryStream('value INT');
    await testStream(inputData1.toDF().limit(4).limit(2))([
      AddData(inputData1, [1]),
      CheckAnswer([1]),
      AddData(inputData1, ...ints(...range(2, 8))),
      CheckAnswer(...ints(1, 2)),
    ]);
    const inputData2 = spark.memoryStream('value INT');
    await testStream(inputData2.toDF().limit(4).limit(100).limit(3))([
      AddData(inputData2, ...ints(1, 2)),
      CheckAnswer(...ints(1, 2)),
      AddData(inputData2, ...ints(...range(3, 8))),
      CheckAnswer(...ints(1, 2, 3)),
    ]);
  });

  it('SPARK-30658: streaming limit before agg in complete mode', async () => {
    const inputData = spark.memoryStream('value INT');
    const limited = inputData.toDF().limit(5).groupBy('value').count();
    await testStream(limited, 'complete')([
      AddData(inputData, ...ints(1, 2, 3)),
      CheckAnswer([1, 1], [2, 1], [3, 1]),
      AddData(inputData, ...ints(...range(1, 9))),
      CheckAnswer([1, 2], [2, 2], [3, 1]),
    ]);
  });

  it('SPARK-30658: streaming limits before and after agg in complete mode (after limit < before limit)', async () => {
    const inputData = spark.memoryStream('value INT');
    const limited = inputData.toDF().limit(4).groupBy('value').count().orderBy('value').limit(3);
    await testStream(limited, 'complete')([
      AddData(inputData, ...ints(...range(1, 9))),
      CheckAnswer([1, 1], [2, 1], [3, 1]),
      AddData(inputData, ...ints(...range(2, 6))),
      CheckAnswer([1, 1], [2, 1], [3, 1]),
    ]);
  });

  it('SPARK-30658: streaming limits before and after agg in complete mode (before limit < after limit)', async () => {
    const inputData = spark.memoryStream('value INT');
    const limited = inputData.toDF().limit(2).groupBy('value').count().orderBy('value').limit(3);
    await testStream(limited, 'complete')([
      AddData(inputData, ...ints(...range(1, 9))),
      CheckAnswer([1, 1], [2, 1]),
      AddData(inputData, ...ints(...range(2, 6))),
      CheckAnswer([1, 1], [2, 1]),
    ]);
  });

  it('SPARK-30657: streaming limit after streaming dedup in append mode', async () => {
    const inputData = spark.memoryStream('value INT');
    await testStream(inputData.toDF().dropDuplicates().limit(1))([
      AddData(inputData, ...ints(1, 2)),
      CheckAnswer([1]),
      AddData(inputData, ...ints(3, 4)),
      CheckAnswer([1]),
    ]);
  });

  it('streaming limit in update mode', async () => {
    const inputData = spark.memoryStream('value INT');
    const err = (await inputData
      .toDF()
      .limit(5)
      .writeStream.outputMode('update')
      .format('noop')
      .start()
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('Limits are not supported on streaming DataFrames/Datasets in Update output mode');
  });

  it('SPARK-30657: streaming limit should not apply on limits on state subplans', async () => {
    const streamData = spark.memoryStream('value INT');
    const staticDF = spark.createDataFrame([{ value: 1 }], 'value INT').orderBy('value');
    await testStream(streamData.toDF().join(staticDF.limit(1), 'value'))([
      AddData(streamData, ...ints(1, 2, 3)),
      CheckAnswer([1]),
      AddData(streamData, ...ints(1, 3, 5)),
      CheckAnswer([1], [1]),
    ]);
  });
});

describe('streaming limit: state and restarts', () => {
  it('keeps counting across a restart, and reports a globalLimit state operator', async () => {
    const inputData = spark.memoryStream('value INT');
    await testStream(inputData.toDF().select(F.col('value')).limit(3))([
      AddData(inputData, ...ints(1, 2)),
      CheckAnswer(...ints(1, 2)),
      AssertOnQuery((q) => {
        const op = q.lastProgress!.stateOperators[0]!;
        return op.operatorName === 'globalLimit' && op.numRowsTotal === 1 && op.numRowsUpdated === 1;
      }, 'globalLimit operator with one state row'),
      StopStream,
      StartStream(),
      AddData(inputData, ...ints(3, 4, 5)),
      CheckAnswer(...ints(1, 2, 3)),
      StopStream,
      StartStream(),
      AddData(inputData, ...ints(6)),
      CheckAnswer(...ints(1, 2, 3)),
    ]);
  });
});
