// Exactly-once recovery (DESIGN.md's micro-batch protocol): a failure injected at every step of
// the protocol, then a restart on the same checkpoint, must end with the sink holding exactly the
// uninterrupted answer; bad checkpoint entries fail with documented errors naming the entry.
import { describe, expect, it } from 'vitest';
import { F, RivuletError, Session, type DataFrame, type ProtocolStep } from '../../src/index.js';
import { memoryKV } from '../../src/storage/memory-kv.js';

const STEPS: ProtocolStep[] = ['beforeOffsetLog', 'afterOffsetLog', 'beforeSink', 'afterSink', 'afterStateCommit', 'afterCommitLog'];

let n = 0;
const unique = (p: string) => `${p}-${++n}-${Date.now()}`;

function counts(df: DataFrame): DataFrame {
  return df
    .withColumn('ts', F.col('t').cast('timestamp'))
    .withWatermark('ts', '5 seconds')
    .groupBy(F.window('ts', '10 seconds'), 'k')
    .agg(F.count('*').alias('n'), F.sum('v').alias('s'))
    .select(F.col('window').getField('start').cast('long').alias('start'), 'k', 'n', 's');
}

const batches = [
  [{ k: 'a', v: 1, t: 1 }, { k: 'b', v: 2, t: 3 }],
  [{ k: 'a', v: 3, t: 12 }, { k: 'a', v: 4, t: 2 }],
  [{ k: 'b', v: 5, t: 25 }],
  [{ k: 'a', v: 6, t: 41 }, { k: 'b', v: 7, t: 44 }],
];

/** Runs the feed, failing once at (step, batch); restarts after the failure. Returns sink rows by batch id. */
async function runWithFailure(spark: Session, location: string, fail?: { step: ProtocolStep; batch: number }): Promise<Map<number, unknown[][]>> {
  const mem = spark.memoryStream('k STRING, v INT, t BIGINT');
  const sink = new Map<number, unknown[][]>();
  let failed = false;
  const start = () =>
    counts(mem.toDF())
      .writeStream.outputMode('append')
      .option('checkpointLocation', location)
      .foreachBatch(async (df, id) => {
        // An idempotent sink: a re-run batch id replaces its earlier write.
        sink.set(id, await df.toArray());
      })
      .start({
        onProtocolStep: (step, batchId) => {
          if (fail && !failed && step === fail.step && batchId === fail.batch) {
            failed = true;
            throw new Error(`injected failure at ${step} of batch ${batchId}`);
          }
        },
      });
  let q = await start();
  for (const b of batches) {
    mem.addData(b);
    await q.processAllAvailable().catch(() => undefined);
    if (!q.isActive) {
      expect(q.exception()?.errorClass).toBe('STREAM_FAILED');
      q = await start();
      await q.processAllAvailable();
    }
  }
  await q.stop();
  return sink;
}

const flatten = (m: Map<number, unknown[][]>) => [...m.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, rows]) => rows);

describe('exactly-once recovery with injected failures', () => {
  it('every protocol step of every batch: same final output, no duplicate, no loss', async () => {
    const spark = Session.builder().appName('recovery').create();
    const reference = flatten(await runWithFailure(spark, `memory://${unique('ref')}`));
    expect(reference).toEqual([
      [0, 'a', 2, 5],
      [0, 'b', 1, 2],
      [10, 'a', 1, 3],
      [20, 'b', 1, 5],
    ]);
    for (const step of STEPS) {
      for (let batch = 0; batch < 6; batch++) {
        const out = flatten(await runWithFailure(spark, `memory://${unique(`f-${step}-${batch}`)}`, { step, batch }));
        expect(out, `failure at ${step} of batch ${batch}`).toEqual(reference);
      }
    }
  });
});

describe('bad checkpoints', () => {
  async function checkpointed(location: string) {
    const spark = Session.builder().appName('bad').create();
    const mem = spark.memoryStream('k STRING, v INT, t BIGINT');
    const q = await counts(mem.toDF()).writeStream.format('noop').option('checkpointLocation', location).start();
    mem.addData(batches[0]!);
    await q.processAllAvailable();
    await q.stop();
    return { spark, mem };
  }
  const restart = async (_spark: Session, mem: ReturnType<Session['memoryStream']>, location: string) =>
    (await counts(mem.toDF()).writeStream.format('noop').option('checkpointLocation', location).start().catch((e: unknown) => e)) as RivuletError;

  it('a corrupted entry fails with CHECKPOINT_CORRUPT naming the key', async () => {
    const name = unique('corrupt');
    const { spark, mem } = await checkpointed(`memory://${name}`);
    const kv = memoryKV(`checkpoint:${name}`);
    const key = 'offsets/0000000000000000';
    const text = (await kv.get(key))!;
    await kv.batch([{ type: 'put', key, value: text.replace('"batchId":0', '"batchId":7') }]);
    const err = await restart(spark, mem, `memory://${name}`);
    expect(err.errorClass).toBe('CHECKPOINT_CORRUPT');
    expect(err.message).toContain(key);
  });

  it('a truncated entry fails with CHECKPOINT_CORRUPT', async () => {
    const name = unique('trunc');
    const { spark, mem } = await checkpointed(`memory://${name}`);
    const kv = memoryKV(`checkpoint:${name}`);
    const key = 'commits/0000000000000000';
    await kv.batch([{ type: 'put', key, value: (await kv.get(key))!.slice(0, 12) }]);
    const err = await restart(spark, mem, `memory://${name}`);
    expect(err.errorClass).toBe('CHECKPOINT_CORRUPT');
    expect(err.message).toContain(key);
  });

  it('an entry from a newer format fails with CHECKPOINT_VERSION_UNSUPPORTED', async () => {
    const name = unique('future');
    const { spark, mem } = await checkpointed(`memory://${name}`);
    const kv = memoryKV(`checkpoint:${name}`);
    const key = 'offsets/0000000000000000';
    await kv.batch([{ type: 'put', key, value: (await kv.get(key))!.replace(/^v1\n/, 'v9\n') }]);
    const err = await restart(spark, mem, `memory://${name}`);
    expect(err.errorClass).toBe('CHECKPOINT_VERSION_UNSUPPORTED');
    expect(err.message).toContain('v9');
    expect(err.message).toContain(key);
  });

  it('a different stateful query on the same checkpoint fails and says what changed', async () => {
    const name = unique('changed');
    const { mem } = await checkpointed(`memory://${name}`);
    const err = (await mem.toDF().dropDuplicates(['k']).writeStream.format('noop').option('checkpointLocation', `memory://${name}`).start().catch((e: unknown) => e)) as RivuletError;
    expect(err.errorClass).toBe('STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA');
    expect(err.message).toContain('0:aggregate');
    expect(err.message).toContain('0:dedupe');
    const err2 = (await mem
      .toDF()
      .withColumn('ts', F.col('t').cast('timestamp'))
      .withWatermark('ts', '5 seconds')
      .groupBy(F.window('ts', '10 seconds'), 'k')
      .agg(F.max('t').alias('m'))
      .writeStream.format('noop')
      .option('checkpointLocation', `memory://${name}`)
      .start()
      .catch((e: unknown) => e)) as RivuletError;
    expect(err2.errorClass).toBe('STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE');
    expect(err2.message).toContain('max(bigint)');
  });

  it('an unknown scheme or a level:// location without rivulet/node names the option', async () => {
    const spark = Session.builder().appName('loc').create();
    const mem = spark.memoryStream('a INT');
    const err = (await mem.toDF().writeStream.format('noop').option('checkpointLocation', 's3://bucket/x').start().catch((e: unknown) => e)) as RivuletError;
    expect(err.errorClass).toBe('INVALID_CHECKPOINT_LOCATION');
    expect(err.messageParameters['option']).toBe('checkpointLocation');
    const bad = (await mem.toDF().writeStream.format('noop').option('checkpointLocation', 'not a url').start().catch((e: unknown) => e)) as RivuletError;
    expect(bad.errorClass).toBe('INVALID_CHECKPOINT_LOCATION');
  });
});
