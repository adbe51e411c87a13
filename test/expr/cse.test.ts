// Common subexpression elimination in compiled expressions: a deterministic subexpression that
// occurs several times in one expression is evaluated once per row (the filter pushed below a
// from_json projection copies from_json into every conjunct, as Spark's optimizer does).
import { afterEach, describe, expect, it } from 'vitest';
import { F, Session, T } from '../../src/index.js';
import { lookupFunction } from '../../src/expr/functions/index.js';
import type { Evaluator, ScalarFunction } from '../../src/expr/registry.js';

const spark = Session.builder().appName('cse').getOrCreate();

/** Counts evaluations of the scalar function `name` while the test runs. */
function countCalls(name: string): { readonly n: number; restore(): void } {
  const def = lookupFunction(name) as ScalarFunction;
  const original = def.compile;
  const counter = { n: 0, restore: () => void (def.compile = original) };
  def.compile = (args, info) => {
    const f: Evaluator = original(args, info);
    return (row) => {
      counter.n++;
      return f(row);
    };
  };
  return counter;
}

let restore: (() => void) | undefined;
afterEach(() => restore?.());

describe('common subexpressions', () => {
  it('from_json is parsed once per row although the pushed-down filter names it three times', async () => {
    const calls = countCalls('from_json');
    restore = calls.restore;
    const schema = T.fromDDL('id STRING, amount DOUBLE, t TIMESTAMP');
    const df = spark
      .createDataFrame([{ v: '{"id":"a","amount":1.5,"t":"2026-01-01T00:00:00Z"}' }, { v: '{"id":"b"}' }, { v: '{"id":"c","amount":2,"t":"2026-01-01T00:00:01Z"}' }], 'v STRING')
      .select(F.fromJson(F.col('v'), schema).alias('e'))
      .select('e.*')
      .where(F.col('id').isNotNull().and(F.col('amount').isNotNull()).and(F.col('t').isNotNull()));
    expect(df.explain(true)).toContain('(from_json(v#');
    const rows = await df.select('id', 'amount').collect();
    expect(rows).toEqual([
      { id: 'a', amount: 1.5 },
      { id: 'c', amount: 2 },
    ]);
    // The filter: once for each of the 3 rows; the projection: once for each of the 2 kept rows.
    expect(calls.n).toBe(5);
  });

  it('keeps NaN, -0 and null literals apart, and never shares non-deterministic calls', async () => {
    const df = spark.createDataFrame([{ x: 1 }], 'x INT');
    const [row] = await df
      .select(
        F.expr('coalesce(CAST(NULL AS DOUBLE) + x, 0) + coalesce(CAST(\'NaN\' AS DOUBLE) + x, 0)').alias('nan'),
        F.expr('(CAST(-0.0 AS DOUBLE) * x) + (CAST(0.0 AS DOUBLE) * x)').alias('zero'),
        F.expr('rand(1) = rand(1)').alias('same'),
      )
      .collect();
    expect(Number.isNaN(row!['nan'])).toBe(true);
    expect(row!['zero']).toBe(0);
    expect(row!['same']).toBe(true);
  });

  it('a shared subexpression inside a CASE branch is evaluated only when the branch is taken', async () => {
    const calls = countCalls('upper');
    restore = calls.restore;
    const df = spark.createDataFrame([{ s: 'a' }, { s: null }, { s: 'b' }], 's STRING');
    const rows = await df.select(F.expr("CASE WHEN s IS NULL THEN 'none' WHEN upper(s) = 'A' THEN upper(s) ELSE lower(upper(s)) END").alias('r')).collect();
    expect(rows.map((r) => r['r'])).toEqual(['A', 'none', 'b']);
    expect(calls.n).toBe(2);
  });
});
