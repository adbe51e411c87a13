/**
 * Spark interval strings → CalendarInterval `{ months, days, micros }`.
 *
 * Accepted, case-insensitively, with an optional leading `interval`:
 * - unit lists as Spark's `stringToInterval`: `10 seconds`, `1 day 2 hours`, `-3 weeks`,
 *   `1.5 seconds` (only seconds may have a fraction, as in Spark);
 * - ANSI literals: `'10' SECOND`, `'1 2:3:4' DAY TO SECOND`, `'2-3' YEAR TO MONTH`,
 *   `'1:30' HOUR TO MINUTE`, `30 minutes`, and a whole quoted unit list `'1 day 2 hours'`.
 * Days stay in `days` (a day is not always 24 hours in Spark); weeks count as 7 days.
 */
import { RivuletError } from '../errors.js';
import type { CalendarInterval } from './data-types.js';

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
export const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

type Unit = 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond' | 'microsecond';
const UNITS: readonly Unit[] = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second', 'millisecond', 'microsecond'];

interface Tok {
  readonly kind: 'num' | 'str' | 'word' | 'sign';
  readonly text: string;
}

export function parseInterval(text: string): CalendarInterval {
  const fail = (detail: string): RivuletError =>
    new RivuletError('INVALID_INTERVAL_FORMAT', `Error parsing '${text}' to interval, ${detail}.`, { parameters: { input: text } });
  if (typeof text !== 'string') throw fail('the interval must be a string');
  const toks = tokenize(text.trim(), fail);
  let i = 0;
  if (toks[0]?.kind === 'word' && toks[0].text.toLowerCase() === 'interval') i++;
  if (i >= toks.length) throw fail('interval string cannot be empty');

  const acc = { months: 0, days: 0, micros: 0 };
  // A lone quoted unit list: INTERVAL '1 day 2 hours'.
  if (toks.length - i === 1 && toks[i]!.kind === 'str') {
    parseUnitList(toks[i]!.text, acc, fail);
    return normalize(acc);
  }
  while (i < toks.length) {
    let negate = false;
    if (toks[i]!.kind === 'sign') {
      negate = toks[i]!.text === '-';
      i++;
    }
    const value = toks[i];
    if (!value || (value.kind !== 'num' && value.kind !== 'str')) {
      throw fail(value ? `unrecognized number '${value.text}'` : `expect a number after '${toks[i - 1]!.text}' but hit EOL`);
    }
    const unitTok = toks[i + 1];
    if (!unitTok) throw fail(`expect a unit name after '${value.text}' but hit EOL`);
    const from = unitOf(unitTok, fail);
    i += 2;
    if (toks[i]?.kind === 'word' && toks[i]!.text.toLowerCase() === 'to') {
      const toTok = toks[i + 1];
      if (!toTok) throw fail(`expect a unit name after 'to' but hit EOL`);
      const to = unitOf(toTok, fail);
      i += 2;
      const part = parseRange(value.text, from, to, fail);
      add(acc, part, negate);
    } else {
      add(acc, single(value.text, from, fail, unitTok.text), negate);
    }
  }
  return normalize(acc);
}

/**
 * Total length in microseconds, counting a month as `monthDays` days. Spark's watermark delay
 * (`EventTimeWatermark.getDelayMs`) counts a month as 31 days, which is the default here.
 */
export function intervalToMicros(i: CalendarInterval, monthDays = 31): number {
  return i.months * monthDays * MICROS_PER_DAY + i.days * MICROS_PER_DAY + i.micros;
}

/** Spark's `CalendarInterval.toString`: `2 years 5 months 1 days 10.5 seconds`, `0 seconds`. */
export function formatInterval(i: CalendarInterval): string {
  if (i.months === 0 && i.days === 0 && i.micros === 0) return '0 seconds';
  const parts: string[] = [];
  const unit = (v: number, name: string): void => {
    if (v !== 0) parts.push(`${v} ${name}`);
  };
  if (i.months !== 0) {
    unit(Math.trunc(i.months / 12), 'years');
    unit(i.months % 12, 'months');
  }
  unit(i.days, 'days');
  if (i.micros !== 0) {
    let rest = i.micros;
    unit(Math.trunc(rest / MICROS_PER_HOUR), 'hours');
    rest %= MICROS_PER_HOUR;
    unit(Math.trunc(rest / MICROS_PER_MINUTE), 'minutes');
    rest %= MICROS_PER_MINUTE;
    if (rest !== 0) parts.push(`${formatSeconds(rest)} seconds`);
  }
  return parts.join(' ');
}

/**
 * A window/trigger duration in microseconds. Months have no fixed length, so they are refused
 * with Spark's error for `window()`; days count as 24 hours.
 */
export function durationToMicros(text: string): number {
  const i = parseInterval(text);
  if (i.months !== 0) {
    throw new RivuletError('_LEGACY_ERROR_TEMP_3231', `Intervals greater than a month is not supported (${text}).`, {
      parameters: { interval: text },
    });
  }
  return i.days * MICROS_PER_DAY + i.micros;
}

function formatSeconds(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const a = Math.abs(micros);
  const frac = String(a % MICROS_PER_SECOND).padStart(6, '0').replace(/0+$/, '');
  return `${sign}${Math.trunc(a / MICROS_PER_SECOND)}${frac ? `.${frac}` : ''}`;
}

function normalize(acc: { months: number; days: number; micros: number }): CalendarInterval {
  // -0 would print and compare oddly.
  return { months: acc.months + 0, days: acc.days + 0, micros: acc.micros + 0 };
}

function add(acc: { months: number; days: number; micros: number }, p: CalendarInterval, negate: boolean): void {
  const s = negate ? -1 : 1;
  acc.months += s * p.months;
  acc.days += s * p.days;
  acc.micros += s * p.micros;
}

function tokenize(s: string, fail: (d: string) => RivuletError): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const end = s.indexOf(c, i + 1);
      if (end < 0) throw fail('unclosed quoted value');
      out.push({ kind: 'str', text: s.slice(i + 1, end).trim() });
      i = end + 1;
    } else if ((c === '-' || c === '+') && (s[i + 1] === "'" || s[i + 1] === '"')) {
      out.push({ kind: 'sign', text: c });
      i++;
    } else {
      const start = i;
      while (i < s.length && !/\s/.test(s[i]!) && s[i] !== "'" && s[i] !== '"') i++;
      const w = s.slice(start, i);
      if (/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(w)) out.push({ kind: 'num', text: w });
      else if (/^[A-Za-z_]+$/.test(w)) out.push({ kind: 'word', text: w });
      else throw fail(`invalid value '${w}'`);
    }
  }
  return out;
}

function unitOf(t: Tok, fail: (d: string) => RivuletError): Unit {
  const w = t.text.toLowerCase();
  const u = UNITS.find((x) => w === x || w === `${x}s`);
  if (t.kind !== 'word' || !u) throw fail(`invalid unit '${t.text}'`);
  return u;
}

/** Spark's unit-list form, used for a whole quoted string. */
function parseUnitList(s: string, acc: { months: number; days: number; micros: number }, fail: (d: string) => RivuletError): void {
  const toks = tokenize(s, fail);
  let i = 0;
  if (toks[0]?.kind === 'word' && toks[0].text.toLowerCase() === 'interval') i++;
  if (i >= toks.length) throw fail('interval string cannot be empty');
  while (i < toks.length) {
    const v = toks[i]!;
    if (v.kind !== 'num') throw fail(`unrecognized number '${v.text}'`);
    const u = toks[i + 1];
    if (!u) throw fail(`expect a unit name after '${v.text}' but hit EOL`);
    add(acc, single(v.text, unitOf(u, fail), fail, u.text), false);
    i += 2;
  }
}

/** Parses a signed decimal into [sign, integer part, micro fraction]; `null` when it is not a number. */
function splitNumber(text: string): { neg: boolean; int: number; fracMicros: number; hasFrac: boolean } | null {
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return null;
  const frac = m[3] ?? '';
  if (frac.length > 9) return null;
  return {
    neg: m[1] === '-',
    int: m[2] === '' ? 0 : Number(m[2]),
    fracMicros: Number(frac.padEnd(6, '0').slice(0, 6)),
    hasFrac: m[3] !== undefined,
  };
}

function single(text: string, unit: Unit, fail: (d: string) => RivuletError, unitText: string = unit): CalendarInterval {
  const n = splitNumber(text);
  if (!n) throw fail(`invalid value '${text}'`);
  if (n.hasFrac && unit !== 'second') throw fail(`'${text} ${unitText}' cannot have fractional part`);
  const s = n.neg ? -1 : 1;
  const v = s * n.int;
  switch (unit) {
    case 'year':
      return { months: 12 * v, days: 0, micros: 0 };
    case 'month':
      return { months: v, days: 0, micros: 0 };
    case 'week':
      return { months: 0, days: 7 * v, micros: 0 };
    case 'day':
      return { months: 0, days: v, micros: 0 };
    case 'hour':
      return { months: 0, days: 0, micros: v * MICROS_PER_HOUR };
    case 'minute':
      return { months: 0, days: 0, micros: v * MICROS_PER_MINUTE };
    case 'second':
      return { months: 0, days: 0, micros: v * MICROS_PER_SECOND + s * n.fracMicros };
    case 'millisecond':
      return { months: 0, days: 0, micros: v * 1000 };
    case 'microsecond':
      return { months: 0, days: 0, micros: v };
  }
}

const DAY_TIME: readonly Unit[] = ['day', 'hour', 'minute', 'second'];

/** ANSI `'<value>' <from> TO <to>` ranges. */
function parseRange(text: string, from: Unit, to: Unit, fail: (d: string) => RivuletError): CalendarInterval {
  const name = `${from.toUpperCase()} TO ${to.toUpperCase()}`;
  if (from === 'year' && to === 'month') {
    const m = /^([+-])?(\d+)-(\d+)$/.exec(text);
    if (!m) throw fail(`interval string does not match year-month format of '[+|-]y-m' for ${name}`);
    const months = Number(m[3]);
    if (months > 11) throw fail(`month ${months} outside range [0, 11]`);
    return { months: (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 12 + months), days: 0, micros: 0 };
  }
  const fi = DAY_TIME.indexOf(from);
  const ti = DAY_TIME.indexOf(to);
  if (fi < 0 || ti < 0 || ti <= fi) throw fail(`unsupported interval range ${name}`);
  const fields = DAY_TIME.slice(fi, ti + 1);
  const sep = (k: number): string => (k === 0 ? '' : fields[k - 1] === 'day' ? ' ' : ':');
  const re = fields.map((f, k) => sep(k) + (f === 'second' ? '(\\d+(?:\\.\\d{1,9})?)' : '(\\d+)')).join('');
  const m = new RegExp(`^([+-])?${re}$`).exec(text);
  if (!m) {
    const format = fields.map((f, k) => sep(k) + (f === 'second' ? 's.n' : f[0])).join('');
    throw fail(`interval string does not match day-time format of '[+|-]${format}' for ${name}`);
  }
  const limits: Record<string, number> = { hour: 23, minute: 59, second: 59 };
  let days = 0;
  let micros = 0;
  fields.forEach((f, k) => {
    const raw = m[k + 2]!;
    if (f === 'second') {
      const n = splitNumber(raw)!;
      if (k > 0 && n.int > limits[f]!) throw fail(`second ${raw} outside range [0, 59]`);
      micros += n.int * MICROS_PER_SECOND + n.fracMicros;
      return;
    }
    const v = Number(raw);
    if (k > 0 && v > limits[f]!) throw fail(`${f} ${v} outside range [0, ${limits[f]}]`);
    if (f === 'day') days += v;
    else micros += v * (f === 'hour' ? MICROS_PER_HOUR : MICROS_PER_MINUTE);
  });
  const s = m[1] === '-' ? -1 : 1;
  return { months: 0, days: s * days, micros: s * micros };
}
