/**
 * Spark's `rate` source: `rowsPerSecond` rows per second with columns `timestamp` and `value`,
 * ramping up linearly over `rampUpTime`. Rows follow from offsets alone (offset = seconds since
 * the start time, which the offset carries), so any range can be replayed exactly.
 */
import { RivuletError } from '../errors.js';
import type { Row } from '../expr/registry.js';
import { structField, structType, type StructType } from '../types/data-types.js';
import { durationToMicros } from '../types/interval.js';
import type { Offset, ReadLimit, Source, SourceContext } from './source.js';

interface RateOffset {
  readonly startTimeMs: number;
  readonly seconds: number;
}

export const RATE_SCHEMA: StructType = structType([
  structField('timestamp', 'timestamp', true),
  structField('value', 'long', true),
]);

function positiveInt(options: Readonly<Record<string, string>>, name: string, fallback: number, allowZero = false): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || (!allowZero && n === 0)) {
    throw new RivuletError('INVALID_SOURCE_OPTION', `Invalid value '${raw}' for option '${name}' of the rate source: must be a ${allowZero ? 'non-negative' : 'positive'} integer.`, {
      parameters: { option: name },
    });
  }
  return n;
}

/** Spark's RateStreamProvider.valueAtSecond: rows produced by second `seconds`. */
export function valueAtSecond(seconds: number, rowsPerSecond: number, rampUpTimeSeconds: number): number {
  // Long arithmetic as Spark: speed grows by speedDelta each second until rampUpTime.
  const speedDeltaPerSecond = Math.floor(rowsPerSecond / (rampUpTimeSeconds + 1));
  if (seconds <= rampUpTimeSeconds) {
    return seconds % 2 === 1
      ? ((seconds + 1) / 2) * speedDeltaPerSecond * seconds
      : (seconds / 2) * speedDeltaPerSecond * (seconds + 1);
  }
  const rampUpPart = valueAtSecond(rampUpTimeSeconds, rowsPerSecond, rampUpTimeSeconds);
  return rampUpPart + (seconds - rampUpTimeSeconds) * rowsPerSecond;
}

export class RateSource implements Source {
  readonly schema = RATE_SCHEMA;
  readonly rowsPerSecond: number;
  readonly rampUpTimeSeconds: number;
  readonly numPartitions: number;
  readonly #ctx: SourceContext;
  #startTimeMs: number | undefined;

  constructor(options: Readonly<Record<string, string>>, ctx: SourceContext) {
    this.rowsPerSecond = positiveInt(options, 'rowsPerSecond', 1);
    this.numPartitions = positiveInt(options, 'numPartitions', 1);
    const ramp = options['rampUpTime'];
    this.rampUpTimeSeconds = ramp === undefined ? 0 : Math.floor(durationToMicros(/^\d+$/.test(ramp) ? `${ramp} seconds` : ramp) / 1_000_000);
    this.#ctx = ctx;
  }

  get description(): string {
    return `RateStreamV2[rowsPerSecond=${this.rowsPerSecond}, rampUpTimeSeconds=${this.rampUpTimeSeconds}, numPartitions=${this.numPartitions}`;
  }

  async initialOffset(): Promise<Offset | null> {
    return null;
  }

  async latestOffset(start: Offset | null, _limit: ReadLimit): Promise<Offset | null> {
    const s = start as unknown as RateOffset | null;
    if (s) this.#startTimeMs = s.startTimeMs;
    const now = this.#ctx.clock.getTimeMillis();
    // Spark fixes the start time at the first offset request (its metadata log entry 0).
    this.#startTimeMs ??= now;
    const seconds = Math.floor((now - this.#startTimeMs) / 1000);
    if (!s && seconds === 0) return null;
    return { startTimeMs: this.#startTimeMs, seconds } satisfies RateOffset;
  }

  async getBatch(start: Offset | null, end: Offset): Promise<Row[]> {
    const e = end as unknown as RateOffset;
    const s = start as unknown as RateOffset | null;
    const startSeconds = s ? s.seconds : 0;
    if (e.seconds <= startSeconds && s) return [];
    const rangeStart = valueAtSecond(startSeconds, this.rowsPerSecond, this.rampUpTimeSeconds);
    const rangeEnd = valueAtSecond(e.seconds, this.rowsPerSecond, this.rampUpTimeSeconds);
    const localStartTimeMs = e.startTimeMs + startSeconds * 1000;
    const relativeMsPerValue = rangeEnd > rangeStart ? ((e.seconds - startSeconds) * 1000) / (rangeEnd - rangeStart) : 0;
    const rows: Row[] = [];
    for (let v = rangeStart; v < rangeEnd; v++) {
      const tsMs = Math.round(localStartTimeMs + (v - rangeStart) * relativeMsPerValue);
      rows.push([tsMs * 1000, v]);
    }
    return rows;
  }

  async commit(): Promise<void> {}
  async stop(): Promise<void> {}
}
