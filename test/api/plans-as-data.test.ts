/**
 * Plans are data (DESIGN.md non-negotiable 2): every plan node kind survives
 * JSON.stringify/JSON.parse and runs to the same rows; cache() computes a plan once.
 */
import { planReplacer, planReviver } from '../../src/plan/serde.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { F, Session, type DataFrame, type LogicalPlan } from '../../src/index.js';
import { FilterExec } from '../../src/exec/filter.js';

const spark = Session.builder().appName('api-plans-as-data').getOrCreate();

const ts = (iso: string): Date => new Date(iso);

function nodeKinds(p: LogicalPlan, out = new Set<string>()): Set<string> {
  out.add(p.node === 'Join' ? `Join:${p.joinType}` : p.node);
  const kids = p.node === 'Join' ? [p.left, p.right] : p.node === 'Union' ? p.children : 'child' in p ? [p.child] : [];
  for (const k of kids) nodeKinds(k, out);
  return out;
}

// JSON.stringify/parse with the plan replacer/reviver, which carry Maps, NaN/±Infinity and
// binary (values JSON has no literal for); everything else is plain JSON.
function roundTrip(df: DataFrame): DataFrame {
  const json = JSON.stringify(df.plan, planReplacer);
  return spark.dataFrameOf(JSON.parse(json, planReviver) as LogicalPlan);
}

const events = () =>
  spark.createDataFrame(
    [
      { id: 1, user: 'u1', amount: 10.5, tags: ['a', 'b'], t: ts('2024-01-01T00:00:05Z') },
      { id: 2, user: 'u2', amount: null, tags: [], t: ts('2024-01-01T00:00:15Z') },
      { id: 3, user: 'u1', amount: 3, tags: null, t: ts('2024-01-01T00:01:00Z') },
      { id: 4, user: null, amount: 7, tags: ['c'], t: ts('2024-01-01T00:00:07Z') },
      { id: 4, user: null, amount: 7, tags: ['c'], t: ts('2024-01-01T00:00:07Z') },
    ],
    'id INT, user STRING, amount DOUBLE, tags ARRAY<STRING>, t TIMESTAMP',
  );

const users = () =>
  spark.createDataFrame(
    [
      { user: 'u1', country: 'FR' },
      { user: 'u3', country: 'DE' },
      { user: null, country: 'XX' },
    ],
    'user STRING, country STRING',
  );

const cases: [string, () => DataFrame][] = [
  ['Project', () => events().select('id', F.col('amount').multiply(2).alias('a2'), F.upper('user'))],
  ['Filter', () => events().filter(F.col('amount').gt(5).or(F.col('user').isNull()))],
  ['Filter (SQL string)', () => events().where("user = 'u1' AND t >= TIMESTAMP '2024-01-01 00:00:00'")],
  ['Aggregate', () => events().groupBy('user').agg(F.count('*'), F.sum('amount'), F.collectList('id'), F.max('t'))],
  ['Aggregate (global)', () => events().agg(F.countDistinct('user'), F.avg('amount'))],
  ['Join inner', () => events().join(users(), 'user', 'inner')],
  ['Join left_outer', () => events().join(users(), 'user', 'left_outer')],
  ['Join right_outer', () => events().join(users(), 'user', 'right_outer')],
  ['Join full_outer', () => events().join(users(), 'user', 'full_outer')],
  ['Join left_semi', () => events().join(users(), 'user', 'left_semi')],
  ['Join left_anti', () => events().join(users(), 'user', 'left_anti')],
  ['Join cross', () => events().select('id').crossJoin(users().select('country'))],
  [
    'Join condition with df.col()',
    () => {
      const e = events();
      const u = users();
      return e.join(u, e.col('user').eq(u.col('user')).and(e.col('id').gt(1)), 'left_outer');
    },
  ],
  ['Union', () => events().select('id').union(users().select(F.length('user')))],
  ['Union by name', () => events().select('user', 'id').unionByName(users().select('user'), true)],
  ['Sort', () => events().orderBy(F.col('amount').descNullsFirst(), 'id')],
  ['Limit', () => events().orderBy('t').limit(2)],
  ['Deduplicate', () => events().dropDuplicates(['user'])],
  ['Distinct', () => events().distinct()],
  ['SubqueryAlias', () => events().alias('e').join(users().alias('u'), F.col('e.user').eq(F.col('u.user'))).select('e.id', 'u.country')],
  ['Generate (explode)', () => events().select('id', F.explode('tags').alias('tag'))],
  ['Generate (window)', () => events().groupBy(F.window('t', '30 seconds')).agg(F.sum('amount').alias('total'))],
  ['EventTimeWatermark', () => events().withWatermark('t', '10 minutes').groupBy('user').count()],
];

describe('plans survive JSON', () => {
  it.each(cases)('%s: JSON.parse(JSON.stringify(df.plan)) collects the same rows', async (_name, make) => {
    const df = make();
    const back = roundTrip(df);
    expect(back.columns).toEqual(df.columns);
    expect(back.schema).toEqual(df.schema);
    expect(await back.collect()).toEqual(await df.collect());
  });

  it('the cases cover every logical node kind and every join type', () => {
    const kinds = new Set<string>();
    for (const [, make] of cases) nodeKinds(make().plan, kinds);
    for (const k of [
      'LocalRelation',
      'Project',
      'Filter',
      'Aggregate',
      'Join:inner',
      'Join:left_outer',
      'Join:right_outer',
      'Join:full_outer',
      'Join:left_semi',
      'Join:left_anti',
      'Join:cross',
      'Union',
      'Sort',
      'Limit',
      'Deduplicate',
      'SubqueryAlias',
      'Generate',
      'EventTimeWatermark',
    ]) {
      expect(kinds, k).toContain(k);
    }
  });

  it('a plan holds no functions, class instances or undefined values', () => {
    for (const [name, make] of cases) {
      const plan = make().plan;
      expect(JSON.parse(JSON.stringify(plan)), name).toEqual(plan);
    }
  });

  it('values JSON cannot hold directly (maps, NaN, ±Infinity) survive the round trip', async () => {
    const df = spark.createDataFrame(
      [
        { m: new Map([['k', 1]]), d: NaN },
        { m: new Map(), d: Infinity },
        { m: null, d: -Infinity },
      ],
      'm MAP<STRING, INT>, d DOUBLE',
    );
    const back = roundTrip(df.select('m', 'd', F.lit(1).alias('one')));
    expect(await back.collect()).toEqual([
      { m: new Map([['k', 1]]), d: NaN, one: 1 },
      { m: new Map(), d: Infinity, one: 1 },
      { m: null, d: -Infinity, one: 1 },
    ]);
  });

  it('a streaming plan survives JSON and stays streaming', () => {
    const mem = spark.memoryStream('a INT, t TIMESTAMP');
    const df = mem.toDF().withWatermark('t', '1 minute').groupBy(F.window('t', '1 minute')).count();
    const back = roundTrip(df);
    expect(back.isStreaming).toBe(true);
    expect(back.columns).toEqual(['window', 'count']);
  });
});

describe('cache()', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('computes a cached DataFrame once and reuses it for itself and for derived DataFrames', async () => {
    const filterRuns = vi.spyOn(FilterExec.prototype, 'execute');
    const cached = events().filter(F.col('amount').isNotNull()).cache();
    const first = await cached.collect();
    expect(first.map((r) => r.id)).toEqual([1, 3, 4, 4]);
    expect(await cached.collect()).toEqual(first);
    expect(await cached.count()).toBe(4);
    const derived = cached.groupBy('user').agg(F.sum('amount').alias('total')).orderBy('user');
    expect(await derived.collect()).toEqual([
      { user: null, total: 14 },
      { user: 'u1', total: 13.5 },
    ]);
    expect(filterRuns).toHaveBeenCalledTimes(1);
  });

  it('explain() of a derived frame shows a LocalTableScan where the cached plan was', () => {
    const cached = events().filter(F.col('amount').gt(5)).cache();
    const derived = cached.groupBy('user').count();
    const physical = derived.explain();
    expect(physical).toContain('LocalTableScan');
    expect(physical).not.toContain('Filter');
  });

  it('a cached DataFrame gives the same rows as the uncached one', async () => {
    const make = () => events().withColumn('a2', F.col('amount').multiply(2)).dropDuplicates();
    const cached = make().cache();
    expect(await cached.collect()).toEqual(await make().collect());
    expect(await cached.select('a2').toArray()).toEqual(await make().select('a2').toArray());
  });

  it('unpersist() drops the cached rows', async () => {
    const filterRuns = vi.spyOn(FilterExec.prototype, 'execute');
    const df = events().filter(F.col('id').gt(2)).cache();
    await df.collect();
    df.unpersist();
    await df.collect();
    expect(filterRuns).toHaveBeenCalledTimes(2);
  });
});
