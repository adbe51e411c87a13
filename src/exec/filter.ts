import type { AttributeExpr, Expr } from '../expr/ast.js';
import { bindingOf, compileExpr } from '../expr/compile.js';
import type { Row } from '../expr/registry.js';
import { exprString } from './describe.js';
import type { ExecContext, PhysicalOperator } from './operator.js';

export class FilterExec implements PhysicalOperator {
  readonly name = 'Filter';
  readonly children: readonly PhysicalOperator[];
  readonly output: readonly AttributeExpr[];
  constructor(
    readonly child: PhysicalOperator,
    readonly condition: Expr,
  ) {
    this.children = [child];
    this.output = child.output;
  }
  describe(): string {
    return exprString(this.condition);
  }
  execute(ctx: ExecContext): Row[] {
    const pred = compileExpr(this.condition, bindingOf(this.child.output), ctx.compile);
    // Only `true` passes: null and false both drop the row (SQL WHERE semantics).
    return this.child.execute(ctx).filter((r) => pred(r) === true);
  }
}
