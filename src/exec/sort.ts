import type { AttributeExpr, SortOrderExpr } from '../expr/ast.js';
import { bindingOf, compileExpr } from '../expr/compile.js';
import type { Row } from '../expr/registry.js';
import { compareValues } from '../util/value-equality.js';
import { exprList } from './describe.js';
import type { ExecContext, PhysicalOperator } from './operator.js';

/** Row comparator for Spark sort orders (asc → nulls first, desc → nulls last by default). */
export function compileOrdering(order: readonly SortOrderExpr[], input: readonly AttributeExpr[], ctx: ExecContext): (a: Row, b: Row) => number {
  const b = bindingOf(input);
  const keys = order.map((o) => ({ f: compileExpr(o.child, b, ctx.compile), desc: o.direction === 'desc', nullsFirst: o.nulls === 'first' }));
  return (x, y) => {
    for (const k of keys) {
      const u = k.f(x);
      const v = k.f(y);
      if (u === null || v === null) {
        if (u === v) continue;
        return (u === null) === k.nullsFirst ? -1 : 1;
      }
      const c = compareValues(u, v);
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  };
}

export class SortExec implements PhysicalOperator {
  readonly name = 'Sort';
  readonly children: readonly PhysicalOperator[];
  readonly output: readonly AttributeExpr[];
  constructor(
    readonly child: PhysicalOperator,
    readonly order: readonly SortOrderExpr[],
  ) {
    this.children = [child];
    this.output = child.output;
  }
  describe(): string {
    return `${exprList(this.order)}, true`;
  }
  execute(ctx: ExecContext): Row[] {
    // Array.prototype.sort is stable, so ties keep input order.
    return [...this.child.execute(ctx)].sort(compileOrdering(this.order, this.child.output, ctx));
  }
}
