/**
 * Time windows. The analyzer rewrites `window(t, size, slide, start)` into a Generate over
 * `window_expand` (Spark's TimeWindowing rule): a tumbling window yields one struct per row, a
 * sliding one up to ceil(size / slide) structs, keeping only windows with start <= t < end.
 */
import { structField, structType, type DataType, type StructType } from '../../types/data-types.js';
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

export const windowFunctions: readonly ScalarFunction[] = [windowExpand, windowFn, windowTime];
