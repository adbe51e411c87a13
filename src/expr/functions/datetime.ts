/**
 * Date and time functions, computed in the session time zone (`CompileInfo.timeZone`) as Spark
 * does, and the Java datetime patterns they use (`DateTimePattern`).
 *
 * Patterns follow Spark 3's rules (`DateTimeFormatterHelper`): the letters G y D M L d Q q E F a
 * h K k H m s S V z O X x Z, quoted text (`'T'`, `''`) and optional sections `[...]`; `y` is the
 * proleptic year; week-based letters (Y w W u e c) and A B n N p raise Spark's errors. Parsing is
 * case-insensitive and strict (`2020-02-30` fails), `S...S` accepts 1 to n digits, missing fields
 * default to 1970-01-01 00:00:00, and a string that does not fit gives null (Spark's legacy
 * non-ANSI behaviour; its SparkUpgradeException for strings only the Spark 2 parser accepts is
 * not reproduced). Month and day names are English. Zone names (`z`) of region zones come from
 * `Intl` and may differ from Java's (`GMT+1` rather than `CET`).
 *
 * `current_timestamp()`/`current_date()`/`unix_timestamp()` read the clock once when the
 * expression is compiled, so every row of a query (or micro-batch) sees the same instant.
 */
import { RivuletError } from '../../errors.js';
import { type DataType } from '../../types/data-types.js';
import { sqlType } from '../../types/ddl.js';
import {
  canCast,
  civilFromDays,
  compileCast,
  constantValue,
  daysFromCivil,
  daysInMonth,
  daysToMicros,
  describeArg,
  doubleToLong,
  expectInputs,
  floorDiv,
  floorMod,
  fromLocalMicros,
  getTimeZone,
  isLeapYear,
  isValidDate,
  localDateTime,
  MICROS_PER_DAY,
  MICROS_PER_SECOND,
  microsToDays,
  offsetAtMicros,
  toLocalMicros,
  tryTimeZone,
  type ExpectedType,
  type LocalDateTime,
  type TimeZone,
} from '../cast.js';
import type { CompileInfo, Evaluator, ResolvedArg, ScalarFunction } from '../registry.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const QUARTERS = ['1st quarter', '2nd quarter', '3rd quarter', '4th quarter'];

export const DEFAULT_TIMESTAMP_PATTERN = 'yyyy-MM-dd HH:mm:ss';

// ---------------------------------------------------------------------------------------------
// Pattern compilation
// ---------------------------------------------------------------------------------------------

type Token =
  | { readonly kind: 'lit'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly count: number }
  | { readonly kind: 'opt'; readonly tokens: readonly Token[] };

const WEEK_BASED = new Set(['Y', 'W', 'w', 'u', 'e', 'c']);
const UNSUPPORTED = new Set(['A', 'B', 'n', 'N', 'p']);
const UNSUPPORTED_FOR_PARSING = new Set(['E', 'F', 'q', 'Q']);
const MAX_COUNT: Readonly<Record<string, number>> = {
  G: 4, y: 6, D: 3, M: 4, L: 4, d: 2, Q: 4, q: 4, E: 4, F: 1, a: 1, h: 2, K: 2, k: 2, H: 2, m: 2, s: 2, S: 9, V: 2, z: 4, O: 4, X: 5, x: 5, Z: 5,
};

function patternError(pattern: string, sub: string, detail: string, params: Record<string, string> = {}): RivuletError {
  return new RivuletError(`INVALID_DATETIME_PATTERN${sub ? `.${sub}` : ''}`, `Unrecognized datetime pattern: ${pattern}. ${detail}`, {
    parameters: { pattern, ...params },
  });
}

function tokenize(pattern: string, forParsing: boolean): Token[] {
  const root: Token[] = [];
  const stack: Token[][] = [root];
  const push = (t: Token): void => {
    stack[stack.length - 1]!.push(t);
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (j < pattern.length && pattern[j] === c) j++;
      const count = j - i;
      i = j - 1;
      if (WEEK_BASED.has(c)) {
        throw new RivuletError(
          'INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_WEEK_BASED_PATTERN',
          `You may get a different result due to the upgrading to Spark >= 3.0: All week-based patterns are unsupported since Spark 3.0, detected week-based character: ${c}. Please use the SQL function EXTRACT instead.`,
          { parameters: { c } },
        );
      }
      if (UNSUPPORTED.has(c) || (forParsing && UNSUPPORTED_FOR_PARSING.has(c))) {
        throw patternError(pattern, 'ILLEGAL_CHARACTER', `Illegal pattern character found in datetime pattern: ${c}. Please provide legal character.`, { c });
      }
      if ((count >= 5 && 'GMLEQq'.includes(c)) || (c === 'y' && count >= 7)) {
        throw patternError(pattern, 'LENGTH', `Too many letters in datetime pattern: ${c.repeat(count)}. Please reduce pattern length.`);
      }
      const max = MAX_COUNT[c];
      if (max === undefined) throw patternError(pattern, '', `Unknown pattern letter: ${c}.`);
      if (count > max || (c === 'V' && count !== 2) || (c === 'O' && count !== 1 && count !== 4)) {
        throw patternError(pattern, '', `Invalid pattern letter count: ${c.repeat(count)}.`);
      }
      push({ kind: 'field', letter: c, count });
    } else if (c === "'") {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= pattern.length) throw patternError(pattern, '', 'Pattern ends with an incomplete string literal.');
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j++;
      }
      push({ kind: 'lit', text: j === i + 1 ? "'" : text });
      i = j;
    } else if (c === '[') {
      const group: Token[] = [];
      push({ kind: 'opt', tokens: group });
      stack.push(group);
    } else if (c === ']') {
      if (stack.length === 1) throw patternError(pattern, '', 'Pattern invalid as it contains ] without previous [.');
      stack.pop();
    } else if (c === '{' || c === '}' || c === '#') {
      throw patternError(pattern, '', `Pattern includes reserved character: '${c}'.`);
    } else {
      push({ kind: 'lit', text: c });
    }
  }
  return root;
}

function hasLetter(tokens: readonly Token[], letter: string): boolean {
  return tokens.some((t) => (t.kind === 'field' && t.letter === letter) || (t.kind === 'opt' && hasLetter(t.tokens, letter)));
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
}

/** SignStyle.NORMAL (count < 4) or EXCEEDS_PAD (count >= 4), as Java prints years. */
function formatYear(y: number, count: number): string {
  if (count === 2) return pad(Math.abs(y) % 100, 2);
  const s = pad(Math.abs(y), count);
  if (y < 0) return `-${s}`;
  return count >= 4 && s.length > count ? `+${s}` : s;
}

function formatOffset(offset: number, style: string, zeroText: string): string {
  if (offset === 0 && zeroText) return zeroText;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = Math.floor(abs / 3600);
  const m = Math.floor(abs / 60) % 60;
  const s = abs % 60;
  const hh = pad(h, 2);
  switch (style) {
    case '+HHmm':
      return m === 0 && s === 0 ? `${sign}${hh}` : `${sign}${hh}${pad(m, 2)}`;
    case '+HHMM':
      return `${sign}${hh}${pad(m, 2)}`;
    case '+HH:MM':
      return `${sign}${hh}:${pad(m, 2)}`;
    case '+HHMMss':
      return `${sign}${hh}${pad(m, 2)}${s ? pad(s, 2) : ''}`;
    default:
      return `${sign}${hh}:${pad(m, 2)}${s ? `:${pad(s, 2)}` : ''}`;
  }
}

function localizedOffset(offset: number, full: boolean): string {
  if (offset === 0) return 'GMT';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = Math.floor(abs / 3600);
  const m = Math.floor(abs / 60) % 60;
  const s = abs % 60;
  if (full) return `GMT${sign}${pad(h, 2)}:${pad(m, 2)}${s ? `:${pad(s, 2)}` : ''}`;
  return `GMT${sign}${h}${m || s ? `:${pad(m, 2)}` : ''}${s ? `:${pad(s, 2)}` : ''}`;
}

const zoneNameFormats = new Map<string, Intl.DateTimeFormat | null>();

function zoneName(zone: TimeZone, offset: number, micros: number, full: boolean): string {
  if (zone.fixedOffset !== undefined) {
    if (/^(UTC|GMT|UT|Z)$/.test(zone.id)) return full ? (zone.id === 'Z' ? 'Z' : 'Coordinated Universal Time') : zone.id;
    return formatOffset(offset, '+HH:MM:ss', 'Z');
  }
  const key = `${zone.id}|${full}`;
  let f = zoneNameFormats.get(key);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone.id, timeZoneName: full ? 'long' : 'short' });
    } catch {
      f = null;
    }
    zoneNameFormats.set(key, f);
  }
  const name = f?.formatToParts(new Date(Math.floor(micros / 1000))).find((p) => p.type === 'timeZoneName')?.value;
  return name ?? zone.id;
}

interface FormatContext {
  readonly t: LocalDateTime;
  readonly micros: number;
  readonly offset: number;
  readonly zone: TimeZone;
  readonly hasEra: boolean;
}

function formatField(letter: string, count: number, c: FormatContext): string {
  const { t } = c;
  switch (letter) {
    case 'G':
      return t.year >= 1 ? (count === 4 ? 'Anno Domini' : 'AD') : count === 4 ? 'Before Christ' : 'BC';
    case 'y':
      return formatYear(c.hasEra && t.year <= 0 ? 1 - t.year : t.year, count);
    case 'M':
    case 'L':
      return count >= 3 ? (count === 3 ? MONTHS[t.month - 1]!.slice(0, 3) : MONTHS[t.month - 1]!) : pad(t.month, count);
    case 'd':
      return pad(t.day, count);
    case 'D':
      return pad(t.epochDay - daysFromCivil(t.year, 1, 1) + 1, count);
    case 'Q':
    case 'q': {
      const q = Math.floor((t.month - 1) / 3) + 1;
      return count === 3 ? `Q${q}` : count === 4 ? QUARTERS[q - 1]! : pad(q, count);
    }
    case 'E': {
      const name = DAYS[floorMod(t.epochDay + 3, 7)]!;
      return count === 4 ? name : name.slice(0, 3);
    }
    case 'F':
      return pad(((t.day - 1) % 7) + 1, count);
    case 'a':
      return t.hour < 12 ? 'AM' : 'PM';
    case 'h':
      return pad(t.hour % 12 || 12, count);
    case 'K':
      return pad(t.hour % 12, count);
    case 'k':
      return pad(t.hour || 24, count);
    case 'H':
      return pad(t.hour, count);
    case 'm':
      return pad(t.minute, count);
    case 's':
      return pad(t.second, count);
    case 'S':
      return pad(t.micros * 1000, 9).slice(0, count);
    case 'V':
      return c.zone.id;
    case 'z':
      return zoneName(c.zone, c.offset, c.micros, count === 4);
    case 'O':
      return localizedOffset(c.offset, count === 4);
    case 'X':
      return formatOffset(c.offset, ['+HHmm', '+HHMM', '+HH:MM', '+HHMMss', '+HH:MM:ss'][count - 1]!, 'Z');
    case 'x':
      return formatOffset(c.offset, ['+HHmm', '+HHMM', '+HH:MM', '+HHMMss', '+HH:MM:ss'][count - 1]!, ['+00', '+0000', '+00:00', '+0000', '+00:00'][count - 1]!);
    case 'Z':
      if (count < 4) return formatOffset(c.offset, '+HHMM', '');
      return count === 4 ? localizedOffset(c.offset, true) : formatOffset(c.offset, '+HH:MM:ss', 'Z');
    default:
      return '';
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

interface Parsed {
  year?: number;
  era?: number;
  month?: number;
  day?: number;
  dayOfYear?: number;
  hour?: number;
  clockHour?: number;
  hourOfAmPm?: number;
  clockHourOfAmPm?: number;
  ampm?: number;
  minute?: number;
  second?: number;
  nano?: number;
  offset?: number;
  zone?: TimeZone;
}

/** Digits a numeric field takes when parsing: [min, max]; undefined for text fields. */
function numericWidth(tok: Token): [number, number] | undefined {
  if (tok.kind !== 'field') return undefined;
  const { letter: l, count: n } = tok;
  switch (l) {
    case 'y':
      return n === 2 ? [2, 2] : [n === 1 ? 1 : n, 19];
    case 'M':
    case 'L':
    case 'Q':
    case 'q':
      return n <= 2 ? (n === 1 ? [1, 19] : [2, 2]) : undefined;
    case 'd':
    case 'h':
    case 'K':
    case 'k':
    case 'H':
    case 'm':
    case 's':
      return n === 1 ? [1, 19] : [2, 2];
    case 'D':
      return n === 1 ? [1, 19] : n === 2 ? [2, 3] : [3, 3];
    case 'S':
      return [1, n];
    default:
      return undefined;
  }
}

/** Digits reserved by the fixed-width numeric fields that directly follow (adjacent value parsing). */
function reservedAfter(tokens: readonly Token[], i: number): number {
  let r = 0;
  for (let j = i + 1; j < tokens.length; j++) {
    const w = numericWidth(tokens[j]!);
    if (!w) break;
    r += w[1] === 19 ? w[0] : w[1];
  }
  return r;
}

function matchText(text: string, pos: number, options: readonly string[]): [number, number] | undefined {
  let best: [number, number] | undefined;
  const rest = text.slice(pos).toLowerCase();
  options.forEach((o, i) => {
    if (rest.startsWith(o.toLowerCase()) && (!best || o.length > best[1])) best = [i, o.length];
  });
  return best;
}

function parseOffsetText(text: string, pos: number, zeroText: string, colon: 'yes' | 'no' | 'any'): [number, number] | undefined {
  if (zeroText && text.slice(pos, pos + zeroText.length).toLowerCase() === zeroText.toLowerCase()) {
    // `+00` style zero texts also read as a normal offset below when followed by more digits.
    if (zeroText === 'Z' || !/\d/.test(text[pos + zeroText.length] ?? '')) return [0, pos + zeroText.length];
  }
  const m = /^([+-])(\d\d)(?:(:?)(\d\d)(?:\3(\d\d))?)?/.exec(text.slice(pos));
  if (!m) return undefined;
  if (colon === 'yes' && m[4] !== undefined && m[3] !== ':') return undefined;
  if (colon === 'no' && m[3] === ':') return undefined;
  const h = Number(m[2]);
  const mi = m[4] === undefined ? 0 : Number(m[4]);
  const s = m[5] === undefined ? 0 : Number(m[5]);
  if (h > 18 || mi > 59 || s > 59) return undefined;
  const total = h * 3600 + mi * 60 + s;
  return [m[1] === '-' ? -total : total, pos + m[0].length];
}

function parseZoneText(text: string, pos: number): [TimeZone, number] | undefined {
  const m = /^[A-Za-z][A-Za-z0-9~/._+:-]*|^[+-][0-9:]+/.exec(text.slice(pos));
  if (!m) return undefined;
  // Longest prefix that names a zone (a zone id may be followed by literal text).
  for (let len = m[0].length; len > 0; len--) {
    const z = tryTimeZone(m[0].slice(0, len));
    if (z) return [z, pos + len];
  }
  return undefined;
}

function readNumber(text: string, pos: number, min: number, max: number, reserved: number, signed: boolean): [number, number] | undefined {
  let p = pos;
  let negative = false;
  if (signed && (text[p] === '-' || text[p] === '+')) {
    negative = text[p] === '-';
    p++;
  }
  let avail = 0;
  while (p + avail < text.length && text.charCodeAt(p + avail) >= 48 && text.charCodeAt(p + avail) <= 57) avail++;
  const take = Math.min(max, avail - (max > min ? reserved : 0));
  if (take < min) return undefined;
  const v = Number(text.slice(p, p + take));
  return [negative ? -v : v, p + take];
}

function parseTokens(tokens: readonly Token[], text: string, pos: number, st: Parsed): number {
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.kind === 'lit') {
      if (text.slice(pos, pos + tok.text.length).toLowerCase() !== tok.text.toLowerCase()) return -1;
      pos += tok.text.length;
      continue;
    }
    if (tok.kind === 'opt') {
      const saved = { ...st };
      const p = parseTokens(tok.tokens, text, pos, st);
      if (p < 0) {
        for (const k of Object.keys(st) as (keyof Parsed)[]) delete st[k];
        Object.assign(st, saved);
      } else {
        pos = p;
      }
      continue;
    }
    const { letter, count } = tok;
    if (letter === 'S') {
      // A fraction of a second: 1 to `count` digits, left-aligned (`.5` is 500 ms).
      let n = 0;
      while (n < count && pos + n < text.length && text.charCodeAt(pos + n) >= 48 && text.charCodeAt(pos + n) <= 57) n++;
      if (n === 0) return -1;
      st.nano = Number(text.slice(pos, pos + n).padEnd(9, '0'));
      pos += n;
      continue;
    }
    const width = numericWidth(tok);
    if (width) {
      const r = readNumber(text, pos, width[0], width[1], reservedAfter(tokens, i), letter === 'y' && count !== 2);
      if (!r) return -1;
      const [v, p] = r;
      pos = p;
      switch (letter) {
        case 'y':
          st.year = count === 2 ? 2000 + v : v;
          break;
        case 'M':
        case 'L':
          st.month = v;
          break;
        case 'd':
          st.day = v;
          break;
        case 'D':
          st.dayOfYear = v;
          break;
        case 'h':
          st.clockHourOfAmPm = v;
          break;
        case 'K':
          st.hourOfAmPm = v;
          break;
        case 'k':
          st.clockHour = v;
          break;
        case 'H':
          st.hour = v;
          break;
        case 'm':
          st.minute = v;
          break;
        case 's':
          st.second = v;
          break;
      }
      continue;
    }
    switch (letter) {
      case 'M':
      case 'L': {
        const names = count === 3 ? MONTHS.map((m) => m.slice(0, 3)) : MONTHS;
        const m = matchText(text, pos, names);
        if (!m) return -1;
        st.month = m[0] + 1;
        pos += m[1];
        break;
      }
      case 'a': {
        const m = matchText(text, pos, ['AM', 'PM']);
        if (!m) return -1;
        st.ampm = m[0];
        pos += m[1];
        break;
      }
      case 'G': {
        const m = matchText(text, pos, count === 4 ? ['Before Christ', 'Anno Domini'] : ['BC', 'AD']);
        if (!m) return -1;
        st.era = m[0];
        pos += m[1];
        break;
      }
      case 'V':
      case 'z': {
        const z = parseZoneText(text, pos);
        if (!z) return -1;
        st.zone = z[0];
        pos = z[1];
        break;
      }
      case 'O': {
        if (text.slice(pos, pos + 3).toUpperCase() !== 'GMT') return -1;
        pos += 3;
        const m = /^([+-])(\d{1,2})(?::(\d\d)(?::(\d\d))?)?/.exec(text.slice(pos));
        if (m) {
          const total = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
          st.offset = m[1] === '-' ? -total : total;
          pos += m[0].length;
        } else {
          st.offset = 0;
        }
        break;
      }
      case 'X':
      case 'x':
      case 'Z': {
        let r: [number, number] | undefined;
        if (letter === 'Z' && count === 4) {
          if (text.slice(pos, pos + 3).toUpperCase() !== 'GMT') return -1;
          r = parseOffsetText(text, pos + 3, '', 'yes') ?? [0, pos + 3];
        } else {
          const zero = letter === 'X' || (letter === 'Z' && count === 5) ? 'Z' : letter === 'Z' ? '+0000' : ['+00', '+0000', '+00:00', '+0000', '+00:00'][count - 1]!;
          const colon = letter === 'Z' ? (count === 5 ? 'yes' : 'no') : count === 1 ? 'no' : count % 2 === 0 ? 'no' : 'yes';
          r = parseOffsetText(text, pos, zero, colon);
        }
        if (!r) return -1;
        st.offset = r[0];
        pos = r[1];
        break;
      }
      default:
        return -1;
    }
  }
  return pos;
}

// ---------------------------------------------------------------------------------------------
// DateTimePattern
// ---------------------------------------------------------------------------------------------

/** A compiled Java datetime pattern (Spark 3 rules), for formatting and parsing. */
export class DateTimePattern {
  readonly pattern: string;
  readonly #tokens: readonly Token[];
  readonly #hasEra: boolean;

  private constructor(pattern: string, forParsing: boolean) {
    this.pattern = pattern;
    this.#tokens = tokenize(pattern, forParsing);
    this.#hasEra = hasLetter(this.#tokens, 'G');
  }

  static #cache = new Map<string, DateTimePattern>();

  /** Throws Spark's INVALID_DATETIME_PATTERN (or week-based pattern) errors. */
  static of(pattern: string, forParsing: boolean): DateTimePattern {
    const key = `${forParsing ? 'p' : 'f'}${pattern}`;
    let p = DateTimePattern.#cache.get(key);
    if (!p) {
      p = new DateTimePattern(pattern, forParsing);
      if (DateTimePattern.#cache.size > 256) DateTimePattern.#cache.clear();
      DateTimePattern.#cache.set(key, p);
    }
    return p;
  }

  format(micros: number, zone: TimeZone): string {
    const ctx: FormatContext = { t: localDateTime(micros, zone), micros, offset: offsetAtMicros(zone, micros), zone, hasEra: this.#hasEra };
    const render = (tokens: readonly Token[]): string => {
      let out = '';
      for (const t of tokens) {
        if (t.kind === 'lit') out += t.text;
        else if (t.kind === 'opt') out += render(t.tokens);
        else out += formatField(t.letter, t.count, ctx);
      }
      return out;
    };
    return render(this.#tokens);
  }

  /** Epoch microseconds of `text`, or null when it does not match the pattern or is not a valid time. */
  parse(text: string, zone: TimeZone): number | null {
    const st: Parsed = {};
    const end = parseTokens(this.#tokens, text, 0, st);
    if (end !== text.length) return null;
    return resolveParsed(st, zone);
  }
}

function resolveParsed(st: Parsed, sessionZone: TimeZone): number | null {
  let year = st.year ?? 1970;
  // With an era (G) the year is the year of era: 1 BC is year 0.
  if (st.era === 0) year = 1 - year;
  let month = st.month ?? 1;
  let day = st.day ?? 1;
  if (st.dayOfYear !== undefined) {
    if (st.dayOfYear < 1 || st.dayOfYear > (isLeapYear(year) ? 366 : 365)) return null;
    const [, m, d] = civilFromDays(daysFromCivil(year, 1, 1) + st.dayOfYear - 1);
    if ((st.month !== undefined && st.month !== m) || (st.day !== undefined && st.day !== d)) return null;
    month = m;
    day = d;
  }
  if (!isValidDate(year, month, day)) return null;
  let hour: number;
  if (st.hour !== undefined) {
    if (st.hour > 23) return null;
    hour = st.hour;
  } else if (st.clockHour !== undefined) {
    if (st.clockHour < 1 || st.clockHour > 24) return null;
    hour = st.clockHour % 24;
  } else if (st.clockHourOfAmPm !== undefined || st.hourOfAmPm !== undefined) {
    const h = st.clockHourOfAmPm ?? st.hourOfAmPm!;
    if (st.clockHourOfAmPm !== undefined ? h < 1 || h > 12 : h > 11) return null;
    // Without an am/pm marker Spark assumes AM.
    hour = (h % 12) + (st.ampm === 1 ? 12 : 0);
  } else {
    hour = st.ampm === 1 ? 12 : 0;
  }
  const minute = st.minute ?? 0;
  const second = st.second ?? 0;
  if (minute > 59 || second > 59) return null;
  const micros = Math.floor((st.nano ?? 0) / 1000);
  const local = daysFromCivil(year, month, day) * MICROS_PER_DAY + ((hour * 60 + minute) * 60 + second) * MICROS_PER_SECOND + micros;
  if (st.offset !== undefined) return local - st.offset * MICROS_PER_SECOND;
  return fromLocalMicros(local, st.zone ?? sessionZone);
}

// ---------------------------------------------------------------------------------------------
// Helpers for the definitions
// ---------------------------------------------------------------------------------------------

const anyNullable = (args: readonly ResolvedArg[]): boolean => args.some((a) => a.nullable);

/** A pattern argument: compiled once when it is constant, per distinct value otherwise. */
function patternArg(info: CompileInfo, i: number, forParsing: boolean, fallback?: string): (v: unknown) => DateTimePattern | null {
  const arg = info.args[i];
  if (!arg) {
    const p = DateTimePattern.of(fallback ?? DEFAULT_TIMESTAMP_PATTERN, forParsing);
    return () => p;
  }
  const c = constantValue(arg, info.timeZone);
  if (c) {
    if (c.value === null) return () => null;
    const p = DateTimePattern.of(String(c.value), forParsing);
    return () => p;
  }
  return (v) => (v === null ? null : DateTimePattern.of(v as string, forParsing));
}

function simple(
  name: string,
  expected: readonly ExpectedType[],
  result: DataType,
  compile: (args: readonly Evaluator[], info: CompileInfo) => Evaluator,
  opts: { minArgs?: number; nullable?: boolean; sql?: (xs: readonly string[]) => string } = {},
): ScalarFunction {
  return {
    kind: 'scalar',
    name,
    minArgs: opts.minArgs ?? expected.length,
    maxArgs: expected.length,
    resolve(args, ctx) {
      const argTypes = expectInputs(args, expected, ctx.mismatch);
      return { dataType: result, nullable: opts.nullable ?? anyNullable(args), argTypes };
    },
    compile,
    ...(opts.sql ? { sql: opts.sql } : {}),
  };
}

const STRING_OR_DATETIME: readonly DataType[] = ['string', 'date', 'timestamp'];

// ---------------------------------------------------------------------------------------------
// Current time
// ---------------------------------------------------------------------------------------------

const currentTimestamp: ScalarFunction = {
  kind: 'scalar',
  name: 'current_timestamp',
  minArgs: 0,
  maxArgs: 0,
  deterministic: false,
  resolve: () => ({ dataType: 'timestamp', nullable: false }),
  compile(_args, info) {
    const now = info.nowMicros ?? Date.now() * 1000;
    return () => now;
  },
};

const currentDate: ScalarFunction = {
  kind: 'scalar',
  name: 'current_date',
  minArgs: 0,
  maxArgs: 0,
  deterministic: false,
  resolve: () => ({ dataType: 'date', nullable: false }),
  compile(_args, info) {
    const today = microsToDays(info.nowMicros ?? Date.now() * 1000, getTimeZone(info.timeZone));
    return () => today;
  },
};

const currentTimezone: ScalarFunction = {
  kind: 'scalar',
  name: 'current_timezone',
  minArgs: 0,
  maxArgs: 0,
  resolve: () => ({ dataType: 'string', nullable: false }),
  compile: (_args, info) => () => info.timeZone,
};

// ---------------------------------------------------------------------------------------------
// Parsing and conversion
// ---------------------------------------------------------------------------------------------

function toTimestampLike(name: 'to_timestamp' | 'to_date'): ScalarFunction {
  const target: DataType = name === 'to_timestamp' ? 'timestamp' : 'date';
  return {
    kind: 'scalar',
    name,
    minArgs: 1,
    maxArgs: 2,
    resolve(args, ctx) {
      const a = args[0]!;
      if (args.length === 1) {
        // Without a format Spark's to_timestamp/to_date is CAST(x AS TIMESTAMP/DATE).
        if (!canCast(a.dataType, target)) {
          return ctx.mismatch(`The first parameter requires the ("STRING" or "DATE" or "TIMESTAMP") type, however ${describeArg(a.expr)} has the type "${sqlType(a.dataType)}"`);
        }
        return { dataType: target, nullable: true, argTypes: [a.dataType] };
      }
      const argTypes = expectInputs(args, [STRING_OR_DATETIME, 'string'], ctx.mismatch);
      return { dataType: target, nullable: true, argTypes };
    },
    compile(args, info) {
      const zone = getTimeZone(info.timeZone);
      const from = info.argTypes[0]!;
      const a = args[0]!;
      const toTarget = (micros: number | null): number | null => (micros === null || target === 'timestamp' ? micros : microsToDays(micros, zone));
      if (args.length === 1) {
        if (from === 'null') return () => null;
        const cast = compileCast(from, target, { ansi: false, timeZone: info.timeZone });
        return (row) => cast(a(row));
      }
      if (from === 'timestamp') return (row) => toTarget(a(row) as number);
      if (from === 'date') return target === 'date' ? a : (row) => daysToMicros(a(row) as number, zone);
      const pattern = patternArg(info, 1, true);
      const f = args[1]!;
      return (row) => {
        const p = pattern(f(row));
        return p === null ? null : toTarget(p.parse(a(row) as string, zone));
      };
    },
  };
}

const timestampSeconds: ScalarFunction = {
  kind: 'scalar',
  name: 'timestamp_seconds',
  minArgs: 1,
  maxArgs: 1,
  resolve(args, ctx) {
    const a = args[0]!;
    const t: DataType = a.dataType === 'integer' || a.dataType === 'long' || a.dataType === 'float' || a.dataType === 'double' ? a.dataType : 'double';
    const argTypes = expectInputs(args, [t], ctx.mismatch);
    return { dataType: 'timestamp', nullable: a.nullable || t === 'float' || t === 'double', argTypes };
  },
  compile([a], info) {
    const f = a!;
    if (info.argTypes[0] === 'integer' || info.argTypes[0] === 'long') return (row) => (f(row) as number) * MICROS_PER_SECOND;
    return (row) => {
      const d = f(row) as number;
      return Number.isFinite(d) ? doubleToLong(d * MICROS_PER_SECOND) : null;
    };
  },
};

const timestampMillis = simple('timestamp_millis', ['long'], 'timestamp', ([a]) => (row) => (a!(row) as number) * 1000);
const timestampMicros = simple('timestamp_micros', ['long'], 'timestamp', ([a]) => a!);
const unixSeconds = simple('unix_seconds', ['timestamp'], 'long', ([a]) => (row) => floorDiv(a!(row) as number, MICROS_PER_SECOND));
const unixMillis = simple('unix_millis', ['timestamp'], 'long', ([a]) => (row) => floorDiv(a!(row) as number, 1000));
const unixMicros = simple('unix_micros', ['timestamp'], 'long', ([a]) => a!);
const unixDate = simple('unix_date', ['date'], 'integer', ([a]) => a!);

const unixTimestamp: ScalarFunction = {
  kind: 'scalar',
  name: 'unix_timestamp',
  minArgs: 0,
  maxArgs: 2,
  resolve(args, ctx) {
    if (args.length === 0) return { dataType: 'long', nullable: false };
    const argTypes = expectInputs(args, [STRING_OR_DATETIME, 'string'], ctx.mismatch);
    return { dataType: 'long', nullable: true, argTypes };
  },
  compile(args, info) {
    if (args.length === 0) {
      const now = Math.floor((info.nowMicros ?? Date.now() * 1000) / 1_000_000);
      return () => now;
    }
    const zone = getTimeZone(info.timeZone);
    const a = args[0]!;
    switch (info.argTypes[0]) {
      case 'timestamp':
        return (row) => floorDiv(a(row) as number, MICROS_PER_SECOND);
      case 'date':
        return (row) => floorDiv(daysToMicros(a(row) as number, zone), MICROS_PER_SECOND);
      default: {
        const pattern = patternArg(info, 1, true);
        const f = args[1] ?? (() => DEFAULT_TIMESTAMP_PATTERN);
        return (row) => {
          const p = pattern(f(row));
          const micros = p === null ? null : p.parse(a(row) as string, zone);
          return micros === null ? null : floorDiv(micros, MICROS_PER_SECOND);
        };
      }
    }
  },
  sql: (xs) => `unix_timestamp(${xs[0] ?? 'current_timestamp()'}, ${xs[1] ?? DEFAULT_TIMESTAMP_PATTERN})`,
};

const fromUnixtime = simple(
  'from_unixtime',
  ['long', 'string'],
  'string',
  (args, info) => {
    const zone = getTimeZone(info.timeZone);
    const pattern = patternArg(info, 1, false);
    const f = args[1] ?? (() => DEFAULT_TIMESTAMP_PATTERN);
    const a = args[0]!;
    return (row) => {
      const p = pattern(f(row));
      return p === null ? null : p.format((a(row) as number) * MICROS_PER_SECOND, zone);
    };
  },
  { minArgs: 1, sql: (xs) => `from_unixtime(${xs[0]}, ${xs[1] ?? DEFAULT_TIMESTAMP_PATTERN})` },
);

const dateFormat = simple('date_format', ['timestamp', 'string'], 'string', (args, info) => {
  const zone = getTimeZone(info.timeZone);
  const pattern = patternArg(info, 1, false);
  const [a, f] = [args[0]!, args[1]!];
  return (row) => {
    const p = pattern(f(row));
    return p === null ? null : p.format(a(row) as number, zone);
  };
});

const fromUtcTimestamp = simple('from_utc_timestamp', ['timestamp', 'string'], 'timestamp', ([a, z]) => (row) =>
  toLocalMicros(a!(row) as number, getTimeZone(z!(row) as string)),
);
const toUtcTimestamp = simple('to_utc_timestamp', ['timestamp', 'string'], 'timestamp', ([a, z]) => (row) =>
  fromLocalMicros(a!(row) as number, getTimeZone(z!(row) as string)),
);

// ---------------------------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------------------------

function dateField(name: string, f: (days: number) => number): ScalarFunction {
  return simple(name, ['date'], 'integer', ([a]) => (row) => f(a!(row) as number));
}

function timeField(name: string, f: (t: LocalDateTime) => number): ScalarFunction {
  return simple(name, ['timestamp'], 'integer', ([a], info) => {
    const zone = getTimeZone(info.timeZone);
    return (row) => f(localDateTime(a!(row) as number, zone));
  });
}

/** ISO-8601 week number (weeks start on Monday; week 1 holds the year's first Thursday). */
function isoWeek(days: number): number {
  const weekday = floorMod(days + 3, 7);
  const thursday = days - weekday + 3;
  const [y] = civilFromDays(thursday);
  return Math.floor((thursday - daysFromCivil(y, 1, 1)) / 7) + 1;
}

const year = dateField('year', (d) => civilFromDays(d)[0]);
const quarter = dateField('quarter', (d) => Math.floor((civilFromDays(d)[1] - 1) / 3) + 1);
const month = dateField('month', (d) => civilFromDays(d)[1]);
const dayofmonth = dateField('dayofmonth', (d) => civilFromDays(d)[2]);
const dayofweek = dateField('dayofweek', (d) => floorMod(d + 4, 7) + 1);
const weekday = dateField('weekday', (d) => floorMod(d + 3, 7));
const dayofyear = dateField('dayofyear', (d) => d - daysFromCivil(civilFromDays(d)[0], 1, 1) + 1);
const weekofyear = dateField('weekofyear', isoWeek);
const hour = timeField('hour', (t) => t.hour);
const minute = timeField('minute', (t) => t.minute);
const second = timeField('second', (t) => t.second);

// ---------------------------------------------------------------------------------------------
// Date arithmetic
// ---------------------------------------------------------------------------------------------

const dateAdd = simple('date_add', ['date', 'integer'], 'date', ([d, n]) => (row) => (d!(row) as number) + (n!(row) as number));
const dateSub = simple('date_sub', ['date', 'integer'], 'date', ([d, n]) => (row) => (d!(row) as number) - (n!(row) as number));
const datediff = simple('datediff', ['date', 'date'], 'integer', ([e, s]) => (row) => (e!(row) as number) - (s!(row) as number));

/** LocalDate.plusMonths: the day is clamped to the last day of the target month. */
export function addMonths(days: number, months: number): number {
  const [y, m, d] = civilFromDays(days);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return daysFromCivil(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

const addMonthsFn = simple('add_months', ['date', 'integer'], 'date', ([d, n]) => (row) => addMonths(d!(row) as number, n!(row) as number));
const lastDay = simple('last_day', ['date'], 'date', ([d]) => (row) => {
  const [y, m] = civilFromDays(d!(row) as number);
  return daysFromCivil(y, m, daysInMonth(y, m));
});

type TruncLevel = 'MICROSECOND' | 'MILLISECOND' | 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR';

function truncLevel(fmt: string): TruncLevel | undefined {
  switch (fmt.toUpperCase()) {
    case 'MICROSECOND':
    case 'MILLISECOND':
    case 'SECOND':
    case 'MINUTE':
    case 'HOUR':
    case 'WEEK':
    case 'QUARTER':
      return fmt.toUpperCase() as TruncLevel;
    case 'DAY':
    case 'DD':
      return 'DAY';
    case 'MON':
    case 'MONTH':
    case 'MM':
      return 'MONTH';
    case 'YEAR':
    case 'YYYY':
    case 'YY':
      return 'YEAR';
    default:
      return undefined;
  }
}

function truncDate(days: number, level: TruncLevel): number {
  const [y, m] = civilFromDays(days);
  switch (level) {
    case 'WEEK':
      return days - floorMod(days + 3, 7);
    case 'MONTH':
      return daysFromCivil(y, m, 1);
    case 'QUARTER':
      return daysFromCivil(y, Math.floor((m - 1) / 3) * 3 + 1, 1);
    case 'YEAR':
      return daysFromCivil(y, 1, 1);
    default:
      return days;
  }
}

/** Spark's truncTimestamp; units up to a day truncate the local time and keep the offset if valid. */
export function truncTimestamp(micros: number, level: TruncLevel, zone: TimeZone): number {
  switch (level) {
    case 'MICROSECOND':
      return micros;
    case 'MILLISECOND':
      return micros - floorMod(micros, 1000);
    case 'SECOND':
      return micros - floorMod(micros, MICROS_PER_SECOND);
    case 'MINUTE':
    case 'HOUR':
    case 'DAY': {
      const unit = level === 'MINUTE' ? 60 * MICROS_PER_SECOND : level === 'HOUR' ? 3600 * MICROS_PER_SECOND : MICROS_PER_DAY;
      const offset = offsetAtMicros(zone, micros);
      const local = micros + offset * MICROS_PER_SECOND;
      const truncated = local - floorMod(local, unit);
      const sameOffset = truncated - offset * MICROS_PER_SECOND;
      return offsetAtMicros(zone, sameOffset) === offset ? sameOffset : fromLocalMicros(truncated, zone);
    }
    default:
      return daysToMicros(truncDate(microsToDays(micros, zone), level), zone);
  }
}

const dateTrunc = simple('date_trunc', ['string', 'timestamp'], 'timestamp', ([f, t], info) => {
  const zone = getTimeZone(info.timeZone);
  return (row) => {
    const level = truncLevel(f!(row) as string);
    return level === undefined ? null : truncTimestamp(t!(row) as number, level, zone);
  };
}, { nullable: true });

const trunc = simple('trunc', ['date', 'string'], 'date', ([d, f]) => (row) => {
  const level = truncLevel(f!(row) as string);
  return level === 'WEEK' || level === 'MONTH' || level === 'QUARTER' || level === 'YEAR' ? truncDate(d!(row) as number, level) : null;
}, { nullable: true });

const makeDate = simple('make_date', ['integer', 'integer', 'integer'], 'date', ([y, m, d]) => (row) => {
  const [yy, mm, dd] = [y!(row) as number, m!(row) as number, d!(row) as number];
  return isValidDate(yy, mm, dd) ? daysFromCivil(yy, mm, dd) : null;
}, { nullable: true });

export const datetimeFunctions: readonly ScalarFunction[] = [
  currentTimestamp,
  currentDate,
  currentTimezone,
  toTimestampLike('to_timestamp'),
  toTimestampLike('to_date'),
  timestampSeconds,
  timestampMillis,
  timestampMicros,
  unixTimestamp,
  unixSeconds,
  unixMillis,
  unixMicros,
  unixDate,
  fromUnixtime,
  dateFormat,
  fromUtcTimestamp,
  toUtcTimestamp,
  year,
  quarter,
  month,
  dayofmonth,
  dayofweek,
  weekday,
  dayofyear,
  weekofyear,
  hour,
  minute,
  second,
  dateAdd,
  dateSub,
  datediff,
  addMonthsFn,
  lastDay,
  dateTrunc,
  trunc,
  makeDate,
];
