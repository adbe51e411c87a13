/**
 * Arithmetic, comparison and logical operators with Spark's (non-ANSI) semantics: `/` always
 * yields double and returns null on a zero divisor, comparisons coerce strings to the other
 * side's type, AND/OR use three-valued logic.
 */
import { RivuletError } from '../../errors.js';
import {
  isNumeric,
  isIntegral,
  widerType,
  type DataType,
} from '../../types/data-types.js';
import type { CompileInfo, Evaluator, ResolveContext, ResolvedArg, Resolution, ScalarFunction } from '../registry.js';
import { compareValues, valuesEqual } from '../../util/value-equality.js';

const MICROS_PER_DAY = 86_400_000_000;

/** Spark's common type for a binary comparison (TypeCoercion.findCommonTypeForBinaryComparison, legacy mode). */
export function comparisonType(a: DataType, b: DataType): DataType | undefined {
  if (a === 'null') return b;
  if (b === 'null') return a;
  if (a === 'string' && isNumeric(b)) return b === 'float' ? 'double' : b === 'integer' ? 'long' : b;
  if (b === 'string' && isNumeric(a)) return a === 'float' ? 'double' : a === 'integer' ? 'long' : a;
  if ((a === 'string' && b === 'timestamp') || (a === 'timestamp' && b === 'string')) return 'timestamp';
  if ((a === 'string' && b === 'date') || (a === 'date' && b === 'string')) return 'date';
  if ((a === 'string' && b === 'boolean') || (a === 'boolean' && b === 'string')) return 'boolean';
  return widerType(a, b);
}

function numericOperandType(a: DataType, b: DataType, ctx: ResolveContext, op: string): DataType {
  // Spark implicitly casts strings in arithmetic to double.
  const ca = a === 'string' ? 'double' : a;
  const cb = b === 'string' ? 'double' : b;
  const t = (ca === 'null' ? cb : cb === 'null' ? ca : widerType(ca, cb)) ?? 'null';
  if (t === 'null' && ca === 'null' && cb === 'null') return 'double';
  if (!isNumeric(t)) {
    ctx.mismatch(`the operands of '${op}' must be numeric, got ${String(typeLabel(a))} and ${String(typeLabel(b))}`);
  }
  return t;
}

function typeLabel(t: DataType): string {
  return typeof t === 'string' ? t.toUpperCase() : t.type.toUpperCase();
}

function binary(
  name: string,
  symbol: string,
  resolve: (args: readonly ResolvedArg[], ctx: ResolveContext) => Resolution,
  compile: (info: CompileInfo) => (a: never, b: never) => unknown,
  nullIntolerant = true,
): ScalarFunction {
  return {
    kind: 'scalar',
    name,
    minArgs: 2,
    maxArgs: 2,
    nullIntolerant,
    resolve,
    compile(args, info) {
      const [a, b] = args as [Evaluator, Evaluator];
      const op = compile(info) as (a: unknown, b: unknown) => unknown;
      return (row) => op(a(row), b(row));
    },
    sql: ([a, b]) => `(${a} ${symbol} ${b})`,
  };
}

function wrapInt(v: number, t: DataType): number {
  // Java int/long overflow wraps; we emulate it for int and keep doubles for long beyond 2^53.
  return t === 'integer' ? v | 0 : v;
}

function arithmetic(name: string, symbol: string, f: (a: number, b: number) => number): ScalarFunction {
  return binary(
    name,
    symbol,
    (args, ctx) => {
      const [a, b] = args as [ResolvedArg, ResolvedArg];
      // timestamp/date ± interval
      if ((name === 'add' || name === 'subtract') && b.dataType === 'interval' && (a.dataType === 'timestamp' || a.dataType === 'date')) {
        return { dataType: 'timestamp', nullable: a.nullable || b.nullable, argTypes: ['timestamp', 'interval'] };
      }
      if (name === 'add' && a.dataType === 'interval' && b.dataType === 'timestamp') {
        return { dataType: 'timestamp', nullable: a.nullable || b.nullable, argTypes: ['interval', 'timestamp'] };
      }
      if ((name === 'add' || name === 'subtract') && a.dataType === 'date' && isIntegral(b.dataType)) {
        return { dataType: 'date', nullable: a.nullable || b.nullable, argTypes: ['date', 'integer'] };
      }
      const t = numericOperandType(a.dataType, b.dataType, ctx, symbol);
      return { dataType: t, nullable: a.nullable || b.nullable, argTypes: [t, t] };
    },
    (info) => {
      const [ta, tb] = info.argTypes;
      if (tb === 'interval' || ta === 'interval') {
        const sign = name === 'subtract' ? -1 : 1;
        return ((x: unknown, y: unknown) => {
          const [ts, iv] = (ta === 'interval' ? [y, x] : [x, y]) as [number, { months: number; days: number; micros: number }];
          return addInterval(ts, iv, sign);
        }) as never;
      }
      if (ta === 'date') {
        return ((x: number, y: number) => (name === 'add' ? x + y : x - y)) as never;
      }
      const t = info.dataType;
      // INT multiply must wrap the exact 64-bit product's low bits, which a double loses.
      if (t === 'integer' && name === 'multiply') return ((x: number, y: number) => Math.imul(x, y)) as never;
      return ((x: number, y: number) => wrapInt(f(x, y), t)) as never;
    },
  );
}

/** timestamp (micros) + CalendarInterval, months added on the UTC calendar as Spark does in UTC. */
export function addInterval(ts: number, iv: { months: number; days: number; micros: number }, sign: number): number {
  let out = ts;
  if (iv.months !== 0) {
    const ms = Math.floor(ts / 1000);
    const d = new Date(ms);
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + sign * iv.months);
    const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, lastDay));
    out = d.getTime() * 1000 + (ts - ms * 1000);
  }
  return out + sign * (iv.days * MICROS_PER_DAY + iv.micros);
}

const add = arithmetic('add', '+', (a, b) => a + b);
const subtract = arithmetic('subtract', '-', (a, b) => a - b);
const multiply = arithmetic('multiply', '*', (a, b) => a * b);

/** Division by zero: null (Spark's default), or DIVIDE_BY_ZERO in ANSI mode. */
function onZero(info: CompileInfo): () => null {
  if (!info.ansi) return () => null;
  return () => {
    throw new RivuletError(
      'DIVIDE_BY_ZERO',
      'Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.',
    );
  };
}

const divide: ScalarFunction = {
  kind: 'scalar',
  name: 'divide',
  minArgs: 2,
  maxArgs: 2,
  resolve(args, ctx) {
    const [a, b] = args as [ResolvedArg, ResolvedArg];
    numericOperandType(a.dataType, b.dataType, ctx, '/');
    return { dataType: 'double', nullable: true, argTypes: ['double', 'double'] };
  },
  compile([a, b], info) {
    const fa = a!;
    const fb = b!;
    const zero = onZero(info);
    return (row) => {
      const y = fb(row) as number;
      return y === 0 ? zero() : (fa(row) as number) / y;
    };
  },
  sql: ([a, b]) => `(${a} / ${b})`,
};

const div: ScalarFunction = {
  kind: 'scalar',
  name: 'div',
  minArgs: 2,
  maxArgs: 2,
  resolve(args, ctx) {
    const [a, b] = args as [ResolvedArg, ResolvedArg];
    const t = numericOperandType(a.dataType, b.dataType, ctx, 'div');
    return { dataType: 'long', nullable: true, argTypes: [t, t] };
  },
  compile([a, b], info) {
    const fa = a!;
    const fb = b!;
    const zero = onZero(info);
    return (row) => {
      const y = fb(row) as number;
      return y === 0 ? zero() : Math.trunc((fa(row) as number) / y);
    };
  },
  sql: ([a, b]) => `(${a} div ${b})`,
};

const mod: ScalarFunction = {
  kind: 'scalar',
  name: 'mod',
  minArgs: 2,
  maxArgs: 2,
  resolve(args, ctx) {
    const [a, b] = args as [ResolvedArg, ResolvedArg];
    const t = numericOperandType(a.dataType, b.dataType, ctx, '%');
    return { dataType: t, nullable: true, argTypes: [t, t] };
  },
  compile([a, b], info) {
    const fa = a!;
    const fb = b!;
    const zero = onZero(info);
    return (row) => {
      const y = fb(row) as number;
      return y === 0 ? zero() : (fa(row) as number) % y;
    };
  },
  sql: ([a, b]) => `(${a} % ${b})`,
};

function unaryNumeric(name: string, symbol: string, f: (x: number) => number): ScalarFunction {
  return {
    kind: 'scalar',
    name,
    minArgs: 1,
    maxArgs: 1,
    resolve(args, ctx) {
      const a = args[0]!;
      if (a.dataType === 'interval') return { dataType: 'interval', nullable: a.nullable };
      const t = a.dataType === 'string' ? 'double' : a.dataType === 'null' ? 'double' : a.dataType;
      if (!isNumeric(t)) ctx.mismatch(`the operand of '${symbol}' must be numeric, got ${typeLabel(a.dataType)}`);
      return { dataType: t, nullable: a.nullable, argTypes: [t] };
    },
    compile([a], info) {
      const fa = a!;
      if (info.dataType === 'interval') {
        return (row) => {
          const v = fa(row) as { months: number; days: number; micros: number };
          return symbol === '-' ? { months: -v.months, days: -v.days, micros: -v.micros } : v;
        };
      }
      const t = info.dataType;
      return (row) => wrapInt(f(fa(row) as number), t);
    },
    sql: ([a]) => `(${symbol} ${a})`,
  };
}

function comparison(name: string, symbol: string, test: (c: number) => boolean): ScalarFunction {
  return binary(
    name,
    symbol,
    (args, ctx) => {
      const [a, b] = args as [ResolvedArg, ResolvedArg];
      const t = comparisonType(a.dataType, b.dataType);
      if (!t) return ctx.mismatch(`cannot compare ${typeLabel(a.dataType)} with ${typeLabel(b.dataType)}`);
      return { dataType: 'boolean', nullable: a.nullable || b.nullable, argTypes: [t, t] };
    },
    () => ((x: unknown, y: unknown) => test(compareValues(x, y))) as never,
  );
}

const eq = binary(
  'eq',
  '=',
  (args, ctx) => {
    const [a, b] = args as [ResolvedArg, ResolvedArg];
    const t = comparisonType(a.dataType, b.dataType);
    if (!t) return ctx.mismatch(`cannot compare ${typeLabel(a.dataType)} with ${typeLabel(b.dataType)}`);
    return { dataType: 'boolean', nullable: a.nullable || b.nullable, argTypes: [t, t] };
  },
  () => ((x: unknown, y: unknown) => x === y || valuesEqual(x, y)) as never,
);

const eqNullSafe: ScalarFunction = {
  ...eq,
  name: 'eq_null_safe',
  nullIntolerant: false,
  resolve(args, ctx) {
    return { ...eq.resolve(args, ctx), nullable: false };
  },
  compile([a, b]) {
    const fa = a!;
    const fb = b!;
    return (row) => {
      const x = fa(row);
      const y = fb(row);
      if (x === null || y === null) return x === y;
      return x === y || valuesEqual(x, y);
    };
  },
  sql: ([a, b]) => `(${a} <=> ${b})`,
};

function logical(name: 'and' | 'or'): ScalarFunction {
  const isAnd = name === 'and';
  return {
    kind: 'scalar',
    name,
    minArgs: 2,
    maxArgs: 2,
    nullIntolerant: false,
    resolve(args, ctx) {
      for (const a of args) {
        if (a.dataType !== 'boolean' && a.dataType !== 'null') {
          ctx.mismatch(`the operands of ${name.toUpperCase()} must be BOOLEAN, got ${typeLabel(a.dataType)}`);
        }
      }
      return { dataType: 'boolean', nullable: args.some((a) => a.nullable), argTypes: ['boolean', 'boolean'] };
    },
    compile([a, b]) {
      const fa = a!;
      const fb = b!;
      // Three-valued logic: false AND null = false, true OR null = true.
      return isAnd
        ? (row) => {
            const x = fa(row);
            if (x === false) return false;
            const y = fb(row);
            if (y === false) return false;
            return x === null || y === null ? null : true;
          }
        : (row) => {
            const x = fa(row);
            if (x === true) return true;
            const y = fb(row);
            if (y === true) return true;
            return x === null || y === null ? null : false;
          };
    },
    sql: ([a, b]) => `(${a} ${name.toUpperCase()} ${b})`,
  };
}

const not: ScalarFunction = {
  kind: 'scalar',
  name: 'not',
  minArgs: 1,
  maxArgs: 1,
  resolve(args, ctx) {
    const a = args[0]!;
    if (a.dataType !== 'boolean' && a.dataType !== 'null') ctx.mismatch(`the operand of NOT must be BOOLEAN, got ${typeLabel(a.dataType)}`);
    return { dataType: 'boolean', nullable: a.nullable, argTypes: ['boolean'] };
  },
  compile([a]) {
    const fa = a!;
    return (row) => !fa(row);
  },
  sql: ([a]) => `(NOT ${a})`,
};

function nullTest(name: 'isnull' | 'isnotnull'): ScalarFunction {
  const wantNull = name === 'isnull';
  return {
    kind: 'scalar',
    name,
    minArgs: 1,
    maxArgs: 1,
    nullIntolerant: false,
    resolve: () => ({ dataType: 'boolean', nullable: false }),
    compile([a]) {
      const fa = a!;
      return wantNull ? (row) => fa(row) === null : (row) => fa(row) !== null;
    },
    sql: ([a]) => `(${a} IS ${wantNull ? '' : 'NOT '}NULL)`,
  };
}

const inList: ScalarFunction = {
  kind: 'scalar',
  name: 'in',
  minArgs: 1,
  maxArgs: Infinity,
  nullIntolerant: false,
  resolve(args, ctx) {
    let t: DataType = args[0]!.dataType;
    for (const a of args.slice(1)) {
      const w = comparisonType(t, a.dataType);
      if (!w) return ctx.mismatch(`IN list values must be comparable with ${typeLabel(args[0]!.dataType)}, got ${typeLabel(a.dataType)}`);
      t = w;
    }
    return { dataType: 'boolean', nullable: args.some((a) => a.nullable), argTypes: args.map(() => t) };
  },
  compile([value, ...list]) {
    const fv = value!;
    return (row) => {
      const v = fv(row);
      if (v === null) return null;
      let sawNull = false;
      for (const f of list) {
        const x = f(row);
        if (x === null) sawNull = true;
        else if (x === v || valuesEqual(x, v)) return true;
      }
      return sawNull ? null : false;
    };
  },
  sql: ([a, ...rest]) => `(${a} IN (${rest.join(', ')}))`,
};

/** SQL LIKE pattern → RegExp, with Spark's default escape character '\'. */
export function likeToRegExp(pattern: string, flags = ''): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      re += escapeRegExp(pattern[++i]!);
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRegExp(c);
  }
  return new RegExp(`^${re}$`, `${flags}u`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function patternMatch(name: 'like' | 'ilike' | 'rlike', keyword: string, toRe: (p: string) => RegExp): ScalarFunction {
  return {
    kind: 'scalar',
    name,
    minArgs: 2,
    maxArgs: 2,
    resolve: (args) => ({ dataType: 'boolean', nullable: args.some((a) => a.nullable), argTypes: ['string', 'string'] }),
    compile([a, b], info) {
      const fa = a!;
      const fb = b!;
      const lit = info.args[1]?.literal;
      if (lit && typeof lit.value === 'string') {
        const re = toRe(lit.value);
        return (row) => re.test(fa(row) as string);
      }
      let lastPattern: string | undefined;
      let lastRe: RegExp | undefined;
      return (row) => {
        const p = fb(row) as string;
        if (p !== lastPattern) {
          lastPattern = p;
          lastRe = toRe(p);
        }
        return lastRe!.test(fa(row) as string);
      };
    },
    sql: ([a, b]) => `${name === 'rlike' ? `RLIKE(${a}, ${b})` : `${a} ${keyword} ${b}`}`,
  };
}

function safeRegExp(p: string): RegExp {
  try {
    return new RegExp(p, 'u');
  } catch (cause) {
    throw new RivuletError('INVALID_PARAMETER_VALUE.PATTERN', `The regular expression '${p}' is invalid.`, { cause });
  }
}

export const operatorFunctions: readonly ScalarFunction[] = [
  add,
  subtract,
  multiply,
  divide,
  div,
  mod,
  unaryNumeric('negative', '-', (x) => -x),
  unaryNumeric('positive', '+', (x) => x),
  comparison('lt', '<', (c) => c < 0),
  comparison('lte', '<=', (c) => c <= 0),
  comparison('gt', '>', (c) => c > 0),
  comparison('gte', '>=', (c) => c >= 0),
  eq,
  eqNullSafe,
  logical('and'),
  logical('or'),
  not,
  nullTest('isnull'),
  nullTest('isnotnull'),
  inList,
  patternMatch('like', 'LIKE', (p) => likeToRegExp(p)),
  patternMatch('ilike', 'ILIKE', (p) => likeToRegExp(p, 'i')),
  patternMatch('rlike', 'RLIKE', safeRegExp),
];
