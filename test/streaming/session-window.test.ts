// Session windows, after Spark's StreamingSessionWindowSuite (sessionWindowQuery: words of a
// sentence, a 10-second gap, counts per session) and DataFrameSessionWindowingSuite.
import { describe, expect, it } from 'vitest';
import { F, RivuletError, Session, type DataFrame } from '../../src/index.js';
import { AddData, AssertOnQuery, CheckNewAnswer, ExpectFailure, testStream } from '../../src/testing/index.js';

const spark = Session.builder().appName('session-window').getOrCreate();

function sessions(input: DataFrame, watermark?: string): DataFrame {
  let events = input.select(F.explode(F.split(F.col('sentence'), ' ')).alias('sessionId'), F.col('t').cast('timestamp').alias('eventTime'));
  if (watermark) events = events.withWatermark('eventTime', watermark);
  return events
    .groupBy(F.sessionWindow('eventTime', '10 seconds').alias('session'), 'sessionId')
    .agg(F.count('*').alias('numEvents'))
    .selectExpr('sessionId', 'CAST(session.start AS LONG)', 'CAST(session.end AS LONG)', 'CAST(session.end AS LONG) - CAST(session.start AS LONG) AS durationMs', 'numEvents');
}

describe('session windows', () => {
  it('complete mode: sessions merge when they overlap or touch, also across batches', async () => {
    const mem = spark.memoryStream('sentence STRING, t BIGINT');
    await testStream(sessions(mem.toDF()), 'complete')([
      AddData(mem, ['hello world spark streaming', 40], ['world hello structured streaming', 41]),
      CheckNewAnswer(
        ['hello', 40, 51, 11, 2],
        ['world', 40, 51, 11, 2],
        ['streaming', 40, 51, 11, 2],
        ['spark', 40, 50, 10, 1],
        ['structured', 41, 51, 10, 1],
      ),
      // New sessions before the existing ones.
      AddData(mem, ['spark streaming', 25]),
      CheckNewAnswer(
        ['hello', 40, 51, 11, 2],
        ['world', 40, 51, 11, 2],
        ['streaming', 25, 35, 10, 1],
        ['streaming', 40, 51, 11, 2],
        ['spark', 25, 35, 10, 1],
        ['spark', 40, 50, 10, 1],
        ['structured', 41, 51, 10, 1],
      ),
      // One event bridges two sessions: [25,35) + [30,40) + [40,..) → one session.
      AddData(mem, ['spark streaming', 30]),
      CheckNewAnswer(
        ['hello', 40, 51, 11, 2],
        ['world', 40, 51, 11, 2],
        ['streaming', 25, 51, 26, 4],
        ['spark', 25, 50, 25, 3],
        ['structured', 41, 51, 10, 1],
      ),
    ]);
  });

  it('append mode: a session is emitted once its end passes the watermark; late events are dropped', async () => {
    const mem = spark.memoryStream('sentence STRING, t BIGINT');
    await testStream(sessions(mem.toDF(), '10 seconds'), 'append')([
      AddData(mem, ['hello world', 10], ['hello', 15]),
      CheckNewAnswer(),
      // max 40 → watermark 30: hello [10,25) and world [10,20) are final.
      AddData(mem, ['spark', 40]),
      CheckNewAnswer(['hello', 10, 25, 15, 2], ['world', 10, 20, 10, 1]),
      // An event at 5 opens [5,15): 15 <= 30, late. One at 25 opens [25,35): still open.
      AddData(mem, ['late', 5], ['spark', 25]),
      AssertOnQuery((q) => q.recentProgress.filter((p) => p.numInputRows > 0).at(-1)!.stateOperators[0]!.numRowsDroppedByWatermark === 1, 'one row dropped'),
      // max 60 → watermark 50: spark's [25,35) and [40,50) do not touch: two final sessions.
      AddData(mem, ['other', 60]),
      CheckNewAnswer(['spark', 25, 35, 10, 1], ['spark', 40, 50, 10, 1]),
    ]);
  });

  it('a per-row (dynamic) gap; rows with a non-positive gap are removed (SPARK-36465)', async () => {
    const df = spark.createDataFrame(
      [
        { id: 'hello', t: 40 },
        { id: 'hello', t: 41 },
        { id: 'skip', t: 41 },
      ],
      'id STRING, t BIGINT',
    );
    const out = await df
      .withColumn('ts', F.col('t').cast('timestamp'))
      .groupBy(F.sessionWindow('ts', F.when(F.col('id').eq('hello'), '1 second').otherwise('-1 seconds')).alias('s'), 'id')
      .agg(F.count('*').alias('n'))
      .select('id', F.col('s').getField('start').cast('long').alias('start'), F.col('s').getField('end').cast('long').alias('end'), 'n')
      .collect();
    expect(out).toEqual([{ id: 'hello', start: 40, end: 42, n: 2 }]);
  });

  it('update mode is rejected; a session window as the only key fails at the first batch', async () => {
    const mem = spark.memoryStream('sentence STRING, t BIGINT');
    const err = (await sessions(mem.toDF(), '10 seconds').writeStream.format('noop').outputMode('update').start().catch((e: unknown) => e)) as RivuletError;
    expect(err.message).toContain('Update output mode not supported for session window on streaming DataFrames/DataSets');
    const global = mem
      .toDF()
      .withColumn('ts', F.col('t').cast('timestamp'))
      .groupBy(F.sessionWindow('ts', '5 seconds'))
      .count();
    await testStream(global, 'complete')([AddData(mem, ['a', 1]), ExpectFailure('_LEGACY_ERROR_TEMP_3068')]);
  });
});
