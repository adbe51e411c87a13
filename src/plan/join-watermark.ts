/**
 * Condition analysis for stream-stream joins (Spark's StreamingJoinHelper,
 * StreamingSymmetricHashJoinHelper and JoinConditionSplitPredicates):
 *  - the join condition split into equi-join keys and left-only / right-only / both-sides
 *    conjuncts;
 *  - the state watermark predicate of each side: a *key* predicate when an equi-join key is a
 *    watermarked column (or a window over one), on either side; else a *value* predicate when
 *    this side has a watermarked column and a range conjunct bounds this side's time from below
 *    by the other side's watermarked time (`thisTime > otherTime + c` gives
 *    `stateWatermark = watermark + c`, and 1 ms less for `>=` / `<=`);
 *  - the analysis check for outer and semi joins (checkForStreamStreamJoinWatermark).
 * All times are in ms, as Spark's watermarks.
 */
import { RivuletError } from '../errors.js';
import type { AttributeExpr, Expr } from '../expr/ast.js';
import { isDeterministic, typeOf } from '../expr/compile.js';
import { isEventTimeAttr, WATERMARK_DELAY_KEY } from '../exec/streaming/event-time.js';
import { conjoin, extractEquiKeys, referencedIds, splitConjuncts } from '../exec/join.js';
import type { JoinType } from './logical.js';

export interface StreamingJoinCondition {
  readonly leftKeys: readonly Expr[];
  readonly rightKeys: readonly Expr[];
  readonly nullSafe: readonly boolean[];
  /** Conjuncts over the left input only (and constant ones): a row failing them never joins. */
  readonly leftOnly?: Expr;
  readonly rightOnly?: Expr;
  /** The rest, evaluated on the joined row (Spark's postJoinFilter). */
  readonly bothSides?: Expr;
  /** Every non-equi conjunct (Spark's `condition.full`). */
  readonly full?: Expr;
}

/** Spark's ExtractEquiJoinKeys + JoinConditionSplitPredicates. */
export function splitStreamingJoinCondition(condition: Expr | undefined, left: readonly AttributeExpr[], right: readonly AttributeExpr[]): StreamingJoinCondition {
  const keys = extractEquiKeys(condition, left, right);
  const l = new Set(left.map((a) => a.id));
  const r = new Set(right.map((a) => a.id));
  const leftOnly: Expr[] = [];
  const rightOnly: Expr[] = [];
  const both: Expr[] = [];
  const nonDeterministic: Expr[] = [];
  for (const c of splitConjuncts(keys.residual)) {
    if (!isDeterministic(c)) {
      nonDeterministic.push(c);
      continue;
    }
    const refs = [...referencedIds(c)];
    if (refs.every((i) => l.has(i))) leftOnly.push(c);
    else if (refs.every((i) => r.has(i))) rightOnly.push(c);
    else both.push(c);
  }
  const opt = <K extends string>(k: K, e: Expr | undefined): Partial<Record<K, Expr>> => (e ? ({ [k]: e } as Record<K, Expr>) : {});
  return {
    leftKeys: keys.leftKeys,
    rightKeys: keys.rightKeys,
    nullSafe: keys.nullSafe,
    ...opt('leftOnly', conjoin(leftOnly)),
    ...opt('rightOnly', conjoin(rightOnly)),
    ...opt('bothSides', conjoin([...both, ...nonDeterministic])),
    ...opt('full', keys.residual),
  };
}

/** Spark's StreamingJoinHelper.isWatermarkInJoinKeys. */
export function isWatermarkInJoinKeys(leftKeys: readonly Expr[], rightKeys: readonly Expr[]): boolean {
  return [...leftKeys, ...rightKeys].some(isEventTimeAttr);
}

/**
 * Spark's WatermarkSupport.findEventTimeColumn: the first watermarked column of a side's input.
 * With `rejectMultiple` (spark.sql.streaming.statefulOperator.allowMultiple, the default), two
 * different watermarked columns are an error (_LEGACY_ERROR_TEMP_3077).
 */
export function findEventTimeColumn(attrs: readonly AttributeExpr[], rejectMultiple: boolean): AttributeExpr | undefined {
  const cols = attrs.filter(isEventTimeAttr);
  if (rejectMultiple && new Set(cols.map((a) => a.id)).size > 1) {
    const show = (a: AttributeExpr): string => `${a.name}#${a.id}-T${String(a.metadata?.[WATERMARK_DELAY_KEY])}ms`;
    throw new RivuletError(
      '_LEGACY_ERROR_TEMP_3077',
      `More than one event time columns are available. Please ensure there is at most one event time column per stream. event time columns: (${cols.map(show).join(',')})`,
    );
  }
  return cols[0];
}

/** How one side's state is cleaned: by the key at `keyOrdinal`, or by its watermarked column. */
export type JoinStateWatermarkPredicate =
  | { readonly kind: 'key'; readonly keyOrdinal: number }
  | { readonly kind: 'value'; readonly column: AttributeExpr; readonly stateWatermarkMs: number };

export interface JoinStateWatermarkPredicates {
  readonly left?: JoinStateWatermarkPredicate;
  readonly right?: JoinStateWatermarkPredicate;
}

/**
 * Spark's getStateWatermarkPredicates for the given (eviction) watermark; undefined when the
 * join's inputs have no watermark at all. Rows with `key/column <= watermark` are evicted (for
 * a window: its end).
 */
export function joinStateWatermarkPredicates(
  left: readonly AttributeExpr[],
  right: readonly AttributeExpr[],
  leftKeys: readonly Expr[],
  rightKeys: readonly Expr[],
  condition: Expr | undefined,
  eventTimeWatermarkMs: number | undefined,
): JoinStateWatermarkPredicates {
  if (eventTimeWatermarkMs === undefined) return {};
  let keyOrdinal = leftKeys.findIndex(isEventTimeAttr);
  if (keyOrdinal < 0) keyOrdinal = rightKeys.findIndex(isEventTimeAttr);
  const oneSide = (self: readonly AttributeExpr[], other: readonly AttributeExpr[]): JoinStateWatermarkPredicate | undefined => {
    if (keyOrdinal >= 0) return { kind: 'key', keyOrdinal };
    const column = self.find(isEventTimeAttr);
    if (!column) return undefined;
    const w = stateValueWatermark(self, other, condition, eventTimeWatermarkMs);
    return w === undefined ? undefined : { kind: 'value', column, stateWatermarkMs: w };
  };
  const l = oneSide(left, right);
  const r = oneSide(right, left);
  return { ...(l ? { left: l } : {}), ...(r ? { right: r } : {}) };
}

/**
 * Spark's StreamingJoinHelper.getStateValueWatermark: from every conjunct `a < b` / `a <= b`
 * / `a > b` / `a >= b` that solves to `thisTime > watermark + c`, the state watermark
 * `watermark + c` (1 ms less for the non-strict forms); the minimum over the conjuncts.
 */
export function stateValueWatermark(
  thisSide: readonly AttributeExpr[],
  otherSide: readonly AttributeExpr[],
  condition: Expr | undefined,
  eventTimeWatermarkMs: number | undefined,
): number | undefined {
  if (!condition || eventTimeWatermarkMs === undefined) return undefined;
  if (!otherSide.some(isEventTimeAttr)) return undefined;
  const self = new Set(thisSide.map((a) => a.id));
  const other = new Map(otherSide.map((a) => [a.id, a]));
  let best: number | undefined;
  for (const c of splitConjuncts(condition)) {
    if (c.kind !== 'call' || c.args.length !== 2) continue;
    const [a, b] = [c.args[0]!, c.args[1]!];
    let w: number | undefined;
    switch (c.name) {
      case 'lt':
        w = fromLessThan(a, b, self, other, eventTimeWatermarkMs);
        break;
      case 'lte':
        w = fromLessThan(a, b, self, other, eventTimeWatermarkMs);
        if (w !== undefined) w -= 1;
        break;
      case 'gt':
        w = fromLessThan(b, a, self, other, eventTimeWatermarkMs);
        break;
      case 'gte':
        w = fromLessThan(b, a, self, other, eventTimeWatermarkMs);
        if (w !== undefined) w -= 1;
        break;
      default:
    }
    if (w !== undefined) best = best === undefined ? w : Math.min(best, w);
  }
  return best;
}

/** A term of `l - r` canonicalised as a sum: an attribute, or a constant in µs; maybe negated. */
type Term = { readonly neg: boolean; readonly attr: AttributeExpr; readonly key: string } | { readonly neg: boolean; readonly micros: number | null; readonly key: string };

const MICROS_PER_DAY = 86_400_000_000;

/** Spark's getStateWatermarkFromLessThenPredicate for `l < r`. */
function fromLessThan(l: Expr, r: Expr, self: ReadonlySet<number>, other: ReadonlyMap<number, AttributeExpr>, watermarkMs: number): number | undefined {
  const refs = new Set([...referencedIds(l), ...referencedIds(r)]);
  if ([...refs].filter((i) => self.has(i)).length > 1 || [...refs].filter((i) => other.has(i)).length > 1) return undefined;
  const collected = collectTerms(l, r);
  // Spark's ExpressionSet: semantically equal terms count once.
  const terms = [...new Map(collected.map((t) => [t.key, t])).values()];
  const constraint = terms.filter((t) => 'attr' in t && self.has(t.attr.id));
  if (constraint.length !== 1 || !constraint[0]!.neg) return undefined;
  const rest = terms.filter((t) => t !== constraint[0]);
  if (rest.length === 0) return undefined;
  let sum = 0;
  for (const t of rest) {
    let v: number;
    if ('attr' in t) {
      // Only the other side's watermarked column can be replaced by a value.
      if (!other.has(t.attr.id) || !isEventTimeAttr(t.attr)) return undefined;
      v = watermarkMs * 1000;
    } else {
      if (t.micros === null) return undefined;
      v = t.micros;
    }
    sum += t.neg ? -v : v;
  }
  return Math.trunc(sum / 1000);
}

function isNumericType(t: unknown): boolean {
  return t === 'byte' || t === 'short' || t === 'integer' || t === 'long' || t === 'float' || t === 'double' || (typeof t === 'object' && t !== null && (t as { type?: unknown }).type === 'decimal') || (typeof t === 'string' && t.startsWith('decimal'));
}

/** Spark's collectTerms of `l - r`; any unsupported shape makes the whole list empty. */
function collectTerms(l: Expr, r: Expr): Term[] {
  let invalid = false;
  const out: Term[] = [];
  const collect = (x: Expr, neg: boolean): void => {
    if (invalid) return;
    switch (x.kind) {
      case 'call': {
        const [a, b] = x.args;
        if ((x.name === 'add' || x.name === 'subtract') && a && b) {
          // timestamp - timestamp is Spark's SubtractTimestamps, not a sum of terms.
          if (x.name === 'subtract' && typeOf(a).dataType === 'timestamp' && typeOf(b).dataType === 'timestamp') {
            invalid = true;
            return;
          }
          collect(a, neg);
          collect(b, x.name === 'subtract' ? !neg : neg);
          return;
        }
        if (x.name === 'negative' && a) {
          collect(a, !neg);
          return;
        }
        invalid = true;
        return;
      }
      case 'cast':
        if (isNumericType(x.to) || x.to === 'timestamp') collect(x.child, neg);
        else invalid = true;
        return;
      case 'attr':
        out.push({ neg, attr: x, key: `${neg ? '-' : '+'}#${x.id}` });
        return;
      case 'literal': {
        const key = `${neg ? '-' : '+'}${JSON.stringify([x.value, x.dataType])}`;
        const v = x.value;
        if (v === null) {
          out.push({ neg, micros: null, key });
          return;
        }
        if (typeof v === 'object' && !Array.isArray(v) && 'months' in v) {
          if (v.months !== 0) {
            invalid = true;
            return;
          }
          out.push({ neg, micros: v.days * MICROS_PER_DAY + v.micros, key });
          return;
        }
        if (typeof v === 'number') {
          // Numbers count as seconds; a timestamp literal (µs) is scaled the same way, as Spark does.
          out.push({ neg, micros: v * 1_000_000, key });
          return;
        }
        invalid = true;
        return;
      }
      default:
        invalid = true;
    }
  };
  collect(l, false);
  collect(r, true);
  return invalid ? [] : out;
}

/**
 * Spark's UnsupportedOperationChecker.checkForStreamStreamJoinWatermark: an outer or semi
 * stream-stream join needs a watermarked join key, or a range condition giving a state
 * watermark for the side(s) whose rows must be emitted or evicted. Returns the error message.
 */
export function streamStreamJoinWatermarkError(
  joinType: JoinType,
  condition: Expr | undefined,
  left: readonly AttributeExpr[],
  right: readonly AttributeExpr[],
): string | undefined {
  const { leftKeys, rightKeys } = extractEquiKeys(condition, left, right);
  if (isWatermarkInJoinKeys(leftKeys, rightKeys)) return undefined;
  const probe = 1_000_000;
  const forLeft = (): boolean => stateValueWatermark(left, right, condition, probe) !== undefined;
  const forRight = (): boolean => stateValueWatermark(right, left, condition, probe) !== undefined;
  let ok: boolean;
  switch (joinType) {
    case 'left_outer':
    case 'left_semi':
      ok = forLeft();
      break;
    case 'right_outer':
      ok = forRight();
      break;
    case 'full_outer':
      ok = forLeft() || forRight();
      break;
    default:
      return undefined;
  }
  if (ok) return undefined;
  const names: Partial<Record<JoinType, string>> = { left_outer: 'LeftOuter', right_outer: 'RightOuter', full_outer: 'FullOuter', left_semi: 'LeftSemi' };
  return `Stream-stream ${names[joinType]} join between two streaming DataFrame/Datasets is not supported without a watermark in the join keys, or a watermark on the nullable side and an appropriate range condition`;
}
