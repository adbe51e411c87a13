/**
 * Plans are JSON data (DESIGN.md); these two functions carry the few values JSON has no literal
 * for — Maps, NaN/±Infinity and binary in rows and literals — through `JSON.stringify`/`parse`
 * losslessly, for shipping a plan to a worker or writing it into a checkpoint.
 */
import type { LogicalPlan } from './logical.js';

type Tagged = { $map: [unknown, unknown][] } | { $num: 'NaN' | 'Infinity' | '-Infinity' } | { $bin: number[] };

/** `JSON.stringify(value, planReplacer)`. */
export function planReplacer(this: unknown, key: string, value: unknown): unknown {
  // JSON.stringify hands the replacer NaN/Infinity as numbers, Maps and Uint8Arrays as objects.
  const raw = (this as Record<string, unknown>)[key];
  if (typeof raw === 'number' && !Number.isFinite(raw)) return { $num: String(raw) as 'NaN' | 'Infinity' | '-Infinity' } satisfies Tagged;
  if (raw instanceof Map) return { $map: [...raw.entries()] } satisfies Tagged;
  if (raw instanceof Uint8Array) return { $bin: [...raw] } satisfies Tagged;
  return value;
}

/** `JSON.parse(text, planReviver)`. */
export function planReviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      if (Array.isArray(v['$map'])) return new Map(v['$map'] as [unknown, unknown][]);
      if (typeof v['$num'] === 'string') return Number(v['$num']);
      if (Array.isArray(v['$bin'])) return Uint8Array.from(v['$bin'] as number[]);
    }
  }
  return value;
}

export function planToJSON(plan: LogicalPlan): string {
  return JSON.stringify(plan, planReplacer);
}

export function planFromJSON(text: string): LogicalPlan {
  return JSON.parse(text, planReviver) as LogicalPlan;
}
