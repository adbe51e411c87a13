// Spark's checkStreamingQueryGlobalWatermarkLimit (spark-unsupported-operations.json:
// chained-agg-append, chained-agg-update-complete): in update/complete mode, a stateful operator
// that consumes a streaming aggregation's output is rejected at start; the other direction
// (deduplication, then aggregation) is fine, and so is deduplication without an event-time key.
import { describe, expect, it } from 'vitest';
import { F, type RivuletError, Session, type DataFrame } from '../../src/index.js';

const MESSAGE = "Detected pattern of possible 'correctness' issue due to global watermark.";

function input(spark: Session): DataFrame {
  return spark
    .memoryStream('k STRING, t BIGINT')
    .toDF()
    .withColumn('ts', F.col('t').cast('timestamp'))
    .withWatermark('ts', '10 seconds');
}

const windowAgg = (df: DataFrame) => df.groupBy(F.window('ts', '5 seconds'), 'k').agg(F.count('*').alias('n'));

async function startError(df: DataFrame, mode: 'append' | 'update' | 'complete'): Promise<RivuletError | undefined> {
  try {
    const q = await df.writeStream.outputMode(mode).format('noop').start();
    await q.stop();
    return undefined;
  } catch (e) {
    return e as RivuletError;
  }
}

describe('global watermark limit (chained stateful operators)', () => {
  const spark = Session.builder().appName('gwl').create();

  it('aggregation followed by an aggregation: rejected in update and complete, allowed in append', async () => {
    const chained = windowAgg(input(spark)).groupBy('window').agg(F.sum('n').alias('total'));
    for (const mode of ['update', 'complete'] as const) {
      const e = await startError(chained, mode);
      expect(e?.errorClass, mode).toBe('_LEGACY_ERROR_TEMP_3102');
      expect(e?.message, mode).toContain(MESSAGE);
    }
    expect(await startError(chained, 'append')).toBeUndefined();
  });

  it('aggregation (update) followed by dropDuplicates on an event-time column: rejected', async () => {
    const e = await startError(windowAgg(input(spark)).dropDuplicates(['window', 'k']), 'update');
    expect(e?.message).toContain(MESSAGE);
  });

  it('aggregation (update) followed by dropDuplicates without an event-time column: allowed', async () => {
    expect(await startError(windowAgg(input(spark)).dropDuplicates(['k']), 'update')).toBeUndefined();
  });

  it('dropDuplicates on an event-time column followed by an aggregation (update): allowed', async () => {
    expect(await startError(windowAgg(input(spark).dropDuplicates(['k', 'ts'])), 'update')).toBeUndefined();
  });

  it('the check can be turned off with spark.sql.streaming.statefulOperator.checkCorrectness.enabled', async () => {
    const s = spark.newSession();
    s.conf.set('spark.sql.streaming.statefulOperator.checkCorrectness.enabled', false);
    const chained = windowAgg(input(s)).groupBy('window').agg(F.sum('n').alias('total'));
    expect(await startError(chained, 'update')).toBeUndefined();
  });
});
