import type { AttributeExpr, Expr } from '../expr/ast.js';
import { bindingOf, compileExpr } from '../expr/compile.js';
import type { Row } from '../expr/registry.js';
import { toAttribute } from '../plan/output.js';
import { exprList } from './describe.js';
import type { ExecContext, PhysicalOperator } from './operator.js';

export class ProjectExec implements PhysicalOperator {
  readonly name = 'Project';
  readonly children: readonly PhysicalOperator[];
  readonly output: readonly AttributeExpr[];
  constructor(
    readonly child: PhysicalOperator,
    readonly projectList: readonly Expr[],
  ) {
    this.children = [child];
    this.output = projectList.map(toAttribute);
  }
  describe(): string {
    return exprList(this.projectList);
  }
  execute(ctx: ExecContext): Row[] {
    const project = compileProjection(this.projectList, this.child.output, ctx);
    return this.child.execute(ctx).map(project);
  }
}

export function compileProjection(list: readonly Expr[], input: readonly AttributeExpr[], ctx: ExecContext): (row: Row) => Row {
  const binding = bindingOf(input);
  const evals = list.map((e) => compileExpr(e, binding, ctx.compile));
  const n = evals.length;
  return (row) => {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = evals[i]!(row);
    return out;
  };
}
