import { describe, expect, test } from 'vitest';
import {
  canCast,
  compileCast,
  constantValue,
  daysFromCivil,
  civilFromDays,
  expectInputs,
  formatDate,
  formatTimestamp,
  fromLocalMicros,
  getTimeZone,
  implicitCast,
  javaDoubleToString,
  javaFloatToString,
  parseDate,
  parseTimestamp,
  widerCommonType,
} from '../../src/expr/cast.js';
import type { DataType } from '../../src/types/data-types.js';
import { T } from '../../src/types/t.js';
import { day, errorOf, utc } from './functions-harness.js';

const legacy = { ansi: false, timeZone: 'UTC' };
const ansi = { ansi: true, timeZone: 'UTC' };
const cast = (from: DataType, to: DataType, v: unknown, opts = legacy): unknown => compileCast(from, to, opts)(v);

describe('calendar helpers', () => {
  test.each([
    [1970, 1, 1, 0],
    [2000, 2, 29, 11016],
    [1969, 12, 31, -1],
    [1, 1, 1, -719162],
    [0, 1, 1, -719528],
    [2024, 1, 15, 19737],
  ])('%i-%i-%i is day %i and back', (y, m, d, days) => {
    expect(daysFromCivil(y, m, d)).toBe(days);
    expect(civilFromDays(days)).toEqual([y, m, d]);
  });
});

describe('parseTimestamp (Spark stringToTimestamp)', () => {
  test.each([
    ['2020-01-01 10:30:00', utc(2020, 1, 1, 10, 30)],
    ['2020-01-01T10:30:00', utc(2020, 1, 1, 10, 30)],
    ['  2020-01-01 10:30:00  ', utc(2020, 1, 1, 10, 30)],
    ['2020-01-01', utc(2020, 1, 1)],
    ['2020-01', utc(2020, 1, 1)],
    ['2020', utc(2020, 1, 1)],
    ['2020-1-5', utc(2020, 1, 5)],
    ['2020-01-01 ', utc(2020, 1, 1)],
    ['2020-01-01 10', utc(2020, 1, 1, 10)],
    ['2020-01-01 10:30', utc(2020, 1, 1, 10, 30)],
    ['2020-01-01 10:30:00.1', utc(2020, 1, 1, 10, 30, 0, 100000)],
    ['2020-01-01 10:30:00.123456', utc(2020, 1, 1, 10, 30, 0, 123456)],
    ['2020-01-01 10:30:00.123456789', utc(2020, 1, 1, 10, 30, 0, 123456)],
    ['2020-01-01T10:30:00Z', utc(2020, 1, 1, 10, 30)],
    ['2020-01-01T12:30:00+02:00', utc(2020, 1, 1, 10, 30)],
    ['2020-01-01T12:30:00.5+02:00', utc(2020, 1, 1, 10, 30, 0, 500000)],
    ['2020-01-01 05:30:00 -05:00', utc(2020, 1, 1, 10, 30)],
    ['2020-01-01 10:30:00 UTC', utc(2020, 1, 1, 10, 30)],
    ['2020-01-01 18:30:00 UTC+8', utc(2020, 1, 1, 10, 30)],
    ['2020-01-01 11:30:00+1:00', utc(2020, 1, 1, 10, 30)],
    ['2020-01-01 02:30:00 PST', utc(2020, 1, 1, 10, 30)],
    ['2020-07-01 03:30:00 America/Los_Angeles', utc(2020, 7, 1, 10, 30)],
    ['+2020-01-01', utc(2020, 1, 1)],
  ])('%s', (s, expected) => {
    expect(parseTimestamp(s, 'UTC')).toBe(expected);
  });

  test.each([
    '',
    '   ',
    'abc',
    '2020-13-01',
    '2020-02-30',
    '2020-01-01 24:00:00',
    '2020-01-01 10:60:00',
    '20-01-01',
    '2020-01-01X10:00',
    '2020-01-01 10:30:00 Not/AZone',
    '2020-01-01 10:30:00 +19:00',
    '2020-01-01T10:30Z',
  ])('%j is null', (s) => {
    expect(parseTimestamp(s, 'UTC')).toBeNull();
  });

  test('no zone in the string means the session time zone', () => {
    expect(parseTimestamp('2020-01-01 12:30:00', '+02:00')).toBe(utc(2020, 1, 1, 10, 30));
    expect(parseTimestamp('2020-01-01 12:30:00', 'GMT+2')).toBe(utc(2020, 1, 1, 10, 30));
    expect(parseTimestamp('2020-07-01 12:30:00', 'Europe/Paris')).toBe(utc(2020, 7, 1, 10, 30));
    expect(parseTimestamp('2020-01-01 11:30:00', 'Europe/Paris')).toBe(utc(2020, 1, 1, 10, 30));
  });

  test('a time alone is today in the zone', () => {
    const v = parseTimestamp('10:30:00', 'UTC')!;
    const today = Math.floor(Date.now() / 86_400_000);
    // Runs at most a moment apart; the date is today's or (at midnight) yesterday's.
    expect([today, today - 1]).toContain(Math.floor(v / 86_400_000_000));
    expect(v % 86_400_000_000).toBe((10 * 3600 + 30 * 60) * 1_000_000);
  });

  test('DST gap moves forward, overlap takes the earlier offset (java.time)', () => {
    const paris = getTimeZone('Europe/Paris');
    const local = (h: number, mi: number, d: number, mo: number): number => utc(2021, mo, d, h, mi);
    // 2021-03-28 02:30 does not exist in Paris: it becomes 03:30 (+02:00) = 01:30Z.
    expect(fromLocalMicros(local(2, 30, 28, 3), paris)).toBe(utc(2021, 3, 28, 1, 30));
    // 2021-10-31 02:30 happens twice: the first (+02:00) = 00:30Z.
    expect(fromLocalMicros(local(2, 30, 31, 10), paris)).toBe(utc(2021, 10, 31, 0, 30));
  });
});

describe('parseDate (Spark stringToDate)', () => {
  test.each([
    ['2020-01-15', day(2020, 1, 15)],
    ['2020-1-5', day(2020, 1, 5)],
    ['2020-01', day(2020, 1, 1)],
    ['2020', day(2020, 1, 1)],
    [' 2020-01-15 ', day(2020, 1, 15)],
    ['2020-01-15 10:30:00', day(2020, 1, 15)],
    ['2020-01-15T10:30:00Z', day(2020, 1, 15)],
    ['2020-01-15 anything', day(2020, 1, 15)],
  ])('%s', (s, expected) => {
    expect(parseDate(s)).toBe(expected);
  });

  test.each(['', 'x', '2020-02-30', '2020-01-15x', '2020-001-01', '202-01-01', '2020-01 x'])('%j is null', (s) => {
    expect(parseDate(s)).toBeNull();
  });
});

describe('formatting', () => {
  test('timestamps trim trailing zeros of the fraction', () => {
    expect(formatTimestamp(utc(2020, 1, 1, 10, 30), 'UTC')).toBe('2020-01-01 10:30:00');
    expect(formatTimestamp(utc(2020, 1, 1, 10, 30, 0, 100000), 'UTC')).toBe('2020-01-01 10:30:00.1');
    expect(formatTimestamp(utc(2020, 1, 1, 10, 30, 0, 123456), 'UTC')).toBe('2020-01-01 10:30:00.123456');
    expect(formatTimestamp(utc(2020, 1, 1, 10, 30, 0, 1), 'UTC')).toBe('2020-01-01 10:30:00.000001');
  });

  test('timestamps in a time zone', () => {
    expect(formatTimestamp(utc(2020, 1, 1, 10, 30), '+02:00')).toBe('2020-01-01 12:30:00');
    expect(formatTimestamp(utc(2020, 1, 1, 10, 30), '-05:30')).toBe('2020-01-01 05:00:00');
    expect(formatTimestamp(utc(2020, 7, 1, 10, 30), 'America/Los_Angeles')).toBe('2020-07-01 03:30:00');
    expect(formatTimestamp(utc(2020, 1, 1, 10, 30), 'America/Los_Angeles')).toBe('2020-01-01 02:30:00');
  });

  test('before the epoch', () => {
    expect(formatTimestamp(-1, 'UTC')).toBe('1969-12-31 23:59:59.999999');
    expect(formatTimestamp(utc(1900, 3, 4, 5, 6, 7), 'UTC')).toBe('1900-03-04 05:06:07');
  });

  test('dates', () => {
    expect(formatDate(0)).toBe('1970-01-01');
    expect(formatDate(-1)).toBe('1969-12-31');
    expect(formatDate(daysFromCivil(12345, 6, 7))).toBe('+12345-06-07');
  });

  test('an invalid session time zone', () => {
    const e = errorOf(() => formatTimestamp(0, 'Mars/Olympus'));
    expect(e.errorClass).toBe('INVALID_TIMEZONE');
    expect(e.message).toContain('Mars/Olympus');
  });

  test.each([
    [1, '1.0'],
    [1.5, '1.5'],
    [-0, '-0.0'],
    [0, '0.0'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [1234567.5, '1234567.5'],
    [1e7, '1.0E7'],
    [12345678.9, '1.23456789E7'],
    [1e21, '1.0E21'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
    [0.1 + 0.2, '0.30000000000000004'],
  ])('Double.toString(%d) = %s', (v, s) => {
    expect(javaDoubleToString(v)).toBe(s);
  });

  test.each([
    [1.1, '1.1'],
    [Math.fround(1.1), '1.1'],
    [0.1 + 0.2, '0.3'],
    [1e10, '1.0E10'],
    [3.4028234663852886e38, '3.4028235E38'],
  ])('Float.toString(%d) = %s', (v, s) => {
    expect(javaFloatToString(v)).toBe(s);
  });
});

describe('canCast', () => {
  test.each([
    ['string', 'integer', true],
    ['integer', 'timestamp', true],
    ['timestamp', 'long', true],
    ['date', 'integer', true],
    ['integer', 'date', false],
    ['boolean', 'date', false],
    ['date', 'boolean', true],
    ['long', 'binary', true],
    ['double', 'binary', false],
    ['binary', 'integer', false],
    ['string', 'interval', true],
    ['interval', 'string', true],
    ['interval', 'long', false],
    ['null', 'date', true],
  ] as [DataType, DataType, boolean][])('%s → %s: %s', (from, to, ok) => {
    expect(canCast(from, to)).toBe(ok);
  });

  test('complex types element-wise', () => {
    expect(canCast(T.array(T.string()), T.array(T.int()))).toBe(true);
    expect(canCast(T.array(T.date()), T.array(T.int()))).toBe(true);
    expect(canCast(T.array(T.int()), T.array(T.date()))).toBe(false);
    expect(canCast(T.struct([T.field('a', T.int())]), T.struct([T.field('x', T.string())]))).toBe(true);
    expect(canCast(T.struct([T.field('a', T.int())]), T.struct([T.field('x', T.string()), T.field('y', T.int())]))).toBe(false);
    // A string map key could become null as an int: Spark refuses.
    expect(canCast(T.map(T.string(), T.int()), T.map(T.int(), T.int()))).toBe(false);
    expect(canCast(T.map(T.int(), T.string()), T.map(T.string(), T.int()))).toBe(true);
    expect(canCast(T.array(T.int()), 'string')).toBe(true);
    expect(canCast('string', T.array(T.int()))).toBe(false);
  });

  test('compileCast refuses what canCast refuses', () => {
    const e = errorOf(() => compileCast('integer', 'date', legacy));
    expect(e.errorClass).toBe('DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION');
    expect(e.message).toContain('cannot cast "INT" to "DATE"');
  });
});

describe('casts to numbers', () => {
  test.each([
    ['123', 123],
    [' 123 ', 123],
    ['\t-42\n', -42],
    ['+7', 7],
    ['1.5', 1],
    ['-1.9', -1],
    ['1.', 1],
    ['.', 0],
    ['007', 7],
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
    ['2147483648', null],
    ['1e3', null],
    ['1.5x', null],
    ['abc', null],
    ['', null],
    ['-', null],
    ['1 2', null],
  ])('string %j → int = %j', (s, v) => {
    expect(cast('string', 'integer', s)).toBe(v);
  });

  test.each([
    ['9223372036854775807', 2 ** 63 - 1],
    ['-9223372036854775808', -(2 ** 63)],
    ['9223372036854775808', null],
    ['12345678901234', 12345678901234],
    ['3.99', 3],
  ])('string %j → bigint = %j', (s, v) => {
    expect(cast('string', 'long', s)).toBe(v);
  });

  test.each([
    ['1.5', 1.5],
    [' -2.5e3 ', -2500],
    ['.5', 0.5],
    ['5.', 5],
    ['1.5d', 1.5],
    ['2f', 2],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['inf', Infinity],
    ['-INF', -Infinity],
    [' nan ', NaN],
    ['0x1p3', 8],
    ['1e400', Infinity],
    ['abc', null],
    ['1,5', null],
    ['', null],
  ])('string %j → double = %j', (s, v) => {
    expect(cast('string', 'double', s)).toBe(v);
  });

  test('double → int truncates toward zero and saturates (Java (int) d)', () => {
    expect(cast('double', 'integer', 1.9)).toBe(1);
    expect(cast('double', 'integer', -1.9)).toBe(-1);
    expect(cast('double', 'integer', -0.5)).toBe(0);
    expect(Object.is(cast('double', 'integer', -0.5), -0)).toBe(false);
    expect(cast('double', 'integer', 3e9)).toBe(2147483647);
    expect(cast('double', 'integer', -3e9)).toBe(-2147483648);
    expect(cast('double', 'integer', NaN)).toBe(0);
    expect(cast('double', 'integer', Infinity)).toBe(2147483647);
    expect(cast('double', 'long', 1e20)).toBe(2 ** 63);
    expect(cast('double', 'long', -1.5)).toBe(-1);
    expect(cast('float', 'integer', 2.5)).toBe(2);
  });

  test('long → int wraps (Java (int) l)', () => {
    expect(cast('long', 'integer', 2147483648)).toBe(-2147483648);
    expect(cast('long', 'integer', 4294967297)).toBe(1);
    expect(cast('long', 'integer', -2147483649)).toBe(2147483647);
  });

  test('int and long widen exactly; double → float overflows to infinity', () => {
    expect(cast('integer', 'long', 5)).toBe(5);
    expect(cast('integer', 'double', 5)).toBe(5);
    expect(cast('double', 'float', 1e39)).toBe(Infinity);
    expect(cast('double', 'float', -1e39)).toBe(-Infinity);
    expect(cast('double', 'float', 1.5)).toBe(1.5);
  });

  test('booleans, dates and timestamps', () => {
    expect(cast('boolean', 'integer', true)).toBe(1);
    expect(cast('boolean', 'double', false)).toBe(0);
    expect(cast('date', 'integer', 100)).toBeNull();
    expect(cast('date', 'double', 100)).toBeNull();
    expect(cast('timestamp', 'long', 1_500_000)).toBe(1);
    expect(cast('timestamp', 'long', -1)).toBe(-1);
    expect(cast('timestamp', 'long', -1_000_000)).toBe(-1);
    expect(cast('timestamp', 'long', -1_000_001)).toBe(-2);
    expect(cast('timestamp', 'integer', 1_500_000)).toBe(1);
    expect(cast('timestamp', 'double', 1_500_000)).toBe(1.5);
    expect(cast('timestamp', 'double', -1)).toBe(-0.000001);
  });
});

describe('casts to boolean', () => {
  test.each([
    ['true', true],
    ['TRUE', true],
    [' t ', true],
    ['yes', true],
    ['Y', true],
    ['1', true],
    ['false', false],
    ['F', false],
    ['no', false],
    ['n', false],
    ['0', false],
    ['2', null],
    ['maybe', null],
    ['', null],
  ])('string %j → %j', (s, v) => {
    expect(cast('string', 'boolean', s)).toBe(v);
  });

  test('numbers, timestamps and dates', () => {
    expect(cast('integer', 'boolean', 0)).toBe(false);
    expect(cast('integer', 'boolean', -3)).toBe(true);
    expect(cast('double', 'boolean', 0.1)).toBe(true);
    expect(cast('double', 'boolean', NaN)).toBe(true);
    expect(cast('timestamp', 'boolean', 0)).toBe(false);
    expect(cast('timestamp', 'boolean', 1)).toBe(true);
    expect(cast('date', 'boolean', 1)).toBeNull();
  });
});

describe('casts to timestamp and date', () => {
  test('integral values count seconds', () => {
    expect(cast('integer', 'timestamp', 1)).toBe(1_000_000);
    expect(cast('long', 'timestamp', -86400)).toBe(-86_400_000_000);
  });

  test('fractional values are seconds with fraction; NaN and infinities are null', () => {
    expect(cast('double', 'timestamp', 1.5)).toBe(1_500_000);
    expect(cast('double', 'timestamp', -1.5)).toBe(-1_500_000);
    expect(cast('double', 'timestamp', 1.1)).toBe(1_100_000);
    expect(cast('double', 'timestamp', NaN)).toBeNull();
    expect(cast('float', 'timestamp', Infinity)).toBeNull();
  });

  test('boolean true is one microsecond', () => {
    expect(cast('boolean', 'timestamp', true)).toBe(1);
  });

  test('strings use the session time zone', () => {
    expect(cast('string', 'timestamp', '2020-01-01 10:00:00')).toBe(utc(2020, 1, 1, 10));
    expect(cast('string', 'timestamp', '2020-01-01 10:00:00', { ansi: false, timeZone: '+01:00' })).toBe(utc(2020, 1, 1, 9));
    expect(cast('string', 'timestamp', 'not a time')).toBeNull();
    expect(cast('string', 'date', '2020-03-04')).toBe(day(2020, 3, 4));
    expect(cast('string', 'date', '2020-03-04 23:00:00')).toBe(day(2020, 3, 4));
    expect(cast('string', 'date', 'x')).toBeNull();
  });

  test('timestamp ↔ date in the session time zone', () => {
    expect(cast('timestamp', 'date', utc(2020, 1, 1, 23, 30))).toBe(day(2020, 1, 1));
    expect(cast('timestamp', 'date', utc(2020, 1, 1, 23, 30), { ansi: false, timeZone: '+01:00' })).toBe(day(2020, 1, 2));
    expect(cast('timestamp', 'date', -1)).toBe(-1);
    expect(cast('date', 'timestamp', day(2020, 1, 2))).toBe(utc(2020, 1, 2));
    expect(cast('date', 'timestamp', day(2020, 1, 2), { ansi: false, timeZone: '+01:00' })).toBe(utc(2020, 1, 1, 23));
  });
});

describe('casts to string', () => {
  test('atomic values', () => {
    expect(cast('integer', 'string', -5)).toBe('-5');
    expect(cast('long', 'string', 12345678901234)).toBe('12345678901234');
    expect(cast('double', 'string', 1)).toBe('1.0');
    expect(cast('double', 'string', 1e10)).toBe('1.0E10');
    expect(cast('float', 'string', 1.1)).toBe('1.1');
    expect(cast('boolean', 'string', true)).toBe('true');
    expect(cast('date', 'string', day(2020, 3, 4))).toBe('2020-03-04');
    expect(cast('timestamp', 'string', utc(2020, 3, 4, 5, 6, 7, 890000))).toBe('2020-03-04 05:06:07.89');
    expect(cast('timestamp', 'string', utc(2020, 3, 4, 5, 6, 7), { ansi: false, timeZone: 'Asia/Kolkata' })).toBe('2020-03-04 10:36:07');
    expect(cast('binary', 'string', new Uint8Array([104, 195, 169]))).toBe('hé');
    expect(cast('interval', 'string', { months: 14, days: 3, micros: 1_500_000 })).toBe('1 years 2 months 3 days 1.5 seconds');
  });

  test('arrays, structs and maps as Spark 3 prints them', () => {
    expect(cast(T.array(T.int()), 'string', [1, null, 3])).toBe('[1, null, 3]');
    expect(cast(T.array(T.int()), 'string', [])).toBe('[]');
    expect(cast(T.array(T.string()), 'string', [null, 'a'])).toBe('[null, a]');
    expect(cast(T.struct([T.field('a', T.int()), T.field('b', T.string())]), 'string', [1, 'a'])).toBe('{1, a}');
    expect(cast(T.struct([T.field('a', T.int()), T.field('b', T.string())]), 'string', [null, null])).toBe('{null, null}');
    expect(cast(T.map(T.string(), T.int()), 'string', new Map<unknown, unknown>([['a', 1], ['b', null]]))).toBe('{a -> 1, b -> null}');
    expect(cast(T.map(T.string(), T.int()), 'string', new Map())).toBe('{}');
    expect(cast(T.array(T.array(T.double())), 'string', [[1.5], []])).toBe('[[1.5], []]');
    expect(cast(T.array(T.timestamp()), 'string', [utc(2020, 1, 1)])).toBe('[2020-01-01 00:00:00]');
  });
});

describe('binary and interval casts', () => {
  test('string ↔ binary is UTF-8', () => {
    expect(cast('string', 'binary', 'hé')).toEqual(new Uint8Array([104, 195, 169]));
  });

  test('integral → binary is big-endian two\'s complement', () => {
    expect(cast('integer', 'binary', 1)).toEqual(new Uint8Array([0, 0, 0, 1]));
    expect(cast('integer', 'binary', -1)).toEqual(new Uint8Array([255, 255, 255, 255]));
    expect(cast('long', 'binary', 258)).toEqual(new Uint8Array([0, 0, 0, 0, 0, 0, 1, 2]));
  });

  test('string → interval', () => {
    expect(cast('string', 'interval', '1 day 2 hours')).toEqual({ months: 0, days: 1, micros: 7_200_000_000 });
    expect(cast('string', 'interval', 'nonsense')).toBeNull();
  });
});

describe('complex casts are element-wise', () => {
  test('arrays', () => {
    expect(cast(T.array(T.string()), T.array(T.int()), ['1', 'x', null])).toEqual([1, null, null]);
  });

  test('maps', () => {
    const m = cast(T.map(T.int(), T.string()), T.map(T.string(), T.int()), new Map<unknown, unknown>([[1, '10'], [2, 'x']]));
    expect(m).toEqual(new Map([['1', 10], ['2', null]]));
  });

  test('structs are positional', () => {
    const from = T.struct([T.field('a', T.string()), T.field('b', T.double())]);
    const to = T.struct([T.field('x', T.int()), T.field('y', T.string())]);
    expect(cast(from, to, ['7', 2.5])).toEqual([7, '2.5']);
    expect(cast(from, to, [null, null])).toEqual([null, null]);
  });
});

describe('ANSI mode', () => {
  test.each([
    ['string', 'integer', 'abc', `The value 'abc' of the type "STRING" cannot be cast to "INT" because it is malformed.`],
    ['string', 'integer', '1.5', `The value '1.5' of the type "STRING" cannot be cast to "INT" because it is malformed.`],
    ['string', 'long', "it's", `The value 'it\\'s' of the type "STRING" cannot be cast to "BIGINT" because it is malformed.`],
    ['string', 'double', 'x1', `The value 'x1' of the type "STRING" cannot be cast to "DOUBLE" because it is malformed.`],
    ['string', 'boolean', 'maybe', `The value 'maybe' of the type "STRING" cannot be cast to "BOOLEAN" because it is malformed.`],
    ['string', 'timestamp', '2020-13-01', `The value '2020-13-01' of the type "STRING" cannot be cast to "TIMESTAMP" because it is malformed.`],
    ['string', 'date', 'soon', `The value 'soon' of the type "STRING" cannot be cast to "DATE" because it is malformed.`],
  ] as [DataType, DataType, string, string][])('%s → %s of %j raises CAST_INVALID_INPUT', (from, to, v, msg) => {
    const e = errorOf(() => cast(from, to, v, ansi));
    expect(e.errorClass).toBe('CAST_INVALID_INPUT');
    expect(e.message).toContain(msg);
    expect(e.message).toContain('Use `try_cast` to tolerate malformed input and return NULL instead.');
  });

  test('valid input still casts', () => {
    expect(cast('string', 'integer', ' 42 ', ansi)).toBe(42);
    expect(cast('string', 'double', 'NaN', ansi)).toBe(NaN);
    expect(cast('string', 'timestamp', '2020-01-01', ansi)).toBe(utc(2020, 1, 1));
  });

  test('overflow raises CAST_OVERFLOW', () => {
    const e1 = errorOf(() => cast('long', 'integer', 2147483648, ansi));
    expect(e1.errorClass).toBe('CAST_OVERFLOW');
    expect(e1.message).toContain('The value 2147483648L of the type "BIGINT" cannot be cast to "INT" due to an overflow.');
    const e2 = errorOf(() => cast('double', 'integer', 3e9, ansi));
    expect(e2.message).toContain('The value 3.0E9D of the type "DOUBLE" cannot be cast to "INT"');
    expect(errorOf(() => cast('double', 'long', NaN, ansi)).errorClass).toBe('CAST_OVERFLOW');
    expect(errorOf(() => cast('double', 'long', 9.3e18, ansi)).errorClass).toBe('CAST_OVERFLOW');
    expect(cast('double', 'integer', 2147483647.5, ansi)).toBe(2147483647);
    expect(cast('double', 'integer', -2147483648.9, ansi)).toBe(-2147483648);
  });
});

describe('implicit casts and common types', () => {
  test('implicitCast', () => {
    expect(implicitCast('integer', 'double')).toBe('double');
    expect(implicitCast('string', 'long')).toBe('long');
    expect(implicitCast('string', 'timestamp')).toBe('timestamp');
    expect(implicitCast('date', 'timestamp')).toBe('timestamp');
    expect(implicitCast('integer', 'string')).toBe('string');
    expect(implicitCast('boolean', 'string')).toBe('string');
    expect(implicitCast('boolean', 'integer')).toBeUndefined();
    expect(implicitCast(T.array(T.int()), 'string')).toBeUndefined();
    expect(implicitCast(T.array(T.int()), T.array(T.long()))).toEqual(T.array(T.long()));
  });

  test('expectInputs reports the parameter and its type', () => {
    const args = [
      { dataType: 'string' as DataType, expr: { kind: 'attr', name: 's' } },
      { dataType: T.array(T.int()), expr: { kind: 'attr', name: 'xs' } },
    ];
    let detail = '';
    expect(() =>
      expectInputs(args, ['string'], (d) => {
        detail = d;
        throw new Error(d);
      }),
    ).toThrow();
    expect(detail).toBe('The second parameter requires the "STRING" type, however "xs" has the type "ARRAY<INT>"');
    expect(expectInputs([{ dataType: 'integer', expr: { kind: 'attr' } }], [['string', 'binary']], () => {
      throw new Error('unexpected');
    })).toEqual(['string']);
  });

  test('widerCommonType promotes to string', () => {
    expect(widerCommonType('integer', 'string')).toBe('string');
    expect(widerCommonType('date', 'string')).toBe('string');
    expect(widerCommonType('boolean', 'string')).toBeUndefined();
    expect(widerCommonType('integer', 'double')).toBe('double');
    expect(widerCommonType('null', 'date')).toBe('date');
  });

  test('constantValue sees through implicit casts', () => {
    const lit = { kind: 'literal' as const, value: 2, dataType: 'long' as const };
    expect(constantValue({ expr: { kind: 'cast', child: lit, to: 'integer' } })).toEqual({ value: 2 });
    expect(constantValue({ expr: { kind: 'cast', child: { kind: 'literal', value: '7', dataType: 'string' }, to: 'integer' } })).toEqual({ value: 7 });
    expect(constantValue({ expr: { kind: 'attr', id: 1, name: 'a', dataType: 'long', nullable: true } })).toBeUndefined();
  });
});
