/**
 * Streaming deduplication (Spark's StreamingDeduplicateExec and, with `withinWatermark`,
 * StreamingDeduplicateWithinWatermarkExec). The first row per key is emitted and the key kept;
 * rows at or before the late-events watermark are dropped even when the event time is not part
 * of the key. Keys are evicted by event time when the key contains the event-time column
 * (dropDuplicates), or once the watermark passes `first event time + delay` (withinWatermark).
 */
import type { AttributeExpr, Expr } from '../../expr/ast.js';
import { bindingOf, compileExpr } from '../../expr/compile.js';
import type { Row } from '../../expr/registry.js';
import { canonicalKey } from '../../util/value-equality.js';
import { exprList } from '../describe.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import { isStreamingContext } from './context.js';
import { eventTimeOf, isAtOrBefore, isEventTimeAttr, WATERMARK_DELAY_KEY } from './event-time.js';

export class StreamingDeduplicateExec implements PhysicalOperator {
  readonly name: string;
  readonly children: readonly PhysicalOperator[];
  readonly output: readonly AttributeExpr[];
  /** Spark's watermark predicate for data: the first event-time column of the input. */
  readonly #eventTimeOrdinal: number;
  /** Spark's watermark predicate for keys: the first key that is an event-time column. */
  readonly #keyEventTimeOrdinal: number;
  readonly #eventTimeInKey: boolean;
  readonly #delayUs: number;
  constructor(
    readonly child: PhysicalOperator,
    readonly operatorId: number,
    readonly keys: readonly Expr[],
    readonly withinWatermark: boolean,
  ) {
    this.name = withinWatermark ? 'DeduplicateWithinWatermark' : 'StreamingDeduplicate';
    this.children = [child];
    this.output = child.output;
    this.#eventTimeOrdinal = child.output.findIndex(isEventTimeAttr);
    const et = child.output[this.#eventTimeOrdinal];
    const keyEt = keys.find(isEventTimeAttr);
    this.#keyEventTimeOrdinal = keyEt ? child.output.findIndex((a) => a.id === keyEt.id) : -1;
    this.#eventTimeInKey = this.#keyEventTimeOrdinal >= 0;
    this.#delayUs = et ? Number(et.metadata?.[WATERMARK_DELAY_KEY] ?? 0) * 1000 : 0;
  }
  /** State can be evicted by the watermark (else it grows forever: a start-up warning). */
  get evictsState(): boolean {
    return this.withinWatermark || this.#eventTimeInKey;
  }
  describe(): string {
    return `${exprList(this.keys)}, state info [operatorId = ${this.operatorId}]`;
  }
  execute(ctx: ExecContext): Row[] {
    if (!isStreamingContext(ctx)) throw new Error('StreamingDeduplicateExec needs a streaming context');
    const b = bindingOf(this.child.output);
    const fs = this.keys.map((k) => compileExpr(k, b, ctx.compile));
    const store = ctx.store(this.operatorId);
    const et = this.#eventTimeOrdinal;
    const lateWm = ctx.lateEventsWatermarkMs(this.operatorId);
    const out: Row[] = [];
    const metrics = ctx.metrics(this.operatorId);
    metrics.custom['numDroppedDuplicateRows'] ??= 0;
    for (const row of this.child.execute(ctx)) {
      if (et >= 0 && isAtOrBefore(row[et], lateWm)) {
        ctx.metrics(this.operatorId).numRowsDroppedByWatermark++;
        continue;
      }
      const key = canonicalKey(fs.map((f) => f(row)));
      if (store.has(key)) {
        metrics.custom['numDroppedDuplicateRows']!++;
        continue;
      }
      const te = this.withinWatermark || this.#keyEventTimeOrdinal < 0 ? et : this.#keyEventTimeOrdinal;
      const t = te >= 0 ? (eventTimeOf(row[te]) ?? null) : null;
      // Stored value: the event time (dropDuplicates) or when the key expires (withinWatermark).
      store.put(key, this.withinWatermark && t !== null ? t + this.#delayUs : t);
      out.push(row);
    }
    if (this.evictsState) {
      const wmUs = ctx.evictionWatermarkMs(this.operatorId) * 1000;
      const expired: string[] = [];
      for (const [key, v] of store.entries()) {
        if (typeof v !== 'number') continue;
        if (this.withinWatermark ? wmUs >= v : v <= wmUs) expired.push(key);
      }
      for (const key of expired) store.remove(key);
    }
    return out;
  }
}
