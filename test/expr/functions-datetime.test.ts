import { describe, expect, test } from 'vitest';
import { getTimeZone } from '../../src/expr/cast.js';
import { addMonths, DateTimePattern, datetimeFunctions, truncTimestamp } from '../../src/expr/functions/datetime.js';
import { byName, col, compileFn, day, errorOf, evalFn, lit, resolveFn, utc } from './functions-harness.js';

const fn = byName(datetimeFunctions);
const UTC = getTimeZone('UTC');
const TS = utc(2020, 3, 4, 15, 6, 7, 123456); // Wednesday 2020-03-04 15:06:07.123456 UTC
const ts = (v: number | null) => col('timestamp', v);
const s = (v: string | null) => col('string', v);

describe('DateTimePattern.format', () => {
  test.each([
    ['yyyy-MM-dd HH:mm', '2020-03-04 15:06'],
    ['yyyy-MM-dd HH:mm:ss.SSS', '2020-03-04 15:06:07.123'],
    ['yyyy-MM-dd HH:mm:ss.SSSSSS', '2020-03-04 15:06:07.123456'],
    ['S', '1'],
    ["yyyy-MM-dd'T'HH:mm:ss", '2020-03-04T15:06:07'],
    ["'It''s' h:mm a", "It's 3:06 PM"],
    ['hh:mm a', '03:06 PM'],
    ['K k', '3 15'],
    ['y yy yyy yyyy yyyyy', '2020 20 2020 2020 02020'],
    ['M MM MMM MMMM', '3 03 Mar March'],
    ['d dd D DD DDD', '4 04 64 64 064'],
    ['E EE EEE EEEE', 'Wed Wed Wed Wednesday'],
    ['Q QQ QQQ QQQQ', '1 01 Q1 1st quarter'],
    ['G GGGG', 'AD Anno Domini'],
    ['F', '4'],
    ['XXX xxx Z ZZZZZ O', 'Z +00:00 +0000 Z GMT'],
    ['VV z', 'UTC UTC'],
    ['[yyyy][-MM]', '2020-03'],
    ['yyyy/MM/dd!', '2020/03/04!'],
  ])('%s', (pattern, expected) => {
    expect(DateTimePattern.of(pattern, false).format(TS, UTC)).toBe(expected);
  });

  test('offsets and zones', () => {
    const plus = getTimeZone('+05:30');
    expect(DateTimePattern.of('HH:mm XXX X XX Z ZZZZ O OOOO', false).format(TS, plus)).toBe('20:36 +05:30 +0530 +0530 +0530 GMT+05:30 GMT+5:30 GMT+05:30');
    expect(DateTimePattern.of('HH:mm x z', false).format(TS, getTimeZone('-08:00'))).toBe('07:06 -08 -08:00');
    expect(DateTimePattern.of('HH:mm z VV', false).format(utc(2020, 7, 1, 12), getTimeZone('America/Los_Angeles'))).toBe('05:00 PDT America/Los_Angeles');
    expect(DateTimePattern.of('zzzz', false).format(utc(2020, 1, 1, 12), getTimeZone('America/Los_Angeles'))).toBe('Pacific Standard Time');
  });

  test('midnight and noon on 12-hour clocks; years before 1 and after 9999', () => {
    expect(DateTimePattern.of('h a K', false).format(utc(2020, 1, 1, 0), UTC)).toBe('12 AM 0');
    expect(DateTimePattern.of('h a k', false).format(utc(2020, 1, 1, 12), UTC)).toBe('12 PM 12');
    expect(DateTimePattern.of('k', false).format(utc(2020, 1, 1, 0), UTC)).toBe('24');
    const bc = (Date.UTC(-44, 2, 15) - 0) * 1000; // year -44 = 45 BC
    expect(DateTimePattern.of('yyyy', false).format(bc, UTC)).toBe('-0044');
    expect(DateTimePattern.of('yyyy G', false).format(bc, UTC)).toBe('0045 BC');
    const far = Date.UTC(12345, 0, 1) * 1000;
    expect(DateTimePattern.of('yyyy-MM', false).format(far, UTC)).toBe('+12345-01');
  });
});

describe('DateTimePattern.parse', () => {
  test.each([
    ['yyyy-MM-dd HH:mm:ss', '2020-03-04 15:06:07', utc(2020, 3, 4, 15, 6, 7)],
    ['yyyy-MM-dd', '2020-03-04', utc(2020, 3, 4)],
    ['dd/MM/yyyy', '04/03/2020', utc(2020, 3, 4)],
    ['yyyyMMdd', '20200304', utc(2020, 3, 4)],
    ['yyyyMMddHHmmss', '20200304150607', utc(2020, 3, 4, 15, 6, 7)],
    ['yyyy-MM-dd HH:mm:ss.SSS', '2020-03-04 15:06:07.5', utc(2020, 3, 4, 15, 6, 7, 500000)],
    ['yyyy-MM-dd HH:mm:ss.SSS', '2020-03-04 15:06:07.123', utc(2020, 3, 4, 15, 6, 7, 123000)],
    ['yyyy-MM-dd HH:mm:ss.SSSSSS', '2020-03-04 15:06:07.123456', TS],
    ['yyyy-MM-dd HH:mm:ss[.SSS]', '2020-03-04 15:06:07', utc(2020, 3, 4, 15, 6, 7)],
    ['yyyy-MM-dd HH:mm:ss[.SSS]', '2020-03-04 15:06:07.25', utc(2020, 3, 4, 15, 6, 7, 250000)],
    ['MMM d, yyyy', 'mar 4, 2020', utc(2020, 3, 4)],
    ['MMMM d yyyy', 'March 4 2020', utc(2020, 3, 4)],
    ['h:mm a', '3:06 PM', utc(1970, 1, 1, 15, 6)],
    ['h:mm a', '12:30 am', utc(1970, 1, 1, 0, 30)],
    ['h:mm', '3:06', utc(1970, 1, 1, 3, 6)],
    ['HH', '07', utc(1970, 1, 1, 7)],
    ['yyyy', '2021', utc(2021, 1, 1)],
    ['yyyy-MM', '2021-02', utc(2021, 2, 1)],
    ['yyyy D', '2020 60', utc(2020, 2, 29)],
    ['yy-M-d', '21-2-3', utc(2021, 2, 3)],
    ["yyyy-MM-dd'T'HH:mm:ssXXX", '2020-03-04T17:06:07+02:00', utc(2020, 3, 4, 15, 6, 7)],
    ["yyyy-MM-dd'T'HH:mm:ssXXX", '2020-03-04T15:06:07Z', utc(2020, 3, 4, 15, 6, 7)],
    ['yyyy-MM-dd HH:mm:ss Z', '2020-03-04 10:06:07 -0500', utc(2020, 3, 4, 15, 6, 7)],
    ['yyyy-MM-dd HH:mm:ss z', '2020-03-04 07:06:07 PST', utc(2020, 3, 4, 15, 6, 7)],
    ['yyyy-MM-dd HH:mm VV', '2020-07-04 08:06 America/Los_Angeles', utc(2020, 7, 4, 15, 6)],
    ['YYYY'.toLowerCase(), '2020', utc(2020, 1, 1)],
  ])('%s on %j', (pattern, text, expected) => {
    expect(DateTimePattern.of(pattern, true).parse(text, UTC)).toBe(expected);
  });

  test.each([
    ['yyyy-MM-dd', '2020-02-30'],
    ['yyyy-MM-dd', '2020-13-01'],
    ['yyyy-MM-dd', '2020-1-1'],
    ['yyyy-MM-dd', '2020-01-01 10:00'],
    ['yyyy-MM-dd HH:mm:ss', '2020-01-01'],
    ['yyyy-MM-dd HH:mm:ss', '2020-01-01 24:00:00'],
    ['yyyy-MM-dd HH:mm:ss.SSS', '2020-01-01 10:00:00.1234'],
    ['HH:mm', '10-00'],
    ['MMM', 'Foo'],
    ['yyyy D', '2021 366'],
    ['h a', '13 PM'],
  ])('%s rejects %j', (pattern, text) => {
    expect(DateTimePattern.of(pattern, true).parse(text, UTC)).toBeNull();
  });

  test('no zone in the text means the session time zone', () => {
    expect(DateTimePattern.of('yyyy-MM-dd HH:mm', true).parse('2020-03-04 16:06', getTimeZone('+01:00'))).toBe(utc(2020, 3, 4, 15, 6));
  });
});

describe('pattern errors (Spark 3 rules)', () => {
  test.each([
    ['YYYY-MM-dd', false, 'INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_WEEK_BASED_PATTERN'],
    ['yyyy-ww', false, 'INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_WEEK_BASED_PATTERN'],
    ['uuuu', false, 'INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_WEEK_BASED_PATTERN'],
    ['yyyy A', false, 'INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER'],
    ['EEE', true, 'INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER'],
    ['MMMMM', false, 'INVALID_DATETIME_PATTERN.LENGTH'],
    ['yyyyyyy', false, 'INVALID_DATETIME_PATTERN.LENGTH'],
    ['ddd', false, 'INVALID_DATETIME_PATTERN'],
    ['yyyy-MM-dd f', false, 'INVALID_DATETIME_PATTERN'],
    ["yyyy 'open", false, 'INVALID_DATETIME_PATTERN'],
    ['yyyy]', false, 'INVALID_DATETIME_PATTERN'],
    ['yyyy{', false, 'INVALID_DATETIME_PATTERN'],
  ])('%s (parsing: %s)', (pattern, parsing, errorClass) => {
    const e = errorOf(() => DateTimePattern.of(pattern, parsing));
    expect(e.errorClass).toBe(errorClass);
  });

  test('messages name the pattern', () => {
    expect(errorOf(() => DateTimePattern.of('yyyy A', false)).message).toBe(
      '[INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER] Unrecognized datetime pattern: yyyy A. Illegal pattern character found in datetime pattern: A. Please provide legal character.',
    );
  });
});

describe('date_format / to_timestamp / to_date', () => {
  test('date_format formats in the session time zone', () => {
    expect(evalFn(fn('date_format'), [ts(TS), lit('string', 'yyyy-MM-dd HH:mm')])).toBe('2020-03-04 15:06');
    expect(evalFn(fn('date_format'), [ts(TS), lit('string', 'yyyy-MM-dd HH:mm')], { timeZone: 'Asia/Tokyo' })).toBe('2020-03-05 00:06');
    expect(evalFn(fn('date_format'), [col('date', day(2020, 3, 4)), lit('string', 'EEEE')])).toBe('Wednesday');
    expect(evalFn(fn('date_format'), [s('2020-03-04 10:00:00'), lit('string', 'HH')])).toBe('10');
    expect(evalFn(fn('date_format'), [ts(null), lit('string', 'yyyy')])).toBeNull();
    expect(evalFn(fn('date_format'), [ts(TS), s('MM/dd')])).toBe('03/04');
    expect(errorOf(() => evalFn(fn('date_format'), [ts(TS), lit('string', 'YYYY')])).errorClass).toBe(
      'INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_WEEK_BASED_PATTERN',
    );
  });

  test('to_timestamp without a format is a cast', () => {
    expect(resolveFn(fn('to_timestamp'), [s('x')])).toEqual({ dataType: 'timestamp', nullable: true, argTypes: ['string'] });
    expect(evalFn(fn('to_timestamp'), [s('2020-03-04 15:06:07.5')])).toBe(utc(2020, 3, 4, 15, 6, 7, 500000));
    expect(evalFn(fn('to_timestamp'), [s('2020-03-04T15:06:07Z')])).toBe(utc(2020, 3, 4, 15, 6, 7));
    expect(evalFn(fn('to_timestamp'), [s('garbage')])).toBeNull();
    expect(evalFn(fn('to_timestamp'), [col('long', 1)])).toBe(1_000_000);
    expect(evalFn(fn('to_timestamp'), [col('date', day(2020, 1, 2))], { timeZone: '+02:00' })).toBe(utc(2020, 1, 1, 22));
    expect(errorOf(() => resolveFn(fn('to_timestamp'), [col('binary', new Uint8Array())])).errorClass).toBe('DATATYPE_MISMATCH');
  });

  test('to_timestamp with a format', () => {
    expect(evalFn(fn('to_timestamp'), [s('04/03/2020 15:06'), lit('string', 'dd/MM/yyyy HH:mm')])).toBe(utc(2020, 3, 4, 15, 6));
    expect(evalFn(fn('to_timestamp'), [s('04/03/2020 15:06'), lit('string', 'dd/MM/yyyy HH:mm')], { timeZone: '-01:00' })).toBe(utc(2020, 3, 4, 16, 6));
    expect(evalFn(fn('to_timestamp'), [s('2020-03-04'), lit('string', 'dd/MM/yyyy')])).toBeNull();
    expect(evalFn(fn('to_timestamp'), [ts(TS), lit('string', 'dd/MM/yyyy')])).toBe(TS);
    expect(evalFn(fn('to_timestamp'), [s('2020'), lit('string', null)])).toBeNull();
    expect(evalFn(fn('to_timestamp'), [s('2020'), s('yyyy')])).toBe(utc(2020, 1, 1));
  });

  test('to_date', () => {
    expect(resolveFn(fn('to_date'), [s('x')]).dataType).toBe('date');
    expect(evalFn(fn('to_date'), [s('2020-03-04 23:59:59')])).toBe(day(2020, 3, 4));
    expect(evalFn(fn('to_date'), [ts(utc(2020, 3, 4, 23))], { timeZone: '+02:00' })).toBe(day(2020, 3, 5));
    expect(evalFn(fn('to_date'), [s('04.03.2020'), lit('string', 'dd.MM.yyyy')])).toBe(day(2020, 3, 4));
    expect(evalFn(fn('to_date'), [s('x'), lit('string', 'dd.MM.yyyy')])).toBeNull();
  });
});

describe('epoch conversions', () => {
  test('timestamp_seconds / millis / micros', () => {
    expect(evalFn(fn('timestamp_seconds'), [col('long', 1230219000)])).toBe(utc(2008, 12, 25, 15, 30));
    expect(evalFn(fn('timestamp_seconds'), [col('double', 1.5)])).toBe(1_500_000);
    expect(evalFn(fn('timestamp_seconds'), [col('double', -1.5)])).toBe(-1_500_000);
    expect(evalFn(fn('timestamp_seconds'), [col('double', NaN)])).toBeNull();
    expect(resolveFn(fn('timestamp_seconds'), [col('integer', 1, false)])).toEqual({ dataType: 'timestamp', nullable: false, argTypes: ['integer'] });
    expect(resolveFn(fn('timestamp_seconds'), [col('double', 1, false)]).nullable).toBe(true);
    expect(evalFn(fn('timestamp_millis'), [col('long', 1500)])).toBe(1_500_000);
    expect(evalFn(fn('timestamp_micros'), [col('integer', 15)])).toBe(15);
  });

  test('unix_seconds / unix_millis / unix_micros floor', () => {
    expect(evalFn(fn('unix_seconds'), [ts(-1)])).toBe(-1);
    expect(evalFn(fn('unix_millis'), [ts(-1)])).toBe(-1);
    expect(evalFn(fn('unix_millis'), [ts(1_999)])).toBe(1);
    expect(evalFn(fn('unix_micros'), [ts(TS)])).toBe(TS);
    expect(evalFn(fn('unix_date'), [col('date', 5)])).toBe(5);
  });

  test('unix_timestamp', () => {
    expect(resolveFn(fn('unix_timestamp'), [ts(0)]).dataType).toBe('long');
    expect(evalFn(fn('unix_timestamp'), [ts(1_999_999)])).toBe(1);
    expect(evalFn(fn('unix_timestamp'), [ts(-1)])).toBe(-1);
    expect(evalFn(fn('unix_timestamp'), [s('2020-03-04 15:06:07')])).toBe(1583334367);
    // The default format needs a time.
    expect(evalFn(fn('unix_timestamp'), [s('2020-03-04')])).toBeNull();
    expect(evalFn(fn('unix_timestamp'), [s('2020-03-04'), lit('string', 'yyyy-MM-dd')])).toBe(1583280000);
    expect(evalFn(fn('unix_timestamp'), [s('2020-03-04 16:06:07')], { timeZone: '+01:00' })).toBe(1583334367);
    expect(evalFn(fn('unix_timestamp'), [col('date', day(2020, 3, 4))])).toBe(1583280000);
    const now = evalFn(fn('unix_timestamp'), []) as number;
    expect(Math.abs(now - Date.now() / 1000)).toBeLessThan(600);
    expect(fn('unix_timestamp').sql!(['t'])).toBe('unix_timestamp(t, yyyy-MM-dd HH:mm:ss)');
  });

  test('from_unixtime', () => {
    expect(evalFn(fn('from_unixtime'), [col('long', 0)])).toBe('1970-01-01 00:00:00');
    expect(evalFn(fn('from_unixtime'), [col('long', 0)], { timeZone: 'America/Los_Angeles' })).toBe('1969-12-31 16:00:00');
    expect(evalFn(fn('from_unixtime'), [col('long', 1583334367), lit('string', 'yyyy/MM/dd')])).toBe('2020/03/04');
    expect(evalFn(fn('from_unixtime'), [col('double', 1.9)])).toBe('1970-01-01 00:00:01');
    expect(fn('from_unixtime').sql!(['s'])).toBe('from_unixtime(s, yyyy-MM-dd HH:mm:ss)');
  });

  test('from_utc_timestamp / to_utc_timestamp', () => {
    expect(evalFn(fn('from_utc_timestamp'), [ts(utc(2020, 1, 1, 12)), s('+09:00')])).toBe(utc(2020, 1, 1, 21));
    expect(evalFn(fn('to_utc_timestamp'), [ts(utc(2020, 1, 1, 21)), s('Asia/Tokyo')])).toBe(utc(2020, 1, 1, 12));
  });
});

describe('field extraction', () => {
  test.each([
    ['year', 2020],
    ['quarter', 1],
    ['month', 3],
    ['dayofmonth', 4],
    ['dayofweek', 4],
    ['weekday', 2],
    ['dayofyear', 64],
    ['weekofyear', 10],
  ])('%s of a date', (name, expected) => {
    expect(evalFn(fn(name), [col('date', day(2020, 3, 4))])).toBe(expected);
    expect(resolveFn(fn(name), [col('date', 0)]).dataType).toBe('integer');
  });

  test('date fields of timestamps use the session time zone', () => {
    expect(resolveFn(fn('year'), [ts(0)]).argTypes).toEqual(['date']);
    expect(evalFn(fn('dayofmonth'), [ts(utc(2020, 3, 4, 23))])).toBe(4);
    expect(evalFn(fn('dayofmonth'), [ts(utc(2020, 3, 4, 23))], { timeZone: '+02:00' })).toBe(5);
    expect(evalFn(fn('year'), [s('2020-12-31')])).toBe(2020);
    expect(evalFn(fn('dayofweek'), [col('date', day(2020, 3, 8))])).toBe(1);
    expect(evalFn(fn('weekofyear'), [col('date', day(2021, 1, 3))])).toBe(53);
    expect(evalFn(fn('weekofyear'), [col('date', day(2008, 2, 20))])).toBe(8);
  });

  test('time fields', () => {
    expect(evalFn(fn('hour'), [ts(TS)])).toBe(15);
    expect(evalFn(fn('minute'), [ts(TS)])).toBe(6);
    expect(evalFn(fn('second'), [ts(TS)])).toBe(7);
    expect(evalFn(fn('hour'), [ts(TS)], { timeZone: '-03:00' })).toBe(12);
    expect(evalFn(fn('hour'), [ts(-1)])).toBe(23);
    expect(evalFn(fn('hour'), [s('2020-01-01 07:08:09')])).toBe(7);
    expect(evalFn(fn('hour'), [ts(null)])).toBeNull();
  });
});

describe('date arithmetic', () => {
  test('date_add / date_sub / datediff', () => {
    expect(evalFn(fn('date_add'), [col('date', day(2020, 2, 28)), col('integer', 2)])).toBe(day(2020, 3, 1));
    expect(evalFn(fn('date_sub'), [col('date', day(2020, 3, 1)), col('integer', 1)])).toBe(day(2020, 2, 29));
    expect(evalFn(fn('date_add'), [s('2020-02-28 23:00:00'), col('long', 1)])).toBe(day(2020, 2, 29));
    expect(evalFn(fn('datediff'), [col('date', day(2020, 3, 1)), col('date', day(2020, 2, 1))])).toBe(29);
    expect(evalFn(fn('datediff'), [s('2020-01-01'), s('2020-01-10')])).toBe(-9);
    expect(resolveFn(fn('datediff'), [s('a'), s('b')]).dataType).toBe('integer');
    expect(errorOf(() => resolveFn(fn('date_add'), [col('date', 0), col('boolean', true)])).errorClass).toBe('DATATYPE_MISMATCH');
  });

  test('add_months / last_day / make_date', () => {
    expect(addMonths(day(2020, 1, 31), 1)).toBe(day(2020, 2, 29));
    expect(addMonths(day(2020, 3, 31), -13)).toBe(day(2019, 2, 28));
    expect(evalFn(fn('add_months'), [col('date', day(2020, 12, 15)), col('integer', 2)])).toBe(day(2021, 2, 15));
    expect(evalFn(fn('last_day'), [col('date', day(2020, 2, 3))])).toBe(day(2020, 2, 29));
    expect(evalFn(fn('make_date'), [col('integer', 2020), col('integer', 2), col('integer', 30)])).toBeNull();
    expect(evalFn(fn('make_date'), [col('integer', 2020), col('integer', 2), col('integer', 29)])).toBe(day(2020, 2, 29));
  });

  test('date_trunc', () => {
    const t = utc(2020, 8, 19, 13, 45, 31, 123456); // Wednesday
    expect(evalFn(fn('date_trunc'), [s('YEAR'), ts(t)])).toBe(utc(2020, 1, 1));
    expect(evalFn(fn('date_trunc'), [s('yy'), ts(t)])).toBe(utc(2020, 1, 1));
    expect(evalFn(fn('date_trunc'), [s('QUARTER'), ts(t)])).toBe(utc(2020, 7, 1));
    expect(evalFn(fn('date_trunc'), [s('month'), ts(t)])).toBe(utc(2020, 8, 1));
    expect(evalFn(fn('date_trunc'), [s('WEEK'), ts(t)])).toBe(utc(2020, 8, 17));
    expect(evalFn(fn('date_trunc'), [s('DAY'), ts(t)])).toBe(utc(2020, 8, 19));
    expect(evalFn(fn('date_trunc'), [s('HOUR'), ts(t)])).toBe(utc(2020, 8, 19, 13));
    expect(evalFn(fn('date_trunc'), [s('MINUTE'), ts(t)])).toBe(utc(2020, 8, 19, 13, 45));
    expect(evalFn(fn('date_trunc'), [s('SECOND'), ts(t)])).toBe(utc(2020, 8, 19, 13, 45, 31));
    expect(evalFn(fn('date_trunc'), [s('MILLISECOND'), ts(t)])).toBe(utc(2020, 8, 19, 13, 45, 31, 123000));
    expect(evalFn(fn('date_trunc'), [s('bogus'), ts(t)])).toBeNull();
    expect(evalFn(fn('date_trunc'), [s('DAY'), ts(t)], { timeZone: '+12:00' })).toBe(utc(2020, 8, 19, 12));
    expect(truncTimestamp(utc(2020, 8, 19, 1, 30), 'HOUR', getTimeZone('+05:30'))).toBe(utc(2020, 8, 19, 1, 30));
  });

  test('trunc of dates', () => {
    expect(evalFn(fn('trunc'), [col('date', day(2020, 8, 19)), s('MM')])).toBe(day(2020, 8, 1));
    expect(evalFn(fn('trunc'), [col('date', day(2020, 8, 19)), s('year')])).toBe(day(2020, 1, 1));
    expect(evalFn(fn('trunc'), [col('date', day(2020, 8, 19)), s('week')])).toBe(day(2020, 8, 17));
    expect(evalFn(fn('trunc'), [col('date', day(2020, 8, 19)), s('DAY')])).toBeNull();
  });
});

describe('current time', () => {
  test('current_timestamp is non-deterministic and fixed per compiled expression', () => {
    const def = fn('current_timestamp');
    expect(def.deterministic).toBe(false);
    expect(resolveFn(def, [])).toEqual({ dataType: 'timestamp', nullable: false });
    const { run } = compileFn(def, []);
    const a = run([]) as number;
    const b = run([]) as number;
    expect(a).toBe(b);
    expect(Math.abs(a / 1000 - Date.now())).toBeLessThan(600_000);
  });

  test('current_date and current_timezone', () => {
    expect(fn('current_date').deterministic).toBe(false);
    const d = evalFn(fn('current_date'), []) as number;
    expect(Math.abs(d - Date.now() / 86_400_000)).toBeLessThan(2);
    expect(evalFn(fn('current_timezone'), [], { timeZone: 'Europe/Paris' })).toBe('Europe/Paris');
  });
});
