/**
 * A limit on a stream (Spark's StreamingGlobalLimitExec): the first `limit` rows the stream
 * ever produces, across micro-batches. The state is one row, the number of rows emitted so far,
 * so a restarted query keeps counting where it stopped. Used in append mode, and in complete
 * mode when no streaming aggregation is below the limit (`stream.limit(5).groupBy(...)`);
 * a limit over a complete-mode aggregation is the plain per-batch limit.
 */
import type { AttributeExpr } from '../../expr/ast.js';
import type { Row } from '../../expr/registry.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import { isStreamingContext } from './context.js';

/** The state key of the count (Spark's empty grouping key). */
const COUNT_KEY = '';

export class StreamingGlobalLimitExec implements PhysicalOperator {
  readonly name = 'StreamingGlobalLimit';
  readonly children: readonly PhysicalOperator[];
  readonly output: readonly AttributeExpr[];
  constructor(
    readonly child: PhysicalOperator,
    readonly operatorId: number,
    readonly limit: number,
  ) {
    this.children = [child];
    this.output = child.output;
  }
  describe(): string {
    return `${this.limit}, state info [operatorId = ${this.operatorId}]`;
  }
  execute(ctx: ExecContext): Row[] {
    if (!isStreamingContext(ctx)) throw new Error('StreamingGlobalLimitExec needs a streaming context');
    const store = ctx.store(this.operatorId);
    const emitted = (store.get(COUNT_KEY) as number | undefined) ?? 0;
    // The child runs in full even when the limit is reached: its own state (a deduplication
    // below, say) must see every row, as Spark's StreamingLocalLimitExec makes sure.
    const rows = this.child.execute(ctx);
    const take = Math.max(0, Math.min(rows.length, this.limit - emitted));
    if (take > 0) store.put(COUNT_KEY, emitted + take);
    return take === rows.length ? rows : rows.slice(0, take);
  }
}
