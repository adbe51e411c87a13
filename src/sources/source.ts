/**
 * The Source contract (Spark's MicroBatchStream with admission control). A source is a
 * replayable log: every offset is JSON-serialisable, and `getBatch(start, end)` returns the same
 * rows for the same range however often it is asked (recovery re-reads a logged range).
 *
 * Protocol, per micro-batch (DESIGN.md): the engine asks `latestOffset(start, limit)`, writes
 * the offset log, then calls `getBatch(start, end)`; after the batch commits it calls
 * `commit(end)`, after which the source may discard data up to `end`.
 */
import type { Row } from '../expr/registry.js';
import type { StructType } from '../types/data-types.js';
import type { Observable } from 'rxjs';

/** A JSON value describing a position in the source. */
export type Offset = string | number | boolean | null | readonly Offset[] | { readonly [k: string]: Offset };

/** Spark's ReadLimit: how much one micro-batch may take. */
export type ReadLimit = { readonly kind: 'all' } | { readonly kind: 'maxRows'; readonly maxRows: number };

export const READ_ALL: ReadLimit = { kind: 'all' };

export interface Source {
  /** Shown in progress reports (`sources[].description`). */
  readonly description: string;
  readonly schema: StructType;
  /**
   * Optional: what the source fixes once for the life of a checkpoint (Spark's per-source
   * metadata log, `sources/<i>/0`), e.g. the rate source's start time. The engine calls it once
   * per run, before any other method, with the value the checkpoint holds (undefined on a fresh
   * checkpoint), and stores the returned value when the checkpoint held none.
   */
  initialize?(stored: Offset | undefined): Promise<Offset>;
  /** The offset before any data (Spark's initialOffset); `null` means "nothing yet". */
  initialOffset(): Promise<Offset | null>;
  /**
   * The end offset of the next batch starting at `start`, taking at most `limit`; equal to
   * `start` (or null) when nothing new is available.
   */
  latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null>;
  /** Rows in `(start, end]`, positional in `schema` order, internal representation. */
  getBatch(start: Offset | null, end: Offset): Promise<Row[]>;
  /** Data up to `end` is committed and will never be asked for again. */
  commit(end: Offset): Promise<void>;
  stop(): Promise<void>;
  /** Optional: emits when new data may be available, so the trigger loop can wake early. */
  readonly dataAvailable$?: Observable<void>;
  /** The ReadLimit that the source's own options ask for (maxOffsetsPerTrigger, ...). */
  readonly defaultReadLimit?: ReadLimit;
}

/** What the runtime needs to build a Source from a plan's serialisable descriptor. */
export interface SourceContext {
  readonly clock: { getTimeMillis(): number };
}

export type SourceFactory = (options: Readonly<Record<string, string>>, ctx: SourceContext) => Source;

export function offsetEquals(a: Offset | null, b: Offset | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
