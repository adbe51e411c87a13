import type { AttributeExpr, Expr } from '../expr/ast.js';
import { bindingOf, compileExpr } from '../expr/compile.js';
import type { Row } from '../expr/registry.js';
import { canonicalKey } from '../util/value-equality.js';
import { exprList } from './describe.js';
import type { ExecContext, PhysicalOperator } from './operator.js';

/** dropDuplicates / distinct: the first row per key, in input order. */
export class DeduplicateExec implements PhysicalOperator {
  readonly name = 'Deduplicate';
  readonly children: readonly PhysicalOperator[];
  readonly output: readonly AttributeExpr[];
  constructor(
    readonly child: PhysicalOperator,
    readonly keys: readonly Expr[],
  ) {
    this.children = [child];
    this.output = child.output;
  }
  describe(): string {
    return exprList(this.keys);
  }
  execute(ctx: ExecContext): Row[] {
    const b = bindingOf(this.child.output);
    const fs = this.keys.map((k) => compileExpr(k, b, ctx.compile));
    const seen = new Set<string>();
    const out: Row[] = [];
    for (const row of this.child.execute(ctx)) {
      const k = canonicalKey(fs.map((f) => f(row)));
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(row);
    }
    return out;
  }
}
