import { describe, expect, test } from 'vitest';
import { mathFunctions, roundDecimal } from '../../src/expr/functions/math.js';
import { T } from '../../src/types/t.js';
import { byName, col, compileFn, errorOf, evalFn, lit, resolveFn } from './functions-harness.js';

const fn = byName(mathFunctions);

describe('abs', () => {
  test('keeps the type; Int.MinValue wraps as in Java', () => {
    expect(resolveFn(fn('abs'), [col('integer', -3)]).dataType).toBe('integer');
    expect(evalFn(fn('abs'), [col('integer', -3)])).toBe(3);
    expect(evalFn(fn('abs'), [col('integer', -2147483648)])).toBe(-2147483648);
    expect(evalFn(fn('abs'), [col('double', -2.5)])).toBe(2.5);
    expect(evalFn(fn('abs'), [col('long', -5)])).toBe(5);
    expect(evalFn(fn('abs'), [col('integer', null)])).toBeNull();
  });

  test('strings become double; other types are rejected', () => {
    expect(resolveFn(fn('abs'), [col('string', '-1')]).dataType).toBe('double');
    expect(evalFn(fn('abs'), [col('string', '-1.5')])).toBe(1.5);
    const e = errorOf(() => resolveFn(fn('abs'), [col('boolean', true)]));
    expect(e.errorClass).toBe('DATATYPE_MISMATCH');
    expect(e.message).toContain('The first parameter requires the "NUMERIC" type, however "c0" has the type "BOOLEAN"');
  });
});

describe('round / bround', () => {
  test.each([
    [2.5, 0, 3, 2],
    [3.5, 0, 4, 4],
    [-2.5, 0, -3, -2],
    [1.005, 2, 1.01, 1.0],
    [2.675, 2, 2.68, 2.68],
    [0.125, 2, 0.13, 0.12],
    [1234.5678, -2, 1200, 1200],
    [1250, -2, 1300, 1200],
    [0.0004, 2, 0, 0],
    [0.005, 2, 0.01, 0],
    [-0.4, 0, 0, 0],
    [123.456, 5, 123.456, 123.456],
  ])('%d at scale %d: HALF_UP %d, HALF_EVEN %d', (v, scale, up, even) => {
    expect(roundDecimal(v, scale, 'HALF_UP')).toBe(up);
    expect(roundDecimal(v, scale, 'HALF_EVEN')).toBe(even);
    expect(evalFn(fn('round'), [col('double', v), lit('integer', scale)])).toBe(up);
    expect(evalFn(fn('bround'), [col('double', v), lit('integer', scale)])).toBe(even);
  });

  test('round(-0.4) is 0.0, not -0.0 (BigDecimal has no negative zero)', () => {
    expect(Object.is(evalFn(fn('round'), [col('double', -0.4)]), 0)).toBe(true);
  });

  test('result type follows the input; integers round at negative scales', () => {
    expect(resolveFn(fn('round'), [col('integer', 1)]).dataType).toBe('integer');
    expect(resolveFn(fn('round'), [col('double', 1)]).dataType).toBe('double');
    expect(resolveFn(fn('round'), [col('string', '1')]).dataType).toBe('double');
    expect(evalFn(fn('round'), [col('integer', 1250), lit('integer', -2)])).toBe(1300);
    expect(evalFn(fn('bround'), [col('integer', 1250), lit('integer', -2)])).toBe(1200);
    expect(evalFn(fn('round'), [col('integer', 17), lit('integer', 1)])).toBe(17);
    expect(evalFn(fn('round'), [col('long', 15), lit('integer', -1)])).toBe(20);
    // Int overflow wraps like BigDecimal.intValue().
    expect(evalFn(fn('round'), [col('integer', 2147483647), lit('integer', -1)])).toBe(-2147483646);
  });

  test('NaN, infinities and nulls', () => {
    expect(evalFn(fn('round'), [col('double', NaN), lit('integer', 1)])).toBe(NaN);
    expect(evalFn(fn('round'), [col('double', Infinity)])).toBe(Infinity);
    expect(evalFn(fn('round'), [col('double', null), lit('integer', 1)])).toBeNull();
    expect(evalFn(fn('round'), [col('double', 1.5), lit('integer', null)])).toBeNull();
  });

  test('the scale must be a constant', () => {
    const e = errorOf(() => resolveFn(fn('round'), [col('double', 1), col('integer', 1)]));
    expect(e.message).toContain('the input `scale` should be a foldable "INT" expression');
  });

  test('renders with the default scale', () => {
    expect(fn('round').sql!(['x'])).toBe('round(x, 0)');
    expect(fn('bround').sql!(['x', '2'])).toBe('bround(x, 2)');
  });
});

describe('floor / ceil', () => {
  test('return bigint', () => {
    expect(resolveFn(fn('floor'), [col('double', 1)]).dataType).toBe('long');
    expect(resolveFn(fn('ceil'), [col('integer', 1)]).dataType).toBe('long');
    expect(evalFn(fn('floor'), [col('double', -1.5)])).toBe(-2);
    expect(evalFn(fn('ceil'), [col('double', -1.5)])).toBe(-1);
    expect(evalFn(fn('ceil'), [col('double', 1.2)])).toBe(2);
    expect(evalFn(fn('floor'), [col('integer', 7)])).toBe(7);
    expect(evalFn(fn('floor'), [col('string', '2.7')])).toBe(2);
    expect(evalFn(fn('floor'), [col('double', NaN)])).toBe(0);
    expect(evalFn(fn('ceil'), [col('double', 1e30)])).toBe(2 ** 63);
    expect(evalFn(fn('floor'), [col('double', null)])).toBeNull();
  });

  test('with a scale', () => {
    expect(evalFn(fn('floor'), [col('double', 3.1411), lit('integer', 3)])).toBe(3.141);
    expect(evalFn(fn('ceil'), [col('double', 3.1411), lit('integer', 3)])).toBe(3.142);
    expect(evalFn(fn('ceil'), [col('double', 3.1411), lit('integer', -3)])).toBe(1000);
    expect(evalFn(fn('floor'), [col('double', -0.1), lit('integer', 0)])).toBe(-1);
  });

  test('render as Spark names them', () => {
    expect(fn('ceil').sql!(['a'])).toBe('CEIL(a)');
    expect(fn('floor').sql!(['a'])).toBe('FLOOR(a)');
  });
});

describe('double functions', () => {
  test.each([
    ['sqrt', [4], 2],
    ['sqrt', [-1], NaN],
    ['exp', [0], 1],
    ['pow', [2, 10], 1024],
    ['log10', [1000], 3],
    ['log10', [0], null],
    ['log2', [8], 3],
    ['log2', [-1], null],
    ['log', [Math.E], 1],
    ['log', [0], null],
    ['log', [10, 100], 2],
    ['log', [-10, 100], null],
    ['signum', [-3], -1],
    ['signum', [0], 0],
    ['signum', [2.5], 1],
    ['cbrt', [27], 3],
    ['degrees', [Math.PI], 180],
    ['radians', [180], Math.PI],
    ['atan2', [0, 0], 0],
    ['hypot', [3, 4], 5],
    ['log1p', [-1], null],
    ['rint', [2.5], 2],
  ] as [string, number[], number | null][])('%s(%j) = %j', (name, xs, expected) => {
    expect(evalFn(fn(name), xs.map((x) => col('double', x)))).toBe(expected);
  });

  test('integers and strings are cast to double; result is double', () => {
    expect(resolveFn(fn('sqrt'), [col('integer', 4)])).toEqual({ dataType: 'double', nullable: true, argTypes: ['double'] });
    expect(evalFn(fn('pow'), [col('integer', 2), col('string', '3')])).toBe(8);
    expect(evalFn(fn('sqrt'), [col('integer', null)])).toBeNull();
  });

  test('names', () => {
    expect(fn('sqrt').sql!(['a'])).toBe('SQRT(a)');
    expect(fn('pow').sql!(['a', 'b'])).toBe('POWER(a, b)');
    expect(fn('log').sql!(['a'])).toBe('ln(a)');
    expect(fn('log').sql!(['b', 'a'])).toBe('LOG(b, a)');
    expect(evalFn(fn('pi'), [])).toBe(Math.PI);
  });
});

describe('greatest / least', () => {
  test('skip nulls; null only when all are null', () => {
    expect(evalFn(fn('greatest'), [col('integer', 1), col('integer', null), col('integer', 3)])).toBe(3);
    expect(evalFn(fn('least'), [col('integer', 1), col('integer', null), col('integer', 3)])).toBe(1);
    expect(evalFn(fn('greatest'), [col('integer', null), col('integer', null)])).toBeNull();
  });

  test('widen numeric types; NaN is the greatest double', () => {
    const r = resolveFn(fn('greatest'), [col('integer', 1), col('double', 2)]);
    expect(r.dataType).toBe('double');
    expect(evalFn(fn('greatest'), [col('integer', 5), col('double', 2.5)])).toBe(5);
    expect(evalFn(fn('greatest'), [col('double', NaN), col('double', 2.5)])).toBe(NaN);
    expect(evalFn(fn('least'), [col('double', NaN), col('double', 2.5)])).toBe(2.5);
  });

  test('strings, dates, nullability and mismatches', () => {
    expect(evalFn(fn('greatest'), [col('string', 'b'), col('string', 'abc')])).toBe('b');
    expect(resolveFn(fn('least'), [col('integer', 1, false), col('integer', 2)]).nullable).toBe(false);
    expect(resolveFn(fn('least'), [col('integer', 1), col('integer', 2)]).nullable).toBe(true);
    const e = errorOf(() => resolveFn(fn('greatest'), [col('integer', 1), col('string', 'a')]));
    expect(e.errorClass).toBe('DATATYPE_MISMATCH');
  });
});

describe('pmod', () => {
  test.each([
    [10, 3, 1],
    [-10, 3, 2],
    [10, -3, 1],
    [-10, -3, -1],
    [7, 0, null],
  ])('pmod(%i, %i) = %j', (a, b, r) => {
    expect(evalFn(fn('pmod'), [col('integer', a), col('integer', b)])).toBe(r);
  });

  test('doubles', () => {
    expect(evalFn(fn('pmod'), [col('double', -7.5), col('integer', 2)])).toBe(0.5);
  });
});

describe('rand', () => {
  test('is non-deterministic, in [0, 1), repeatable for a seed', () => {
    expect(fn('rand').deterministic).toBe(false);
    const a = compileFn(fn('rand'), [lit('integer', 42)]).run;
    const b = compileFn(fn('rand'), [lit('integer', 42)]).run;
    const xs = [a([42]), a([42]), a([42])];
    expect([b([42]), b([42]), b([42])]).toEqual(xs);
    for (const x of xs) expect(x as number).toBeGreaterThanOrEqual(0);
    for (const x of xs) expect(x as number).toBeLessThan(1);
    expect(new Set(xs).size).toBe(3);
    const c = compileFn(fn('rand'), []).run;
    expect(typeof c([])).toBe('number');
  });

  test('the seed must be constant', () => {
    expect(errorOf(() => resolveFn(fn('rand'), [col('integer', 1)])).errorClass).toBe('DATATYPE_MISMATCH');
  });
});

describe('hash (Murmur3, seed 42)', () => {
  test("Spark's documented example", () => {
    // SELECT hash('Spark', array(123), 2) = -1321691492
    expect(evalFn(fn('hash'), [col('string', 'Spark'), col(T.array(T.int()), [123]), col('integer', 2)])).toBe(-1321691492);
  });

  test('nulls keep the seed; the result is never null', () => {
    expect(evalFn(fn('hash'), [col('integer', null)])).toBe(42);
    expect(resolveFn(fn('hash'), [col('integer', null)])).toEqual({ dataType: 'integer', nullable: false });
  });

  test('-0.0 and 0.0 hash alike; longs and ints differ', () => {
    expect(evalFn(fn('hash'), [col('double', -0)])).toBe(evalFn(fn('hash'), [col('double', 0)]));
    expect(evalFn(fn('hash'), [col('long', 1)])).not.toBe(evalFn(fn('hash'), [col('integer', 1)]));
  });
});
