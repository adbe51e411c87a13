import type { AttributeExpr } from '../expr/ast.js';
import type { Row } from '../expr/registry.js';
import { attrList } from './describe.js';
import type { PhysicalOperator } from './operator.js';

/** Rows already in memory (createDataFrame, a cached DataFrame, a micro-batch's input). */
export class LocalScanExec implements PhysicalOperator {
  readonly name = 'LocalTableScan';
  readonly children = [];
  constructor(
    readonly output: readonly AttributeExpr[],
    readonly rows: readonly Row[],
  ) {}
  describe(): string {
    return attrList(this.output);
  }
  execute(): Row[] {
    return this.rows as Row[];
  }
}
