/**
 * Dates, timestamps and time zones as Spark computes them (java.time's proleptic Gregorian
 * calendar): calendar arithmetic, time-zone resolution and offsets, and Spark's timestamp/date
 * string parsing and formatting. Shared by CAST (expr/cast.ts), the datetime functions and
 * show() (util/format-table.ts).
 *
 * Time zones: 'UTC', 'Z', 'GMT', fixed offsets ('+02:00', '-0530', 'UTC+8', 'GMT-05:00') and
 * Java's short ids ('PST', 'EST', ...) are handled here; region ids ('Europe/Paris') go through
 * `Intl.DateTimeFormat`, which every target runtime has. Local times in a DST gap move forward
 * and in an overlap take the earlier offset, as `java.time.ZonedDateTime.of` does.
 */
import { RivuletError } from '../errors.js';

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_DAY = 86_400_000_000;
const MILLIS_PER_DAY = 86_400_000;

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

export function trimBounds(s: string): [number, number] {
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

