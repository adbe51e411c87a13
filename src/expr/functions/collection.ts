/**
 * Constructors and accessors of arrays, structs and maps with Spark's rules: `array` and `map`
 * coerce their elements to a common type, `map` rejects null and duplicate keys (Spark's default
 * `mapKeyDedupPolicy=EXCEPTION`), `size(null)` is -1 (legacy `sizeOfNull`), `element_at` is
 * 1-based with negative indices from the end and null when out of bounds (non-ANSI),
 * `array_contains` is null when the value is absent but the array holds a null.
 */
import { RivuletError } from '../../errors.js';
import { isArray, isMap, widerType, type ArrayType, type DataType, type MapType, type StructField } from '../../types/data-types.js';
import { sqlType } from '../../types/ddl.js';
import { canonicalKey, compareValues, valuesEqual } from '../../util/value-equality.js';
import { constantValue, describeArg, expectInputs, formatDate, javaDoubleToString, widerCommonTypeOf } from '../cast.js';
import type { ResolvedArg, ResolveContext, ScalarFunction } from '../registry.js';

function commonType(args: readonly ResolvedArg[], ctx: ResolveContext, fn: string): DataType {
  const t = widerCommonTypeOf(args.map((a) => a.dataType));
  if (!t) {
    return ctx.mismatch(`Input to function \`${fn}\` should all be the same type, but it's [${args.map((a) => sqlType(a.dataType)).join(', ')}]`);
  }
  return t;
}

const array: ScalarFunction = {
  kind: 'scalar',
  name: 'array',
  minArgs: 0,
  maxArgs: Infinity,
  nullIntolerant: false,
  resolve(args, ctx) {
    const elementType = commonType(args, ctx, 'array');
    const dataType: ArrayType = { type: 'array', elementType, containsNull: args.some((a) => a.nullable) };
    return { dataType, nullable: false, argTypes: args.map(() => elementType) };
  },
  compile(args) {
    return (row) => args.map((f) => f(row) ?? null);
  },
};

/** Spark's CreateStruct names: a column's or alias's name, a struct field's name, else `colN`. */
function fieldName(a: ResolvedArg, i: number): string {
  const e = a.expr;
  switch (e.kind) {
    case 'attr':
    case 'alias':
      return e.name;
    case 'column':
      return e.name[e.name.length - 1]!;
    case 'call': {
      const n = e.name === 'get_field' && e.args[1]?.kind === 'literal' ? e.args[1].value : undefined;
      return typeof n === 'string' ? n : `col${i + 1}`;
    }
    default:
      return `col${i + 1}`;
  }
}

const struct: ScalarFunction = {
  kind: 'scalar',
  name: 'struct',
  minArgs: 1,
  maxArgs: Infinity,
  nullIntolerant: false,
  resolve(args) {
    const fields: StructField[] = args.map((a, i) => ({ name: fieldName(a, i), type: a.dataType, nullable: a.nullable, metadata: {} }));
    return { dataType: { type: 'struct', fields }, nullable: false };
  },
  compile(args) {
    return (row) => args.map((f) => f(row) ?? null);
  },
};

const namedStruct: ScalarFunction = {
  kind: 'scalar',
  name: 'named_struct',
  minArgs: 2,
  maxArgs: Infinity,
  nullIntolerant: false,
  resolve(args, ctx) {
    if (args.length % 2 !== 0) ctx.mismatch(`\`named_struct\` requires an even number of arguments, but got ${args.length}`);
    const fields: StructField[] = [];
    for (let i = 0; i < args.length; i += 2) {
      const n = constantValue(args[i]!, ctx.timeZone);
      if (!n || typeof n.value !== 'string' || args[i]!.dataType !== 'string') {
        if (n && n.value === null) ctx.mismatch(`Field name should not be null, got ${describeArg(args[i]!.expr)}`);
        return ctx.mismatch(`Only foldable "STRING" expressions are allowed to appear at odd position, got: ${describeArg(args[i]!.expr)}`);
      }
      const v = args[i + 1]!;
      fields.push({ name: n.value, type: v.dataType, nullable: v.nullable, metadata: {} });
    }
    return { dataType: { type: 'struct', fields }, nullable: false };
  },
  compile(args) {
    const values = args.filter((_, i) => i % 2 === 1);
    return (row) => values.map((f) => f(row) ?? null);
  },
};

function keyText(k: unknown): string {
  if (typeof k === 'number') return Number.isInteger(k) ? String(k) : javaDoubleToString(k);
  return typeof k === 'string' ? k : String(k);
}

const map: ScalarFunction = {
  kind: 'scalar',
  name: 'map',
  minArgs: 0,
  maxArgs: Infinity,
  nullIntolerant: false,
  resolve(args, ctx) {
    if (args.length % 2 !== 0) ctx.mismatch(`\`map\` requires an even number of arguments, but got ${args.length}`);
    const keys = args.filter((_, i) => i % 2 === 0);
    const values = args.filter((_, i) => i % 2 === 1);
    const keyType = commonType(keys, ctx, 'map');
    const valueType = commonType(values, ctx, 'map');
    if (isMap(keyType)) ctx.mismatch('The key of map cannot be/contain "MAP"');
    const dataType: MapType = { type: 'map', keyType, valueType, valueContainsNull: values.some((v) => v.nullable) };
    return { dataType, nullable: false, argTypes: args.map((_, i) => (i % 2 === 0 ? keyType : valueType)) };
  },
  compile(args, info) {
    const keyType = (info.dataType as MapType).keyType;
    return (row) => {
      const m = new Map<unknown, unknown>();
      const seen = new Set<string>();
      for (let i = 0; i < args.length; i += 2) {
        const k = args[i]!(row);
        if (k === null || k === undefined) throw new RivuletError('NULL_MAP_KEY', 'Cannot use null as map key.');
        const ck = canonicalKey(k);
        if (seen.has(ck)) {
          const shown = keyType === 'date' ? formatDate(k as number) : keyText(k);
          throw new RivuletError(
            'DUPLICATED_MAP_KEY',
            `Duplicate map key ${shown} was found, please check the input data. If you want to remove the duplicated keys, you can set "spark.sql.mapKeyDedupPolicy" to "LAST_WIN" so that the key inserted at last takes precedence.`,
            { parameters: { key: shown, mapKeyDedupPolicy: '"spark.sql.mapKeyDedupPolicy"' } },
          );
        }
        seen.add(ck);
        m.set(k, args[i + 1]!(row) ?? null);
      }
      return m;
    };
  },
};

const size: ScalarFunction = {
  kind: 'scalar',
  name: 'size',
  minArgs: 1,
  maxArgs: 1,
  nullIntolerant: false,
  resolve(args, ctx) {
    const a = args[0]!;
    if (!isArray(a.dataType) && !isMap(a.dataType) && a.dataType !== 'null') {
      ctx.mismatch(`The first parameter requires the ("ARRAY" or "MAP") type, however ${describeArg(a.expr)} has the type "${sqlType(a.dataType)}"`);
    }
    return { dataType: 'integer', nullable: false };
  },
  compile([a]) {
    const f = a!;
    return (row) => {
      const v = f(row);
      if (v === null || v === undefined) return -1;
      return v instanceof Map ? v.size : (v as unknown[]).length;
    };
  },
};

function arrayArg(a: ResolvedArg, ctx: ResolveContext, fn: string): ArrayType {
  if (!isArray(a.dataType)) {
    return ctx.mismatch(`The first parameter of \`${fn}\` requires the "ARRAY" type, however ${describeArg(a.expr)} has the type "${sqlType(a.dataType)}"`);
  }
  return a.dataType;
}

const arrayContains: ScalarFunction = {
  kind: 'scalar',
  name: 'array_contains',
  minArgs: 2,
  maxArgs: 2,
  resolve(args, ctx) {
    const [a, v] = [args[0]!, args[1]!];
    if (a.dataType === 'null') return { dataType: 'boolean', nullable: true, argTypes: ['null', v.dataType] };
    const at = arrayArg(a, ctx, 'array_contains');
    const t = widerType(at.elementType, v.dataType);
    if (!t || v.dataType === 'null') {
      return ctx.mismatch(`Input to \`array_contains\` should have been "ARRAY" followed by a value with same element type, but it's ["${sqlType(a.dataType)}", "${sqlType(v.dataType)}"]`);
    }
    return { dataType: 'boolean', nullable: true, argTypes: [{ ...at, elementType: t }, t] };
  },
  compile([a, v]) {
    const [fa, fv] = [a!, v!];
    return (row) => {
      const x = fv(row);
      let sawNull = false;
      for (const e of fa(row) as unknown[]) {
        if (e === null || e === undefined) sawNull = true;
        else if (e === x || valuesEqual(e, x)) return true;
      }
      return sawNull ? null : false;
    };
  },
};

const elementAt: ScalarFunction = {
  kind: 'scalar',
  name: 'element_at',
  minArgs: 2,
  maxArgs: 2,
  resolve(args, ctx) {
    const [a, k] = [args[0]!, args[1]!];
    if (isMap(a.dataType)) {
      const [, kt] = expectInputs([a, k], [a.dataType, a.dataType.keyType], ctx.mismatch);
      return { dataType: a.dataType.valueType, nullable: true, argTypes: [a.dataType, kt!] };
    }
    const at = arrayArg(a, ctx, 'element_at');
    const [, it] = expectInputs([a, k], [at, 'integer'], ctx.mismatch);
    return { dataType: at.elementType, nullable: true, argTypes: [at, it!] };
  },
  compile([a, k], info) {
    const [fa, fk] = [a!, k!];
    if (isMap(info.argTypes[0]!)) {
      return (row) => {
        const m = fa(row) as Map<unknown, unknown>;
        const key = fk(row);
        if (m.has(key)) return m.get(key) ?? null;
        for (const [mk, mv] of m) if (valuesEqual(mk, key)) return mv ?? null;
        return null;
      };
    }
    return (row) => {
      const arr = fa(row) as unknown[];
      const i = fk(row) as number;
      if (i === 0) {
        throw new RivuletError('INVALID_INDEX_OF_ZERO', 'The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1).');
      }
      const at = i > 0 ? i - 1 : arr.length + i;
      return at < 0 || at >= arr.length ? null : (arr[at] ?? null);
    };
  },
};

const mapKeys: ScalarFunction = {
  kind: 'scalar',
  name: 'map_keys',
  minArgs: 1,
  maxArgs: 1,
  resolve(args, ctx) {
    const t = args[0]!.dataType;
    if (!isMap(t)) return ctx.mismatch(`The first parameter requires the "MAP" type, however ${describeArg(args[0]!.expr)} has the type "${sqlType(t)}"`);
    return { dataType: { type: 'array', elementType: t.keyType, containsNull: false }, nullable: args[0]!.nullable };
  },
  compile: ([a]) => (row) => [...(a!(row) as Map<unknown, unknown>).keys()],
};

const mapValues: ScalarFunction = {
  kind: 'scalar',
  name: 'map_values',
  minArgs: 1,
  maxArgs: 1,
  resolve(args, ctx) {
    const t = args[0]!.dataType;
    if (!isMap(t)) return ctx.mismatch(`The first parameter requires the "MAP" type, however ${describeArg(args[0]!.expr)} has the type "${sqlType(t)}"`);
    return { dataType: { type: 'array', elementType: t.valueType, containsNull: t.valueContainsNull }, nullable: args[0]!.nullable };
  },
  compile: ([a]) => (row) => [...(a!(row) as Map<unknown, unknown>).values()].map((v) => v ?? null),
};

function arrayUnary(name: string, result: (t: ArrayType) => DataType, f: (xs: unknown[]) => unknown): ScalarFunction {
  return {
    kind: 'scalar',
    name,
    minArgs: 1,
    maxArgs: 1,
    resolve(args, ctx) {
      const at = arrayArg(args[0]!, ctx, name);
      return { dataType: result(at), nullable: true };
    },
    compile: ([a]) => (row) => f(a!(row) as unknown[]),
  };
}

const nonNull = (xs: unknown[]): unknown[] => xs.filter((x) => x !== null && x !== undefined);

const sortArray: ScalarFunction = {
  kind: 'scalar',
  name: 'sort_array',
  minArgs: 1,
  maxArgs: 2,
  resolve(args, ctx) {
    const at = arrayArg(args[0]!, ctx, 'sort_array');
    const asc = args[1];
    if (asc && (asc.dataType !== 'boolean' || !constantValue(asc))) ctx.mismatch('Sort order in second argument requires a boolean literal');
    return { dataType: at, nullable: args[0]!.nullable };
  },
  compile(args, info) {
    const asc = info.args[1] ? constantValue(info.args[1], info.timeZone)!.value !== false : true;
    const a = args[0]!;
    // Nulls first when ascending, last when descending (Spark).
    return (row) => [...(a(row) as unknown[])].sort((x, y) => (asc ? compareValues(x, y) : compareValues(y, x)));
  },
};

const arrayJoin: ScalarFunction = {
  kind: 'scalar',
  name: 'array_join',
  minArgs: 2,
  maxArgs: 3,
  resolve(args, ctx) {
    arrayArg(args[0]!, ctx, 'array_join');
    const strings = { type: 'array', elementType: 'string', containsNull: true } as const;
    const argTypes = expectInputs(args, [strings, 'string', 'string'], ctx.mismatch);
    return { dataType: 'string', nullable: args.some((a) => a.nullable), argTypes };
  },
  compile(args) {
    const [a, d, r] = [args[0]!, args[1]!, args[2]];
    return (row) => {
      const rep = r ? (r(row) as string) : undefined;
      const parts = (a(row) as (string | null)[]).flatMap((x) => (x === null ? (rep === undefined ? [] : [rep]) : [x]));
      return parts.join(d(row) as string);
    };
  },
};

const slice: ScalarFunction = {
  kind: 'scalar',
  name: 'slice',
  minArgs: 3,
  maxArgs: 3,
  resolve(args, ctx) {
    const at = arrayArg(args[0]!, ctx, 'slice');
    const argTypes = expectInputs(args, [at, 'integer', 'integer'], ctx.mismatch);
    return { dataType: at, nullable: args.some((a) => a.nullable), argTypes };
  },
  compile([a, s, l]) {
    return (row) => {
      const arr = a!(row) as unknown[];
      const start = s!(row) as number;
      const length = l!(row) as number;
      if (start === 0) throw new RivuletError('INVALID_PARAMETER_VALUE.START', 'The value of parameter(s) `start` in `slice` is invalid: Expects a positive or a negative value for `start`, but got 0.');
      if (length < 0) throw new RivuletError('INVALID_PARAMETER_VALUE.LENGTH', `The value of parameter(s) \`length\` in \`slice\` is invalid: Expects \`length\` greater than or equal to 0, but got ${length}.`);
      const from = start > 0 ? start - 1 : arr.length + start;
      return from < 0 || from >= arr.length ? [] : arr.slice(from, from + length);
    };
  },
};

export const collectionFunctions: readonly ScalarFunction[] = [
  array,
  struct,
  namedStruct,
  map,
  size,
  arrayContains,
  elementAt,
  mapKeys,
  mapValues,
  sortArray,
  arrayJoin,
  slice,
  arrayUnary('array_distinct', (t) => t, (xs) => {
    const seen = new Set<string>();
    return xs.filter((x) => {
      const k = canonicalKey(x);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }),
  arrayUnary('array_min', (t) => t.elementType, (xs) => nonNull(xs).reduce((m, x) => (m === null || compareValues(x, m) < 0 ? x : m), null as unknown)),
  arrayUnary('array_max', (t) => t.elementType, (xs) => nonNull(xs).reduce((m, x) => (m === null || compareValues(x, m) > 0 ? x : m), null as unknown)),
];
