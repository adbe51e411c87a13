import type { Expr } from './ast.js';

export const WATERMARK_DELAY_KEY = 'spark.watermarkDelayMs';
/** Marks the session_window column of a session-window aggregation. */
export const SESSION_WINDOW_KEY = 'rivulet.sessionWindow';

/**
 * The event-time marker an expression carries (Spark keeps it through aliases, `window(...)` over
 * a watermarked column, `window_time(window)` and `window(window, ...)`): the metadata of the
 * watermarked attribute, or undefined.
 */
export function eventTimeMetadata(e: Expr): Readonly<Record<string, unknown>> | undefined {
  switch (e.kind) {
    case 'attr':
      return e.metadata && e.metadata[WATERMARK_DELAY_KEY] !== undefined ? e.metadata : undefined;
    case 'alias':
      return e.metadata && e.metadata[WATERMARK_DELAY_KEY] !== undefined ? e.metadata : eventTimeMetadata(e.child);
    case 'call':
      if (e.name === 'window_time' || e.name === 'window' || e.name === 'window_expand') return e.args[0] && eventTimeMetadata(e.args[0]);
      return undefined;
    default:
      return undefined;
  }
}
