/**
 * Null handling and conditionals: `coalesce`/`nvl` return the first non-null argument (arguments
 * are coerced to a common type, strings included, as Spark's findWiderCommonType), `if` treats a
 * null condition as false, `nullif(a, b)` is null when a = b, `nanvl` replaces NaN.
 */
import { sqlType } from '../../types/ddl.js';
import { valuesEqual } from '../../util/value-equality.js';
import { describeArg, expectInputs, widerCommonType, widerCommonTypeOf } from '../cast.js';
import type { ResolvedArg, ResolveContext, ScalarFunction } from '../registry.js';
import { isNumeric, type DataType } from '../../types/data-types.js';

function commonType(args: readonly ResolvedArg[], ctx: ResolveContext, fn: string): DataType {
  const t = widerCommonTypeOf(args.map((a) => a.dataType));
  if (!t) {
    return ctx.mismatch(`Input to function \`${fn}\` should all be the same type, but it's [${args.map((a) => sqlType(a.dataType)).join(', ')}]`);
  }
  return t;
}

function firstNonNull(name: string, minArgs: number, maxArgs: number): ScalarFunction {
  return {
    kind: 'scalar',
    name,
    minArgs,
    maxArgs,
    nullIntolerant: false,
    resolve(args, ctx) {
      const t = commonType(args, ctx, name);
      return { dataType: t, nullable: args.every((a) => a.nullable), argTypes: args.map(() => t) };
    },
    compile(args) {
      // Later arguments are evaluated only when needed, as Spark's Coalesce does.
      return (row) => {
        for (const f of args) {
          const v = f(row);
          if (v !== null && v !== undefined) return v;
        }
        return null;
      };
    },
  };
}

const nvl2: ScalarFunction = {
  kind: 'scalar',
  name: 'nvl2',
  minArgs: 3,
  maxArgs: 3,
  nullIntolerant: false,
  resolve(args, ctx) {
    const [a, b, c] = [args[0]!, args[1]!, args[2]!];
    const t = widerCommonType(b.dataType, c.dataType);
    if (!t) return ctx.mismatch(`Input to function \`nvl2\` should all be the same type, but it's [${sqlType(b.dataType)}, ${sqlType(c.dataType)}]`);
    return { dataType: t, nullable: b.nullable || c.nullable, argTypes: [a.dataType, t, t] };
  },
  compile([a, b, c]) {
    return (row) => (a!(row) !== null ? b!(row) : c!(row));
  },
};

const ifFn: ScalarFunction = {
  kind: 'scalar',
  name: 'if',
  minArgs: 3,
  maxArgs: 3,
  nullIntolerant: false,
  resolve(args, ctx) {
    const [c, a, b] = [args[0]!, args[1]!, args[2]!];
    if (c.dataType !== 'boolean' && c.dataType !== 'null') {
      ctx.mismatch(`The first parameter requires the "BOOLEAN" type, however ${describeArg(c.expr)} has the type "${sqlType(c.dataType)}"`);
    }
    const t = widerCommonType(a.dataType, b.dataType);
    if (!t) return ctx.mismatch(`Input to function \`if\` should all be the same type, but it's [${sqlType(a.dataType)}, ${sqlType(b.dataType)}]`);
    return { dataType: t, nullable: a.nullable || b.nullable, argTypes: ['boolean', t, t] };
  },
  compile([c, a, b]) {
    return (row) => (c!(row) === true ? a!(row) : b!(row));
  },
  sql: ([c, a, b]) => `(IF(${c}, ${a}, ${b}))`,
};

const nullif: ScalarFunction = {
  kind: 'scalar',
  name: 'nullif',
  minArgs: 2,
  maxArgs: 2,
  nullIntolerant: false,
  resolve(args, ctx) {
    const [a, b] = [args[0]!, args[1]!];
    // Spark rewrites nullif(a, b) to IF(a = b, NULL, a): the result keeps a's type.
    if (isNumeric(a.dataType) && isNumeric(b.dataType)) return { dataType: a.dataType, nullable: true, argTypes: [a.dataType, b.dataType] };
    const t = widerCommonType(a.dataType, b.dataType);
    if (!t) return ctx.mismatch(`cannot compare "${sqlType(a.dataType)}" with "${sqlType(b.dataType)}"`);
    return { dataType: t, nullable: true, argTypes: [t, t] };
  },
  compile([a, b]) {
    return (row) => {
      const x = a!(row);
      if (x === null || x === undefined) return null;
      const y = b!(row);
      return y !== null && y !== undefined && valuesEqual(x, y) ? null : x;
    };
  },
};

const nanvl: ScalarFunction = {
  kind: 'scalar',
  name: 'nanvl',
  minArgs: 2,
  maxArgs: 2,
  nullIntolerant: false,
  resolve(args, ctx) {
    const t: DataType = args.every((a) => a.dataType === 'float') ? 'float' : 'double';
    const argTypes = expectInputs(args, [t, t], ctx.mismatch);
    return { dataType: t, nullable: args.some((a) => a.nullable), argTypes };
  },
  compile([a, b]) {
    return (row) => {
      const x = a!(row);
      if (x === null || x === undefined) return null;
      return Number.isNaN(x) ? (b!(row) ?? null) : x;
    };
  },
};

const isnan: ScalarFunction = {
  kind: 'scalar',
  name: 'isnan',
  minArgs: 1,
  maxArgs: 1,
  nullIntolerant: false,
  resolve(args, ctx) {
    const t: DataType = args[0]!.dataType === 'float' ? 'float' : 'double';
    const argTypes = expectInputs(args, [t], ctx.mismatch);
    return { dataType: 'boolean', nullable: false, argTypes };
  },
  compile([a]) {
    return (row) => Number.isNaN(a!(row));
  },
};

export const conditionalFunctions: readonly ScalarFunction[] = [
  firstNonNull('coalesce', 1, Infinity),
  firstNonNull('nvl', 2, 2),
  nvl2,
  ifFn,
  nullif,
  nanvl,
  isnan,
];
