/**
 * Spark's CAST (`Cast.scala`) on internal values, plus the time-zone and timestamp-string code
 * that casts and the datetime functions share.
 *
 * Legacy (non-ANSI) mode, Spark's default before 4.0: malformed input gives null. With
 * `ansi: true` malformed strings raise CAST_INVALID_INPUT and numeric overflow CAST_OVERFLOW, with
 * Spark's messages. Rules worth knowing (all as in Spark):
 * - string → int/long: trimmed, `'1.5'` → 1 (the fraction is checked, then dropped; ANSI rejects
 *   it), out of range → null. string → double: Java `Double.parseDouble` plus `inf`/`nan` spellings.
 * - double → int/long truncates toward zero and *saturates* (Java's `(int) d`; NaN → 0);
 *   long → int *wraps* (Java's `(int) l`). ANSI raises CAST_OVERFLOW instead of either.
 * - integral → timestamp counts seconds; double → timestamp seconds with fraction (NaN → null);
 *   timestamp → long is whole seconds (floor); timestamp → double seconds with fraction.
 * - date → numeric and date → boolean are null (Hive compatibility); boolean → timestamp is 1 µs.
 * - anything → string: doubles print as Java's `Double.toString` (`1.0`, `1.0E10`), timestamps as
 *   `yyyy-MM-dd HH:mm:ss[.ffffff]` (trailing zeros trimmed) in the session time zone, arrays as
 *   `[1, null]`, structs as `{1, a}`, maps as `{a -> 1}`.
 * - float values are kept as JS numbers (see types/data-types.ts); casts to float only map
 *   values beyond float range to ±Infinity, and float → string prints the shortest float digits.
 *
 * Time zones: 'UTC', 'Z', 'GMT', fixed offsets ('+02:00', '-0530', 'UTC+8', 'GMT-05:00') and
 * Java's short ids ('PST', 'EST', ...) are handled here; region ids ('Europe/Paris') go through
 * `Intl.DateTimeFormat`, which every target runtime has. Local times in a DST gap move forward
 * and in an overlap take the earlier offset, as `java.time.ZonedDateTime.of` does.
 */
import { RivuletError } from '../errors.js';
import { isIntegral, isNumeric, typeEquals, type CalendarInterval, type DataType } from '../types/data-types.js';
import { sqlType } from '../types/ddl.js';
import { formatInterval, parseInterval } from '../types/interval.js';
import type { Expr } from './ast.js';

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_DAY = 86_400_000_000;
const MILLIS_PER_DAY = 86_400_000;
const FLOAT_MAX = 3.4028234663852886e38;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
// Long.MAX_VALUE is 2^63 - 1, which rounds to 2^63 as a double: saturating to it is what Java's
// `(long) d` gives once the result is a double again.
const LONG_MAX = 2 ** 63;
const LONG_MIN = -(2 ** 63);

export interface CastOptions {
  readonly ansi: boolean;
  readonly timeZone: string;
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, like java.time)
// ---------------------------------------------------------------------------------------------

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month 1-12, day] of a day count since 1970-01-01. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

export function isValidDate(y: number, m: number, d: number): boolean {
  return Number.isInteger(y) && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

export function floorMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r + 0;
}

// ---------------------------------------------------------------------------------------------
// Time zones
// ---------------------------------------------------------------------------------------------

export interface TimeZone {
  /** The id as given (Spark keeps the user's spelling). */
  readonly id: string;
  /** Seconds east of UTC, when the zone never changes its offset. */
  readonly fixedOffset?: number;
  /** Seconds east of UTC at an instant (epoch milliseconds). */
  offsetSeconds(epochMillis: number): number;
}

// java.time.ZoneId.SHORT_IDS, which Spark passes to ZoneId.of.
const SHORT_IDS: Readonly<Record<string, string>> = {
  ACT: 'Australia/Darwin',
  AET: 'Australia/Sydney',
  AGT: 'America/Argentina/Buenos_Aires',
  ART: 'Africa/Cairo',
  AST: 'America/Anchorage',
  BET: 'America/Sao_Paulo',
  BST: 'Asia/Dhaka',
  CAT: 'Africa/Harare',
  CNT: 'America/St_Johns',
  CST: 'America/Chicago',
  CTT: 'Asia/Shanghai',
  EAT: 'Africa/Addis_Ababa',
  ECT: 'Europe/Paris',
  IET: 'America/Indiana/Indianapolis',
  IST: 'Asia/Kolkata',
  JST: 'Asia/Tokyo',
  MIT: 'Pacific/Apia',
  NET: 'Asia/Yerevan',
  NST: 'Pacific/Auckland',
  PLT: 'Asia/Karachi',
  PNT: 'America/Phoenix',
  PRT: 'America/Puerto_Rico',
  PST: 'America/Los_Angeles',
  SST: 'Pacific/Guadalcanal',
  VST: 'Asia/Ho_Chi_Minh',
  EST: '-05:00',
  MST: '-07:00',
  HST: '-10:00',
};

const zoneCache = new Map<string, TimeZone | null>();

function fixedZone(id: string, offset: number): TimeZone {
  return { id, fixedOffset: offset, offsetSeconds: () => offset };
}

/** `java.time.ZoneOffset.of`: `+h`, `+hh`, `+hh:mm`, `+hhmm`, `+hh:mm:ss`, `+hhmmss`; seconds. */
function parseOffset(s: string): number | undefined {
  const m = /^([+-])(\d{1,2})(?::?(\d\d)(?::?(\d\d))?)?$/.exec(s);
  if (!m) return undefined;
  // ZoneOffset.of rejects mixing `:` and no `:` and a 1-digit hour with minutes.
  if (m[2]!.length === 1 && m[3] !== undefined) return undefined;
  const colon = s.includes(':');
  if (colon && m[4] !== undefined && !/^[+-]\d\d:\d\d:\d\d$/.test(s)) return undefined;
  if (colon && m[4] === undefined && !/^[+-]\d\d:\d\d$/.test(s)) return undefined;
  const h = Number(m[2]);
  const mi = m[3] === undefined ? 0 : Number(m[3]);
  const se = m[4] === undefined ? 0 : Number(m[4]);
  if (h > 18 || mi > 59 || se > 59 || (h === 18 && (mi > 0 || se > 0))) return undefined;
  const total = h * 3600 + mi * 60 + se;
  return m[1] === '-' ? -total : total;
}

function resolveZone(raw: string): TimeZone | null {
  // Spark's getZoneId accepts `+h:mm` and `+hh:m`, which predate Spark 3.0.
  const id = raw.replace(/([+-])(\d):/, '$10$2:').replace(/([+-]\d\d):(\d)$/, '$1:0$2');
  if (id === 'Z') return fixedZone(raw, 0);
  if (id.startsWith('+') || id.startsWith('-')) {
    const o = parseOffset(id);
    return o === undefined ? null : fixedZone(raw, o);
  }
  for (const prefix of ['UTC', 'GMT', 'UT']) {
    if (id === prefix) return fixedZone(raw, 0);
    if (id.startsWith(prefix) && (id[prefix.length] === '+' || id[prefix.length] === '-')) {
      const o = parseOffset(id.slice(prefix.length));
      return o === undefined ? null : fixedZone(raw, o);
    }
  }
  const short = SHORT_IDS[id];
  if (short !== undefined && (short.startsWith('+') || short.startsWith('-'))) return fixedZone(raw, parseOffset(short)!);
  return intlZone(raw, short ?? id);
}

function intlZone(id: string, region: string): TimeZone | null {
  // Java region ids look like `Area/City` (or a few single words); Intl would also accept
  // things Java does not, such as lower-case spellings, which is harmless.
  if (!/^[A-Za-z][A-Za-z0-9~/._+-]*$/.test(region)) return null;
  let dtf: Intl.DateTimeFormat;
  try {
    dtf = new Intl.DateTimeFormat('en-US', {
      timeZone: region,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return null;
  }
  // Offsets change on quarter-hour instants in practice, so one lookup per 15 minutes is exact
  // and keeps Intl (slow) out of the per-row path.
  const cache = new Map<number, number>();
  const compute = (ms: number): number => {
    const clamped = Math.max(-8.64e15, Math.min(8.64e15, ms));
    const parts: Record<string, string> = {};
    for (const p of dtf.formatToParts(new Date(clamped))) parts[p.type] = p.value;
    let year = Number(parts['year']);
    if (parts['era'] === 'BC' || parts['era'] === 'B') year = 1 - year;
    const hour = Number(parts['hour']) % 24;
    const local =
      daysFromCivil(year, Number(parts['month']), Number(parts['day'])) * MILLIS_PER_DAY +
      ((hour * 60 + Number(parts['minute'])) * 60 + Number(parts['second'])) * 1000;
    return Math.round((local - Math.floor(clamped / 1000) * 1000) / 1000);
  };
  return {
    id,
    offsetSeconds(ms: number): number {
      const key = Math.floor(ms / 900_000);
      let o = cache.get(key);
      if (o === undefined) {
        o = compute(key * 900_000);
        if (cache.size > 4096) cache.clear();
        cache.set(key, o);
      }
      return o;
    },
  };
}

/** The zone for an id, or undefined when Spark's `ZoneId.of` would reject it. */
export function tryTimeZone(id: string): TimeZone | undefined {
  let z = zoneCache.get(id);
  if (z === undefined) {
    z = resolveZone(id);
    if (zoneCache.size > 256) zoneCache.clear();
    zoneCache.set(id, z);
  }
  return z ?? undefined;
}

/** The zone for an id; INVALID_TIMEZONE (Spark's error class) when it is not a valid zone. */
export function getTimeZone(id: string): TimeZone {
  const z = tryTimeZone(id);
  if (!z) {
    throw new RivuletError(
      'INVALID_TIMEZONE',
      `The timezone: ${id} is invalid. The timezone must be either a region-based zone ID or a zone offset. ` +
        "Region IDs must have the form 'area/city', such as 'America/Los_Angeles'. Zone offsets must be in the format " +
        "'(+|-)HH', '(+|-)HH:mm' or '(+|-)HH:mm:ss', e.g '-08', '+01:00' or '-13:33:33', and must be in the range " +
        "from -18:00 to +18:00. 'Z' and 'UTC' are accepted as synonyms for '+00:00'.",
      { parameters: { timeZone: id } },
    );
  }
  return z;
}

/** Offset (seconds) of a zone at an instant given in epoch microseconds. */
export function offsetAtMicros(zone: TimeZone, micros: number): number {
  return zone.fixedOffset ?? zone.offsetSeconds(Math.floor(micros / 1000));
}

/** Local wall-clock micros (as if UTC) of an instant. */
export function toLocalMicros(micros: number, zone: TimeZone): number {
  return micros + offsetAtMicros(zone, micros) * MICROS_PER_SECOND;
}

/**
 * The instant of a local wall-clock time (micros as if UTC) in `zone`, as `ZonedDateTime.of`:
 * in a gap the time moves forward by the gap, in an overlap the earlier offset wins.
 */
export function fromLocalMicros(local: number, zone: TimeZone): number {
  if (zone.fixedOffset !== undefined) return local - zone.fixedOffset * MICROS_PER_SECOND;
  const localMs = Math.floor(local / 1000);
  const before = zone.offsetSeconds(localMs - MILLIS_PER_DAY);
  const after = zone.offsetSeconds(localMs + MILLIS_PER_DAY);
  if (zone.offsetSeconds(localMs - before * 1000) === before) return local - before * MICROS_PER_SECOND;
  if (zone.offsetSeconds(localMs - after * 1000) === after) return local - after * MICROS_PER_SECOND;
  return local - before * MICROS_PER_SECOND;
}

export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Microseconds within the second, 0-999999. */
  readonly micros: number;
  /** Days since the epoch of the local date. */
  readonly epochDay: number;
}

export function localDateTime(micros: number, zone: TimeZone): LocalDateTime {
  const local = toLocalMicros(micros, zone);
  const epochDay = floorDiv(local, MICROS_PER_DAY);
  const [year, month, day] = civilFromDays(epochDay);
  const ofDay = local - epochDay * MICROS_PER_DAY;
  const secs = Math.floor(ofDay / MICROS_PER_SECOND);
  return {
    year,
    month,
    day,
    hour: Math.floor(secs / 3600),
    minute: Math.floor(secs / 60) % 60,
    second: secs % 60,
    micros: ofDay - secs * MICROS_PER_SECOND,
    epochDay,
  };
}

/** Days since the epoch of the instant's local date in `zone` (Spark's microsToDays). */
export function microsToDays(micros: number, zone: TimeZone): number {
  return floorDiv(toLocalMicros(micros, zone), MICROS_PER_DAY);
}

/** The instant a local date starts in `zone` (Spark's daysToMicros). */
export function daysToMicros(days: number, zone: TimeZone): number {
  return fromLocalMicros(days * MICROS_PER_DAY, zone);
}

// ---------------------------------------------------------------------------------------------
// Timestamp and date strings (SparkDateTimeUtils.stringToTimestamp / stringToDate)
// ---------------------------------------------------------------------------------------------

// Spark trims ASCII whitespace and ISO control characters (bytes <= 0x20 and 0x7f).
function isTrimmable(c: number): boolean {
  return c <= 0x20 || c === 0x7f;
}

function trimBounds(s: string): [number, number] {
  let i = 0;
  let j = s.length;
  while (i < j && isTrimmable(s.charCodeAt(i))) i++;
  while (j > i && isTrimmable(s.charCodeAt(j - 1))) j--;
  return [i, j];
}

/** Spark's stringToDate: `[+-]yyyy*[-[m]m[-[d]d[ *|T*]]]`; the time part is ignored. */
export function parseDate(s: string): number | null {
  const [start, end] = trimBounds(s);
  if (start === end) return null;
  const segments = [1, 1, 1];
  let sign = 1;
  let i = 0;
  let value = 0;
  let digits = 0;
  let j = start;
  const validDigits = (seg: number, n: number): boolean => (seg === 0 ? n >= 4 && n <= 7 : n > 0 && n <= 2);
  if (s[j] === '-' || s[j] === '+') {
    sign = s[j] === '-' ? -1 : 1;
    j++;
  }
  while (j < end && i < 3 && s[j] !== ' ' && s[j] !== 'T') {
    const c = s.charCodeAt(j);
    if (i < 2 && c === 45 /* - */) {
      if (!validDigits(i, digits)) return null;
      segments[i] = value;
      value = 0;
      digits = 0;
      i++;
    } else if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else {
      return null;
    }
    j++;
  }
  if (!validDigits(i, digits)) return null;
  if (i < 2 && j < end) return null;
  segments[i] = value;
  const y = sign * segments[0]!;
  if (!isValidDate(y, segments[1]!, segments[2]!)) return null;
  return daysFromCivil(y, segments[1]!, segments[2]!);
}

/**
 * Spark's stringToTimestamp: `[+-]yyyy*[-[m]m[-[d]d[( |T)[h]h[:[m]m[:[s]s[.ffffff]]]]]][zone]`,
 * or a time alone (`[T][h]h:[m]m...`, today's date in the zone). Zones: `Z`, `+hh:mm`,
 * `UTC+x`, short ids, region ids. No zone in the string means the session time zone.
 * Returns epoch microseconds or null.
 */
export function parseTimestamp(s: string, timeZone: string): number | null {
  const [start, end] = trimBounds(s);
  if (start === end) return null;
  const segments = [1, 1, 1, 0, 0, 0, 0, 0, 0];
  let i = 0;
  let value = 0;
  let digits = 0;
  let fractionDigits = 0;
  let justTime = false;
  let yearSign: number | undefined;
  let tz: string | undefined;
  const validDigits = (seg: number, n: number): boolean =>
    seg === 6 || (seg === 0 && n >= 4 && n <= 6) || (seg === 7 && n <= 2) || (seg !== 0 && seg !== 6 && seg !== 7 && n > 0 && n <= 2);
  let j = start;
  if (s[j] === '-' || s[j] === '+') {
    yearSign = s[j] === '-' ? -1 : 1;
    j++;
  }
  const close = (): boolean => {
    if (!validDigits(i, digits)) return false;
    segments[i] = value;
    value = 0;
    digits = 0;
    i++;
    return true;
  };
  while (j < end) {
    const b = s[j]!;
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) {
      if (j === start && b === 'T') {
        justTime = true;
        i += 3;
      } else if (i < 2) {
        if (b === '-') {
          if (!close()) return null;
        } else if (i === 0 && b === ':' && yearSign === undefined) {
          justTime = true;
          if (!validDigits(3, digits)) return null;
          segments[3] = value;
          value = 0;
          digits = 0;
          i = 4;
        } else {
          return null;
        }
      } else if (i === 2) {
        if (b !== ' ' && b !== 'T') return null;
        if (!close()) return null;
      } else if (i === 3 || i === 4) {
        if (b !== ':') return null;
        if (!close()) return null;
      } else if (i === 5 || i === 6) {
        if (b === '.' && i === 5) {
          if (!close()) return null;
        } else {
          if (!close()) return null;
          tz = s.slice(j, end);
          j = end - 1;
        }
        if (i === 6 && b !== '.') i++;
      } else {
        if (i < segments.length && (b === ':' || b === ' ')) {
          if (!close()) return null;
        } else {
          return null;
        }
      }
    } else {
      if (i === 6) fractionDigits++;
      // Digits beyond microseconds are truncated.
      if (i !== 6 || digits < 6) value = value * 10 + (c - 48);
      digits++;
    }
    j++;
  }
  if (!validDigits(i, digits)) return null;
  segments[i] = value;
  while (fractionDigits < 6) {
    segments[6] = segments[6]! * 10;
    fractionDigits++;
  }
  let zone: TimeZone | undefined;
  if (tz !== undefined) {
    zone = tryTimeZone(tz.trim());
    if (!zone) return null;
  } else {
    zone = getTimeZone(timeZone);
  }
  const [h, mi, se, frac] = [segments[3]!, segments[4]!, segments[5]!, segments[6]!];
  if (h > 23 || mi > 59 || se > 59) return null;
  let epochDay: number;
  if (justTime) {
    epochDay = microsToDays(Date.now() * 1000, zone);
  } else {
    const y = segments[0]! * (yearSign ?? 1);
    if (!isValidDate(y, segments[1]!, segments[2]!)) return null;
    epochDay = daysFromCivil(y, segments[1]!, segments[2]!);
  }
  const local = epochDay * MICROS_PER_DAY + ((h * 60 + mi) * 60 + se) * MICROS_PER_SECOND + frac;
  return fromLocalMicros(local, zone);
}

/** `yyyy` of java.time's ISO_LOCAL_DATE: 4 digits, `+` beyond 9999, `-` before year 0. */
export function formatIsoYear(y: number): string {
  if (y < 0) return `-${String(-y).padStart(4, '0')}`;
  return y > 9999 ? `+${y}` : String(y).padStart(4, '0');
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Spark's date → string: `yyyy-MM-dd`. */
export function formatDate(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${formatIsoYear(y)}-${pad2(m)}-${pad2(d)}`;
}

/**
 * Spark's timestamp → string: `yyyy-MM-dd HH:mm:ss` in the time zone, then the fraction of a
 * second with trailing zeros removed (`.1`, `.123456`), nothing when it is zero.
 */
export function formatTimestamp(micros: number, timeZone: string): string {
  return formatTimestampIn(micros, getTimeZone(timeZone));
}

export function formatTimestampIn(micros: number, zone: TimeZone): string {
  const t = localDateTime(micros, zone);
  let out = `${formatIsoYear(t.year)}-${pad2(t.month)}-${pad2(t.day)} ${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}`;
  if (t.micros !== 0) out += `.${String(t.micros).padStart(6, '0').replace(/0+$/, '')}`;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Numbers as Java prints and parses them
// ---------------------------------------------------------------------------------------------

/** Java's `Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.5E-4`, `NaN`, `-Infinity`. */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mant, exp] = d.toExponential().split('e') as [string, string];
  return `${mant.includes('.') ? mant : `${mant}.0`}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}

/** Java's `Float.toString`: the shortest digits that identify the value as a 32-bit float. */
export function javaFloatToString(v: number): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f) || f === 0) return javaDoubleToString(f);
  for (let p = 1; p <= 9; p++) {
    const n = Number(f.toPrecision(p));
    if (Math.fround(n) === f) return javaDoubleToString(n);
  }
  return javaDoubleToString(f);
}

/**
 * UTF8String.toInt/toLong: trimmed, optional sign, digits, optionally `.digits` (dropped) when
 * `allowDecimal`; null when malformed or out of [min, max].
 */
export function parseIntegral(s: string, allowDecimal: boolean, long: boolean): number | null {
  const [start, end] = trimBounds(s);
  if (start === end) return null;
  let j = start;
  const negative = s[j] === '-';
  if (negative || s[j] === '+') {
    if (end - j === 1) return null;
    j++;
  }
  const digitsStart = j;
  while (j < end) {
    const c = s.charCodeAt(j);
    if (c === 46 /* . */ && allowDecimal) break;
    if (c < 48 || c > 57) return null;
    j++;
  }
  const intDigits = s.slice(digitsStart, j);
  if (j < end) {
    for (let k = j + 1; k < end; k++) {
      const c = s.charCodeAt(k);
      if (c < 48 || c > 57) return null;
    }
  }
  const trimmed = intDigits.replace(/^0+/, '');
  if (trimmed.length === 0) return 0;
  if (!long) {
    if (trimmed.length > 10) return null;
    const v = negative ? -Number(trimmed) : Number(trimmed);
    return v < INT_MIN || v > INT_MAX ? null : v;
  }
  if (trimmed.length > 19) return null;
  if (trimmed.length >= 18) {
    const big = negative ? -BigInt(trimmed) : BigInt(trimmed);
    if (big < -(2n ** 63n) || big >= 2n ** 63n) return null;
    return Number(big);
  }
  return negative ? -Number(trimmed) : Number(trimmed);
}

const JAVA_DECIMAL = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
const JAVA_HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)[fFdD]?$/;

/** Java's `Double.parseDouble` (after `trim`), then Spark's `inf`/`infinity`/`nan` spellings. */
export function parseJavaDouble(s: string): number | null {
  let i = 0;
  let j = s.length;
  while (i < j && s.charCodeAt(i) <= 0x20) i++;
  while (j > i && s.charCodeAt(j - 1) <= 0x20) j--;
  const t = s.slice(i, j);
  if (JAVA_DECIMAL.test(t)) {
    const body = /[fFdD]$/.test(t) ? t.slice(0, -1) : t;
    return Number(body);
  }
  const hex = JAVA_HEX.exec(t);
  if (hex && (hex[2]!.length > 0 || (hex[3] ?? '').length > 0)) {
    const frac = hex[3] ?? '';
    const mant = parseInt(`${hex[2] || '0'}${frac}`, 16);
    const v = mant * 2 ** (Number(hex[4]) - 4 * frac.length);
    return hex[1] === '-' ? -v : v;
  }
  switch (t.toLowerCase()) {
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    case 'nan':
      return NaN;
    default:
      return null;
  }
}

const TRUE_STRINGS = new Set(['t', 'true', 'y', 'yes', '1']);
const FALSE_STRINGS = new Set(['f', 'false', 'n', 'no', '0']);

/** Spark's StringUtils.isTrueString/isFalseString after `trimAll`; null when neither. */
export function parseBoolean(s: string): boolean | null {
  const t = s.replace(/^[\s\x00-\x1f\x7f-\x9f]+|[\s\x00-\x1f\x7f-\x9f]+$/g, '').toLowerCase();
  if (TRUE_STRINGS.has(t)) return true;
  if (FALSE_STRINGS.has(t)) return false;
  return null;
}

/** Java's `(int) d`: truncates, saturates, NaN → 0. */
export function doubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= INT_MAX) return INT_MAX;
  if (d <= INT_MIN) return INT_MIN;
  return Math.trunc(d) + 0;
}

/** Java's `(long) d`: truncates, saturates, NaN → 0. */
export function doubleToLong(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= LONG_MAX) return LONG_MAX;
  if (d <= LONG_MIN) return LONG_MIN;
  return Math.trunc(d) + 0;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

export function utf8Encode(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

export function utf8Decode(b: Uint8Array): string {
  return utf8Decoder.decode(b);
}

// ---------------------------------------------------------------------------------------------
// canCast / compileCast
// ---------------------------------------------------------------------------------------------

/** Spark's `Cast.canCast` (legacy mode). */
export function canCast(from: DataType, to: DataType): boolean {
  if (typeEquals(from, to)) return true;
  if (from === 'null') return true;
  if (to === 'string') return true;
  if (typeof from === 'string' && typeof to === 'string') {
    switch (to) {
      case 'binary':
        return from === 'string' || isIntegral(from);
      case 'boolean':
        return from === 'string' || from === 'date' || from === 'timestamp' || isNumeric(from);
      case 'timestamp':
        return from === 'string' || from === 'boolean' || from === 'date' || isNumeric(from);
      case 'date':
        return from === 'string' || from === 'timestamp';
      case 'interval':
        return from === 'string';
      case 'integer':
      case 'long':
      case 'float':
      case 'double':
        return from === 'string' || from === 'boolean' || from === 'date' || from === 'timestamp' || isNumeric(from);
      default:
        return false;
    }
  }
  if (typeof from === 'string' || typeof to === 'string') return false;
  if (from.type === 'array' && to.type === 'array') return canCast(from.elementType, to.elementType);
  if (from.type === 'map' && to.type === 'map') {
    return canCast(from.keyType, to.keyType) && !forceNullable(from.keyType, to.keyType) && canCast(from.valueType, to.valueType);
  }
  if (from.type === 'struct' && to.type === 'struct') {
    return from.fields.length === to.fields.length && from.fields.every((f, i) => canCast(f.type, to.fields[i]!.type));
  }
  return false;
}

/** Spark's `Cast.forceNullable`: whether a cast of a non-null value may produce null. */
export function forceNullable(from: DataType, to: DataType): boolean {
  if (from === 'null' || typeEquals(from, to)) return false;
  if (from === 'string') return to !== 'binary';
  if (to === 'string') return false;
  if ((from === 'float' || from === 'double') && (to === 'timestamp' || to === 'integer' || to === 'long')) return true;
  if (from === 'timestamp' && to === 'date') return false;
  if (to === 'date') return true;
  if (from === 'date' && to === 'timestamp') return false;
  if (from === 'date') return true;
  if (to === 'interval') return true;
  return false;
}

type Cast = (v: unknown) => unknown;

/**
 * A function casting one NON-NULL internal value of type `from` to `to` (null when the value
 * cannot be converted in legacy mode). Throws DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION when
 * Spark would not allow the cast at all.
 */
export function compileCast(from: DataType, to: DataType, opts: CastOptions): Cast {
  if (!canCast(from, to)) {
    const src = `"${sqlType(from)}"`;
    const target = `"${sqlType(to)}"`;
    throw new RivuletError('DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION', `cannot cast ${src} to ${target}.`, {
      parameters: { srcType: src, targetType: target },
    });
  }
  return build(from, to, opts);
}

const identity: Cast = (v) => v;

function build(from: DataType, to: DataType, o: CastOptions): Cast {
  if (typeEquals(from, to)) return identity;
  if (from === 'null') return () => null;
  if (typeof to === 'object') {
    if (to.type === 'array' && typeof from === 'object' && from.type === 'array') {
      const el = build(from.elementType, to.elementType, o);
      return (v) => (v as readonly unknown[]).map((e) => (e === null || e === undefined ? null : el(e)));
    }
    if (to.type === 'map' && typeof from === 'object' && from.type === 'map') {
      const k = build(from.keyType, to.keyType, o);
      const val = build(from.valueType, to.valueType, o);
      return (v) => {
        const out = new Map<unknown, unknown>();
        for (const [mk, mv] of v as Map<unknown, unknown>) out.set(k(mk), mv === null || mv === undefined ? null : val(mv));
        return out;
      };
    }
    if (to.type === 'struct' && typeof from === 'object' && from.type === 'struct') {
      const fs = from.fields.map((f, i) => build(f.type, to.fields[i]!.type, o));
      return (v) => fs.map((f, i) => {
        const x = (v as readonly unknown[])[i];
        return x === null || x === undefined ? null : f(x);
      });
    }
    return unsupported(from, to);
  }
  switch (to) {
    case 'string':
      return toStringCast(from, o);
    case 'boolean':
      return toBooleanCast(from, o);
    case 'integer':
    case 'long':
      return toIntegralCast(from, to, o);
    case 'float':
    case 'double':
      return toFractionalCast(from, to, o);
    case 'timestamp':
      return toTimestampCast(from, o);
    case 'date':
      return toDateCast(from, o);
    case 'binary':
      return toBinaryCast(from);
    case 'interval':
      return (v) => {
        try {
          return parseInterval(v as string);
        } catch {
          return null;
        }
      };
    default:
      return unsupported(from, to);
  }
}

function unsupported(from: DataType, to: DataType): never {
  throw new RivuletError('DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION', `cannot cast "${sqlType(from)}" to "${sqlType(to)}".`);
}

/** Spark's `toSQLValue` rendering used in cast error messages. */
function sqlValue(v: unknown, t: DataType, o: CastOptions): string {
  switch (t) {
    case 'string':
      return `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'long':
      return `${String(v)}L`;
    case 'double':
      return Number.isFinite(v) ? `${javaDoubleToString(v as number)}D` : `CAST('${javaDoubleToString(v as number)}' AS DOUBLE)`;
    case 'float':
      return Number.isFinite(v) ? `${javaFloatToString(v as number)}F` : `CAST('${javaFloatToString(v as number)}' AS FLOAT)`;
    case 'timestamp':
      return `TIMESTAMP '${formatTimestamp(v as number, o.timeZone)}'`;
    case 'date':
      return `DATE '${formatDate(v as number)}'`;
    default:
      return String(v);
  }
}

function invalidInput(v: unknown, from: DataType, to: DataType, o: CastOptions): RivuletError {
  const value = sqlValue(v, from, o);
  const src = `"${sqlType(from)}"`;
  const target = `"${sqlType(to)}"`;
  return new RivuletError(
    'CAST_INVALID_INPUT',
    `The value ${value} of the type ${src} cannot be cast to ${target} because it is malformed. ` +
      'Correct the value as per the syntax, or change its target type. Use `try_cast` to tolerate malformed input and return NULL instead.',
    { parameters: { expression: value, sourceType: src, targetType: target } },
  );
}

function overflow(v: unknown, from: DataType, to: DataType, o: CastOptions): RivuletError {
  const value = sqlValue(v, from, o);
  const src = `"${sqlType(from)}"`;
  const target = `"${sqlType(to)}"`;
  return new RivuletError(
    'CAST_OVERFLOW',
    `The value ${value} of the type ${src} cannot be cast to ${target} due to an overflow. Use \`try_cast\` to tolerate overflow and return NULL instead.`,
    { parameters: { value, sourceType: src, targetType: target } },
  );
}

/** A caster that returns null in legacy mode and raises CAST_INVALID_INPUT in ANSI mode. */
function orInvalid(from: DataType, to: DataType, o: CastOptions, f: (v: never) => unknown): Cast {
  return (v) => {
    const r = f(v as never);
    if (r === null && o.ansi) throw invalidInput(v, from, to, o);
    return r;
  };
}

function toStringCast(from: DataType, o: CastOptions): Cast {
  if (typeof from === 'object') {
    switch (from.type) {
      case 'array': {
        const el = toStringCast(from.elementType, o);
        return (v) => `[${(v as readonly unknown[]).map((e) => (e === null || e === undefined ? 'null' : (el(e) as string))).join(', ')}]`;
      }
      case 'map': {
        const k = toStringCast(from.keyType, o);
        const val = toStringCast(from.valueType, o);
        return (v) => {
          const parts: string[] = [];
          for (const [mk, mv] of v as Map<unknown, unknown>) {
            parts.push(`${k(mk) as string} ->${mv === null || mv === undefined ? ' null' : ` ${val(mv) as string}`}`);
          }
          return `{${parts.join(', ')}}`;
        };
      }
      case 'struct': {
        const fs = from.fields.map((f) => toStringCast(f.type, o));
        return (v) => `{${fs.map((f, i) => {
          const x = (v as readonly unknown[])[i];
          return x === null || x === undefined ? 'null' : (f(x) as string);
        }).join(', ')}}`;
      }
    }
  }
  switch (from) {
    case 'string':
      return identity;
    case 'double':
      return (v) => javaDoubleToString(v as number);
    case 'float':
      return (v) => javaFloatToString(v as number);
    case 'timestamp': {
      const zone = getTimeZone(o.timeZone);
      return (v) => formatTimestampIn(v as number, zone);
    }
    case 'date':
      return (v) => formatDate(v as number);
    case 'binary':
      return (v) => utf8Decode(v as Uint8Array);
    case 'interval':
      return (v) => formatInterval(v as CalendarInterval);
    case 'null':
      return () => null;
    default:
      return (v) => String(v);
  }
}

function toBooleanCast(from: DataType, o: CastOptions): Cast {
  switch (from) {
    case 'string':
      return orInvalid(from, 'boolean', o, (v: string) => parseBoolean(v));
    case 'date':
      return () => null;
    case 'timestamp':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return (v) => v !== 0;
    default:
      return unsupported(from, 'boolean');
  }
}

function toIntegralCast(from: DataType, to: 'integer' | 'long', o: CastOptions): Cast {
  const long = to === 'long';
  switch (from) {
    case 'string':
      return orInvalid(from, to, o, (v: string) => parseIntegral(v, !o.ansi, long));
    case 'boolean':
      return (v) => (v ? 1 : 0);
    case 'date':
      return () => null;
    case 'timestamp':
      if (long) return (v) => floorDiv(v as number, MICROS_PER_SECOND);
      return (v) => {
        const secs = floorDiv(v as number, MICROS_PER_SECOND);
        if (o.ansi && (secs < INT_MIN || secs > INT_MAX)) throw overflow(v, from, to, o);
        return secs | 0;
      };
    case 'integer':
      return identity;
    case 'long':
      return (v) => {
        const n = v as number;
        if (o.ansi && (n < INT_MIN || n > INT_MAX)) throw overflow(v, from, to, o);
        return n | 0;
      };
    case 'float':
    case 'double':
      return (v) => {
        const d = v as number;
        if (o.ansi) {
          const [lo, hi] = long ? [LONG_MIN, LONG_MAX] : [INT_MIN, INT_MAX];
          // Spark's exact conversion: floor/ceil must fit, so NaN and infinities overflow.
          if (!(Math.floor(d) <= hi && Math.ceil(d) >= lo) || (long && Math.floor(d) >= LONG_MAX)) throw overflow(v, from, to, o);
        }
        return long ? doubleToLong(d) : doubleToInt(d);
      };
    default:
      return unsupported(from, to);
  }
}

function toFractionalCast(from: DataType, to: 'float' | 'double', o: CastOptions): Cast {
  const float = to === 'float';
  const narrow = (d: number): number => (float && Number.isFinite(d) && Math.abs(d) > FLOAT_MAX ? (d > 0 ? Infinity : -Infinity) : d);
  switch (from) {
    case 'string':
      return orInvalid(from, to, o, (v: string) => {
        const d = parseJavaDouble(v);
        return d === null ? null : narrow(d);
      });
    case 'boolean':
      return (v) => (v ? 1 : 0);
    case 'date':
      return () => null;
    case 'timestamp':
      return (v) => narrow((v as number) / MICROS_PER_SECOND);
    case 'integer':
    case 'long':
    case 'float':
      return identity;
    case 'double':
      return (v) => {
        const d = v as number;
        if (o.ansi && float && Number.isFinite(d) && Math.abs(d) > FLOAT_MAX) throw overflow(v, from, to, o);
        return narrow(d);
      };
    default:
      return unsupported(from, to);
  }
}

function toTimestampCast(from: DataType, o: CastOptions): Cast {
  switch (from) {
    case 'string':
      return orInvalid(from, 'timestamp', o, (v: string) => parseTimestamp(v, o.timeZone));
    case 'boolean':
      return (v) => (v ? 1 : 0);
    case 'integer':
    case 'long':
      return (v) => (v as number) * MICROS_PER_SECOND;
    case 'float':
    case 'double':
      return (v) => {
        const d = v as number;
        if (!Number.isFinite(d)) {
          if (o.ansi) throw invalidInput(v, from, 'timestamp', o);
          return null;
        }
        return doubleToLong(d * MICROS_PER_SECOND);
      };
    case 'date': {
      const zone = getTimeZone(o.timeZone);
      return (v) => daysToMicros(v as number, zone);
    }
    default:
      return unsupported(from, 'timestamp');
  }
}

function toDateCast(from: DataType, o: CastOptions): Cast {
  switch (from) {
    case 'string':
      return orInvalid(from, 'date', o, (v: string) => parseDate(v));
    case 'timestamp': {
      const zone = getTimeZone(o.timeZone);
      return (v) => microsToDays(v as number, zone);
    }
    default:
      return unsupported(from, 'date');
  }
}

function toBinaryCast(from: DataType): Cast {
  switch (from) {
    case 'string':
      return (v) => utf8Encode(v as string);
    case 'integer':
      return (v) => {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setInt32(0, v as number);
        return b;
      };
    case 'long':
      return (v) => {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setBigInt64(0, BigInt.asIntN(64, BigInt(v as number)));
        return b;
      };
    default:
      return unsupported(from, 'binary');
  }
}

// ---------------------------------------------------------------------------------------------
// Implicit casts of function arguments (Spark's TypeCoercion.ImplicitTypeCasts, legacy mode)
// ---------------------------------------------------------------------------------------------

function isAtomic(t: DataType): boolean {
  return typeof t === 'string' && t !== 'null' && t !== 'interval';
}

/** The type a `from` argument is implicitly cast to where `to` is expected, or undefined. */
export function implicitCast(from: DataType, to: DataType): DataType | undefined {
  if (typeEquals(from, to)) return from;
  if (from === 'null') return to;
  if (isNumeric(from) && isNumeric(to)) return to;
  if (from === 'string' && (isNumeric(to) || to === 'date' || to === 'timestamp' || to === 'binary')) return to;
  if (to === 'string' && isAtomic(from)) return to;
  if ((from === 'date' && to === 'timestamp') || (from === 'timestamp' && to === 'date')) return to;
  if (typeof from === 'object' && from.type === 'array' && typeof to === 'object' && to.type === 'array') {
    const e = implicitCast(from.elementType, to.elementType);
    return e && { type: 'array', elementType: e, containsNull: from.containsNull };
  }
  return undefined;
}

/** One expected argument type, or a collection (the first that the argument can become wins). */
export type ExpectedType = DataType | readonly DataType[];

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

export function ordinal(i: number): string {
  return ORDINALS[i] ?? `${i + 1}th`;
}

/** `"a"` for a column, `"1"` for a literal, as Spark quotes the offending input. */
export function describeArg(expr: { readonly kind: string; readonly name?: unknown; readonly value?: unknown; readonly child?: unknown }): string {
  switch (expr.kind) {
    case 'attr':
    case 'alias':
      return `"${String(expr.name)}"`;
    case 'column':
      return `"${(expr.name as readonly string[]).join('.')}"`;
    case 'literal':
      return `"${expr.value === null ? 'NULL' : String(expr.value)}"`;
    default:
      return 'the argument';
  }
}

/**
 * Checks arguments against expected types and returns the types they are cast to, or reports
 * Spark's UNEXPECTED_INPUT_TYPE through `mismatch`.
 */
export function expectInputs(
  args: readonly { readonly dataType: DataType; readonly expr: { readonly kind: string } }[],
  expected: readonly ExpectedType[],
  mismatch: (detail: string) => never,
): DataType[] {
  return args.map((a, i) => {
    const want = expected[Math.min(i, expected.length - 1)]!;
    const options: readonly DataType[] = typeof want === 'string' || !Array.isArray(want) ? [want as DataType] : (want as readonly DataType[]);
    if (options.some((t) => typeEquals(t, a.dataType))) return a.dataType;
    for (const t of options) {
      const c = implicitCast(a.dataType, t);
      if (c) return c;
    }
    const names = options.map((t) => `"${sqlType(t)}"`).join(' or ');
    return mismatch(
      `The ${ordinal(i)} parameter requires the ${names} type, however ${describeArg(a.expr)} has the type "${sqlType(a.dataType)}"`,
    );
  });
}

/** Spark's findWiderTypeForTwo with string promotion (coalesce, if, array, ...). */
export function widerCommonType(a: DataType, b: DataType): DataType | undefined {
  if (typeEquals(a, b)) return a;
  if (a === 'null') return b;
  if (b === 'null') return a;
  const order: DataType[] = ['integer', 'long', 'float', 'double'];
  const ia = order.indexOf(a);
  const ib = order.indexOf(b);
  if (ia >= 0 && ib >= 0) return order[Math.max(ia, ib)];
  if ((a === 'date' && b === 'timestamp') || (a === 'timestamp' && b === 'date')) return 'timestamp';
  const promotable = (t: DataType): boolean => isAtomic(t) && t !== 'binary' && t !== 'boolean';
  if ((a === 'string' && promotable(b)) || (b === 'string' && promotable(a))) return 'string';
  if (typeof a === 'object' && typeof b === 'object') {
    if (a.type === 'array' && b.type === 'array') {
      const e = widerCommonType(a.elementType, b.elementType);
      return e && { type: 'array', elementType: e, containsNull: a.containsNull || b.containsNull };
    }
    if (a.type === 'map' && b.type === 'map') {
      const k = widerCommonType(a.keyType, b.keyType);
      const v = widerCommonType(a.valueType, b.valueType);
      return k && v && { type: 'map', keyType: k, valueType: v, valueContainsNull: a.valueContainsNull || b.valueContainsNull };
    }
    if (a.type === 'struct' && b.type === 'struct' && a.fields.length === b.fields.length) {
      const fields = [];
      for (let i = 0; i < a.fields.length; i++) {
        const fa = a.fields[i]!;
        const fb = b.fields[i]!;
        if (fa.name.toLowerCase() !== fb.name.toLowerCase()) return undefined;
        const t = widerCommonType(fa.type, fb.type);
        if (!t) return undefined;
        fields.push({ name: fa.name, type: t, nullable: fa.nullable || fb.nullable, metadata: fa.metadata });
      }
      return { type: 'struct', fields };
    }
  }
  return undefined;
}

/** The common type of several types, or undefined (Spark's findWiderCommonType). */
export function widerCommonTypeOf(types: readonly DataType[]): DataType | undefined {
  let t: DataType | undefined = 'null';
  for (const x of types) {
    t = widerCommonType(t, x);
    if (!t) return undefined;
  }
  return t;
}

/**
 * The value of a constant argument: a literal, or a literal under the implicit casts and
 * aliases the analyzer may have wrapped around it. Undefined when the argument is not constant.
 */
export function constantValue(
  arg: { readonly expr: Expr; readonly literal?: { readonly value: unknown } },
  timeZone = 'UTC',
): { value: unknown } | undefined {
  if (arg.literal) return { value: arg.literal.value };
  return constantOf(arg.expr, timeZone)?.[0];
}

function constantOf(e: Expr, timeZone: string): [{ value: unknown }, DataType] | undefined {
  switch (e.kind) {
    case 'literal':
      return [{ value: e.value }, e.dataType];
    case 'alias':
      return constantOf(e.child, timeZone);
    case 'cast': {
      const c = constantOf(e.child, timeZone);
      if (!c) return undefined;
      const [{ value }, from] = c;
      if (value === null || from === 'null') return [{ value: null }, e.to];
      return [{ value: compileCast(from, e.to, { ansi: false, timeZone })(value) }, e.to];
    }
    default:
      return undefined;
  }
}
