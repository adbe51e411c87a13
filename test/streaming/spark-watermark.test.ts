// Transcribed from Spark's EventTimeWatermarkSuite
// (sql/core/src/test/scala/org/apache/spark/sql/streaming/EventTimeWatermarkSuite.scala).
// Expected rows, watermarks and state-row counts are Spark's; each test names its Spark test.
import { describe, expect, it } from 'vitest';
import { F, RivuletError, Session, type DataFrame, type SessionMemoryStream, type StreamingQuery } from '../../src/index.js';
import type { MemoryStream } from '../../src/sources/memory-stream.js';
import type { MemorySink } from '../../src/sinks/memory-sink.js';
import {
  AddData,
  AssertOnQuery,
  CheckAnswer,
  CheckLastBatch,
  CheckNewAnswer,
  ExpectFailure,
  MultiAddData,
  StartStream,
  StopStream,
  testStream,
  type StreamAction,
} from '../../src/testing/index.js';

import { ints, range } from './spark-helpers.js';
const spark = Session.builder().appName('spark-watermark-tests').getOrCreate();

const iso = (sec: number): string => new Date(sec * 1000).toISOString();

const DAY_MS = 86_400_000;
const NO_DATA_FLAG = 'spark.sql.streaming.noDataMicroBatches.enabled';
const POLICY = 'spark.sql.streaming.multipleWatermarkPolicy';
const ALLOW_MULTIPLE = 'spark.sql.streaming.statefulOperator.allowMultiple';

// EventTimeWatermarkSuite's private helpers.
const assertNumStateRows = (n: number): StreamAction =>
  AssertOnQuery((q) => q.lastProgress?.stateOperators[0]?.numRowsTotal === n, `numRowsTotal = ${n}`);
const assertNumRowsDroppedByWatermark = (n: number): StreamAction =>
  AssertOnQuery(
    (q) => q.recentProgress.filter((p) => p.inputRowsPerSecond !== 0).at(-1)?.stateOperators[0]?.numRowsDroppedByWatermark === n,
    `numRowsDroppedByWatermark = ${n}`,
  );
const lastDataProgressEventTime = (q: StreamingQuery): Record<string, string> => q.recentProgress.filter((p) => p.numInputRows > 0).at(-1)!.eventTime;
const assertEventStatsWith = (body: (e: Record<string, string>) => boolean, what: string): StreamAction =>
  AssertOnQuery((q) => body(lastDataProgressEventTime(q)), what);
const assertEventStats = (min: number, max: number, avg: number, wtrmark: number): StreamAction =>
  AssertOnQuery((q) => {
    const e = lastDataProgressEventTime(q);
    expect(e['min'], 'min').toBe(iso(min));
    expect(e['max'], 'max').toBe(iso(max));
    expect(e['avg'], 'avg').toBe(iso(Math.trunc(avg)));
    expect(e['watermark'], 'watermark').toBe(iso(wtrmark));
  }, `event stats min=${min} max=${max} avg=${avg} watermark=${wtrmark}`);
const awaitTermination = AssertOnQuery(async (q) => {
  await q.awaitTermination();
}, 'awaitTermination');
/** `checkWatermark(input, watermark)`: adds 1 to `input`, then the batch that ran must have run with `watermark` (seconds). */
const checkWatermark = (input: MemoryStream, watermarkSec: number): StreamAction[] => [
  AddData(input, [1]),
  AssertOnQuery((q) => q.lastProgress?.eventTime['watermark'] === iso(watermarkSec), `watermark = ${watermarkSec}s`),
];

function windowedCount(input: DataFrame, delay = '10 seconds'): DataFrame {
  return input
    .withColumn('eventTime', F.timestampSeconds(F.col('value')))
    .withWatermark('eventTime', delay)
    .groupBy(F.window(F.col('eventTime'), '5 seconds').alias('window'))
    .agg(F.count('*').alias('count'))
    .select(F.col('window').getField('start').cast('long'), F.col('count'));
}

function dfWithMultipleWatermarks(input1: SessionMemoryStream, input2: SessionMemoryStream): DataFrame {
  const df1 = input1.toDF().withColumn('eventTime', F.timestampSeconds(F.col('value'))).withWatermark('eventTime', '10 seconds');
  const df2 = input2.toDF().withColumn('eventTime', F.timestampSeconds(F.col('value'))).withWatermark('eventTime', '15 seconds');
  return df1.union(df2).select(F.col('eventTime').cast('int'));
}

describe('EventTimeWatermarkSuite', () => {
  // test("error on bad column")
  it('error on bad column', () => {
    const inputData = spark.memoryStream('value INT').toDF();
    let e: unknown;
    try {
      inputData.withWatermark('badColumn', '1 minute');
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(RivuletError);
    expect((e as Error).message).toContain('badColumn');
  });

  // test("error on wrong type")
  it('error on wrong type', () => {
    const inputData = spark.memoryStream('value INT').toDF();
    let e: unknown;
    try {
      inputData.withWatermark('value', '1 minute');
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(RivuletError);
    expect((e as Error).message).toContain('value');
    expect((e as Error).message.toLowerCase()).toContain('int');
  });

  // test("event time and watermark metrics")
  it('event time and watermark metrics', async () => {
    // No event time metrics when there is no watermarking
    const inputData1 = spark.memoryStream('value INT');
    const aggWithoutWatermark = inputData1
      .toDF()
      .withColumn('eventTime', F.timestampSeconds(F.col('value')))
      .groupBy(F.window(F.col('eventTime'), '5 seconds').alias('window'))
      .agg(F.count('*').alias('count'))
      .select(F.col('window').getField('start').cast('long'), F.col('count'));
    await testStream(aggWithoutWatermark, 'complete')([
      AddData(inputData1, [15]),
      CheckAnswer([15, 1]),
      assertEventStatsWith((e) => Object.keys(e).length === 0, 'no event-time stats'),
      AddData(inputData1, ...ints(10, 12, 14)),
      CheckAnswer([10, 3], [15, 1]),
      assertEventStatsWith((e) => Object.keys(e).length === 0, 'no event-time stats'),
    ]);

    // All event time metrics where watermarking is set
    const inputData2 = spark.memoryStream('value INT');
    await testStream(windowedCount(inputData2.toDF()))([
      AddData(inputData2, [15]),
      CheckAnswer(),
      assertEventStats(15, 15, 15, 0),
      AddData(inputData2, ...ints(10, 12, 14)),
      CheckAnswer(),
      assertEventStats(10, 14, 12, 5),
      AddData(inputData2, [25]),
      CheckAnswer([10, 3]),
      assertEventStats(25, 25, 25, 5),
    ]);
  });

  // test("event time and watermark metrics with Trigger.Once (SPARK-24699)")
  it('event time and watermark metrics with Trigger.Once (SPARK-24699)', async () => {
    const inputData = spark.memoryStream('value INT');
    const once = StartStream({ trigger: { once: true } });
    await testStream(windowedCount(inputData.toDF()))([
      once, // to make sure the query is not running when adding data 1st time
      awaitTermination,

      AddData(inputData, [15]),
      once,
      awaitTermination,
      CheckNewAnswer(),
      assertEventStats(15, 15, 15, 0),
      // watermark should be updated to 15 - 10 = 5

      AddData(inputData, ...ints(10, 12, 14)),
      once,
      awaitTermination,
      CheckNewAnswer(),
      assertEventStats(10, 14, 12, 5),
      // watermark should stay at 5

      AddData(inputData, [25]),
      once,
      awaitTermination,
      CheckNewAnswer(),
      assertEventStats(25, 25, 25, 5),
      // watermark should be updated to 25 - 10 = 15

      AddData(inputData, [50]),
      once,
      awaitTermination,
      CheckNewAnswer([10, 3]), // watermark = 15 is used to generate this
      assertEventStats(50, 50, 50, 15),
      // watermark should be updated to 50 - 10 = 40

      AddData(inputData, [50]),
      once,
      awaitTermination,
      CheckNewAnswer([15, 1], [25, 1]), // watermark = 40 is used to generate this
      assertEventStats(50, 50, 50, 40),
    ]);
  });

  // test("append mode")
  it('append mode', async () => {
    const inputData = spark.memoryStream('value INT');
    await testStream(windowedCount(inputData.toDF()))([
      AddData(inputData, ...ints(10, 11, 12, 13, 14, 15)),
      CheckNewAnswer(),
      AddData(inputData, [25]), // Advance watermark to 15 seconds
      CheckNewAnswer([10, 5]),
      assertNumStateRows(2),
      assertNumRowsDroppedByWatermark(0),
      AddData(inputData, [10]), // Should not emit anything as data less than watermark
      CheckNewAnswer(),
      assertNumStateRows(2),
      assertNumRowsDroppedByWatermark(1),
    ]);
  });

  // test("update mode") (spark.sql.shuffle.partitions = 10)
  it('update mode', async () => {
    const s = spark.newSession();
    s.conf.set('spark.sql.shuffle.partitions', '10');
    const inputData = s.memoryStream('value INT');
    await testStream(windowedCount(inputData.toDF()), 'update')([
      AddData(inputData, ...ints(10, 11, 12, 13, 14, 15)),
      CheckNewAnswer([10, 5], [15, 1]),
      AddData(inputData, [25]), // Advance watermark to 15 seconds
      CheckNewAnswer([25, 1]),
      assertNumStateRows(2),
      assertNumRowsDroppedByWatermark(0),
      AddData(inputData, ...ints(10, 25)), // Ignore 10 as its less than watermark
      CheckNewAnswer([25, 2]),
      assertNumStateRows(2),
      assertNumRowsDroppedByWatermark(1),
      AddData(inputData, [10]), // Should not emit anything as data less than watermark
      CheckNewAnswer(),
      assertNumStateRows(2),
      assertNumRowsDroppedByWatermark(1),
    ]);
  });

  // test("delay in months and years handled correctly") — a fixed "now" instead of the wall clock.
  it('delay in months and years handled correctly', async () => {
    const currentTimeMs = Date.UTC(2024, 5, 15, 12, 34, 56, 789);
    const currentSec = Math.floor(currentTimeMs / 1000);
    const input = spark.memoryStream('value BIGINT');
    const monthsSinceEpoch = (d: Date): number => d.getUTCFullYear() * 12 + d.getUTCMonth();
    await testStream(windowedCount(input.toDF(), '2 years 5 months'))([
      AddData(input, [currentSec]),
      CheckAnswer(),
      AddData(input, [currentSec]),
      CheckAnswer(),
      assertEventStatsWith((e) => {
        expect(Date.parse(e['max']!)).toBe(currentSec * 1000);
        const watermarkTime = new Date(Date.parse(e['watermark']!));
        // 2 years 5 months = 29 months of 31 days
        expect(watermarkTime.getTime()).toBe(currentSec * 1000 - 29 * 31 * DAY_MS);
        const monthDiff = monthsSinceEpoch(new Date(currentTimeMs)) - monthsSinceEpoch(watermarkTime);
        return monthDiff === 29 || monthDiff === 30;
      }, 'watermark is 29 or 30 months behind'),
    ]);
  });

  // test("recovery")
  it('recovery', async () => {
    const inputData = spark.memoryStream('value INT');
    await testStream(windowedCount(inputData.toDF()))([
      AddData(inputData, ...ints(10, 11, 12, 13, 14, 15)),
      CheckAnswer(),
      AddData(inputData, [25]), // Advance watermark to 15 seconds
      CheckAnswer([10, 5]),
      StopStream,
      AssertOnQuery(async (q) => {
        // purge commit and clear the sink
        const log = q.execution.config.checkpoint.commits;
        const commit = (await log.getLatest())?.batchId ?? -1;
        await log.purge(commit);
        (q.execution.config.sink as MemorySink).clear();
      }, 'purge commit and clear the sink'),
      StartStream(),
      AddData(inputData, ...ints(10, 27, 30)), // Advance watermark to 20 seconds, 10 should be ignored
      CheckAnswer([15, 1]),
      StopStream,
      StartStream(),
      AddData(inputData, [17]), // Watermark should still be 20 seconds, 17 should be ignored
      CheckAnswer([15, 1]),
      AddData(inputData, [40]), // Advance watermark to 30 seconds, emit first data 25
      CheckNewAnswer([25, 2]),
    ]);
  });

  // test("watermark with 2 streams")
  it('watermark with 2 streams', async () => {
    const first = spark.memoryStream('value INT');
    const firstDf = first.toDF().withColumn('eventTime', F.timestampSeconds(F.col('value'))).withWatermark('eventTime', '10 seconds').select(F.col('value'));
    const second = spark.memoryStream('value INT');
    const secondDf = second.toDF().withColumn('eventTime', F.timestampSeconds(F.col('value'))).withWatermark('eventTime', '5 seconds').select(F.col('value'));
    const union = firstDf.union(secondDf).agg(F.sum(F.col('value')));

    /** getWatermarkAfterData: feeds the data, then a dummy batch so the last batch ran with the new watermark. */
    const watermarkAfterData = (expectedMs: number, firstData: number[] = [], secondData: number[] = []): StreamAction[] => {
      const steps: StreamAction[] = [];
      if (firstData.length > 0 && secondData.length > 0) {
        steps.push(MultiAddData({ source: first, rows: ints(...firstData) }, { source: second, rows: ints(...secondData) }));
      } else if (firstData.length > 0) steps.push(AddData(first, ...ints(...firstData)));
      else if (secondData.length > 0) steps.push(AddData(second, ...ints(...secondData)));
      steps.push(AssertOnQuery(() => true, 'processAllAvailable'));
      steps.push(AddData(first, [0]));
      steps.push(
        AssertOnQuery((q) => {
          expect(q.lastProgress?.eventTime['watermark'], `after first=${JSON.stringify(firstData)} second=${JSON.stringify(secondData)}`).toBe(new Date(expectedMs).toISOString());
        }, `watermark = ${expectedMs}`),
      );
      return steps;
    };

    await testStream(union, 'complete')([
      // Global watermark starts at 0 until we get data from both sides
      ...watermarkAfterData(0, [11]),
      ...watermarkAfterData(1000, [], [6]),
      // Global watermark stays at left watermark 1 when right watermark moves to 2
      ...watermarkAfterData(1000, [], [8]),
      // Global watermark switches to right side value 2 when left watermark goes higher
      ...watermarkAfterData(3000, [21]),
      // Global watermark goes back to left
      ...watermarkAfterData(11000, [], [17, 28, 39]),
      // Global watermark stays on left as long as it's below right
      ...watermarkAfterData(21000, [31]),
      ...watermarkAfterData(31000, [41]),
      // Global watermark switches back to right again
      ...watermarkAfterData(34000, [51]),

      // Global watermark is updated correctly with simultaneous data from both sides
      ...watermarkAfterData(90000, [100], [100]),
      ...watermarkAfterData(105000, [120], [110]),
      ...watermarkAfterData(120000, [130], [125]),

      // Global watermark doesn't decrement with simultaneous data
      ...watermarkAfterData(120000, [100], [100]),
      ...watermarkAfterData(120000, [140], [100]),
      ...watermarkAfterData(130000, [100], [135]),

      // Global watermark recovers after restart, but left side watermark ahead of it does not.
      ...watermarkAfterData(185000, [200], [190]),
      StopStream,
      StartStream(),
      ...watermarkAfterData(185000),
      // Even though the left side was ahead of 185000 in the last execution, the watermark won't
      // increment until it gets past it in this execution.
      ...watermarkAfterData(185000, [], [200]),
      ...watermarkAfterData(190000, [200]),
    ]);
  });

  // test("complete mode")
  it('complete mode', async () => {
    const inputData = spark.memoryStream('value INT');
    // No eviction when asked to compute complete results.
    await testStream(windowedCount(inputData.toDF()), 'complete')([
      AddData(inputData, ...ints(10, 11, 12)),
      CheckAnswer([10, 3]),
      AddData(inputData, [25]),
      CheckAnswer([10, 3], [25, 1]),
      AddData(inputData, [25]),
      CheckAnswer([10, 3], [25, 2]),
      AddData(inputData, [10]),
      CheckAnswer([10, 4], [25, 2]),
      AddData(inputData, [25]),
      CheckAnswer([10, 4], [25, 3]),
    ]);
  });

  // test("group by on raw timestamp")
  it('group by on raw timestamp', async () => {
    const inputData = spark.memoryStream('value INT');
    const windowedAggregation = inputData
      .toDF()
      .withColumn('eventTime', F.timestampSeconds(F.col('value')))
      .withWatermark('eventTime', '10 seconds')
      .groupBy(F.col('eventTime'))
      .agg(F.count('*').alias('count'))
      .select(F.col('eventTime').cast('long'), F.col('count'));
    await testStream(windowedAggregation)([
      AddData(inputData, [10]),
      CheckAnswer(),
      AddData(inputData, [25]), // Advance watermark to 15 seconds
      CheckAnswer([10, 1]),
    ]);
  });

  // test("delay threshold should not be negative.") — checked before the column type, on an INT column.
  it('delay threshold should not be negative.', () => {
    const inputData = spark.memoryStream('value INT').toDF();
    for (const d of ['-1 year', '1 year -13 months', '1 month -40 days', '-10 seconds']) {
      expect(() => inputData.withWatermark('value', d)).toThrow('should not be negative.');
    }
  });

  const buildTestQueryForOverridingWatermark = (s: Session): { input: SessionMemoryStream; df: DataFrame } => {
    const input = s.memoryStream('_1 BIGINT, _2 BIGINT');
    const df = input
      .toDF()
      .withColumn('first', F.timestampSeconds(F.col('_1')))
      .withColumn('second', F.timestampSeconds(F.col('_2')))
      .withWatermark('first', '1 minute')
      .select('*')
      .withWatermark('second', '2 minutes')
      .groupBy(F.window(F.col('second'), '1 minute'))
      .count();
    return { input, df };
  };

  // test("overriding watermark should not be allowed by default")
  it('overriding watermark should not be allowed by default', async () => {
    const { input, df } = buildTestQueryForOverridingWatermark(spark);
    await testStream(df)([
      AddData(input, [100, 200]),
      ExpectFailure((e) => e.message.includes('Redefining watermark is disallowed.') && e.message.includes(ALLOW_MULTIPLE)),
    ]);
  });

  // test("overriding watermark should not fail in compatibility mode")
  it('overriding watermark should not fail in compatibility mode', async () => {
    const s = spark.newSession();
    s.conf.set(ALLOW_MULTIPLE, false);
    const { input, df } = buildTestQueryForOverridingWatermark(s);
    // The window key carries the second definition's delay (2 minutes).
    const eventTimeCols = df.schema.fields.filter((f) => 'spark.watermarkDelayMs' in f.metadata);
    expect(eventTimeCols.map((f) => f.name)).toEqual(['window']);
    expect(eventTimeCols[0]!.metadata['spark.watermarkDelayMs']).toBe(120 * 1000);
    await testStream(df)([
      AddData(input, [100, 200]),
      CheckAnswer(),
      // watermark from first definition = 100 - 60 = 40, from the second = 200 - 120 = 80;
      // global watermark = min(40, 80) = 40: the aggregation's late-events and eviction watermark.
      AssertOnQuery((q) => q.lastProgress?.eventTime['watermark'] === iso(40), 'watermark = 40s'),
    ]);
  });

  // test("EventTime watermark should be ignored in batch query.")
  it('EventTime watermark should be ignored in batch query.', async () => {
    const testData = spark.createDataFrame(
      range(1, 100).map((i) => [i, String(i)]),
      'key INT, value STRING',
    );
    const df = testData.withColumn('eventTime', F.timestampSeconds(F.col('key'))).withWatermark('eventTime', '1 minute').select(F.col('eventTime').cast('long'));
    expect(await df.toArray()).toEqual(range(1, 100).map((i) => [i]));
  });

  // test("SPARK-27340 Alias on TimeWindow expression cause watermark metadata lost")
  it('SPARK-27340 Alias on TimeWindow expression cause watermark metadata lost', async () => {
    const inputData = spark.memoryStream('value INT');
    const aliasWindow = inputData
      .toDF()
      .withColumn('eventTime', F.timestampSeconds(F.col('value')))
      .withWatermark('eventTime', '10 seconds')
      .select(F.window(F.col('eventTime'), '5 seconds').alias('aliasWindow'));
    // Check the eventTime metadata is kept in the top level alias.
    expect(aliasWindow.schema.fields.some((f) => 'spark.watermarkDelayMs' in f.metadata)).toBe(true);

    const windowedAggregation = aliasWindow
      .groupBy(F.col('aliasWindow'))
      .agg(F.count('*').alias('count'))
      .select(F.col('aliasWindow').getField('start').cast('long'), F.col('count'));
    await testStream(windowedAggregation)([
      AddData(inputData, ...ints(10, 11, 12, 13, 14, 15)),
      CheckNewAnswer(),
      AddData(inputData, [25]), // Advance watermark to 15 seconds
      CheckNewAnswer([10, 5]),
      assertNumStateRows(2),
      AddData(inputData, [10]), // Should not emit anything as data less than watermark
      CheckNewAnswer(),
      assertNumStateRows(2),
    ]);
  });

  // test("test no-data flag")
  for (const flag of [true, false]) {
    it(`test no-data flag (${NO_DATA_FLAG} = ${flag})`, async () => {
      const s = spark.newSession();
      const inputData = s.memoryStream('value INT');
      await testStream(windowedCount(inputData.toDF()))([
        StartStream({ conf: { [NO_DATA_FLAG]: String(flag) } }),
        AddData(inputData, ...ints(10, 11, 12, 13, 14, 15)),
        CheckNewAnswer(),
        AddData(inputData, [25]), // Advance watermark to 15 seconds
        // Check if there is new answer if flag is set, no new answer otherwise
        flag ? CheckNewAnswer([10, 5]) : CheckNewAnswer(),
      ]);
    });
  }

  // test("MultipleWatermarkPolicy: max")
  it('MultipleWatermarkPolicy: max', async () => {
    const s = spark.newSession();
    s.conf.set(POLICY, 'max');
    const input1 = s.memoryStream('value INT');
    const input2 = s.memoryStream('value INT');
    await testStream(dfWithMultipleWatermarks(input1, input2))([
      MultiAddData({ source: input1, rows: [[20]] }, { source: input2, rows: [[30]] }),
      CheckLastBatch([20], [30]),
      ...checkWatermark(input1, 15), // max(20 - 10, 30 - 15) = 15
      StopStream,
      StartStream(),
      ...checkWatermark(input1, 15), // watermark recovered correctly
      MultiAddData({ source: input1, rows: [[120]] }, { source: input2, rows: [[130]] }),
      CheckLastBatch([120], [130]),
      ...checkWatermark(input1, 115), // max(120 - 10, 130 - 15) = 115, policy recovered correctly
      AddData(input1, [150]),
      CheckLastBatch([150]),
      ...checkWatermark(input1, 140), // should advance even if one of the input has data
    ]);
  });

  // test("MultipleWatermarkPolicy: min")
  it('MultipleWatermarkPolicy: min', async () => {
    const s = spark.newSession();
    s.conf.set(POLICY, 'min');
    const input1 = s.memoryStream('value INT');
    const input2 = s.memoryStream('value INT');
    await testStream(dfWithMultipleWatermarks(input1, input2))([
      MultiAddData({ source: input1, rows: [[20]] }, { source: input2, rows: [[30]] }),
      CheckLastBatch([20], [30]),
      ...checkWatermark(input1, 10), // min(20 - 10, 30 - 15) = 10
      StopStream,
      StartStream(),
      ...checkWatermark(input1, 10), // watermark recovered correctly
      MultiAddData({ source: input1, rows: [[120]] }, { source: input2, rows: [[130]] }),
      CheckLastBatch([120], [130]),
      ...checkWatermark(input2, 110), // min(120 - 10, 130 - 15) = 110, policy recovered correctly
      AddData(input2, [150]),
      CheckLastBatch([150]),
      ...checkWatermark(input2, 110), // does not advance when only one of the input has data
    ]);
  });

  // test("MultipleWatermarkPolicy: recovery from checkpoints ignores session conf")
  it('MultipleWatermarkPolicy: recovery from checkpoints ignores session conf', async () => {
    const s = spark.newSession();
    const input1 = s.memoryStream('value INT');
    const input2 = s.memoryStream('value INT');
    const checkpointLocation = `memory://spark-watermark-policy-recovery-${Math.random()}`;

    s.conf.set(POLICY, 'max');
    await testStream(dfWithMultipleWatermarks(input1, input2))([
      StartStream({ checkpointLocation }),
      MultiAddData({ source: input1, rows: [[20]] }, { source: input2, rows: [[30]] }),
      CheckLastBatch([20], [30]),
      ...checkWatermark(input1, 15), // max(20 - 10, 30 - 15) = 15
    ]);

    s.conf.set(POLICY, 'min');
    await testStream(dfWithMultipleWatermarks(input1, input2))([
      StartStream({ checkpointLocation }),
      ...checkWatermark(input1, 15), // watermark recovered correctly
      MultiAddData({ source: input1, rows: [[120]] }, { source: input2, rows: [[130]] }),
      CheckLastBatch([120], [130]),
      ...checkWatermark(input1, 115), // max(120 - 10, 130 - 15) = 115, policy recovered correctly
      AddData(input1, [150]),
      CheckLastBatch([150]),
      ...checkWatermark(input1, 140), // should advance even if one of the input has data
    ]);
  });

  // test("MultipleWatermarkPolicy: fail on incorrect conf values")
  it('MultipleWatermarkPolicy: fail on incorrect conf values', () => {
    const s = spark.newSession();
    for (const value of ['', 'random']) {
      expect(() => s.conf.set(POLICY, value), `value '${value}'`).toThrow(/valid values are 'min' and 'max'/i);
    }
  });

  // test("SPARK-35815: Support ANSI intervals for delay threshold (...)")
  it('SPARK-35815: Support ANSI intervals for delay threshold', () => {
    const DAYS_PER_MONTH = 31;
    const H = 3_600_000;
    const M = 60_000;
    const S = 1000;
    const cases: [string[], number][] = [
      // Conventional form and some variants
      [['3 days', 'Interval 3 day', "inTerval '3' day"], 3 * DAY_MS],
      [[' 5 hours', 'INTERVAL 5 hour', "interval '5' hour"], 5 * H],
      [['\t8 minutes', 'interval 8 minute', "interval '8' minute"], 8 * M],
      [['10 seconds', 'interval 10 second', "interval '10' second"], 10 * S],
      [['1 years', 'interval 1 year', "interval '1' year"], 12 * DAYS_PER_MONTH * DAY_MS],
      [['1 months', 'interval 1 month', "interval '1' month"], DAYS_PER_MONTH * DAY_MS],
      [
        ['1 day 2 hours 3 minutes 4 seconds', ' interval 1 day 2 hours 3 minutes 4 seconds', "\tinterval '1' day '2' hours '3' minutes '4' seconds", "interval '1 2:3:4' day to second"],
        DAY_MS + 2 * H + 3 * M + 4 * S,
      ],
      [[' 1 year 2 months', 'interval 1 year 2 month', "interval '1' year '2' month", "\tinterval '1-2' year to month"], (12 * DAYS_PER_MONTH + 2 * DAYS_PER_MONTH) * DAY_MS],
    ];
    for (const [variants, expectedMs] of cases) {
      for (const delayThreshold of variants) {
        const df = spark.memoryStream('value INT').toDF().withColumn('eventTime', F.timestampSeconds(F.col('value'))).withWatermark('eventTime', delayThreshold);
        const eventTimeAttr = df.schema.fields.find((f) => f.name === 'eventTime');
        expect(eventTimeAttr, delayThreshold).toBeDefined();
        expect(eventTimeAttr!.metadata['spark.watermarkDelayMs'], JSON.stringify(delayThreshold)).toBe(expectedMs);
      }
    }
  });

  // test("SPARK-35815: Support ANSI intervals for delay threshold (...)"): invalid interval patterns
  it('SPARK-35815: invalid interval patterns are rejected', () => {
    for (const delayThreshold of ['1 foo', 'interva 2 day', "intrval '3' day", 'interval 4 foo', "interval '5' foo", "interval '1 2:3:4' day to hour", "interval '1 2' year to month"]) {
      const df = spark.memoryStream('value INT').toDF().withColumn('eventTime', F.timestampSeconds(F.col('value')));
      expect(() => df.withWatermark('eventTime', delayThreshold), JSON.stringify(delayThreshold)).toThrow(RivuletError);
    }
  });
});
