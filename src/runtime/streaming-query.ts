/** `StreamingQuery`: the handle `start()` returns (a facade over MicroBatchExecution). */
import { RivuletError } from '../errors.js';
import { MicroBatchExecution } from './micro-batch-execution.js';
import type { StreamingQueryProgress, StreamingQueryStatus } from './progress.js';

/** What a StreamingQuery drives: a MicroBatchExecution here, or one in a Worker. */
export interface QueryExecution {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly isActive: boolean;
  readonly status: StreamingQueryStatus;
  readonly lastProgress: StreamingQueryProgress | null;
  readonly recentProgress: StreamingQueryProgress[];
  readonly exception: RivuletError | undefined;
  processAllAvailable(): Promise<void>;
  awaitTermination(timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
  explain(extended?: boolean): string;
}

export class StreamingQuery {
  readonly #exec: QueryExecution;
  constructor(exec: QueryExecution) {
    this.#exec = exec;
  }
  /** Stable across restarts from the same checkpoint. */
  get id(): string {
    return this.#exec.id;
  }
  /** New for every start. */
  get runId(): string {
    return this.#exec.runId;
  }
  get name(): string | null {
    return this.#exec.name;
  }
  get isActive(): boolean {
    return this.#exec.isActive;
  }
  get status(): StreamingQueryStatus {
    return this.#exec.status;
  }
  get lastProgress(): StreamingQueryProgress | null {
    return this.#exec.lastProgress;
  }
  get recentProgress(): StreamingQueryProgress[] {
    return this.#exec.recentProgress;
  }
  /** Runs batches until every source is drained and no no-data batch is pending. */
  processAllAvailable(): Promise<void> {
    return this.#exec.processAllAvailable();
  }
  /**
   * Resolves when the query terminates (true), or after `timeoutMs` (false if still running);
   * rejects with the query's exception if it failed.
   */
  awaitTermination(timeoutMs?: number): Promise<boolean> {
    return this.#exec.awaitTermination(timeoutMs);
  }
  stop(): Promise<void> {
    return this.#exec.stop();
  }
  exception(): RivuletError | null {
    return this.#exec.exception ?? null;
  }
  explain(extended = false): string {
    return this.#exec.explain(extended);
  }
  /** @internal The execution, for the test harness (queries on this thread only). */
  get execution(): MicroBatchExecution {
    if (!(this.#exec instanceof MicroBatchExecution)) {
      throw new RivuletError('UNSUPPORTED_FEATURE.WORKER', 'The test harness drives queries on this thread; start the query without { worker: true }.');
    }
    return this.#exec;
  }
}
