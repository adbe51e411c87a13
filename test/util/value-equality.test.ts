import { describe, expect, test } from 'vitest';
import {
  canonicalKey,
  compareNumbers,
  compareStrings,
  compareValues,
  jsonCodecFor,
  valuesEqual,
} from '../../src/util/value-equality.js';
import type { DataType } from '../../src/types/data-types.js';

describe('canonicalKey', () => {
  test('primitive encodings', () => {
    expect(canonicalKey(null)).toBe('n');
    expect(canonicalKey(undefined)).toBe('n');
    expect(canonicalKey(1)).toBe('d1');
    expect(canonicalKey(1.5)).toBe('d1.5');
    expect(canonicalKey(NaN)).toBe('dNaN');
    expect(canonicalKey(-Infinity)).toBe('d-Infinity');
    expect(canonicalKey('a"b')).toBe('"a\\"b"');
    expect(canonicalKey(true)).toBe('t');
    expect(canonicalKey(false)).toBe('f');
    expect(canonicalKey(new Uint8Array([1, 255]))).toBe('b01ff');
    expect(canonicalKey({ months: 1, days: 2, micros: 3 })).toBe('i1,2,3');
    expect(canonicalKey([1, 'a', null, [true]])).toBe('[d1,"a",n,[t]]');
  });

  test('-0.0 groups with 0.0, bigint with number, NaN with NaN', () => {
    expect(canonicalKey(-0)).toBe(canonicalKey(0));
    expect(canonicalKey(10n)).toBe(canonicalKey(10));
    expect(canonicalKey([NaN])).toBe(canonicalKey([0 / 0]));
  });

  test('distinguishes values that print alike', () => {
    expect(canonicalKey(1)).not.toBe(canonicalKey('1'));
    expect(canonicalKey(['a,b'])).not.toBe(canonicalKey(['a', 'b']));
    expect(canonicalKey([null])).not.toBe(canonicalKey(['n']));
    expect(canonicalKey(true)).not.toBe(canonicalKey('t'));
    expect(canonicalKey([])).not.toBe(canonicalKey(''));
  });

  test('maps are keyed independently of entry order', () => {
    const a = new Map<unknown, unknown>([['x', 1], ['y', 2]]);
    const b = new Map<unknown, unknown>([['y', 2], ['x', 1]]);
    expect(canonicalKey(a)).toBe('{"x":d1,"y":d2}');
    expect(canonicalKey(b)).toBe(canonicalKey(a));
  });
});

describe('valuesEqual', () => {
  test.each([
    [1, 1, true],
    [1, 2, false],
    [NaN, NaN, true],
    [0, -0, true],
    [1n, 1, true],
    [1, '1', false],
    ['a', 'a', true],
    [null, null, true],
    [null, undefined, true],
    [null, 0, false],
    [[1, null, [2]], [1, null, [2]], true],
    [[1, null], [1, 0], false],
    [[1], [1, 2], false],
    [[NaN, -0], [NaN, 0], true],
    [new Uint8Array([1, 2]), new Uint8Array([1, 2]), true],
    [new Uint8Array([1, 2]), new Uint8Array([1, 3]), false],
    [{ months: 1, days: 0, micros: 5 }, { months: 1, days: 0, micros: 5 }, true],
    [{ months: 1, days: 0, micros: 5 }, { months: 0, days: 0, micros: 5 }, false],
  ])('valuesEqual(%o, %o) = %s', (a, b, eq) => {
    expect(valuesEqual(a, b)).toBe(eq);
    expect(valuesEqual(b, a)).toBe(eq);
    expect(canonicalKey(a) === canonicalKey(b)).toBe(eq);
  });

  test('maps compare by entries', () => {
    expect(valuesEqual(new Map([['a', 1]]), new Map([['a', 1]]))).toBe(true);
    expect(valuesEqual(new Map([['a', 1]]), new Map([['a', 2]]))).toBe(false);
    expect(valuesEqual(new Map([['a', 1]]), [['a', 1]])).toBe(false);
  });
});

describe('compareValues', () => {
  test('doubles: -0.0 = 0.0, NaN greatest and equal to itself', () => {
    const xs = [3, NaN, -Infinity, 0, Infinity, -2.5];
    expect([...xs].sort(compareValues)).toEqual([-Infinity, -2.5, 0, 3, Infinity, NaN]);
    expect(compareValues(-0, 0)).toBe(0);
    expect(compareValues(NaN, NaN)).toBe(0);
    expect(compareValues(NaN, Infinity)).toBe(1);
    expect(compareNumbers(Infinity, NaN)).toBe(-1);
    expect(compareValues(2n, 3)).toBe(-1);
    expect(compareValues(5n, 3n)).toBe(1);
  });

  test('strings by code point (UTF-8 byte order), not UTF-16 code units', () => {
    const xs = ['b', '\u{1F600}', 'a', '\uFFFD', 'é', 'B', '', 'ab'];
    expect([...xs].sort(compareValues)).toEqual(['', 'B', 'a', 'ab', 'b', 'é', '\uFFFD', '\u{1F600}']);
    // Plain `<` gets this pair wrong: U+D83D (high surrogate) < U+FFFD as code units.
    expect('\u{1F600}' < '\uFFFD').toBe(true);
    expect(compareStrings('\u{1F600}', '\uFFFD')).toBe(1);
    expect(compareStrings('\u{1F600}', '\u{1F601}')).toBe(-1);
  });

  test('booleans, nulls, binary', () => {
    expect(compareValues(false, true)).toBe(-1);
    expect(compareValues(true, true)).toBe(0);
    expect(compareValues(null, 0)).toBe(-1);
    expect(compareValues(0, null)).toBe(1);
    expect(compareValues(null, undefined)).toBe(0);
    expect(compareValues(new Uint8Array([1, 255]), new Uint8Array([2]))).toBe(-1);
    expect(compareValues(new Uint8Array([255]), new Uint8Array([1, 0]))).toBe(1);
    expect(compareValues(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(-1);
    expect(compareValues(new Uint8Array([1, 0]), new Uint8Array([1, 0]))).toBe(0);
  });

  test('arrays and structs lexicographically, nulls first, shorter prefix first', () => {
    const xs = [[1, 2], [1], [0, 5], [1, null], [], [1, 2, 0]];
    expect([...xs].sort(compareValues)).toEqual([[], [0, 5], [1], [1, null], [1, 2], [1, 2, 0]]);
    expect(compareValues(['a', 1], ['a', 1])).toBe(0);
    expect(compareValues(['a', 2], ['b', 1])).toBe(-1);
  });

  test('intervals by months, days, micros', () => {
    expect(compareValues({ months: 1, days: 0, micros: 0 }, { months: 0, days: 40, micros: 0 })).toBe(1);
    expect(compareValues({ months: 0, days: 1, micros: 0 }, { months: 0, days: 1, micros: 1 })).toBe(-1);
  });
});

describe('jsonCodecFor', () => {
  const roundTrip = (v: unknown, t: DataType): unknown => {
    const c = jsonCodecFor(t)!;
    return c.decode(JSON.parse(JSON.stringify(c.encode(v))));
  };

  test('JSON-safe types need no codec', () => {
    for (const t of ['string', 'integer', 'long', 'boolean', 'timestamp', 'date', 'interval'] as const) {
      expect(jsonCodecFor(t)).toBeUndefined();
    }
    expect(jsonCodecFor({ type: 'array', elementType: 'string', containsNull: true })).toBeUndefined();
  });

  test('non-finite and negative-zero doubles survive JSON', () => {
    expect(roundTrip(NaN, 'double')).toBeNaN();
    expect(roundTrip(Infinity, 'double')).toBe(Infinity);
    expect(roundTrip(-Infinity, 'float')).toBe(-Infinity);
    expect(Object.is(roundTrip(-0, 'double'), -0)).toBe(true);
    expect(roundTrip(1.5, 'double')).toBe(1.5);
    expect(jsonCodecFor('double')!.encode(NaN)).toBe('NaN');
  });

  test('binary, maps and nested values', () => {
    expect(roundTrip(new Uint8Array([0, 16, 255]), 'binary')).toEqual(new Uint8Array([0, 16, 255]));
    expect(jsonCodecFor('binary')!.encode(new Uint8Array([0, 16, 255]))).toBe('0010ff');
    const mt: DataType = { type: 'map', keyType: 'string', valueType: 'binary', valueContainsNull: true };
    const m = roundTrip(new Map<string, unknown>([['a', new Uint8Array([1])], ['b', null]]), mt) as Map<string, unknown>;
    expect(m).toBeInstanceOf(Map);
    expect([...m]).toEqual([['a', new Uint8Array([1])], ['b', null]]);
    const st: DataType = {
      type: 'struct',
      fields: [
        { name: 'x', type: 'string', nullable: true, metadata: {} },
        { name: 'y', type: { type: 'array', elementType: 'double', containsNull: true }, nullable: true, metadata: {} },
      ],
    };
    const s = roundTrip(['a', [1, NaN, null]], st) as unknown[];
    expect(s[0]).toBe('a');
    expect(s[1]).toEqual([1, NaN, null]);
  });
});
