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

/** Java's Double.toString (JDK 19+, shortest repr): `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `-0.0`. */
export function javaDoubleString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const a = Math.abs(d);
  return javaDecimal(d, twoDigitRule(a, a.toExponential(), (x) => x === a));
}

/**
 * Java never prints fewer than two significant digits, and when the shortest round-tripping
 * decimal has one digit it picks the closest two-digit decimal instead (Double.MIN_VALUE is
 * `4.9E-324`, not `5.0E-324`). This only changes subnormal values.
 */
function twoDigitRule(a: number, exponential: string, roundTrips: (x: number) => boolean): string {
  if (/^\de/.test(exponential)) {
    const two = a.toExponential(1);
    if (!/^\d\.0e/.test(two) && roundTrips(Number(two))) return two;
  }
  return exponential;
}

/** Java's Float.toString of a float stored as a number: the shortest digits that round-trip as a float. */
export function javaFloatString(f: number): string {
  const x = Math.fround(f);
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  let exp = a.toExponential();
  for (let p = 1; p <= 9; p++) {
    const s = a.toPrecision(p);
    if (Math.fround(Number(s)) === a) {
      exp = Number(s).toExponential();
      break;
    }
  }
  return javaDecimal(x, twoDigitRule(a, exp, (y) => Math.fround(y) === a));
}

/** Lays out `±d.ddde±x` digits as Java does: plain in [1e-3, 1e7), computerized scientific otherwise. */
function javaDecimal(value: number, exponential: string): string {
  const [mantissa, e] = exponential.split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(e);
  const sign = value < 0 ? '-' : '';
  const a = Math.abs(value);
  if (a >= 1e-3 && a < 1e7) {
    if (exp >= 0) {
      const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1);
      return `${sign}${int}.${frac || '0'}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exp}`;
}

const MICROS_PER_SECOND = 1_000_000;
const MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND;

/** `yyyy-MM-dd` of days since the epoch (proleptic Gregorian, as Spark 3+). */
export function formatDate(days: number): string {
  const { y, m, d } = civilFromDays(days);
  return `${formatYear(y)}-${pad2(m)}-${pad2(d)}`;
}

/**
 * `yyyy-MM-dd HH:mm:ss[.ffffff]` of epoch microseconds in `timeZone`, with trailing zeros of the
 * fraction dropped (Spark's fraction formatter).
 */
export function formatTimestamp(micros: number, timeZone = 'UTC'): string {
  const local = micros + zoneOffsetSeconds(micros, timeZone) * MICROS_PER_SECOND;
  const days = Math.floor(local / MICROS_PER_DAY);
  const inDay = local - days * MICROS_PER_DAY;
  const secs = Math.floor(inDay / MICROS_PER_SECOND);
  const frac = inDay - secs * MICROS_PER_SECOND;
  const h = Math.floor(secs / 3600);
  const mi = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  const fraction = frac === 0 ? '' : `.${String(frac).padStart(6, '0').replace(/0+$/, '')}`;
  return `${formatDate(days)} ${pad2(h)}:${pad2(mi)}:${pad2(s)}${fraction}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

// java.time's ISO year: at least 4 digits, `+` beyond 9999, `-` before year 0.
function formatYear(y: number): string {
  if (y > 9999) return `+${y}`;
  if (y < 0) return `-${String(-y).padStart(4, '0')}`;
  return String(y).padStart(4, '0');
}

// Howard Hinnant's civil_from_days.
function civilFromDays(days: number): { y: number; m: number; d: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `timeZone` from UTC at an instant, in seconds (0 for UTC, via Intl otherwise). */
function zoneOffsetSeconds(micros: number, timeZone: string): number {
  if (timeZone === 'UTC' || timeZone === 'Z' || timeZone === 'GMT' || timeZone === 'Etc/UTC') return 0;
  const fixed = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(timeZone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 3600 + Number(fixed[3] ?? 0) * 60);
  let f = zoneFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zoneFormatters.set(timeZone, f);
  }
  const ms = Math.floor(micros / 1000);
  const utcSeconds = Math.floor(ms / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(utcSeconds))) parts[p.type] = p.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const asUtc = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  // Date.UTC maps years 0..99 to 1900+; setUTCFullYear undoes that.
  const d = new Date(asUtc);
  if (year >= 0 && year < 100) d.setUTCFullYear(year);
  return Math.round((d.getTime() - utcSeconds) / 1000);
}
