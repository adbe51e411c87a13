/**
 * Physical operators. A batch query is a tree of operators whose `execute` returns all rows;
 * the streaming runtime reuses the stateless ones per micro-batch and swaps in stateful versions.
 */
import type { AttributeExpr } from '../expr/ast.js';
import type { CompileOptions } from '../expr/compile.js';
import type { Row } from '../expr/registry.js';

export interface ExecContext {
  readonly compile: CompileOptions;
}

export interface PhysicalOperator {
  /** Spark-style name shown by explain(), e.g. `HashAggregate`. */
  readonly name: string;
  readonly children: readonly PhysicalOperator[];
  readonly output: readonly AttributeExpr[];
  /** One-line description after the name, e.g. `(keys=[a#1], functions=[count(1)])`. */
  describe(): string;
  execute(ctx: ExecContext): Row[];
}
