/**
 * Expressions → SQL text, two ways:
 * - `exprToSql`: Spark's *pretty* SQL (`toPrettySQL`), which names unaliased columns and shows
 *   expressions in explain output: attributes and string literals appear bare (`concat(a, x)`),
 *   numbers without type suffixes, operators parenthesised (`(a + 1)`, `(NOT (a = 1))`).
 * - `exprToSqlString`: SQL that `parseExpression` reads back into the same tree: strings quoted,
 *   odd identifiers back-quoted, literal types kept (`1L`, `1.5D`).
 */
import type { DataType } from '../types/data-types.js';
import { sqlType } from '../types/ddl.js';
import { formatInterval, MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND } from '../types/interval.js';
import type { Expr, LiteralExpr, LiteralValue } from './ast.js';

/** Spark's pretty SQL of an expression: the auto-generated column name. */
export function exprToSql(e: Expr): string {
  return render(e, PRETTY);
}

/** SQL that `parseExpression` parses back into an equal tree. */
export function exprToSqlString(e: Expr): string {
  return render(e, REPARSEABLE);
}

interface Style {
  readonly name: (part: string) => string;
  readonly literal: (e: LiteralExpr) => string;
  readonly pretty: boolean;
}

const PRETTY: Style = { name: (p) => p, literal: prettyLiteral, pretty: true };
const REPARSEABLE: Style = { name: quoteName, literal: sqlLiteral, pretty: false };

const BINARY: Readonly<Record<string, string>> = {
  add: '+',
  subtract: '-',
  multiply: '*',
  divide: '/',
  div: 'div',
  mod: '%',
  eq: '=',
  eq_null_safe: '<=>',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
  and: 'AND',
  or: 'OR',
};

function render(e: Expr, s: Style): string {
  switch (e.kind) {
    case 'column':
      return e.name.map(s.name).join('.');
    case 'attr':
      return s.name(e.name);
    case 'star':
      return e.target ? `${e.target.map(s.name).join('.')}.*` : '*';
    case 'literal':
      return s.literal(e);
    case 'alias':
      // Spark names a column after its alias, so the pretty form of an alias is its child.
      return s.pretty ? render(e.child, s) : `${render(e.child, s)} AS ${quoteName(e.name)}`;
    case 'cast':
      return `CAST(${render(e.child, s)} AS ${sqlType(e.to)})`;
    case 'caseWhen': {
      const branches = e.branches.map(([c, v]) => ` WHEN ${render(c, s)} THEN ${render(v, s)}`).join('');
      const otherwise = e.otherwise ? ` ELSE ${render(e.otherwise, s)}` : '';
      return `CASE${branches}${otherwise} END`;
    }
    case 'sortOrder':
      return `${render(e.child, s)} ${e.direction.toUpperCase()} NULLS ${e.nulls.toUpperCase()}`;
    case 'call':
      return renderCall(e.name, e.args, e.distinct === true, s);
  }
}

function renderCall(name: string, argExprs: readonly Expr[], distinct: boolean, s: Style): string {
  const args = argExprs.map((a) => render(a, s));
  const [a, b] = args;
  if (!distinct) {
    const symbol = BINARY[name];
    if (symbol && args.length === 2) return `(${a} ${symbol} ${b})`;
    if (args.length === 1) {
      switch (name) {
        case 'negative':
        case 'positive': {
          // `(- 1)` would read back as the literal -1.
          const child = argExprs[0]!;
          const wrap = !s.pretty && child.kind === 'literal' && typeof child.value === 'number';
          return `(${name === 'negative' ? '-' : '+'} ${wrap ? `(${a})` : a})`;
        }
        case 'not':
          return `(NOT ${a})`;
        case 'floor':
        case 'ceil':
          // Spark's pretty names for these are upper-case: FLOOR(d), CEIL(d).
          if (s.pretty) return `${name.toUpperCase()}(${a})`;
          break;
        case 'isnull':
          return `(${a} IS NULL)`;
        case 'isnotnull':
          return `(${a} IS NOT NULL)`;
      }
    }
    // `a IN ()` is not valid SQL, so the re-parseable form of an empty IN is the call `in`(a).
    if (name === 'in' && args.length >= (s.pretty ? 1 : 2)) return `(${a} IN (${args.slice(1).join(', ')}))`;
    if (args.length === 2) {
      switch (name) {
        // Spark prints LIKE bare; parenthesised here so that `(x LIKE y) = true` reads back.
        case 'like':
          return s.pretty ? `${a} LIKE ${b}` : `(${a} LIKE ${b})`;
        case 'rlike':
          return `RLIKE(${a}, ${b})`;
        case 'get_item':
          return `${primary(argExprs[0]!, a!, s, false)}[${b}]`;
        case 'get_field': {
          const field = argExprs[1]!;
          if (field.kind === 'literal' && typeof field.value === 'string') return `${primary(argExprs[0]!, a!, s, true)}.${s.name(field.value)}`;
          break;
        }
        case 'first':
        case 'last': {
          // ignoreNulls is a parameter, not a child, of Spark's First/Last: `first(x)`.
          const flag = argExprs[1]!;
          if (s.pretty && flag.kind === 'literal' && typeof flag.value === 'boolean') return `${name}(${a})`;
          break;
        }
      }
    }
  }
  return `${s.name(name)}(${distinct ? 'DISTINCT ' : ''}${args.join(', ')})`;
}

/**
 * The base of `x[i]` / `x.f` in re-parseable SQL: `(a).f` keeps a field access on a column from
 * reading back as the column `a.f`, and `(1).f` keeps `1.` from reading as a number.
 */
function primary(base: Expr, text: string, s: Style, field: boolean): string {
  if (s.pretty) return text;
  const wrap = (field && (base.kind === 'column' || base.kind === 'attr')) || (base.kind === 'literal' && typeof base.value === 'number');
  return wrap ? `(${text})` : text;
}

// ---- identifiers ----

/** Words the parser reads as keywords in an operand or alias position. */
const KEYWORDS = new Set([
  'and', 'or', 'not', 'is', 'in', 'between', 'like', 'ilike', 'rlike', 'regexp', 'div', 'as', 'when', 'then', 'else',
  'end', 'escape', 'from', 'distinct', 'all', 'ignore', 'respect', 'over', 'filter', 'within', 'null', 'true', 'false',
  'case', 'cast', 'interval', 'date', 'timestamp', 'timestamp_ltz', 'timestamp_ntz', 'current_date', 'current_timestamp',
]);

function quoteName(part: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(part) && !KEYWORDS.has(part.toLowerCase()) ? part : `\`${part.replace(/`/g, '``')}\``;
}

// ---- literals ----

function prettyLiteral(e: LiteralExpr): string {
  const v = e.value;
  if (v === null) return 'NULL';
  switch (e.dataType) {
    case 'string':
      return String(v);
    case 'integer':
    case 'long':
      return String(v);
    case 'double':
      return javaDouble(v as number);
    case 'float':
      return javaFloat(v as number);
    default:
      return sqlLiteral(e);
  }
}

/** Spark's `Literal.sql`. */
function sqlLiteral(e: LiteralExpr): string {
  return literalSql(e.value, e.dataType);
}

function literalSql(v: LiteralValue, t: DataType): string {
  if (v === null) return t === 'null' || typeof t === 'object' ? 'NULL' : `CAST(NULL AS ${sqlType(t)})`;
  if (typeof t === 'object') {
    if (t.type === 'array' && Array.isArray(v)) return `ARRAY(${v.map((x) => literalSql(x, t.elementType)).join(', ')})`;
    if (t.type === 'struct' && Array.isArray(v)) {
      return `NAMED_STRUCT(${t.fields.map((f, i) => `${quoteString(f.name)}, ${literalSql(v[i] ?? null, f.type)}`).join(', ')})`;
    }
    return String(v);
  }
  switch (t) {
    case 'string':
      return quoteString(String(v));
    case 'long':
      return `${String(v)}L`;
    case 'double': {
      const d = v as number;
      if (Number.isNaN(d)) return "CAST('NaN' AS DOUBLE)";
      if (!Number.isFinite(d)) return `CAST('${d > 0 ? '' : '-'}Infinity' AS DOUBLE)`;
      return `${javaDouble(d)}D`;
    }
    case 'float': {
      const f = v as number;
      if (Number.isNaN(f)) return "CAST('NaN' AS FLOAT)";
      if (!Number.isFinite(f)) return `CAST('${f > 0 ? '' : '-'}Infinity' AS FLOAT)`;
      return `${javaFloat(f)}F`;
    }
    case 'timestamp':
      return `TIMESTAMP '${formatTimestamp(v as number)}'`;
    case 'date':
      return `DATE '${formatDate(v as number)}'`;
    case 'interval':
      return intervalSql(v as { months: number; days: number; micros: number });
    default:
      return String(v);
  }
}

/** Spark's string literal SQL: backslashes and single quotes escaped with a backslash. */
function quoteString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Java's `Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.5E-4`. */
function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const a = Math.abs(d);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exp] = d.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exp.replace('+', '')}`;
}

/** Java's `Float.toString`: the shortest decimal that reads back as the same float. */
function javaFloat(f: number): string {
  if (f === 0) return javaDouble(f);
  let shortest = f;
  for (let p = 1; p <= 9; p++) {
    const c = Number(f.toPrecision(p));
    if (Math.fround(c) === f) {
      shortest = c;
      break;
    }
  }
  return javaDouble(shortest);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function formatDate(days: number): string {
  const d = new Date(days * MICROS_PER_DAY / 1000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `2020-01-01 00:00:00[.ffffff]` in UTC (the session zone), trailing zeros of the fraction dropped. */
function formatTimestamp(micros: number): string {
  const seconds = Math.floor(micros / MICROS_PER_SECOND);
  const fraction = micros - seconds * MICROS_PER_SECOND;
  const d = new Date(seconds * 1000);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const frac = fraction === 0 ? '' : `.${pad(fraction, 6).replace(/0+$/, '')}`;
  return `${date} ${time}${frac}`;
}

const DAY = 0;
const HOUR = 1;
const MINUTE = 2;
const SECOND = 3;
const FIELD_NAMES = ['DAY', 'HOUR', 'MINUTE', 'SECOND'] as const;

/**
 * Spark's ANSI interval literal (`INTERVAL '10' SECOND`, `INTERVAL '1 02:03:04' DAY TO SECOND`,
 * `INTERVAL '1-2' YEAR TO MONTH`), spanning the fields that are set. Intervals that mix months
 * with days, or days and time of opposite signs, have no ANSI form and print as Spark's
 * CalendarInterval literal: `INTERVAL '1 months 2 days'`.
 */
function intervalSql(iv: { months: number; days: number; micros: number }): string {
  const { months, days, micros } = iv;
  if (months !== 0 && days === 0 && micros === 0) {
    const sign = months < 0 ? '-' : '';
    const abs = Math.abs(months);
    if (abs % 12 === 0) return `INTERVAL '${sign}${abs / 12}' YEAR`;
    if (abs < 12) return `INTERVAL '${months}' MONTH`;
    return `INTERVAL '${sign}${Math.trunc(abs / 12)}-${abs % 12}' YEAR TO MONTH`;
  }
  const sameSign = !(days < 0 && micros > 0) && !(days > 0 && micros < 0);
  if (months !== 0 || !sameSign || (days !== 0 && Math.abs(micros) >= MICROS_PER_DAY)) {
    return `INTERVAL '${formatInterval(iv)}'`;
  }
  const sign = days < 0 || micros < 0 ? '-' : '';
  const d = Math.abs(days);
  const r = Math.abs(micros);
  const h = Math.trunc(r / MICROS_PER_HOUR);
  const mi = Math.trunc((r % MICROS_PER_HOUR) / MICROS_PER_MINUTE);
  const sec = r % MICROS_PER_MINUTE;
  const start = d ? DAY : h ? HOUR : mi ? MINUTE : SECOND;
  const end = sec ? SECOND : mi ? MINUTE : h ? HOUR : d ? DAY : SECOND;
  const seconds = (us: number): string => {
    const whole = Math.trunc(us / MICROS_PER_SECOND);
    const frac = pad(us % MICROS_PER_SECOND, 6).replace(/0+$/, '');
    return `${pad(whole)}${frac ? `.${frac}` : ''}`;
  };
  let text = sign;
  if (start === DAY) text += String(d);
  else if (start === HOUR) text += pad(h);
  else if (start === MINUTE) text += pad(mi);
  else text += seconds(sec);
  if (start < HOUR && HOUR <= end) text += ` ${pad(h)}`;
  if (start < MINUTE && MINUTE <= end) text += `:${pad(mi)}`;
  if (start < SECOND && SECOND <= end) text += `:${seconds(sec)}`;
  const fields = start === end ? FIELD_NAMES[start] : `${FIELD_NAMES[start]} TO ${FIELD_NAMES[end]}`;
  return `INTERVAL '${text}' ${fields}`;
}
