/** `spark.streams` (Spark's StreamingQueryManager) and the listener bus. */
import { RivuletError } from '../errors.js';
import type { StreamingQueryListener } from './progress.js';
import type { StreamingQuery } from './streaming-query.js';

export class StreamingQueryManager {
  readonly #active = new Map<string, StreamingQuery>();
  readonly #listeners = new Set<StreamingQueryListener>();
  #lastTerminated: StreamingQuery | undefined;
  #anyTerminated: (() => void)[] = [];

  get active(): StreamingQuery[] {
    return [...this.#active.values()];
  }

  get(id: string): StreamingQuery | null {
    return this.#active.get(id) ?? null;
  }

  addListener(l: StreamingQueryListener): void {
    this.#listeners.add(l);
  }

  removeListener(l: StreamingQueryListener): void {
    this.#listeners.delete(l);
  }

  /** Resolves when any query terminates (rejects with its exception if it failed). */
  async awaitAnyTermination(timeoutMs?: number): Promise<boolean> {
    if (this.#lastTerminated) {
      const e = this.#lastTerminated.exception();
      if (e) throw e;
      return true;
    }
    const done = new Promise<boolean>((r) => this.#anyTerminated.push(() => r(true)));
    const result = timeoutMs === undefined ? await done : await Promise.race([done, new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs))]);
    const last = this.#lastTerminated as StreamingQuery | undefined;
    const e = last?.exception();
    if (result && e) throw e;
    return result;
  }

  resetTerminated(): void {
    this.#lastTerminated = undefined;
  }

  /** @internal */
  register(q: StreamingQuery): void {
    const name = q.name;
    if (name && this.active.some((a) => a.name === name)) {
      throw new RivuletError('DUPLICATED_QUERY_NAME', `Cannot start query with name ${name} as a query with that name is already active in this SparkSession.`);
    }
  }

  /** @internal */
  activate(q: StreamingQuery): void {
    for (const a of this.#active.values()) {
      if (a.id === q.id) {
        throw new RivuletError('CONCURRENT_QUERY', `Cannot start query with id ${q.id} as another query with same id is already active. Perhaps you are attempting to restart a query from checkpoint that is already active.`);
      }
    }
    this.#active.set(q.id, q);
  }

  /** @internal */
  terminated(q: StreamingQuery): void {
    this.#active.delete(q.id);
    this.#lastTerminated = q;
    const waiters = this.#anyTerminated;
    this.#anyTerminated = [];
    for (const w of waiters) w();
  }

  /** @internal Listener events are delivered asynchronously, as Spark's listener bus does. */
  post<K extends keyof StreamingQueryListener>(kind: K, event: Parameters<NonNullable<StreamingQueryListener[K]>>[0]): void {
    for (const l of this.#listeners) {
      const f = l[kind] as ((e: unknown) => void) | undefined;
      if (!f) continue;
      try {
        f.call(l, event);
      } catch (e) {
        // A failing listener must not stop the query (Spark logs and continues).
        console.warn(`rivulet: a StreamingQueryListener.${kind} threw`, e);
      }
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.active.map((q) => q.stop()));
  }
}
