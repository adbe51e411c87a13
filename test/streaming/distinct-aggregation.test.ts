// countDistinct in a streaming aggregation: the distinct set lives in state and is merged into in
// place each batch; answers stay exact across batches, restarts and snapshots taken while later
// batches modify the set.
import { describe, it } from 'vitest';
import { F, Session } from '../../src/index.js';
import { AddData, CheckNewAnswer, StartStream, StopStream, testStream } from '../../src/testing/index.js';

describe('countDistinct in streaming state', () => {
  it('counts distinct values per key over batches, restarts and frequent snapshots', async () => {
    const spark = Session.builder().appName('distinct').create();
    spark.conf.set('rivulet.sql.streaming.stateStore.minDeltasForSnapshot', 1);
    const mem = spark.memoryStream('k STRING, u STRING');
    const df = mem.toDF().groupBy('k').agg(F.countDistinct('u').alias('users'), F.count('*').alias('n'));
    await testStream(df, 'update')([
      AddData(mem, ['a', 'x'], ['a', 'y'], ['b', 'x']),
      CheckNewAnswer(['a', 2, 2], ['b', 1, 1]),
      AddData(mem, ['a', 'x'], ['a', 'z']),
      CheckNewAnswer(['a', 3, 4]),
      StopStream,
      StartStream(),
      AddData(mem, ['a', 'y'], ['b', 'y'], ['b', null]),
      CheckNewAnswer(['a', 3, 5], ['b', 2, 3]),
      StopStream,
      StartStream(),
      AddData(mem, ['a', 'w'], ['b', 'x']),
      CheckNewAnswer(['a', 4, 6], ['b', 2, 4]),
    ]);
  });
});
