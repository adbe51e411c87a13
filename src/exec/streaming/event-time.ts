import type { AttributeExpr, Expr } from '../../expr/ast.js';
import { WATERMARK_DELAY_KEY } from '../../expr/event-time.js';

export { WATERMARK_DELAY_KEY };

/** True for an attribute carrying the event-time marker (a watermarked column or a window over it). */
export function isEventTimeAttr(e: Expr): e is AttributeExpr {
  return e.kind === 'attr' && e.metadata !== undefined && e.metadata[WATERMARK_DELAY_KEY] !== undefined;
}

/** The event time (µs) of a value of an event-time column: a timestamp, or a window's end. */
export function eventTimeOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && typeof v[1] === 'number') return v[1];
  return undefined;
}

/** Spark's watermark predicate: `time <= watermark` (µs vs ms). */
export function isAtOrBefore(v: unknown, watermarkMs: number): boolean {
  const t = eventTimeOf(v);
  return t !== undefined && t <= watermarkMs * 1000;
}
