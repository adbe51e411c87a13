// Exactly-once recovery over an IndexedDB checkpoint in real Chromium: test/streaming/recovery.test.ts's
// failure injection at every protocol step, restarted on the same idb:// location, must end with
// the idempotent sink holding the uninterrupted answer; a stopped query resumes in a new query
// object with no batch id delivered twice and the batch answer over everything it read.
import { afterAll, describe, expect, it } from 'vitest';
import { F, Session, type DataFrame, type ProtocolStep, type StreamingQuery } from '../../src/index.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { SeedEventSource, seedEventJson } from '../../src/sources/seed-events.js';
import { deleteIdbKV } from '../../src/storage/idb-kv.js';
import { cents, eventTotals, seedEvents } from '../fixtures/reload-page/query.js';

const STEPS: ProtocolStep[] = ['beforeOffsetLog', 'afterOffsetLog', 'beforeSink', 'afterSink', 'afterStateCommit', 'afterCommitLog'];

const run = crypto.randomUUID().slice(0, 8);
const databases = new Set<string>();
let n = 0;
/** A fresh idb:// checkpoint location (one database each, deleted after the file). */
function location(p: string): string {
  const database = `rivulet-test-${run}-${p}-${++n}`;
  databases.add(database);
  return `idb://${database}/q`;
}

afterAll(async () => {
  const bounded = (p: Promise<void>) => Promise.race([p, new Promise<void>((r) => setTimeout(r, 2000))]);
  for (const database of databases) await bounded(deleteIdbKV(database));
});

async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

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

interface Outcome {
  sink: Map<number, unknown[][]>;
  /** Batch ids in the order the sink saw them (a re-run batch appears twice). */
  calls: number[];
  injected: boolean;
}

/** Runs the feed, failing once at (step, batch); restarts after the failure on the same location. */
async function runWithFailure(spark: Session, loc: string, fail?: { step: ProtocolStep; batch: number }): Promise<Outcome> {
  const mem = spark.memoryStream('k STRING, v INT, t BIGINT');
  const out: Outcome = { sink: new Map(), calls: [], injected: false };
  const start = () =>
    counts(mem.toDF())
      .writeStream.outputMode('append')
      .option('checkpointLocation', loc)
      .foreachBatch(async (df, id) => {
        // An idempotent sink: a re-run batch id replaces its earlier write.
        out.calls.push(id);
        out.sink.set(id, await df.toArray());
      })
      .start({
        onProtocolStep: (step, batchId) => {
          if (fail && !out.injected && step === fail.step && batchId === fail.batch) {
            out.injected = true;
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
  return out;
}

const flatten = (m: Map<number, unknown[][]>) => [...m.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, rows]) => rows);

describe('exactly-once recovery with injected failures, IndexedDB checkpoint (Chromium)', () => {
  it('a failure at every protocol step of batches 0, 1, 2, 3 and 5: same final output, no loss, no duplicate', async () => {
    const spark = Session.builder().appName('idb-recovery').create();
    const ref = await runWithFailure(spark, location('ref'));
    const reference = flatten(ref.sink);
    expect(reference).toEqual([
      [0, 'a', 2, 5],
      [0, 'b', 1, 2],
      [10, 'a', 1, 3],
      [20, 'b', 1, 5],
    ]);
    const refIds = [...ref.sink.keys()];
    expect(ref.calls).toEqual(refIds);
    for (const step of STEPS) {
      for (const batch of [0, 1, 2, 3, 5]) {
        const got = await runWithFailure(spark, location(`${step}-${batch}`), { step, batch });
        const what = `failure at ${step} of batch ${batch}`;
        expect(got.injected, what).toBe(batch <= Math.max(...refIds));
        expect(flatten(got.sink), what).toEqual(reference);
        expect([...got.sink.keys()].sort((a, b) => a - b), what).toEqual(refIds);
        // Only the failed batch may reach the sink twice, and only when it failed after the sink.
        const repeated = got.calls.filter((id, i) => got.calls.indexOf(id) !== i);
        const rerunsSink = got.injected && ['afterSink', 'afterStateCommit'].includes(step);
        expect(repeated, what).toEqual(rerunsSink ? [batch] : []);
      }
    }
  }, 120_000);
});

describe('stop() and resume on the same IndexedDB checkpoint (Chromium)', () => {
  it('a new query object continues after the last committed batch and ends with the batch answer', async () => {
    const spark = Session.builder().appName('idb-resume').create();
    const loc = location('resume');
    const backlog = 40;
    const sink = new Map<number, Record<string, unknown>[]>();
    const calls: number[][] = [[], []];
    const start = (runIndex: number): Promise<StreamingQuery> =>
      eventTotals(seedEvents(spark.readStream, backlog, 5))
        .writeStream.outputMode('update')
        .option('checkpointLocation', loc)
        .trigger({ processingTime: '200 milliseconds' })
        .foreachBatch(async (df, id) => {
          calls[runIndex]!.push(id);
          sink.set(id, await df.collect());
        })
        .start();

    const q1 = await start(0);
    await waitFor(() => calls[0]!.length >= 3, 'three batches of the first query');
    await q1.stop();
    expect(q1.isActive).toBe(false);
    const stoppedAt = q1.lastProgress!.batchId;
    expect(calls[0]).toEqual(Array.from({ length: stoppedAt + 1 }, (_, i) => i));

    const q2 = await start(1);
    const endOffset = () => (q2.lastProgress?.sources[0]?.endOffset as number | undefined) ?? 0;
    await waitFor(() => endOffset() >= backlog, `the second query to read all ${backlog} backlog events`);
    await q2.stop();
    const end = endOffset();
    // Resumed right after the last batch the first query committed, nothing repeated or skipped.
    expect(calls[1]![0]).toBe(stoppedAt + 1);
    const all = [...calls[0]!, ...calls[1]!];
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i));
    expect(q2.lastProgress!.batchId).toBe(all.length - 1);

    // Update mode: each key's final value is the one from the latest batch that emitted it.
    const latest = new Map<string, [number, number | null]>();
    for (const id of [...sink.keys()].sort((a, b) => a - b)) {
      for (const r of sink.get(id)!) latest.set(r['event_type'] as string, [r['n'] as number, cents(r['total'])]);
    }
    const options = new SeedEventSource({ eventsPerSecond: '1', lateRatio: '0', malformedRatio: '0' }, { clock: new ManualClock(0) }).options;
    const events = Array.from({ length: end }, (_, i) => ({ value: seedEventJson(i, options) }));
    const expected = (await eventTotals(spark.createDataFrame(events, 'value STRING')).collect()).map(
      (r) => [r['event_type'], [r['n'], cents(r['total'])]] as const,
    );
    expect([...latest.entries()].sort()).toEqual([...expected].sort());
    expect(expected.reduce((s, [, [count]]) => s + (count as number), 0)).toBe(end);
  }, 60_000);
});
