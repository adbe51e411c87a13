import { describe, expect, test } from 'vitest';
import { inferSchema } from '../../src/types/infer.js';
import { T } from '../../src/types/t.js';
import { RivuletError } from '../../src/errors.js';

function errorOf(f: () => unknown): RivuletError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RivuletError);
    return e as RivuletError;
  }
  throw new Error('expected an error');
}

describe('inferSchema', () => {
  test('primitive values', () => {
    const s = inferSchema([
      { i: 1, d: 1.5, b: 2n, s: 'x', ok: true, at: new Date(0), bin: new Uint8Array([1]), nan: Number.NaN },
    ]);
    expect(s).toEqual(
      T.struct([
        T.field('i', 'long'),
        T.field('d', 'double'),
        T.field('b', 'long'),
        T.field('s', 'string'),
        T.field('ok', 'boolean'),
        T.field('at', 'timestamp'),
        T.field('bin', 'binary'),
        T.field('nan', 'double'),
      ]),
    );
  });

  test('complex values: arrays, Map, plain objects as structs', () => {
    const s = inferSchema([{ tags: ['a', 'b'], m: new Map([['k', 1]]), p: { x: 1, y: 'z' }, nested: [{ a: [1.5] }] }]);
    expect(s).toEqual(
      T.struct([
        T.field('tags', T.array('string')),
        T.field('m', T.map('string', 'long')),
        T.field('p', T.struct([T.field('x', 'long'), T.field('y', 'string')])),
        T.field('nested', T.array(T.struct([T.field('a', T.array('double'))]))),
      ]),
    );
  });

  test('nulls merge with other types; long and double widen to double', () => {
    const s = inferSchema([
      { a: null, n: 1, arr: [] },
      { a: 'x', n: 2.5, arr: [null, 1] },
      { a: undefined, n: null, arr: null },
    ]);
    expect(s).toEqual(T.struct([T.field('a', 'string'), T.field('n', 'double'), T.field('arr', T.array('long'))]));
    expect(inferSchema([{ n: 1.5 }, { n: 2 }]).fields[0]!.type).toBe('double');
  });

  test('first-seen key order across rows; missing keys are nullable columns', () => {
    const s = inferSchema([{ b: 1, a: 'x' }, { c: true, a: 'y' }, { d: new Date(0) }]);
    expect(s.fields.map((f) => [f.name, f.type, f.nullable])).toEqual([
      ['b', 'long', true],
      ['a', 'string', true],
      ['c', 'boolean', true],
      ['d', 'timestamp', true],
    ]);
  });

  test('structs merge field by field', () => {
    const s = inferSchema([{ p: { x: 1 } }, { p: { y: 'a', x: 2.5 } }]);
    expect(s.fields[0]!.type).toEqual(T.struct([T.field('x', 'double'), T.field('y', 'string')]));
  });

  test('positional rows get tuple names', () => {
    expect(inferSchema([['a', 1] as unknown as Record<string, unknown>])).toEqual(T.struct([T.field('_1', 'string'), T.field('_2', 'long')]));
  });

  test('a column that is null everywhere', () => {
    const e = errorOf(() => inferSchema([{ id: 1, note: null }, { id: 2 }]));
    expect(e.errorClass).toBe('CANNOT_DETERMINE_TYPE');
    expect(e.message).toBe(
      "[CANNOT_DETERMINE_TYPE] Some of types cannot be determined after inferring: field 'note' is null in every row. Pass a schema to set its type.",
    );
    expect(e.messageParameters).toEqual({ field: 'note' });
  });

  test('unknown nested types are reported by path', () => {
    expect(errorOf(() => inferSchema([{ tags: [] }])).message).toContain("field 'tags.element' is null in every row");
    expect(errorOf(() => inferSchema([{ p: { q: null } }])).message).toContain("field 'p.q' is null in every row");
    expect(errorOf(() => inferSchema([{ m: new Map() }])).message).toContain("field 'm.key' is null in every row");
  });

  test('conflicting types name the field', () => {
    const e = errorOf(() => inferSchema([{ a: 1 }, { a: 'x' }]));
    expect(e.errorClass).toBe('CANNOT_MERGE_TYPE');
    expect(e.message).toBe("[CANNOT_MERGE_TYPE] Can not merge type BIGINT and STRING in field 'a'.");
    expect(e.messageParameters).toEqual({ data_type1: 'BIGINT', data_type2: 'STRING', field: 'a' });
    expect(errorOf(() => inferSchema([{ p: { x: true } }, { p: { x: 1 } }])).message).toBe(
      "[CANNOT_MERGE_TYPE] Can not merge type BOOLEAN and BIGINT in field 'p.x'.",
    );
    expect(errorOf(() => inferSchema([{ t: [1, 'a'] }])).message).toBe("[CANNOT_MERGE_TYPE] Can not merge type BIGINT and STRING in field 't.element'.");
    expect(errorOf(() => inferSchema([{ v: [1] }, { v: { a: 1 } }])).message).toBe(
      "[CANNOT_MERGE_TYPE] Can not merge type ARRAY<BIGINT> and STRUCT<a: BIGINT> in field 'v'.",
    );
  });

  test('values with no Spark type', () => {
    const e = errorOf(() => inferSchema([{ f: () => 1 }]));
    expect(e.errorClass).toBe('CANNOT_INFER_TYPE_FOR_FIELD');
    expect(e.message).toBe('[CANNOT_INFER_TYPE_FOR_FIELD] Unable to infer the type of the field `f` from function.');
    expect(errorOf(() => inferSchema([{ s: new Set([1]) }])).message).toBe(
      '[CANNOT_INFER_TYPE_FOR_FIELD] Unable to infer the type of the field `s` from Set {}.',
    );
  });

  test('empty input and non-object rows', () => {
    expect(errorOf(() => inferSchema([])).errorClass).toBe('CANNOT_INFER_EMPTY_SCHEMA');
    const e = errorOf(() => inferSchema([{ a: 1 }, 5 as unknown as Record<string, unknown>]));
    expect(e.errorClass).toBe('CANNOT_INFER_SCHEMA_FOR_TYPE');
    expect(e.message).toBe('[CANNOT_INFER_SCHEMA_FOR_TYPE] Can not infer schema for type: number 5 (row 1); rows must be objects or arrays.');
  });
});
