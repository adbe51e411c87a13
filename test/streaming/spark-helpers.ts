// Shared by the transcribed Spark suites (spark-*.test.ts): Scala's `1 to 5` and MemoryStream[Int] rows.

/** Single-column rows, as `AddData(inputData, 1, 2, 3)` on a MemoryStream[Int]. */
export const ints = (...xs: number[]): number[][] => xs.map((x) => [x]);

/** Scala's `from to to` (inclusive). */
export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
