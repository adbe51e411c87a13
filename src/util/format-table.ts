/**
 * `Dataset.show()` text, as Spark 4 (`classic/Dataset.showString` + `ToPrettyString`) prints it:
 * `+---+` borders, cells right-aligned when truncating (truncate > 0) and left-aligned
 * otherwise, a minimum column width of 3, full-width (CJK) characters counted as two columns,
 * control characters escaped (`\n` → `\\n`), and the footer `only showing top N rows` without a
 * trailing newline. Null renders as `NULL` (Spark 3.5+/4; Spark ≤ 3.4 printed `null`).
 */
import type { DataType } from '../types/data-types.js';
import { formatInterval } from '../types/interval.js';
import type { CalendarInterval } from '../types/data-types.js';
import { formatDate, formatTimestamp as formatTimestampInZone } from '../types/temporal.js';
import { javaDoubleString, javaFloatString } from './java-number.js';

export { formatDate } from '../types/temporal.js';
export { javaDoubleString, javaFloatString } from './java-number.js';

export interface FormatTableOptions {
  /** Cells longer than this are cut to `truncate - 3` characters plus `...`; 0 = no truncation. */
  readonly truncate: number;
  readonly hasMoreRows: boolean;
  /** The row limit asked for, named in the footer. */
  readonly numRows: number;
  /** `show(n, truncate, vertical = true)`: one `-RECORD i-` block per row. */
  readonly vertical?: boolean;
}

export function formatTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  opts: FormatTableOptions,
): string {
  const { truncate } = opts;
  const header = columns.map(escapeMetaCharacters);
  const data = rows.map((r) => r.map((c) => truncateCell(escapeMetaCharacters(c), truncate)));
  const all = [header, ...data];
  const minimumColWidth = 3;
  let out = '';

  if (!opts.vertical) {
    const widths = header.map(() => minimumColWidth);
    for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i]!, stringHalfWidth(cell))));
    const sep = `+${widths.map((w) => '-'.repeat(w)).join('+')}+\n`;
    const line = (row: readonly string[]): string =>
      `|${row
        .map((cell, i) => {
          const pad = ' '.repeat(Math.max(0, widths[i]! - stringHalfWidth(cell)));
          return truncate > 0 ? pad + cell : cell + pad;
        })
        .join('|')}|\n`;
    out += sep + line(header) + sep;
    for (const row of data) out += line(row);
    out += sep;
  } else {
    const nameWidth = header.reduce((m, name) => Math.max(m, stringHalfWidth(name)), minimumColWidth);
    const dataWidth = data.reduce((m, row) => Math.max(m, ...row.map(stringHalfWidth)), minimumColWidth);
    data.forEach((row, i) => {
      out += `${rightPad(`-RECORD ${i}`, nameWidth + dataWidth + 5, '-')}\n`;
      for (let j = 0; j < row.length; j++) {
        const name = header[j]!;
        const cell = row[j]!;
        out += ` ${name}${' '.repeat(Math.max(0, nameWidth - stringHalfWidth(name)))} | ${cell}${' '.repeat(
          Math.max(0, dataWidth - stringHalfWidth(cell)),
        )} \n`;
      }
    });
  }

  if (opts.vertical && data.length === 0) out += '(0 rows)';
  else if (opts.hasMoreRows) out += `only showing top ${opts.numRows} ${opts.numRows === 1 ? 'row' : 'rows'}`;
  return out;
}

function truncateCell(s: string, truncate: number): string {
  if (truncate > 0 && s.length > truncate) {
    // Spark shows no ellipsis when fewer than 4 characters are allowed.
    return truncate < 4 ? s.substring(0, truncate) : `${s.substring(0, truncate - 3)}...`;
  }
  return s;
}

function rightPad(s: string, width: number, pad: string): string {
  return s.length >= width ? s : s + pad.repeat(width - s.length);
}

/** Spark's SchemaUtils.escapeMetaCharacters: control characters that would break the grid. */
export function escapeMetaCharacters(s: string): string {
  return s
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\f/g, '\\f')
    .replace(/\x08/g, '\\b')
    .replace(/\v/g, '\\v')
    .replace(/\x07/g, '\\a');
}

// Spark's Utils.fullWidthRegex: characters a terminal draws two columns wide.
const FULL_WIDTH = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6]/g;

/** Display width in half-width columns (Spark's Utils.stringHalfWidth). */
export function stringHalfWidth(s: string): number {
  const m = s.match(FULL_WIDTH);
  return s.length + (m ? m.length : 0);
}

/**
 * How show() renders one internal value of `type` (Spark's ToPrettyString): `NULL`, doubles as
 * Java's Double.toString (`1.0`, `1.0E10`, `NaN`), timestamps `2020-01-01 00:00:00.5` in
 * `timeZone`, dates `2020-01-01`, arrays `[1, NULL]`, structs `{1, a}`, maps `{a -> 1}`,
 * binary `[01 FF]`, intervals `1 days 2 hours`.
 */
export function showValue(v: unknown, type: DataType, timeZone = 'UTC'): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        return String(v);
      case 'double':
        return javaDoubleString(Number(v));
      case 'float':
        return javaFloatString(Number(v));
      case 'timestamp':
        return formatTimestamp(Number(v), timeZone);
      case 'date':
        return formatDate(Number(v));
      case 'binary':
        return formatBinary(v as Uint8Array);
      case 'interval':
        return formatInterval(v as CalendarInterval);
      default:
        return String(v);
    }
  }
  switch (type.type) {
    case 'array': {
      const parts = (v as readonly unknown[]).map((x) => showValue(x, type.elementType, timeZone));
      return `[${parts.join(', ')}]`;
    }
    case 'struct': {
      const parts = (v as readonly unknown[]).map((x, i) => showValue(x, type.fields[i]?.type ?? 'string', timeZone));
      return `{${parts.join(', ')}}`;
    }
    case 'map': {
      const parts = [...(v as Map<unknown, unknown>)].map(
        ([k, x]) => `${showValue(k, type.keyType, timeZone)} -> ${showValue(x, type.valueType, timeZone)}`,
      );
      return `{${parts.join(', ')}}`;
    }
  }
}

function formatBinary(b: Uint8Array): string {
  return `[${[...b].map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ')}]`;
}

/** `yyyy-MM-dd HH:mm:ss[.ffffff]` in `timeZone` (Spark's timestamp → string, as show() prints it). */
export function formatTimestamp(micros: number, timeZone = 'UTC'): string {
  return formatTimestampInZone(micros, timeZone);
}
