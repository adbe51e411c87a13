/**
 * Property tests: random tables (nulls included) × random queries built with the public API,
 * checked against DuckDB running the equivalent SQL. Node only (DuckDB is a native module).
 *
 * Deterministic: the seed comes from RIVULET_SEED (default below); each shape runs its own
 * fast-check property with seed + shape index. A failure prints the seed, the API query,
 * the SQL, the tables and both results, then fast-check's seed/path and shrunk case.
 * Beyond the rows, every case also checks the column names, Spark's result types, the row
 * keys of collect() and count().
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Session, type RowObject } from '../../src/index.js';
import { compareResults, dropTables, duckTableName, formatReport, loadTables, NormalizeError, normalizeRows, openDuck, runDuck, toDataFrame, type Duck, type Norm } from './duckdb-helpers.js';
import { chooserFromGen, type Chooser } from './gen/chooser.js';
import { QueryGen, SHAPES, type Shape } from './gen/queries.js';
import { BuildError, RelBuilder, type Rel } from './gen/relations.js';
import { genTables, type TableSpec } from './gen/tables.js';
import { SPARK_TYPE } from './gen/types.js';

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${JSON.stringify(raw)}`);
  return n;
}

const SEED = numberFromEnv('RIVULET_SEED', 20_260_611);
/** RIVULET_RUNS_SCALE=10 for a longer local soak; CI uses the default (290 queries). */
const SCALE = numberFromEnv('RIVULET_RUNS_SCALE', 1);

/**
 * A passing shape takes well under a second; the limit only bounds shrinking after a failure
 * (and fails the test, rather than passing it with fewer runs, if it is ever reached).
 */
// Generous: CI machines are shared and a loaded run must not fail a passing shape.
const SHAPE_TIME_LIMIT_MS = 60_000 * SCALE;

let spark: Session;
let duck: Duck;

beforeAll(async () => {
  spark = Session.builder().appName('property-duckdb').getOrCreate();
  duck = await openDuck();
});
afterAll(async () => {
  duck?.close();
  await spark?.stop();
});

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}${'errorClass' in e ? ` [${String((e as { errorClass: unknown }).errorClass)}]` : ''}: ${e.message}`;
  return String(e);
}

let cases = 0;

async function runCase(g: fc.GeneratorValue, shape: Shape): Promise<void> {
  const ch = chooserFromGen(g);
  const tables = genTables(ch);
  const prefix = `c${++cases}_`;
  try {
    await checkCase(ch, shape, tables, prefix);
  } finally {
    await dropTables(duck, tables, prefix);
  }
}

async function checkCase(ch: Chooser, shape: Shape, tables: TableSpec[], prefix: string): Promise<void> {
  const rb = new RelBuilder(ch);
  const fail = (problem: string, rel: Pick<Rel, 'src' | 'sql'> & Partial<Rel>, engine?: Norm[][], duckRows?: Norm[][]): never => {
    throw new Error(
      formatReport({ seed: SEED, shape, problem, src: rel.src, sql: rel.sql, tables, ...(rel.cols ? { cols: rel.cols } : {}), ...(engine ? { engine } : {}), ...(duckRows ? { duck: duckRows } : {}) }),
    );
  };

  let rel: Rel;
  try {
    const bases = tables.map((t) => rb.base(t, toDataFrame(spark, t), duckTableName(prefix, t)));
    rel = new QueryGen(ch, rb, bases).build(shape);
  } catch (e) {
    if (e instanceof BuildError) return fail(`the API rejected the query: ${errorText(e.cause)}`, e);
    throw e;
  }

  await loadTables(duck, tables, prefix);
  let duckRows: Norm[][];
  try {
    duckRows = normalizeRows(await runDuck(duck, rel.sql), rel.cols, 'DuckDB');
  } catch (e) {
    return fail(`DuckDB failed (harness bug): ${errorText(e)}`, rel);
  }

  const names = rel.cols.map((c) => c.name);
  if (JSON.stringify(rel.df.columns) !== JSON.stringify(names)) {
    return fail(`columns: rivulet ${JSON.stringify(rel.df.columns)}, expected ${JSON.stringify(names)}`, rel, undefined, duckRows);
  }
  const types = rel.df.schema.fields.map((f) => f.type);
  const wantTypes = rel.cols.map((c) => SPARK_TYPE[c.ty]);
  if (JSON.stringify(types) !== JSON.stringify(wantTypes)) {
    return fail(`column types: rivulet ${JSON.stringify(types)}, Spark gives ${JSON.stringify(wantTypes)}`, rel, undefined, duckRows);
  }

  let rows: RowObject[];
  try {
    rows = await rel.df.collect();
  } catch (e) {
    return fail(`rivulet collect() threw ${errorText(e)}`, rel, undefined, duckRows);
  }
  // collect() suffixes repeated names (a self-join's `k0, k0` become keys `k0, k0_2`).
  const seen = new Map<string, number>();
  const rowKeys = names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n}_${k}`;
  });
  let engine: Norm[][];
  try {
    engine = normalizeRows(
      rows.map((r) => {
        const keys = Object.keys(r);
        if (JSON.stringify(keys) !== JSON.stringify(rowKeys)) throw new NormalizeError(`row keys ${JSON.stringify(keys)}, expected ${JSON.stringify(rowKeys)}`);
        return rowKeys.map((n) => r[n]);
      }),
      rel.cols,
      'rivulet',
    );
  } catch (e) {
    return fail(`unexpected value in collected rows: ${errorText(e)}`, rel, undefined, duckRows);
  }
  const diff = compareResults(engine, duckRows, rel.cols, rel.order);
  if (diff !== undefined) fail(diff, rel, engine, duckRows);
  let count: number;
  try {
    count = await rel.df.count();
  } catch (e) {
    return fail(`rivulet count() threw ${errorText(e)}`, rel, engine, duckRows);
  }
  if (count !== duckRows.length) fail(`count() returned ${count}, DuckDB has ${duckRows.length} rows`, rel, engine, duckRows);
}

describe(`rivulet vs DuckDB on random queries (RIVULET_SEED=${SEED})`, () => {
  (Object.keys(SHAPES) as Shape[]).forEach((shape, i) => {
    it(shape, async () => {
      await fc.assert(
        fc.asyncProperty(fc.gen(), (g) => runCase(g, shape)),
        { seed: SEED + i, numRuns: Math.max(1, Math.round(SHAPES[shape] * SCALE)), plugins: [fc.interruptAfterTimeLimit(SHAPE_TIME_LIMIT_MS, { failOnInterrupt: true })] },
      );
    }, SHAPE_TIME_LIMIT_MS + 30_000);
  });
});
