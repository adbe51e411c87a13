/**
 * `Column`: a thin, immutable facade over an expression tree. Every method builds one node.
 */
import type { Expr, SortOrderExpr } from '../expr/ast.js';
import type { DataType } from '../types/data-types.js';
import { toDataType } from '../types/t.js';
import { toLiteral } from './literals.js';

export type ColumnLike = Column | string;
/** A value accepted where Spark accepts a column or a literal. */
export type ColumnOrValue = Column | string | number | boolean | null | Date | bigint;

export class Column {
  /** The JSON expression tree (plans are data). */
  readonly expr: Expr;
  constructor(expr: Expr) {
    this.expr = expr;
  }

  alias(name: string, metadata?: Record<string, unknown>): Column {
    const child = this.expr.kind === 'alias' ? this.expr.child : this.expr;
    return new Column({ kind: 'alias', child, name, ...(metadata ? { metadata } : {}) });
  }
  as(name: string): Column {
    return this.alias(name);
  }
  name(name: string): Column {
    return this.alias(name);
  }
  /** As Spark's Column.cast: casting a plain column keeps that column's name. */
  cast(type: DataType | string): Column {
    const cast: Expr = { kind: 'cast', child: this.expr, to: toDataType(type) };
    if (this.expr.kind === 'column') return new Column({ kind: 'alias', child: cast, name: this.expr.name[this.expr.name.length - 1]! });
    return new Column(cast);
  }
  astype(type: DataType | string): Column {
    return this.cast(type);
  }

  eq(other: ColumnOrValue): Column {
    return this.#bin('eq', other);
  }
  neq(other: ColumnOrValue): Column {
    return new Column({ kind: 'call', name: 'not', args: [this.#bin('eq', other).expr] });
  }
  eqNullSafe(other: ColumnOrValue): Column {
    return this.#bin('eq_null_safe', other);
  }
  gt(other: ColumnOrValue): Column {
    return this.#bin('gt', other);
  }
  geq(other: ColumnOrValue): Column {
    return this.#bin('gte', other);
  }
  lt(other: ColumnOrValue): Column {
    return this.#bin('lt', other);
  }
  leq(other: ColumnOrValue): Column {
    return this.#bin('lte', other);
  }
  and(other: ColumnOrValue): Column {
    return this.#bin('and', other);
  }
  or(other: ColumnOrValue): Column {
    return this.#bin('or', other);
  }
  not(): Column {
    return new Column({ kind: 'call', name: 'not', args: [this.expr] });
  }
  plus(other: ColumnOrValue): Column {
    return this.#bin('add', other);
  }
  minus(other: ColumnOrValue): Column {
    return this.#bin('subtract', other);
  }
  multiply(other: ColumnOrValue): Column {
    return this.#bin('multiply', other);
  }
  divide(other: ColumnOrValue): Column {
    return this.#bin('divide', other);
  }
  mod(other: ColumnOrValue): Column {
    return this.#bin('mod', other);
  }
  negate(): Column {
    return new Column({ kind: 'call', name: 'negative', args: [this.expr] });
  }
  isNull(): Column {
    return new Column({ kind: 'call', name: 'isnull', args: [this.expr] });
  }
  isNotNull(): Column {
    return new Column({ kind: 'call', name: 'isnotnull', args: [this.expr] });
  }
  isin(...values: (ColumnOrValue | readonly ColumnOrValue[])[]): Column {
    const flat = values.flatMap((v) => (Array.isArray(v) ? (v as ColumnOrValue[]) : [v as ColumnOrValue]));
    return new Column({ kind: 'call', name: 'in', args: [this.expr, ...flat.map(valueExpr)] });
  }
  between(lower: ColumnOrValue, upper: ColumnOrValue): Column {
    return this.geq(lower).and(this.leq(upper));
  }
  like(pattern: string): Column {
    return this.#bin('like', valueExpr(pattern));
  }
  ilike(pattern: string): Column {
    return this.#bin('ilike', valueExpr(pattern));
  }
  rlike(pattern: string): Column {
    return this.#bin('rlike', valueExpr(pattern));
  }
  contains(other: ColumnOrValue): Column {
    return this.#call('contains', other);
  }
  startswith(other: ColumnOrValue): Column {
    return this.#call('startswith', other);
  }
  endswith(other: ColumnOrValue): Column {
    return this.#call('endswith', other);
  }
  substr(start: ColumnOrValue, length: ColumnOrValue): Column {
    return new Column({ kind: 'call', name: 'substring', args: [this.expr, valueExpr(start), valueExpr(length)] });
  }
  getField(name: string): Column {
    return new Column({ kind: 'call', name: 'get_field', args: [this.expr, { kind: 'literal', value: name, dataType: 'string' }] });
  }
  getItem(key: ColumnOrValue): Column {
    return new Column({ kind: 'call', name: 'get_item', args: [this.expr, valueExpr(key)] });
  }

  asc(): Column {
    return this.#sort('asc', 'first');
  }
  desc(): Column {
    return this.#sort('desc', 'last');
  }
  ascNullsFirst(): Column {
    return this.#sort('asc', 'first');
  }
  ascNullsLast(): Column {
    return this.#sort('asc', 'last');
  }
  descNullsFirst(): Column {
    return this.#sort('desc', 'first');
  }
  descNullsLast(): Column {
    return this.#sort('desc', 'last');
  }

  /** CASE WHEN chaining: `F.when(c, v).when(c2, v2).otherwise(v3)`. */
  when(condition: Column, value: ColumnOrValue): Column {
    const e = this.expr;
    if (e.kind !== 'caseWhen' || e.otherwise) {
      throw new TypeError('when() can only be applied on a Column previously generated by when()');
    }
    return new Column({ ...e, branches: [...e.branches, [condition.expr, valueExpr(value)]] });
  }
  otherwise(value: ColumnOrValue): Column {
    const e = this.expr;
    if (e.kind !== 'caseWhen' || e.otherwise) {
      throw new TypeError('otherwise() can only be applied once on a Column previously generated by when()');
    }
    return new Column({ ...e, otherwise: valueExpr(value) });
  }

  toString(): string {
    return `Column<'${JSON.stringify(this.expr)}'>`;
  }

  #bin(name: string, other: ColumnOrValue | Expr): Column {
    const rhs = isExpr(other) ? other : valueExpr(other);
    return new Column({ kind: 'call', name, args: [this.expr, rhs] });
  }
  #call(name: string, other: ColumnOrValue): Column {
    return new Column({ kind: 'call', name, args: [this.expr, valueExpr(other)] });
  }
  #sort(direction: 'asc' | 'desc', nulls: 'first' | 'last'): Column {
    const child = this.expr.kind === 'sortOrder' ? this.expr.child : this.expr;
    const order: SortOrderExpr = { kind: 'sortOrder', child, direction, nulls };
    return new Column(order);
  }
}

function isExpr(v: unknown): v is Expr {
  return typeof v === 'object' && v !== null && !(v instanceof Column) && !(v instanceof Date) && 'kind' in v;
}

/** A Column as is; anything else as a literal (strings too: in value positions Spark takes literals). */
export function valueExpr(v: ColumnOrValue): Expr {
  return v instanceof Column ? v.expr : toLiteral(v);
}

/** A Column as is; a string as a column name (Spark's `_to_java_column`). */
export function columnExpr(c: ColumnLike): Expr {
  if (c instanceof Column) return c.expr;
  if (c === '*') return { kind: 'star' };
  if (c.endsWith('.*')) return { kind: 'star', target: splitName(c.slice(0, -2)) };
  return { kind: 'column', name: splitName(c) };
}

/** `a.b` → ['a','b']; backticks quote dots: `` `a.b`.c `` → ['a.b','c']. */
export function splitName(name: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch === '`') {
      if (quoted && name[i + 1] === '`') {
        cur += '`';
        i++;
      } else quoted = !quoted;
    } else if (ch === '.' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}
