/**
 * DuckDB side of the property tests (Node only): load the generated tables, run the SQL,
 * normalize both engines' rows into comparable values, compare them (as multisets, or in
 * order where the query fixes an order) and format a self-contained failure report.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { T, type DataFrame, type Session } from '../../src/index.js';
import type { OrderInfo } from './gen/relations.js';
import { formatTable, type TableSpec } from './gen/tables.js';
import { DUCK_TYPE, SPARK_TYPE, duckTimestampText, quoteIdent, sqlString, type ColInfo, type Ty } from './gen/types.js';

export interface Duck {
  readonly conn: DuckDBConnection;
  close(): void;
}

export async function openDuck(): Promise<Duck> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run("SET TimeZone='UTC'");
  // Both engines compare strings byte-wise; make sure no collation sneaks in.
  await conn.run("SET default_collation=''");
  return {
    conn,
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

function cellSql(v: unknown, ty: Ty): string {
  if (v === null) return 'NULL';
  switch (ty) {
    case 'string':
      return sqlString(v as string);
    case 'timestamp':
      return `TIMESTAMP '${duckTimestampText(v as number)}'`;
    case 'double':
      return `CAST(${v} AS DOUBLE)`;
    default:
      return String(v);
  }
}

/**
 * DuckDB table names are prefixed per case: a case abandoned by fast-check's time limit may
 * still be running when the next one starts, and must not see (or clobber) its tables.
 */
export function duckTableName(prefix: string, t: TableSpec): string {
  return `${prefix}${t.name}`;
}

export async function loadTables(duck: Duck, tables: readonly TableSpec[], prefix: string): Promise<void> {
  for (const t of tables) {
    const name = duckTableName(prefix, t);
    await duck.conn.run(`CREATE OR REPLACE TABLE ${name} (${t.cols.map((c) => `${quoteIdent(c.name)} ${DUCK_TYPE[c.ty]}`).join(', ')})`);
    if (t.rows.length > 0) {
      const values = t.rows.map((r) => `(${r.map((v, j) => cellSql(v, t.cols[j]!.ty)).join(', ')})`).join(', ');
      await duck.conn.run(`INSERT INTO ${name} VALUES ${values}`);
    }
  }
}

export async function dropTables(duck: Duck, tables: readonly TableSpec[], prefix: string): Promise<void> {
  for (const t of tables) await duck.conn.run(`DROP TABLE IF EXISTS ${duckTableName(prefix, t)}`);
}

export async function runDuck(duck: Duck, sql: string): Promise<unknown[][]> {
  const reader = await duck.conn.runAndReadAll(sql);
  return reader.getRowsJS() as unknown[][];
}

/** The same table as a rivulet DataFrame (timestamps passed as Date, as users do). */
export function toDataFrame(spark: Session, t: TableSpec): DataFrame {
  const schema = T.struct(t.cols.map((c) => T.field(c.name, SPARK_TYPE[c.ty])));
  const rows = t.rows.map((r) => Object.fromEntries(t.cols.map((c, j) => [c.name, r[j] !== null && c.ty === 'timestamp' ? new Date(r[j] as number) : r[j]])));
  return spark.createDataFrame(rows, schema);
}

// ---- normalization ----

export type Norm = null | boolean | number | string;

export class NormalizeError extends Error {}

/** One value into a comparable form: integral → number, timestamp → epoch ms, -0 → 0. */
export function normalizeValue(v: unknown, ty: Ty, side: string, col: string): Norm {
  if (v === null || v === undefined) return null;
  const bad = (): never => {
    throw new NormalizeError(`${side}: column ${col} (${ty}) holds ${typeof v} ${v instanceof Date ? v.toISOString() : String(v)}`);
  };
  switch (ty) {
    case 'int':
    case 'long': {
      const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : bad();
      return Number.isInteger(n) ? n : bad();
    }
    case 'double': {
      const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : bad();
      return Object.is(n, -0) ? 0 : n;
    }
    case 'string':
      return typeof v === 'string' ? v : bad();
    case 'boolean':
      return typeof v === 'boolean' ? v : bad();
    case 'timestamp':
      return v instanceof Date ? v.getTime() : bad();
  }
}

export function normalizeRows(rows: readonly (readonly unknown[])[], cols: readonly ColInfo[], side: string): Norm[][] {
  return rows.map((r) => cols.map((c, i) => normalizeValue(r[i], c.ty, side, c.name)));
}

// ---- comparison ----

const rank = (v: Norm): number => (v === null ? 0 : typeof v === 'boolean' ? 1 : typeof v === 'number' ? 2 : 3);

/** Total order for sorting; doubles rounded so tolerance-equal values sort together. */
function cmpVal(a: Norm, b: Norm, ty: Ty): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') {
    const x = ty === 'double' ? Number(a.toPrecision(12)) : a;
    const y = ty === 'double' ? Number(b.toPrecision(12)) : b;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

function rowComparator(tys: readonly Ty[]): (a: readonly Norm[], b: readonly Norm[]) => number {
  return (a, b) => {
    for (let i = 0; i < a.length; i++) {
      const c = cmpVal(a[i]!, b[i]!, tys[i]!);
      if (c !== 0) return c;
    }
    return 0;
  };
}

export const REL_TOLERANCE = 1e-9;

function valEq(a: Norm, b: Norm, ty: Ty): boolean {
  if (a === null || b === null) return a === b;
  if (ty === 'double' && typeof a === 'number' && typeof b === 'number') {
    if (a === b) return true;
    return Math.abs(a - b) <= REL_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
  }
  return a === b;
}

function rowEq(a: readonly Norm[], b: readonly Norm[], tys: readonly Ty[]): boolean {
  return a.length === b.length && a.every((v, i) => valEq(v, b[i]!, tys[i]!));
}

function multisetDiff(eng: Norm[][], duck: Norm[][], tys: readonly Ty[]): string | undefined {
  const cmp = rowComparator(tys);
  const e = [...eng].sort(cmp);
  const d = [...duck].sort(cmp);
  if (e.length === d.length && e.every((r, i) => rowEq(r, d[i]!, tys))) return undefined;
  const onlyE: Norm[][] = [];
  const onlyD = [...d];
  for (const r of e) {
    const k = onlyD.findIndex((x) => rowEq(r, x, tys));
    if (k >= 0) onlyD.splice(k, 1);
    else onlyE.push(r);
  }
  const show = (rs: Norm[][]): string => rs.slice(0, 15).map((r) => `    ${JSON.stringify(r)}`).join('\n') + (rs.length > 15 ? `\n    … ${rs.length - 15} more` : '');
  return [
    `row multisets differ: rivulet ${eng.length} rows, DuckDB ${duck.length} rows`,
    `  only in rivulet (${onlyE.length}):\n${show(onlyE)}`,
    `  only in DuckDB (${onlyD.length}):\n${show(onlyD)}`,
  ].join('\n');
}

/**
 * A description of the difference, or undefined when the results agree. With an order:
 * the sort-key sequence must match exactly; whole rows are compared in order when the keys
 * cover every column (a total order), else as multisets — under a limit, leaving out the
 * rows tied with the last one (which of the tied rows survive is unspecified).
 */
export function compareResults(eng: Norm[][], duck: Norm[][], cols: readonly ColInfo[], order?: OrderInfo): string | undefined {
  const tys = cols.map((c) => c.ty);
  if (!order) return multisetDiff(eng, duck, tys);
  const keyTys = order.keys.map((i) => tys[i]!);
  const keysOf = (rows: Norm[][]): Norm[][] => rows.map((r) => order.keys.map((i) => r[i]!));
  const ek = keysOf(eng);
  const dk = keysOf(duck);
  if (ek.length !== dk.length) return `row counts differ: rivulet ${eng.length}, DuckDB ${duck.length}`;
  const bad = ek.findIndex((r, i) => !rowEq(r, dk[i]!, keyTys));
  if (bad >= 0) return `sort keys differ at row ${bad}: rivulet ${JSON.stringify(ek[bad])}, DuckDB ${JSON.stringify(dk[bad])}`;
  const total = new Set(order.keys).size === cols.length;
  if (total) {
    const i = eng.findIndex((r, k) => !rowEq(r, duck[k]!, tys));
    return i >= 0 ? `rows differ at position ${i}: rivulet ${JSON.stringify(eng[i])}, DuckDB ${JSON.stringify(duck[i])}` : undefined;
  }
  if (order.limit === undefined || dk.length === 0) return multisetDiff(eng, duck, tys);
  const last = dk[dk.length - 1]!;
  const notTied = (rows: Norm[][], keys: Norm[][]): Norm[][] => rows.filter((_, i) => !rowEq(keys[i]!, last, keyTys));
  return multisetDiff(notTied(eng, ek), notTied(duck, dk), tys);
}

// ---- reporting ----

function showRows(rows: readonly (readonly Norm[])[] | undefined, cols: readonly ColInfo[], max = 40): string {
  if (!rows) return '  (none)';
  const fmt = (v: Norm, c: ColInfo): unknown => (v !== null && c.ty === 'timestamp' ? new Date(v as number).toISOString() : v);
  const lines = rows.slice(0, max).map((r) => '  ' + JSON.stringify(r.map((v, i) => (cols[i] ? fmt(v, cols[i]) : v))));
  if (rows.length > max) lines.push(`  … ${rows.length - max} more rows`);
  return lines.length ? lines.join('\n') : '  (no rows)';
}

export interface Report {
  readonly seed: number;
  readonly shape: string;
  readonly problem: string;
  readonly src: string;
  readonly sql: string;
  readonly tables: readonly TableSpec[];
  readonly cols?: readonly ColInfo[];
  readonly engine?: Norm[][];
  readonly duck?: Norm[][];
}

export function formatReport(r: Report): string {
  return [
    `rivulet vs DuckDB mismatch (shape ${r.shape}): ${r.problem}`,
    `seed: RIVULET_SEED=${r.seed} — rerun: RIVULET_SEED=${r.seed} npx vitest run test/property -t ${r.shape}`,
    `(fast-check's seed/path for this exact case follow this message)`,
    '--- API query:',
    r.src,
    '--- DuckDB SQL (its tables carry a per-case prefix):',
    r.sql,
    '--- tables:',
    ...r.tables.map(formatTable),
    `--- expected columns: ${r.cols ? r.cols.map((c) => `${c.name} ${c.ty}`).join(', ') : '?'}`,
    '--- rivulet result:',
    showRows(r.engine, r.cols ?? []),
    '--- DuckDB result:',
    showRows(r.duck, r.cols ?? []),
  ].join('\n');
}
