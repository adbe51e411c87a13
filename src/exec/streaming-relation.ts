import { RivuletError } from '../errors.js';
import type { AttributeExpr } from '../expr/ast.js';
import type { Row } from '../expr/registry.js';
import type { StreamingRelation } from '../plan/logical.js';
import { attrList } from './describe.js';
import type { PhysicalOperator } from './operator.js';

/** A streaming source as a plan leaf, for explain(); the runtime replaces it per micro-batch. */
export class StreamingRelationExec implements PhysicalOperator {
  readonly name = 'StreamingRelation';
  readonly children = [];
  readonly output: readonly AttributeExpr[];
  constructor(readonly leaf: StreamingRelation) {
    this.output = leaf.output;
  }
  describe(): string {
    return `${this.leaf.source.format}, ${attrList(this.output)}`;
  }
  execute(): Row[] {
    throw new RivuletError('_LEGACY_ERROR_TEMP_3102', 'Queries with streaming sources must be executed with writeStream.start()');
  }
}
