/**
 * Spark's MemoryStream: a test and demo source fed by `addData`. Each `addData` call is one
 * offset (Spark's LongOffset), so `addData` returns the new offset and `getBatch(a, b)` returns
 * the rows of calls a+1..b, in order.
 */
import { Subject } from 'rxjs';
import type { Row } from '../expr/registry.js';
import type { StructType } from '../types/data-types.js';
import { validateRows } from '../types/convert.js';
import type { Offset, ReadLimit, Source } from './source.js';

const streams = new Map<string, MemoryStream>();
let counter = 0;

export function lookupMemoryStream(id: string): MemoryStream | undefined {
  return streams.get(id);
}

export class MemoryStream implements Source {
  readonly id: string;
  readonly schema: StructType;
  readonly #batches: Row[][] = [];
  readonly #available = new Subject<void>();
  readonly dataAvailable$ = this.#available.asObservable();

  constructor(schema: StructType) {
    this.id = `memory-${++counter}`;
    this.schema = schema;
    streams.set(this.id, this);
  }

  get description(): string {
    return `MemoryStream[${this.schema.fields.map((f) => f.name).join(',')}]`;
  }

  /** Appends rows (plain objects or positional arrays) as one offset; returns that offset. */
  addData(rows: readonly unknown[]): number {
    this.#batches.push(validateRows(rows, this.schema));
    // Wake the trigger after the caller's synchronous code: rows added together (MultiAddData)
    // are then always seen together, in one micro-batch.
    queueMicrotask(() => this.#available.next());
    return this.#batches.length - 1;
  }

  /** The latest offset (-1 before any data). */
  get currentOffset(): number {
    return this.#batches.length - 1;
  }

  async initialOffset(): Promise<Offset | null> {
    return null;
  }

  async latestOffset(_start: Offset | null, _limit: ReadLimit): Promise<Offset | null> {
    return this.#batches.length === 0 ? null : this.#batches.length - 1;
  }

  async getBatch(start: Offset | null, end: Offset): Promise<Row[]> {
    const from = start === null ? 0 : (start as number) + 1;
    const out: Row[] = [];
    // No spread: a batch of 100k+ rows would overflow the call stack as arguments.
    for (let i = from; i <= (end as number); i++) for (const row of this.#batches[i] ?? []) out.push(row);
    return out;
  }

  async commit(_end: Offset): Promise<void> {}

  async stop(): Promise<void> {}
}
