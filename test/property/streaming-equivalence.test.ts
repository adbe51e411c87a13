// "Same answer, batch or stream" (DESIGN.md non-negotiable 3): a query's streaming result over
// random data split into random micro-batches equals the batch result over the same rows
// (for out-of-order data: over the rows not dropped as late, each drop counted).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { F, Session, type DataFrame } from '../../src/index.js';
import { AddData, CheckAnswer, CheckLastBatch, testStream, type StreamAction } from '../../src/testing/index.js';

const spark = Session.builder().appName('equivalence').getOrCreate();
const SEED = Number(process.env['RIVULET_SEED'] ?? 20261125);

interface Ev {
  k: string | null;
  v: number | null;
  t: number; // seconds
}

const evArb = fc.record({
  k: fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 6 }),
  v: fc.option(fc.integer({ min: -50, max: 50 }), { freq: 5 }),
  t: fc.integer({ min: 0, max: 120 }),
});

/** Splits `xs` into consecutive non-empty chunks at the given cut points. */
function split<T>(xs: readonly T[], cuts: readonly number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % (xs.length + 1)))].sort((a, b) => a - b).filter((c) => c > 0 && c < xs.length);
  const out: T[][] = [];
  let prev = 0;
  for (const p of [...points, xs.length]) {
    out.push(xs.slice(prev, p));
    prev = p;
  }
  return out.filter((c) => c.length > 0);
}

let counter = 0;
const rowsOf = (evs: readonly Ev[]) => evs.map((e) => ({ k: e.k, v: e.v, t: e.t }));

async function batchAnswer(df: (input: DataFrame) => DataFrame, evs: readonly Ev[]): Promise<unknown[][]> {
  return df(spark.createDataFrame(rowsOf(evs), 'k STRING, v INT, t INT')).toArray();
}

const stateless = (input: DataFrame): DataFrame =>
  input
    .filter(F.col('v').isNotNull().and(F.col('v').gt(-20)))
    .withColumn('w', F.col('v').multiply(2).plus(F.col('t')))
    .select('k', 'w');

const aggregated = (input: DataFrame): DataFrame =>
  input.groupBy('k').agg(F.count('*').alias('n'), F.sum('v').alias('s'), F.max('t').alias('mt'), F.collectSet('v').alias('vs'));

const windowed = (input: DataFrame): DataFrame =>
  input
    .withColumn('ts', F.col('t').cast('timestamp'))
    .withWatermark('ts', '10 seconds')
    .groupBy(F.window('ts', '10 seconds'), F.col('k'))
    .agg(F.count('*').alias('n'), F.sum('v').alias('s'))
    .select(F.col('window').getField('start').cast('long').alias('start'), 'k', 'n', 's');

describe('streaming equals batch over random micro-batch splits', () => {
  it('stateless select/filter/withColumn (append)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(evArb, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 6 }), async (evs, cuts) => {
        const mem = spark.memoryStream('k STRING, v INT, t INT');
        const expected = await batchAnswer(stateless, evs);
        const actions: StreamAction[] = split(evs, cuts).map((c) => AddData(mem, ...rowsOf(c)));
        await testStream(stateless(mem.toDF()))([...actions, CheckAnswer(...expected)]);
      }),
      { numRuns: 40, seed: SEED },
    );
  });

  it('aggregation in complete mode (any order, nothing dropped)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(evArb, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 6 }), async (evs, cuts) => {
        const mem = spark.memoryStream('k STRING, v INT, t INT');
        const expected = await batchAnswer(aggregated, evs);
        const actions: StreamAction[] = split(evs, cuts).map((c) => AddData(mem, ...rowsOf(c)));
        await testStream(aggregated(mem.toDF()), 'complete')([...actions, CheckLastBatch(...expected)]);
      }),
      { numRuns: 30, seed: SEED + 1 },
    );
  });

  it('windowed aggregation, update mode, out of order: result = batch over rows not dropped; drops counted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(evArb, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 6 }), async (evs, cuts) => {
        const batches = split(evs, cuts);
        // Reference: data batch i runs with late watermark = max event time of earlier batches − 10 s
        // (the no-data batch after each advance makes it the previous batch's eviction watermark).
        let maxT = -Infinity;
        const kept: Ev[] = [];
        let droppedGroups = 0;
        for (const b of batches) {
          const lateWm = Math.max(0, maxT - 10);
          const late = new Set<string>();
          for (const e of b) {
            const end = Math.floor(e.t / 10) * 10 + 10;
            if (end <= lateWm) late.add(`${end}|${e.k}`);
            else kept.push(e);
          }
          droppedGroups += late.size;
          for (const e of b) maxT = Math.max(maxT, e.t);
        }
        const expected = await batchAnswer(windowed, kept);
        const mem = spark.memoryStream('k STRING, v INT, t INT');
        const name = `upd_${counter++}`;
        const q = await windowed(mem.toDF()).writeStream.format('memory').queryName(name).outputMode('update').start();
        for (const b of batches) {
          mem.addData(rowsOf(b));
          await q.processAllAvailable();
        }
        const dropped = q.recentProgress.reduce((a, p) => a + (p.stateOperators[0]?.numRowsDroppedByWatermark ?? 0), 0);
        // Update mode emits each changed group's new value: the last one per (window, key) is final.
        const final = new Map<string, unknown[]>();
        for (const r of await spark.table(name).toArray()) final.set(`${String(r[0])}|${String(r[1])}`, r);
        await q.stop();
        expect(dropped).toBe(droppedGroups);
        expect([...final.values()].sort(cmp)).toEqual([...expected].sort(cmp));
      }),
      { numRuns: 30, seed: SEED + 2 },
    );
  });

  it('windowed aggregation, append mode, in-order data: every window is emitted once, equal to batch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(evArb, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 6 }), async (raw, cuts) => {
        const evs = [...raw].sort((a, b) => a.t - b.t);
        const expected = await batchAnswer(windowed, evs);
        // A sentinel far in the future moves the watermark past every real window.
        const sentinel: Ev = { k: 'zz', v: 0, t: 10_000 };
        const mem = spark.memoryStream('k STRING, v INT, t INT');
        const actions: StreamAction[] = [...split(evs, cuts), [sentinel]].map((c) => AddData(mem, ...rowsOf(c)));
        await testStream(windowed(mem.toDF()), 'append')([...actions, CheckAnswer(...expected)]);
      }),
      { numRuns: 30, seed: SEED + 3 },
    );
  });
});

function cmp(a: unknown[], b: unknown[]): number {
  return JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0;
}
