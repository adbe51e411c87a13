import { RivuletError } from '../errors.js';
import { durationToMicros } from '../types/interval.js';

/** What `writeStream.trigger(...)` accepts (PySpark's keyword arguments as an object). */
export type TriggerSpec =
  | { readonly processingTime: string | number }
  | { readonly once: true }
  | { readonly availableNow: true }
  | { readonly continuous: string | number };

export type Trigger =
  | { readonly kind: 'processingTime'; readonly intervalMs: number }
  | { readonly kind: 'once' }
  | { readonly kind: 'availableNow' }
  | { readonly kind: 'continuous'; readonly intervalMs: number };

export const DEFAULT_TRIGGER: Trigger = { kind: 'processingTime', intervalMs: 0 };

function toMs(v: string | number, what: string): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw new RivuletError('INVALID_TRIGGER', `The ${what} interval must be a non-negative number of milliseconds, got ${v}.`, { parameters: { option: what } });
    return v;
  }
  const micros = durationToMicros(/^\s*\d+\s*$/.test(v) ? `${v} milliseconds` : v);
  if (micros < 0) throw new RivuletError('INVALID_TRIGGER', `The ${what} interval must not be negative: '${v}'.`, { parameters: { option: what } });
  return Math.floor(micros / 1000);
}

export function parseTrigger(spec: TriggerSpec): Trigger {
  const keys = Object.keys(spec).filter((k) => (spec as unknown as Record<string, unknown>)[k] !== undefined && (spec as unknown as Record<string, unknown>)[k] !== false);
  if (keys.length !== 1) {
    throw new RivuletError('INVALID_TRIGGER', `Exactly one of processingTime, once, availableNow or continuous must be set, got: ${keys.join(', ') || 'none'}.`);
  }
  if ('processingTime' in spec) return { kind: 'processingTime', intervalMs: toMs(spec.processingTime, 'processingTime') };
  if ('once' in spec) return { kind: 'once' };
  if ('availableNow' in spec) return { kind: 'availableNow' };
  return { kind: 'continuous', intervalMs: toMs(spec.continuous, 'continuous') };
}

/** Spark's ProcessingTimeExecutor.nextBatchTime: the next multiple of the interval after `now`. */
export function nextBatchTime(now: number, intervalMs: number): number {
  if (intervalMs === 0) return now;
  return Math.floor(now / intervalMs) * intervalMs + intervalMs;
}
