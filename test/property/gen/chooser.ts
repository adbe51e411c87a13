/**
 * Every random decision of a generated case goes through a `Chooser`, backed by fast-check's
 * `fc.gen()` so a failing case is reproducible from fast-check's seed/path and shrinks toward
 * smaller choices. Generators are written so that "0 / false / first element" is the simplest
 * option (fewer operators, no nulls), which is what shrinking converges to.
 */
import fc from 'fast-check';

export interface Chooser {
  /** Uniform integer in [min, max]. Shrinks toward min. */
  int(min: number, max: number): number;
  /** True with probability p. Shrinks toward false. */
  chance(p: number): boolean;
  /** One element; shrinks toward the first. */
  pick<T>(xs: readonly T[]): T;
  /** A random permutation (Fisher-Yates driven by int()). */
  shuffle<T>(xs: readonly T[]): T[];
  /** 0..n distinct elements of xs, order kept. */
  subset<T>(xs: readonly T[], min: number, max: number): T[];
}

/**
 * Unbiased: fast-check's default bias toward small values would skew every probability here
 * (most tables would have 0-1 rows); shrinking still moves toward `min`.
 */
const uniformInt = (min: number, max: number): fc.Arbitrary<number> => fc.noBias(fc.integer({ min, max }));

export function chooserFromGen(g: fc.GeneratorValue): Chooser {
  const ch: Chooser = {
    int: (min, max) => (max <= min ? min : g(uniformInt, min, max)),
    chance: (p) => g(uniformInt, 0, 999) >= Math.round(1000 * (1 - p)),
    pick: (xs) => {
      if (xs.length === 0) throw new Error('pick() from an empty list');
      return xs[ch.int(0, xs.length - 1)]!;
    },
    shuffle: (xs) => {
      const out = [...xs];
      for (let i = out.length - 1; i > 0; i--) {
        const j = ch.int(0, i);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
    subset: (xs, min, max) => {
      const n = ch.int(Math.min(min, xs.length), Math.min(max, xs.length));
      const idx = ch.shuffle(xs.map((_, i) => i)).slice(0, n).sort((a, b) => a - b);
      return idx.map((i) => xs[i]!);
    },
  };
  return ch;
}
