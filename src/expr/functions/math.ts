/**
 * Math functions with Spark's types and edge cases: `round` is HALF_UP and `bround` HALF_EVEN on
 * the value's decimal representation (Spark rounds `BigDecimal(Double.toString(d))`, so
 * `round(1.005, 2)` is 1.01), `floor`/`ceil` return BIGINT, logarithms of values <= 0 are null
 * (Hive), `sqrt(-1)` is NaN, `pmod` and `greatest`/`least` follow Spark's null rules.
 *
 * There is no DECIMAL type: the two-argument `floor(x, d)`/`ceil(x, d)` return DOUBLE where
 * Spark returns DECIMAL. `rand(seed)` is deterministic for a seed but does not reproduce
 * Spark's XORShiftRandom sequence.
 */
import { isIntegral, isNumeric, widerType, type DataType } from '../../types/data-types.js';
import { sqlType } from '../../types/ddl.js';
import { compareValues } from '../../util/value-equality.js';
import { constantValue, describeArg, doubleToLong, expectInputs, ordinal, utf8Encode } from '../cast.js';
import type { ResolvedArg, ResolveContext, ScalarFunction } from '../registry.js';

type RoundingMode = 'HALF_UP' | 'HALF_EVEN' | 'FLOOR' | 'CEILING';

/**
 * `new BigDecimal(Double.toString(d)).setScale(scale, mode).doubleValue()`: the shortest
 * decimal digits of `d` are rounded, so 2.675 rounds to 2.68 as Spark does (not 2.67).
 */
export function roundDecimal(d: number, scale: number, mode: RoundingMode): number {
  if (!Number.isFinite(d) || d === 0) return d;
  const negative = d < 0;
  const [mant, expText] = Math.abs(d).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  // Digits kept before the rounding position (may be <= 0 when all digits are dropped).
  const keep = exp + 1 + scale;
  if (keep >= digits.length) return d;
  const kept = keep > 0 ? digits.slice(0, keep) : '';
  const rest = keep >= 0 ? digits.slice(keep) : '0'.repeat(-keep) + digits;
  const restNonZero = /[1-9]/.test(rest);
  let up: boolean;
  switch (mode) {
    case 'HALF_UP':
      up = rest[0]! >= '5';
      break;
    case 'HALF_EVEN': {
      const first = rest[0]!;
      const tailNonZero = /[1-9]/.test(rest.slice(1));
      const lastOdd = kept.length > 0 && Number(kept[kept.length - 1]) % 2 === 1;
      up = first > '5' || (first === '5' && (tailNonZero || lastOdd));
      break;
    }
    case 'FLOOR':
      up = negative && restNonZero;
      break;
    case 'CEILING':
      up = !negative && restNonZero;
      break;
  }
  const magnitude = BigInt(kept || '0') + (up ? 1n : 0n);
  if (magnitude === 0n) return 0;
  const v = Number(`${magnitude}e${-scale}`);
  return negative ? -v : v;
}

/** A numeric argument keeps its type; strings (and NULL) become DOUBLE as Spark coerces them. */
function numericArg(a: ResolvedArg, ctx: ResolveContext, i = 0): DataType {
  if (isNumeric(a.dataType)) return a.dataType;
  if (a.dataType === 'null' || a.dataType === 'string') return 'double';
  return ctx.mismatch(
    `The ${ordinal(i)} parameter requires the "NUMERIC" type, however ${describeArg(a.expr)} has the type "${sqlType(a.dataType)}"`,
  );
}

/** A function of doubles returning double (Spark's UnaryMathExpression and friends). */
function doubleFn(name: string, f: (...xs: number[]) => number | null, arity: number, sqlName?: string): ScalarFunction {
  return {
    kind: 'scalar',
    name,
    minArgs: arity,
    maxArgs: arity,
    resolve(args, ctx) {
      const argTypes = expectInputs(args, args.map(() => 'double'), ctx.mismatch);
      return { dataType: 'double', nullable: true, argTypes };
    },
    compile(args) {
      if (arity === 1) {
        const a = args[0]!;
        return (row) => f(a(row) as number);
      }
      const [a, b] = [args[0]!, args[1]!];
      return (row) => f(a(row) as number, b(row) as number);
    },
    ...(sqlName ? { sql: (xs: readonly string[]) => `${sqlName}(${xs.join(', ')})` } : {}),
  };
}

// Hive returns null instead of NaN/-Infinity for logarithms of values <= 0.
const logOf = (base: (x: number) => number) => (x: number) => (x <= 0 ? null : base(x));

const abs: ScalarFunction = {
  kind: 'scalar',
  name: 'abs',
  minArgs: 1,
  maxArgs: 1,
  resolve(args, ctx) {
    const t = numericArg(args[0]!, ctx);
    return { dataType: t, nullable: args[0]!.nullable, argTypes: [t] };
  },
  compile([a], info) {
    const fa = a!;
    // abs(Int.MinValue) stays Int.MinValue in Java's two's complement.
    if (info.dataType === 'integer') return (row) => Math.abs(fa(row) as number) | 0;
    return (row) => Math.abs(fa(row) as number);
  },
};

function roundFn(name: 'round' | 'bround', mode: RoundingMode): ScalarFunction {
  return {
    kind: 'scalar',
    name,
    minArgs: 1,
    maxArgs: 2,
    nullIntolerant: false,
    resolve(args, ctx) {
      const t = numericArg(args[0]!, ctx);
      const argTypes: DataType[] = [t];
      if (args[1]) {
        const s = args[1];
        if (!isIntegral(s.dataType) && s.dataType !== 'null') {
          ctx.mismatch(`The second parameter requires the "INT" type, however ${describeArg(s.expr)} has the type "${sqlType(s.dataType)}"`);
        }
        if (!constantValue(s)) ctx.mismatch('the input `scale` should be a foldable "INT" expression');
        argTypes.push('integer');
      }
      return { dataType: t, nullable: true, argTypes };
    },
    compile(args, info) {
      const fa = args[0]!;
      const scaleLit = info.args[1] && constantValue(info.args[1], info.timeZone)?.value;
      if (info.args[1] && (scaleLit === null || scaleLit === undefined)) return () => null;
      const scale = (scaleLit as number | undefined) ?? 0;
      const t = info.dataType;
      if (isIntegral(t)) {
        if (scale >= 0) return (row) => fa(row);
        return (row) => {
          const v = fa(row);
          if (v === null) return null;
          const r = roundDecimal(v as number, scale, mode);
          return t === 'integer' ? r | 0 : r;
        };
      }
      return (row) => {
        const v = fa(row);
        return v === null ? null : roundDecimal(v as number, scale, mode);
      };
    },
    // Spark adds the default scale: the column is named `round(x, 0)`.
    sql: (xs) => `${name}(${xs[0]}, ${xs[1] ?? '0'})`,
  };
}

function floorCeil(name: 'floor' | 'ceil'): ScalarFunction {
  const whole = name === 'floor' ? Math.floor : Math.ceil;
  const mode: RoundingMode = name === 'floor' ? 'FLOOR' : 'CEILING';
  return {
    kind: 'scalar',
    name,
    minArgs: 1,
    maxArgs: 2,
    resolve(args, ctx) {
      const a = args[0]!;
      if (args[1]) {
        if (!constantValue(args[1]) || !isIntegral(args[1].dataType)) {
          ctx.mismatch('the input `scale` should be a foldable "INT" expression');
        }
        const t = numericArg(a, ctx);
        return { dataType: 'double', nullable: true, argTypes: [t === 'float' ? 'double' : t === 'integer' ? 'long' : t, 'integer'] };
      }
      const t = numericArg(a, ctx);
      return { dataType: 'long', nullable: a.nullable, argTypes: [isIntegral(t) ? 'long' : 'double'] };
    },
    compile(args, info) {
      const fa = args[0]!;
      if (info.args.length === 2) {
        const scale = constantValue(info.args[1]!, info.timeZone)!.value as number | null;
        if (scale === null) return () => null;
        return (row) => roundDecimal(fa(row) as number, scale, mode);
      }
      if (info.argTypes[0] === 'long') return fa;
      return (row) => doubleToLong(whole(fa(row) as number));
    },
    sql: (xs) => `${name.toUpperCase()}(${xs.join(', ')})`,
  };
}

const log: ScalarFunction = {
  kind: 'scalar',
  name: 'log',
  minArgs: 1,
  maxArgs: 2,
  resolve(args, ctx) {
    const argTypes = expectInputs(args, args.map(() => 'double'), ctx.mismatch);
    return { dataType: 'double', nullable: true, argTypes };
  },
  compile(args) {
    if (args.length === 1) {
      const a = args[0]!;
      return (row) => {
        const x = a(row) as number;
        return x <= 0 ? null : Math.log(x);
      };
    }
    const [b, a] = [args[0]!, args[1]!];
    return (row) => {
      const base = b(row) as number;
      const x = a(row) as number;
      return base <= 0 || x <= 0 ? null : Math.log(x) / Math.log(base);
    };
  },
  // F.log(col) is Spark's `ln`; log(base, x) is named LOG(base, x).
  sql: (xs) => (xs.length === 1 ? `ln(${xs[0]})` : `LOG(${xs.join(', ')})`),
};

function signum(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x;
}

function extremum(name: 'greatest' | 'least'): ScalarFunction {
  const wantGreater = name === 'greatest';
  return {
    kind: 'scalar',
    name,
    minArgs: 2,
    maxArgs: Infinity,
    nullIntolerant: false,
    resolve(args, ctx) {
      let t: DataType | undefined = 'null';
      for (const a of args) {
        t = t && widerType(t, a.dataType);
      }
      if (!t) {
        return ctx.mismatch(`The expressions should all have the same type, got ${name.toUpperCase()}(${args.map((a) => sqlType(a.dataType)).join(', ')})`);
      }
      const dt = t === 'null' ? 'null' : t;
      return { dataType: dt, nullable: args.every((a) => a.nullable), argTypes: args.map(() => dt) };
    },
    compile(args) {
      // Nulls are skipped; the result is null only when every argument is null.
      return (row) => {
        let best: unknown = null;
        for (const f of args) {
          const v = f(row);
          if (v === null || v === undefined) continue;
          if (best === null) best = v;
          else {
            const c = compareValues(v, best);
            if (wantGreater ? c > 0 : c < 0) best = v;
          }
        }
        return best;
      };
    },
  };
}

const pmod: ScalarFunction = {
  kind: 'scalar',
  name: 'pmod',
  minArgs: 2,
  maxArgs: 2,
  resolve(args, ctx) {
    const [a, b] = [numericArg(args[0]!, ctx, 0), numericArg(args[1]!, ctx, 1)];
    const t = widerType(a, b) ?? 'double';
    return { dataType: t, nullable: true, argTypes: [t, t] };
  },
  compile([a, n], info) {
    const [fa, fn] = [a!, n!];
    const isInt = info.dataType === 'integer';
    return (row) => {
      const x = fa(row) as number;
      const y = fn(row) as number;
      if (y === 0) return null;
      const r = x % y;
      // Spark computes r + n in the column's type: for INT it wraps.
      const out = r < 0 ? (isInt ? ((r + y) | 0) % y : (r + y) % y) : r;
      return isInt ? out | 0 : out + 0;
    };
  },
};

/** A small, fast PRNG (mulberry32) so that `rand(seed)` repeats within a run. */
function mulberry32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomFn(name: 'rand' | 'randn'): ScalarFunction {
  return {
    kind: 'scalar',
    name,
    minArgs: 0,
    maxArgs: 1,
    deterministic: false,
    nullIntolerant: false,
    resolve(args, ctx) {
      const s = args[0];
      if (s && (!constantValue(s) || !(isIntegral(s.dataType) || s.dataType === 'null'))) {
        ctx.mismatch('the input `seed` should be a foldable "INT" or "BIGINT" expression');
      }
      return { dataType: 'double', nullable: false };
    },
    compile(_args, info) {
      const seedValue = info.args[0] && constantValue(info.args[0], info.timeZone)?.value;
      const seed = info.args[0] ? Number(seedValue ?? 0) : Math.floor(Math.random() * 2 ** 31);
      const next = mulberry32(seed);
      if (name === 'rand') return () => next();
      // Box-Muller on two uniform draws.
      return () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    },
  };
}

const constant = (name: string, value: number, sqlName: string): ScalarFunction => ({
  kind: 'scalar',
  name,
  minArgs: 0,
  maxArgs: 0,
  resolve: () => ({ dataType: 'double', nullable: false }),
  compile: () => () => value,
  sql: () => `${sqlName}()`,
});

// ---- hash: Spark's Murmur3_x86_32 with seed 42, folded over the arguments ----

function mixK1(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

function mixH1(h: number, k: number): number {
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function hashInt(v: number, seed: number): number {
  return fmix(mixH1(seed, mixK1(v | 0)), 4);
}

function hashLongParts(low: number, high: number, seed: number): number {
  return fmix(mixH1(mixH1(seed, mixK1(low)), mixK1(high)), 8);
}

function hashLong(v: number, seed: number): number {
  const b = BigInt.asIntN(64, BigInt(v));
  return hashLongParts(Number(BigInt.asIntN(32, b)), Number(BigInt.asIntN(32, b >> 32n)), seed);
}

/** Murmur3_x86_32.hashUnsafeBytes: whole 4-byte words, then each remaining byte on its own. */
function hashBytes(bytes: Uint8Array, seed: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const aligned = bytes.length - (bytes.length % 4);
  let h = seed;
  for (let i = 0; i < aligned; i += 4) h = mixH1(h, mixK1(view.getInt32(i, true)));
  for (let i = aligned; i < bytes.length; i++) h = mixH1(h, mixK1(view.getInt8(i)));
  return fmix(h, bytes.length);
}

/** Spark's Murmur3Hash of one value of type `t`, continuing from `seed`; null leaves it unchanged. */
export function murmur3(v: unknown, t: DataType, seed: number): number {
  if (v === null || v === undefined) return seed;
  if (typeof t === 'object') {
    let h = seed;
    if (t.type === 'array') for (const x of v as unknown[]) h = murmur3(x, t.elementType, h);
    else if (t.type === 'map') {
      for (const [k, x] of v as Map<unknown, unknown>) h = murmur3(x, t.valueType, murmur3(k, t.keyType, h));
    } else t.fields.forEach((f, i) => (h = murmur3((v as unknown[])[i], f.type, h)));
    return h;
  }
  switch (t) {
    case 'boolean':
      return hashInt(v ? 1 : 0, seed);
    case 'integer':
    case 'date':
      return hashInt(v as number, seed);
    case 'long':
    case 'timestamp':
      return hashLong(v as number, seed);
    case 'float': {
      // -0.0 hashes as 0.0 (Spark 3).
      const f = v === 0 ? 0 : (v as number);
      const dv = new DataView(new ArrayBuffer(4));
      dv.setFloat32(0, Number.isNaN(f) ? NaN : f);
      return hashInt(dv.getInt32(0), seed);
    }
    case 'double': {
      const d = v === 0 ? 0 : (v as number);
      const dv = new DataView(new ArrayBuffer(8));
      dv.setFloat64(0, Number.isNaN(d) ? NaN : d);
      return hashLongParts(dv.getInt32(4), dv.getInt32(0), seed);
    }
    case 'string':
      return hashBytes(utf8Encode(v as string), seed);
    case 'binary':
      return hashBytes(v as Uint8Array, seed);
    case 'interval': {
      const i = v as { months: number; days: number; micros: number };
      return hashLong(i.micros, hashInt(i.days, hashInt(i.months, seed)));
    }
    default:
      return seed;
  }
}

const hash: ScalarFunction = {
  kind: 'scalar',
  name: 'hash',
  minArgs: 1,
  maxArgs: Infinity,
  nullIntolerant: false,
  resolve: () => ({ dataType: 'integer', nullable: false }),
  compile(args, info) {
    const types = info.args.map((a) => a.dataType);
    return (row) => {
      let h = 42;
      args.forEach((f, i) => (h = murmur3(f(row), types[i]!, h)));
      return h;
    };
  },
};

const toDegrees = (x: number): number => (x * 180) / Math.PI;
const toRadians = (x: number): number => (x / 180) * Math.PI;

export const mathFunctions: readonly ScalarFunction[] = [
  abs,
  roundFn('round', 'HALF_UP'),
  roundFn('bround', 'HALF_EVEN'),
  floorCeil('floor'),
  floorCeil('ceil'),
  doubleFn('sqrt', Math.sqrt, 1, 'SQRT'),
  doubleFn('cbrt', Math.cbrt, 1, 'CBRT'),
  doubleFn('exp', Math.exp, 1, 'EXP'),
  doubleFn('expm1', Math.expm1, 1, 'EXPM1'),
  doubleFn('pow', Math.pow, 2, 'POWER'),
  log,
  doubleFn('log10', logOf(Math.log10), 1, 'LOG10'),
  doubleFn('log2', logOf(Math.log2), 1, 'LOG2'),
  doubleFn('log1p', (x) => (x <= -1 ? null : Math.log1p(x)), 1, 'LOG1P'),
  doubleFn('signum', signum, 1, 'SIGNUM'),
  doubleFn('sin', Math.sin, 1, 'SIN'),
  doubleFn('cos', Math.cos, 1, 'COS'),
  doubleFn('tan', Math.tan, 1, 'TAN'),
  doubleFn('asin', Math.asin, 1, 'ASIN'),
  doubleFn('acos', Math.acos, 1, 'ACOS'),
  doubleFn('atan', Math.atan, 1, 'ATAN'),
  doubleFn('sinh', Math.sinh, 1, 'SINH'),
  doubleFn('cosh', Math.cosh, 1, 'COSH'),
  doubleFn('tanh', Math.tanh, 1, 'TANH'),
  doubleFn('atan2', (y, x) => Math.atan2(y! + 0, x! + 0), 2, 'ATAN2'),
  doubleFn('hypot', Math.hypot, 2, 'HYPOT'),
  doubleFn('degrees', toDegrees, 1, 'DEGREES'),
  doubleFn('radians', toRadians, 1, 'RADIANS'),
  doubleFn('rint', (x) => roundDecimal(x, 0, 'HALF_EVEN'), 1),
  constant('pi', Math.PI, 'PI'),
  constant('e', Math.E, 'E'),
  extremum('greatest'),
  extremum('least'),
  pmod,
  randomFn('rand'),
  randomFn('randn'),
  hash,
];

