/**
 * Spark's `rate` source: `rowsPerSecond` rows per second with columns `timestamp` and `value`,
 * ramping up linearly over `rampUpTime`. An offset is the number of whole seconds since the
 * start time, and the start time is fixed once per checkpoint in the source's metadata entry
 * (Spark's RateStreamMicroBatchStream keeps it in `sources/0/0`), so rows and timestamps follow
 * from offsets alone and any range can be replayed exactly.
 */
import { RivuletError } from '../errors.js';
import type { Row } from '../expr/registry.js';
import { structField, structType, type StructType } from '../types/data-types.js';
import { durationToMicros } from '../types/interval.js';
import type { Offset, ReadLimit, Source, SourceContext } from './source.js';

interface RateMetadata {
  readonly startTimeMs: number;
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

  /** The start time: the checkpoint's, or now on a fresh checkpoint (Spark's creationTimeMs). */
  async initialize(stored: Offset | undefined): Promise<Offset> {
    const m = stored as unknown as RateMetadata | undefined;
    if (m !== undefined && (typeof m !== 'object' || m === null || !Number.isFinite(m.startTimeMs))) {
      throw new RivuletError('CHECKPOINT_CORRUPT', `The rate source's metadata entry ${JSON.stringify(stored)} has no numeric startTimeMs.`);
    }
    this.#startTimeMs = m?.startTimeMs ?? this.#start();
    return { startTimeMs: this.#startTimeMs } satisfies RateMetadata;
  }

  #start(): number {
    // Used without initialize() (outside a query): fixed at the first request.
    this.#startTimeMs ??= this.#ctx.clock.getTimeMillis();
    return this.#startTimeMs;
  }

  async initialOffset(): Promise<Offset | null> {
    return null;
  }

  async latestOffset(start: Offset | null, _limit: ReadLimit): Promise<Offset | null> {
    const startTimeMs = this.#start();
    const seconds = Math.floor((this.#ctx.clock.getTimeMillis() - startTimeMs) / 1000);
    if (start === null && seconds === 0) return null;
    return Math.max(seconds, (start as number | null) ?? 0);
  }

  async getBatch(start: Offset | null, end: Offset): Promise<Row[]> {
    const startSeconds = (start as number | null) ?? 0;
    const endSeconds = end as number;
    if (endSeconds <= startSeconds) return [];
    const rangeStart = valueAtSecond(startSeconds, this.rowsPerSecond, this.rampUpTimeSeconds);
    const rangeEnd = valueAtSecond(endSeconds, this.rowsPerSecond, this.rampUpTimeSeconds);
    const localStartTimeMs = this.#start() + startSeconds * 1000;
    const relativeMsPerValue = rangeEnd > rangeStart ? ((endSeconds - startSeconds) * 1000) / (rangeEnd - rangeStart) : 0;
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
