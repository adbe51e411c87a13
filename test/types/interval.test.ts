import { describe, expect, test } from 'vitest';
import { durationToMicros, formatInterval, intervalToMicros, parseInterval } from '../../src/types/interval.js';
import { RivuletError } from '../../src/errors.js';

const S = 1_000_000;
const H = 3600 * S;
const D = 24 * H;

function errorOf(f: () => unknown): RivuletError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RivuletError);
    return e as RivuletError;
  }
  throw new Error('expected an error');
}

describe('parseInterval', () => {
  test.each([
    ['10 seconds', 0, 0, 10 * S],
    ['5 minutes', 0, 0, 300 * S],
    ['1 hour', 0, 0, H],
    ['2 years 5 months', 29, 0, 0],
    ['1 day 2 hours', 0, 1, 2 * H],
    ['100 milliseconds', 0, 0, 100_000],
    ['7 microseconds', 0, 0, 7],
    ['1 week', 0, 7, 0],
    ['interval 10 seconds', 0, 0, 10 * S],
    ['INTERVAL 30 minutes', 0, 0, 30 * 60 * S],
    ['  Interval  1  Second  ', 0, 0, S],
    ['-5 seconds', 0, 0, -5 * S],
    ['1 day -1 hour', 0, 1, -H],
    ['+2 days', 0, 2, 0],
    ['1.5 seconds', 0, 0, 1_500_000],
    ['-1.5 seconds', 0, 0, -1_500_000],
    ['.25 seconds', 0, 0, 250_000],
    ['0.000001999 seconds', 0, 0, 1],
    ['1 year 1 month 1 week 1 day 1 hour 1 minute 1 second 1 millisecond 1 microsecond', 13, 8, H + 61 * S + 1001],
    ["INTERVAL '10' SECOND", 0, 0, 10 * S],
    ["INTERVAL '1.5' SECOND", 0, 0, 1_500_000],
    ["INTERVAL '-3' DAY", 0, -3, 0],
    ["INTERVAL '2' YEAR", 24, 0, 0],
    ["INTERVAL '1 2:3:4' DAY TO SECOND", 0, 1, 2 * H + 184 * S],
    ["INTERVAL '1 2:3:4.5' DAY TO SECOND", 0, 1, 2 * H + 184 * S + 500_000],
    ["INTERVAL '-1 2:3:4' DAY TO SECOND", 0, -1, -(2 * H + 184 * S)],
    ["INTERVAL -'1 2' DAY TO HOUR", 0, -1, -2 * H],
    ["INTERVAL '1 2:30' DAY TO MINUTE", 0, 1, 2 * H + 1800 * S],
    ["INTERVAL '2-3' YEAR TO MONTH", 27, 0, 0],
    ["INTERVAL '-2-3' YEAR TO MONTH", -27, 0, 0],
    ["INTERVAL '1:30' HOUR TO MINUTE", 0, 0, H + 1800 * S],
    ["INTERVAL '25:30:15' HOUR TO SECOND", 0, 0, 25 * H + 1815 * S],
    ["interval '90:05' minute to second", 0, 0, 5405 * S],
    ["INTERVAL '1 day 2 hours'", 0, 1, 2 * H],
    ["INTERVAL '1' DAY '2' HOUR", 0, 1, 2 * H],
  ])('%s', (text, months, days, micros) => {
    expect(parseInterval(text)).toEqual({ months, days, micros });
  });

  test('no negative zero', () => {
    expect(Object.is(parseInterval('-0 seconds').micros, 0)).toBe(true);
  });

  test.each([
    ['', 'interval string cannot be empty'],
    ['interval', 'interval string cannot be empty'],
    ['foo', "unrecognized number 'foo'"],
    ['10 parsecs', "invalid unit 'parsecs'"],
    ['10', "expect a unit name after '10' but hit EOL"],
    ['1 hour 30', "expect a unit name after '30' but hit EOL"],
    ['1.5 hours', "'1.5 hours' cannot have fractional part"],
    ['10seconds', "invalid value '10seconds'"],
    ["INTERVAL '1 2:3' DAY TO SECOND", "interval string does not match day-time format of '[+|-]d h:m:s.n' for DAY TO SECOND"],
    ["INTERVAL '1 25' DAY TO HOUR", 'hour 25 outside range [0, 23]'],
    ["INTERVAL '1:60' HOUR TO MINUTE", 'minute 60 outside range [0, 59]'],
    ["INTERVAL '2-12' YEAR TO MONTH", 'month 12 outside range [0, 11]'],
    ["INTERVAL '2' SECOND TO MINUTE", 'unsupported interval range SECOND TO MINUTE'],
    ["INTERVAL '10 SECOND", 'unclosed quoted value'],
  ])('rejects %j', (text, detail) => {
    const e = errorOf(() => parseInterval(text));
    expect(e.errorClass).toBe('INVALID_INTERVAL_FORMAT');
    expect(e.message).toBe(`[INVALID_INTERVAL_FORMAT] Error parsing '${text}' to interval, ${detail}.`);
  });
});

describe('intervalToMicros', () => {
  test('a month counts as 31 days by default (Spark watermark delay rule)', () => {
    expect(intervalToMicros({ months: 1, days: 2, micros: 3 })).toBe(33 * D + 3);
    expect(intervalToMicros({ months: 1, days: 0, micros: 0 }, 30)).toBe(30 * D);
    expect(intervalToMicros(parseInterval('10 seconds'))).toBe(10 * S);
  });
});

describe('formatInterval', () => {
  test.each([
    [{ months: 29, days: 1, micros: 10 * S }, '2 years 5 months 1 days 10 seconds'],
    [{ months: 0, days: 0, micros: 0 }, '0 seconds'],
    [{ months: 12, days: 0, micros: 0 }, '1 years'],
    [{ months: 0, days: 0, micros: 1_500_000 }, '1.5 seconds'],
    [{ months: 0, days: 0, micros: 1 }, '0.000001 seconds'],
    [{ months: 0, days: 0, micros: -90 * S }, '-1 minutes -30 seconds'],
    [{ months: 0, days: 0, micros: -500_000 }, '-0.5 seconds'],
    [{ months: -13, days: -7, micros: 0 }, '-1 years -1 months -7 days'],
    [{ months: 0, days: 1, micros: 2 * H + 3 * 60 * S + 4 * S }, '1 days 2 hours 3 minutes 4 seconds'],
    [{ months: 0, days: 0, micros: 3 * H }, '3 hours'],
  ])('%j', (i, text) => {
    expect(formatInterval(i)).toBe(text);
  });

  test('parses back', () => {
    const i = parseInterval('2 years 5 months 1 day 3 hours 4.25 seconds');
    expect(parseInterval(formatInterval(i))).toEqual(i);
  });
});

describe('durationToMicros', () => {
  test('days count as 24 hours', () => {
    expect(durationToMicros('10 seconds')).toBe(10 * S);
    expect(durationToMicros('1 day 1 hour')).toBe(D + H);
    expect(durationToMicros('2 weeks')).toBe(14 * D);
    expect(durationToMicros('-5 minutes')).toBe(-300 * S);
  });

  test("months are refused with Spark's window error", () => {
    const e = errorOf(() => durationToMicros('1 month'));
    expect(e.errorClass).toBe('_LEGACY_ERROR_TEMP_3231');
    expect(e.message).toBe('[_LEGACY_ERROR_TEMP_3231] Intervals greater than a month is not supported (1 month).');
    expect(errorOf(() => durationToMicros('1 year')).message).toContain('Intervals greater than a month is not supported (1 year).');
  });

  test('bad text', () => {
    expect(errorOf(() => durationToMicros('soon')).errorClass).toBe('INVALID_INTERVAL_FORMAT');
  });
});
