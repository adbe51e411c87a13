import type { AttributeExpr } from '../../expr/ast.js';
import type { Row } from '../../expr/registry.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import { attrRef } from '../describe.js';
import { isStreamingContext } from './context.js';

/**
 * Spark's EventTimeWatermarkExec: passes rows through and records max/min/avg of the event time
 * of every row (late rows included), from which the watermark is computed after the batch.
 */
export class EventTimeWatermarkExec implements PhysicalOperator {
  readonly name = 'EventTimeWatermark';
  readonly children: readonly PhysicalOperator[];
  readonly output: readonly AttributeExpr[];
  readonly #ordinal: number;
  constructor(
    readonly child: PhysicalOperator,
    readonly nodeId: number,
    readonly eventTime: AttributeExpr,
    readonly delayText: string,
    /** The child's columns with the event-time one marked (spark.watermarkDelayMs). */
    output: readonly AttributeExpr[],
  ) {
    this.children = [child];
    this.output = output;
    this.#ordinal = child.output.findIndex((a) => a.id === eventTime.id);
  }
  describe(): string {
    return `${attrRef(this.eventTime)}: ${this.delayText}`;
  }
  execute(ctx: ExecContext): Row[] {
    const rows = this.child.execute(ctx);
    if (!isStreamingContext(ctx)) return rows;
    let stats = ctx.eventTimeStats.get(this.nodeId);
    if (!stats) ctx.eventTimeStats.set(this.nodeId, (stats = { max: -Infinity, min: Infinity, sum: 0, count: 0 }));
    const i = this.#ordinal;
    for (const r of rows) {
      let t = r[i];
      if (Array.isArray(t)) t = t[1]; // a window struct: its end
      if (typeof t !== 'number') continue;
      if (t > stats.max) stats.max = t;
      if (t < stats.min) stats.min = t;
      stats.sum += t;
      stats.count++;
    }
    return rows;
  }
}
