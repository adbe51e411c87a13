import { describe, expect, test } from 'vitest';
import { rowToObject, toExternal, toInternal, validateRows } from '../../src/types/convert.js';
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

const T0 = Date.UTC(2024, 0, 15, 10, 30, 0, 123); // 2024-01-15T10:30:00.123Z
const DAY0 = 19737; // 2024-01-15

describe('toInternal: timestamps', () => {
  test.each([
    ['Date', new Date(T0), T0 * 1000],
    ['epoch ms', T0, T0 * 1000],
    ['fractional epoch ms', 1.001, 1001],
    ['ISO with Z', '2024-01-15T10:30:00.123Z', T0 * 1000],
    ['ISO without zone is UTC', '2024-01-15T10:30:00.123', T0 * 1000],
    ['space separator', '2024-01-15 10:30:00.123', T0 * 1000],
    ['offset', '2024-01-15T12:30:00.123+02:00', T0 * 1000],
    ['offset without colon', '2024-01-15T05:30:00.123-0500', T0 * 1000],
    ['microsecond digits kept', '2024-01-15T10:30:00.123456Z', T0 * 1000 + 456],
    ['nanosecond digits truncated', '2024-01-15T10:30:00.123456789Z', T0 * 1000 + 456],
    ['minutes only', '2024-01-15T10:30', Date.UTC(2024, 0, 15, 10, 30) * 1000],
    ['date only', '2024-01-15', DAY0 * 86_400_000_000],
    ['before 1970', '1969-12-31T23:59:59.999999Z', -1],
  ])('%s', (_name, input, micros) => {
    expect(toInternal(input, 'timestamp', 'ts')).toBe(micros);
  });

  test.each([
    ['2024-13-01T00:00:00Z', 'string "2024-13-01T00:00:00Z"'],
    ['2024-02-30', 'string "2024-02-30"'],
    ['2024-01-15T24:00:00', 'string "2024-01-15T24:00:00"'],
    ['yesterday', 'string "yesterday"'],
    [new Date(Number.NaN), 'Date Invalid Date'],
    [Number.POSITIVE_INFINITY, 'number Infinity'],
    [true, 'boolean true'],
  ])('rejects %j', (input, got) => {
    const e = errorOf(() => toInternal(input, 'timestamp', 'ts'));
    expect(e.errorClass).toBe('FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME');
    expect(e.message).toBe(`[FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME] column 'ts': expected TIMESTAMP, got ${got}.`);
  });
});

describe('toInternal: dates', () => {
  test.each([
    ['YYYY-MM-DD', '2024-01-15', DAY0],
    ['epoch', '1970-01-01', 0],
    ['before epoch', '1969-12-31', -1],
    ['Date is its UTC day', new Date(T0), DAY0],
    ['numbers are epoch ms', T0, DAY0],
    ['negative epoch ms floor to the day', -1, -1],
    ['ISO timestamp truncates', '2024-01-15T23:59:59Z', DAY0],
    ['year below 100', '0050-03-01', -701_206],
  ])('%s', (_name, input, days) => {
    expect(toInternal(input, 'date', 'd')).toBe(days);
  });

  test('rejects', () => {
    expect(errorOf(() => toInternal('2023-02-29', 'date', 'd')).message).toBe(`[FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME] column 'd': expected DATE, got string "2023-02-29".`);
  });
});

describe('toInternal: numbers, strings, booleans, binary', () => {
  test('accepted values', () => {
    expect(toInternal(5, 'long', 'x')).toBe(5);
    expect(toInternal(5n, 'long', 'x')).toBe(5);
    expect(toInternal(-(2n ** 40n), 'long', 'x')).toBe(-(2 ** 40));
    expect(toInternal(2147483647, 'integer', 'x')).toBe(2147483647);
    expect(toInternal(-2147483648, 'integer', 'x')).toBe(-2147483648);
    expect(toInternal(1.5, 'double', 'x')).toBe(1.5);
    expect(toInternal(Number.NaN, 'double', 'x')).toBeNaN();
    expect(toInternal(3, 'float', 'x')).toBe(3);
    expect(toInternal('', 'string', 'x')).toBe('');
    expect(toInternal(false, 'boolean', 'x')).toBe(false);
    const bytes = new Uint8Array([1, 2]);
    expect(toInternal(bytes, 'binary', 'x')).toBe(bytes);
    expect(toInternal(new Uint8Array([3]).buffer, 'binary', 'x')).toEqual(new Uint8Array([3]));
  });

  test('null and undefined are null', () => {
    expect(toInternal(null, 'long', 'x')).toBe(null);
    expect(toInternal(undefined, T.struct([T.field('a', 'int', false)]), 'x')).toBe(null);
  });

  test.each([
    [1.5, 'integer', 'INT', 'number 1.5'],
    [2147483648, 'integer', 'INT', 'number 2147483648'],
    [1.5, 'long', 'BIGINT', 'number 1.5'],
    [2n ** 63n, 'long', 'BIGINT', 'bigint 9223372036854775808n'],
    ['1', 'long', 'BIGINT', 'string "1"'],
    ['x', 'double', 'DOUBLE', 'string "x"'],
    [1n, 'double', 'DOUBLE', 'bigint 1n'],
    [1, 'string', 'STRING', 'number 1'],
    ['true', 'boolean', 'BOOLEAN', 'string "true"'],
    [[1], 'binary', 'BINARY', 'array [1]'],
  ] as const)('rejects %s as %s', (input, type, expected, got) => {
    const e = errorOf(() => toInternal(input, type, 'col'));
    expect(e.message).toBe(`[FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME] column 'col': expected ${expected}, got ${got}.`);
    expect(e.messageParameters).toEqual({ column: 'col', expected, actual: got });
  });

  test('long values are shortened in messages', () => {
    const e = errorOf(() => toInternal('a'.repeat(60), 'long', 'col'));
    expect(e.message).toBe(`[FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME] column 'col': expected BIGINT, got string "${'a'.repeat(36)}....`);
  });
});

describe('toInternal: complex types', () => {
  const schema = T.struct([T.field('a', 'int'), T.field('b', T.array('string', false)), T.field('c', T.timestamp())]);

  test('struct from object (by name, extra keys ignored) or positional array', () => {
    expect(toInternal({ c: 1, a: 2, b: ['x'], extra: true }, schema, 's')).toEqual([2, ['x'], 1000]);
    expect(toInternal([2, ['x'], null], schema, 's')).toEqual([2, ['x'], null]);
    expect(toInternal({}, schema, 's')).toEqual([null, null, null]);
  });

  test('nested errors name the path', () => {
    expect(errorOf(() => toInternal({ a: 'x' }, schema, 's')).message).toBe(`[FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME] column 's.a': expected INT, got string "x".`);
    expect(errorOf(() => toInternal({ b: ['x', 3] }, schema, 's')).message).toBe(`[FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME] column 's.b[1]': expected STRING, got number 3.`);
    const e = errorOf(() => toInternal({ b: ['x', null] }, schema, 's'));
    expect(e.errorClass).toBe('FIELD_NOT_NULLABLE_WITH_NAME');
    expect(e.message).toBe(`[FIELD_NOT_NULLABLE_WITH_NAME] column 's.b[1]': the field is not nullable, but got null.`);
    expect(errorOf(() => toInternal([1, []], schema, 's')).message).toBe(
      `[FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME] column 's': expected STRUCT<a: INT, b: ARRAY<STRING>, c: TIMESTAMP>, got array [1,[]].`,
    );
    expect(errorOf(() => toInternal(new Date(0), schema, 's')).errorClass).toBe('FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME');
  });

  test('not-null struct fields', () => {
    const st = T.struct([T.field('a', 'int', false)]);
    expect(errorOf(() => toInternal({ b: 1 }, st, 's')).message).toBe(`[FIELD_NOT_NULLABLE_WITH_NAME] column 's.a': the field is not nullable, but got null.`);
  });

  test('map from Map or plain object', () => {
    const mt = T.map('string', 'long');
    expect(toInternal(new Map([['a', 1]]), mt, 'm')).toEqual(new Map([['a', 1]]));
    expect(toInternal({ a: 1, b: null }, mt, 'm')).toEqual(
      new Map<string, unknown>([
        ['a', 1],
        ['b', null],
      ]),
    );
    expect(toInternal({ '1': 'x', '2': 'y' }, T.map('int', 'string'), 'm')).toEqual(
      new Map([
        [1, 'x'],
        [2, 'y'],
      ]),
    );
    expect(toInternal(new Map([['d', '2024-01-15']]), T.map('string', 'date'), 'm')).toEqual(new Map([['d', DAY0]]));
  });

  test('map errors', () => {
    expect(errorOf(() => toInternal({ a: 'x' }, T.map('string', 'long'), 'm')).message).toBe(
      `[FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME] column 'm["a"]': expected BIGINT, got string "x".`,
    );
    expect(errorOf(() => toInternal({ a: null }, T.map('string', 'long', false), 'm')).errorClass).toBe('FIELD_NOT_NULLABLE_WITH_NAME');
    expect(errorOf(() => toInternal(new Map([[null, 1]]), T.map('string', 'long'), 'm')).errorClass).toBe('NULL_MAP_KEY');
    expect(errorOf(() => toInternal({ x: 1 }, T.map('int', 'long'), 'm')).message).toBe(`[FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME] column 'm.key': expected INT, got number NaN.`);
    expect(errorOf(() => toInternal([1], T.map('int', 'long'), 'm')).errorClass).toBe('FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME');
  });

  test('intervals', () => {
    expect(toInternal('1 day 2 seconds', 'interval', 'i')).toEqual({ months: 0, days: 1, micros: 2_000_000 });
    expect(toInternal({ months: 1, days: 2, micros: 3 }, 'interval', 'i')).toEqual({ months: 1, days: 2, micros: 3 });
    expect(errorOf(() => toInternal('soon', 'interval', 'i')).message).toBe(`[FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME] column 'i': expected INTERVAL, got string "soon".`);
  });

  test('null type accepts only null', () => {
    expect(toInternal(null, 'null', 'n')).toBe(null);
    expect(errorOf(() => toInternal(1, 'null', 'n')).message).toBe(`[FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME] column 'n': expected VOID, got number 1.`);
  });
});

describe('validateRows', () => {
  const schema = T.fromDDL('event_id STRING NOT NULL, amount DOUBLE, event_time TIMESTAMP NOT NULL');

  test('objects and positional arrays become positional rows', () => {
    expect(
      validateRows(
        [
          { event_id: 'a', amount: 1.5, event_time: '2024-01-15T10:30:00.123Z' },
          { event_id: 'b', event_time: new Date(0) },
          ['c', null, 1000],
        ],
        schema,
      ),
    ).toEqual([
      ['a', 1.5, T0 * 1000],
      ['b', null, 0],
      ['c', null, 1_000_000],
    ]);
    expect(validateRows([], schema)).toEqual([]);
  });

  test('type errors name row and column', () => {
    const rows = [
      { event_id: 'a', amount: 1, event_time: 0 },
      { event_id: 'b', amount: 2, event_time: 0 },
      { event_id: 'c', amount: 3, event_time: 0 },
      { event_id: 'd', amount: 'x', event_time: 0 },
    ];
    const e = errorOf(() => validateRows(rows, schema));
    expect(e.errorClass).toBe('FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME');
    expect(e.message).toBe(`[FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME] row 3, column 'amount': expected DOUBLE, got string "x".`);
  });

  test('null in a NOT NULL column', () => {
    const e = errorOf(() => validateRows([{ event_id: 'a', event_time: 0 }, { event_time: 0 }], schema));
    expect(e.errorClass).toBe('FIELD_NOT_NULLABLE_WITH_NAME');
    expect(e.message).toBe(`[FIELD_NOT_NULLABLE_WITH_NAME] row 1, column 'event_id': the field is not nullable, but got null.`);
    expect(e.messageParameters).toEqual({ column: 'event_id' });
  });

  test('nested errors carry the row too', () => {
    const s = T.fromDDL('s STRUCT<a: INT>');
    expect(errorOf(() => validateRows([{ s: { a: 1 } }, { s: { a: 1.5 } }], s)).message).toBe(
      `[FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME] row 1, column 's.a': expected INT, got number 1.5.`,
    );
  });

  test('bad row shapes', () => {
    expect(errorOf(() => validateRows([['a', 1]], schema)).message).toBe(
      '[INVALID_ROW_VALUE] row 0, expected 3 values (event_id, amount, event_time), got 2.',
    );
    expect(errorOf(() => validateRows([42], schema)).message).toBe('[INVALID_ROW_VALUE] row 0, expected an object or an array, got number 42.');
    expect(errorOf(() => validateRows([null], schema)).message).toBe('[INVALID_ROW_VALUE] row 0, expected an object or an array, got null.');
  });
});

describe('validateRows agrees with toInternal value by value', () => {
  // validateRows compiles per-column converters with fast paths; toInternal is the general path.
  // For every value, both must give the same result or the same error (plus the row prefix).
  const schema = T.fromDDL('x STRUCT<s: STRING, d: DOUBLE, l: BIGINT, i: INT, b: BOOLEAN, t: TIMESTAMP, n: STRUCT<a: INT NOT NULL, m: MAP<STRING, INT>>>');
  const struct = schema.fields[0]!.type;
  const values: unknown[] = [
    null,
    undefined,
    { s: 'a', d: 1.5, l: 7, i: -3, b: true, t: 1.001, n: { a: 1, m: { k: 2 } } },
    { s: null, d: Number.NaN, l: 2n ** 40n, i: 2147483647, b: false, t: '2026-01-01T00:00:00.000001Z', n: [5, new Map([['k', null]])] },
    ['a', 1, 2, 3, true, new Date(5), { a: 0 }],
    { t: Number.POSITIVE_INFINITY },
    { i: 2147483648 },
    { l: 1.5 },
    { s: 5 },
    { d: '1' },
    { b: 'true' },
    { n: { m: { k: 2 } } },
    { n: { a: 1, m: { k: 'x' } } },
    ['too', 'short'],
    'not a struct',
  ];
  test.each(values.map((v, i) => [i, v]))('value %i', (_i, v) => {
    let expected: unknown;
    try {
      expected = { value: toInternal(v, struct, 'x') };
    } catch (e) {
      expected = { error: (e as RivuletError).message.replace("] column '", "] row 0, column '") };
    }
    let actual: unknown;
    try {
      actual = { value: validateRows([{ x: v }], schema)[0]![0] };
    } catch (e) {
      actual = { error: (e as RivuletError).message };
    }
    expect(actual).toEqual(expected);
  });
});

describe('toExternal and rowToObject', () => {
  test('primitives', () => {
    expect(toExternal(T0 * 1000 + 999, 'timestamp')).toEqual(new Date(T0));
    expect(toExternal(-1, 'timestamp')).toEqual(new Date(-1));
    expect(toExternal(DAY0, 'date')).toEqual(new Date(Date.UTC(2024, 0, 15)));
    expect(toExternal(5, 'long')).toBe(5);
    expect(toExternal('s', 'string')).toBe('s');
    expect(toExternal(null, 'timestamp')).toBe(null);
    expect(toExternal(undefined, 'long')).toBe(null);
    expect(toExternal({ months: 1, days: 2, micros: 3 }, 'interval')).toEqual({ months: 1, days: 2, micros: 3 });
  });

  test('complex values are converted recursively', () => {
    const schema = T.fromDDL('s STRUCT<t: TIMESTAMP, tags: ARRAY<DATE>>, m MAP<STRING, TIMESTAMP>, n STRING');
    const row = [[0, [0, null]], new Map([['k', 2000]]), null];
    expect(rowToObject(row, schema)).toEqual({
      s: { t: new Date(0), tags: [new Date(0), null] },
      m: new Map([['k', new Date(2)]]),
      n: null,
    });
  });

  test('round trip through validateRows', () => {
    const schema = T.fromDDL('id BIGINT, at TIMESTAMP, d DATE, s STRUCT<a: INT>, m MAP<STRING, INT>');
    const input = { id: 7, at: new Date(T0), d: new Date(Date.UTC(2024, 0, 15)), s: { a: 1 }, m: new Map([['x', 1]]) };
    const [row] = validateRows([input], schema);
    expect(rowToObject(row!, schema)).toEqual(input);
  });
});
