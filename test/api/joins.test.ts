/**
 * join(): every join type, USING columns, conditions bound with df.col() or aliases, self-joins,
 * null keys, residual (non-equi) conditions, cross joins and duplicate output names.
 * Join output order is not defined in Spark, so rows are compared as multisets.
 */
import { describe, expect, it } from 'vitest';
import { F, RivuletError, Session } from '../../src/index.js';

const spark = Session.builder().appName('api-joins').getOrCreate();

function errorOf(fn: () => unknown): RivuletError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RivuletError) return e;
    throw e;
  }
  throw new Error('expected a RivuletError');
}

/** A stable order for rows (objects or arrays) so multisets can be compared with toEqual. */
function sorted<R>(rows: readonly R[]): R[] {
  const key = (r: R): string => JSON.stringify(r, (_k, v: unknown) => (v === null ? '\u0000null' : v));
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

const emp = () =>
  spark.createDataFrame(
    [
      { id: 1, name: 'ann', dept_id: 10 },
      { id: 2, name: 'bo', dept_id: 20 },
      { id: 3, name: 'cy', dept_id: null },
      { id: 4, name: 'di', dept_id: 30 },
    ],
    'id INT NOT NULL, name STRING, dept_id INT',
  );

const dept = () =>
  spark.createDataFrame(
    [
      { dept_id: 10, dname: 'eng' },
      { dept_id: 20, dname: 'ops' },
      { dept_id: null, dname: 'nil' },
      { dept_id: 40, dname: 'hr' },
    ],
    'dept_id INT, dname STRING',
  );

describe('join on a column name (USING)', () => {
  it('inner: the key comes first, null keys never match', async () => {
    const j = emp().join(dept(), 'dept_id', 'inner');
    expect(j.columns).toEqual(['dept_id', 'id', 'name', 'dname']);
    expect(sorted(await j.collect())).toEqual(
      sorted([
        { dept_id: 10, id: 1, name: 'ann', dname: 'eng' },
        { dept_id: 20, id: 2, name: 'bo', dname: 'ops' },
      ]),
    );
    // inner is the default.
    expect(await emp().join(dept(), 'dept_id').count()).toBe(2);
  });

  it('left_outer / leftOuter / left keep unmatched left rows with nulls', async () => {
    const expected = sorted([
      { dept_id: 10, id: 1, name: 'ann', dname: 'eng' },
      { dept_id: 20, id: 2, name: 'bo', dname: 'ops' },
      { dept_id: null, id: 3, name: 'cy', dname: null },
      { dept_id: 30, id: 4, name: 'di', dname: null },
    ]);
    for (const how of ['left_outer', 'leftOuter', 'left', 'leftouter']) {
      const j = emp().join(dept(), 'dept_id', how);
      expect(j.columns).toEqual(['dept_id', 'id', 'name', 'dname']);
      expect(sorted(await j.collect())).toEqual(expected);
    }
  });

  it('right_outer takes the key from the right side', async () => {
    const j = emp().join(dept(), ['dept_id'], 'right_outer');
    expect(j.columns).toEqual(['dept_id', 'id', 'name', 'dname']);
    expect(sorted(await j.collect())).toEqual(
      sorted([
        { dept_id: 10, id: 1, name: 'ann', dname: 'eng' },
        { dept_id: 20, id: 2, name: 'bo', dname: 'ops' },
        { dept_id: null, id: null, name: null, dname: 'nil' },
        { dept_id: 40, id: null, name: null, dname: 'hr' },
      ]),
    );
  });

  it('full_outer coalesces the key of both sides', async () => {
    const j = emp().join(dept(), 'dept_id', 'full_outer');
    expect(j.columns).toEqual(['dept_id', 'id', 'name', 'dname']);
    expect(j.schema.fields[0]!.nullable).toBe(true);
    expect(sorted(await j.collect())).toEqual(
      sorted([
        { dept_id: 10, id: 1, name: 'ann', dname: 'eng' },
        { dept_id: 20, id: 2, name: 'bo', dname: 'ops' },
        { dept_id: null, id: 3, name: 'cy', dname: null },
        { dept_id: 30, id: 4, name: 'di', dname: null },
        { dept_id: null, id: null, name: null, dname: 'nil' },
        { dept_id: 40, id: null, name: null, dname: 'hr' },
      ]),
    );
    for (const how of ['outer', 'full', 'fullouter']) expect(await emp().join(dept(), 'dept_id', how).count()).toBe(6);
  });

  it('left_semi and left_anti output the left columns only (key first)', async () => {
    const semi = emp().join(dept(), 'dept_id', 'left_semi');
    expect(semi.columns).toEqual(['dept_id', 'id', 'name']);
    expect(sorted(await semi.collect())).toEqual(
      sorted([
        { dept_id: 10, id: 1, name: 'ann' },
        { dept_id: 20, id: 2, name: 'bo' },
      ]),
    );
    const anti = emp().join(dept(), 'dept_id', 'left_anti');
    expect(anti.columns).toEqual(['dept_id', 'id', 'name']);
    expect(sorted(await anti.collect())).toEqual(
      sorted([
        { dept_id: null, id: 3, name: 'cy' },
        { dept_id: 30, id: 4, name: 'di' },
      ]),
    );
    expect(await emp().join(dept(), 'dept_id', 'semi').count()).toBe(2);
    expect(await emp().join(dept(), 'dept_id', 'anti').count()).toBe(2);
  });

  it('joins on several USING columns', async () => {
    const l = spark.createDataFrame(
      [
        { a: 1, b: 'x', l: 'l1' },
        { a: 1, b: 'y', l: 'l2' },
        { a: 2, b: null, l: 'l3' },
      ],
      'a INT, b STRING, l STRING',
    );
    const r = spark.createDataFrame(
      [
        { b: 'x', a: 1, r: 'r1' },
        { b: 'x', a: 2, r: 'r2' },
        { b: null, a: 2, r: 'r3' },
      ],
      'b STRING, a INT, r STRING',
    );
    const j = l.join(r, ['a', 'b']);
    expect(j.columns).toEqual(['a', 'b', 'l', 'r']);
    expect(await j.collect()).toEqual([{ a: 1, b: 'x', l: 'l1', r: 'r1' }]);
    const full = l.join(r, ['a', 'b'], 'full_outer');
    expect(sorted(await full.toArray())).toEqual(
      sorted([
        [1, 'x', 'l1', 'r1'],
        [1, 'y', 'l2', null],
        [2, null, 'l3', null],
        [2, 'x', null, 'r2'],
        [2, null, null, 'r3'],
      ]),
    );
  });

  it('widens the key types of a USING join (int vs bigint)', async () => {
    const r = spark.createDataFrame([{ dept_id: 10, dname: 'eng' }], 'dept_id BIGINT, dname STRING');
    expect(await emp().join(r, 'dept_id').collect()).toEqual([{ dept_id: 10, id: 1, name: 'ann', dname: 'eng' }]);
  });

  it('duplicate matches multiply rows for inner joins but not for semi joins', async () => {
    const twice = dept().union(dept());
    expect(await emp().join(twice, 'dept_id').count()).toBe(4);
    expect(await emp().join(twice, 'dept_id', 'left_semi').count()).toBe(2);
    expect(await emp().join(twice, 'dept_id', 'left_anti').count()).toBe(2);
  });

  it('a USING column missing on one side is an error', () => {
    const e = errorOf(() => emp().join(dept(), 'dname'));
    expect(e.errorClass).toBe('UNRESOLVED_USING_COLUMN_FOR_JOIN');
    expect(e.message).toContain('dname');
  });

  it('an unknown join type is an error', () => {
    expect(errorOf(() => emp().join(dept(), 'dept_id', 'sideways')).errorClass).toBe('UNSUPPORTED_JOIN_TYPE');
  });
});

describe('join on a condition', () => {
  it('df.col() conditions keep both key columns; collect() suffixes the duplicate as _2', async () => {
    const e = emp();
    const d = dept();
    const j = e.join(d, e.col('dept_id').eq(d.col('dept_id')), 'inner');
    expect(j.columns).toEqual(['id', 'name', 'dept_id', 'dept_id', 'dname']);
    expect(sorted(await j.toArray())).toEqual(
      sorted([
        [1, 'ann', 10, 10, 'eng'],
        [2, 'bo', 20, 20, 'ops'],
      ]),
    );
    expect(sorted(await j.collect())).toEqual(
      sorted([
        { id: 1, name: 'ann', dept_id: 10, dept_id_2: 10, dname: 'eng' },
        { id: 2, name: 'bo', dept_id: 20, dept_id_2: 20, dname: 'ops' },
      ]),
    );
  });

  it('every join type with a condition', async () => {
    const e = emp();
    const d = dept();
    const on = e.col('dept_id').eq(d.col('dept_id'));
    const rows = async (how: string) => sorted(await e.join(d, on, how).toArray());
    expect(await rows('left_outer')).toEqual(
      sorted([
        [1, 'ann', 10, 10, 'eng'],
        [2, 'bo', 20, 20, 'ops'],
        [3, 'cy', null, null, null],
        [4, 'di', 30, null, null],
      ]),
    );
    expect(await rows('right_outer')).toEqual(
      sorted([
        [1, 'ann', 10, 10, 'eng'],
        [2, 'bo', 20, 20, 'ops'],
        [null, null, null, null, 'nil'],
        [null, null, null, 40, 'hr'],
      ]),
    );
    expect(await rows('full_outer')).toEqual(
      sorted([
        [1, 'ann', 10, 10, 'eng'],
        [2, 'bo', 20, 20, 'ops'],
        [3, 'cy', null, null, null],
        [4, 'di', 30, null, null],
        [null, null, null, null, 'nil'],
        [null, null, null, 40, 'hr'],
      ]),
    );
    expect(e.join(d, on, 'left_semi').columns).toEqual(['id', 'name', 'dept_id']);
    expect(await rows('left_semi')).toEqual(
      sorted([
        [1, 'ann', 10],
        [2, 'bo', 20],
      ]),
    );
    expect(e.join(d, on, 'left_anti').columns).toEqual(['id', 'name', 'dept_id']);
    expect(await rows('left_anti')).toEqual(
      sorted([
        [3, 'cy', null],
        [4, 'di', 30],
      ]),
    );
  });

  it("alias('l') then F.col('l.x') refers to one side", async () => {
    const j = emp()
      .alias('e')
      .join(dept().alias('d'), F.col('e.dept_id').eq(F.col('d.dept_id')), 'left_outer')
      .select('e.name', F.col('d.dname'), F.col('d.dept_id').alias('d_id'));
    expect(j.columns).toEqual(['name', 'dname', 'd_id']);
    expect(sorted(await j.collect())).toEqual(
      sorted([
        { name: 'ann', dname: 'eng', d_id: 10 },
        { name: 'bo', dname: 'ops', d_id: 20 },
        { name: 'cy', dname: null, d_id: null },
        { name: 'di', dname: null, d_id: null },
      ]),
    );
    // 'e.*' expands one side.
    const star = emp().alias('e').join(dept().alias('d'), F.col('e.dept_id').eq(F.col('d.dept_id'))).select('e.*');
    expect(star.columns).toEqual(['id', 'name', 'dept_id']);
  });

  it('an unqualified name present on both sides is ambiguous', () => {
    const j = emp().alias('e').join(dept().alias('d'), F.col('e.dept_id').eq(F.col('d.dept_id')));
    expect(errorOf(() => j.select('dept_id')).errorClass).toBe('AMBIGUOUS_REFERENCE');
  });

  it('self-join with aliases', async () => {
    const a = emp().alias('a');
    const b = emp().alias('b');
    const j = a.join(b, F.col('a.id').eq(F.col('b.id').plus(1))).select(F.col('a.name'), F.col('b.name'));
    expect(j.columns).toEqual(['name', 'name']);
    expect(sorted(await j.toArray())).toEqual(
      sorted([
        ['bo', 'ann'],
        ['cy', 'bo'],
        ['di', 'cy'],
      ]),
    );
    expect(sorted(await j.collect())).toEqual(
      sorted([
        { name: 'bo', name_2: 'ann' },
        { name: 'cy', name_2: 'bo' },
        { name: 'di', name_2: 'cy' },
      ]),
    );
  });

  it('self-join of one DataFrame with itself through aliased col() bindings', async () => {
    const base = emp();
    const l = base.alias('l');
    const r = base.alias('r');
    const j = l.join(r, l.col('dept_id').eq(r.col('dept_id')).and(l.col('id').lt(r.col('id'))), 'inner');
    expect(await j.count()).toBe(0);
    const same = l.join(r, l.col('id').eq(r.col('id'))).select(l.col('name'), r.col('id'));
    expect(sorted(await same.toArray())).toEqual(
      sorted([
        ['ann', 1],
        ['bo', 2],
        ['cy', 3],
        ['di', 4],
      ]),
    );
  });

  it("df.join(df, df.col('k').eq(df.col('k'))) is resolved as an equi-join on both sides (Spark's self-join rule)", async () => {
    const e = emp();
    const j = e.join(e, e.col('id').eq(e.col('id')));
    expect(await j.count()).toBe(4);
  });

  it('residual non-equi conditions filter matches but keep outer rows', async () => {
    const e = emp();
    const d = dept();
    const on = e.col('dept_id').eq(d.col('dept_id')).and(d.col('dname').neq('ops'));
    expect(sorted(await e.join(d, on, 'left_outer').select('id', 'dname').toArray())).toEqual(
      sorted([
        [1, 'eng'],
        [2, null],
        [3, null],
        [4, null],
      ]),
    );
    expect(sorted(await e.join(d, on, 'inner').select('id', 'dname').toArray())).toEqual([[1, 'eng']]);
    expect(sorted(await e.join(d, on, 'full_outer').select('id', 'dname').toArray())).toEqual(
      sorted([
        [1, 'eng'],
        [2, null],
        [3, null],
        [4, null],
        [null, 'ops'],
        [null, 'nil'],
        [null, 'hr'],
      ]),
    );
    expect(sorted(await e.join(d, on, 'left_anti').select('id').toArray())).toEqual([[2], [3], [4]]);
  });

  it('a purely non-equi condition', async () => {
    const e = emp();
    const d = dept();
    const j = e.join(d, e.col('dept_id').lt(d.col('dept_id'))).select('id', 'dname');
    expect(sorted(await j.toArray())).toEqual(
      sorted([
        [1, 'ops'],
        [1, 'hr'],
        [2, 'hr'],
        [4, 'hr'],
      ]),
    );
  });

  it('a SQL-expression condition with INTERVAL arithmetic between aliased sides', async () => {
    const clicks = spark.createDataFrame(
      [
        { ad: 1, ct: new Date('2024-01-01T10:30:00Z') },
        { ad: 2, ct: new Date('2024-01-01T12:00:01Z') },
      ],
      'ad INT, ct TIMESTAMP',
    );
    const views = spark.createDataFrame(
      [
        { ad: 1, vt: new Date('2024-01-01T10:00:00Z') },
        { ad: 2, vt: new Date('2024-01-01T11:00:00Z') },
      ],
      'ad INT, vt TIMESTAMP',
    );
    const j = clicks
      .alias('c')
      .join(views.alias('v'), F.expr('c.ad = v.ad AND c.ct >= v.vt AND c.ct <= v.vt + INTERVAL 1 HOUR'))
      .select('c.ad');
    expect(await j.toArray()).toEqual([[1]]);
  });

  it('eqNullSafe makes null keys match', async () => {
    const e = emp();
    const d = dept();
    const j = e.join(d, e.col('dept_id').eqNullSafe(d.col('dept_id'))).select('name', 'dname');
    expect(sorted(await j.toArray())).toEqual(
      sorted([
        ['ann', 'eng'],
        ['bo', 'ops'],
        ['cy', 'nil'],
      ]),
    );
  });

  it('a non-boolean join condition is rejected', () => {
    const e = emp();
    const d = dept();
    expect(errorOf(() => e.join(d, e.col('id').plus(d.col('dept_id')))).errorClass).toBe('DATATYPE_MISMATCH.JOIN_CONDITION_IS_NOT_BOOLEAN_TYPE');
  });
});

describe('operators above joins', () => {
  it('a filter on the null-supplying side above an outer join is not pushed below it', async () => {
    const j = emp().join(dept(), 'dept_id', 'left_outer').filter(F.col('dname').isNull()).select('id');
    expect(sorted(await j.toArray())).toEqual([[3], [4]]);
    const r = emp().join(dept(), 'dept_id', 'right_outer').filter(F.col('name').isNull()).select('dname');
    expect(sorted(await r.toArray())).toEqual(sorted([['nil'], ['hr']]));
    const f = emp().join(dept(), 'dept_id', 'full_outer').filter(F.col('id').isNull().or(F.col('dname').isNull())).select('dept_id', 'id', 'dname');
    expect(sorted(await f.toArray())).toEqual(
      sorted([
        [null, 3, null],
        [30, 4, null],
        [null, null, 'nil'],
        [40, null, 'hr'],
      ]),
    );
  });

  it('drop(df.col(x)) removes only that side; select(df.col(x)) picks a side', async () => {
    const e = emp();
    const d = dept();
    const j = e.join(d, e.col('dept_id').eq(d.col('dept_id')), 'left_outer');
    expect(j.drop(d.col('dept_id')).columns).toEqual(['id', 'name', 'dept_id', 'dname']);
    expect(j.drop(e.col('dept_id')).columns).toEqual(['id', 'name', 'dept_id', 'dname']);
    expect(sorted(await j.drop(d.col('dept_id')).select('id', 'dept_id').toArray())).toEqual(
      sorted([
        [1, 10],
        [2, 20],
        [3, null],
        [4, 30],
      ]),
    );
    expect(sorted(await j.select(e.col('dept_id'), d.col('dept_id').alias('d')).toArray())).toEqual(
      sorted([
        [10, 10],
        [20, 20],
        [null, null],
        [30, null],
      ]),
    );
  });

  it('aggregates over a join', async () => {
    const counts = emp().join(dept(), 'dept_id', 'full_outer').groupBy('dname').agg(F.count('id').alias('n')).orderBy('dname');
    expect(await counts.toArray()).toEqual([
      [null, 2],
      ['eng', 1],
      ['hr', 0],
      ['nil', 0],
      ['ops', 1],
    ]);
  });

  it('NaN keys match each other in equi-joins; -0.0 matches 0.0', async () => {
    const l = spark.createDataFrame([{ k: NaN, l: 'a' }, { k: 0, l: 'b' }], 'k DOUBLE, l STRING');
    const r = spark.createDataFrame([{ k: NaN, r: 'x' }, { k: -0, r: 'y' }], 'k DOUBLE, r STRING');
    expect(sorted(await l.join(r, l.col('k').eq(r.col('k'))).select('l', 'r').toArray())).toEqual(
      sorted([
        ['a', 'x'],
        ['b', 'y'],
      ]),
    );
  });
});

describe('cross join', () => {
  it('crossJoin and join without a condition give the cartesian product', async () => {
    const cj = emp().crossJoin(dept());
    expect(cj.columns).toEqual(['id', 'name', 'dept_id', 'dept_id', 'dname']);
    expect(await cj.count()).toBe(16);
    expect(await emp().join(dept()).count()).toBe(16);
    const small = spark.createDataFrame([{ a: 1 }, { a: 2 }], 'a INT').crossJoin(spark.createDataFrame([{ b: 'x' }, { b: null }], 'b STRING'));
    expect(sorted(await small.collect())).toEqual(
      sorted([
        { a: 1, b: 'x' },
        { a: 1, b: null },
        { a: 2, b: 'x' },
        { a: 2, b: null },
      ]),
    );
    expect(await emp().join(dept(), undefined, 'cross').count()).toBe(16);
  });

  it('joins with an empty side', async () => {
    const none = spark.createDataFrame([], 'dept_id INT, dname STRING');
    expect(await emp().join(none, 'dept_id').count()).toBe(0);
    expect(await emp().join(none, 'dept_id', 'left_outer').count()).toBe(4);
    expect(await emp().join(none, 'dept_id', 'left_anti').count()).toBe(4);
    expect(await emp().crossJoin(none).count()).toBe(0);
  });
});
