/**
 * groupBy().agg(), global aggregation and GroupedData shortcuts: exact rows, nulls, empty
 * inputs and Spark's auto-generated column names.
 */
import { describe, expect, it } from 'vitest';
import { F, RivuletError, Session, T } from '../../src/index.js';

const spark = Session.builder().appName('api-aggregation').getOrCreate();

function errorOf(fn: () => unknown): RivuletError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RivuletError) return e;
    throw e;
  }
  throw new Error('expected a RivuletError');
}

const ts = (iso: string): Date => new Date(iso);

const sales = () =>
  spark.createDataFrame(
    [
      { k: 'a', v: 1, s: 'x', t: ts('2024-01-01T00:00:05Z') },
      { k: 'a', v: null, s: 'y', t: ts('2024-01-01T00:00:01Z') },
      { k: 'b', v: null, s: null, t: null },
      { k: 'a', v: 3, s: 'x', t: ts('2024-01-01T00:00:09Z') },
      { k: null, v: 5, s: 'z', t: ts('2024-01-02T00:00:00Z') },
      { k: 'c', v: 2, s: null, t: ts('2024-01-03T00:00:00Z') },
      { k: 'c', v: 4, s: 'q', t: ts('2024-01-03T00:00:00Z') },
    ],
    'k STRING, v INT, s STRING, t TIMESTAMP',
  );

describe('groupBy().agg()', () => {
  it('count(*), count(col), sum, avg, min, max with Spark names, types and null handling', async () => {
    const df = sales()
      .groupBy('k')
      .agg(F.count('*'), F.count('v'), F.sum('v'), F.avg('v'), F.min('s'), F.max('s'), F.min('t'), F.max('t'))
      .orderBy('k');
    expect(df.columns).toEqual(['k', 'count(1)', 'count(v)', 'sum(v)', 'avg(v)', 'min(s)', 'max(s)', 'min(t)', 'max(t)']);
    expect(df.dtypes).toEqual([
      ['k', 'string'],
      ['count(1)', 'bigint'],
      ['count(v)', 'bigint'],
      ['sum(v)', 'bigint'],
      ['avg(v)', 'double'],
      ['min(s)', 'string'],
      ['max(s)', 'string'],
      ['min(t)', 'timestamp'],
      ['max(t)', 'timestamp'],
    ]);
    expect(df.schema.fields.slice(1, 3).map((f) => f.nullable)).toEqual([false, false]);
    expect(await df.collect()).toEqual([
      {
        k: null,
        'count(1)': 1,
        'count(v)': 1,
        'sum(v)': 5,
        'avg(v)': 5,
        'min(s)': 'z',
        'max(s)': 'z',
        'min(t)': ts('2024-01-02T00:00:00Z'),
        'max(t)': ts('2024-01-02T00:00:00Z'),
      },
      {
        k: 'a',
        'count(1)': 3,
        'count(v)': 2,
        'sum(v)': 4,
        'avg(v)': 2,
        'min(s)': 'x',
        'max(s)': 'y',
        'min(t)': ts('2024-01-01T00:00:01Z'),
        'max(t)': ts('2024-01-01T00:00:09Z'),
      },
      // Every v is null: count(v) is 0 and sum/avg are null.
      { k: 'b', 'count(1)': 1, 'count(v)': 0, 'sum(v)': null, 'avg(v)': null, 'min(s)': null, 'max(s)': null, 'min(t)': null, 'max(t)': null },
      {
        k: 'c',
        'count(1)': 2,
        'count(v)': 2,
        'sum(v)': 6,
        'avg(v)': 3,
        'min(s)': 'q',
        'max(s)': 'q',
        'min(t)': ts('2024-01-03T00:00:00Z'),
        'max(t)': ts('2024-01-03T00:00:00Z'),
      },
    ]);
  });

  it('avg of integers is a double; sum of doubles stays double', async () => {
    const df = spark.createDataFrame([{ g: 1, i: 1, d: 0.5 }, { g: 1, i: 2, d: 0.25 }], 'g INT, i INT, d DOUBLE');
    const r = df.groupBy('g').agg(F.avg('i'), F.sum('d'), F.mean('d'));
    expect(r.columns).toEqual(['g', 'avg(i)', 'sum(d)', 'avg(d)']);
    expect(r.dtypes.map((d) => d[1])).toEqual(['int', 'double', 'double', 'double']);
    expect(await r.toArray()).toEqual([[1, 1.5, 0.75, 0.375]]);
  });

  it('countDistinct ignores nulls; with several columns rows with any null are skipped', async () => {
    const df = sales().groupBy('k').agg(F.countDistinct('s'), F.countDistinct('s', 'v')).orderBy('k');
    expect(df.columns).toEqual(['k', 'count(DISTINCT s)', 'count(DISTINCT s, v)']);
    expect(await df.toArray()).toEqual([
      [null, 1, 1],
      ['a', 2, 2],
      ['b', 0, 0],
      ['c', 1, 1],
    ]);
  });

  it('collectList keeps input order and skips nulls; collectSet drops duplicates', async () => {
    const df = sales().groupBy('k').agg(F.collectList('s'), F.collectSet('s'), F.collectList('v')).orderBy('k');
    expect(df.columns).toEqual(['k', 'collect_list(s)', 'collect_set(s)', 'collect_list(v)']);
    // collect_list/collect_set never hold nulls (containsNull = false) and are never null.
    expect(df.schema.fields.slice(1)).toEqual([
      T.field('collect_list(s)', T.array(T.string(), false), false),
      T.field('collect_set(s)', T.array(T.string(), false), false),
      T.field('collect_list(v)', T.array(T.int(), false), false),
    ]);
    const rows = await df.collect();
    expect(rows.map((r) => r['collect_list(s)'])).toEqual([['z'], ['x', 'y', 'x'], [], ['q']]);
    expect(rows.map((r) => [...(r['collect_set(s)'] as string[])].sort())).toEqual([['z'], ['x', 'y'], [], ['q']]);
    expect(rows.map((r) => r['collect_list(v)'])).toEqual([[5], [1, 3], [], [2, 4]]);
  });

  it('first / last respect input order; ignoreNulls skips nulls', async () => {
    const df = sales()
      .groupBy('k')
      .agg(
        F.first('s'),
        F.last('s'),
        F.first('s', true).alias('first_nn'),
        F.last('v', true).alias('last_nn'),
      )
      .orderBy('k');
    expect(df.columns).toEqual(['k', 'first(s)', 'last(s)', 'first_nn', 'last_nn']);
    expect(await df.toArray()).toEqual([
      [null, 'z', 'z', 'z', 5],
      ['a', 'x', 'x', 'x', 3],
      ['b', null, null, null, null],
      ['c', null, 'q', 'q', 4],
    ]);
  });

  it('approxCountDistinct is exact on small inputs', async () => {
    const r = sales().agg(F.approxCountDistinct('s'), F.approxCountDistinct('k'));
    expect(r.columns).toEqual(['approx_count_distinct(s)', 'approx_count_distinct(k)']);
    expect(await r.toArray()).toEqual([[4, 3]]);
  });

  it('groupBy several columns and by expressions, named as Spark does', async () => {
    const df = sales().groupBy('k', F.col('v').mod(2)).count().orderBy('k', '(v % 2)');
    expect(df.columns).toEqual(['k', '(v % 2)', 'count']);
    expect(await df.toArray()).toEqual([
      [null, 1, 1],
      ['a', null, 1],
      ['a', 1, 2],
      ['b', null, 1],
      ['c', 0, 2],
    ]);
    const byAlias = sales().groupBy(F.upper(F.col('k')).alias('K')).agg(F.sum('v').alias('total')).orderBy('K');
    expect(byAlias.columns).toEqual(['K', 'total']);
    expect(await byAlias.toArray()).toEqual([
      [null, 5],
      ['A', 4],
      ['B', null],
      ['C', 6],
    ]);
  });

  it('aggregates of expressions and expressions of aggregates get generated names', async () => {
    const df = spark.createDataFrame([{ a: 1 }, { a: 2 }, { a: null }], 'a INT');
    const r = df.agg(F.count('*'), F.sum('a'), F.avg('a'), F.max(F.col('a').plus(1)), F.sum('a').plus(1), F.count(F.lit(1)));
    expect(r.columns).toEqual(['count(1)', 'sum(a)', 'avg(a)', 'max((a + 1))', '(sum(a) + 1)', 'count(1)']);
    expect(await r.toArray()).toEqual([[3, 3, 1.5, 3, 4, 3]]);
    const proj = df.select(F.col('a').plus(1), F.col('a').multiply(2), F.col('a').minus(F.lit(1)));
    expect(proj.columns).toEqual(['(a + 1)', '(a * 2)', '(a - 1)']);
  });

  it('groupBy().count() names its column `count`; GroupedData shortcuts name theirs sum(x), avg(x)...', async () => {
    const counted = sales().groupBy('k').count().orderBy('k');
    expect(counted.columns).toEqual(['k', 'count']);
    expect(counted.dtypes).toEqual([
      ['k', 'string'],
      ['count', 'bigint'],
    ]);
    expect(await counted.toArray()).toEqual([
      [null, 1],
      ['a', 3],
      ['b', 1],
      ['c', 2],
    ]);
    expect(await sales().groupBy().count().collect()).toEqual([{ count: 7 }]);
    const g = sales().groupBy('k');
    expect(g.sum('v').columns).toEqual(['k', 'sum(v)']);
    expect(g.avg('v').columns).toEqual(['k', 'avg(v)']);
    expect(g.min('v', 's').columns).toEqual(['k', 'min(v)', 'min(s)']);
    expect(g.max('v').columns).toEqual(['k', 'max(v)']);
    expect(await g.max('v').orderBy('k').toArray()).toEqual([
      [null, 5],
      ['a', 3],
      ['b', null],
      ['c', 4],
    ]);
  });

  it('groups all NaNs together and -0.0 with 0.0 (Spark normalizes floating keys)', async () => {
    const df = spark.createDataFrame([{ d: NaN }, { d: 0 }, { d: NaN }, { d: -0 }, { d: null }, { d: 1 }], 'd DOUBLE');
    const r = await df.groupBy('d').count().orderBy('d').toArray();
    expect(r).toEqual([
      [null, 1],
      [0, 2],
      [1, 1],
      [NaN, 2],
    ]);
    expect(await df.select('d').distinct().count()).toBe(4);
    expect(await df.agg(F.countDistinct('d')).toArray()).toEqual([[3]]);
    expect(await df.agg(F.max('d'), F.min('d')).toArray()).toEqual([[NaN, 0]]);
  });

  it('select() of aggregates is a global aggregation', async () => {
    const r = sales().select(F.sum('v'), F.max('k'));
    expect(r.columns).toEqual(['sum(v)', 'max(k)']);
    expect(await r.collect()).toEqual([{ 'sum(v)': 15, 'max(k)': 'c' }]);
  });

  it('a column that is neither grouped nor aggregated fails with MISSING_AGGREGATION', () => {
    const e = errorOf(() => sales().groupBy('k').agg(F.col('v')));
    expect(e.errorClass).toBe('MISSING_AGGREGATION');
    expect(e.message).toContain('"v"');
    expect(errorOf(() => sales().groupBy('k').agg(F.sum('v').plus(F.col('v')))).errorClass).toBe('MISSING_AGGREGATION');
  });

  it('an aggregate inside an aggregate fails with NESTED_AGGREGATE_FUNCTION', () => {
    expect(errorOf(() => sales().agg(F.sum(F.max('v')))).errorClass).toBe('NESTED_AGGREGATE_FUNCTION');
  });
});

describe('aggregation over empty input', () => {
  const empty = () => spark.createDataFrame([], 'k STRING, v INT, s STRING');

  it('a global aggregation over no rows returns one row: count 0, sum null, empty lists', async () => {
    const r = empty().agg(
      F.count('*'),
      F.count('v'),
      F.sum('v'),
      F.avg('v'),
      F.max('s'),
      F.countDistinct('s'),
      F.collectList('s'),
      F.first('s'),
    );
    expect(await r.collect()).toEqual([
      {
        'count(1)': 0,
        'count(v)': 0,
        'sum(v)': null,
        'avg(v)': null,
        'max(s)': null,
        'count(DISTINCT s)': 0,
        'collect_list(s)': [],
        'first(s)': null,
      },
    ]);
    expect(await empty().groupBy().count().collect()).toEqual([{ count: 0 }]);
    expect(await empty().count()).toBe(0);
  });

  it('a grouped aggregation over no rows returns no rows', async () => {
    expect(await empty().groupBy('k').agg(F.count('*')).collect()).toEqual([]);
    expect(await empty().groupBy('k').count().collect()).toEqual([]);
  });

  it('a filter that removes everything then a global count gives 0', async () => {
    expect(await sales().filter(F.col('v').gt(100)).agg(F.count('*').alias('n'), F.sum('v').alias('s')).collect()).toEqual([
      { n: 0, s: null },
    ]);
  });
});

describe('time windows', () => {
  it('groupBy(window(t, ...)) buckets rows into [start, end) windows returned as {start, end} Dates', async () => {
    const df = sales()
      .filter(F.col('t').isNotNull())
      .groupBy(F.window('t', '1 day'))
      .agg(F.count('*').alias('n'), F.sum('v').alias('total'))
      .orderBy('window');
    expect(df.columns).toEqual(['window', 'n', 'total']);
    expect(df.schema.fields[0]).toEqual(
      T.field('window', T.struct([T.field('start', T.timestamp()), T.field('end', T.timestamp())]), false),
    );
    expect(await df.collect()).toEqual([
      { window: { start: ts('2024-01-01T00:00:00Z'), end: ts('2024-01-02T00:00:00Z') }, n: 3, total: 4 },
      { window: { start: ts('2024-01-02T00:00:00Z'), end: ts('2024-01-03T00:00:00Z') }, n: 1, total: 5 },
      { window: { start: ts('2024-01-03T00:00:00Z'), end: ts('2024-01-04T00:00:00Z') }, n: 2, total: 6 },
    ]);
  });

  it('sliding windows put a row into every window that covers it', async () => {
    const df = spark.createDataFrame([{ t: ts('2024-01-01T00:00:07Z') }], 't TIMESTAMP');
    const r = await df.groupBy(F.window('t', '10 seconds', '5 seconds')).count().orderBy('window').collect();
    expect(r).toEqual([
      { window: { start: ts('2024-01-01T00:00:00Z'), end: ts('2024-01-01T00:00:10Z') }, count: 1 },
      { window: { start: ts('2024-01-01T00:00:05Z'), end: ts('2024-01-01T00:00:15Z') }, count: 1 },
    ]);
  });
});
