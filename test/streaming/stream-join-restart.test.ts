// Stream-stream joins across restarts and batch splits:
//  - two of Spark's StreamingJoinSuite scripts again, with the query stopped and restarted on
//    its checkpoint after every step (the join's state lives in the versioned stores, so the
//    answers must not change);
//  - an inner join without a watermark (unbounded state): however the rows of both inputs are
//    split into micro-batches, the streamed answer is the batch join of all rows.
import { describe, expect, it } from 'vitest';
import { F, Session, type DataFrame } from '../../src/index.js';
import { AddData, AssertOnQuery, CheckAnswer, CheckNewAnswer, MultiAddData, StartStream, StopStream, testStream, type StreamAction } from '../../src/testing/index.js';
import { ints } from './spark-helpers.js';

const spark = Session.builder().appName('stream-join-restart').getOrCreate();

/** Inserts StopStream + StartStream() after every action (after the initial start). */
function withRestarts(actions: readonly StreamAction[]): StreamAction[] {
  return [StartStream(), ...actions.flatMap((a) => [a, StopStream, StartStream()])];
}

function setupStream(prefix: string, multiplier: number) {
  const input = spark.memoryStream('value INT');
  const df = input
    .toDF()
    .select(F.col('value').alias('key'), F.timestampSeconds(F.col('value')).alias(`${prefix}Time`), F.col('value').multiply(multiplier).alias(`${prefix}Value`))
    .withWatermark(`${prefix}Time`, '10 seconds');
  return { input, df };
}

describe('stream-stream joins with a restart after every step', () => {
  // StreamingOuterJoinSuite: "windowed left outer join" (plus its later steps' answers).
  it('windowed left outer join', async () => {
    const { input: leftInput, df: df1 } = setupStream('left', 2);
    const { input: rightInput, df: df2 } = setupStream('right', 3);
    const windowed1 = df1.select(F.col('key'), F.window(F.col('leftTime'), '10 second').alias('window'), F.col('leftValue'));
    const windowed2 = df2.select(F.col('key'), F.window(F.col('rightTime'), '10 second').alias('window'), F.col('rightValue'));
    const joined = windowed1
      .join(windowed2, ['key', 'window'], 'left_outer')
      .select(F.col('key'), F.col('window.end').cast('long'), F.col('leftValue'), F.col('rightValue'));
    await testStream(joined)(
      withRestarts([
        MultiAddData({ source: leftInput, rows: ints(1, 2, 3, 4, 5) }, { source: rightInput, rows: ints(3, 4, 5, 6, 7) }),
        CheckNewAnswer([3, 10, 6, 9], [4, 10, 8, 12], [5, 10, 10, 15]),
        MultiAddData({ source: leftInput, rows: ints(21) }, { source: rightInput, rows: ints(22) }), // watermark = 11
        CheckNewAnswer([1, 10, 2, null], [2, 10, 4, null]),
        AddData(leftInput, [22]),
        CheckNewAnswer([22, 30, 44, 66]),
        // late on both sides now (window end 10 <= watermark 12)
        AddData(leftInput, [1]),
        AddData(rightInput, [5]),
        CheckNewAnswer(),
        // 21 is unmatched; it is emitted once the watermark passes its window [20, 30)
        MultiAddData({ source: leftInput, rows: ints(45) }, { source: rightInput, rows: ints(45) }),
        CheckNewAnswer([45, 50, 90, 135], [21, 30, 42, null]),
      ]),
    );
  });

  // StreamingInnerJoinSuite: "stream stream inner join with time range - with watermark - one side
  // condition". A restart forgets the per-input watermarks (only the global one is checkpointed,
  // SEMANTICS.md §2.4), so the step that moves the watermark feeds both inputs in one batch.
  it('stream stream inner join with time range - with watermark - one side condition', async () => {
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
    await testStream(joined)(
      withRestarts([
        MultiAddData({ source: leftInput, rows: [[1, 5]] }, { source: rightInput, rows: [[1, 11]] }),
        CheckNewAnswer([1, 5, 11]),
        AddData(rightInput, [1, 10]),
        CheckNewAnswer(), // no match as leftTime 5 is not < rightTime 10 - 5
        // watermark -> 20; the right state keeps rightTime > 25 only, the left state everything
        MultiAddData({ source: leftInput, rows: [[1, 3], [1, 30]] }, { source: rightInput, rows: [[0, 30]] }),
        CheckNewAnswer([1, 3, 10], [1, 3, 11]),
        // (1, 20) is late; (1, 21) joins (1, 3) and (1, 5) but is not stored; (1, 28) is stored
        AddData(rightInput, [1, 20], [1, 21], [1, 28]),
        CheckNewAnswer([1, 3, 21], [1, 5, 21], [1, 3, 28], [1, 5, 28]),
        // (1, 20) is late; (1, 21) joins the stored (1, 28) only
        AddData(leftInput, [1, 20], [1, 21]),
        CheckNewAnswer([1, 21, 28]),
        CheckAnswer([1, 5, 11], [1, 3, 10], [1, 3, 11], [1, 3, 21], [1, 5, 21], [1, 3, 28], [1, 5, 28], [1, 21, 28]),
      ]),
    );
  });
  // Not a Spark test: buffered rows go through JSON in the checkpoint; doubles that JSON cannot
  // hold, binary and map values come back intact after a restart.
  it('buffered rows keep NaN, infinities, binary and map values across a restart', async () => {
    const left = spark.memoryStream('k INT, d DOUBLE, b BINARY, m MAP<STRING, INT>');
    const right = spark.memoryStream('k INT, x STRING');
    const joined = left
      .toDF()
      .join(right.toDF().withColumnRenamed('k', 'rk'), F.expr('k = rk'))
      .select(F.col('k'), F.col('d').cast('string').alias('d'), F.col('b'), F.col('m').getItem('a').alias('ma'), F.col('x'));
    await testStream(joined)([
      AddData(left, [1, Number.NaN, new Uint8Array([1, 255]), new Map([['a', 7]])], [2, Number.NEGATIVE_INFINITY, new Uint8Array([]), new Map([['a', 8]])], [3, -0, null, null]),
      CheckNewAnswer(),
      StopStream,
      StartStream(),
      AddData(right, [1, 'x'], [2, 'y'], [3, 'z']),
      CheckNewAnswer([1, 'NaN', new Uint8Array([1, 255]), 7, 'x'], [2, '-Infinity', new Uint8Array([]), 8, 'y'], [3, '-0.0', null, null, 'z']),
    ]);
  });

});

/** mulberry32: a small seeded PRNG, so every run splits the rows the same way. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('stream-stream inner join without watermark: any batch split gives the batch join', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}`, async () => {
      const rnd = prng(seed);
      const int = (n: number): number => Math.floor(rnd() * n);
      const rows = (n: number): (number | null)[][] => Array.from({ length: n }, () => [int(5) === 0 ? null : int(6), int(100)]);
      const leftRows = rows(10 + int(20));
      const rightRows = rows(10 + int(20));

      const leftInput = spark.memoryStream('k INT, v INT');
      const rightInput = spark.memoryStream('k INT, v INT');
      const join = (l: DataFrame, r: DataFrame): DataFrame =>
        l
          .select(F.col('k').alias('lk'), F.col('v').alias('lv'))
          .join(r.select(F.col('k').alias('rk'), F.col('v').alias('rv')), F.expr('lk = rk AND lv + rv >= 40'))
          .select('lk', 'lv', 'rk', 'rv');
      const expected = await join(spark.createDataFrame(leftRows, 'k INT, v INT'), spark.createDataFrame(rightRows, 'k INT, v INT')).collect();

      // Random interleaving of the two inputs into batches of random sizes, with restarts.
      const actions: StreamAction[] = [];
      let li = 0;
      let ri = 0;
      while (li < leftRows.length || ri < rightRows.length) {
        const nl = Math.min(leftRows.length - li, int(6));
        const nr = Math.min(rightRows.length - ri, int(6));
        const data = [
          ...(nl > 0 ? [{ source: leftInput, rows: leftRows.slice(li, li + nl) }] : []),
          ...(nr > 0 ? [{ source: rightInput, rows: rightRows.slice(ri, ri + nr) }] : []),
        ];
        li += nl;
        ri += nr;
        // Waiting for the rows to be processed makes each MultiAddData its own micro-batch.
        if (data.length > 0) actions.push(MultiAddData(...data), AssertOnQuery(() => true, 'processed'));
        if (int(4) === 0) actions.push(StopStream, StartStream());
      }
      expect(expected.length).toBeGreaterThan(0);
      await testStream(join(leftInput.toDF(), rightInput.toDF()))([
        StartStream(),
        // Only the final answer is compared: intermediate answers depend on the split.
        ...actions,
        CheckAnswer(...expected.map((r) => [r['lk'], r['lv'], r['rk'], r['rv']])),
      ]);
    });
  }
});
