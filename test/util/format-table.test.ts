import { describe, expect, test } from 'vitest';
import {
  escapeMetaCharacters,
  formatDate,
  formatTable,
  formatTimestamp,
  javaDoubleString,
  javaFloatString,
  showValue,
  stringHalfWidth,
} from '../../src/util/format-table.js';
import type { DataType } from '../../src/types/data-types.js';

const opts = { truncate: 20, hasMoreRows: false, numRows: 20 };

describe('formatTable', () => {
  test('truncating: right-aligned, long cells cut to 17 characters + ...', () => {
    const s = formatTable(['a', 'b'], [['1', 'x'], ['NULL', 'longer string value here!']], opts);
    expect(s).toBe(
      [
        '+----+--------------------+',
        '|   a|                   b|',
        '+----+--------------------+',
        '|   1|                   x|',
        '|NULL|longer string val...|',
        '+----+--------------------+',
        '',
      ].join('\n'),
    );
  });

  test('truncate = 0: left-aligned, nothing cut', () => {
    const s = formatTable(['a', 'b'], [['1', 'x'], ['NULL', 'longer string value here!']], { ...opts, truncate: 0 });
    expect(s).toBe(
      [
        '+----+-------------------------+',
        '|a   |b                        |',
        '+----+-------------------------+',
        '|1   |x                        |',
        '|NULL|longer string value here!|',
        '+----+-------------------------+',
        '',
      ].join('\n'),
    );
  });

  test('minimum width 3, header never truncated, empty result', () => {
    expect(formatTable(['x', 'a_very_long_column_name_indeed'], [], { ...opts, truncate: 5 })).toBe(
      [
        '+---+------------------------------+',
        '|  x|a_very_long_column_name_indeed|',
        '+---+------------------------------+',
        '+---+------------------------------+',
        '',
      ].join('\n'),
    );
  });

  test('truncate below 4 cuts without an ellipsis; exactly truncate characters stay', () => {
    expect(formatTable(['c'], [['abcdef']], { ...opts, truncate: 3 })).toBe('+---+\n|  c|\n+---+\n|abc|\n+---+\n');
    expect(formatTable(['c'], [['abcdef']], { ...opts, truncate: 5 })).toBe('+-----+\n|    c|\n+-----+\n|ab...|\n+-----+\n');
    expect(formatTable(['c'], [['abcde']], { ...opts, truncate: 5 })).toBe('+-----+\n|    c|\n+-----+\n|abcde|\n+-----+\n');
  });

  test('footer: only showing top N rows, singular for 1, no trailing newline', () => {
    expect(formatTable(['id'], [['0'], ['1']], { truncate: 20, hasMoreRows: true, numRows: 2 })).toBe(
      '+---+\n| id|\n+---+\n|  0|\n|  1|\n+---+\nonly showing top 2 rows',
    );
    expect(formatTable(['id'], [['0']], { truncate: 20, hasMoreRows: true, numRows: 1 })).toBe(
      '+---+\n| id|\n+---+\n|  0|\n+---+\nonly showing top 1 row',
    );
  });

  test('control characters are escaped before measuring', () => {
    expect(escapeMetaCharacters('a\nb\tc\rd\fe\bf\vg\x07h')).toBe('a\\nb\\tc\\rd\\fe\\bf\\vg\\ah');
    expect(formatTable(['a\nb'], [['x\ty']], opts)).toBe('+----+\n|a\\nb|\n+----+\n|x\\ty|\n+----+\n');
  });

  test('full-width characters take two columns', () => {
    expect(stringHalfWidth('日本語')).toBe(6);
    expect(stringHalfWidth('abc')).toBe(3);
    expect(formatTable(['name'], [['日本'], ['abc']], opts)).toBe(
      '+----+\n|name|\n+----+\n|日本|\n| abc|\n+----+\n',
    );
  });

  test('vertical', () => {
    const s = formatTable(['a', 'bcd'], [['1', 'xyz'], ['22', 'w']], { ...opts, vertical: true });
    expect(s).toBe(
      ['-RECORD 0--', ' a   | 1   ', ' bcd | xyz ', '-RECORD 1--', ' a   | 22  ', ' bcd | w   ', ''].join('\n'),
    );
    expect(formatTable(['a'], [], { ...opts, vertical: true })).toBe('(0 rows)');
    expect(formatTable(['a'], [['1']], { truncate: 20, numRows: 1, hasMoreRows: true, vertical: true })).toBe(
      '-RECORD 0--\n a   | 1   \nonly showing top 1 row',
    );
  });
});

describe('showValue', () => {
  const arr = (elementType: DataType): DataType => ({ type: 'array', elementType, containsNull: true });

  test('nulls are NULL (Spark 3.5+/4), also nested', () => {
    expect(showValue(null, 'integer')).toBe('NULL');
    expect(showValue(undefined, 'string')).toBe('NULL');
    expect(showValue(null, 'null')).toBe('NULL');
    expect(showValue([1, null, 3], arr('integer'))).toBe('[1, NULL, 3]');
    expect(showValue([null, 2], arr('integer'))).toBe('[NULL, 2]');
  });

  test('primitives', () => {
    expect(showValue(42, 'integer')).toBe('42');
    expect(showValue(-9007199254740991, 'long')).toBe('-9007199254740991');
    expect(showValue(true, 'boolean')).toBe('true');
    expect(showValue('a b', 'string')).toBe('a b');
    expect(showValue(1, 'double')).toBe('1.0');
    expect(showValue(Math.fround(0.1), 'float')).toBe('0.1');
    expect(showValue(new Uint8Array([1, 255, 16]), 'binary')).toBe('[01 FF 10]');
    expect(showValue(new Uint8Array([]), 'binary')).toBe('[]');
    expect(showValue({ months: 14, days: 3, micros: 3_600_500_000 }, 'interval')).toBe('1 years 2 months 3 days 1 hours 0.5 seconds');
  });

  test('complex values', () => {
    const st: DataType = {
      type: 'struct',
      fields: [
        { name: 'a', type: 'integer', nullable: true, metadata: {} },
        { name: 'b', type: arr('string'), nullable: true, metadata: {} },
        { name: 'c', type: 'double', nullable: true, metadata: {} },
      ],
    };
    expect(showValue([1, ['x', 'y'], null], st)).toBe('{1, [x, y], NULL}');
    expect(showValue([[1, [], 2.5]], arr(st))).toBe('[{1, [], 2.5}]');
    const mt: DataType = { type: 'map', keyType: 'string', valueType: 'double', valueContainsNull: true };
    expect(showValue(new Map<string, number | null>([['a', 1], ['b', null]]), mt)).toBe('{a -> 1.0, b -> NULL}');
    expect(showValue(new Map(), mt)).toBe('{}');
    expect(showValue([], arr('integer'))).toBe('[]');
    expect(showValue([0], arr('timestamp'))).toBe('[1970-01-01 00:00:00]');
  });
});

describe("Java's Double.toString / Float.toString", () => {
  test.each([
    [1, '1.0'],
    [-1, '-1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1234567, '1234567.0'],
    [9999999.5, '9999999.5'],
    [1e7, '1.0E7'],
    [1e10, '1.0E10'],
    [123456789.123, '1.23456789123E8'],
    [0.001, '0.001'],
    [0.00123, '0.00123'],
    [0.0001, '1.0E-4'],
    [-1.5e-7, '-1.5E-7'],
    [100.25, '100.25'],
    [1.7976931348623157e308, '1.7976931348623157E308'],
    [5e-324, '4.9E-324'],
    [1e-323, '9.9E-324'],
    [1e23, '1.0E23'],
    [2e-3, '0.002'],
    [3e100, '3.0E100'],
  ])('double %d → %s', (d, s) => {
    expect(javaDoubleString(d)).toBe(s);
  });

  test.each([
    [0.1, '0.1'],
    [3.14159, '3.14159'],
    [1 / 3, '0.33333334'],
    [1e10, '1.0E10'],
    [16777217, '1.6777216E7'],
    [2.5, '2.5'],
    [-0, '-0.0'],
    [NaN, 'NaN'],
    [1e-5, '1.0E-5'],
    [1.4e-45, '1.4E-45'],
    [3.4028235e38, '3.4028235E38'],
  ])('float %d → %s', (f, s) => {
    expect(javaFloatString(Math.fround(f))).toBe(s);
  });
});

describe('dates and timestamps', () => {
  const S = 1_000_000;
  const y2020 = 1_577_836_800 * S;

  test.each([
    [0, '1970-01-01'],
    [18262, '2020-01-01'],
    [-1, '1969-12-31'],
    [11016, '2000-02-29'],
    [-719528, '0000-01-01'],
    [-719893, '-0001-01-01'],
    [2932897, '+10000-01-01'],
  ])('date %i → %s', (d, s) => {
    expect(formatDate(d)).toBe(s);
    expect(showValue(d, 'date')).toBe(s);
  });

  test.each([
    [0, '1970-01-01 00:00:00'],
    [y2020, '2020-01-01 00:00:00'],
    [y2020 + 500_000, '2020-01-01 00:00:00.5'],
    [y2020 + 123_456, '2020-01-01 00:00:00.123456'],
    [y2020 + 10, '2020-01-01 00:00:00.00001'],
    [y2020 + (13 * 3600 + 5 * 60 + 9) * S, '2020-01-01 13:05:09'],
    [-1, '1969-12-31 23:59:59.999999'],
  ])('timestamp %i → %s (UTC)', (us, s) => {
    expect(formatTimestamp(us)).toBe(s);
    expect(showValue(us, 'timestamp')).toBe(s);
  });

  test('session time zones', () => {
    expect(formatTimestamp(y2020, 'America/Los_Angeles')).toBe('2019-12-31 16:00:00');
    expect(formatTimestamp(y2020 + 250_000, 'Asia/Kolkata')).toBe('2020-01-01 05:30:00.25');
    // Summer time: UTC-7.
    expect(formatTimestamp(1_593_561_600 * S, 'America/Los_Angeles')).toBe('2020-06-30 17:00:00');
    expect(formatTimestamp(y2020, '+02:00')).toBe('2020-01-01 02:00:00');
    expect(showValue(y2020, 'timestamp', 'Europe/Paris')).toBe('2020-01-01 01:00:00');
  });
});
