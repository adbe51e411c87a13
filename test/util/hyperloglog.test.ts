import { describe, expect, test } from 'vitest';
import {
  hash64,
  hllAddKey,
  hllCreate,
  hllEstimate,
  hllMerge,
  hllPrecision,
  murmur3x86_128,
} from '../../src/util/hyperloglog.js';
import { RivuletError } from '../../src/errors.js';
import { canonicalKey } from '../../src/util/value-equality.js';

/** Little-endian hex of the four words, the usual way MurmurHash3_x86_128 digests are printed. */
function digest(s: string, seed: number): string {
  return murmur3x86_128(new TextEncoder().encode(s), seed)
    .map((w) => [0, 8, 16, 24].map((sh) => ((w >>> sh) & 255).toString(16).padStart(2, '0')).join(''))
    .join('')
    .toUpperCase();
}

function sketch(p: number, values: readonly unknown[]): number[] {
  let r = hllCreate(p);
  for (const v of values) r = hllAddKey(r, p, canonicalKey(v));
  return r;
}

describe('MurmurHash3 x86_128', () => {
  test.each([
    ['', 'A1D5BEF71C6A575B1C6A575B1C6A575B'],
    ['The quick brown fox jumps over the lazy dog', '5ED5D48A7161B84C9C3AA78E3E79B6CD'],
    ['The quick brown fox jumps over the lazy cog', '0E8829CCF91081107C6F5EBF3433E188'],
  ])('digest of %j with seed 2538058380', (s, hex) => {
    expect(digest(s, 2538058380)).toBe(hex);
  });

  test('seed 0 of nothing is 0', () => {
    expect(murmur3x86_128(new Uint8Array(0))).toEqual([0, 0, 0, 0]);
  });

  test('hash64 is deterministic and spreads', () => {
    expect(hash64('d1')).toEqual(hash64('d1'));
    expect(hash64('d1')).not.toEqual(hash64('d2'));
    const [hi, lo] = hash64('"abc"');
    expect(hi).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(2 ** 32);
    expect(lo).toBeLessThan(2 ** 32);
  });
});

describe('HyperLogLog', () => {
  test("Spark's precision rule", () => {
    expect(hllPrecision(0.05)).toBe(9);
    expect(hllPrecision(0.01)).toBe(14);
    expect(hllPrecision(0.39)).toBe(4);
    let err: unknown;
    try {
      hllPrecision(0.4);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RivuletError);
    expect((err as RivuletError).errorClass).toBe('INVALID_PARAMETER_VALUE');
    expect(() => hllPrecision(0)).toThrow('relativeSD');
    expect(() => hllPrecision(-0.1)).toThrow('relativeSD');
    expect(() => hllPrecision(0.0001)).toThrow('relativeSD');
    expect(hllPrecision(0.0003)).toBe(24);
  });

  test('empty and tiny sets are exact', () => {
    expect(hllEstimate(hllCreate(9), 9)).toBe(0);
    expect(Math.round(hllEstimate(sketch(9, [1]), 9))).toBe(1);
    expect(Math.round(hllEstimate(sketch(9, [1, 2, 3, 2, 1, 'a', 'b']), 9))).toBe(5);
    const hundred = Array.from({ length: 100 }, (_, i) => i);
    expect(Math.round(hllEstimate(sketch(14, hundred), 14))).toBe(100);
  });

  test.each([
    [9, 10_000],
    [9, 100_000],
    [12, 50_000],
    [14, 200_000],
  ])('p=%i, %i distinct values: within 3 standard errors', (p, n) => {
    const values = Array.from({ length: n }, (_, i) => `v${i}`);
    const est = hllEstimate(sketch(p, values), p);
    const stdErr = 1.04 / Math.sqrt(2 ** p);
    expect(Math.abs(est - n) / n).toBeLessThan(3 * stdErr);
  });

  test('merge is the sketch of the union and does not care about duplicates', () => {
    const a = sketch(10, Array.from({ length: 3000 }, (_, i) => i));
    const b = sketch(10, Array.from({ length: 3000 }, (_, i) => i + 1500));
    const union = sketch(10, Array.from({ length: 4500 }, (_, i) => i));
    expect(hllMerge(a.slice(), b)).toEqual(union);
    expect(hllMerge(b.slice(), a)).toEqual(union);
    expect(JSON.parse(JSON.stringify(union))).toEqual(union);
  });
});
