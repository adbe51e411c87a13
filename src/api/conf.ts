/**
 * Runtime configuration. Spark's own keys (`spark.sql.*`) are aliases of the `rivulet.sql.*`
 * keys, so a Spark config can be copied as is. Unknown keys are kept, not rejected.
 */
import { RivuletError } from '../errors.js';

export type ConfValue = string | number | boolean;

export const CONF_DEFAULTS: Readonly<Record<string, ConfValue>> = {
  'rivulet.sql.shuffle.partitions': 1,
  'rivulet.sql.session.timeZone': 'UTC',
  'rivulet.sql.caseSensitive': false,
  'rivulet.sql.ansi.enabled': false,
  'rivulet.sql.streaming.multipleWatermarkPolicy': 'min',
  'rivulet.sql.streaming.noDataMicroBatches.enabled': true,
  'rivulet.sql.streaming.noDataProgressEventInterval': 10000,
  'rivulet.sql.streaming.statefulOperator.allowMultiple': true,
  'rivulet.sql.streaming.statefulOperator.checkCorrectness.enabled': true,
  'rivulet.sql.streaming.allowDistinctAggregation': true,
  'rivulet.sql.streaming.stateStore.minDeltasForSnapshot': 10,
  'rivulet.sql.streaming.minBatchesToRetain': 100,
};

/** `spark.sql.x` → `rivulet.sql.x`; other keys unchanged. */
export function canonicalKey(key: string): string {
  return key.startsWith('spark.') ? `rivulet.${key.slice('spark.'.length)}` : key;
}

export class RuntimeConfig {
  readonly #values: Map<string, ConfValue>;
  constructor(initial: Iterable<[string, ConfValue]> = []) {
    this.#values = new Map();
    for (const [k, v] of initial) this.set(k, v);
  }

  get(key: string): ConfValue | undefined;
  get<T extends ConfValue>(key: string, fallback: T): ConfValue;
  get(key: string, fallback?: ConfValue): ConfValue | undefined {
    const k = canonicalKey(key);
    return this.#values.get(k) ?? CONF_DEFAULTS[k] ?? fallback;
  }

  set(key: string, value: ConfValue): void {
    const k = canonicalKey(key);
    if (k === 'rivulet.sql.streaming.multipleWatermarkPolicy' && value !== 'min' && value !== 'max') {
      throw new RivuletError(
        'INVALID_CONF_VALUE',
        `Invalid value '${String(value)}' for configuration ${key}: valid values are 'min' and 'max'.`,
      );
    }
    this.#values.set(k, value);
  }

  unset(key: string): void {
    this.#values.delete(canonicalKey(key));
  }

  isModifiable(_key: string): boolean {
    return true;
  }

  getAll(): Record<string, ConfValue> {
    return { ...CONF_DEFAULTS, ...Object.fromEntries(this.#values) };
  }

  /** Typed accessors used by the engine. */
  getBoolean(key: string): boolean {
    const v = this.get(key);
    return v === true || v === 'true';
  }
  getNumber(key: string): number {
    return Number(this.get(key));
  }
  getString(key: string): string {
    return String(this.get(key));
  }

  copy(): RuntimeConfig {
    return new RuntimeConfig(this.#values);
  }
}
