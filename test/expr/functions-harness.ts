/**
 * Runs one function definition the way compile.ts does: resolve, implicit casts of the
 * arguments to the types the definition asked for, the null-intolerant wrapper, compile.
 * Arguments are literals (`lit`) or per-row inputs (`col`).
 */
import { expect } from 'vitest';
import { RivuletError } from '../../src/errors.js';
import type { Expr } from '../../src/expr/ast.js';
import { compileCast } from '../../src/expr/cast.js';
import type { Evaluator, ResolvedArg, ResolveContext, Resolution, ScalarFunction } from '../../src/expr/registry.js';
import { typeEquals, type DataType } from '../../src/types/data-types.js';

export interface Arg {
  readonly type: DataType;
  readonly value: unknown;
  readonly literal: boolean;
  readonly nullable?: boolean;
  readonly expr?: Expr;
}

/** A literal argument (constant, visible to `resolve`). */
export function lit(type: DataType, value: unknown): Arg {
  return { type, value, literal: true };
}

/** A column argument: its value comes from the row. */
export function col(type: DataType, value: unknown, nullable = true): Arg {
  return { type, value, literal: false, nullable };
}

export function resolveContext(timeZone = 'UTC'): ResolveContext {
  return {
    timeZone,
    mismatch(detail: string): never {
      throw new RivuletError('DATATYPE_MISMATCH', `Cannot resolve due to data type mismatch: ${detail}.`);
    },
  };
}

function resolvedArgs(args: readonly Arg[]): ResolvedArg[] {
  return args.map((a, i) => {
    const expr: Expr =
      a.expr ??
      (a.literal
        ? { kind: 'literal', value: a.value as never, dataType: a.type }
        : { kind: 'attr', id: i + 1, name: `c${i}`, dataType: a.type, nullable: a.nullable ?? true });
    return {
      expr,
      dataType: a.type,
      nullable: a.nullable ?? (a.literal ? a.value === null : true),
      ...(a.literal ? { literal: { value: a.value } } : {}),
    };
  });
}

export function resolveFn(def: ScalarFunction, args: readonly Arg[], timeZone = 'UTC'): Resolution {
  return def.resolve(resolvedArgs(args), resolveContext(timeZone));
}

/** Compiles `def` over `args` and returns an evaluator of one row of raw argument values. */
export function compileFn(
  def: ScalarFunction,
  args: readonly Arg[],
  opts: { timeZone?: string } = {},
): { resolution: Resolution; run: (values: readonly unknown[]) => unknown } {
  const timeZone = opts.timeZone ?? 'UTC';
  const resolved = resolvedArgs(args);
  const resolution = def.resolve(resolved, resolveContext(timeZone));
  const argTypes = resolution.argTypes ?? resolved.map((a) => a.dataType);
  expect(argTypes.length).toBe(args.length);
  const evals: Evaluator[] = args.map((a, i) => {
    const cast =
      a.type === 'null' || typeEquals(a.type, argTypes[i]!)
        ? (v: unknown) => v
        : compileCast(a.type, argTypes[i]!, { ansi: false, timeZone });
    return (row) => {
      const v = row[i];
      return v === null || v === undefined ? null : cast(v);
    };
  });
  const info = { args: resolved, argTypes, dataType: resolution.dataType, timeZone };
  let f: Evaluator;
  if (def.nullIntolerant === false || evals.length === 0) {
    f = def.compile(evals, info);
  } else {
    const inner = def.compile(evals, info);
    f = (row) => (evals.some((e) => e(row) === null) ? null : inner(row));
  }
  return { resolution, run: (values) => f(values) };
}

/** Evaluates `def` once on the arguments' values. */
export function evalFn(def: ScalarFunction, args: readonly Arg[], opts: { timeZone?: string } = {}): unknown {
  return compileFn(def, args, opts).run(args.map((a) => a.value));
}

export function errorOf(f: () => unknown): RivuletError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RivuletError);
    return e as RivuletError;
  }
  throw new Error('expected an error');
}

export function byName(defs: readonly ScalarFunction[]): (name: string) => ScalarFunction {
  return (name) => {
    const d = defs.find((x) => x.name === name);
    if (!d) throw new Error(`no function ${name}`);
    return d;
  };
}

/** Epoch microseconds of a UTC wall-clock time. */
export function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, micros = 0): number {
  return Date.UTC(y, mo - 1, d, h, mi, s) * 1000 + micros;
}

/** Epoch days of a date. */
export function day(y: number, mo: number, d: number): number {
  return Date.UTC(y, mo - 1, d) / 86_400_000;
}
