/**
 * show() / showString() produce Spark 4's exact table text; explain() produces the four plan
 * sections in Spark's order.
 */
import { describe, expect, it } from 'vitest';
import { F, Session } from '../../src/index.js';

const base = Session.builder().appName('api-show-explain').getOrCreate();

/** A session whose show()/printSchema() output is captured. */
function capturing(): { spark: Session; lines: string[] } {
  const spark = base.newSession();
  const lines: string[] = [];
  spark.logger = (t) => lines.push(t);
  return { spark, lines };
}

const ts = (iso: string): Date => new Date(iso);

const table = (...lines: string[]): string => lines.join('\n');

function sample(spark: Session) {
  return spark.createDataFrame(
    [
      { id: 1, name: 'alice', score: 1.5, t: ts('2024-01-01T00:00:00Z') },
      { id: 2, name: null, score: null, t: null },
      { id: 3, name: 'a very long name that exceeds twenty', score: 100, t: ts('2024-01-01T12:30:45.120Z') },
    ],
    'id INT, name STRING, score DOUBLE, t TIMESTAMP',
  );
}

describe('show()', () => {
  it('prints the whole table through the session logger, truncating cells to 20 characters', async () => {
    const { spark, lines } = capturing();
    await sample(spark).show();
    expect(lines).toEqual([
      table(
        '+---+--------------------+-----+--------------------+',
        '| id|                name|score|                   t|',
        '+---+--------------------+-----+--------------------+',
        '|  1|               alice|  1.5| 2024-01-01 00:00:00|',
        '|  2|                NULL| NULL|                NULL|',
        '|  3|a very long name ...|100.0|2024-01-01 12:30:...|',
        '+---+--------------------+-----+--------------------+',
        '',
      ),
    ]);
  });

  it('show(n) prints n rows and the `only showing top n rows` footer (singular for 1)', async () => {
    const { spark, lines } = capturing();
    const df = sample(spark);
    await df.show(2);
    await df.show(1);
    await df.show(3);
    expect(lines[0]).toBe(
      table(
        '+---+-----+-----+-------------------+',
        '| id| name|score|                  t|',
        '+---+-----+-----+-------------------+',
        '|  1|alice|  1.5|2024-01-01 00:00:00|',
        '|  2| NULL| NULL|               NULL|',
        '+---+-----+-----+-------------------+',
        'only showing top 2 rows',
      ),
    );
    expect(lines[1]).toBe(
      table(
        '+---+-----+-----+-------------------+',
        '| id| name|score|                  t|',
        '+---+-----+-----+-------------------+',
        '|  1|alice|  1.5|2024-01-01 00:00:00|',
        '+---+-----+-----+-------------------+',
        'only showing top 1 row',
      ),
    );
    // Exactly n rows: no footer.
    expect(lines[2]!.endsWith('+\n')).toBe(true);
    expect(lines[2]).not.toContain('only showing');
  });

  it('show(n, false) left-aligns and does not truncate', async () => {
    const { spark, lines } = capturing();
    const df = spark.createDataFrame(
      [
        { k: 'a long value, longer than twenty', v: 1 },
        { k: 'b', v: null },
      ],
      'k STRING, v BIGINT',
    );
    await df.show(20, false);
    expect(lines).toEqual([
      table(
        '+--------------------------------+----+',
        '|k                               |v   |',
        '+--------------------------------+----+',
        '|a long value, longer than twenty|1   |',
        '|b                               |NULL|',
        '+--------------------------------+----+',
        '',
      ),
    ]);
  });
});

describe('showString(n, truncate)', () => {
  it('truncate = n keeps n - 3 characters plus `...`; below 4 it cuts without an ellipsis', () => {
    const df = sample(base).select('id', 'name');
    expect(df.showString(20, 5)).toBe(
      table(
        '+---+-----+',
        '| id| name|',
        '+---+-----+',
        '|  1|alice|',
        '|  2| NULL|',
        '|  3|a ...|',
        '+---+-----+',
        '',
      ),
    );
    expect(df.showString(20, 3)).toBe(
      table(
        '+---+----+',
        '| id|name|',
        '+---+----+',
        '|  1| ali|',
        '|  2| NUL|',
        '|  3| a v|',
        '+---+----+',
        '',
      ),
    );
    expect(df.showString(20, true)).toBe(df.showString());
  });

  it('column headers are never truncated', () => {
    const df = base.createDataFrame([{ a_really_long_column_name: 1 }], 'a_really_long_column_name INT');
    expect(df.showString(20, 5)).toBe(
      table('+-------------------------+', '|a_really_long_column_name|', '+-------------------------+', '|                        1|', '+-------------------------+', ''),
    );
  });

  it('an empty DataFrame shows the header only; showString(0) adds the footer when rows exist', () => {
    const empty = base.createDataFrame([], 'a INT, b STRING');
    expect(empty.showString()).toBe(table('+---+---+', '|  a|  b|', '+---+---+', '+---+---+', ''));
    expect(sample(base).select('id').showString(0)).toBe(table('+---+', '| id|', '+---+', '+---+', 'only showing top 0 rows'));
  });

  it('renders nested, boolean, long, date and double values as Spark does', () => {
    const df = base.createDataFrame(
      [
        {
          b: true,
          l: 10_000_000_000,
          d: 1e21,
          xs: [1, null],
          s: { x: 1, y: 'q' },
          m: new Map([['k', 2]]),
          dt: '2024-02-29',
        },
      ],
      'b BOOLEAN, l BIGINT, d DOUBLE, xs ARRAY<INT>, s STRUCT<x: INT, y: STRING>, m MAP<STRING, INT>, dt DATE',
    );
    expect(df.showString()).toBe(
      table(
        '+----+-----------+------+---------+------+--------+----------+',
        '|   b|          l|     d|       xs|     s|       m|        dt|',
        '+----+-----------+------+---------+------+--------+----------+',
        '|true|10000000000|1.0E21|[1, NULL]|{1, q}|{k -> 2}|2024-02-29|',
        '+----+-----------+------+---------+------+--------+----------+',
        '',
      ),
    );
  });

  it('escapes control characters and counts full-width characters as two columns', () => {
    const df = base.createDataFrame([{ s: 'a\nb' }, { s: '日本' }], 's STRING');
    expect(df.showString()).toBe(table('+----+', '|   s|', '+----+', '|a\\nb|', '|日本|', '+----+', ''));
  });

  it('timestamps are shown in the session time zone', () => {
    const s = base.newSession();
    s.conf.set('spark.sql.session.timeZone', 'America/Los_Angeles');
    const df = s.createDataFrame([{ t: ts('2024-01-01T00:00:00Z') }], 't TIMESTAMP');
    expect(df.showString()).toBe(table('+-------------------+', '|                  t|', '+-------------------+', '|2023-12-31 16:00:00|', '+-------------------+', ''));
  });
});

describe('explain()', () => {
  const query = () =>
    base
      .createDataFrame([{ name: 'a', age: 1 }], 'name STRING, age INT')
      .filter(F.col('age').gt(0))
      .select('name', F.col('age').plus(1));

  it('explain(true) returns the four sections in order; the analyzed one starts with the schema', () => {
    const df = query();
    const text = df.explain(true);
    const headers = ['== Parsed Logical Plan ==', '== Analyzed Logical Plan ==', '== Optimized Logical Plan ==', '== Physical Plan =='];
    const at = headers.map((h) => text.indexOf(h));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const analyzed = text.slice(at[1]!, at[2]!).split('\n');
    expect(analyzed[1]).toBe('name: string, (age + 1): int');
    expect(analyzed[2]).toMatch(/^Project /);
    expect(text.slice(at[1]!, at[2]!)).toContain('Filter');
    expect(text.slice(at[1]!, at[2]!)).toContain('LocalRelation');
    expect(text.slice(at[3]!)).toContain('LocalTableScan');
    // Spark's physical line is `Filter (age#2 > 0)`, with a space like the logical one.
    expect(text.slice(at[3]!)).toMatch(/Filter \(age#\d+ > 0\)/);
    expect(df.explain('extended')).toBe(text);
  });

  it('explain() (simple) returns the physical plan only', () => {
    const df = query();
    const text = df.explain();
    expect(text.startsWith('== Physical Plan ==\n')).toBe(true);
    expect(text).not.toContain('== Parsed Logical Plan ==');
    expect(text).toContain('Project');
    expect(text).toContain('Filter');
    expect(text).toContain('LocalTableScan');
    expect(df.explain(false)).toBe(text);
  });

  it('explain() does not execute anything and works on streaming DataFrames', () => {
    const mem = base.memoryStream('a INT');
    const text = mem.toDF().filter(F.col('a').gt(1)).explain(true);
    expect(text).toContain('== Physical Plan ==');
    expect(text).toContain('StreamingRelation');
  });
});
