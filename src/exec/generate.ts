import type { AttributeExpr, CallExpr } from '../expr/ast.js';
import { bindingOf, compileExpr } from '../expr/compile.js';
import type { Row } from '../expr/registry.js';
import { attrList, exprString } from './describe.js';
import type { ExecContext, PhysicalOperator } from './operator.js';

/** explode / posexplode (and the window expansion): one output row per generated element. */
export class GenerateExec implements PhysicalOperator {
  readonly name = 'Generate';
  readonly children: readonly PhysicalOperator[];
  readonly output: readonly AttributeExpr[];
  constructor(
    readonly child: PhysicalOperator,
    readonly generator: CallExpr,
    readonly outer: boolean,
    readonly generatorOutput: readonly AttributeExpr[],
  ) {
    this.children = [child];
    this.output = [...child.output, ...generatorOutput];
  }
  describe(): string {
    return `${exprString(this.generator)}, ${attrList(this.child.output)}, ${this.outer}, ${attrList(this.generatorOutput)}`;
  }
  execute(ctx: ExecContext): Row[] {
    const gen = compileGenerator(this.generator, this.child.output, ctx);
    const width = this.generatorOutput.length;
    const out: Row[] = [];
    for (const row of this.child.execute(ctx)) {
      const items = gen(row);
      if (items.length === 0) {
        if (this.outer) out.push([...row, ...new Array<unknown>(width).fill(null)]);
        continue;
      }
      for (const item of items) out.push([...row, ...item]);
    }
    return out;
  }
}

/** Returns the generated tuples for one input row. */
export function compileGenerator(g: CallExpr, input: readonly AttributeExpr[], ctx: ExecContext): (row: Row) => unknown[][] {
  const b = bindingOf(input);
  if (g.name === 'window_expand') {
    const f = compileExpr(g, b, ctx.compile);
    return (row) => ((f(row) as unknown[] | null) ?? []).map((w) => [w]);
  }
  const arg = compileExpr(g.args[0]!, b, ctx.compile);
  const pos = g.name.startsWith('pos');
  return (row) => {
    const v = arg(row);
    if (v === null || v === undefined) return [];
    const items: unknown[][] = v instanceof Map ? [...v.entries()] : (v as unknown[]).map((x) => [x]);
    return pos ? items.map((it, i) => [i, ...it]) : items;
  };
}
