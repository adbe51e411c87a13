import type { AttributeExpr } from '../expr/ast.js';
import type { Row } from '../expr/registry.js';
import type { ExecContext, PhysicalOperator } from './operator.js';

export class LimitExec implements PhysicalOperator {
  readonly name = 'CollectLimit';
  readonly children: readonly PhysicalOperator[];
  readonly output: readonly AttributeExpr[];
  constructor(
    readonly child: PhysicalOperator,
    readonly limit: number,
  ) {
    this.children = [child];
    this.output = child.output;
  }
  describe(): string {
    return `${this.limit}`;
  }
  execute(ctx: ExecContext): Row[] {
    return this.child.execute(ctx).slice(0, this.limit);
  }
}
