// Shared by the transcribed Spark suites (spark-*.test.ts): Scala's `1 to 5` and MemoryStream[Int] rows.
import { expect } from 'vitest';
import type { StreamingQuery } from '../../src/index.js';
import { AssertOnQuery, type StreamAction } from '../../src/testing/index.js';

/** Single-column rows, as `AddData(inputData, 1, 2, 3)` on a MemoryStream[Int]. */
export const ints = (...xs: number[]): number[][] => xs.map((x) => [x]);

/** Scala's `from to to` (inclusive). */
export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);


/**
 * Spark's StateStoreMetricsTest: `total` is read from the last progress, `updated`, `dropped`,
 * `removed` and custom metrics are summed over the progresses since the previous check (of the
 * same query run), keeping only progresses with as many state operators as the last one.
 */
export function stateStoreMetricsTest() {
  let lastChecked = -1;
  let lastQuery: StreamingQuery | undefined;
  const since = (q: StreamingQuery) => {
    const recent = q.recentProgress;
    expect(recent.length, 'No progress made').toBeGreaterThan(0);
    if (q !== lastQuery) lastChecked = -1;
    lastQuery = q;
    const n = recent.at(-1)!.stateOperators.length;
    const progresses = recent.slice(lastChecked + 1).filter((p) => p.stateOperators.length === n);
    return { progresses, newLastChecked: recent.length - 1, n };
  };
  const sum = (rows: number[][], n: number): number[] => Array.from({ length: n }, (_, i) => rows.reduce((a, r) => a + r[i]!, 0));
  const assertNumStateRows = (opts: { total: number[]; updated: number[]; dropped?: number[]; removed?: number[] }): StreamAction =>
    AssertOnQuery((q) => {
      const { progresses, newLastChecked, n } = since(q);
      const debug = `recent progresses:\n${JSON.stringify(progresses.map((p) => ({ batchId: p.batchId, numInputRows: p.numInputRows, stateOperators: p.stateOperators })), null, 1)}`;
      expect(progresses.at(-1)!.stateOperators.map((o) => o.numRowsTotal), `incorrect total rows, ${debug}`).toEqual(opts.total);
      expect(sum(progresses.map((p) => p.stateOperators.map((o) => o.numRowsUpdated)), n), `incorrect updated rows, ${debug}`).toEqual(opts.updated);
      expect(sum(progresses.map((p) => p.stateOperators.map((o) => o.numRowsDroppedByWatermark)), n), `incorrect dropped rows by watermark, ${debug}`).toEqual(
        opts.dropped ?? opts.total.map(() => 0),
      );
      if (opts.removed) {
        expect(sum(progresses.map((p) => p.stateOperators.map((o) => o.numRowsRemoved)), n), `incorrect removed rows, ${debug}`).toEqual(opts.removed);
      }
      lastChecked = newLastChecked;
    }, `state rows total=${JSON.stringify(opts.total)} updated=${JSON.stringify(opts.updated)} dropped=${JSON.stringify(opts.dropped ?? [])} removed=${JSON.stringify(opts.removed ?? null)}`);
  /** assertNumStateRows(total, updated, droppedByWatermark = 0) for a single operator */
  const assertNumStateRows1 = (total: number, updated: number, droppedByWatermark = 0): StreamAction =>
    assertNumStateRows({ total: [total], updated: [updated], dropped: [droppedByWatermark] });
  const assertStateOperatorCustomMetric = (metric: string, expected: number, operatorIndex = 0): StreamAction =>
    AssertOnQuery((q) => {
      const { progresses, newLastChecked, n } = since(q);
      expect(operatorIndex).toBeLessThan(n);
      const values = progresses.map((p) => p.stateOperators[operatorIndex]!.customMetrics[metric]);
      expect(values.reduce<number>((a, v) => a + (v ?? Number.NaN), 0), `custom metric ${metric} over ${JSON.stringify(values)}`).toBe(expected);
      lastChecked = newLastChecked;
    }, `custom metric ${metric} = ${expected}`);
  /** The last progress's operator name and, when given, its numStateStoreInstances. */
  const assertStateOperatorProgressMetric = (operatorName: string, numStateStoreInstances?: number, operatorIndex = 0): StreamAction =>
    AssertOnQuery((q) => {
      const { progresses, newLastChecked } = since(q);
      const op = progresses.at(-1)!.stateOperators[operatorIndex]!;
      expect(op.operatorName).toBe(operatorName);
      if (numStateStoreInstances !== undefined) expect(op.numStateStoreInstances).toBe(numStateStoreInstances);
      lastChecked = newLastChecked;
    }, `operatorName = ${operatorName}${numStateStoreInstances === undefined ? '' : `, numStateStoreInstances = ${numStateStoreInstances}`}`);
  return { assertNumStateRows, assertNumStateRows1, assertStateOperatorCustomMetric, assertStateOperatorProgressMetric };
}
