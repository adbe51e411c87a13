/**
 * Compiles resolved expressions to closures, once per plan. Attributes are bound to ordinals of
 * the input row; implicit casts were already inserted by the analyzer, so a call's arguments
 * arrive in the types its definition asked for.
 */
import { RivuletError } from '../errors.js';
import type { DataType } from '../types/data-types.js';
import type { Expr } from './ast.js';
import { compileCast } from './cast.js';
import { lookupFunction } from './functions/index.js';
import type { Evaluator, ResolvedArg, ResolveContext, ScalarFunction } from './registry.js';
import { exprToSql } from './sql-render.js';

export interface CompileOptions {
  readonly timeZone: string;
  readonly ansi: boolean;
  /** The query's "now" in µs (a micro-batch's batch timestamp), for current_timestamp(). */
  readonly nowMicros?: number;
}

export const DEFAULT_COMPILE_OPTIONS: CompileOptions = { timeZone: 'UTC', ansi: false };

function internalError(msg: string): RivuletError {
  return new RivuletError('INTERNAL_ERROR', msg);
}

export function resolveContextFor(e: Expr, timeZone: string): ResolveContext {
  return {
    timeZone,
    mismatch(detail: string): never {
      const sql = exprToSql(e);
      throw new RivuletError('DATATYPE_MISMATCH', `Cannot resolve "${sql}" due to data type mismatch: ${detail}.`, {
        parameters: { sqlExpr: sql },
      });
    },
  };
}

/** The type and nullability of a resolved expression. */
export function typeOf(e: Expr, timeZone = 'UTC'): { dataType: DataType; nullable: boolean } {
  switch (e.kind) {
    case 'attr':
      return { dataType: e.dataType, nullable: e.nullable };
    case 'literal':
      return { dataType: e.dataType, nullable: e.value === null };
    case 'alias':
      return typeOf(e.child, timeZone);
    case 'cast':
      return { dataType: e.to, nullable: true };
    case 'sortOrder':
      return typeOf(e.child, timeZone);
    case 'caseWhen': {
      const vals = [...e.branches.map((b) => b[1]), ...(e.otherwise ? [e.otherwise] : [])];
      const ts = vals.map((v) => typeOf(v, timeZone));
      const dataType = ts.find((t) => t.dataType !== 'null')?.dataType ?? 'null';
      return { dataType, nullable: !e.otherwise || ts.some((t) => t.nullable) };
    }
    case 'call': {
      const def = lookupFunction(e.name);
      if (!def) throw internalError(`unknown function ${e.name} after analysis`);
      const r = def.resolve(argsOf(e.args, timeZone), resolveContextFor(e, timeZone));
      return { dataType: r.dataType, nullable: r.nullable };
    }
    default:
      throw internalError(`cannot type unresolved expression ${e.kind}`);
  }
}

export function argsOf(args: readonly Expr[], timeZone = 'UTC'): ResolvedArg[] {
  return args.map((a) => {
    const t = typeOf(a, timeZone);
    const lit = literalOf(a);
    return { expr: a, dataType: t.dataType, nullable: t.nullable, ...(lit ? { literal: lit } : {}) };
  });
}

function literalOf(e: Expr): { value: unknown } | undefined {
  if (e.kind === 'literal') return { value: e.value };
  if (e.kind === 'alias') return literalOf(e.child);
  return undefined;
}

/** Binds attribute ids to row ordinals. */
export type Binding = ReadonlyMap<number, number>;

export function bindingOf(output: readonly { id: number }[]): Binding {
  return new Map(output.map((a, i) => [a.id, i]));
}

/**
 * Compiles `e` to a closure over input rows. A deterministic subexpression that occurs more than
 * once (e.g. `from_json(value)` copied into every conjunct when a filter is pushed below the
 * projection that named it, as Spark's optimizer also does) is compiled once and evaluated at
 * most once per row (common subexpression elimination).
 */
export function compileExpr(e: Expr, binding: Binding, opts: CompileOptions = DEFAULT_COMPILE_OPTIONS): Evaluator {
  const shared = sharedSubexpressions(e);
  if (shared.size === 0) return compileNode(e, binding, opts, undefined);
  const cse: Cse = { shared, evaluation: 0, slots: new Map() };
  const root = compileNode(e, binding, opts, cse);
  return (row) => {
    cse.evaluation++;
    return root(row);
  };
}

/** Common subexpressions of one compiled expression: each is evaluated once per evaluation. */
interface Cse {
  readonly shared: ReadonlySet<string>;
  /** Counts top-level evaluations: a slot's value is valid for one evaluation of one row. */
  evaluation: number;
  readonly slots: Map<string, Evaluator>;
}

function compileChild(e: Expr, binding: Binding, opts: CompileOptions, cse: Cse | undefined): Evaluator {
  if (!cse || (e.kind !== 'call' && e.kind !== 'cast' && e.kind !== 'caseWhen')) return compileNode(e, binding, opts, cse);
  const key = cseKey(e);
  if (!cse.shared.has(key)) return compileNode(e, binding, opts, cse);
  let slot = cse.slots.get(key);
  if (!slot) {
    const inner = compileNode(e, binding, opts, cse);
    let at = -1;
    let lastRow: unknown;
    let value: unknown;
    slot = (row) => {
      if (at === cse.evaluation && lastRow === row) return value;
      value = inner(row);
      at = cse.evaluation;
      lastRow = row;
      return value;
    };
    cse.slots.set(key, slot);
  }
  return slot;
}

/** Keys of the deterministic call/cast/caseWhen subtrees that occur at least twice in `e`. */
function sharedSubexpressions(e: Expr): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  const visit = (x: Expr): void => {
    if (x.kind === 'call' || x.kind === 'cast' || x.kind === 'caseWhen') {
      const key = cseKey(x);
      if (seen.has(key)) {
        if (isDeterministic(x)) shared.add(key);
        return; // its subtrees were counted at its first occurrence
      }
      seen.add(key);
    }
    for (const c of exprChildren(x)) visit(c);
  };
  visit(e);
  return shared;
}

function exprChildren(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'call':
      return e.args;
    case 'alias':
    case 'cast':
    case 'sortOrder':
      return [e.child];
    case 'caseWhen':
      return [...e.branches.flat(), ...(e.otherwise ? [e.otherwise] : [])];
    default:
      return [];
  }
}

/** semanticKey, but literal values that JSON would conflate (NaN, -0, Maps, binary, bigint) stay distinct. */
function cseKey(e: Expr): string {
  return JSON.stringify(e, (_k, v: unknown) => {
    if (v && typeof v === 'object' && (v as { kind?: unknown }).kind === 'attr') return `#${(v as { id: number }).id}`;
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { $num: String(Object.is(v, -0) ? '-0' : v) };
    if (typeof v === 'bigint') return { $big: v.toString() };
    if (v instanceof Map) return { $map: [...v] };
    if (v instanceof Uint8Array) return { $bin: [...v] };
    return v;
  });
}

function compileNode(e: Expr, binding: Binding, opts: CompileOptions, cse: Cse | undefined): Evaluator {
  switch (e.kind) {
    case 'attr': {
      const i = binding.get(e.id);
      if (i === undefined) throw internalError(`attribute ${e.name}#${e.id} is not in the input`);
      return (row) => row[i];
    }
    case 'literal': {
      const v = e.value;
      return () => v;
    }
    case 'alias':
      return compileChild(e.child, binding, opts, cse);
    case 'sortOrder':
      return compileChild(e.child, binding, opts, cse);
    case 'cast': {
      const from = typeOf(e.child, opts.timeZone).dataType;
      const child = compileChild(e.child, binding, opts, cse);
      if (from === 'null') return () => null;
      const cast = compileCast(from, e.to, { ansi: opts.ansi, timeZone: opts.timeZone });
      return (row) => {
        const v = child(row);
        return v === null || v === undefined ? null : cast(v);
      };
    }
    case 'caseWhen': {
      const branches = e.branches.map(([c, v]) => [compileChild(c, binding, opts, cse), compileChild(v, binding, opts, cse)] as const);
      const otherwise = e.otherwise ? compileChild(e.otherwise, binding, opts, cse) : () => null;
      return (row) => {
        for (const [c, v] of branches) if (c(row) === true) return v(row);
        return otherwise(row);
      };
    }
    case 'call':
      return compileCall(e, binding, opts, cse);
    default:
      throw internalError(`cannot compile unresolved expression ${e.kind}`);
  }
}

function compileCall(e: Expr & { kind: 'call' }, binding: Binding, opts: CompileOptions, cse: Cse | undefined): Evaluator {
  const def = lookupFunction(e.name);
  if (!def) throw internalError(`unknown function ${e.name} after analysis`);
  if (def.kind === 'aggregate') {
    throw new RivuletError(
      'MISSING_GROUP_BY',
      `The aggregate ${exprToSql(e)} can only be used in groupBy().agg(), select() over a grouped result, or a global aggregation.`,
    );
  }
  const args = argsOf(e.args, opts.timeZone);
  const r = def.resolve(args, resolveContextFor(e, opts.timeZone));
  const evals = e.args.map((a) => compileChild(a, binding, opts, cse));
  const info = {
    args,
    argTypes: r.argTypes ?? args.map((a) => a.dataType),
    dataType: r.dataType,
    timeZone: opts.timeZone,
    ansi: opts.ansi,
    ...(opts.nowMicros !== undefined ? { nowMicros: opts.nowMicros } : {}),
  };
  if (def.nullIntolerant === false || evals.length === 0) return def.compile(evals, info);
  return nullIntolerant(def, evals, info);
}

/**
 * Null in, null out (Spark's NullIntolerant). Each argument is evaluated once into a scratch
 * slot that the function body reads, so nested calls never re-evaluate their subtrees.
 */
function nullIntolerant(def: ScalarFunction, args: readonly Evaluator[], info: Parameters<ScalarFunction['compile']>[1]): Evaluator {
  const n = args.length;
  const scratch: unknown[] = new Array(n);
  const readers: Evaluator[] = args.map((_, i) => () => scratch[i]);
  const f = def.compile(readers, info);
  if (n === 1) {
    const a = args[0]!;
    return (row) => {
      const v = a(row);
      if (v === null || v === undefined) return null;
      scratch[0] = v;
      return f(row);
    };
  }
  if (n === 2) {
    const [a, b] = [args[0]!, args[1]!];
    return (row) => {
      const x = a(row);
      if (x === null || x === undefined) return null;
      const y = b(row);
      if (y === null || y === undefined) return null;
      scratch[0] = x;
      scratch[1] = y;
      return f(row);
    };
  }
  return (row) => {
    for (let i = 0; i < n; i++) {
      const v = args[i]!(row);
      if (v === null || v === undefined) return null;
      scratch[i] = v;
    }
    return f(row);
  };
}

export function isDeterministic(e: Expr): boolean {
  if (e.kind === 'call') {
    const def = lookupFunction(e.name);
    if (def?.kind === 'scalar' && def.deterministic === false) return false;
    return e.args.every(isDeterministic);
  }
  if (e.kind === 'alias' || e.kind === 'cast' || e.kind === 'sortOrder') return isDeterministic(e.child);
  if (e.kind === 'caseWhen') return e.branches.every(([c, v]) => isDeterministic(c) && isDeterministic(v)) && (!e.otherwise || isDeterministic(e.otherwise));
  return true;
}

export type { ScalarFunction };
