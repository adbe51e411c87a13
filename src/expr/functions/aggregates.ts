/**
 * Aggregate functions with Spark's semantics: null inputs are skipped (except by first/last
 * without ignoreNulls), an aggregate over no non-null input is null (count is 0, collect_* is
 * an empty array), and DISTINCT aggregates over the set of distinct argument tuples.
 *
 * Every accumulator state is plain JSON (numbers, strings, arrays, objects) because states are
 * checkpointed with JSON.stringify: non-finite doubles, binary and map values are encoded with
 * `jsonCodecFor`, sets are objects keyed by `canonicalKey` (insertion-ordered, since a canonical
 * key never looks like an array index).
 */
import { simpleString, type ArrayType, type DataType } from '../../types/data-types.js';
import { hllAddKey, hllCreate, hllEstimate, hllMerge, hllPrecision } from '../../util/hyperloglog.js';
import { canonicalKey, compareValues, jsonCodecFor, type JsonCodec } from '../../util/value-equality.js';
import type { Accumulator, AggregateFunction, CompileInfo, ResolvedArg, ResolveContext, Resolution } from '../registry.js';

type CreateInfo = CompileInfo & { readonly distinct: boolean };

interface Spec<S> {
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  resolve(args: readonly ResolvedArg[], ctx: ResolveContext): Resolution;
  create(info: CreateInfo): Accumulator<S>;
  /** False where DISTINCT cannot change the result (min, max, collect_set, approx_count_distinct). */
  readonly distinctMatters?: boolean;
}

function aggregate<S>(spec: Spec<S>): AggregateFunction {
  return {
    kind: 'aggregate',
    name: spec.name,
    minArgs: spec.minArgs,
    maxArgs: spec.maxArgs,
    resolve: spec.resolve,
    create(info) {
      const acc = spec.create(info) as Accumulator;
      return info.distinct && spec.distinctMatters !== false ? distinctOf(acc, info.argTypes) : acc;
    },
  };
}

// ---- DISTINCT ----

type DistinctState = Record<string, unknown[]>;

/**
 * Collects the distinct argument tuples (nulls included, so first(DISTINCT x) can still see a
 * null; aggregates that skip nulls skip them at result time) and feeds them, in first-seen
 * order, to the plain accumulator when the result is asked for.
 */
function distinctOf(inner: Accumulator, argTypes: readonly DataType[]): Accumulator<DistinctState> {
  const codecs = argTypes.map(jsonCodecFor);
  const encode = (values: readonly unknown[]): unknown[] =>
    values.map((v, i) => (v === null || v === undefined || !codecs[i] ? (v ?? null) : codecs[i]!.encode(v)));
  const decode = (tuple: readonly unknown[]): unknown[] =>
    tuple.map((v, i) => (v === null || !codecs[i] ? v : codecs[i]!.decode(v)));
  return {
    init: () => ({}),
    update(state, values) {
      const k = canonicalKey(values);
      if (!(k in state)) state[k] = encode(values);
      return state;
    },
    merge(a, b) {
      const out: DistinctState = { ...a };
      for (const k of Object.keys(b)) if (!(k in out)) out[k] = b[k]!;
      return out;
    },
    mergeInPlace(a, b) {
      for (const k of Object.keys(b)) if (!(k in a)) a[k] = b[k]!;
      return a;
    },
    result(state) {
      let s = inner.init();
      for (const tuple of Object.values(state)) s = inner.update(s, decode(tuple));
      return inner.result(s);
    },
  };
}

// ---- helpers ----

/** A double as JSON: non-finite values become strings (JSON.stringify would write null). */
type JsonNumber = number | string;
function encNum(x: number): JsonNumber {
  return Number.isFinite(x) ? x : String(x);
}
function decNum(x: JsonNumber): number {
  return typeof x === 'number' ? x : Number(x);
}

function valueCodec(t: DataType): JsonCodec {
  return jsonCodecFor(t) ?? { encode: (v) => v, decode: (j) => j };
}

function typeLabel(t: DataType): string {
  return `"${simpleString(t).toUpperCase()}"`;
}

function argLabel(a: ResolvedArg): string {
  const e = a.expr;
  if (e.kind === 'attr') return `"${e.name}"`;
  if (e.kind === 'column') return `"${e.name.join('.')}"`;
  if (e.kind === 'literal') return `"${String(e.value)}"`;
  return 'the argument';
}

function unexpectedType(ctx: ResolveContext, arg: ResolvedArg, ordinal: string, required: string): never {
  return ctx.mismatch(
    `The ${ordinal} parameter requires the ${required} type, however ${argLabel(arg)} has the type ${typeLabel(arg.dataType)}`,
  );
}

/** Numeric input for sum/avg/stddev: strings and untyped nulls are implicitly cast to double (legacy mode). */
function numericInput(args: readonly ResolvedArg[], ctx: ResolveContext, required: string): DataType {
  const t = args[0]!.dataType;
  if (t === 'string' || t === 'null') return 'double';
  if (t === 'integer' || t === 'long' || t === 'float' || t === 'double') return t;
  return unexpectedType(ctx, args[0]!, 'first', required);
}

/** Spark's RowOrdering.isOrderable: no maps, no calendar intervals, anywhere inside. */
function isOrderable(t: DataType): boolean {
  if (typeof t === 'string') return t !== 'interval';
  switch (t.type) {
    case 'map':
      return false;
    case 'array':
      return isOrderable(t.elementType);
    case 'struct':
      return t.fields.every((f) => isOrderable(f.type));
  }
}

function containsMap(t: DataType): boolean {
  if (typeof t === 'string') return false;
  switch (t.type) {
    case 'map':
      return true;
    case 'array':
      return containsMap(t.elementType);
    case 'struct':
      return t.fields.some((f) => containsMap(f.type));
  }
}

// ---- count ----

const count = aggregate({
  name: 'count',
  minArgs: 1,
  maxArgs: Infinity,
  resolve: () => ({ dataType: 'long', nullable: false }),
  create: (): Accumulator<number> => ({
    init: () => 0,
    update(n, values) {
      for (const v of values) if (v === null || v === undefined) return n;
      return n + 1;
    },
    merge: (a, b) => a + b,
    result: (n) => n,
  }),
});

// ---- sum / avg ----

const sum = aggregate({
  name: 'sum',
  minArgs: 1,
  maxArgs: 1,
  resolve(args, ctx) {
    const t = numericInput(args, ctx, '("NUMERIC" or "ANSI INTERVAL")');
    return { dataType: t === 'integer' || t === 'long' ? 'long' : 'double', nullable: true, argTypes: [t] };
  },
  create: (): Accumulator<JsonNumber | null> => ({
    init: () => null,
    update(s, [v]) {
      if (v === null || v === undefined) return s;
      return encNum(s === null ? Number(v) : decNum(s) + Number(v));
    },
    merge: (a, b) => (a === null ? b : b === null ? a : encNum(decNum(a) + decNum(b))),
    result: (s) => (s === null ? null : decNum(s)),
  }),
});

/** [sum, count]: Spark's Average sums in double and divides at the end. */
type AvgState = [JsonNumber, number];

const avg = aggregate({
  name: 'avg',
  minArgs: 1,
  maxArgs: 1,
  resolve(args, ctx) {
    const t = numericInput(args, ctx, '("NUMERIC" or "ANSI INTERVAL")');
    return { dataType: 'double', nullable: true, argTypes: [t] };
  },
  create: (): Accumulator<AvgState> => ({
    init: () => [0, 0],
    update(s, [v]) {
      if (v === null || v === undefined) return s;
      s[0] = encNum(decNum(s[0]) + Number(v));
      s[1] += 1;
      return s;
    },
    merge: (a, b) => [encNum(decNum(a[0]) + decNum(b[0])), a[1] + b[1]],
    result: (s) => (s[1] === 0 ? null : decNum(s[0]) / s[1]),
  }),
});

// ---- min / max ----

function extreme(name: 'min' | 'max'): AggregateFunction {
  const sign = name === 'min' ? -1 : 1;
  return aggregate({
    name,
    minArgs: 1,
    maxArgs: 1,
    distinctMatters: false,
    resolve(args, ctx) {
      const t = args[0]!.dataType;
      if (!isOrderable(t)) {
        ctx.mismatch(`The ${name} does not support ordering on type ${typeLabel(t)}`);
      }
      return { dataType: t, nullable: true };
    },
    create(info): Accumulator<unknown> {
      const c = valueCodec(info.argTypes[0]!);
      return {
        init: () => null,
        update(s, [v]) {
          if (v === null || v === undefined) return s;
          if (s === null || compareValues(v, c.decode(s)) * sign > 0) return c.encode(v);
          return s;
        },
        merge(a, b) {
          if (a === null) return b;
          if (b === null) return a;
          return compareValues(c.decode(b), c.decode(a)) * sign > 0 ? b : a;
        },
        result: (s) => (s === null ? null : c.decode(s)),
      };
    },
  });
}

// ---- first / last ----

/** [seen (0/1), encoded value]. */
type PickState = [number, unknown];

function pick(name: string, which: 'first' | 'last'): AggregateFunction {
  return aggregate({
    name,
    minArgs: 1,
    maxArgs: 2,
    resolve(args, ctx) {
      const ignore = args[1];
      if (ignore && (ignore.literal === undefined || typeof ignore.literal.value !== 'boolean')) {
        if (ignore.dataType !== 'boolean') unexpectedType(ctx, ignore, 'second', '"BOOLEAN"');
        ctx.mismatch(`the input ignoreNulls should be a foldable "BOOLEAN" expression; however, got ${argLabel(ignore)}`);
      }
      return { dataType: args[0]!.dataType, nullable: true };
    },
    create(info): Accumulator<PickState> {
      const c = valueCodec(info.argTypes[0]!);
      const ignoreNulls = info.args[1]?.literal?.value === true;
      return {
        init: () => [0, null],
        update(s, [v]) {
          if (which === 'first' && s[0] === 1) return s;
          if ((v === null || v === undefined) && ignoreNulls) return s;
          s[0] = 1;
          s[1] = v === null || v === undefined ? null : c.encode(v);
          return s;
        },
        // `a` holds the earlier rows, `b` the later ones.
        merge: (a, b) => (which === 'first' ? (a[0] === 1 ? a : b) : b[0] === 1 ? b : a),
        result: (s) => (s[1] === null ? null : c.decode(s[1])),
      };
    },
  });
}

// ---- collect_list / collect_set ----

function collectType(args: readonly ResolvedArg[]): ArrayType {
  return { type: 'array', elementType: args[0]!.dataType, containsNull: false };
}

const collectList = aggregate({
  name: 'collect_list',
  minArgs: 1,
  maxArgs: 1,
  resolve: (args) => ({ dataType: collectType(args), nullable: false }),
  create(info): Accumulator<unknown[]> {
    const c = jsonCodecFor(info.argTypes[0]!);
    return {
      init: () => [],
      update(s, [v]) {
        if (v !== null && v !== undefined) s.push(c ? c.encode(v) : v);
        return s;
      },
      merge: (a, b) => a.concat(b),
      result: (s) => (c ? s.map(c.decode) : s.slice()),
    };
  },
});

const collectSet = aggregate({
  name: 'collect_set',
  minArgs: 1,
  maxArgs: 1,
  distinctMatters: false,
  resolve(args, ctx) {
    if (containsMap(args[0]!.dataType)) {
      ctx.mismatch(`The collect_set() cannot have map type data`);
    }
    return { dataType: collectType(args), nullable: false };
  },
  create(info): Accumulator<Record<string, unknown>> {
    const c = jsonCodecFor(info.argTypes[0]!);
    return {
      init: () => ({}),
      update(s, [v]) {
        if (v === null || v === undefined) return s;
        const k = canonicalKey(v);
        if (!(k in s)) s[k] = c ? c.encode(v) : v;
        return s;
      },
      merge(a, b) {
        const out = { ...a };
        for (const k of Object.keys(b)) if (!(k in out)) out[k] = b[k];
        return out;
      },
      result: (s) => (c ? Object.values(s).map(c.decode) : Object.values(s)),
    };
  },
});

// ---- approx_count_distinct ----

const DEFAULT_RSD = 0.05;

function rsdOf(args: readonly ResolvedArg[]): number {
  const v = args[1]?.literal?.value;
  return v === undefined ? DEFAULT_RSD : Number(v);
}

const approxCountDistinct = aggregate({
  name: 'approx_count_distinct',
  minArgs: 1,
  maxArgs: 2,
  distinctMatters: false,
  resolve(args, ctx) {
    const rsd = args[1];
    if (rsd) {
      const t = rsd.dataType;
      if (t !== 'double' && t !== 'float' && t !== 'integer' && t !== 'long' && t !== 'string') {
        unexpectedType(ctx, rsd, 'second', '"DOUBLE"');
      }
      const value = rsd.literal?.value;
      if (value === undefined || value === null || Number.isNaN(Number(value))) {
        ctx.mismatch(`the input relativeSD should be a foldable "DOUBLE" expression; however, got ${argLabel(rsd)}`);
      }
      hllPrecision(Number(value));
    }
    // No cast is asked for the relativeSD: it is read as a number from the literal, and a cast
    // would hide the literal from later resolutions.
    return { dataType: 'long', nullable: false };
  },
  create(info): Accumulator<number[]> {
    const p = hllPrecision(rsdOf(info.args));
    return {
      init: () => hllCreate(p),
      update(s, [v]) {
        return v === null || v === undefined ? s : hllAddKey(s, p, canonicalKey(v));
      },
      merge: (a, b) => hllMerge(a.slice(), b),
      result: (s) => Math.round(hllEstimate(s, p)),
    };
  },
});

// ---- variance / standard deviation ----

/** [n, mean, m2]: Spark's CentralMomentAgg (Welford's update, Chan's merge). */
type MomentState = [number, JsonNumber, JsonNumber];

type MomentResult = (n: number, m2: number) => number | null;

function moment(name: string, result: MomentResult): AggregateFunction {
  return aggregate({
    name,
    minArgs: 1,
    maxArgs: 1,
    resolve(args, ctx) {
      numericInput(args, ctx, '"DOUBLE"');
      return { dataType: 'double', nullable: true, argTypes: ['double'] };
    },
    create: (): Accumulator<MomentState> => ({
      init: () => [0, 0, 0],
      update(s, [v]) {
        if (v === null || v === undefined) return s;
        const x = Number(v);
        const n = s[0] + 1;
        const mean = decNum(s[1]);
        const delta = x - mean;
        const deltaN = delta / n;
        s[0] = n;
        s[1] = encNum(mean + deltaN);
        s[2] = encNum(decNum(s[2]) + delta * (delta - deltaN));
        return s;
      },
      merge(a, b) {
        const n1 = a[0];
        const n2 = b[0];
        const n = n1 + n2;
        const mean1 = decNum(a[1]);
        const delta = decNum(b[1]) - mean1;
        const deltaN = n === 0 ? 0 : delta / n;
        return [n, encNum(mean1 + deltaN * n2), encNum(decNum(a[2]) + decNum(b[2]) + delta * deltaN * n1 * n2)];
      },
      result: (s) => result(s[0], decNum(s[2])),
    }),
  });
}

// Spark 3+ (spark.sql.legacy.statisticalAggregate=false): null, not NaN, for one sample.
const varSamp: MomentResult = (n, m2) => (n < 2 ? null : m2 / (n - 1));
const varPop: MomentResult = (n, m2) => (n === 0 ? null : m2 / n);
const stddevSamp: MomentResult = (n, m2) => (n < 2 ? null : Math.sqrt(m2 / (n - 1)));
const stddevPop: MomentResult = (n, m2) => (n === 0 ? null : Math.sqrt(m2 / n));

export const aggregateFunctions: readonly AggregateFunction[] = [
  count,
  sum,
  avg,
  extreme('min'),
  extreme('max'),
  pick('first', 'first'),
  pick('first_value', 'first'),
  pick('last', 'last'),
  pick('last_value', 'last'),
  collectList,
  collectSet,
  approxCountDistinct,
  moment('stddev', stddevSamp),
  moment('stddev_samp', stddevSamp),
  moment('stddev_pop', stddevPop),
  moment('variance', varSamp),
  moment('var_samp', varSamp),
  moment('var_pop', varPop),
];
