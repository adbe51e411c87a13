import { describe, expect, test } from 'vitest';
import { conditionalFunctions } from '../../src/expr/functions/conditional.js';
import { byName, col, compileFn, errorOf, evalFn, resolveFn } from './functions-harness.js';

const fn = byName(conditionalFunctions);
const i = (v: number | null, nullable = true) => col('integer', v, nullable);

describe('coalesce / nvl / nvl2', () => {
  test('first non-null', () => {
    expect(evalFn(fn('coalesce'), [i(null), i(2), i(3)])).toBe(2);
    expect(evalFn(fn('coalesce'), [i(null), i(null)])).toBeNull();
    expect(evalFn(fn('nvl'), [i(null), i(5)])).toBe(5);
    expect(evalFn(fn('nvl'), [i(1), i(5)])).toBe(1);
    expect(evalFn(fn('nvl2'), [i(1), col('string', 'x'), col('string', 'y')])).toBe('x');
    expect(evalFn(fn('nvl2'), [i(null), col('string', 'x'), col('string', 'y')])).toBe('y');
  });

  test('common type, with string promotion', () => {
    expect(resolveFn(fn('coalesce'), [i(1), col('double', 2)])).toEqual({ dataType: 'double', nullable: true, argTypes: ['double', 'double'] });
    expect(resolveFn(fn('coalesce'), [i(1), col('string', 'a')]).dataType).toBe('string');
    expect(evalFn(fn('coalesce'), [i(null), col('string', 'a'), i(3)])).toBe('a');
    expect(evalFn(fn('coalesce'), [i(7), col('string', 'a')])).toBe('7');
    expect(evalFn(fn('coalesce'), [col('date', null), col('timestamp', 5)])).toBe(5);
    expect(errorOf(() => resolveFn(fn('coalesce'), [i(1), col('boolean', true)])).errorClass).toBe('DATATYPE_MISMATCH');
  });

  test('nullable only when every argument is', () => {
    expect(resolveFn(fn('coalesce'), [i(null), i(1, false)]).nullable).toBe(false);
    expect(resolveFn(fn('coalesce'), [i(null), i(1)]).nullable).toBe(true);
  });

  test('later arguments are not evaluated once a value is found', () => {
    let calls = 0;
    const { run } = compileFn(fn('coalesce'), [i(1), i(2)]);
    const row = [1, { valueOf: () => ++calls }];
    expect(run(row)).toBe(1);
    expect(calls).toBe(0);
  });
});

describe('if', () => {
  test('a null condition takes the else branch', () => {
    expect(evalFn(fn('if'), [col('boolean', true), i(1), i(2)])).toBe(1);
    expect(evalFn(fn('if'), [col('boolean', false), i(1), i(2)])).toBe(2);
    expect(evalFn(fn('if'), [col('boolean', null), i(1), i(2)])).toBe(2);
    expect(evalFn(fn('if'), [col('boolean', true), i(null), i(2)])).toBeNull();
  });

  test('types and rendering', () => {
    expect(resolveFn(fn('if'), [col('boolean', true), i(1, false), col('double', 2, false)])).toEqual({
      dataType: 'double',
      nullable: false,
      argTypes: ['boolean', 'double', 'double'],
    });
    expect(errorOf(() => resolveFn(fn('if'), [i(1), i(1), i(2)])).message).toContain('The first parameter requires the "BOOLEAN" type');
    expect(fn('if').sql!(['(a > 1)', 'x', 'y'])).toBe('(IF((a > 1), x, y))');
  });
});

describe('nullif / nanvl / isnan', () => {
  test('nullif', () => {
    expect(evalFn(fn('nullif'), [i(1), i(1)])).toBeNull();
    expect(evalFn(fn('nullif'), [i(1), i(2)])).toBe(1);
    expect(evalFn(fn('nullif'), [i(1), i(null)])).toBe(1);
    expect(evalFn(fn('nullif'), [i(null), i(1)])).toBeNull();
    expect(evalFn(fn('nullif'), [i(2), col('double', 2)])).toBeNull();
    expect(resolveFn(fn('nullif'), [i(2), col('double', 2)]).dataType).toBe('integer');
    expect(evalFn(fn('nullif'), [col('string', 'a'), col('string', 'b')])).toBe('a');
    expect(resolveFn(fn('nullif'), [i(2, false), i(1, false)]).nullable).toBe(true);
  });

  test('nanvl', () => {
    expect(evalFn(fn('nanvl'), [col('double', NaN), col('double', 1)])).toBe(1);
    expect(evalFn(fn('nanvl'), [col('double', 2), col('double', 1)])).toBe(2);
    expect(evalFn(fn('nanvl'), [col('double', null), col('double', 1)])).toBeNull();
    expect(evalFn(fn('nanvl'), [col('double', NaN), col('double', null)])).toBeNull();
    expect(resolveFn(fn('nanvl'), [col('float', 1), col('float', 2)]).dataType).toBe('float');
    expect(resolveFn(fn('nanvl'), [i(1), col('float', 2)]).dataType).toBe('double');
  });

  test('isnan is false for null', () => {
    expect(evalFn(fn('isnan'), [col('double', NaN)])).toBe(true);
    expect(evalFn(fn('isnan'), [col('double', 1)])).toBe(false);
    expect(evalFn(fn('isnan'), [col('double', null)])).toBe(false);
    expect(resolveFn(fn('isnan'), [col('double', null)]).nullable).toBe(false);
  });
});
