/**
 * Expressions are plain JSON trees (DESIGN.md: "plans are data"). They are built by `Column`,
 * `F` and `F.expr` (the SQL parser), resolved by the analyzer and compiled to closures once per
 * plan by `expr/compile.ts`. Nothing here holds a function.
 *
 * Function and operator calls use Spark SQL's function names, lower-case (`add`, `eq`,
 * `from_json`, `count`, `window`, ...); see `expr/registry.ts`.
 */
import type { DataType } from '../types/data-types.js';

/** A literal's value in its internal representation (see types/data-types.ts). */
export type LiteralValue =
  | null
  | boolean
  | number
  | string
  | { months: number; days: number; micros: number }
  | readonly LiteralValue[];

export interface ColumnExpr {
  readonly kind: 'column';
  /** Name parts: `['a']`, `['t', 'a']` (qualifier or struct field), as written. */
  readonly name: readonly string[];
  /** Set by `df.col(name)`: the id of the DataFrame plan the column was taken from. */
  readonly planId?: number;
}
export interface StarExpr {
  readonly kind: 'star';
  /** `['t']` for `t.*` (a qualifier or a struct column). */
  readonly target?: readonly string[];
}
export interface LiteralExpr {
  readonly kind: 'literal';
  readonly value: LiteralValue;
  readonly dataType: DataType;
}
export interface AliasExpr {
  readonly kind: 'alias';
  readonly child: Expr;
  readonly name: string;
  /** Assigned by the analyzer: the id of the attribute this alias produces. */
  readonly exprId?: number;
  /** Event-time and other column metadata carried by the alias (e.g. `spark.watermarkDelayMs`). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}
export interface CallExpr {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expr[];
  /** Aggregates only: `count(DISTINCT x)`. */
  readonly distinct?: boolean;
}
export interface CastExpr {
  readonly kind: 'cast';
  readonly child: Expr;
  readonly to: DataType;
}
export interface CaseWhenExpr {
  readonly kind: 'caseWhen';
  readonly branches: readonly (readonly [Expr, Expr])[];
  readonly otherwise?: Expr;
}
export interface SortOrderExpr {
  readonly kind: 'sortOrder';
  readonly child: Expr;
  readonly direction: 'asc' | 'desc';
  readonly nulls: 'first' | 'last';
}
/**
 * A resolved column: what the analyzer turns a `column` into. `id` is unique per attribute in
 * a plan (Spark's exprId); physical planning binds it to an ordinal in the child's rows.
 */
export interface AttributeExpr {
  readonly kind: 'attr';
  readonly id: number;
  readonly name: string;
  readonly dataType: DataType;
  readonly nullable: boolean;
  readonly qualifier?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export type Expr =
  | ColumnExpr
  | StarExpr
  | LiteralExpr
  | AliasExpr
  | CallExpr
  | CastExpr
  | CaseWhenExpr
  | SortOrderExpr
  | AttributeExpr;

export function col(...name: string[]): ColumnExpr {
  return { kind: 'column', name };
}
export function lit(value: LiteralValue, dataType: DataType): LiteralExpr {
  return { kind: 'literal', value, dataType };
}
export function call(name: string, ...args: Expr[]): CallExpr {
  return { kind: 'call', name, args };
}
export function alias(child: Expr, name: string): AliasExpr {
  return { kind: 'alias', child, name };
}

/** Children of an expression, in evaluation order. */
export function children(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'alias':
    case 'cast':
    case 'sortOrder':
      return [e.child];
    case 'call':
      return e.args;
    case 'caseWhen':
      return [...e.branches.flat(), ...(e.otherwise ? [e.otherwise] : [])];
    default:
      return [];
  }
}

/** Rebuilds `e` with `f` applied to each child (bottom-up transforms use this). */
export function mapChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'alias':
      return { ...e, child: f(e.child) };
    case 'cast':
      return { ...e, child: f(e.child) };
    case 'sortOrder':
      return { ...e, child: f(e.child) };
    case 'call':
      return { ...e, args: e.args.map(f) };
    case 'caseWhen':
      return {
        ...e,
        branches: e.branches.map(([c, v]) => [f(c), f(v)] as const),
        ...(e.otherwise ? { otherwise: f(e.otherwise) } : {}),
      };
    default:
      return e;
  }
}

export function transformUp(e: Expr, f: (e: Expr) => Expr): Expr {
  return f(mapChildren(e, (c) => transformUp(c, f)));
}

export function someExpr(e: Expr, pred: (e: Expr) => boolean): boolean {
  return pred(e) || children(e).some((c) => someExpr(c, pred));
}

let nextExprId = 1;
/** Attribute ids only need to be unique within one process's plans. */
export function newExprId(): number {
  return nextExprId++;
}

/** A key equal for semantically equal expressions: attributes compare by id only (Spark's semanticEquals). */
export function semanticKey(e: Expr): string {
  return JSON.stringify(e, (_k, v: unknown) => {
    if (v && typeof v === 'object' && (v as { kind?: unknown }).kind === 'attr') return `#${(v as AttributeExpr).id}`;
    return v;
  });
}
