/**
 * The seed pipeline's event generator (BENCHMARKS.md workload 1) as a replayable source:
 * JSON events `{event_id, user_id, event_type, amount, event_time}` in a `value` column, shaped
 * like a log topic (`key, value, topic, partition, offset, timestamp`). Event n is a pure
 * function of (seed, n), so any offset range replays exactly. A small share of events is late
 * (event time minutes behind), has a null amount, or is malformed JSON, so the pipeline's
 * watermark, null handling and dead-letter paths all see traffic.
 */
import { RivuletError } from '../errors.js';
import type { Row } from '../expr/registry.js';
import { structField, structType, type StructType } from '../types/data-types.js';
import type { Offset, ReadLimit, Source, SourceContext } from './source.js';

export const LOG_SCHEMA: StructType = structType([
  structField('key', 'string', true),
  structField('value', 'string', true),
  structField('topic', 'string', false),
  structField('partition', 'integer', false),
  structField('offset', 'long', false),
  structField('timestamp', 'timestamp', false),
]);

export const EVENT_TYPES = ['view', 'click', 'purchase', 'signup', 'logout'] as const;

/** A 32-bit mix (splitmix-style) so event n's fields are deterministic per seed. */
function mix(seed: number, n: number, salt: number): number {
  let h = (seed ^ Math.imul(n + 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export interface SeedEvent {
  event_id: string;
  user_id: string;
  event_type: string;
  amount: number | null;
  event_time: string;
}

export interface SeedEventOptions {
  readonly seed: number;
  readonly startTimeMs: number;
  readonly eventsPerSecond: number;
  /** Events per second of *event time* (default: eventsPerSecond); higher speeds the clock up. */
  readonly eventTimeRate: number;
  readonly users: number;
  /** Share of events whose event time lags by 1–15 minutes (late / out of order). */
  readonly lateRatio: number;
  /** Share of records that are not valid JSON (dead-letter traffic). */
  readonly malformedRatio: number;
}

/** The n-th event's JSON text (or a malformed record). */
export function seedEventJson(n: number, o: SeedEventOptions): string {
  const r = (salt: number): number => mix(o.seed, n, salt) / 4294967296;
  if (r(7) < o.malformedRatio) return `{"event_id": "e${n}", "amount": `;
  const onTimeMs = o.startTimeMs + Math.floor((n * 1000) / o.eventTimeRate);
  const lagMs = r(5) < o.lateRatio ? 60_000 + Math.floor(r(6) * 14 * 60_000) : Math.floor(r(4) * 2000);
  const ev: SeedEvent = {
    event_id: `e${n}`,
    user_id: `u${Math.floor(r(1) * o.users)}`,
    event_type: EVENT_TYPES[Math.floor(r(2) * EVENT_TYPES.length)]!,
    amount: r(8) < 0.02 ? null : Math.round(r(3) * 50000) / 100,
    event_time: new Date(onTimeMs - lagMs).toISOString(),
  };
  return JSON.stringify(ev);
}

function num(options: Readonly<Record<string, string>>, name: string, fallback: number): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) {
    throw new RivuletError('INVALID_SOURCE_OPTION', `Invalid value '${raw}' for option '${name}' of the seed-events source.`, { parameters: { option: name } });
  }
  return v;
}

function positive(options: Readonly<Record<string, string>>, name: string, fallback: number): number {
  const v = num(options, name, fallback);
  if (v <= 0) {
    throw new RivuletError('INVALID_SOURCE_OPTION', `Option '${name}' of the seed-events source must be greater than 0, got '${options[name]}'.`, { parameters: { option: name } });
  }
  return v;
}

/** Offset = number of events produced so far (events 0..offset-1), as a number. */
export class SeedEventSource implements Source {
  readonly schema = LOG_SCHEMA;
  readonly options: SeedEventOptions;
  readonly #ctx: SourceContext;
  readonly #maxPerTrigger: number | undefined;
  readonly #backlog: number;
  #startWallMs: number | undefined;

  constructor(options: Readonly<Record<string, string>>, ctx: SourceContext) {
    this.#ctx = ctx;
    this.options = {
      seed: num(options, 'seed', 42),
      startTimeMs: options['startTime'] !== undefined ? Date.parse(options['startTime']) : Date.UTC(2026, 0, 1),
      eventsPerSecond: positive(options, 'eventsPerSecond', 1000),
      eventTimeRate: positive(options, 'eventTimeRate', num(options, 'eventsPerSecond', 1000)),
      users: num(options, 'users', 500),
      lateRatio: num(options, 'lateRatio', 0.03),
      malformedRatio: num(options, 'malformedRatio', 0.005),
    };
    // Events already waiting when the query starts (a topic with history).
    this.#backlog = num(options, 'backlog', 0);
    const m = options['maxOffsetsPerTrigger'];
    this.#maxPerTrigger = m === undefined ? undefined : num(options, 'maxOffsetsPerTrigger', 0);
  }

  get description(): string {
    return `SeedEvents[eventsPerSecond=${this.options.eventsPerSecond}, seed=${this.options.seed}]`;
  }

  get defaultReadLimit(): ReadLimit | undefined {
    return this.#maxPerTrigger === undefined ? undefined : { kind: 'maxRows', maxRows: this.#maxPerTrigger };
  }

  async initialOffset(): Promise<Offset | null> {
    return null;
  }

  /** Events become available at `eventsPerSecond` of the query clock since the first request. */
  async latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    const now = this.#ctx.clock.getTimeMillis();
    this.#startWallMs ??= now - Math.max(0, Math.floor(((((start as number | null) ?? 0) - this.#backlog) * 1000) / this.options.eventsPerSecond));
    let available = this.#backlog + Math.floor(((now - this.#startWallMs) * this.options.eventsPerSecond) / 1000);
    const from = (start as number | null) ?? 0;
    if (limit.kind === 'maxRows') available = Math.min(available, from + limit.maxRows);
    // Nothing yet on a fresh start: no offset, so no empty batch 0 (as Spark's sources).
    if (start === null && available <= 0) return null;
    return Math.max(from, available);
  }

  async getBatch(start: Offset | null, end: Offset): Promise<Row[]> {
    const from = (start as number | null) ?? 0;
    const rows: Row[] = [];
    for (let n = from; n < (end as number); n++) {
      const tsMs = this.options.startTimeMs + Math.floor((n * 1000) / this.options.eventTimeRate);
      rows.push([`e${n}`, seedEventJson(n, this.options), 'events', 0, n, tsMs * 1000]);
    }
    return rows;
  }

  async commit(): Promise<void> {}
  async stop(): Promise<void> {}
}
