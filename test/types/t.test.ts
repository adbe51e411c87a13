import { describe, expect, test } from 'vitest';
import { T, toDataType } from '../../src/types/t.js';
import { RivuletError } from '../../src/errors.js';

describe('T', () => {
  test('primitives are the JSON type names', () => {
    expect([
      T.string(),
      T.boolean(),
      T.int(),
      T.long(),
      T.float(),
      T.double(),
      T.timestamp(),
      T.date(),
      T.binary(),
      T.null(),
      T.interval(),
    ]).toEqual(['string', 'boolean', 'integer', 'long', 'float', 'double', 'timestamp', 'date', 'binary', 'null', 'interval']);
  });

  test('complex types with defaults', () => {
    expect(T.array(T.long())).toEqual({ type: 'array', elementType: 'long', containsNull: true });
    expect(T.array('int', false)).toEqual({ type: 'array', elementType: 'integer', containsNull: false });
    expect(T.map(T.string(), 'bigint')).toEqual({ type: 'map', keyType: 'string', valueType: 'long', valueContainsNull: true });
    expect(T.map('string', 'string', false).valueContainsNull).toBe(false);
  });

  test('struct and field, same as the DDL form', () => {
    const schema = T.struct([
      T.field('event_id', T.string(), false),
      T.field('amount', T.double()),
      T.field('event_time', T.timestamp(), false, { comment: 'when' }),
    ]);
    expect(schema).toEqual({
      type: 'struct',
      fields: [
        { name: 'event_id', type: 'string', nullable: false, metadata: {} },
        { name: 'amount', type: 'double', nullable: true, metadata: {} },
        { name: 'event_time', type: 'timestamp', nullable: false, metadata: { comment: 'when' } },
      ],
    });
    expect(T.fromDDL("event_id STRING NOT NULL, amount DOUBLE, event_time TIMESTAMP NOT NULL COMMENT 'when'")).toEqual(schema);
  });

  test('results are plain JSON', () => {
    const s = T.struct([T.field('m', T.map('string', T.array('int')))]);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  test('parse', () => {
    expect(T.parse('array<bigint>')).toEqual({ type: 'array', elementType: 'long', containsNull: true });
  });
});

describe('toDataType', () => {
  test.each([
    ['long', 'long'],
    ['integer', 'integer'],
    ['int', 'integer'],
    ['bigint', 'long'],
    ['null', 'null'],
    ['void', 'null'],
    ['interval', 'interval'],
    ['STRING', 'string'],
  ])('%s', (name, expected) => {
    expect(toDataType(name)).toBe(expected);
  });

  test('DDL type strings and objects', () => {
    expect(toDataType('array<string>')).toEqual({ type: 'array', elementType: 'string', containsNull: true });
    const t = T.struct([]);
    expect(toDataType(t)).toBe(t);
  });

  test('unknown name', () => {
    expect(() => toDataType('strng')).toThrowError(RivuletError);
    try {
      toDataType('strng');
    } catch (e) {
      expect((e as RivuletError).errorClass).toBe('UNSUPPORTED_DATATYPE');
    }
  });
});
