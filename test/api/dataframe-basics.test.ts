/**
 * The public batch DataFrame API: creation, schemas, projections, filters, column edits,
 * distinct/dropDuplicates, limit, ordering and set operations, with exact rows (Spark semantics).
 */
import { describe, expect, it } from 'vitest';
import { F, RivuletError, Session, T } from '../../src/index.js';

const spark = Session.builder().appName('api-dataframe-basics').getOrCreate();

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

const people = () =>
  spark.createDataFrame(
    [
      { id: 1, name: 'alice', age: 34, dept: 'eng' },
      { id: 2, name: 'bob', age: null, dept: 'ops' },
      { id: 3, name: 'carol', age: 29, dept: 'eng' },
      { id: 4, name: null, age: 41, dept: null },
    ],
    'id INT NOT NULL, name STRING, age INT, dept STRING',
  );

describe('createDataFrame', () => {
  it('takes a DDL schema, object and positional rows, and every timestamp input form', async () => {
    const df = spark.createDataFrame(
      [
        { id: 1, name: 'a', t: '2024-01-01T10:00:00Z' },
        [2, null, ts('2024-01-02T00:00:00.250Z')],
        { id: 3, name: 'c', t: 1_700_000_000_000 },
        { id: 4, name: 'd', t: '2024-03-01 12:30:00' },
        { id: 5, name: 'e', t: null },
      ],
      'id INT NOT NULL, name STRING, t TIMESTAMP',
    );
    expect(df.columns).toEqual(['id', 'name', 't']);
    expect(df.schema).toEqual(
      T.struct([T.field('id', T.int(), false), T.field('name', T.string()), T.field('t', T.timestamp())]),
    );
    expect(df.schema).toEqual(T.fromDDL('id INT NOT NULL, name STRING, t TIMESTAMP'));
    expect(df.dtypes).toEqual([
      ['id', 'int'],
      ['name', 'string'],
      ['t', 'timestamp'],
    ]);
    expect(df.isStreaming).toBe(false);
    expect(await df.collect()).toEqual([
      { id: 1, name: 'a', t: ts('2024-01-01T10:00:00Z') },
      { id: 2, name: null, t: ts('2024-01-02T00:00:00.250Z') },
      { id: 3, name: 'c', t: new Date(1_700_000_000_000) },
      // A zone-less string is read in the session time zone (UTC by default).
      { id: 4, name: 'd', t: ts('2024-03-01T12:30:00Z') },
      { id: 5, name: 'e', t: null },
    ]);
    const rows = await df.collect();
    expect(rows[0]!.t).toBeInstanceOf(Date);
    expect(await df.count()).toBe(5);
  });

  it('takes a T.struct schema with nested struct, array and map types', async () => {
    const schema = T.struct([
      T.field('id', T.long(), false),
      T.field('tags', T.array(T.string())),
      T.field('attrs', T.map(T.string(), T.int())),
      T.field('loc', T.struct([T.field('lat', T.double()), T.field('lon', T.double())])),
    ]);
    const df = spark.createDataFrame(
      [
        { id: 1, tags: ['x', null], attrs: new Map([['k', 1]]), loc: { lat: 1.5, lon: -2 } },
        { id: 2n, tags: [], attrs: null, loc: null },
      ],
      schema,
    );
    expect(df.schema).toEqual(schema);
    expect(await df.collect()).toEqual([
      { id: 1, tags: ['x', null], attrs: new Map([['k', 1]]), loc: { lat: 1.5, lon: -2 } },
      { id: 2, tags: [], attrs: null, loc: null },
    ]);
    const text = df.printSchema();
    expect(text).toBe(
      [
        'root',
        ' |-- id: long (nullable = false)',
        ' |-- tags: array (nullable = true)',
        ' |    |-- element: string (containsNull = true)',
        ' |-- attrs: map (nullable = true)',
        ' |    |-- key: string',
        ' |    |-- value: integer (valueContainsNull = true)',
        ' |-- loc: struct (nullable = true)',
        ' |    |-- lat: double (nullable = true)',
        ' |    |-- lon: double (nullable = true)',
        '',
      ].join('\n'),
    );
  });

  it("dtypes gives Spark's simpleString of every type, complex ones included", () => {
    const df = spark.createDataFrame(
      [],
      'i INT, l BIGINT, d DOUBLE, b BOOLEAN, t TIMESTAMP, dt DATE, tags ARRAY<STRING>, attrs MAP<STRING, INT>, loc STRUCT<lat: DOUBLE, xs: ARRAY<BIGINT>>',
    );
    expect(df.dtypes).toEqual([
      ['i', 'int'],
      ['l', 'bigint'],
      ['d', 'double'],
      ['b', 'boolean'],
      ['t', 'timestamp'],
      ['dt', 'date'],
      ['tags', 'array<string>'],
      ['attrs', 'map<string,int>'],
      ['loc', 'struct<lat:double,xs:array<bigint>>'],
    ]);
    expect(spark.createDataFrame([{ st: { x: 1, y: 'q' }, arr: [1] }]).dtypes).toEqual([
      ['st', 'struct<x:bigint,y:string>'],
      ['arr', 'array<bigint>'],
    ]);
  });

  it('printSchema() also writes the tree through the session logger', () => {
    const s = spark.newSession();
    const lines: string[] = [];
    s.logger = (t) => lines.push(t);
    const text = s.createDataFrame([{ a: 1 }]).printSchema();
    expect(lines).toEqual([text]);
    expect(text).toBe('root\n |-- a: long (nullable = true)\n');
  });

  it('infers a schema: integral numbers → long, others → double, Date → timestamp, objects → struct', async () => {
    const df = spark.createDataFrame([
      { i: 1, d: 1.5, s: 'a', b: true, t: ts('2024-01-01T00:00:00Z'), arr: [1, 2], st: { x: 1, y: 'q' } },
      { i: null, d: 2, s: null, b: null, t: null, arr: null, st: null },
    ]);
    expect(df.columns).toEqual(['i', 'd', 's', 'b', 't', 'arr', 'st']);
    expect(df.schema.fields.map((f) => f.type)).toEqual([
      'long',
      'double',
      'string',
      'boolean',
      'timestamp',
      T.array(T.long()),
      T.struct([T.field('x', T.long()), T.field('y', T.string())]),
    ]);
    expect(df.schema.fields.every((f) => f.nullable)).toBe(true);
    expect(await df.collect()).toEqual([
      { i: 1, d: 1.5, s: 'a', b: true, t: ts('2024-01-01T00:00:00Z'), arr: [1, 2], st: { x: 1, y: 'q' } },
      { i: null, d: 2, s: null, b: null, t: null, arr: null, st: null },
    ]);
  });

  it('infers from positional rows with a list of column names', async () => {
    const df = spark.createDataFrame(
      [
        [1, 'a'],
        [2, 'b'],
      ],
      ['n', 'letter'],
    );
    expect(df.dtypes).toEqual([
      ['n', 'bigint'],
      ['letter', 'string'],
    ]);
    expect(await df.collect()).toEqual([
      { n: 1, letter: 'a' },
      { n: 2, letter: 'b' },
    ]);
  });

  it('an empty input with a schema is an empty DataFrame; without one inference fails', async () => {
    const empty = spark.createDataFrame([], 'a INT, b STRING');
    expect(empty.columns).toEqual(['a', 'b']);
    expect(await empty.collect()).toEqual([]);
    expect(await empty.count()).toBe(0);
    expect(errorOf(() => spark.createDataFrame([])).errorClass).toBe('CANNOT_INFER_EMPTY_SCHEMA');
    const allNull = errorOf(() => spark.createDataFrame([{ a: 1, b: null }, { a: 2, b: null }]));
    expect(allNull.errorClass).toBe('CANNOT_DETERMINE_TYPE');
    expect(allNull.message).toContain('b');
  });

  it('rejects a null in a NOT NULL column, naming the row and the column', () => {
    const e = errorOf(() =>
      spark.createDataFrame(
        [
          { id: 1, s: 'a' },
          { id: null, s: 'b' },
        ],
        'id INT NOT NULL, s STRING',
      ),
    );
    // PySpark's verifier: FIELD_NOT_NULLABLE_WITH_NAME (the field is named).
    expect(e.errorClass).toBe('FIELD_NOT_NULLABLE_WITH_NAME');
    expect(e.message).toContain('row 1');
    expect(e.message).toContain('id');
  });

  it('rejects a value of the wrong type, naming the row and the column', () => {
    const e = errorOf(() =>
      spark.createDataFrame(
        [
          { id: 1, s: 'a' },
          { id: 2, s: 'b' },
          { id: 3, s: 42 },
        ],
        'id INT NOT NULL, s STRING',
      ),
    );
    // PySpark's verifier: FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME.
    expect(e.errorClass).toBe('FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME');
    expect(e.message).toContain('row 2');
    expect(e.message).toContain("'s'");
    expect(errorOf(() => spark.createDataFrame([{ n: 1.5 }], 'n INT')).message).toContain("'n'");
    expect(errorOf(() => spark.createDataFrame([{ n: 'x' }], 'n INT')).message).toContain('row 0');
    expect(errorOf(() => spark.createDataFrame([{ t: 'not a time' }], 't TIMESTAMP')).message).toContain("'t'");
  });

  it('rejects a nested null in a non-nullable struct field, naming the path', () => {
    const schema = T.struct([T.field('s', T.struct([T.field('a', T.int(), false)]))]);
    const e = errorOf(() => spark.createDataFrame([{ s: { a: null } }], schema));
    expect(e.message).toContain('s.a');
  });
});

describe('select / selectExpr', () => {
  it('selects by name, by Column and by arrays of names, in the order asked', async () => {
    const df = people();
    expect(await df.select('name', 'id').collect()).toEqual([
      { name: 'alice', id: 1 },
      { name: 'bob', id: 2 },
      { name: 'carol', id: 3 },
      { name: null, id: 4 },
    ]);
    expect((await df.select(['dept', 'id']).collect())[0]).toEqual({ dept: 'eng', id: 1 });
    const computed = df.select(F.col('id'), F.col('age').plus(1), F.col('name').alias('who'));
    expect(computed.columns).toEqual(['id', '(age + 1)', 'who']);
    expect(computed.dtypes).toEqual([
      ['id', 'int'],
      ['(age + 1)', 'int'],
      ['who', 'string'],
    ]);
    expect(await computed.collect()).toEqual([
      { id: 1, '(age + 1)': 35, who: 'alice' },
      { id: 2, '(age + 1)': null, who: 'bob' },
      { id: 3, '(age + 1)': 30, who: 'carol' },
      { id: 4, '(age + 1)': 42, who: null },
    ]);
    expect(df.select('*').columns).toEqual(['id', 'name', 'age', 'dept']);
  });

  it('resolves names case-insensitively but keeps the stored spelling', async () => {
    const df = people().select('NAME', F.col('Id'));
    expect(df.columns).toEqual(['name', 'id']);
    expect((await df.collect())[0]).toEqual({ name: 'alice', id: 1 });
  });

  it("expands 'struct.*' and extracts nested fields with 's.a'", async () => {
    const df = spark.createDataFrame(
      [
        { id: 1, s: { a: 10, b: 'x' } },
        { id: 2, s: null },
        { id: 3, s: { a: null, b: 'z' } },
      ],
      'id INT, s STRUCT<a: INT, b: STRING>',
    );
    const star = df.select('id', 's.*');
    expect(star.columns).toEqual(['id', 'a', 'b']);
    expect(star.dtypes).toEqual([
      ['id', 'int'],
      ['a', 'int'],
      ['b', 'string'],
    ]);
    expect(await star.collect()).toEqual([
      { id: 1, a: 10, b: 'x' },
      { id: 2, a: null, b: null },
      { id: 3, a: null, b: 'z' },
    ]);
    const nested = df.select('s.a', F.col('s.b'));
    expect(nested.columns).toEqual(['a', 'b']);
    expect(await nested.collect()).toEqual([
      { a: 10, b: 'x' },
      { a: null, b: null },
      { a: null, b: 'z' },
    ]);
    const viaGetField = df.select(F.col('s').getField('a'));
    expect(viaGetField.columns).toEqual(['s.a']);
    expect(await viaGetField.toArray()).toEqual([[10], [null], [null]]);
    expect(await df.select('s').collect()).toEqual([{ s: { a: 10, b: 'x' } }, { s: null }, { s: { a: null, b: 'z' } }]);
  });

  it('selectExpr takes SQL expressions and names them as Spark does', async () => {
    const df = people().selectExpr('id * 2 AS d', 'upper(name)', 'age IS NULL', 'age + 1');
    expect(df.columns).toEqual(['d', 'upper(name)', '(age IS NULL)', '(age + 1)']);
    expect(await df.collect()).toEqual([
      { d: 2, 'upper(name)': 'ALICE', '(age IS NULL)': false, '(age + 1)': 35 },
      { d: 4, 'upper(name)': 'BOB', '(age IS NULL)': true, '(age + 1)': null },
      { d: 6, 'upper(name)': 'CAROL', '(age IS NULL)': false, '(age + 1)': 30 },
      { d: 8, 'upper(name)': null, '(age IS NULL)': false, '(age + 1)': 42 },
    ]);
  });
});

describe('resolution details', () => {
  it('orderBy and filter may use a column the projection dropped (Spark resolves missing references)', async () => {
    expect(await people().select('name').orderBy(F.desc('age')).toArray()).toEqual([[null], ['alice'], ['carol'], ['bob']]);
    expect(await people().select('name').filter(F.col('age').gt(30)).toArray()).toEqual([['alice'], [null]]);
  });

  it('a name with a dot is quoted with backticks', async () => {
    const df = spark.createDataFrame([{ 'a.b': 1, c: 2 }], '`a.b` INT, c INT');
    expect(df.columns).toEqual(['a.b', 'c']);
    expect(await df.select('`a.b`').collect()).toEqual([{ 'a.b': 1 }]);
    expect(await df.select(F.col('`a.b`').plus(1).alias('x')).collect()).toEqual([{ x: 2 }]);
  });

  it("selectExpr('*', ...) keeps every column and appends", async () => {
    const df = people().selectExpr('*', 'id + 1 AS next');
    expect(df.columns).toEqual(['id', 'name', 'age', 'dept', 'next']);
    expect(await df.select('next').toArray()).toEqual([[2], [3], [4], [5]]);
  });

  it('a renamed column is no longer reachable by its old name', () => {
    expect(errorOf(() => people().withColumnRenamed('name', 'n').select('name')).errorClass).toBe('UNRESOLVED_COLUMN.WITH_SUGGESTION');
  });

  it('limit applies before a later filter; a filter before a limit applies first', async () => {
    expect(await people().limit(2).filter(F.col('id').gt(1)).select('id').toArray()).toEqual([[2]]);
    expect(await people().filter(F.col('id').gt(1)).limit(2).select('id').toArray()).toEqual([[2], [3]]);
    expect(await people().orderBy(F.desc('id')).limit(2).orderBy('id').select('id').toArray()).toEqual([[3], [4]]);
  });
});

describe('filter / where', () => {
  it('keeps rows whose condition is true (null and false are dropped)', async () => {
    const df = people();
    expect(await df.filter(F.col('age').gt(30)).select('id').toArray()).toEqual([[1], [4]]);
    expect(await df.where(F.col('age').leq(30).or(F.col('age').isNull())).select('id').toArray()).toEqual([[2], [3]]);
    // name = NULL is null for every row: nothing passes.
    expect(await df.filter(F.col('name').eq(null)).count()).toBe(0);
    expect(await df.filter(F.col('name').isNull()).select('id').toArray()).toEqual([[4]]);
  });

  it('accepts a SQL string', async () => {
    const df = people();
    expect(await df.filter("age > 30 AND dept = 'eng'").collect()).toEqual([{ id: 1, name: 'alice', age: 34, dept: 'eng' }]);
    expect(await df.where('dept IS NULL OR age < 30').select('id').toArray()).toEqual([[3], [4]]);
    expect(await df.filter('name LIKE "%o%"').select('name').toArray()).toEqual([['bob'], ['carol']]);
  });

  it('filters on a literal true / false / null', async () => {
    const df = people();
    expect(await df.filter(F.lit(true)).count()).toBe(4);
    expect(await df.filter(F.lit(false)).count()).toBe(0);
    expect(await df.filter(F.lit(null)).count()).toBe(0);
  });
});

describe('withColumn / withColumns / withColumnRenamed / drop', () => {
  it('withColumn replaces a same-named column in place and appends a new one', async () => {
    const df = people();
    const replaced = df.withColumn('age', F.col('age').plus(1));
    expect(replaced.columns).toEqual(['id', 'name', 'age', 'dept']);
    expect(await replaced.select('age').toArray()).toEqual([[35], [null], [30], [42]]);
    const appended = df.withColumn('one', F.lit(1));
    expect(appended.columns).toEqual(['id', 'name', 'age', 'dept', 'one']);
    expect(appended.dtypes[4]).toEqual(['one', 'int']);
    expect(await appended.select('one').toArray()).toEqual([[1], [1], [1], [1]]);
    // Matching is case-insensitive; the new spelling wins (Spark's withColumns).
    const renamedCase = df.withColumn('AGE', F.col('age').multiply(2));
    expect(renamedCase.columns).toEqual(['id', 'name', 'AGE', 'dept']);
    expect(await renamedCase.select('AGE').toArray()).toEqual([[68], [null], [58], [82]]);
    // The original is unchanged.
    expect(df.columns).toEqual(['id', 'name', 'age', 'dept']);
  });

  it('withColumns adds and replaces several columns at once', async () => {
    const df = people().withColumns({ id: F.col('id').multiply(10), is_eng: F.col('dept').eq('eng') });
    expect(df.columns).toEqual(['id', 'name', 'age', 'dept', 'is_eng']);
    expect(await df.select('id', 'is_eng').toArray()).toEqual([
      [10, true],
      [20, false],
      [30, true],
      [40, null],
    ]);
  });

  it('withColumn can refer to a column it replaces, and new columns to earlier state only', async () => {
    const df = people().withColumn('id', F.col('id').plus(100)).withColumn('id2', F.col('id').multiply(2));
    expect(await df.select('id', 'id2').toArray()).toEqual([
      [101, 202],
      [102, 204],
      [103, 206],
      [104, 208],
    ]);
  });

  it('withColumnRenamed keeps the position; a missing column is a no-op', async () => {
    const df = people().withColumnRenamed('name', 'full_name');
    expect(df.columns).toEqual(['id', 'full_name', 'age', 'dept']);
    expect((await df.collect())[0]).toEqual({ id: 1, full_name: 'alice', age: 34, dept: 'eng' });
    expect(people().withColumnRenamed('nope', 'x').columns).toEqual(['id', 'name', 'age', 'dept']);
  });

  it('drop takes names and Columns; unknown names are ignored', async () => {
    const df = people();
    expect(df.drop('age', 'nope').columns).toEqual(['id', 'name', 'dept']);
    expect(df.drop(F.col('dept')).columns).toEqual(['id', 'name', 'age']);
    expect(df.drop(df.col('id'), 'name').columns).toEqual(['age', 'dept']);
    expect(await df.drop('name', 'dept').collect()).toEqual([
      { id: 1, age: 34 },
      { id: 2, age: null },
      { id: 3, age: 29 },
      { id: 4, age: 41 },
    ]);
  });
});

describe('distinct / dropDuplicates / limit', () => {
  const dups = () =>
    spark.createDataFrame(
      [
        { k: 'a', v: 1, n: 1 },
        { k: 'a', v: 1, n: 1 },
        { k: 'b', v: null, n: 2 },
        { k: 'a', v: 2, n: 3 },
        { k: 'b', v: null, n: 2 },
        { k: null, v: null, n: 4 },
        { k: null, v: null, n: 5 },
      ],
      'k STRING, v INT, n INT',
    );

  it('distinct removes whole-row duplicates (nulls compare equal)', async () => {
    const rows = await dups().distinct().orderBy('n').collect();
    expect(rows).toEqual([
      { k: 'a', v: 1, n: 1 },
      { k: 'b', v: null, n: 2 },
      { k: 'a', v: 2, n: 3 },
      { k: null, v: null, n: 4 },
      { k: null, v: null, n: 5 },
    ]);
  });

  it('dropDuplicates(subset) keeps the first row per key', async () => {
    expect(await dups().dropDuplicates(['k']).orderBy('n').collect()).toEqual([
      { k: 'a', v: 1, n: 1 },
      { k: 'b', v: null, n: 2 },
      { k: null, v: null, n: 4 },
    ]);
    expect(await dups().dropDuplicates(['k', 'v']).orderBy('n').select('n').toArray()).toEqual([[1], [2], [3], [4]]);
    expect(await dups().dropDuplicates().count()).toBe(5);
  });

  it('limit keeps the first n rows; limit(0) is empty; a negative limit is rejected', async () => {
    expect(await people().limit(2).select('id').toArray()).toEqual([[1], [2]]);
    expect(await people().limit(10).count()).toBe(4);
    expect(await people().limit(0).collect()).toEqual([]);
    expect(errorOf(() => people().limit(-1)).errorClass).toBe('INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE');
  });

  it('first / head / take', async () => {
    expect(await people().first()).toEqual({ id: 1, name: 'alice', age: 34, dept: 'eng' });
    expect(await people().head(2)).toEqual([
      { id: 1, name: 'alice', age: 34, dept: 'eng' },
      { id: 2, name: 'bob', age: null, dept: 'ops' },
    ]);
    expect(await people().take(1)).toEqual([{ id: 1, name: 'alice', age: 34, dept: 'eng' }]);
    expect(await spark.createDataFrame([], 'a INT').first()).toBeUndefined();
  });
});

describe('orderBy / sort', () => {
  const ids = async (df: ReturnType<typeof people>): Promise<unknown[]> => (await df.select('id').toArray()).map((r) => r[0]);

  it('ascending puts nulls first, descending puts them last (Spark defaults)', async () => {
    expect(await ids(people().orderBy('age'))).toEqual([2, 3, 1, 4]);
    expect(await ids(people().orderBy(F.col('age').asc()))).toEqual([2, 3, 1, 4]);
    expect(await ids(people().orderBy(F.col('age').desc()))).toEqual([4, 1, 3, 2]);
    expect(await ids(people().sort(F.desc('age')))).toEqual([4, 1, 3, 2]);
    expect(await ids(people().sort(F.asc('age')))).toEqual([2, 3, 1, 4]);
  });

  it('explicit null ordering', async () => {
    expect(await ids(people().orderBy(F.col('age').ascNullsLast()))).toEqual([3, 1, 4, 2]);
    expect(await ids(people().orderBy(F.col('age').ascNullsFirst()))).toEqual([2, 3, 1, 4]);
    expect(await ids(people().orderBy(F.col('age').descNullsFirst()))).toEqual([2, 4, 1, 3]);
    expect(await ids(people().orderBy(F.col('age').descNullsLast()))).toEqual([4, 1, 3, 2]);
    expect(await ids(people().orderBy(F.descNullsFirst('name')))).toEqual([4, 3, 2, 1]);
  });

  it('sorts by several keys, by expressions and by arrays of keys', async () => {
    expect(await ids(people().orderBy('dept', F.col('id').desc()))).toEqual([4, 3, 1, 2]);
    expect(await ids(people().sort(['dept', 'name']))).toEqual([4, 1, 3, 2]);
    expect(await ids(people().orderBy(F.col('id').mod(2), F.col('id').desc()))).toEqual([4, 2, 3, 1]);
  });

  it('compares strings by code point (upper case first) and puts NaN above every number', async () => {
    const words = spark.createDataFrame([{ w: 'b' }, { w: 'B' }, { w: 'a' }, { w: 'ab' }, { w: '' }], 'w STRING');
    expect((await words.orderBy('w').toArray()).map((r) => r[0])).toEqual(['', 'B', 'a', 'ab', 'b']);
    const nums = spark.createDataFrame([{ x: 1 }, { x: NaN }, { x: -Infinity }, { x: null }, { x: Infinity }, { x: -0.5 }], 'x DOUBLE');
    expect((await nums.orderBy('x').toArray()).map((r) => r[0])).toEqual([null, -Infinity, -0.5, 1, Infinity, NaN]);
    expect((await nums.orderBy(F.desc('x')).toArray()).map((r) => r[0])).toEqual([NaN, Infinity, 1, -0.5, -Infinity, null]);
  });

  it('sorts timestamps and booleans', async () => {
    const df = spark.createDataFrame(
      [
        { t: ts('2024-01-02T00:00:00Z'), b: true },
        { t: null, b: false },
        { t: ts('2023-12-31T23:59:59Z'), b: null },
      ],
      't TIMESTAMP, b BOOLEAN',
    );
    expect(await df.orderBy('t').select('t').toArray()).toEqual([[null], [ts('2023-12-31T23:59:59Z')], [ts('2024-01-02T00:00:00Z')]]);
    expect(await df.orderBy(F.desc('b')).select('b').toArray()).toEqual([[true], [false], [null]]);
  });
});

describe('union / unionByName', () => {
  const ab = () =>
    spark.createDataFrame(
      [
        { a: 1, b: 'x' },
        { a: 2, b: 'y' },
      ],
      'a INT, b STRING',
    );

  it('union matches columns by position, keeps duplicates and widens int to long', async () => {
    const other = spark.createDataFrame(
      [
        { x: 10_000_000_000, y: 'z' },
        { x: 1, y: 'x' },
      ],
      'x BIGINT, y STRING',
    );
    const u = ab().union(other);
    expect(u.columns).toEqual(['a', 'b']);
    expect(u.dtypes).toEqual([
      ['a', 'bigint'],
      ['b', 'string'],
    ]);
    expect(await u.collect()).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
      { a: 10_000_000_000, b: 'z' },
      { a: 1, b: 'x' },
    ]);
    expect(await ab().unionAll(ab()).count()).toBe(4);
  });

  it('union widens int and double to double, and a null-typed column to the other type', async () => {
    const d = spark.createDataFrame([{ a: 0.5, b: null }], 'a DOUBLE, b STRING');
    const u = ab().union(d);
    expect(u.dtypes).toEqual([
      ['a', 'double'],
      ['b', 'string'],
    ]);
    expect(await u.toArray()).toEqual([
      [1, 'x'],
      [2, 'y'],
      [0.5, null],
    ]);
    const n = ab().union(ab().select(F.lit(null).alias('a'), 'b'));
    expect(n.dtypes[0]).toEqual(['a', 'int']);
    expect(await n.select('a').toArray()).toEqual([[1], [2], [null], [null]]);
  });

  it('union of inputs with different column counts fails with NUM_COLUMNS_MISMATCH', () => {
    const three = spark.createDataFrame([{ a: 1, b: 'x', c: true }], 'a INT, b STRING, c BOOLEAN');
    const e = errorOf(() => ab().union(three));
    expect(e.errorClass).toBe('NUM_COLUMNS_MISMATCH');
    expect(e.message).toContain('the first input has 2 columns and the second input has 3 columns');
  });

  it('union of incompatible column types fails', () => {
    const arr = spark.createDataFrame([{ a: [1], b: 'x' }], 'a ARRAY<INT>, b STRING');
    expect(errorOf(() => ab().union(arr)).errorClass).toBe('INCOMPATIBLE_COLUMN_TYPE');
  });

  it('unionByName matches columns by name and widens types per name', async () => {
    const ba = spark.createDataFrame([{ b: 'q', a: 7 }], 'b STRING, a BIGINT');
    const u = ab().unionByName(ba);
    expect(u.columns).toEqual(['a', 'b']);
    expect(u.dtypes).toEqual([
      ['a', 'bigint'],
      ['b', 'string'],
    ]);
    expect(await u.collect()).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
      { a: 7, b: 'q' },
    ]);
  });

  it('unionByName(allowMissingColumns = true) fills missing columns with nulls on both sides', async () => {
    const other = spark.createDataFrame([{ b: 'q', c: true }], 'b STRING, c BOOLEAN');
    const u = ab().unionByName(other, true);
    expect(u.columns).toEqual(['a', 'b', 'c']);
    expect(await u.collect()).toEqual([
      { a: 1, b: 'x', c: null },
      { a: 2, b: 'y', c: null },
      { a: null, b: 'q', c: true },
    ]);
  });

  it('unionByName without allowMissingColumns fails on a missing column', () => {
    // Spark's DataFrameSetOperationsSuite: (a, b, c) vs (a, c, d).
    const abc = spark.createDataFrame([{ a: 1, b: 2, c: 3 }], 'a INT, b INT, c INT');
    const acd = spark.createDataFrame([{ a: 4, c: 5, d: 6 }], 'a INT, c INT, d INT');
    const missing = errorOf(() => abc.unionByName(acd));
    expect(missing.errorClass).toBe('UNRESOLVED_COLUMN_AMONG_FIELD_NAMES');
    expect(missing.message).toContain('Cannot resolve column name "b" among (a, c, d)');
  });

  it('unionByName with an extra column on the right fails with NUM_COLUMNS_MISMATCH', () => {
    const abc = spark.createDataFrame([{ a: 1, b: 2, c: 3 }], 'a INT, b INT, c INT');
    // (a, c) vs (a, b, c): every left column is found, the counts differ.
    const ac = spark.createDataFrame([{ a: 1, c: 2 }], 'a INT, c INT');
    const extra = errorOf(() => ac.unionByName(abc));
    expect(extra.errorClass).toBe('NUM_COLUMNS_MISMATCH');
    expect(extra.message).toContain('the first input has 2 columns and the second input has 3 columns');
  });
});
