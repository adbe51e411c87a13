/**
 * Time windows. The analyzer rewrites `window(t, size, slide, start)` into a Generate over
 * `window_expand` (Spark's TimeWindowing rule): a tumbling window yields one struct per row, a
 * sliding one up to ceil(size / slide) structs, keeping only windows with start <= t < end.
 */
import { RivuletError } from '../../errors.js';
import { structField, structType, type CalendarInterval, type DataType, type StructType } from '../../types/data-types.js';
import { durationToMicros } from '../../types/interval.js';
import type { ScalarFunction } from '../registry.js';

export const WINDOW_STRUCT: StructType = structType([
  structField('start', 'timestamp', true),
  structField('end', 'timestamp', true),
]);

/** Non-negative modulo, so negative timestamps land in the right window. */
function floorMod(a: number, b: number): number {
  const m = a % b;
  return m < 0 ? m + b : m;
}

/** Window starts (micros) containing `ts`, in ascending order. */
export function windowStarts(ts: number, size: number, slide: number, start: number): number[] {
  const lastStart = ts - floorMod(ts - start, slide);
  const out: number[] = [];
  const n = Math.ceil(size / slide);
  for (let i = n - 1; i >= 0; i--) {
    const s = lastStart - i * slide;
    if (s <= ts && ts < s + size) out.push(s);
  }
  return out;
}

const windowExpand: ScalarFunction = {
  kind: 'scalar',
  name: 'window_expand',
  minArgs: 4,
  maxArgs: 4,
  resolve: () => ({
    dataType: { type: 'array', elementType: WINDOW_STRUCT, containsNull: false } as DataType,
    nullable: true,
    argTypes: ['timestamp', 'long', 'long', 'long'],
  }),
  compile([t, size, slide, start]) {
    const [ft, fsize, fslide, fstart] = [t!, size!, slide!, start!];
    return (row) => {
      const ts = ft(row) as number;
      const sz = fsize(row) as number;
      return windowStarts(ts, sz, fslide(row) as number, fstart(row) as number).map((s) => [s, s + sz]);
    };
  },
};

/** `window(...)` itself only types the column; the analyzer replaces it before compilation. */
const windowFn: ScalarFunction = {
  kind: 'scalar',
  name: 'window',
  minArgs: 2,
  maxArgs: 4,
  resolve: (args) => ({ dataType: WINDOW_STRUCT, nullable: args[0]!.nullable }),
  compile() {
    throw new Error('window() must be rewritten by the analyzer before compilation');
  },
};

const windowTime: ScalarFunction = {
  kind: 'scalar',
  name: 'window_time',
  minArgs: 1,
  maxArgs: 1,
  resolve: (args, ctx) => {
    const t = args[0]!.dataType;
    if (typeof t !== 'object' || t.type !== 'struct' || t.fields[1]?.name !== 'end') {
      ctx.mismatch('window_time requires a window column (struct<start, end>)');
    }
    return { dataType: 'timestamp', nullable: args[0]!.nullable };
  },
  // Spark: the window's time is end - 1 microsecond, so it falls inside the window.
  compile([w]) {
    const fw = w!;
    return (row) => ((fw(row) as [number, number])[1] - 1);
  },
};

/** A session gap value in µs: a number (µs, from a literal), a duration string or an interval. */
function gapMicros(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return durationToMicros(v);
  const i = v as CalendarInterval;
  if (i.months !== 0) throw new RivuletError('INVALID_PARAMETER_VALUE', 'A session window gap cannot be measured in months.');
  return i.days * 86_400_000_000 + i.micros;
}

/**
 * `session_window(t, gap)`: the session an event opens, `[t, t + gap)` (null when the gap is
 * not positive: Spark removes such rows). The aggregation merges overlapping sessions per key.
 */
const sessionWindow: ScalarFunction = {
  kind: 'scalar',
  name: 'session_window',
  minArgs: 2,
  maxArgs: 2,
  resolve: (args, ctx) => {
    const t = args[0]!.dataType;
    if (t !== 'timestamp') ctx.mismatch('the first parameter of session_window must be a TIMESTAMP column');
    const g = args[1]!.dataType;
    if (g !== 'string' && g !== 'interval' && g !== 'long' && g !== 'integer') ctx.mismatch('the gap of session_window must be a duration string or an interval');
    return { dataType: WINDOW_STRUCT, nullable: true };
  },
  compile([t, gap]) {
    const [ft, fg] = [t!, gap!];
    return (row) => {
      const g = gapMicros(fg(row));
      if (!(g > 0)) return null;
      const ts = ft(row) as number;
      return [ts, ts + g];
    };
  },
};

export const windowFunctions: readonly ScalarFunction[] = [windowExpand, windowFn, windowTime, sessionWindow];
