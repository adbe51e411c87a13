// Exactly-once recovery over an IndexedDB checkpoint in real Chromium: test/streaming/recovery.test.ts's
// failure injection at every protocol step, restarted on the same idb:// location, must end with
// the idempotent sink holding the uninterrupted answer; a stopped query resumes in a new query
// object with no batch id delivered twice and the batch answer over everything it read.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { F, Session, type DataFrame, type ProtocolStep, type StreamingQuery } from '../../src/index.js';
import { deleteIdbKV } from '../../src/storage/idb-kv.js';
import { eventTotals, expectedTotals, finalTotals, seedEvents } from '../fixtures/reload-page/query.js';

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
  it('a failure at every protocol step of every batch (data and no-data): same final output, no loss, no duplicate', async () => {
    const spark = Session.builder().appName('idb-recovery').create();
    const ref = await runWithFailure(spark, location('ref'));
    const reference = flatten(ref.sink);
    expect(reference).toEqual([
      [0, 'a', 2, 5],
      [0, 'b', 1, 2],
      [10, 'a', 1, 3],
      [20, 'b', 1, 5],
    ]);
    // Four data batches plus the no-data batches the watermark triggers.
    const refIds = [0, 1, 2, 3, 4, 5, 6];
    expect(ref.calls).toEqual(refIds);
    for (const step of STEPS) {
      for (const batch of refIds) {
        const got = await runWithFailure(spark, location(`${step}-${batch}`), { step, batch });
        const what = `failure at ${step} of batch ${batch}`;
        expect(got.injected, what).toBe(true);
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

    const expected = await expectedTotals(spark, end);
    expect([...finalTotals(sink).entries()].sort()).toEqual([...expected.entries()].sort());
    expect([...expected.values()].reduce((sum, [count]) => sum + count, 0)).toBe(end);
    const database = loc.slice('idb://'.length, -'/q'.length);
    expect((await indexedDB.databases()).some((d) => d.name === database)).toBe(true);
  }, 60_000);
});

describe('page lifecycle of an idb:// query (Chromium)', () => {
  for (const [event, target] of [
    ['pagehide', () => window],
    ['freeze', () => document],
  ] as const) {
    it(`'${event}' stops the query after its running batch; a new start() resumes after the last commit`, async () => {
      const spark = Session.builder().appName(`idb-${event}`).create();
      const loc = location(event);
      const calls: number[] = [];
      const start = () =>
        eventTotals(seedEvents(spark.readStream, 20, 5))
          .writeStream.outputMode('update')
          .option('checkpointLocation', loc)
          .trigger({ processingTime: '200 milliseconds' })
          .foreachBatch((_df, id) => {
            calls.push(id);
          })
          .start();
      const q1 = await start();
      await waitFor(() => calls.length >= 1, 'the first batch');
      target().dispatchEvent(new Event(event));
      expect(await q1.awaitTermination(5000)).toBe(true);
      expect(q1.exception()).toBeNull();
      const ran = calls.length;
      expect(calls).toEqual(Array.from({ length: ran }, (_, i) => i));
      const q2 = await start();
      await waitFor(() => calls.length >= ran + 1, 'a batch of the resumed query');
      target().dispatchEvent(new Event(event));
      expect(await q2.awaitTermination(5000)).toBe(true);
      expect(calls).toEqual(Array.from({ length: calls.length }, (_, i) => i));
    });
  }

  it('stop() removes the listeners it added', async () => {
    const spark = Session.builder().appName('idb-listeners').create();
    const added = vi.spyOn(window, 'addEventListener');
    const removed = vi.spyOn(window, 'removeEventListener');
    const addedDoc = vi.spyOn(document, 'addEventListener');
    const removedDoc = vi.spyOn(document, 'removeEventListener');
    try {
      const q = await eventTotals(seedEvents(spark.readStream, 5, 5)).writeStream.outputMode('update').option('checkpointLocation', location('listeners')).format('noop').start();
      const onPagehide = added.mock.calls.find(([type]) => type === 'pagehide')?.[1];
      const onFreeze = addedDoc.mock.calls.find(([type]) => type === 'freeze')?.[1];
      expect(onPagehide).toBeTypeOf('function');
      expect(onFreeze).toBe(onPagehide);
      await q.stop();
      await waitFor(() => removed.mock.calls.length > 0, 'the listeners to be removed', 2000);
      expect(removed.mock.calls.filter(([, l]) => l === onPagehide).map(([type]) => type)).toEqual(['pagehide']);
      expect(removedDoc.mock.calls.filter(([, l]) => l === onFreeze).map(([type]) => type)).toEqual(['freeze']);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('a query on a memory:// checkpoint ignores pagehide', async () => {
    const spark = Session.builder().appName('memory-pagehide').create();
    const mem = spark.memoryStream('a INT');
    const q = await mem.toDF().writeStream.format('noop').option('checkpointLocation', `memory://pagehide-${run}`).start();
    window.dispatchEvent(new Event('pagehide'));
    expect(await q.awaitTermination(300)).toBe(false);
    await q.stop();
  });
});
