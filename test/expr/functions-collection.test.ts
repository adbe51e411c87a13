import { describe, expect, test } from 'vitest';
import type { Expr } from '../../src/expr/ast.js';
import { collectionFunctions } from '../../src/expr/functions/collection.js';
import { T } from '../../src/types/t.js';
import { byName, col, errorOf, evalFn, lit, resolveFn, type Arg } from './functions-harness.js';

const fn = byName(collectionFunctions);
const i = (v: number | null, nullable = true) => col('integer', v, nullable);
const named = (name: string, a: Arg): Arg => ({ ...a, expr: { kind: 'attr', id: 99, name, dataType: a.type, nullable: true } });

describe('array', () => {
  test('common element type and containsNull', () => {
    const r = resolveFn(fn('array'), [i(1, false), col('double', 2, false)]);
    expect(r).toEqual({ dataType: T.array(T.double(), false), nullable: false, argTypes: ['double', 'double'] });
    expect(resolveFn(fn('array'), [i(1), col('string', 'a')]).dataType).toEqual(T.array(T.string()));
    expect(evalFn(fn('array'), [i(1), i(null), col('double', 2.5)])).toEqual([1, null, 2.5]);
    expect(evalFn(fn('array'), [])).toEqual([]);
    expect(errorOf(() => resolveFn(fn('array'), [i(1), col('boolean', true)])).errorClass).toBe('DATATYPE_MISMATCH');
  });
});

describe('struct / named_struct', () => {
  test('struct names fields after columns, else colN', () => {
    const r = resolveFn(fn('struct'), [named('a', i(1, false)), lit('string', 'x')]);
    expect(r.dataType).toEqual(T.struct([T.field('a', T.int(), false), T.field('col2', T.string(), false)]));
    expect(r.nullable).toBe(false);
    const getField: Expr = {
      kind: 'call',
      name: 'get_field',
      args: [{ kind: 'column', name: ['s'] }, { kind: 'literal', value: 'inner', dataType: 'string' }],
    };
    const alias: Expr = { kind: 'alias', name: 'renamed', child: { kind: 'literal', value: 1, dataType: 'integer' } };
    const r2 = resolveFn(fn('struct'), [{ ...i(1), expr: getField }, { ...i(1), expr: alias }, { ...i(1), expr: { kind: 'column', name: ['t', 'c'] } }]);
    expect((r2.dataType as { readonly fields: readonly { name: string }[] }).fields.map((f) => f.name)).toEqual(['inner', 'renamed', 'c']);
    expect(evalFn(fn('struct'), [i(1), i(null)])).toEqual([1, null]);
  });

  test('named_struct', () => {
    const args = [lit('string', 'x'), i(1), lit('string', 'y'), col('string', 'b')];
    expect(resolveFn(fn('named_struct'), args).dataType).toEqual(T.struct([T.field('x', T.int()), T.field('y', T.string())]));
    expect(evalFn(fn('named_struct'), args)).toEqual([1, 'b']);
    expect(errorOf(() => resolveFn(fn('named_struct'), [lit('string', 'x')])).message).toContain('requires an even number of arguments');
    expect(errorOf(() => resolveFn(fn('named_struct'), [col('string', 'x'), i(1)])).message).toContain('Only foldable "STRING" expressions are allowed to appear at odd position');
  });
});

describe('map', () => {
  test('types and values', () => {
    const r = resolveFn(fn('map'), [col('string', 'a', false), i(1, false), col('string', 'b', false), col('long', 2, false)]);
    expect(r).toEqual({
      dataType: T.map(T.string(), T.long(), false),
      nullable: false,
      argTypes: ['string', 'long', 'string', 'long'],
    });
    expect(evalFn(fn('map'), [col('string', 'a'), i(1), col('string', 'b'), i(null)])).toEqual(new Map<string, unknown>([['a', 1], ['b', null]]));
    expect(evalFn(fn('map'), [])).toEqual(new Map());
  });

  test('null and duplicate keys are errors', () => {
    expect(errorOf(() => evalFn(fn('map'), [col('string', null), i(1)])).errorClass).toBe('NULL_MAP_KEY');
    const e = errorOf(() => evalFn(fn('map'), [col('string', 'a'), i(1), col('string', 'a'), i(2)]));
    expect(e.errorClass).toBe('DUPLICATED_MAP_KEY');
    expect(e.message).toContain('Duplicate map key a was found');
    expect(errorOf(() => evalFn(fn('map'), [col('double', 0), i(1), col('double', -0), i(2)])).errorClass).toBe('DUPLICATED_MAP_KEY');
  });
});

describe('size / array_contains / element_at', () => {
  test('size', () => {
    expect(evalFn(fn('size'), [col(T.array(T.int()), [1, 2, null])])).toBe(3);
    expect(evalFn(fn('size'), [col(T.map(T.string(), T.int()), new Map([['a', 1]]))])).toBe(1);
    expect(evalFn(fn('size'), [col(T.array(T.int()), null)])).toBe(-1);
    expect(resolveFn(fn('size'), [col(T.array(T.int()), null)])).toEqual({ dataType: 'integer', nullable: false });
    expect(errorOf(() => resolveFn(fn('size'), [col('string', 'x')])).errorClass).toBe('DATATYPE_MISMATCH');
  });

  test('array_contains is three-valued', () => {
    const arr = (v: unknown) => col(T.array(T.int()), v);
    expect(evalFn(fn('array_contains'), [arr([1, 2]), i(2)])).toBe(true);
    expect(evalFn(fn('array_contains'), [arr([1, 2]), i(3)])).toBe(false);
    expect(evalFn(fn('array_contains'), [arr([1, null]), i(3)])).toBeNull();
    expect(evalFn(fn('array_contains'), [arr([1, null]), i(1)])).toBe(true);
    expect(evalFn(fn('array_contains'), [arr(null), i(1)])).toBeNull();
    expect(evalFn(fn('array_contains'), [arr([1]), i(null)])).toBeNull();
    expect(evalFn(fn('array_contains'), [arr([1, 2]), col('double', 2.0)])).toBe(true);
    expect(resolveFn(fn('array_contains'), [arr([1]), col('long', 1)]).argTypes).toEqual([T.array(T.long()), 'long']);
    expect(errorOf(() => resolveFn(fn('array_contains'), [arr([1]), col('string', '1')])).errorClass).toBe('DATATYPE_MISMATCH');
  });

  test('element_at on arrays is 1-based; negative counts from the end', () => {
    const arr = col(T.array(T.string()), ['a', 'b', 'c']);
    expect(evalFn(fn('element_at'), [arr, i(1)])).toBe('a');
    expect(evalFn(fn('element_at'), [arr, i(-1)])).toBe('c');
    expect(evalFn(fn('element_at'), [arr, i(4)])).toBeNull();
    expect(evalFn(fn('element_at'), [arr, i(-4)])).toBeNull();
    expect(evalFn(fn('element_at'), [arr, col('long', 2)])).toBe('b');
    const e = errorOf(() => evalFn(fn('element_at'), [arr, i(0)]));
    expect(e.errorClass).toBe('INVALID_INDEX_OF_ZERO');
  });

  test('element_at on maps', () => {
    const m = col(T.map(T.long(), T.string()), new Map([[1, 'x']]));
    expect(evalFn(fn('element_at'), [m, i(1)])).toBe('x');
    expect(evalFn(fn('element_at'), [m, i(2)])).toBeNull();
    expect(resolveFn(fn('element_at'), [m, i(1)]).argTypes).toEqual([T.map(T.long(), T.string()), 'long']);
  });
});

describe('other collection functions', () => {
  test('map_keys / map_values', () => {
    const m = col(T.map(T.string(), T.int()), new Map<string, unknown>([['a', 1], ['b', null]]));
    expect(evalFn(fn('map_keys'), [m])).toEqual(['a', 'b']);
    expect(evalFn(fn('map_values'), [m])).toEqual([1, null]);
  });

  test('sort_array / array_distinct / array_min / array_max', () => {
    const arr = col(T.array(T.int()), [3, null, 1, 3]);
    expect(evalFn(fn('sort_array'), [arr])).toEqual([null, 1, 3, 3]);
    expect(evalFn(fn('sort_array'), [arr, lit('boolean', false)])).toEqual([3, 3, 1, null]);
    expect(evalFn(fn('array_distinct'), [arr])).toEqual([3, null, 1]);
    expect(evalFn(fn('array_min'), [arr])).toBe(1);
    expect(evalFn(fn('array_max'), [arr])).toBe(3);
    expect(evalFn(fn('array_max'), [col(T.array(T.int()), [null])])).toBeNull();
  });

  test('array_join / slice', () => {
    const arr = col(T.array(T.string()), ['a', null, 'c']);
    expect(evalFn(fn('array_join'), [arr, col('string', ',')])).toBe('a,c');
    expect(evalFn(fn('array_join'), [arr, col('string', ','), col('string', '?')])).toBe('a,?,c');
    expect(evalFn(fn('array_join'), [col(T.array(T.int()), [1, 2]), col('string', '-')])).toBe('1-2');
    const nums = col(T.array(T.int()), [1, 2, 3, 4]);
    expect(evalFn(fn('slice'), [nums, i(2), i(2)])).toEqual([2, 3]);
    expect(evalFn(fn('slice'), [nums, i(-2), i(5)])).toEqual([3, 4]);
    expect(evalFn(fn('slice'), [nums, i(9), i(1)])).toEqual([]);
    expect(errorOf(() => evalFn(fn('slice'), [nums, i(0), i(1)])).errorClass).toBe('INVALID_PARAMETER_VALUE.START');
  });
});
