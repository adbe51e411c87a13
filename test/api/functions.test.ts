/**
 * `F` functions and Column operators through the DataFrame API: arithmetic, three-valued logic,
 * conditionals, casts, intervals, strings, literals, generators and date-time basics, with the
 * default (non-ANSI) semantics and Spark's generated column names.
 */
import { describe, expect, it } from 'vitest';
import { F, RivuletError, Session } from '../../src/index.js';

const spark = Session.builder().appName('api-functions').getOrCreate();

const ts = (iso: string): Date => new Date(iso);

async function errorOfAsync(fn: () => Promise<unknown>): Promise<RivuletError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof RivuletError) return e;
    throw e;
  }
  throw new Error('expected a RivuletError');
}

/** The single column of a one-column DataFrame, as an array. */
async function column(df: { toArray(): Promise<unknown[][]> }): Promise<unknown[]> {
  return (await df.toArray()).map((r) => r[0]);
}

const nums = () =>
  spark.createDataFrame(
    [
      { a: 7, b: 2, x: 1.5 },
      { a: -7, b: 3, x: -0.5 },
      { a: 5, b: 0, x: null },
      { a: null, b: 4, x: 2 },
    ],
    'a INT, b INT, x DOUBLE',
  );

describe('arithmetic', () => {
  it('+ - * / % with nulls, names and result types', async () => {
    const df = nums().select(
      F.col('a').plus(F.col('b')),
      F.col('a').minus(F.col('b')),
      F.col('a').multiply(F.col('b')),
      F.col('a').divide(F.col('b')),
      F.col('a').mod(F.col('b')),
      F.col('a').plus(F.col('x')),
    );
    expect(df.columns).toEqual(['(a + b)', '(a - b)', '(a * b)', '(a / b)', '(a % b)', '(a + x)']);
    expect(df.dtypes.map((d) => d[1])).toEqual(['int', 'int', 'int', 'double', 'int', 'double']);
    expect(await df.toArray()).toEqual([
      [9, 5, 14, 3.5, 1, 8.5],
      [-4, -10, -21, -7 / 3, -1, -7.5],
      // Division and remainder by zero are null (non-ANSI).
      [5, 5, 0, null, null, null],
      [null, null, null, null, null, null],
    ]);
  });

  it('literal operands, negation, integer overflow wraps, div / pmod', async () => {
    const df = nums().select(
      F.col('a').plus(1),
      F.col('a').divide(2),
      F.col('a').negate(),
      F.expr('a div b'),
      F.pmod('a', 3),
      F.col('x').mod(1),
    );
    expect(df.columns).toEqual(['(a + 1)', '(a / 2)', '(- a)', '(a div b)', 'pmod(a, 3)', '(x % 1)']);
    expect(df.dtypes.map((d) => d[1])).toEqual(['int', 'double', 'int', 'bigint', 'int', 'double']);
    expect(await df.toArray()).toEqual([
      [8, 3.5, -7, 3, 1, 0.5],
      [-6, -3.5, 7, -2, 2, -0.5],
      [6, 2.5, -5, null, 2, null],
      [null, null, null, null, null, 0],
    ]);
    const max = spark.createDataFrame([{ i: 2147483647, l: 9007199254740000 }], 'i INT, l BIGINT');
    expect(await max.select(F.col('i').plus(1), F.col('i').multiply(2), F.col('l').plus(F.col('i'))).toArray()).toEqual([
      [-2147483648, -2, 9_007_201_402_223_648],
    ]);
  });

  it('math functions: abs, round (HALF_UP on the decimal value), bround, floor, ceil, sqrt, pow', async () => {
    const df = spark.createDataFrame([{ d: 2.5 }, { d: -2.5 }, { d: 1.005 }, { d: 2.675 }, { d: null }], 'd DOUBLE');
    const r = df.select(F.abs('d'), F.round('d'), F.round('d', 2), F.bround('d'), F.floor('d'), F.ceil('d'));
    expect(r.columns).toEqual(['abs(d)', 'round(d, 0)', 'round(d, 2)', 'bround(d, 0)', 'FLOOR(d)', 'CEIL(d)']);
    expect(await r.toArray()).toEqual([
      [2.5, 3, 2.5, 2, 2, 3],
      [2.5, -3, -2.5, -2, -3, -2],
      [1.005, 1, 1.01, 1, 1, 2],
      [2.675, 3, 2.68, 3, 2, 3],
      [null, null, null, null, null, null],
    ]);
    expect(r.dtypes.map((d) => d[1])).toEqual(['double', 'double', 'double', 'double', 'bigint', 'bigint']);
    const m = await spark
      .createDataFrame([{ v: 16 }, { v: -1 }], 'v INT')
      .select(F.sqrt('v'), F.pow('v', 0.5), F.round('v', -1))
      .toArray();
    expect(m[0]).toEqual([4, 4, 20]);
    expect(Number.isNaN(m[1]![0])).toBe(true);
    expect(m[1]![2]).toBe(0);
  });
});

describe('logic and predicates', () => {
  const bools = () =>
    spark.createDataFrame(
      [
        [true, true],
        [true, false],
        [true, null],
        [false, null],
        [null, null],
        [false, false],
      ],
      'p BOOLEAN, q BOOLEAN',
    );

  it('AND / OR / NOT are three-valued', async () => {
    const df = bools().select(F.col('p').and(F.col('q')), F.col('p').or(F.col('q')), F.col('p').not(), F.not('q'));
    expect(df.columns).toEqual(['(p AND q)', '(p OR q)', '(NOT p)', '(NOT q)']);
    expect(await df.toArray()).toEqual([
      [true, true, false, false],
      [false, true, false, true],
      [null, true, false, null],
      [false, null, true, null],
      [null, null, null, null],
      [false, false, true, true],
    ]);
  });

  it('comparisons with null are null; eqNullSafe is never null', async () => {
    const df = nums().select(
      F.col('a').eq(F.col('b')),
      F.col('a').neq(7),
      F.col('a').gt(0),
      F.col('a').geq(5),
      F.col('a').lt(0),
      F.col('a').leq(-7),
      F.col('a').eqNullSafe(null),
    );
    expect(df.columns).toEqual(['(a = b)', '(NOT (a = 7))', '(a > 0)', '(a >= 5)', '(a < 0)', '(a <= -7)', '(a <=> NULL)']);
    expect(await df.toArray()).toEqual([
      [false, false, true, true, false, false, false],
      [false, true, false, false, true, true, false],
      [false, true, true, true, false, false, false],
      [null, null, null, null, null, null, true],
    ]);
  });

  it('NaN = NaN is true and NaN is greater than every other double (Spark NaN semantics)', async () => {
    const df = spark.createDataFrame([{ x: NaN, y: NaN }, { x: NaN, y: Infinity }, { x: 1, y: NaN }], 'x DOUBLE, y DOUBLE');
    expect(await df.select(F.col('x').eq(F.col('y')), F.col('x').gt(F.col('y')), F.col('x').lt(F.col('y')), F.greatest('x', 'y')).toArray()).toEqual([
      [true, false, false, NaN],
      [false, true, false, NaN],
      [false, false, true, NaN],
    ]);
  });

  it('isin follows SQL IN: a null in the list makes a miss null', async () => {
    const df = nums().select(F.col('a').isin(7, 5), F.col('a').isin(7, null), F.col('a').isin([1, 2]));
    expect(df.columns).toEqual(['(a IN (7, 5))', '(a IN (7, NULL))', '(a IN (1, 2))']);
    expect(await df.toArray()).toEqual([
      [true, true, false],
      [false, null, false],
      [true, null, false],
      [null, null, null],
    ]);
  });

  it('between is inclusive and null-propagating', async () => {
    expect(await column(nums().select(F.col('a').between(-7, 5)))).toEqual([false, true, true, null]);
    expect(await column(nums().select(F.col('x').between(F.col('a'), 10)))).toEqual([false, true, null, null]);
  });

  it('isNull / isNotNull / isnan', async () => {
    const df = spark.createDataFrame([{ d: NaN }, { d: null }, { d: 1 }], 'd DOUBLE');
    expect(await df.select(F.col('d').isNull(), F.col('d').isNotNull(), F.expr('isnan(d)')).toArray()).toEqual([
      [false, true, true],
      [true, false, false],
      [false, true, false],
    ]);
  });
});

describe('conditionals', () => {
  it('when / otherwise picks the first true branch; a null condition falls through', async () => {
    const c = F.when(F.col('a').gt(0), 'pos').when(F.col('a').lt(0), 'neg').otherwise('zero');
    const df = nums().select(c);
    expect(df.columns).toEqual(['CASE WHEN (a > 0) THEN pos WHEN (a < 0) THEN neg ELSE zero END']);
    expect(await column(df)).toEqual(['pos', 'neg', 'pos', 'zero']);
    expect(await column(nums().select(F.when(F.col('a').gt(0), 1)))).toEqual([1, null, 1, null]);
  });

  it('when branches of different numeric types widen', async () => {
    const df = nums().select(F.when(F.col('b').eq(0), 0).otherwise(F.col('x')).alias('v'));
    expect(df.dtypes).toEqual([['v', 'double']]);
    expect(await column(df)).toEqual([1.5, -0.5, 0, 2]);
  });

  it('when() on a non-when column and a second otherwise() are TypeErrors', () => {
    expect(() => F.col('a').when(F.col('a').gt(0), 1)).toThrow(TypeError);
    expect(() => F.when(F.col('a').gt(0), 1).otherwise(2).otherwise(3)).toThrow(TypeError);
  });

  it('coalesce, nvl, nullif, greatest and least', async () => {
    const df = nums().select(
      F.coalesce(F.col('a'), F.col('b'), F.lit(0)),
      F.coalesce('x', 'a'),
      F.nvl('x', 'b'),
      F.nullif('b', 'a'),
      F.greatest('a', 'b'),
      F.least('a', 'b'),
    );
    expect(df.columns).toEqual(['coalesce(a, b, 0)', 'coalesce(x, a)', 'nvl(x, b)', 'nullif(b, a)', 'greatest(a, b)', 'least(a, b)']);
    expect(df.dtypes.map((d) => d[1])).toEqual(['int', 'double', 'double', 'int', 'int', 'int']);
    expect(await df.toArray()).toEqual([
      [7, 1.5, 1.5, 2, 7, 2],
      [-7, -0.5, -0.5, 3, 3, -7],
      [5, 5, 0, 0, 5, 0],
      [4, 2, 2, 4, 4, 4],
    ]);
  });

  it('F.expr accepts CASE and function calls', async () => {
    const df = nums().select(F.expr("CASE WHEN a > 0 THEN 'p' ELSE 'n' END AS sign"), F.expr('coalesce(a, 0) + 1 AS a1'));
    expect(df.columns).toEqual(['sign', 'a1']);
    expect(await df.toArray()).toEqual([
      ['p', 8],
      ['n', -6],
      ['p', 6],
      ['n', 1],
    ]);
  });
});

describe('cast', () => {
  it('string → int: trims, truncates a decimal part, invalid or out of range → null', async () => {
    const df = spark.createDataFrame([{ s: '12' }, { s: ' 7 ' }, { s: 'abc' }, { s: '1.9' }, { s: null }, { s: '2147483648' }, { s: '' }], 's STRING');
    const r = df.select(F.col('s').cast('int'));
    // A cast of a column keeps the column's name.
    expect(r.columns).toEqual(['s']);
    expect(r.dtypes).toEqual([['s', 'int']]);
    expect(await column(r)).toEqual([12, 7, null, 1, null, null, null]);
    expect(await column(df.select(F.col('s').cast('long')))).toEqual([12, 7, null, 1, null, 2147483648, null]);
  });

  it('string → double and boolean', async () => {
    const df = spark.createDataFrame([{ s: '1.5' }, { s: ' 1e3 ' }, { s: 'x' }, { s: 'true' }, { s: 'N' }, { s: '1' }], 's STRING');
    expect(await column(df.select(F.col('s').cast('double')))).toEqual([1.5, 1000, null, null, null, 1]);
    expect(await column(df.select(F.col('s').cast('boolean')))).toEqual([null, null, null, true, false, true]);
  });

  it('numeric → numeric truncates toward zero; long → int wraps; boolean → int', async () => {
    const df = spark.createDataFrame([{ d: 3.9, l: 3000000000, b: true }, { d: -3.9, l: -1, b: false }], 'd DOUBLE, l BIGINT, b BOOLEAN');
    expect(await df.select(F.col('d').cast('int'), F.col('l').cast('int'), F.col('b').cast('int')).toArray()).toEqual([
      [3, -1294967296, 1],
      [-3, -1, 0],
    ]);
  });

  it('timestamp → long gives whole seconds (floor); integral → timestamp counts seconds', async () => {
    const df = spark.createDataFrame(
      [
        { t: ts('2024-01-01T00:00:01.999Z'), n: 1700000000, d: 1.5 },
        { t: ts('1969-12-31T23:59:59.500Z'), n: -1, d: -0.25 },
        { t: null, n: null, d: null },
      ],
      't TIMESTAMP, n BIGINT, d DOUBLE',
    );
    expect(await column(df.select(F.col('t').cast('long')))).toEqual([1704067201, -1, null]);
    expect(await column(df.select(F.col('n').cast('timestamp')))).toEqual([new Date(1_700_000_000_000), new Date(-1000), null]);
    expect(await column(df.select(F.col('d').cast('timestamp')))).toEqual([new Date(1500), new Date(-250), null]);
    expect(await column(df.select(F.col('t').cast('double')))).toEqual([1704067201.999, -0.5, null]);
  });

  it('to and from strings', async () => {
    const df = spark.createDataFrame(
      [{ t: ts('2024-01-01T00:00:00Z'), u: ts('2024-01-01T10:20:30.120Z'), d: 1, e: 1e21, f: 0.1 }],
      't TIMESTAMP, u TIMESTAMP, d DOUBLE, e DOUBLE, f DOUBLE',
    );
    expect(
      await df
        .select(F.col('t').cast('string'), F.col('u').cast('string'), F.col('d').cast('string'), F.col('e').cast('string'), F.col('f').plus(0.2).cast('string'))
        .toArray(),
    ).toEqual([['2024-01-01 00:00:00', '2024-01-01 10:20:30.12', '1.0', '1.0E21', '0.30000000000000004']]);
    const s = spark.createDataFrame([{ s: '2024-01-01 10:00:00' }, { s: '2024-01-01T10:00:00Z' }, { s: '2024-01-01' }, { s: 'garbage' }], 's STRING');
    expect(await column(s.select(F.col('s').cast('timestamp')))).toEqual([
      ts('2024-01-01T10:00:00Z'),
      ts('2024-01-01T10:00:00Z'),
      ts('2024-01-01T00:00:00Z'),
      null,
    ]);
    const d = spark.createDataFrame([{ s: '2024-02-29' }, { s: '2024-02-30' }], 's STRING');
    expect(await column(d.select(F.col('s').cast('date')))).toEqual([ts('2024-02-29T00:00:00Z'), null]);
  });

  it('accepts T types and DDL type names', async () => {
    const df = nums().select(F.col('a').cast('bigint').alias('l'), F.col('a').cast('string').alias('s'), F.col('a').cast('array<int>'.replace('array<int>', 'double')).alias('d'));
    expect(df.dtypes).toEqual([
      ['l', 'bigint'],
      ['s', 'string'],
      ['d', 'double'],
    ]);
    expect((await df.toArray())[1]).toEqual([-7, '-7', -7]);
  });
});

describe('intervals and timestamps', () => {
  const times = () =>
    spark.createDataFrame(
      [{ t: ts('2024-01-31T10:00:00Z') }, { t: null }],
      't TIMESTAMP',
    );

  it("F.expr('INTERVAL ...') literals in Column arithmetic", async () => {
    const df = times().select(
      F.col('t').minus(F.expr('INTERVAL 30 minutes')).alias('a'),
      F.col('t').plus(F.expr("INTERVAL '1 2:3:4' DAY TO SECOND")).alias('b'),
      F.expr('t + INTERVAL 1 HOUR').alias('c'),
      F.expr('t + INTERVAL 1 MONTH').alias('d'),
    );
    expect(df.dtypes.map((d) => d[1])).toEqual(['timestamp', 'timestamp', 'timestamp', 'timestamp']);
    expect(await df.collect()).toEqual([
      {
        a: ts('2024-01-31T09:30:00Z'),
        b: ts('2024-02-01T12:03:04Z'),
        c: ts('2024-01-31T11:00:00Z'),
        // Adding a month clamps to the last day of February.
        d: ts('2024-02-29T10:00:00Z'),
      },
      { a: null, b: null, c: null, d: null },
    ]);
  });

  it('filters with interval arithmetic in SQL strings', async () => {
    const df = spark.createDataFrame(
      [
        { t: ts('2024-01-01T00:00:00Z'), u: ts('2024-01-01T00:59:59Z') },
        { t: ts('2024-01-01T00:00:00Z'), u: ts('2024-01-01T01:00:01Z') },
      ],
      't TIMESTAMP, u TIMESTAMP',
    );
    expect(await df.filter('u <= t + INTERVAL 1 HOUR').count()).toBe(1);
  });

  it('date-time functions', async () => {
    const df = spark.createDataFrame(
      [{ t: ts('2024-03-05T07:08:09Z'), s: '2024-03-05 07:08:09', e: 1709622489, f: '05/03/2024 07:08' }],
      't TIMESTAMP, s STRING, e BIGINT, f STRING',
    );
    const r = df.select(
      F.year('t'),
      F.month('t'),
      F.dayofmonth('t'),
      F.hour('t'),
      F.minute('t'),
      F.second('t'),
      F.dateFormat('t', 'yyyy-MM-dd HH:mm'),
      F.unixTimestamp('t'),
      F.timestampSeconds('e'),
      F.toTimestamp('s'),
      F.toTimestamp('f', 'dd/MM/yyyy HH:mm'),
      F.toDate('s'),
    );
    expect(await r.toArray()).toEqual([
      [
        2024,
        3,
        5,
        7,
        8,
        9,
        '2024-03-05 07:08',
        1709622489,
        ts('2024-03-05T07:08:09Z'),
        ts('2024-03-05T07:08:09Z'),
        ts('2024-03-05T07:08:00Z'),
        ts('2024-03-05T00:00:00Z'),
      ],
    ]);
  });
});

describe('string functions', () => {
  const words = () => spark.createDataFrame([{ s: '  Hello World  ' }, { s: 'spark' }, { s: null }, { s: '' }], 's STRING');

  it('case, length, trimming, reverse, initcap', async () => {
    const df = words().select(F.upper('s'), F.lower('s'), F.length('s'), F.trim('s'), F.ltrim('s'), F.rtrim('s'), F.reverse('s'), F.initcap('s'));
    expect(df.columns).toEqual(['upper(s)', 'lower(s)', 'length(s)', 'trim(s)', 'ltrim(s)', 'rtrim(s)', 'reverse(s)', 'initcap(s)']);
    expect(df.dtypes[2]).toEqual(['length(s)', 'int']);
    expect(await df.toArray()).toEqual([
      ['  HELLO WORLD  ', '  hello world  ', 15, 'Hello World', 'Hello World  ', '  Hello World', '  dlroW olleH  ', '  Hello World  '],
      ['SPARK', 'spark', 5, 'spark', 'spark', 'spark', 'kraps', 'Spark'],
      [null, null, null, null, null, null, null, null],
      ['', '', 0, '', '', '', '', ''],
    ]);
  });

  it('length and reverse count code points, not UTF-16 units', async () => {
    const df = spark.createDataFrame([{ s: '😀a' }, { s: '日本' }], 's STRING');
    expect(await df.select(F.length('s'), F.reverse('s')).toArray()).toEqual([
      [2, 'a😀'],
      [2, '本日'],
    ]);
  });

  it('concat is null if any input is; concat_ws skips nulls', async () => {
    const df = spark.createDataFrame([{ a: 'x', b: 'y' }, { a: 'x', b: null }], 'a STRING, b STRING');
    const r = df.select(F.concat(F.col('a'), F.lit('-'), F.col('b')), F.concatWs('-', 'a', 'b'));
    expect(r.columns).toEqual(['concat(a, -, b)', 'concat_ws(-, a, b)']);
    expect(await r.toArray()).toEqual([
      ['x-y', 'x-y'],
      [null, 'x'],
    ]);
  });

  it('substring is 1-based and takes negative positions from the end', async () => {
    const df = spark.createDataFrame([{ s: 'spark' }], 's STRING');
    expect(
      await df.select(F.substring('s', 2, 3), F.substring('s', -3, 2), F.substring('s', 0, 2), F.substring('s', 4, 10), F.col('s').substr(1, 1)).toArray(),
    ).toEqual([['par', 'ar', 'sp', 'rk', 's']]);
  });

  it('split, regexp_replace, regexp_extract (Java regex and $n replacements)', async () => {
    const df = spark.createDataFrame([{ s: 'a,b,,c' }, { s: 'a;b,' }, { s: null }], 's STRING');
    expect(await df.select(F.split('s', ',')).toArray()).toEqual([[['a', 'b', '', 'c']], [['a;b', '']], [null]]);
    expect(await column(df.select(F.split('s', '[,;]')))).toEqual([['a', 'b', '', 'c'], ['a', 'b', ''], null]);
    const d = spark.createDataFrame([{ s: '2024-01-15' }, { s: 'order-123-x' }], 's STRING');
    expect(await column(d.select(F.regexpReplace('s', '(\\d+)-(\\d+)', '$2/$1')))).toEqual(['01/2024-15', 'order-123-x']);
    expect(await column(d.select(F.regexpExtract('s', '(\\d+)-(\\d+)', 2)))).toEqual(['01', '']);
  });

  it('padding, instr, repeat and predicates', async () => {
    const df = spark.createDataFrame([{ s: 'spark' }, { s: '7' }], 's STRING');
    expect(
      await df
        .select(
          F.lpad('s', 3, '0'),
          F.rpad('s', 7, 'xy'),
          F.instr('s', 'ar'),
          F.repeat('s', 2),
          F.col('s').contains('par'),
          F.col('s').startswith('sp'),
          F.col('s').endswith('7'),
          F.col('s').like('%ar%'),
          F.col('s').rlike('^\\d$'),
        )
        .toArray(),
    ).toEqual([
      ['spa', 'sparkxy', 3, 'sparkspark', true, true, false, true, false],
      ['007', '7xyxyxy', 0, '77', false, false, true, false, true],
    ]);
  });
});

describe('literals', () => {
  it('F.lit infers int, bigint, double, string, boolean, void and timestamp', async () => {
    const df = spark
      .createDataFrame([{ a: 1 }], 'a INT')
      .select(F.lit(1), F.lit(2 ** 40), F.lit(1.5), F.lit('x'), F.lit(true), F.lit(null), F.lit(ts('2024-01-01T00:00:00Z')).alias('t'), F.lit(5n).alias('big'));
    expect(df.columns).toEqual(['1', '1099511627776', '1.5', 'x', 'true', 'NULL', 't', 'big']);
    expect(df.dtypes.map((d) => d[1])).toEqual(['int', 'bigint', 'double', 'string', 'boolean', 'void', 'timestamp', 'bigint']);
    expect(await df.toArray()).toEqual([[1, 2 ** 40, 1.5, 'x', true, null, ts('2024-01-01T00:00:00Z'), 5]]);
  });

  it('strings in value positions are literals, in column positions are names', async () => {
    const df = spark.createDataFrame([{ name: 'name' }, { name: 'x' }], 'name STRING');
    expect(await column(df.select(F.col('name').eq('name')))).toEqual([true, false]);
    expect(await column(df.select(F.coalesce('name')))).toEqual(['name', 'x']);
  });
});

describe('generators and collections', () => {
  const arrays = () =>
    spark.createDataFrame(
      [
        { id: 1, xs: [1, 2], m: new Map([['a', 1]]) },
        { id: 2, xs: [], m: new Map() },
        { id: 3, xs: null, m: null },
        { id: 4, xs: [null], m: new Map([['b', null]]) },
      ],
      'id INT, xs ARRAY<INT>, m MAP<STRING, INT>',
    );

  it('explode drops null and empty arrays; explodeOuter keeps them as null', async () => {
    const e = arrays().select('id', F.explode('xs'));
    expect(e.columns).toEqual(['id', 'col']);
    expect(await e.toArray()).toEqual([
      [1, 1],
      [1, 2],
      [4, null],
    ]);
    expect(await arrays().select('id', F.explodeOuter('xs').alias('x')).toArray()).toEqual([
      [1, 1],
      [1, 2],
      [2, null],
      [3, null],
      [4, null],
    ]);
    expect(arrays().select('id', F.explode('xs').alias('x')).columns).toEqual(['id', 'x']);
  });

  it('posexplode gives pos and col; exploding a map gives key and value', async () => {
    const p = arrays().select('id', F.posexplode('xs'));
    expect(p.columns).toEqual(['id', 'pos', 'col']);
    expect(await p.toArray()).toEqual([
      [1, 0, 1],
      [1, 1, 2],
      [4, 0, null],
    ]);
    const m = arrays().select('id', F.explode('m'));
    expect(m.columns).toEqual(['id', 'key', 'value']);
    expect(await m.toArray()).toEqual([
      [1, 'a', 1],
      [4, 'b', null],
    ]);
  });

  it('explode composes with withColumn and groupBy', async () => {
    const df = arrays().withColumn('x', F.explode('xs')).groupBy('id').agg(F.sum('x').alias('s')).orderBy('id');
    expect(await df.toArray()).toEqual([
      [1, 3],
      [4, null],
    ]);
  });

  it('getItem, elementAt, size and arrayContains', async () => {
    const df = arrays().select(
      F.col('xs').getItem(0),
      F.elementAt('xs', 2),
      F.col('m').getItem('a'),
      F.arrayContains('xs', 2),
    );
    expect(await df.toArray()).toEqual([
      [1, 2, 1, true],
      [null, null, null, false],
      [null, null, null, null],
      [null, null, null, null],
    ]);
    expect(await column(arrays().filter(F.col('xs').isNotNull()).select(F.size('xs')))).toEqual([2, 0, 1]);
  });
});

describe('nondeterministic functions', () => {
  it('rand(seed) repeats; an unseeded rand() picks its seed once, when the column is made', async () => {
    const base = spark.range(5);
    const seeded = base.select(F.rand(42).alias('r'));
    expect(await seeded.collect()).toEqual(await seeded.collect());
    const unseeded = base.select(F.rand().alias('r'));
    const first = await column(unseeded);
    expect(first.every((v) => typeof v === 'number' && v >= 0 && v < 1)).toBe(true);
    expect(await column(unseeded)).toEqual(first);
  });
});

describe('ANSI mode (spark.sql.ansi.enabled = true)', () => {
  const ansi = spark.newSession();
  ansi.conf.set('spark.sql.ansi.enabled', true);

  it('division by zero raises DIVIDE_BY_ZERO', async () => {
    const df = ansi.createDataFrame([{ a: 1, b: 0 }], 'a INT, b INT').select(F.col('a').divide(F.col('b')));
    expect((await errorOfAsync(() => df.collect())).errorClass).toBe('DIVIDE_BY_ZERO');
  });

  it('an invalid string cast raises CAST_INVALID_INPUT', async () => {
    const df = ansi.createDataFrame([{ s: 'abc' }], 's STRING').select(F.col('s').cast('int'));
    const e = await errorOfAsync(() => df.collect());
    expect(e.errorClass).toBe('CAST_INVALID_INPUT');
    expect(e.message).toContain("'abc'");
  });
});
