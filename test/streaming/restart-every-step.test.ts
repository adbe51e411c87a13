// The stateful action scripts again, with the query stopped and restarted on its checkpoint after
// every step: recovery must not change a single answer (the sink lives across restarts).
import { describe, it } from 'vitest';
import { F, Session, type DataFrame } from '../../src/index.js';
import { AddData, CheckAnswer, CheckNewAnswer, StartStream, StopStream, testStream, type StreamAction } from '../../src/testing/index.js';

const spark = Session.builder().appName('restart-every-step').getOrCreate();

/** Inserts StopStream + StartStream() after every action (after the initial start). */
function withRestarts(actions: readonly StreamAction[]): StreamAction[] {
  return [StartStream(), ...actions.flatMap((a) => [a, StopStream, StartStream()])];
}

const windowed = (df: DataFrame) =>
  df
    .withColumn('eventTime', F.col('value').cast('timestamp'))
    .withWatermark('eventTime', '10 seconds')
    .groupBy(F.window(F.col('eventTime'), '5 seconds').alias('window'))
    .agg(F.count('*').alias('count'))
    .select(F.col('window').getField('start').cast('long').alias('start'), F.col('count'));

describe('stateful scripts with a restart after every step', () => {
  it('windowed aggregation, append mode', async () => {
    const mem = spark.memoryStream('value INT');
    await testStream(windowed(mem.toDF()), 'append')(
      withRestarts([
        AddData(mem, [10], [11], [12], [13], [14], [15]),
        CheckNewAnswer(),
        AddData(mem, [25]),
        CheckNewAnswer([10, 5]),
        AddData(mem, [10]),
        CheckNewAnswer(),
        AddData(mem, [40]),
        CheckAnswer([10, 5], [15, 1], [25, 1]),
      ]),
    );
  });

  it('windowed aggregation, update mode', async () => {
    const mem = spark.memoryStream('value INT');
    await testStream(windowed(mem.toDF()), 'update')(
      withRestarts([
        AddData(mem, [10], [11], [12], [13], [14], [15]),
        CheckNewAnswer([10, 5], [15, 1]),
        AddData(mem, [25]),
        CheckNewAnswer([25, 1]),
        AddData(mem, [10], [25]),
        CheckNewAnswer([25, 2]),
      ]),
    );
  });

  it('dropDuplicates with the event time in the key', async () => {
    const mem = spark.memoryStream('k STRING, value INT');
    const df = mem
      .toDF()
      .withColumn('eventTime', F.col('value').cast('timestamp'))
      .withWatermark('eventTime', '10 seconds')
      .dropDuplicates(['k', 'eventTime'])
      .select('k', 'value');
    await testStream(df)(
      withRestarts([
        AddData(mem, ['a', 1], ['a', 1], ['b', 2]),
        CheckNewAnswer(['a', 1], ['b', 2]),
        AddData(mem, ['a', 1], ['c', 20]),
        CheckNewAnswer(['c', 20]),
        // watermark 10: (a, 1) is late now
        AddData(mem, ['a', 1], ['d', 21]),
        CheckNewAnswer(['d', 21]),
      ]),
    );
  });

  it('session windows, complete mode', async () => {
    const mem = spark.memoryStream('k STRING, t BIGINT');
    const df = mem
      .toDF()
      .withColumn('ts', F.col('t').cast('timestamp'))
      .groupBy(F.sessionWindow('ts', '10 seconds'), 'k')
      .count()
      .select('k', F.col('session_window').getField('start').cast('long').alias('start'), 'count');
    await testStream(df, 'complete')(
      withRestarts([
        AddData(mem, ['a', 1], ['a', 5]),
        CheckNewAnswer(['a', 1, 2]),
        AddData(mem, ['a', 30]),
        CheckNewAnswer(['a', 1, 2], ['a', 30, 1]),
        // [20,30) touches [30,40): they merge; [1,15) stays apart.
        AddData(mem, ['a', 20]),
        CheckNewAnswer(['a', 1, 2], ['a', 20, 2]),
      ]),
    );
  });

  it('stream-static join feeding a windowed aggregation, update mode', async () => {
    const mem = spark.memoryStream('k STRING, value INT');
    const dims = spark.createDataFrame([{ k: 'a', team: 'red' }, { k: 'b', team: 'blue' }, { k: 'c', team: 'red' }], 'k STRING, team STRING');
    const df = mem
      .toDF()
      .join(dims, 'k', 'inner')
      .withColumn('eventTime', F.col('value').cast('timestamp'))
      .withWatermark('eventTime', '10 seconds')
      .groupBy(F.window(F.col('eventTime'), '5 seconds').alias('window'), 'team')
      .agg(F.count('*').alias('n'), F.sum('value').alias('s'))
      .select(F.col('window').getField('start').cast('long').alias('start'), 'team', 'n', 's');
    await testStream(df, 'update')(
      withRestarts([
        AddData(mem, ['a', 1], ['b', 2], ['z', 3], ['c', 4]),
        CheckNewAnswer([0, 'red', 2, 5], [0, 'blue', 1, 2]),
        AddData(mem, ['a', 6], ['c', 3]),
        CheckNewAnswer([5, 'red', 1, 6], [0, 'red', 3, 8]),
        // watermark 6 - 10 < 0: nothing late yet; 30 moves it to 20
        AddData(mem, ['b', 30]),
        CheckNewAnswer([30, 'blue', 1, 30]),
        // late now: window [0, 5) ended before the watermark (20)
        AddData(mem, ['a', 1], ['b', 31]),
        CheckNewAnswer([30, 'blue', 2, 61]),
      ]),
    );
  });
});
