/**
 * Stream-stream joins: Spark's StreamingSymmetricHashJoinExec (state format 2). Each side
 * buffers its input rows in state, keyed by the equi-join key. Per micro-batch:
 *  1. left input rows that are not late join the right state and are stored (left semi: only
 *     when nothing matched yet);
 *  2. right input rows join the left state, which now holds this batch's left rows too, and are
 *     stored unless the state watermark evicts them in this very batch (kept anyway when they
 *     are unmatched rows of a right/full outer join);
 *  3. rows of a preserved (outer) side that the state watermark evicts are emitted null-extended
 *     when they never matched (the `matched` flag), then removed;
 *  4. the other side's evictable rows are removed.
 * A row failing the conjuncts over its own side only never joins: it is emitted null-extended
 * at once on a preserved side and never stored. Left semi emits a left row once: on arrival when
 * it matches, else when the first matching right row arrives.
 *
 * State layout in the operator's one store (keys are strings, `ck` the canonical join key):
 *   `L<ck>#` / `R<ck>#`      { k: key values, n: number of rows }      (keyToNumValues)
 *   `L<ck>@<i>` / `R<ck>@<i>` { r: row, m: matched }                   (keyWithIndexToValue)
 *   `M`                       { l, r }: rows held per side (for the progress metrics)
 * Values are JSON-safe (doubles, binary and maps encoded per column type).
 */
import { RivuletError } from '../../errors.js';
import type { AttributeExpr, Expr } from '../../expr/ast.js';
import { bindingOf, compileExpr, typeOf } from '../../expr/compile.js';
import type { Evaluator, Row } from '../../expr/registry.js';
import type { JoinType } from '../../plan/logical.js';
import { outputOfJoin } from '../../plan/join-output.js';
import {
  findEventTimeColumn,
  joinStateWatermarkPredicates,
  splitStreamingJoinCondition,
  type JoinStateWatermarkPredicate,
  type JoinStateWatermarkPredicates,
  type StreamingJoinCondition,
} from '../../plan/join-watermark.js';
import type { StateStore } from '../../state/state-store.js';
import { simpleString } from '../../types/data-types.js';
import { canonicalKey, jsonCodecFor, type JsonCodec } from '../../util/value-equality.js';
import { exprList, exprString } from '../describe.js';
import type { ExecContext, PhysicalOperator } from '../operator.js';
import { isStreamingContext, type StreamingExecContext } from './context.js';
import { isAtOrBefore } from './event-time.js';

type Side = 'L' | 'R';

/** Any watermark works to find out which predicates exist (Spark's checker uses 1000000). */
const PROBE_WATERMARK_MS = 1_000_000;

export class StreamingSymmetricHashJoinExec implements PhysicalOperator {
  readonly name = 'StreamingSymmetricHashJoin';
  readonly children: readonly PhysicalOperator[];
  readonly output: readonly AttributeExpr[];
  readonly condition: StreamingJoinCondition;
  constructor(
    readonly left: PhysicalOperator,
    readonly right: PhysicalOperator,
    readonly operatorId: number,
    readonly joinType: JoinType,
    fullCondition: Expr | undefined,
  ) {
    this.children = [left, right];
    this.output = outputOfJoin(joinType, left.output, right.output);
    this.condition = splitStreamingJoinCondition(fullCondition, left.output, right.output);
    if (this.condition.leftKeys.length === 0) {
      throw new RivuletError('_LEGACY_ERROR_TEMP_1181', 'Stream-stream join without equality predicate is not supported');
    }
  }

  /** The state watermark predicates for a watermark (ms). */
  predicates(watermarkMs: number | undefined): JoinStateWatermarkPredicates {
    const c = this.condition;
    return joinStateWatermarkPredicates(this.left.output, this.right.output, c.leftKeys, c.rightKeys, c.full, watermarkMs);
  }

  /** Spark's shouldRunAnotherBatch: a moved watermark matters when some side can be cleaned. */
  get hasStateCleanup(): boolean {
    const p = this.predicates(PROBE_WATERMARK_MS);
    return p.left !== undefined || p.right !== undefined;
  }

  /** Sides whose state the watermark can never clean (it grows forever). */
  get unboundedSides(): ('left' | 'right')[] {
    const p = this.predicates(PROBE_WATERMARK_MS);
    return [...(p.left ? [] : ['left' as const]), ...(p.right ? [] : ['right' as const])];
  }

  /** The state layout, checked on restart: key types, then the rows each side keeps. */
  stateSchema(): string {
    const types = (es: readonly Expr[]): string => es.map((e) => simpleString(typeOf(e).dataType)).join(',');
    return `key<${types(this.condition.leftKeys)}> value<left:${types(this.left.output)},matched:boolean;right:${types(this.right.output)},matched:boolean>`;
  }

  describe(): string {
    const c = this.condition;
    const show = (e: Expr | undefined): string => (e ? exprString(e) : 'null');
    const pred = (p: JoinStateWatermarkPredicate | undefined): string =>
      !p ? 'null' : p.kind === 'key' ? `key predicate: key[${p.keyOrdinal}]` : `value predicate: ${exprString(p.column)} <= state watermark`;
    const p = this.predicates(PROBE_WATERMARK_MS);
    return (
      `${exprList(c.leftKeys)}, ${exprList(c.rightKeys)}, ${SPARK_JOIN_NAMES[this.joinType]}, ` +
      `condition = [ leftOnly = ${show(c.leftOnly)}, rightOnly = ${show(c.rightOnly)}, both = ${show(c.bothSides)}, full = ${show(c.full)} ], ` +
      `state info [operatorId = ${this.operatorId}], state cleanup [ left ${pred(p.left)}, right ${pred(p.right)} ]`
    );
  }

  execute(ctx: ExecContext): Row[] {
    if (!isStreamingContext(ctx)) throw new Error('StreamingSymmetricHashJoinExec needs a streaming context');
    return new JoinRun(this, ctx).run();
  }
}

const SPARK_JOIN_NAMES: Record<JoinType, string> = {
  inner: 'Inner',
  cross: 'Cross',
  left_outer: 'LeftOuter',
  right_outer: 'RightOuter',
  full_outer: 'FullOuter',
  left_semi: 'LeftSemi',
  left_anti: 'LeftAnti',
};

/** One stored row of a side. */
interface StoredRow {
  readonly key: string;
  readonly index: number;
  readonly row: Row;
  readonly matched: boolean;
}

/** Encodes rows of a schema for JSON state and back (identity when the types are JSON-safe). */
function rowCodec(types: readonly AttributeExpr[] | readonly Expr[]): JsonCodec | undefined {
  const codecs = types.map((t) => jsonCodecFor(t.kind === 'attr' ? t.dataType : typeOf(t).dataType));
  if (codecs.every((c) => c === undefined)) return undefined;
  const map = (row: unknown, dir: 'encode' | 'decode'): unknown => (row as unknown[]).map((v, i) => (v === null || !codecs[i] ? v : codecs[i]![dir](v)));
  return { encode: (r) => map(r, 'encode'), decode: (r) => map(r, 'decode') };
}

/** One side's buffered rows (Spark's SymmetricHashJoinStateManager) over the shared store. */
class SideState {
  rows: number;
  constructor(
    readonly store: StateStore,
    readonly side: Side,
    readonly rowCodec: JsonCodec | undefined,
    readonly keyCodec: JsonCodec | undefined,
    rows: number,
  ) {
    this.rows = rows;
  }
  #countKey(ck: string): string {
    return `${this.side}${ck}#`;
  }
  #valueKey(ck: string, i: number): string {
    return `${this.side}${ck}@${i}`;
  }
  #decode(r: unknown): Row {
    return (this.rowCodec ? this.rowCodec.decode(r) : r) as Row;
  }
  get(ck: string): StoredRow[] {
    const c = this.store.get(this.#countKey(ck)) as { n: number } | undefined;
    if (!c) return [];
    const out: StoredRow[] = [];
    for (let i = 0; i < c.n; i++) {
      const v = this.store.get(this.#valueKey(ck, i)) as { r: unknown; m: boolean };
      out.push({ key: ck, index: i, row: this.#decode(v.r), matched: v.m });
    }
    return out;
  }
  append(ck: string, keyValues: readonly unknown[], row: Row, matched: boolean): void {
    const countKey = this.#countKey(ck);
    const c = this.store.get(countKey) as { k: unknown; n: number } | undefined;
    const n = c?.n ?? 0;
    this.store.put(this.#valueKey(ck, n), { r: this.rowCodec ? this.rowCodec.encode(row) : row, m: matched });
    this.store.put(countKey, { k: c?.k ?? (this.keyCodec ? this.keyCodec.encode(keyValues) : keyValues), n: n + 1 });
    this.rows++;
  }
  setMatched(s: StoredRow): void {
    const k = this.#valueKey(s.key, s.index);
    const v = this.store.get(k) as { r: unknown; m: boolean };
    this.store.put(k, { r: v.r, m: true });
  }
  /**
   * Removes the rows whose key (`byKey`) or row matches `pred` and returns them (Spark's
   * removeByKeyCondition / removeByValueCondition).
   */
  removeWhere(byKey: boolean, pred: (v: unknown) => boolean): StoredRow[] {
    const keys: [string, { k: unknown; n: number }][] = [];
    for (const [k, v] of this.store.entries()) {
      if (k.charCodeAt(0) === this.side.charCodeAt(0) && k.endsWith('#')) keys.push([k.slice(1, -1), v as { k: unknown; n: number }]);
    }
    const removed: StoredRow[] = [];
    for (const [ck, c] of keys) {
      if (byKey) {
        const keyValues = (this.keyCodec ? this.keyCodec.decode(c.k) : c.k) as unknown[];
        if (!pred(keyValues)) continue;
        for (const s of this.get(ck)) {
          removed.push(s);
          this.store.remove(this.#valueKey(ck, s.index));
        }
        this.store.remove(this.#countKey(ck));
        this.rows -= c.n;
        continue;
      }
      const all = this.get(ck);
      const keep: StoredRow[] = [];
      for (const s of all) (pred(s.row) ? removed : keep).push(s);
      if (keep.length === all.length) continue;
      keep.forEach((s, j) => {
        if (s.index !== j) this.store.put(this.#valueKey(ck, j), this.store.get(this.#valueKey(ck, s.index)));
      });
      for (let j = keep.length; j < all.length; j++) this.store.remove(this.#valueKey(ck, j));
      if (keep.length === 0) this.store.remove(this.#countKey(ck));
      else this.store.put(this.#countKey(ck), { k: c.k, n: keep.length });
      this.rows -= all.length - keep.length;
    }
    return removed;
  }
}

/** One side's compiled pieces for a batch. */
interface Joiner {
  readonly side: Side;
  readonly input: PhysicalOperator;
  readonly keys: readonly Evaluator[];
  /** Own-side conjuncts (Spark's preJoinFilter). */
  readonly pre: Evaluator | undefined;
  readonly state: SideState;
  readonly eventTimeOrdinal: number;
  readonly predicate: JoinStateWatermarkPredicate | undefined;
  /** A value predicate's column in this side's rows. */
  readonly predicateOrdinal: number;
  /** Rows whose (non null-safe) key is null: Spark's inferred `isnotnull` filter drops them. */
  readonly dropsNullKeys: boolean;
  /** This side's unmatched rows are emitted null-extended. */
  readonly preserved: boolean;
}

class JoinRun {
  readonly #j: StreamingSymmetricHashJoinExec;
  readonly #ctx: StreamingExecContext;
  readonly #store: StateStore;
  readonly #out: Row[] = [];
  /** This batch's eviction watermark (ms). */
  readonly #evictWm: number;
  #updated = 0;
  #removed = 0;
  #dropped = 0;

  constructor(j: StreamingSymmetricHashJoinExec, ctx: StreamingExecContext) {
    this.#j = j;
    this.#ctx = ctx;
    this.#store = ctx.store(j.operatorId);
    this.#evictWm = ctx.evictionWatermarkMs(j.operatorId);
  }

  run(): Row[] {
    const j = this.#j;
    const ctx = this.#ctx;
    const t = j.joinType;
    const preds = j.predicates(this.#evictWm);
    const meta = (this.#store.get('M') as { l: number; r: number } | undefined) ?? { l: 0, r: 0 };
    const rejectMultiple = ctx.allowMultipleStatefulOperators !== false;
    const joiner = (side: Side): Joiner => {
      const input = side === 'L' ? j.left : j.right;
      const c = j.condition;
      const b = bindingOf(input.output);
      const keyExprs = side === 'L' ? c.leftKeys : c.rightKeys;
      const own = side === 'L' ? c.leftOnly : c.rightOnly;
      const et = findEventTimeColumn(input.output, rejectMultiple);
      const pred = side === 'L' ? preds.left : preds.right;
      return {
        side,
        input,
        keys: keyExprs.map((e) => compileExpr(e, b, ctx.compile)),
        pre: own && compileExpr(own, b, ctx.compile),
        state: new SideState(this.#store, side, rowCodec(input.output), rowCodec(keyExprs), side === 'L' ? meta.l : meta.r),
        eventTimeOrdinal: et ? input.output.findIndex((a) => a.id === et.id) : -1,
        predicate: pred,
        predicateOrdinal: pred?.kind === 'value' ? input.output.findIndex((a) => a.id === pred.column.id) : -1,
        dropsNullKeys: t === 'inner' || t === 'cross' || t === 'left_semi' || (side === 'L' ? t === 'right_outer' : t === 'left_outer'),
        preserved: t === 'full_outer' || (side === 'L' ? t === 'left_outer' : t === 'right_outer'),
      };
    };
    const left = joiner('L');
    const right = joiner('R');
    const post = j.condition.bothSides && compileExpr(j.condition.bothSides, bindingOf([...j.left.output, ...j.right.output]), ctx.compile);
    const leftRows = j.left.execute(ctx);
    const rightRows = j.right.execute(ctx);
    const lateWm = ctx.lateEventsWatermarkMs(j.operatorId);

    this.#storeAndJoin(left, right, leftRows, lateWm, post);
    this.#storeAndJoin(right, left, rightRows, lateWm, post);

    // Outer rows at eviction, then the cleanup Spark counts as removed rows.
    const nullsL: unknown[] = new Array(j.left.output.length).fill(null);
    const nullsR: unknown[] = new Array(j.right.output.length).fill(null);
    if (left.preserved) for (const s of this.#evict(left)) if (!s.matched) this.#out.push([...s.row, ...nullsR]);
    if (right.preserved) for (const s of this.#evict(right)) if (!s.matched) this.#out.push([...nullsL, ...s.row]);
    if (!left.preserved) this.#removed += this.#evict(left).length;
    if (!right.preserved) this.#removed += this.#evict(right).length;

    if (left.state.rows !== meta.l || right.state.rows !== meta.r) this.#store.put('M', { l: left.state.rows, r: right.state.rows });
    const m = ctx.metrics(j.operatorId);
    m.numRowsDroppedByWatermark += this.#dropped;
    m.stateRows = { total: left.state.rows + right.state.rows, updated: this.#updated, removed: this.#removed };
    return this.#out;
  }

  /** Evicts this side's rows its state watermark predicate matches (none without one). */
  #evict(s: Joiner): StoredRow[] {
    const p = s.predicate;
    if (!p) return [];
    if (p.kind === 'key') return s.state.removeWhere(true, (k) => isAtOrBefore((k as unknown[])[p.keyOrdinal], this.#evictWm));
    return s.state.removeWhere(false, (row) => isAtOrBefore((row as Row)[s.predicateOrdinal], p.stateWatermarkMs));
  }

  /** Would the state watermark evict this row in this batch? */
  #evictedNow(s: Joiner, keyValues: readonly unknown[], row: Row): boolean {
    const p = s.predicate;
    if (!p) return false;
    if (p.kind === 'key') return isAtOrBefore(keyValues[p.keyOrdinal], this.#evictWm);
    return isAtOrBefore(row[s.predicateOrdinal], p.stateWatermarkMs);
  }

  /** Spark's OneSideHashJoiner.storeAndJoinWithOtherSide. */
  #storeAndJoin(self: Joiner, other: Joiner, rows: readonly Row[], lateWm: number, post: Evaluator | undefined): void {
    const t = this.#j.joinType;
    const semi = t === 'left_semi';
    const isLeft = self.side === 'L';
    const nulls: unknown[] = new Array(other.input.output.length).fill(null);
    const nullSafe = this.#j.condition.nullSafe;
    for (const row of rows) {
      const keyValues = self.keys.map((f) => f(row));
      const nullKey = keyValues.some((v, i) => v === null && !nullSafe[i]);
      if (nullKey && self.dropsNullKeys) continue;
      if (self.eventTimeOrdinal >= 0 && isAtOrBefore(row[self.eventTimeOrdinal], lateWm)) {
        this.#dropped++;
        continue;
      }
      if (self.pre && self.pre(row) !== true) {
        if (self.preserved) this.#out.push(isLeft ? [...row, ...nulls] : [...nulls, ...row]);
        continue;
      }
      const ck = canonicalKey(keyValues);
      let matched = false;
      if (!nullKey) {
        for (const s of other.state.get(ck)) {
          // Left semi: a left row already emitted is not emitted again.
          if (semi && !isLeft && s.matched) continue;
          const joined = isLeft ? [...row, ...s.row] : [...s.row, ...row];
          if (post && post(joined) !== true) continue;
          matched = true;
          if (!s.matched) other.state.setMatched(s);
          if (semi) {
            this.#out.push(isLeft ? row : s.row);
            if (isLeft) break;
          } else this.#out.push(joined);
        }
      }
      let store: boolean;
      if (semi && isLeft && matched) store = false;
      else if (isLeft) store = true;
      else store = !this.#evictedNow(self, keyValues, row) || ((t === 'right_outer' || t === 'full_outer') && !matched);
      if (store) {
        self.state.append(ck, keyValues, row, matched);
        this.#updated++;
      }
    }
  }
}
