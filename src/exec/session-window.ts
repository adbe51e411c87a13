/**
 * Session-window merging (Spark's MergingSessionsExec / UpdatingSessionsIterator): sessions of
 * one key merge when they overlap or touch (`next.start <= current.end`); the merged session is
 * `[min start, max end)` and its aggregation buffers are merged.
 */
import type { Expr } from '../expr/ast.js';
import { SESSION_WINDOW_KEY } from '../expr/event-time.js';
import type { AggregateSlot } from './aggregate.js';

export interface Session {
  start: number;
  end: number;
  states: unknown[];
}

/** Index of the grouping key that is a session window, or -1. */
export function sessionKeyIndex(grouping: readonly Expr[]): number {
  return grouping.findIndex((g) => g.kind === 'attr' && g.metadata?.[SESSION_WINDOW_KEY] === true);
}

/** Merges sessions (any order) into disjoint ones, sorted by start. Inputs may be reused. */
export function mergeSessions(sessions: readonly Session[], slots: readonly AggregateSlot[]): Session[] {
  const sorted = [...sessions].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Session[] = [];
  for (const s of sorted) {
    const cur = out.at(-1);
    if (cur && s.start <= cur.end) {
      cur.end = Math.max(cur.end, s.end);
      cur.states = slots.map((slot, i) => slot.accumulator.merge(cur.states[i], s.states[i]));
    } else out.push({ start: s.start, end: s.end, states: s.states });
  }
  return out;
}
