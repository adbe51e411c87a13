/**
 * The function registry: every scalar function, operator and aggregate that `F`, `Column` and
 * `F.expr` can name, keyed by Spark SQL's lower-case function name. Each definition resolves its
 * result type from its argument types (asking for implicit casts where Spark coerces) and
 * compiles to a closure once per plan.
 */
import type { DataType } from '../types/data-types.js';
import type { Expr } from './ast.js';

/** A row as compiled code sees it: values by ordinal, in internal representation. */
export type Row = readonly unknown[];
export type Evaluator = (row: Row) => unknown;

export interface ResolvedArg {
  readonly expr: Expr;
  readonly dataType: DataType;
  readonly nullable: boolean;
  /** The argument is a literal (after constant folding): its internal value. */
  readonly literal?: { readonly value: unknown };
}

export interface Resolution {
  readonly dataType: DataType;
  readonly nullable: boolean;
  /** Implicit casts Spark applies to the arguments before the call (same length as args). */
  readonly argTypes?: readonly DataType[];
}

export interface ResolveContext {
  /** Throws DATATYPE_MISMATCH naming the expression (Spark's `sql` rendering of the call). */
  mismatch(detail: string): never;
  /** Session time zone (Spark's `spark.sql.session.timeZone`); 'UTC' by default. */
  readonly timeZone: string;
}

export interface CompileInfo {
  readonly args: readonly ResolvedArg[];
  readonly argTypes: readonly DataType[];
  readonly dataType: DataType;
  readonly timeZone: string;
  /** Spark's ANSI mode: errors (DIVIDE_BY_ZERO, CAST_INVALID_INPUT) instead of nulls. */
  readonly ansi?: boolean;
  /** current_timestamp() in µs: a streaming batch's logged timestamp; else the compile time. */
  readonly nowMicros?: number;
}

export interface ScalarFunction {
  readonly kind: 'scalar';
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /**
   * When true (the default) the compiler returns null as soon as any argument is null, so
   * `compile` only ever sees non-null values. Functions with their own null handling
   * (coalesce, concat_ws, and/or, is null...) set it to false.
   */
  readonly nullIntolerant?: boolean;
  /** False for current_timestamp, rand, ...: never constant-folded. */
  readonly deterministic?: boolean;
  resolve(args: readonly ResolvedArg[], ctx: ResolveContext): Resolution;
  /** `args` evaluate the (already cast) arguments. */
  compile(args: readonly Evaluator[], info: CompileInfo): Evaluator;
  /** How explain/SQL renders a call, e.g. `(a + b)`; default `name(a, b)`. */
  readonly sql?: (args: readonly string[]) => string;
}

/** A mutable, per-group aggregation buffer. States must be JSON-serialisable (checkpointed). */
export interface Accumulator<S = unknown> {
  init(): S;
  /** Adds one input row's argument values; returns the new state (may mutate `state`). */
  update(state: S, values: readonly unknown[]): S;
  /** Combines two states; must not modify either argument. */
  merge(a: S, b: S): S;
  /**
   * Optional: like merge, but may modify and return `a` (the caller owns it and drops its old
   * value), for states whose copy costs O(state) (DISTINCT sets).
   */
  mergeInPlace?(a: S, b: S): S;
  result(state: S): unknown;
}

export interface AggregateFunction {
  readonly kind: 'aggregate';
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  resolve(args: readonly ResolvedArg[], ctx: ResolveContext): Resolution;
  create(info: CompileInfo & { readonly distinct: boolean }): Accumulator;
}

export type FunctionDef = ScalarFunction | AggregateFunction;
