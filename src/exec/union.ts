import type { AttributeExpr } from '../expr/ast.js';
import type { Row } from '../expr/registry.js';
import type { ExecContext, PhysicalOperator } from './operator.js';

/** UNION ALL (Spark's union keeps duplicates). */
export class UnionExec implements PhysicalOperator {
  readonly name = 'Union';
  constructor(
    readonly children: readonly PhysicalOperator[],
    readonly output: readonly AttributeExpr[],
  ) {}
  describe(): string {
    return '';
  }
  execute(ctx: ExecContext): Row[] {
    return this.children.flatMap((c) => c.execute(ctx));
  }
}
