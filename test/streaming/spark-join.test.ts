// Transcribed from Spark's StreamingJoinSuite
// (sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingJoinSuite.scala: the suites
// StreamingInnerJoinSuite, StreamingOuterJoinSuite, StreamingFullOuterJoinSuite and
// StreamingLeftSemiJoinSuite) and the stream-stream join cases of UnsupportedOperationsSuite
// (sql/catalyst/src/test/scala/org/apache/spark/sql/catalyst/analysis/UnsupportedOperationsSuite.scala).
// Expected rows and state-row counts are Spark's; each test names its Spark test.
import { describe, expect, it } from 'vitest';
import { Column, F, RivuletError, Session, type DataFrame, type SessionMemoryStream, type StreamingQuery } from '../../src/index.js';
import {
  AddData,
  AssertOnQuery,
  CheckAnswer,
  CheckNewAnswer,
  MultiAddData,
  StartStream,
  StopStream,
  testStream,
} from '../../src/testing/index.js';

import { checkStreamingPlan } from '../../src/plan/streaming-checks.js';
import { parseOutputMode } from '../../src/plan/output-mode.js';
import { ints, stateStoreMetricsTest } from './spark-helpers.js';

const spark = Session.builder().appName('spark-join-tests').getOrCreate();

/** An AssertOnQuery comparing a per-operator list read from the query's progress. */
const AssertOnQueryRows = (read: (q: StreamingQuery) => number[], expected: number[], what: string) =>
  AssertOnQuery((q) => {
    expect(read(q), what).toEqual(expected);
  }, `${what} = ${JSON.stringify(expected)}`);

/** `MultiAddData(leftInput, 1, 2)(rightInput, 3)` */
const multi = (...pairs: [SessionMemoryStream, unknown[][]][]) => MultiAddData(...pairs.map(([source, rows]) => ({ source, rows })));

// StreamingJoinSuite's protected helpers.
function setupStream(prefix: string, multiplier: number): { input: SessionMemoryStream; df: DataFrame } {
  const input = spark.memoryStream('value INT');
  const df = input
    .toDF()
    .select(F.col('value').alias('key'), F.timestampSeconds(F.col('value')).alias(`${prefix}Time`), F.col('value').multiply(multiplier).alias(`${prefix}Value`))
    .withWatermark(`${prefix}Time`, '10 seconds');
  return { input, df };
}

function setupWindowedJoin(joinType: string) {
  const { input: input1, df: df1 } = setupStream('left', 2);
  const { input: input2, df: df2 } = setupStream('right', 3);
  const windowed1 = df1.select(F.col('key'), F.window(F.col('leftTime'), '10 second').alias('window'), F.col('leftValue'));
  const windowed2 = df2.select(F.col('key'), F.window(F.col('rightTime'), '10 second').alias('window'), F.col('rightValue'));
  const joined = windowed1.join(windowed2, ['key', 'window'], joinType);
  const select =
    joinType === 'left_semi'
      ? joined.select(F.col('key'), F.col('window.end').cast('long'), F.col('leftValue'))
      : joined.select(F.col('key'), F.col('window.end').cast('long'), F.col('leftValue'), F.col('rightValue'));
  return { leftInput: input1, rightInput: input2, joined: select };
}

function selectForCondition(joinType: string, left: DataFrame, right: DataFrame, joined: DataFrame): DataFrame {
  const end = (df: DataFrame): Column => df.col('window').getField('end').cast('long');
  if (joinType === 'left_semi') return joined.select(left.col('key'), end(left), F.col('leftValue'));
  if (joinType === 'left_outer') return joined.select(left.col('key'), end(left), F.col('leftValue'), F.col('rightValue'));
  if (joinType === 'right_outer') return joined.select(right.col('key'), end(right), F.col('leftValue'), F.col('rightValue'));
  return joined.select(left.col('key'), end(left), F.col('leftValue'), right.col('key'), end(right), F.col('rightValue'));
}

function setupWindowedJoinWithCondition(joinType: string, side: 'left' | 'right') {
  const { input: leftInput, df: df1 } = setupStream('left', 2);
  const { input: rightInput, df: df2 } = setupStream('right', 3);
  // Use different schemas to ensure the null row is being generated from the correct side.
  const left = df1.select(F.col('key'), F.window(F.col('leftTime'), '10 second').alias('window'), F.col('leftValue'));
  const right = df2.select(F.col('key'), F.window(F.col('rightTime'), '10 second').alias('window'), F.col('rightValue').cast('string').alias('rightValue'));
  const extra = side === 'left' ? F.col('leftValue').gt(4) : F.col('rightValue').cast('int').gt(7);
  const joined = left.join(right, left.col('key').eq(right.col('key')).and(left.col('window').eq(right.col('window'))).and(extra), joinType);
  return { leftInput, rightInput, joined: selectForCondition(joinType, left, right, joined) };
}
const setupWindowedJoinWithLeftCondition = (joinType: string) => setupWindowedJoinWithCondition(joinType, 'left');
const setupWindowedJoinWithRightCondition = (joinType: string) => setupWindowedJoinWithCondition(joinType, 'right');

function setupJoinWithRangeCondition(joinType: string, watermark = '10 seconds', lowerBound = 'interval 5 seconds', upperBound = 'interval 5 seconds') {
  const leftInput = spark.memoryStream('leftKey INT, time INT');
  const rightInput = spark.memoryStream('rightKey INT, time INT');
  const df1 = leftInput
    .toDF()
    .select(F.col('leftKey'), F.timestampSeconds(F.col('time')).alias('leftTime'), F.col('leftKey').multiply(2).alias('leftValue'))
    .withWatermark('leftTime', watermark);
  const df2 = rightInput
    .toDF()
    .select(F.col('rightKey'), F.timestampSeconds(F.col('time')).alias('rightTime'), F.col('rightKey').multiply(3).alias('rightValue'))
    .withWatermark('rightTime', watermark);
  const joined = df1.join(df2, F.expr(`leftKey = rightKey AND leftTime BETWEEN rightTime - ${lowerBound} AND rightTime + ${upperBound}`), joinType);
  const select =
    joinType === 'left_semi'
      ? joined.select(F.col('leftKey'), F.col('leftTime').cast('int'))
      : joined.select(F.col('leftKey'), F.col('rightKey'), F.col('leftTime').cast('int'), F.col('rightTime').cast('int'));
  return { leftInput, rightInput, joined: select };
}

function setupSelfJoin(joinType: string) {
  const inputStream = spark.memoryStream('_1 INT, _2 BIGINT');
  const df = inputStream.toDF().select(F.col('_1').alias('value'), F.timestampSeconds(F.col('_2')).alias('timestamp'));
  const leftStream = df.select(F.col('value').alias('leftId'), F.col('timestamp').alias('leftTime'));
  const rightStream = df
    // Introduce misses for ease of debugging
    .where(F.col('value').mod(2).eq(0))
    .select(F.col('value').alias('rightId'), F.col('timestamp').alias('rightTime'));
  const joined = leftStream
    .withWatermark('leftTime', '5 seconds')
    .join(rightStream.withWatermark('rightTime', '5 seconds'), F.expr('leftId = rightId AND rightTime >= leftTime AND rightTime <= leftTime + interval 5 seconds'), joinType);
  const select =
    joinType === 'left_semi'
      ? joined.select(F.col('leftId'), F.col('leftTime').cast('int'))
      : joined.select(F.col('leftId'), F.col('leftTime').cast('int'), F.col('rightId'), F.col('rightTime').cast('int'));
  return { inputStream, query: select };
}

describe('StreamingInnerJoinSuite', () => {
  // test("stream stream inner join on non-time column")
  it('stream stream inner join on non-time column', async () => {
    const input1 = spark.memoryStream('value INT');
    const input2 = spark.memoryStream('value INT');
    const df1 = input1.toDF().select(F.col('value').alias('key'), F.col('value').multiply(2).alias('leftValue'));
    const df2 = input2.toDF().select(F.col('value').alias('key'), F.col('value').multiply(3).alias('rightValue'));
    const joined = df1.join(df2, 'key');

    await testStream(joined)([
      AddData(input1, [1]),
      CheckAnswer(),
      AddData(input2, [1], [10]), // 1 arrived on input1 first, then input2, should join
      CheckNewAnswer([1, 2, 3]),
      AddData(input1, [10]), // 10 arrived on input2 first, then input1, should join
      CheckNewAnswer([10, 20, 30]),
      AddData(input2, [1]), // another 1 in input2 should join with 1 input1
      CheckNewAnswer([1, 2, 3]),
      StopStream,
      StartStream(),
      AddData(input1, [1]), // multiple 1s should be kept in state causing multiple (1, 2, 3)
      CheckNewAnswer([1, 2, 3], [1, 2, 3]),
      StopStream,
      StartStream(),
      AddData(input1, [100]),
      AddData(input2, [100]),
      CheckNewAnswer([100, 200, 300]),
    ]);
  });

  // test("stream stream inner join on windows - without watermark")
  it('stream stream inner join on windows - without watermark', async () => {
    const input1 = spark.memoryStream('value INT');
    const input2 = spark.memoryStream('value INT');
    const df1 = input1
      .toDF()
      .select(F.col('value').alias('key'), F.timestampSeconds(F.col('value')).alias('timestamp'), F.col('value').multiply(2).alias('leftValue'))
      .select(F.col('key'), F.window(F.col('timestamp'), '10 second').alias('window'), F.col('leftValue'));
    const df2 = input2
      .toDF()
      .select(F.col('value').alias('key'), F.timestampSeconds(F.col('value')).alias('timestamp'), F.col('value').multiply(3).alias('rightValue'))
      .select(F.col('key'), F.window(F.col('timestamp'), '10 second').alias('window'), F.col('rightValue'));
    const joined = df1.join(df2, ['key', 'window']).select(F.col('key'), F.col('window.end').cast('long'), F.col('leftValue'), F.col('rightValue'));

    await testStream(joined)([
      AddData(input1, [1]),
      CheckNewAnswer(),
      AddData(input2, [1]),
      CheckNewAnswer([1, 10, 2, 3]),
      StopStream,
      StartStream(),
      AddData(input1, [25]),
      CheckNewAnswer(),
      StopStream,
      StartStream(),
      AddData(input2, [25]),
      CheckNewAnswer([25, 30, 50, 75]),
      AddData(input1, [1]),
      CheckNewAnswer([1, 10, 2, 3]), // State for 1 still around as there is no watermark
      StopStream,
      StartStream(),
      AddData(input1, [5]),
      CheckNewAnswer(),
      AddData(input2, [5]),
      CheckNewAnswer([5, 10, 10, 15]), // No filter by any watermark
    ]);
  });

  // test("stream stream inner join on windows - with watermark")
  it('stream stream inner join on windows - with watermark', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const input1 = spark.memoryStream('value INT');
    const input2 = spark.memoryStream('value INT');
    const df1 = input1
      .toDF()
      .select(F.col('value').alias('key'), F.timestampSeconds(F.col('value')).alias('timestamp'), F.col('value').multiply(2).alias('leftValue'))
      .withWatermark('timestamp', '10 seconds')
      .select(F.col('key'), F.window(F.col('timestamp'), '10 second').alias('window'), F.col('leftValue'));
    const df2 = input2
      .toDF()
      .select(F.col('value').alias('key'), F.timestampSeconds(F.col('value')).alias('timestamp'), F.col('value').multiply(3).alias('rightValue'))
      .select(F.col('key'), F.window(F.col('timestamp'), '10 second').alias('window'), F.col('rightValue'));
    const joined = df1.join(df2, ['key', 'window']).select(F.col('key'), F.col('window.end').cast('long'), F.col('leftValue'), F.col('rightValue'));

    await testStream(joined)([
      AddData(input1, [1]),
      CheckAnswer(),
      assertNumStateRows(1, 1),

      AddData(input2, [1]),
      CheckAnswer([1, 10, 2, 3]),
      assertNumStateRows(2, 1),
      StopStream,
      StartStream(),

      AddData(input1, [25]),
      CheckNewAnswer(), // watermark = 15, no-data-batch should remove 2 rows having window=[0,10]
      assertNumStateRows(1, 1),

      AddData(input2, [25]),
      CheckNewAnswer([25, 30, 50, 75]),
      assertNumStateRows(2, 1),
      StopStream,
      StartStream(),

      AddData(input2, [1]),
      CheckNewAnswer(), // Should not join as < 15 removed
      assertNumStateRows(2, 0), // row not add as 1 < state key watermark = 15

      AddData(input1, [5]),
      CheckNewAnswer(), // Same reason as above
      assertNumStateRows(2, 0, 1),
    ]);
  });

  // test("stream stream inner join with time range - with watermark - one side condition")
  it('stream stream inner join with time range - with watermark - one side condition', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const leftInput = spark.memoryStream('leftKey INT, time INT');
    const rightInput = spark.memoryStream('rightKey INT, time INT');
    const df1 = leftInput
      .toDF()
      .select(F.col('leftKey'), F.timestampSeconds(F.col('time')).alias('leftTime'), F.col('leftKey').multiply(2).alias('leftValue'))
      .withWatermark('leftTime', '10 seconds');
    const df2 = rightInput
      .toDF()
      .select(F.col('rightKey'), F.timestampSeconds(F.col('time')).alias('rightTime'), F.col('rightKey').multiply(3).alias('rightValue'))
      .withWatermark('rightTime', '10 seconds');
    const joined = df1
      .join(df2, F.expr('leftKey = rightKey AND leftTime < rightTime - interval 5 seconds'))
      .select(F.col('leftKey'), F.col('leftTime').cast('int'), F.col('rightTime').cast('int'));

    await testStream(joined)([
      AddData(leftInput, [1, 5]),
      CheckAnswer(),
      AddData(rightInput, [1, 11]),
      CheckNewAnswer([1, 5, 11]),
      AddData(rightInput, [1, 10]),
      CheckNewAnswer(), // no match as leftTime 5 is not < rightTime 10 - 5
      assertNumStateRows(3, 3),

      // Increase event time watermark to 20s by adding data with time = 30s on both inputs
      AddData(leftInput, [1, 3], [1, 30]),
      CheckNewAnswer([1, 3, 10], [1, 3, 11]),
      assertNumStateRows(5, 2),
      AddData(rightInput, [0, 30]),
      CheckNewAnswer(),

      // event time watermark:    max event time - 10   ==>   30 - 10 = 20
      // so left side going to only receive data where leftTime > 20
      // right side state constraint:    20 < leftTime < rightTime - 5   ==>   rightTime > 25
      // right state where rightTime <= 25 will be cleared, (1, 11) and (1, 10) removed
      assertNumStateRows(4, 1),

      // New data to right input should match with left side (1, 3) and (1, 5), as left state should
      // not be cleared. But rows rightTime <= 20 should be filtered due to event time watermark and
      // state rows with rightTime <= 25 should be removed from state.
      // (1, 20) ==> filtered by event time watermark = 20
      // (1, 21) ==> passed filter, matched with left (1, 3) and (1, 5), not added to state
      //             as 21 < state watermark = 25
      // (1, 28) ==> passed filter, matched with left (1, 3) and (1, 5), added to state
      AddData(rightInput, [1, 20], [1, 21], [1, 28]),
      CheckNewAnswer([1, 3, 21], [1, 5, 21], [1, 3, 28], [1, 5, 28]),
      assertNumStateRows(5, 1, 1),

      // New data to left input with leftTime <= 20 should be filtered due to event time watermark
      AddData(leftInput, [1, 20], [1, 21]),
      CheckNewAnswer([1, 21, 28]),
      assertNumStateRows(6, 1, 1),
    ]);
  });

  // test("stream stream inner join with time range - with watermark - two side conditions")
  it('stream stream inner join with time range - with watermark - two side conditions', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const leftInput = spark.memoryStream('leftKey INT, time INT');
    const rightInput = spark.memoryStream('rightKey INT, time INT');
    const df1 = leftInput
      .toDF()
      .select(F.col('leftKey'), F.timestampSeconds(F.col('time')).alias('leftTime'), F.col('leftKey').multiply(2).alias('leftValue'))
      .withWatermark('leftTime', '20 seconds');
    const df2 = rightInput
      .toDF()
      .select(F.col('rightKey'), F.timestampSeconds(F.col('time')).alias('rightTime'), F.col('rightKey').multiply(3).alias('rightValue'))
      .withWatermark('rightTime', '30 seconds');
    const condition = F.expr('leftKey = rightKey AND leftTime BETWEEN rightTime - interval 10 seconds AND rightTime + interval 5 seconds');
    // This translates to leftTime <= rightTime + 5 seconds AND leftTime >= rightTime - 10 seconds
    // So given leftTime, rightTime has to be BETWEEN leftTime - 5 seconds AND leftTime + 10 seconds
    //   left side:  drop state where leftTime < eventTime - 10
    //   right side: drop state where rightTime < eventTime - 5
    const joined = df1.join(df2, condition).select(F.col('leftKey'), F.col('leftTime').cast('int'), F.col('rightTime').cast('int'));

    await testStream(joined)([
      // If leftTime = 20, then it match only with rightTime = [15, 30]
      AddData(leftInput, [1, 20]),
      CheckAnswer(),
      AddData(rightInput, [1, 14], [1, 15], [1, 25], [1, 26], [1, 30], [1, 31]),
      CheckNewAnswer([1, 20, 15], [1, 20, 25], [1, 20, 26], [1, 20, 30]),
      assertNumStateRows(7, 7),

      // If rightTime = 60, then it matches only leftTime = [50, 65]
      AddData(rightInput, [1, 60]),
      CheckNewAnswer(), // matches with nothing on the left
      AddData(leftInput, [1, 49], [1, 50], [1, 65], [1, 66]),
      CheckNewAnswer([1, 50, 60], [1, 65, 60]),

      // Event time watermark = min(left: 66 - delay 20 = 46, right: 60 - delay 30 = 30) = 30
      // Left state value watermark = 30 - 10 = slightly less than 20 (since condition has <=)
      //    Should drop < 20 from left, i.e., none
      // Right state value watermark = 30 - 5 = slightly less than 25 (since condition has <=)
      //    Should drop < 25 from the right, i.e., 14 and 15
      assertNumStateRows(10, 5), // 12 - 2 removed

      AddData(leftInput, [1, 30], [1, 31]), // 30 should not be processed or added to state
      CheckNewAnswer([1, 31, 26], [1, 31, 30], [1, 31, 31]),
      assertNumStateRows(11, 1, 1), // only 31 added

      // Advance the watermark
      AddData(rightInput, [1, 80]),
      CheckNewAnswer(),
      // Event time watermark = min(left: 66 - delay 20 = 46, right: 80 - delay 30 = 50) = 46
      // Left state value watermark = 46 - 10 = slightly less than 36 (since condition has <=)
      //    Should drop < 36 from left, i.e., 20, 31 (30 was not added)
      // Right state value watermark = 46 - 5 = slightly less than 41 (since condition has <=)
      //    Should drop < 41 from the right, i.e., 25, 26, 30, 31
      assertNumStateRows(6, 1), // 12 - 6 removed

      AddData(rightInput, [1, 46], [1, 50]), // 46 should not be processed or added to state
      CheckNewAnswer([1, 49, 50], [1, 50, 50]),
      assertNumStateRows(7, 1, 1), // 50 added
    ]);
  });

  // testQuietly("stream stream inner join without equality predicate")
  it('stream stream inner join without equality predicate', async () => {
    const input1 = spark.memoryStream('value INT');
    const input2 = spark.memoryStream('value INT');
    const df1 = input1.toDF().select(F.col('value').alias('leftKey'), F.col('value').multiply(2).alias('leftValue'));
    const df2 = input2.toDF().select(F.col('value').alias('rightKey'), F.col('value').multiply(3).alias('rightValue'));
    const joined = df1.join(df2, F.expr('leftKey < rightKey'));
    // Spark fails the query when it plans the first micro-batch; rivulet when the query starts.
    const e = await (async () => {
      const q = await joined.writeStream.format('memory').queryName('test').start();
      input1.addData([[1]]);
      await q.awaitTermination(10000);
    })().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(String(e)).toContain('Stream-stream join without equality predicate is not supported');
  });

  // test("stream stream self join")
  it('stream stream self join', async () => {
    const input = spark.memoryStream('value INT');
    const df = input.toDF();
    const join = df
      .select(F.col('value').mod(5).alias('key'), F.col('value'))
      .join(df.select(F.col('value').mod(5).alias('key'), F.col('value')), 'key');

    await testStream(join)([
      AddData(input, [1], [2]),
      CheckAnswer([1, 1, 1], [2, 2, 2]),
      StopStream,
      StartStream(),
      AddData(input, [3], [6]),
      /*
      (1, 1)     (1, 1)
      (2, 2)  x  (2, 2)  =  (1, 1, 1), (1, 1, 6), (2, 2, 2), (1, 6, 1), (1, 6, 6)
      (1, 6)     (1, 6)
      */
      CheckAnswer([3, 3, 3], [1, 1, 1], [1, 1, 6], [2, 2, 2], [1, 6, 1], [1, 6, 6]),
    ]);
  });

  // test("join between three streams")
  it('join between three streams', async () => {
    const input1 = spark.memoryStream('value INT');
    const input2 = spark.memoryStream('value INT');
    const input3 = spark.memoryStream('value INT');
    const df1 = input1.toDF().select(F.col('value').alias('leftKey'), F.col('value').multiply(2).alias('leftValue'));
    const df2 = input2.toDF().select(F.col('value').alias('middleKey'), F.col('value').multiply(3).alias('middleValue'));
    const df3 = input3.toDF().select(F.col('value').alias('rightKey'), F.col('value').multiply(5).alias('rightValue'));
    const joined = df1.join(df2, F.expr('leftKey = middleKey')).join(df3, F.expr('rightKey = middleKey'));

    await testStream(joined)([AddData(input1, [1], [5]), AddData(input2, [1], [5], [10]), AddData(input3, [5], [10]), CheckNewAnswer([5, 10, 5, 15, 5, 25])]);
  });

  // test("SPARK-48687 - restore the stream-stream inner join query from Spark 3.5 and " +
  //   "changing the join condition (key schema) should fail the query")
  // test("SPARK-48687 - ... changing the value schema should fail the query")
  // Spark restores a checkpoint written by Spark 3.5.1; here the first query writes it.
  describe('SPARK-48687: changing the state schema of a stream-stream join fails the restart', () => {
    const selfJoin = (input: SessionMemoryStream, opts: { nameInKey: boolean; nameInOutput: boolean }) => {
      const df = input.toDF().select(F.col('_1').alias('value'), F.timestampSeconds(F.col('_2')).alias('timestamp'), F.col('_3').alias('name'));
      const leftStream = df.select(F.col('value').alias('leftId'), F.col('timestamp').alias('leftTime'), F.col('name').alias('leftName'));
      const rightStream = df
        // Introduce misses for ease of debugging
        .where(F.col('value').mod(2).eq(0))
        .select(F.col('value').alias('rightId'), F.col('timestamp').alias('rightTime'), F.col('name').alias('rightName'));
      const cond = `rightId = leftId ${opts.nameInKey ? 'AND leftName = rightName ' : ''}AND rightTime >= leftTime AND rightTime <= leftTime + interval 5 seconds`;
      const joined = leftStream.withWatermark('leftTime', '5 seconds').join(rightStream.withWatermark('rightTime', '5 seconds'), F.expr(cond), 'inner');
      return opts.nameInOutput
        ? joined.select(F.col('leftId'), F.col('leftTime').cast('int'), F.col('leftName'), F.col('rightId'), F.col('rightTime').cast('int'), F.col('rightName'))
        : joined.select(F.col('leftId'), F.col('leftTime').cast('int'), F.col('rightId'), F.col('rightTime').cast('int'));
    };
    const withCheckpoint = async (): Promise<{ location: string; input: SessionMemoryStream }> => {
      const location = `memory://spark-48687-${Date.now()}-${Math.random()}`;
      const input = spark.memoryStream('_1 INT, _2 BIGINT, _3 STRING');
      await testStream(selfJoin(input, { nameInKey: false, nameInOutput: false }))([
        StartStream({ checkpointLocation: location }),
        AddData(input, [1, 1, 'a'], [2, 2, 'b'], [3, 3, 'c'], [4, 4, 'd'], [5, 5, 'e']),
        CheckNewAnswer([2, 2, 2, 2], [4, 4, 4, 4]),
        StopStream,
      ]);
      return { location, input };
    };
    const restart = async (df: DataFrame, location: string): Promise<RivuletError> =>
      (await df.writeStream.format('noop').option('checkpointLocation', location).start().then(
        async (q) => {
          await q.stop();
          return undefined;
        },
        (e: unknown) => e,
      )) as RivuletError;

    it('changing the join condition (key schema) should fail the query', async () => {
      const { location, input } = await withCheckpoint();
      const e = await restart(selfJoin(input, { nameInKey: true, nameInOutput: true }), location);
      expect(e).toBeInstanceOf(RivuletError);
      expect(e.errorClass).toBe('STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE');
    });

    it('changing the value schema should fail the query', async () => {
      const { location, input } = await withCheckpoint();
      const e = await restart(selfJoin(input, { nameInKey: false, nameInOutput: true }), location);
      expect(e).toBeInstanceOf(RivuletError);
      expect(e.errorClass).toBe('STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE');
    });

    it('the same query resumes', async () => {
      const { location, input } = await withCheckpoint();
      await testStream(selfJoin(input, { nameInKey: false, nameInOutput: false }))([
        StartStream({ checkpointLocation: location }),
        AddData(input, [6, 6, 'a'], [7, 7, 'a'], [8, 8, 'a'], [9, 9, 'a'], [10, 10, 'a']),
        CheckNewAnswer([6, 6, 6, 6], [8, 8, 8, 8], [10, 10, 10, 10]),
      ]);
    });
  });

  // test("SPARK-35896: metrics in StateOperatorProgress are output correctly")
  // Spark runs it with 3 shuffle partitions (numStateStoreInstances = 3 * 4); rivulet keeps one
  // partition, so a join reports 4 store instances (Spark's four stores of one partition).
  it('SPARK-35896: metrics in StateOperatorProgress are output correctly', async () => {
    const { assertNumStateRows, assertStateOperatorProgressMetric } = stateStoreMetricsTest();
    const input1 = spark.memoryStream('value INT');
    const input2 = spark.memoryStream('value INT');
    const df1 = input1
      .toDF()
      .select(F.col('value').alias('key'), F.timestampSeconds(F.col('value')).alias('timestamp'), F.col('value').multiply(2).alias('leftValue'))
      .withWatermark('timestamp', '10 seconds')
      .select(F.col('key'), F.window(F.col('timestamp'), '10 second').alias('window'), F.col('leftValue'));
    const df2 = input2
      .toDF()
      .select(F.col('value').alias('key'), F.timestampSeconds(F.col('value')).alias('timestamp'), F.col('value').multiply(3).alias('rightValue'))
      .select(F.col('key'), F.window(F.col('timestamp'), '10 second').alias('window'), F.col('rightValue'));
    const joined = df1.join(df2, ['key', 'window']).select(F.col('key'), F.col('window.end').cast('long'), F.col('leftValue'), F.col('rightValue'));

    await testStream(joined)([
      StartStream(),
      AddData(input1, [1]),
      CheckAnswer(),
      assertStateOperatorProgressMetric('symmetricHashJoin', 4),

      AddData(input2, [1]),
      CheckAnswer([1, 10, 2, 3]),
      assertNumStateRows({ total: [2], updated: [1], dropped: [0], removed: [0] }),

      AddData(input1, [25]),
      CheckNewAnswer(), // watermark = 15, no-data-batch should remove 2 rows having window=[0,10]
      assertNumStateRows({ total: [1], updated: [1], dropped: [0], removed: [2] }),

      AddData(input2, [25]),
      CheckNewAnswer([25, 30, 50, 75]),
      assertNumStateRows({ total: [2], updated: [1], dropped: [0], removed: [0] }),
    ]);
  });

  // testForJoinKeyNullability: leftKey <=> rightKey
  const testForJoinKeyNullability = (left: DataFrame, right: DataFrame): DataFrame => {
    const df1 = left.selectExpr('value as leftKey', 'value * 2 as leftValue');
    const df2 = right.selectExpr('value as rightKey', 'value * 3 as rightValue');
    return df1.join(df2, F.expr('leftKey <=> rightKey')).select('leftKey', 'rightKey', 'leftValue', 'rightValue');
  };

  // test("joining non-nullable left join key with nullable right join key")
  it('joining non-nullable left join key with nullable right join key', async () => {
    const input1 = spark.memoryStream('value INT NOT NULL');
    const input2 = spark.memoryStream('value INT');
    const joined = testForJoinKeyNullability(input1.toDF(), input2.toDF());
    await testStream(joined)([AddData(input1, [1], [5]), AddData(input2, [1], [5], [10], [null]), CheckNewAnswer([1, 1, 2, 3], [5, 5, 10, 15])]);
  });

  // test("joining nullable left join key with non-nullable right join key")
  it('joining nullable left join key with non-nullable right join key', async () => {
    const input1 = spark.memoryStream('value INT');
    const input2 = spark.memoryStream('value INT NOT NULL');
    const joined = testForJoinKeyNullability(input1.toDF(), input2.toDF());
    await testStream(joined)([AddData(input1, [1], [5], [10], [null]), AddData(input2, [1], [5]), CheckNewAnswer([1, 1, 2, 3], [5, 5, 10, 15])]);
  });

  // test("joining nullable left join key with nullable right join key")
  it('joining nullable left join key with nullable right join key', async () => {
    const input1 = spark.memoryStream('value INT');
    const input2 = spark.memoryStream('value INT');
    const joined = testForJoinKeyNullability(input1.toDF(), input2.toDF());
    await testStream(joined)([
      AddData(input1, [1], [5], [10], [null]),
      AddData(input2, [1], [5], [null]),
      CheckNewAnswer([1, 1, 2, 3], [5, 5, 10, 15], [null, null, null, null]),
    ]);
  });
});

describe('StreamingOuterJoinSuite', () => {
  // test("left outer early state exclusion on left")
  it('left outer early state exclusion on left', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { leftInput, rightInput, joined } = setupWindowedJoinWithLeftCondition('left_outer');
    await testStream(joined)([
      multi([leftInput, ints(1, 2, 3)], [rightInput, ints(3, 4, 5)]),
      // The left rows with leftValue <= 4 should generate their outer join row now and
      // not get added to the state.
      CheckNewAnswer([3, 10, 6, '9'], [1, 10, 2, null], [2, 10, 4, null]),
      assertNumStateRows(4, 4),
      // We shouldn't get more outer join rows when the watermark advances.
      multi([leftInput, ints(20)], [rightInput, ints(21)]),
      CheckNewAnswer(),
      AddData(rightInput, [20]),
      CheckNewAnswer([20, 30, 40, '60']),
    ]);
  });

  // test("left outer early state exclusion on right")
  it('left outer early state exclusion on right', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { leftInput, rightInput, joined } = setupWindowedJoinWithRightCondition('left_outer');
    await testStream(joined)([
      multi([leftInput, ints(3, 4, 5)], [rightInput, ints(1, 2, 3)]),
      // The right rows with rightValue <= 7 should never be added to the state.
      CheckNewAnswer([3, 10, 6, '9']), // rightValue = 9 > 7 hence joined and added to state
      assertNumStateRows(4, 4),
      // When the watermark advances, we get the outer join rows just as we would if they
      // were added but didn't match the full join condition.
      multi([leftInput, ints(20)], [rightInput, ints(21)]), // watermark = 10, no-data-batch computes nulls
      CheckNewAnswer([4, 10, 8, null], [5, 10, 10, null]),
      AddData(rightInput, [20]),
      CheckNewAnswer([20, 30, 40, '60']),
    ]);
  });

  // test("right outer early state exclusion on left")
  it('right outer early state exclusion on left', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { leftInput, rightInput, joined } = setupWindowedJoinWithLeftCondition('right_outer');
    await testStream(joined)([
      multi([leftInput, ints(1, 2, 3)], [rightInput, ints(3, 4, 5)]),
      // The left rows with leftValue <= 4 should never be added to the state.
      CheckNewAnswer([3, 10, 6, '9']), // leftValue = 7 > 4 hence joined and added to state
      assertNumStateRows(4, 4),
      // When the watermark advances, we get the outer join rows just as we would if they
      // were added but didn't match the full join condition.
      multi([leftInput, ints(20)], [rightInput, ints(21)]), // watermark = 10, no-data-batch computes nulls
      CheckNewAnswer([4, 10, null, '12'], [5, 10, null, '15']),
      AddData(rightInput, [20]),
      CheckNewAnswer([20, 30, 40, '60']),
    ]);
  });

  // test("right outer early state exclusion on right")
  it('right outer early state exclusion on right', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { leftInput, rightInput, joined } = setupWindowedJoinWithRightCondition('right_outer');
    await testStream(joined)([
      multi([leftInput, ints(3, 4, 5)], [rightInput, ints(1, 2, 3)]),
      // The right rows with rightValue <= 7 should generate their outer join row now and
      // not get added to the state.
      CheckNewAnswer([3, 10, 6, '9'], [1, 10, null, '3'], [2, 10, null, '6']),
      assertNumStateRows(4, 4),
      // We shouldn't get more outer join rows when the watermark advances.
      multi([leftInput, ints(20)], [rightInput, ints(21)]),
      CheckNewAnswer(),
      AddData(rightInput, [20]),
      CheckNewAnswer([20, 30, 40, '60']),
    ]);
  });

  // test("windowed left outer join")
  it('windowed left outer join', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { leftInput, rightInput, joined } = setupWindowedJoin('left_outer');
    await testStream(joined)([
      // Test inner part of the join.
      multi([leftInput, ints(1, 2, 3, 4, 5)], [rightInput, ints(3, 4, 5, 6, 7)]),
      CheckNewAnswer([3, 10, 6, 9], [4, 10, 8, 12], [5, 10, 10, 15]),

      multi([leftInput, ints(21)], [rightInput, ints(22)]), // watermark = 11, no-data-batch computes nulls
      CheckNewAnswer([1, 10, 2, null], [2, 10, 4, null]),
      assertNumStateRows(2, 12),

      AddData(leftInput, [22]),
      CheckNewAnswer([22, 30, 44, 66]),
      assertNumStateRows(3, 1),
    ]);
  });

  // test("windowed right outer join")
  it('windowed right outer join', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { leftInput, rightInput, joined } = setupWindowedJoin('right_outer');
    await testStream(joined)([
      // Test inner part of the join.
      multi([leftInput, ints(1, 2, 3, 4, 5)], [rightInput, ints(3, 4, 5, 6, 7)]),
      CheckNewAnswer([3, 10, 6, 9], [4, 10, 8, 12], [5, 10, 10, 15]),

      multi([leftInput, ints(21)], [rightInput, ints(22)]), // watermark = 11, no-data-batch computes nulls
      CheckNewAnswer([6, 10, null, 18], [7, 10, null, 21]),
      assertNumStateRows(2, 12),

      AddData(leftInput, [22]),
      CheckNewAnswer([22, 30, 44, 66]),
      assertNumStateRows(3, 1),
    ]);
  });

  // Seq(("left_outer", Row(3, null, 5, null)), ("right_outer", Row(null, 2, null, 5))).foreach
  //   test(s"${joinType.replace("_", " ")} with watermark range condition")
  for (const [joinType, outerResult] of [
    ['left_outer', [3, null, 5, null]],
    ['right_outer', [null, 2, null, 5]],
  ] as const) {
    it(`${joinType.replace('_', ' ')} with watermark range condition`, async () => {
      {
        const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
        const { leftInput, rightInput, joined } = setupJoinWithRangeCondition(joinType);
        await testStream(joined)([
          AddData(leftInput, [1, 5], [3, 5]),
          CheckAnswer(),
          AddData(rightInput, [1, 10], [2, 5]),
          CheckNewAnswer([1, 1, 5, 10]),
          AddData(rightInput, [1, 11]),
          CheckNewAnswer(), // no match as left time is too low
          assertNumStateRows(5, 5),

          // Increase event time watermark to 20s by adding data with time = 30s on both inputs
          AddData(leftInput, [1, 7], [1, 30]),
          CheckNewAnswer([1, 1, 7, 10], [1, 1, 7, 11]),
          assertNumStateRows(7, 2),
          AddData(rightInput, [0, 30]), // watermark = 30 - 10 = 20, no-data-batch computes nulls
          CheckNewAnswer([...outerResult]),
          assertNumStateRows(2, 1),
        ]);
      }

      for (const [watermark, bound] of [
        ['10 minutes', 'interval 3 minutes 30 seconds'],
        ['10 minutes', "interval '3:30' minute to second"],
      ] as const) {
        const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
        const { leftInput: leftInput2, rightInput: rightInput2, joined: joined2 } = setupJoinWithRangeCondition(joinType, watermark, bound, bound);
        await testStream(joined2)([
          AddData(leftInput2, [1, 210], [3, 5]),
          CheckAnswer(),
          AddData(rightInput2, [1, 300], [2, 5]),
          CheckNewAnswer([1, 1, 210, 300]),
          AddData(rightInput2, [1, 450]),
          CheckNewAnswer(),
          assertNumStateRows(5, 5),
          AddData(leftInput2, [1, 260], [1, 1800]),
          CheckNewAnswer([1, 1, 260, 300], [1, 1, 260, 450]),
          assertNumStateRows(7, 2),
          AddData(rightInput2, [0, 1800]),
          CheckNewAnswer([...outerResult]),
          assertNumStateRows(2, 1),
        ]);
      }
    });
  }

  // test("left outer join with non-key condition violated")
  // When the join condition isn't true, the outer null rows must be generated, even if the join
  // keys themselves have a match.
  it('left outer join with non-key condition violated', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { input: leftInput, df: simpleLeftDf } = setupStream('left', 2);
    const { input: rightInput, df: simpleRightDf } = setupStream('right', 3);
    const left = simpleLeftDf.select(F.col('key'), F.window(F.col('leftTime'), '10 second').alias('window'), F.col('leftValue'));
    const right = simpleRightDf.select(F.col('key'), F.window(F.col('rightTime'), '10 second').alias('window'), F.col('rightValue'));
    const joined = left
      .join(
        right,
        left
          .col('key')
          .eq(right.col('key'))
          .and(left.col('window').eq(right.col('window')))
          .and(F.col('leftValue').gt(10))
          .and(F.col('rightValue').lt(300).or(F.col('rightValue').gt(1000))),
        'left_outer',
      )
      .select(left.col('key'), left.col('window').getField('end').cast('long'), F.col('leftValue'), F.col('rightValue'));

    await testStream(joined)([
      // leftValue <= 10 should generate outer join rows even though it matches right keys
      multi([leftInput, ints(1, 2, 3)], [rightInput, ints(1, 2, 3)]),
      CheckNewAnswer([1, 10, 2, null], [2, 10, 4, null], [3, 10, 6, null]),
      assertNumStateRows(3, 3), // only right 1, 2, 3 added

      multi([leftInput, ints(20)], [rightInput, ints(21)]), // watermark = 10, no-data-batch cleared < 10
      CheckNewAnswer(),
      assertNumStateRows(2, 2), // only 20 and 21 left in state

      AddData(rightInput, [20]),
      CheckNewAnswer([20, 30, 40, 60]),
      assertNumStateRows(3, 1),

      // leftValue and rightValue both satisfying condition should not generate outer join rows
      multi([leftInput, ints(40, 41)], [rightInput, ints(40, 41)]), // watermark = 31
      CheckNewAnswer([40, 50, 80, 120], [41, 50, 82, 123]),
      assertNumStateRows(4, 4), // only left 40, 41 + right 40,41 left in state

      multi([leftInput, ints(70)], [rightInput, ints(71)]), // watermark = 60
      CheckNewAnswer(),
      assertNumStateRows(2, 2), // only 70, 71 left in state

      AddData(rightInput, [70]),
      CheckNewAnswer([70, 80, 140, 210]),
      assertNumStateRows(3, 1),

      // rightValue between 300 and 1000 should generate outer join rows even though it matches left
      multi([leftInput, ints(101, 102, 103)], [rightInput, ints(101, 102, 103)]), // watermark = 91
      CheckNewAnswer(),
      assertNumStateRows(6, 3), // only 101 - 103 left in state

      multi([leftInput, ints(1000)], [rightInput, ints(1001)]),
      CheckNewAnswer([101, 110, 202, null], [102, 110, 204, null], [103, 110, 206, null]),
      assertNumStateRows(2, 2),
    ]);
  });

  // test("SPARK-26187 self left outer join should not return outer nulls for already matched rows")
  it('SPARK-26187 self left outer join should not return outer nulls for already matched rows', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { inputStream, query } = setupSelfJoin('left_outer');
    await testStream(query)([
      AddData(inputStream, [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]),
      // batch 1 - global watermark = 0
      // states
      // left: (1, 1L), (2, 2L), (3, 3L), (4, 4L), (5, 5L)
      // right: (2, 2L), (4, 4L)
      CheckNewAnswer([2, 2, 2, 2], [4, 4, 4, 4]),
      assertNumStateRows(7, 7),

      AddData(inputStream, [6, 6], [7, 7], [8, 8], [9, 9], [10, 10]),
      // batch 2 - global watermark = 5
      // states
      // left: (1, 1L), (2, 2L), (3, 3L), (4, 4L), (5, 5L), (6, 6L), (7, 7L), (8, 8L),
      //       (9, 9L), (10, 10L)
      // right: (6, 6L), (8, 8L), (10, 10L)
      // states evicted
      // left: nothing (it waits for 5 seconds more than watermark due to join condition)
      // right: (2, 2L), (4, 4L)
      // NOTE: look for evicted rows in right which are not evicted from left - they were
      // properly joined in batch 1
      CheckNewAnswer([6, 6, 6, 6], [8, 8, 8, 8], [10, 10, 10, 10]),
      assertNumStateRows(13, 8),

      AddData(inputStream, [11, 11], [12, 12], [13, 13], [14, 14], [15, 15]),
      // batch 3
      // - global watermark = 9 <= min(9, 10)
      // states
      // left: (4, 4L), (5, 5L), (6, 6L), (7, 7L), (8, 8L), (9, 9L), (10, 10L), (11, 11L),
      //       (12, 12L), (13, 13L), (14, 14L), (15, 15L)
      // right: (10, 10L), (12, 12L), (14, 14L)
      // states evicted
      // left: (1, 1L), (2, 2L), (3, 3L)
      // right: (6, 6L), (8, 8L)
      CheckNewAnswer([12, 12, 12, 12], [14, 14, 14, 14], [1, 1, null, null], [3, 3, null, null]),
      assertNumStateRows(15, 7),
    ]);
  });

  // test("SPARK-26187 self right outer join should not return outer nulls for already matched rows")
  it('SPARK-26187 self right outer join should not return outer nulls for already matched rows', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const inputStream = spark.memoryStream('_1 INT, _2 BIGINT');
    const df = inputStream.toDF().select(F.col('_1').alias('value'), F.timestampSeconds(F.col('_2')).alias('timestamp'));
    // we're just flipping "left" and "right" from left outer join and apply right outer join
    const leftStream = df
      // Introduce misses for ease of debugging
      .where(F.col('value').mod(2).eq(0))
      .select(F.col('value').alias('leftId'), F.col('timestamp').alias('leftTime'));
    const rightStream = df.select(F.col('value').alias('rightId'), F.col('timestamp').alias('rightTime'));
    const query = leftStream
      .withWatermark('leftTime', '5 seconds')
      .join(rightStream.withWatermark('rightTime', '5 seconds'), F.expr('leftId = rightId AND leftTime >= rightTime AND leftTime <= rightTime + interval 5 seconds'), 'rightOuter')
      .select(F.col('leftId'), F.col('leftTime').cast('int'), F.col('rightId'), F.col('rightTime').cast('int'));

    // we can just flip left and right in the explanation of left outer query test
    // to assume the status of right outer query, hence skip explaining here
    await testStream(query)([
      AddData(inputStream, [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]),
      CheckNewAnswer([2, 2, 2, 2], [4, 4, 4, 4]),
      assertNumStateRows(7, 7),

      AddData(inputStream, [6, 6], [7, 7], [8, 8], [9, 9], [10, 10]),
      CheckNewAnswer([6, 6, 6, 6], [8, 8, 8, 8], [10, 10, 10, 10]),
      assertNumStateRows(13, 8),

      AddData(inputStream, [11, 11], [12, 12], [13, 13], [14, 14], [15, 15]),
      CheckNewAnswer([12, 12, 12, 12], [14, 14, 14, 14], [null, null, 1, 1], [null, null, 3, 3]),
      assertNumStateRows(15, 7),
    ]);
  });

  // test("SPARK-29438: ensure UNION doesn't lead stream-stream join to use shifted partition IDs")
  // Restarting with a different number of partitions of the union's other input is a Spark
  // partitioning concern; the transcription keeps the query, the restart on the same checkpoint
  // with a fresh set of inputs, and the answers.
  it("SPARK-29438: ensure UNION doesn't lead stream-stream join to use shifted partition IDs", async () => {
    const constructUnionDf = () => {
      const input1 = spark.memoryStream('value INT');
      const df1 = input1.toDF().select(F.col('value').alias('key'), F.col('value').alias('leftValue'), F.col('value').alias('rightValue'));
      const { input: input2, df: df2 } = setupStream('left', 2);
      const { input: input3, df: df3 } = setupStream('right', 3);
      const joined = df2
        .join(df3, df2.col('key').eq(df3.col('key')).and(df2.col('leftTime').eq(df3.col('rightTime'))), 'inner')
        .select(df2.col('key'), F.col('leftValue'), F.col('rightValue'));
      return { input1, input2, input3, unionDf: df1.union(joined) };
    };
    const checkpointLocation = `memory://spark-29438-${Date.now()}-${Math.random()}`;
    const first = constructUnionDf();
    await testStream(first.unionDf)([
      StartStream({ checkpointLocation }),
      MultiAddData(
        { source: first.input1, rows: ints(11, 12, 13) },
        { source: first.input2, rows: ints(11, 12, 13, 14, 15) },
        { source: first.input3, rows: ints(13, 14, 15, 16, 17) },
      ),
      CheckNewAnswer([11, 11, 11], [12, 12, 12], [13, 13, 13], [13, 26, 39], [14, 28, 42], [15, 30, 45]),
      StopStream,
    ]);

    // Spark's MemoryStream of the new query holds the old rows again (offsets 0..) and the
    // checkpoint says they were processed; rivulet's fresh streams are fed the same way.
    const second = constructUnionDf();
    second.input1.addData(ints(11, 12, 13));
    second.input2.addData(ints(11, 12, 13, 14, 15));
    second.input3.addData(ints(13, 14, 15, 16, 17));
    await testStream(second.unionDf)([
      StartStream({ checkpointLocation }),
      MultiAddData(
        { source: second.input1, rows: ints(21, 22, 23) },
        { source: second.input2, rows: ints(21, 22, 23, 24, 25) },
        { source: second.input3, rows: ints(23, 24, 25, 26, 27) },
      ),
      CheckNewAnswer([21, 21, 21], [22, 22, 22], [23, 23, 23], [23, 46, 69], [24, 48, 72], [25, 50, 75]),
    ]);
  });

  // test("SPARK-32148 stream-stream join regression on Spark 3.0.0")
  it('SPARK-32148 stream-stream join regression on Spark 3.0.0', async () => {
    const input1 = spark.memoryStream('_1 TIMESTAMP, _2 STRING, _3 STRING');
    const df1 = input1.toDF().selectExpr('_1 as eventTime', '_2 as id', '_3 as comment').withWatermark('eventTime', '2 minutes');
    const input2 = spark.memoryStream('_1 TIMESTAMP, _2 STRING, _3 STRING');
    const df2 = input2.toDF().selectExpr('_1 as eventTime', '_2 as id', '_3 as name').withWatermark('eventTime', '4 minutes');
    const joined = df1
      .alias('left')
      .join(df2.alias('right'), F.expr('left.id = right.id AND left.eventTime BETWEEN right.eventTime - INTERVAL 30 seconds AND right.eventTime + INTERVAL 30 seconds'), 'leftOuter');

    const ts = (s: string): string => `${s.replace(' ', 'T')}Z`;
    const inputDataForInput1 = [
      [ts('2020-01-01 00:00:00'), 'abc', 'has no join partner'],
      [ts('2020-01-02 00:00:00'), 'abc', 'joined with A'],
      [ts('2020-01-02 01:00:00'), 'abc', 'joined with B'],
    ];
    const inputDataForInput2 = [
      [ts('2020-01-02 00:00:10'), 'abc', 'A'],
      [ts('2020-01-02 00:59:59'), 'abc', 'B'],
      [ts('2020-01-02 02:00:00'), 'abc', 'C'],
    ];
    const expectedOutput = [
      [ts('2020-01-01 00:00:00'), 'abc', 'has no join partner', null, null, null],
      [ts('2020-01-02 00:00:00'), 'abc', 'joined with A', ts('2020-01-02 00:00:10'), 'abc', 'A'],
      [ts('2020-01-02 01:00:00'), 'abc', 'joined with B', ts('2020-01-02 00:59:59'), 'abc', 'B'],
    ];
    await testStream(joined)([
      MultiAddData({ source: input1, rows: inputDataForInput1 }, { source: input2, rows: inputDataForInput2 }),
      CheckNewAnswer(...expectedOutput),
    ]);
  });

  const testForLeftOuterJoinKeyNullability = (left: DataFrame, right: DataFrame): DataFrame => {
    const df1 = left
      .selectExpr('_1 as leftKey1', '_2 as leftKey2', 'timestamp_seconds(_2) as leftTime', '_2 * 2 as leftValue')
      .withWatermark('leftTime', '10 seconds');
    const df2 = right
      .selectExpr('_1 as rightKey1', '_2 as rightKey2', 'timestamp_seconds(_2) as rightTime', '_2 * 3 as rightValue')
      .withWatermark('rightTime', '10 seconds');
    const windowed1 = df1.select(F.col('leftKey1'), F.col('leftKey2'), F.window(F.col('leftTime'), '10 second').alias('leftWindow'), F.col('leftValue'));
    const windowed2 = df2.select(F.col('rightKey1'), F.col('rightKey2'), F.window(F.col('rightTime'), '10 second').alias('rightWindow'), F.col('rightValue'));
    return windowed1
      .join(windowed2, F.expr('leftKey1 <=> rightKey1 AND leftKey2 = rightKey2 AND leftWindow = rightWindow'), 'left_outer')
      .select(F.col('leftKey1'), F.col('rightKey1'), F.col('leftKey2'), F.col('rightKey2'), F.col('leftWindow.end').cast('long'), F.col('leftValue'), F.col('rightValue'));
  };

  // test("left-outer: joining non-nullable left join key with nullable right join key")
  it('left-outer: joining non-nullable left join key with nullable right join key', async () => {
    const input1 = spark.memoryStream('_1 INT NOT NULL, _2 INT NOT NULL');
    const input2 = spark.memoryStream('_1 INT, _2 INT NOT NULL');
    const joined = testForLeftOuterJoinKeyNullability(input1.toDF(), input2.toDF());
    await testStream(joined)([
      AddData(input1, [1, 1], [1, 2], [1, 3], [1, 4], [1, 5]),
      AddData(input2, [1, 3], [1, 4], [1, 5], [1, 6]),
      CheckNewAnswer([1, 1, 3, 3, 10, 6, 9], [1, 1, 4, 4, 10, 8, 12], [1, 1, 5, 5, 10, 10, 15]),
      AddData(input1, [1, 21]),
      // right-null join
      AddData(input2, [1, 22]), // watermark = 11, no-data-batch computes nulls
      CheckNewAnswer([1, null, 1, null, 10, 2, null], [1, null, 2, null, 10, 4, null]),
    ]);
  });

  // test("left-outer: joining nullable left join key with non-nullable right join key")
  it('left-outer: joining nullable left join key with non-nullable right join key', async () => {
    const input1 = spark.memoryStream('_1 INT, _2 INT NOT NULL');
    const input2 = spark.memoryStream('_1 INT NOT NULL, _2 INT NOT NULL');
    const joined = testForLeftOuterJoinKeyNullability(input1.toDF(), input2.toDF());
    await testStream(joined)([
      AddData(input1, [1, 1], [null, 2], [1, 3], [1, 4], [1, 5]),
      AddData(input2, [1, 3], [1, 4], [1, 5], [1, 6]),
      CheckNewAnswer([1, 1, 3, 3, 10, 6, 9], [1, 1, 4, 4, 10, 8, 12], [1, 1, 5, 5, 10, 10, 15]),
      // right-null join
      AddData(input1, [1, 21]),
      AddData(input2, [1, 22]), // watermark = 11, no-data-batch computes nulls
      CheckNewAnswer([1, null, 1, null, 10, 2, null], [null, null, 2, null, 10, 4, null]),
    ]);
  });

  // test("left-outer: joining nullable left join key with nullable right join key")
  it('left-outer: joining nullable left join key with nullable right join key', async () => {
    const input1 = spark.memoryStream('_1 INT, _2 INT NOT NULL');
    const input2 = spark.memoryStream('_1 INT, _2 INT NOT NULL');
    const joined = testForLeftOuterJoinKeyNullability(input1.toDF(), input2.toDF());
    await testStream(joined)([
      AddData(input1, [1, 1], [null, 2], [1, 3], [null, 4], [1, 5]),
      AddData(input2, [1, 3], [null, 4], [1, 5], [1, 6]),
      CheckNewAnswer([1, 1, 3, 3, 10, 6, 9], [null, null, 4, 4, 10, 8, 12], [1, 1, 5, 5, 10, 10, 15]),
      // right-null join
      AddData(input1, [1, 21]),
      AddData(input2, [1, 22]), // watermark = 11, no-data-batch computes nulls
      CheckNewAnswer([1, null, 1, null, 10, 2, null], [null, null, 2, null, 10, 4, null]),
    ]);
  });

  // test("SPARK-38684: outer join works correctly even if processing input rows and " +
  //   "evicting state rows for same grouping key happens in the same micro-batch")
  it('SPARK-38684: outer join works correctly even if processing input rows and evicting state rows for same grouping key happens in the same micro-batch', async () => {
    // withSQLConf(noDataMicroBatches.enabled = false): on a session of its own.
    const s = spark.newSession();
    const input1 = s.memoryStream('_1 TIMESTAMP, _2 STRING, _3 STRING');
    const df1 = input1.toDF().selectExpr('_1 as eventTime', '_2 as id', '_3 as comment').withWatermark('eventTime', '0 second');
    const input2 = s.memoryStream('_1 TIMESTAMP, _2 STRING, _3 STRING');
    const df2 = input2.toDF().selectExpr('_1 as eventTime', '_2 as id', '_3 as comment').withWatermark('eventTime', '0 second');
    const joined = df1
      .alias('left')
      .join(df2.alias('right'), F.expr('left.id = right.id AND left.eventTime BETWEEN right.eventTime - INTERVAL 30 seconds AND right.eventTime + INTERVAL 30 seconds'), 'leftOuter');
    const ts = (s: string): string => `${s.replace(' ', 'T')}Z`;

    await testStream(joined)([
      StartStream({ conf: { 'spark.sql.streaming.noDataMicroBatches.enabled': false } }),
      MultiAddData(
        { source: input1, rows: [[ts('2020-01-02 00:00:00'), 'abc', 'left in batch 1']] },
        { source: input2, rows: [[ts('2020-01-02 00:01:00'), 'abc', 'right in batch 1']] },
      ),
      CheckNewAnswer(),
      MultiAddData(
        { source: input1, rows: [[ts('2020-01-02 01:00:00'), 'abc', 'left in batch 2']] },
        { source: input2, rows: [[ts('2020-01-02 01:01:00'), 'abc', 'right in batch 2']] },
      ),
      // watermark advanced to "2020-01-02 00:00:00"
      CheckNewAnswer(),
      AddData(input1, [ts('2020-01-02 01:30:00'), 'abc', 'left in batch 3']),
      // watermark advanced to "2020-01-02 01:00:00"
      CheckNewAnswer([ts('2020-01-02 00:00:00'), 'abc', 'left in batch 1', null, null, null]),
      // left side state should still contain "left in batch 2" and "left in batch 3"
      // we should see both rows in the left side since
      // - "left in batch 2" is going to be evicted in this batch
      // - "left in batch 3" is going to be matched with new row in right side
      AddData(input2, [ts('2020-01-02 01:30:10'), 'abc', 'match with left in batch 3']),
      // watermark advanced to "2020-01-02 01:01:00"
      CheckNewAnswer(
        [ts('2020-01-02 01:00:00'), 'abc', 'left in batch 2', null, null, null],
        [ts('2020-01-02 01:30:00'), 'abc', 'left in batch 3', ts('2020-01-02 01:30:10'), 'abc', 'match with left in batch 3'],
      ),
    ]);
  });
});

describe('StreamingFullOuterJoinSuite', () => {
  // test("windowed full outer join")
  it('windowed full outer join', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { leftInput, rightInput, joined } = setupWindowedJoin('full_outer');
    await testStream(joined)([
      multi([leftInput, ints(1, 2, 3, 4, 5)], [rightInput, ints(3, 4, 5, 6, 7)]),
      CheckNewAnswer([3, 10, 6, 9], [4, 10, 8, 12], [5, 10, 10, 15]),
      // states
      // left: 1, 2, 3, 4 ,5
      // right: 3, 4, 5, 6, 7
      assertNumStateRows(10, 10),
      multi([leftInput, ints(21)], [rightInput, ints(22)]),
      // Watermark = 11, should remove rows having window=[0,10].
      CheckNewAnswer([1, 10, 2, null], [2, 10, 4, null], [6, 10, null, 18], [7, 10, null, 21]),
      // states
      // left: 21
      // right: 22
      //
      // states evicted
      // left: 1, 2, 3, 4 ,5 (below watermark)
      // right: 3, 4, 5, 6, 7 (below watermark)
      assertNumStateRows(2, 2),
      AddData(leftInput, [22]),
      CheckNewAnswer([22, 30, 44, 66]),
      // states
      // left: 21, 22
      // right: 22
      assertNumStateRows(3, 1),
      StopStream,
      StartStream(),

      AddData(leftInput, [1]),
      // Row not add as 1 < state key watermark = 12.
      CheckNewAnswer(),
      // states
      // left: 21, 22
      // right: 22
      assertNumStateRows(3, 0, 1),
      AddData(rightInput, [5]),
      // Row not add as 5 < state key watermark = 12.
      CheckNewAnswer(),
      // states
      // left: 21, 22
      // right: 22
      assertNumStateRows(3, 0, 1),
    ]);
  });

  // test("full outer early state exclusion on left")
  it('full outer early state exclusion on left', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { leftInput, rightInput, joined } = setupWindowedJoinWithLeftCondition('full_outer');
    await testStream(joined)([
      multi([leftInput, ints(1, 2, 3)], [rightInput, ints(3, 4, 5)]),
      // The left rows with leftValue <= 4 should generate their outer join rows now and
      // not get added to the state.
      CheckNewAnswer([1, 10, 2, null, null, null], [2, 10, 4, null, null, null], [3, 10, 6, 3, 10, '9']),
      // states
      // left: 3
      // right: 3, 4, 5
      assertNumStateRows(4, 4),
      // Generate outer join result for all non-matched rows when the watermark advances.
      multi([leftInput, ints(20)], [rightInput, ints(21)]),
      CheckNewAnswer([null, null, null, 4, 10, '12'], [null, null, null, 5, 10, '15']),
      // states
      // left: 20
      // right: 21
      //
      // states evicted
      // left: 3 (below watermark)
      // right: 3, 4, 5 (below watermark)
      assertNumStateRows(2, 2),
      AddData(rightInput, [20]),
      CheckNewAnswer([20, 30, 40, 20, 30, '60']),
      // states
      // left: 20
      // right: 21, 20
      assertNumStateRows(3, 1),
    ]);
  });

  // test("full outer early state exclusion on right")
  it('full outer early state exclusion on right', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { leftInput, rightInput, joined } = setupWindowedJoinWithRightCondition('full_outer');
    await testStream(joined)([
      multi([leftInput, ints(3, 4, 5)], [rightInput, ints(1, 2, 3)]),
      // The right rows with rightValue <= 7 should generate their outer join rows now,
      // and never be added to the state.
      // The right row with rightValue = 9 > 7, hence joined and added to state.
      CheckNewAnswer([null, null, null, 1, 10, '3'], [null, null, null, 2, 10, '6'], [3, 10, 6, 3, 10, '9']),
      // states
      // left: 3, 4, 5
      // right: 3
      assertNumStateRows(4, 4),
      // Generate outer join result for all non-matched rows when the watermark advances.
      multi([leftInput, ints(20)], [rightInput, ints(21)]),
      CheckNewAnswer([4, 10, 8, null, null, null], [5, 10, 10, null, null, null]),
      // states
      // left: 20
      // right: 21
      //
      // states evicted
      // left: 3, 4, 5 (below watermark)
      // right: 3 (below watermark)
      assertNumStateRows(2, 2),
      AddData(rightInput, [20]),
      CheckNewAnswer([20, 30, 40, 20, 30, '60']),
      // states
      // left: 20
      // right: 21, 20
      assertNumStateRows(3, 1),
    ]);
  });

  // test("full outer join with watermark range condition")
  it('full outer join with watermark range condition', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { leftInput, rightInput, joined } = setupJoinWithRangeCondition('full_outer');
    await testStream(joined)([
      AddData(leftInput, [1, 5], [3, 5]),
      CheckNewAnswer(),
      // states
      // left: (1, 5), (3, 5)
      // right: nothing
      assertNumStateRows(2, 2),
      AddData(rightInput, [1, 10], [2, 5]),
      // Match left row in the state.
      CheckNewAnswer([1, 1, 5, 10]),
      // states
      // left: (1, 5), (3, 5)
      // right: (1, 10), (2, 5)
      assertNumStateRows(4, 2),
      AddData(rightInput, [1, 9]),
      // Match left row in the state.
      CheckNewAnswer([1, 1, 5, 9]),
      // states
      // left: (1, 5), (3, 5)
      // right: (1, 10), (2, 5), (1, 9)
      assertNumStateRows(5, 1),
      // Increase event time watermark to 20s by adding data with time = 30s on both inputs.
      AddData(leftInput, [1, 7], [1, 30]),
      CheckNewAnswer([1, 1, 7, 9], [1, 1, 7, 10]),
      // states
      // left: (1, 5), (3, 5), (1, 7), (1, 30)
      // right: (1, 10), (2, 5), (1, 9)
      assertNumStateRows(7, 2),
      // Watermark = 30 - 10 = 20, no matched row.
      // Generate outer join result for all non-matched rows when the watermark advances.
      AddData(rightInput, [0, 30]),
      CheckNewAnswer([3, null, 5, null], [null, 2, null, 5]),
      // states
      // left: (1, 30)
      // right: (0, 30)
      //
      // states evicted
      // left: (1, 5), (3, 5), (1, 5) (below watermark = 20)
      // right: (1, 10), (2, 5), (1, 9) (below watermark = 20)
      assertNumStateRows(2, 1),
    ]);
  });

  // test("self full outer join")
  it('self full outer join', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { inputStream, query } = setupSelfJoin('full_outer');
    await testStream(query)([
      AddData(inputStream, [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]),
      CheckNewAnswer([2, 2, 2, 2], [4, 4, 4, 4]),
      // batch 1 - global watermark = 0
      assertNumStateRows(7, 7),
      AddData(inputStream, [6, 6], [7, 7], [8, 8], [9, 9], [10, 10]),
      CheckNewAnswer([6, 6, 6, 6], [8, 8, 8, 8], [10, 10, 10, 10]),
      // batch 2 - global watermark = 5; right (2, 2L), (4, 4L) evicted
      assertNumStateRows(13, 8),
      AddData(inputStream, [11, 11], [12, 12], [13, 13], [14, 14], [15, 15]),
      CheckNewAnswer([12, 12, 12, 12], [14, 14, 14, 14], [1, 1, null, null], [3, 3, null, null]),
      // batch 3 - global watermark = 9; left (1, 1L), (2, 2L), (3, 3L) and right (6, 6L),
      // (8, 8L) evicted
      assertNumStateRows(15, 7),
    ]);
  });
});

describe('StreamingLeftSemiJoinSuite', () => {
  // test("windowed left semi join")
  it('windowed left semi join', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { leftInput, rightInput, joined } = setupWindowedJoin('left_semi');
    await testStream(joined)([
      multi([leftInput, ints(1, 2, 3, 4, 5)], [rightInput, ints(3, 4, 5, 6, 7)]),
      CheckNewAnswer([3, 10, 6], [4, 10, 8], [5, 10, 10]),
      // states
      // left: 1, 2, 3, 4 ,5
      // right: 3, 4, 5, 6, 7
      assertNumStateRows(10, 10),
      multi([leftInput, ints(21)], [rightInput, ints(22)]),
      // Watermark = 11, should remove rows having window=[0,10].
      CheckNewAnswer(),
      // states
      // left: 21
      // right: 22
      assertNumStateRows(2, 2),
      AddData(leftInput, [22]),
      CheckNewAnswer([22, 30, 44]),
      // Unlike inner/outer joins, given left input row matches with right input row,
      // we don't buffer the matched left input row to the state store.
      //
      // states
      // left: 21
      // right: 22
      assertNumStateRows(2, 0),
      StopStream,
      StartStream(),

      AddData(leftInput, [1]),
      // Row not add as 1 < state key watermark = 12.
      CheckNewAnswer(),
      assertNumStateRows(2, 0, 1),
      AddData(rightInput, [5]),
      // Row not add as 5 < state key watermark = 12.
      CheckNewAnswer(),
      assertNumStateRows(2, 0, 1),
    ]);
  });

  // test("left semi early state exclusion on left")
  it('left semi early state exclusion on left', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { leftInput, rightInput, joined } = setupWindowedJoinWithLeftCondition('left_semi');
    await testStream(joined)([
      multi([leftInput, ints(1, 2, 3)], [rightInput, ints(3, 4, 5)]),
      // The left rows with leftValue <= 4 should not generate their semi join rows and
      // not get added to the state.
      CheckNewAnswer([3, 10, 6]),
      // states
      // left: 3
      // right: 3, 4, 5
      assertNumStateRows(4, 4),
      // We shouldn't get more semi join rows when the watermark advances.
      multi([leftInput, ints(20)], [rightInput, ints(21)]),
      CheckNewAnswer(),
      assertNumStateRows(2, 2),
      AddData(rightInput, [20]),
      CheckNewAnswer([20, 30, 40]),
      assertNumStateRows(3, 1),
    ]);
  });

  // test("left semi early state exclusion on right")
  it('left semi early state exclusion on right', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { leftInput, rightInput, joined } = setupWindowedJoinWithRightCondition('left_semi');
    await testStream(joined)([
      multi([leftInput, ints(3, 4, 5)], [rightInput, ints(1, 2, 3)]),
      // The right rows with rightValue <= 7 should never be added to the state.
      // The right row with rightValue = 9 > 7, hence joined and added to state.
      CheckNewAnswer([3, 10, 6]),
      // states
      // left: 3, 4, 5
      // right: 3
      assertNumStateRows(4, 4),
      // We shouldn't get more semi join rows when the watermark advances.
      multi([leftInput, ints(20)], [rightInput, ints(21)]),
      CheckNewAnswer(),
      assertNumStateRows(2, 2),
      AddData(rightInput, [20]),
      CheckNewAnswer([20, 30, 40]),
      assertNumStateRows(3, 1),
    ]);
  });

  // test("left semi join with watermark range condition")
  it('left semi join with watermark range condition', async () => {
    const { assertNumStateRows1: assertNumStateRows } = stateStoreMetricsTest();
    const { leftInput, rightInput, joined } = setupJoinWithRangeCondition('left_semi');
    await testStream(joined)([
      AddData(leftInput, [1, 5], [3, 5]),
      CheckNewAnswer(),
      // states
      // left: (1, 5), (3, 5)
      // right: nothing
      assertNumStateRows(2, 2),
      AddData(rightInput, [1, 10], [2, 5]),
      // Match left row in the state.
      CheckNewAnswer([1, 5]),
      // states
      // left: (1, 5), (3, 5)
      // right: (1, 10), (2, 5)
      assertNumStateRows(4, 2),
      AddData(rightInput, [1, 9]),
      // No match as left row is already matched.
      CheckNewAnswer(),
      // states
      // left: (1, 5), (3, 5)
      // right: (1, 10), (2, 5), (1, 9)
      assertNumStateRows(5, 1),
      // Increase event time watermark to 20s by adding data with time = 30s on both inputs.
      AddData(leftInput, [1, 7], [1, 30]),
      CheckNewAnswer([1, 7]),
      // states
      // left: (1, 5), (3, 5), (1, 30)
      // right: (1, 10), (2, 5), (1, 9)
      assertNumStateRows(6, 1),
      // Watermark = 30 - 10 = 20, no matched row.
      AddData(rightInput, [0, 30]),
      CheckNewAnswer(),
      // states
      // left: (1, 30)
      // right: (0, 30)
      assertNumStateRows(2, 1),
    ]);
  });

  // test("self left semi join")
  // Spark's InferFiltersFromConstraints copies the right side's `value % 2 = 0` to the left
  // input of a left semi join, so Spark's left state holds only even ids (state rows 4, 8, 9);
  // rivulet's optimizer has no constraint inference, so the left side buffers every row. The
  // answers are the same; the state-row counts are not asserted.
  it('self left semi join', async () => {
    const { inputStream, query } = setupSelfJoin('left_semi');
    await testStream(query)([
      AddData(inputStream, [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]),
      CheckNewAnswer([2, 2], [4, 4]),
      AddData(inputStream, [6, 6], [7, 7], [8, 8], [9, 9], [10, 10]),
      CheckNewAnswer([6, 6], [8, 8], [10, 10]),
      AddData(inputStream, [11, 11], [12, 12], [13, 13], [14, 14], [15, 15]),
      CheckNewAnswer([12, 12], [14, 14]),
    ]);
  });
});

// MultiStatefulOperatorsSuite (sql/core/src/test/scala/org/apache/spark/sql/streaming/
// MultiStatefulOperatorsSuite.scala): the cases with a stream-stream join. State operators are
// listed from the sink down (Spark's progress order). "join on time interval -> window agg,
// append mode, should fail" is left out: Spark 3.5 rejects a time-interval join followed by a
// stateful operator, Spark 4 (and ../shared/spark-unsupported-operations.json) accepts it and
// propagates the join's state watermark downstream, as rivulet does.
describe('MultiStatefulOperatorsSuite: stream-stream joins', () => {
  const assertNumStateRows = (numTotalRows: number[]) =>
    AssertOnQueryRows((q) => q.recentProgress.at(-1)!.stateOperators.map((o) => o.numRowsTotal), numTotalRows, 'numRowsTotal per operator');
  const assertNumRowsDroppedByWatermark = (dropped: number[]) =>
    AssertOnQueryRows((q) => q.recentProgress.filter((p) => p.numInputRows !== 0).at(-1)!.stateOperators.map((o) => o.numRowsDroppedByWatermark), dropped, 'numRowsDroppedByWatermark per operator');
  const ts = (s: string): string => `${s.replace(' ', 'T')}Z`;

  // test("join -> window agg, append mode")
  it('join -> window agg, append mode', async () => {
    const input1 = spark.memoryStream('value INT');
    const inputDF1 = input1.toDF().withColumnRenamed('value', 'value1').withColumn('eventTime1', F.timestampSeconds(F.col('value1'))).withWatermark('eventTime1', '0 seconds');
    const input2 = spark.memoryStream('value INT');
    const inputDF2 = input2.toDF().withColumnRenamed('value', 'value2').withColumn('eventTime2', F.timestampSeconds(F.col('value2'))).withWatermark('eventTime2', '0 seconds');
    const stream = inputDF1
      .join(inputDF2, F.expr('eventTime1 = eventTime2'), 'inner')
      .groupBy(F.window(F.col('eventTime1'), '5 seconds').alias('window'))
      .agg(F.count('*').alias('count'))
      .select(F.col('window').getField('start').cast('long'), F.col('count'));

    await testStream(stream)([
      multi([input1, ints(1, 2, 3, 4)], [input2, ints(1, 2, 3, 4)]),
      // op1 W (0, 0): join output (1, 1), (2, 2), (3, 3), (4, 4); op2 W (0, 0): state [0, 5) 4
      // no-data batch: op1 W (0, 4) evicts the join state; op2 W (0, 4) keeps [0, 5) 4
      CheckNewAnswer(),
      assertNumStateRows([1, 0]),
      assertNumRowsDroppedByWatermark([0, 0]),

      // Move the watermark
      multi([input1, ints(5)], [input2, ints(5)]),
      // no-data batch: op2 W (4, 5) outputs [0, 5) 4
      CheckNewAnswer([0, 4]),
      assertNumStateRows([1, 0]),
      assertNumRowsDroppedByWatermark([0, 0]),
    ]);
  });

  // test("join with range join on non-time intervals -> window agg, append mode, shouldn't fail")
  it("join with range join on non-time intervals -> window agg, append mode, shouldn't fail", async () => {
    const input1 = spark.memoryStream('value INT');
    const inputDF1 = input1
      .toDF()
      .withColumnRenamed('value', 'value1')
      .withColumn('eventTime1', F.timestampSeconds(F.col('value1')))
      .withColumn('v1', F.timestampSeconds(F.col('value1')))
      .withWatermark('eventTime1', '0 seconds');
    const input2 = spark.memoryStream('start INT, end INT');
    const inputDF2 = input2
      .toDF()
      .withColumn('eventTime2Start', F.timestampSeconds(F.col('start')))
      .withColumn('start2', F.timestampSeconds(F.col('start')))
      .withColumn('end2', F.timestampSeconds(F.col('end')))
      .withWatermark('eventTime2Start', '0 seconds');
    const stream = inputDF1
      .join(inputDF2, F.expr('v1 >= start2 AND v1 < end2 AND eventTime1 = start2'), 'inner')
      .groupBy(F.window(F.col('eventTime1'), '5 seconds').alias('window'))
      .agg(F.count('*').alias('count'))
      .select(F.col('window').getField('start').cast('long'), F.col('count'));

    await testStream(stream)([
      AddData(input1, ...ints(1, 2, 3, 4)),
      AddData(input2, [1, 2], [2, 3], [3, 4], [4, 5]),
      CheckNewAnswer(),
      assertNumStateRows([1, 0]),
      assertNumRowsDroppedByWatermark([0, 0]),
    ]);
  });

  // test("stream-stream time interval left outer join -> aggregation, append mode")
  it('stream-stream time interval left outer join -> aggregation, append mode', async () => {
    const input1 = spark.memoryStream('_1 TIMESTAMP, _2 STRING, _3 STRING');
    const df1 = input1.toDF().selectExpr('_1 as eventTime', '_2 as id', '_3 as comment').withWatermark('eventTime', '2 minutes');
    const input2 = spark.memoryStream('_1 TIMESTAMP, _2 STRING, _3 STRING');
    const df2 = input2.toDF().selectExpr('_1 as eventTime', '_2 as id', '_3 as name').withWatermark('eventTime', '4 minutes');
    const joined = df1
      .alias('left')
      .join(df2.alias('right'), F.expr('left.id = right.id AND left.eventTime BETWEEN right.eventTime - INTERVAL 40 seconds AND right.eventTime + INTERVAL 30 seconds'), 'leftOuter');
    const windowAggregation = joined
      .groupBy(F.window(F.col('left.eventTime'), '30 seconds'))
      .agg(F.count('*').alias('cnt'))
      .selectExpr('window.start AS window_start', 'window.end AS window_end', 'cnt');

    await testStream(windowAggregation)([
      MultiAddData(
        {
          source: input1,
          rows: [
            [ts('2020-01-01 00:00:00'), 'abc', 'has no join partner'],
            [ts('2020-01-02 00:00:00'), 'abc', 'joined with A'],
            [ts('2020-01-02 01:00:00'), 'abc', 'joined with B'],
          ],
        },
        {
          source: input2,
          rows: [
            [ts('2020-01-02 00:00:10'), 'abc', 'A'],
            [ts('2020-01-02 00:59:59'), 'abc', 'B'],
            [ts('2020-01-02 02:00:00'), 'abc', 'C'],
          ],
        },
      ),
      // no-data batch: op1 (join) IW (0, 2020-01-02 00:58:00) OW 2020-01-02 00:57:20 emits the
      // unmatched "has no join partner"; op2 (aggregation) IW (0, 2020-01-02 00:57:20)
      CheckNewAnswer([ts('2020-01-01 00:00:00'), ts('2020-01-01 00:00:30'), 1], [ts('2020-01-02 00:00:00'), ts('2020-01-02 00:00:30'), 1]),

      MultiAddData(
        { source: input1, rows: [[ts('2020-01-05 00:00:00'), 'abc', 'joined with D']] },
        { source: input2, rows: [[ts('2020-01-05 00:00:10'), 'abc', 'D']] },
      ),
      // no-data batch: op1 IW (.., 2020-01-04 23:56:10) OW 2020-01-04 23:55:30; op2 outputs
      // [2020-01-02 01:00:00, 01:00:30)
      CheckNewAnswer([ts('2020-01-02 01:00:00'), ts('2020-01-02 01:00:30'), 1]),
    ]);
  });

  // test("stream-stream time interval left outer join (left side condition) -> time window aggregation")
  it('stream-stream time interval left outer join (left side condition) -> time window aggregation', async () => {
    const adImprStream = spark.memoryStream('id INT, ts TIMESTAMP');
    const adClickStream = spark.memoryStream('id INT, ts TIMESTAMP');
    const adImpr = adImprStream.toDF().withWatermark('ts', '1 hour');
    const adClick = adClickStream.toDF().withWatermark('ts', '1 hour');
    const stream = adImpr
      .alias('tb1')
      .join(adClick.alias('tb2'), F.expr('tb1.id == tb2.id AND tb1.ts + interval 5 minutes > tb2.ts'), 'leftOuter')
      .groupBy(F.window(F.col('tb1.ts'), '5 minutes'))
      .count()
      .select('window.start', 'window.end', 'count');

    await testStream(stream)([
      MultiAddData(
        { source: adImprStream, rows: [[1, ts('2022-01-01 01:30:55.888')], [2, ts('2022-01-01 03:30:55.888')], [4, ts('2022-01-01 05:30:55.888')]] },
        { source: adClickStream, rows: [[1, ts('2022-01-01 01:31:55.888')], [3, ts('2022-01-01 02:40:55.888')], [6, ts('2022-01-01 05:30:55.888')]] },
      ),
      CheckNewAnswer([ts('2022-01-01 01:30:00'), ts('2022-01-01 01:35:00'), 1], [ts('2022-01-01 03:30:00'), ts('2022-01-01 03:35:00'), 1]),
    ]);
  });

  // Not a Spark test: the reason Spark propagates the join's state watermark. A left row of a
  // time-interval outer join is emitted null-extended long after the global watermark passed its
  // window; the aggregation after the join must still count it.
  it('time-interval left outer join -> window aggregation counts the late-emitted outer rows', async () => {
    const left = spark.memoryStream('id STRING, t INT');
    const right = spark.memoryStream('id STRING, t INT');
    const l = left.toDF().select(F.col('id').alias('lid'), F.timestampSeconds(F.col('t')).alias('lt')).withWatermark('lt', '0 seconds');
    const r = right.toDF().select(F.col('id').alias('rid'), F.timestampSeconds(F.col('t')).alias('rt')).withWatermark('rt', '0 seconds');
    const counts = l
      .join(r, F.expr('lid = rid AND lt BETWEEN rt - interval 40 minutes AND rt'), 'left_outer')
      .groupBy(F.window(F.col('lt'), '30 seconds').alias('w'))
      .count()
      .select(F.col('w').getField('start').cast('long'), F.col('count'));
    await testStream(counts)([
      multi([left, [['a', 100]]], [right, [['b', 100]]]), // watermark -> 100
      CheckNewAnswer(),
      multi([left, [['c', 130]]], [right, [['d', 130]]]), // watermark -> 130, past the window [90, 120)
      CheckNewAnswer(),
      // watermark -> 3000: the join evicts a (100) and c (130) unmatched (left state watermark
      // 3000 - 2400 s - 1 ms); its output watermark 599.999 s lets the aggregation take and emit them
      multi([left, [['e', 3000]]], [right, [['f', 3000]]]),
      CheckNewAnswer([90, 1], [120, 1]),
    ]);
  });
});

// EventTimeWatermarkSuite (sql/core/src/test/scala/org/apache/spark/sql/streaming/
// EventTimeWatermarkSuite.scala): the cases that need a stream-stream join.
describe('EventTimeWatermarkSuite: multiple event time columns', () => {
  const buildTestQueryForMultiEventTimeColumns = (s: Session) => {
    const input1 = s.memoryStream('_1 STRING, _2 BIGINT');
    const input2 = s.memoryStream('_1 STRING, _2 BIGINT');
    const df1 = input1.toDF().selectExpr('_1 AS id1', 'timestamp_seconds(_2) AS ts1').withWatermark('ts1', '1 minute');
    const df2 = input2.toDF().selectExpr('_1 AS id2', 'timestamp_seconds(_2) AS ts2').withWatermark('ts2', '2 minutes');
    const joined = df1.join(df2, F.expr('id1 = id2 AND ts1 = ts2 + INTERVAL 10 SECONDS'), 'inner').selectExpr('id1', 'ts1', 'ts2');
    // the output of join contains both ts1 and ts2
    const dedup = joined.dropDuplicates().selectExpr('id1', 'CAST(ts1 AS LONG) AS ts1', 'CAST(ts2 AS LONG) AS ts2');
    return { input1, input2, dedup };
  };

  // test("multiple event time columns in an input DataFrame for stateful operator is not allowed")
  // is not transcribed: it needs the check in the deduplication operator, and rivulet's dedup
  // does not make it (a dedup after a window aggregation that keeps window and window_time(window)
  // would trip it, see MultiStatefulOperatorsSuite "aggregation -> stream deduplication"). The
  // stream-stream join makes the check on each of its inputs.

  // test("stateful operator should pick the first occurrence of event time column if there is " +
  //   "multiple event time columns in compatibility mode")
  it('stateful operator should pick the first occurrence of event time column if there is multiple event time columns in compatibility mode', async () => {
    const s = spark.newSession();
    s.conf.set('spark.sql.streaming.statefulOperator.allowMultiple', false);
    const { input1, input2, dedup } = buildTestQueryForMultiEventTimeColumns(s);
    await testStream(dedup)([
      MultiAddData({ source: input1, rows: [['A', 200], ['B', 300]] }, { source: input2, rows: [['A', 190], ['C', 350]] }),
      CheckAnswer(['A', 200, 190]),
    ]);
  });
});

// UnsupportedOperationsSuite: the stream-stream join cases, on the analyzed plans of real
// DataFrames (Spark builds the plans by hand). `attribute` is a column without a watermark,
// `attributeWithWatermark` a watermarked one; Spark's IntegerType watermark attribute is a
// timestamp here (withWatermark needs one).
describe('UnsupportedOperationsSuite: stream-stream joins', () => {
  const streamRelation = () => spark.memoryStream('a INT, t TIMESTAMP').toDF();
  const watermarked = () => spark.memoryStream('a INT, t TIMESTAMP').toDF().withWatermark('t', '10 seconds');
  const check = (df: DataFrame, mode: string): RivuletError | undefined => {
    try {
      checkStreamingPlan(df.plan, parseOutputMode(mode));
      return undefined;
    } catch (e) {
      return e as RivuletError;
    }
  };
  // assertSupportedInStreamingPlan
  const supported = (df: DataFrame, mode = 'append'): void => {
    const e = check(df, mode);
    expect(e?.message).toBeUndefined();
  };
  // assertNotSupportedInStreamingPlan: every message names the operation and says "not supported".
  const notSupported = (df: DataFrame, mode: string, expectedMsgs: string[]): void => {
    const e = check(df, mode);
    expect(e, 'expected an AnalysisException').toBeInstanceOf(RivuletError);
    for (const m of [...expectedMsgs, 'not supported']) expect(e!.message.toLowerCase()).toContain(m.toLowerCase());
  };
  const on = (l: DataFrame, r: DataFrame, lc: string, rc: string) => l.col(lc).eq(r.col(rc));

  // testBinaryOperationInStreamingPlan("single inner join in append mode", _.join(_, joinType = Inner))
  it('single inner join in append mode', () => {
    const l = streamRelation();
    const r = streamRelation();
    supported(l.join(r, on(l, r, 'a', 'a'), 'inner'));
  });

  // testBinaryOperationInStreamingPlan("multiple inner joins in append mode")
  it('multiple inner joins in append mode', () => {
    const x = streamRelation();
    const y = streamRelation();
    const z = streamRelation();
    supported(x.join(y, on(x, y, 'a', 'a'), 'inner').join(z, x.col('a').eq(z.col('a')), 'inner'));
  });

  // testBinaryOperationInStreamingPlan("inner join in update mode", streamStreamSupported = false)
  it('inner join in update mode', () => {
    const l = streamRelation();
    const r = streamRelation();
    notSupported(l.join(r, on(l, r, 'a', 'a'), 'inner'), 'update', ['is not supported in Update output mode']);
  });

  // testBinaryOperationInStreamingPlan("FullOuter join" / "LeftOuter join" / "LeftSemi join" /
  // "LeftAnti join" / "RightOuter join", streamStreamSupported = false): no condition, so no
  // watermark that could clean the state.
  for (const [joinType, name] of [
    ['full_outer', 'FullOuter join'],
    ['left_outer', 'LeftOuter join'],
    ['left_semi', 'LeftSemi join'],
    ['left_anti', 'LeftAnti join'],
    ['right_outer', 'RightOuter join'],
  ] as const) {
    it(`${name} with stream-stream relations`, () => {
      const l = streamRelation();
      const r = streamRelation();
      notSupported(l.join(r, on(l, r, 'a', 'a'), joinType), 'append', [name]);
    });
  }

  // Seq(LeftOuter, RightOuter, FullOuter, LeftSemi).foreach { joinType => ... }
  for (const [joinType, name] of [
    ['left_outer', 'LeftOuter'],
    ['right_outer', 'RightOuter'],
    ['full_outer', 'FullOuter'],
    ['left_semi', 'LeftSemi'],
  ] as const) {
    it(`${name} join with stream-stream relations: output modes, watermarked join keys, state value watermark`, () => {
      const s1 = streamRelation();
      const s2 = streamRelation();
      // Update mode not allowed
      notSupported(s1.join(s2, on(s1, s2, 'a', 'a'), joinType), 'update', ['is not supported in Update output mode']);
      // Complete mode not allowed
      notSupported(s1.join(s2, on(s1, s2, 'a', 'a'), joinType).groupBy().agg(F.count('*').alias('d')), 'complete', ['is not supported in Complete output mode']);

      // Stream-stream allowed with join on watermark attribute
      // Note that the attribute need not be watermarked on both sides.
      const w = watermarked();
      const s3 = streamRelation();
      supported(w.join(s3, on(w, s3, 't', 't'), joinType)); // join on attribute with left watermark
      const s4 = streamRelation();
      const w2 = watermarked();
      supported(s4.join(w2, on(s4, w2, 't', 't'), joinType)); // join on attribute with right watermark
      const s5 = streamRelation();
      const s6 = streamRelation();
      notSupported(s5.join(s6, on(s5, s6, 't', 't'), joinType), 'append', ['without a watermark in the join keys']);

      // stream-stream allowed with range condition yielding state value watermark
      const mk = () => {
        const plain = streamRelation();
        const withWm = watermarked();
        return joinType === 'right_outer' ? { left: withWm, right: plain, attribute: plain.col('t'), time: withWm.col('t') } : { left: plain, right: withWm, attribute: plain.col('t'), time: withWm.col('t') };
      };
      const ten = F.expr('interval 10 seconds');
      const ok = mk();
      supported(ok.left.join(ok.right, ok.attribute.gt(ok.time.plus(ten)), joinType));
      // stream-stream not allowed with insufficient range condition
      const bad = mk();
      notSupported(bad.left.join(bad.right, bad.attribute.lt(bad.time.plus(ten)), joinType), 'append', [
        'is not supported without a watermark in the join keys, or a watermark on the nullable side and an appropriate range condition',
      ]);
    });
  }

  // The watermark can be on a window over the watermarked column (StreamingJoinHelper keeps the
  // event-time marker through window()).
  it('left outer join on a window of the watermarked column is allowed', () => {
    const l = watermarked().select(F.col('a'), F.window(F.col('t'), '10 seconds').alias('w'));
    const r = streamRelation().select(F.col('a'), F.window(F.col('t'), '10 seconds').alias('w'));
    supported(l.join(r, l.col('a').eq(r.col('a')).and(l.col('w').eq(r.col('w'))), 'left_outer'));
  });
});

