/**
 * Streaming aggregation (Spark's StateStoreRestoreExec + StateStoreSaveExec). Per batch: rows are
 * first aggregated within the batch per key (Spark's partial aggregation), group rows whose
 * event-time key is at or before the late-events watermark are dropped and counted, the rest
 * are merged into the state store, and the output follows the output mode:
 *  - complete: the whole table; nothing dropped or evicted;
 *  - update: the groups this batch changed, then groups at or before the eviction watermark are
 *    removed silently;
 *  - append: groups at or before the eviction watermark are emitted once and removed.
 */
import { RivuletError } from '../../errors.js';
import type { AttributeExpr, Expr } from '../../expr/ast.js';
import type { Row } from '../../expr/registry.js';
import { toAttribute } from '../../plan/output.js';
import { canonicalKey } from '../../util/value-equality.js';
import { aggregateFunctionsOf, compileAggregation, updateStates, type CompiledAggregation } from '../aggregate.js';
import { mergeSessions, sessionKeyIndex, type Session } from '../session-window.js';
import { exprList } from '../describe.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import { isStreamingContext, type StreamingExecContext } from './context.js';
import { isAtOrBefore, isEventTimeAttr } from './event-time.js';

interface GroupState {
  /** Group key values (internal representation). */
  readonly k: unknown[];
  /** Accumulator states, one per aggregate call. */
  s: unknown[];
}

export class StatefulAggregateExec implements PhysicalOperator {
  readonly name = 'StateStoreSave';
  readonly children: readonly PhysicalOperator[];
  readonly output: readonly AttributeExpr[];
  /** Index of the event-time grouping key, if any. */
  readonly eventTimeKey: number;
  constructor(
    readonly child: PhysicalOperator,
    readonly operatorId: number,
    readonly grouping: readonly Expr[],
    readonly aggregateExprs: readonly Expr[],
  ) {
    this.children = [child];
    this.output = aggregateExprs.map(toAttribute);
    this.eventTimeKey = grouping.findIndex(isEventTimeAttr);
  }
  describe(): string {
    return `[${this.grouping.length === 0 ? '' : exprList(this.grouping).slice(1, -1)}], functions=${exprList(aggregateFunctionsOf(this.aggregateExprs))}, state info [operatorId = ${this.operatorId}]`;
  }
  execute(ctx: ExecContext): Row[] {
    if (!isStreamingContext(ctx)) throw new Error('StatefulAggregateExec needs a streaming context');
    const agg = compileAggregation(this.grouping, this.aggregateExprs, this.child.output, ctx.compile);
    const si = sessionKeyIndex(this.grouping);
    if (si >= 0) return this.#sessions(ctx, agg, si);
    const store = ctx.store(this.operatorId);
    const mode = ctx.outputMode;
    const et = this.eventTimeKey;
    // 1. Aggregate this batch's rows per key.
    const partial = new Map<string, GroupState>();
    for (const row of this.child.execute(ctx)) {
      const k = agg.groupKey.map((f) => f(row));
      const key = k.length === 0 ? '' : canonicalKey(k);
      let g = partial.get(key);
      if (!g) partial.set(key, (g = { k, s: agg.slots.map((s) => s.accumulator.init()) }));
      updateStates(agg.slots, g.s, row);
    }
    // 2. Drop late group rows (append/update), merge the rest into state.
    const lateWm = ctx.lateEventsWatermarkMs(this.operatorId);
    const updated: string[] = [];
    for (const [key, g] of partial) {
      if (mode !== 'complete' && et >= 0 && isAtOrBefore(g.k[et], lateWm)) {
        ctx.metrics(this.operatorId).numRowsDroppedByWatermark++;
        continue;
      }
      const prev = store.get(key) as GroupState | undefined;
      // The stored state is replaced by the merged one, so it may be merged into in place (a
      // DISTINCT set is then not copied every batch). The store has seen get(): a background
      // snapshot of the previous version kept the original.
      const s = prev
        ? agg.slots.map((slot, i) => {
            const a = slot.accumulator;
            return a.mergeInPlace ? a.mergeInPlace(prev.s[i], g.s[i]) : a.merge(prev.s[i], g.s[i]);
          })
        : g.s;
      store.put(key, { k: g.k, s });
      updated.push(key);
    }
    const result = (g: GroupState): Row => agg.result(g.k, g.s);
    // 3. Emit per output mode; evict by the eviction watermark.
    if (mode === 'complete') return [...store.entries()].map(([, v]) => result(v as GroupState));
    const evictWm = ctx.evictionWatermarkMs(this.operatorId);
    const out: Row[] = [];
    if (mode === 'update') {
      for (const key of updated) out.push(result(store.get(key) as GroupState));
    }
    if (et >= 0) {
      const expired: [string, GroupState][] = [];
      for (const [key, v] of store.entries()) {
        if (isAtOrBefore((v as GroupState).k[et], evictWm)) expired.push([key, v as GroupState]);
      }
      for (const [key, g] of expired) {
        if (mode === 'append') out.push(result(g));
        store.remove(key);
      }
    }
    return out;
  }

  /**
   * Session windows (Spark's SessionWindowStateStoreRestore/SaveExec): state holds one row per
   * session; new events open `[t, t + gap)` sessions that merge with the key's stored ones.
   * Append emits a session once its end is at or before the watermark; complete emits all.
   */
  #sessions(ctx: StreamingExecContext, agg: CompiledAggregation, si: number): Row[] {
    if (this.grouping.length === 1) {
      throw new RivuletError('_LEGACY_ERROR_TEMP_3068', 'Global aggregation with session window in streaming query is not supported.');
    }
    const store = ctx.store(this.operatorId);
    const mode = ctx.outputMode;
    const lateUs = ctx.lateEventsWatermarkMs(this.operatorId) * 1000;
    const fresh = new Map<string, { values: unknown[]; sessions: Session[] }>();
    for (const row of this.child.execute(ctx)) {
      const values = agg.groupKey.map((f) => f(row));
      const [start, end] = values[si] as [number, number];
      if (mode === 'append' && end <= lateUs) {
        ctx.metrics(this.operatorId).numRowsDroppedByWatermark++;
        continue;
      }
      values[si] = null;
      const key = canonicalKey(values);
      let g = fresh.get(key);
      if (!g) fresh.set(key, (g = { values, sessions: [] }));
      const states = agg.slots.map((s) => s.accumulator.init());
      updateStates(agg.slots, states, row);
      g.sessions.push({ start, end, states });
    }
    const stored = new Map<string, [string, SessionState][]>();
    for (const [k, v] of store.entries()) {
      const s = v as SessionState;
      let list = stored.get(s.ok);
      if (!list) stored.set(s.ok, (list = []));
      list.push([k, s]);
    }
    for (const [ok, g] of fresh) {
      const old = stored.get(ok) ?? [];
      const merged = mergeSessions([...old.map(([, s]) => ({ start: s.w[0], end: s.w[1], states: s.s })), ...g.sessions], agg.slots);
      for (const [k] of old) store.remove(k);
      for (const m of merged) store.put(`${ok}|${m.start}`, { ok, k: g.values, w: [m.start, m.end], s: m.states } satisfies SessionState);
    }
    const result = (s: SessionState): Row => {
      const values = [...s.k];
      values[si] = s.w;
      return agg.result(values, s.s);
    };
    if (mode === 'complete') return [...store.entries()].map(([, v]) => result(v as SessionState));
    const evictUs = ctx.evictionWatermarkMs(this.operatorId) * 1000;
    const out: Row[] = [];
    const expired: [string, SessionState][] = [];
    for (const [k, v] of store.entries()) if ((v as SessionState).w[1] <= evictUs) expired.push([k, v as SessionState]);
    for (const [k, s] of expired) {
      out.push(result(s));
      store.remove(k);
    }
    return out;
  }
}

interface SessionState {
  /** The key without the session, canonical. */
  readonly ok: string;
  readonly k: unknown[];
  readonly w: [number, number];
  readonly s: unknown[];
}
