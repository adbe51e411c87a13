/**
 * Random input tables: 2-3 tables of 0-30 rows. Column names carry the table index (`k0`,
 * `a0`, `b1`, ...) so joined outputs never repeat a name. The first column of every table is
 * a small-domain long key, so every pair of tables can be joined with a useful match rate.
 */
import type { Chooser } from './chooser.js';
import {
  ALL_TYPES,
  DOUBLE_VALUES,
  INT_VALUES,
  KEY_MAG,
  KEY_VALUES,
  LONG_VALUES,
  MAX_ROWS,
  STRING_VALUES,
  TIMESTAMP_VALUES,
  colInfo,
  type ColInfo,
  type Ty,
} from './types.js';

/** Cell values: numbers, strings, booleans, timestamps as epoch ms, or null. */
export type Cell = number | string | boolean | null;

export interface TableSpec {
  readonly name: string;
  readonly cols: readonly ColInfo[];
  readonly rows: readonly (readonly Cell[])[];
}

const LETTERS = ['a', 'b', 'c', 'd', 'e'] as const;
export const NULL_RATE = 0.2;

export function domainOf(ty: Ty): readonly Cell[] {
  switch (ty) {
    case 'int':
      return INT_VALUES;
    case 'long':
      return LONG_VALUES;
    case 'double':
      return DOUBLE_VALUES;
    case 'string':
      return STRING_VALUES;
    case 'boolean':
      return [true, false];
    case 'timestamp':
      return TIMESTAMP_VALUES;
  }
}

export function genTable(ch: Chooser, index: number): TableSpec {
  const cols: ColInfo[] = [colInfo(`k${index}`, 'long', KEY_MAG)];
  const extra = ch.int(1, 4);
  for (let j = 0; j < extra; j++) cols.push(colInfo(`${LETTERS[j]}${index}`, ch.pick(ALL_TYPES)));
  const n = ch.chance(0.15) ? ch.int(0, 2) : ch.int(1, MAX_ROWS);
  const rows: Cell[][] = [];
  for (let r = 0; r < n; r++) {
    rows.push(
      cols.map((c, j) => {
        if (ch.chance(NULL_RATE)) return null;
        // Shrinking drives int() toward 0, i.e. the first (simplest) domain value.
        return j === 0 ? ch.pick(KEY_VALUES) : ch.pick(domainOf(c.ty));
      }),
    );
  }
  return { name: `t${index}`, cols, rows };
}

export function genTables(ch: Chooser): TableSpec[] {
  const count = ch.int(2, 3);
  return Array.from({ length: count }, (_, i) => genTable(ch, i));
}

/** Table contents for failure reports: one JSON line per row, timestamps as ISO strings. */
export function formatTable(t: TableSpec): string {
  const header = `${t.name}(${t.cols.map((c) => `${c.name} ${c.ty}`).join(', ')}) — ${t.rows.length} rows`;
  const lines = t.rows.map((r) => '  ' + JSON.stringify(r.map((v, j) => (v !== null && t.cols[j]!.ty === 'timestamp' ? new Date(v as number).toISOString() : v))));
  return [header, ...lines].join('\n');
}
