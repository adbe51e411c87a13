/**
 * The main-thread side of `start({ worker: true })`: starts a query in a Worker (a module Web
 * Worker, or a Node worker_thread once `rivulet/node` is imported) through comlink and mirrors it
 * as a QueryExecution, so the StreamingQuery the caller gets has the same API as a local one.
 * The sink (memory, console, foreachBatch, table, ...) stays on this thread and receives each
 * batch's rows; memory streams stay here too and are read from the worker through callbacks.
 * `status` and `lastProgress` are the worker's as of its last progress report (a batch's
 * intermediate status messages are not mirrored).
 */
import * as Comlink from 'comlink';
import type { Subscription } from 'rxjs';
import type { Session } from '../../api/session.js';
import { RivuletError } from '../../errors.js';
import type { AttributeExpr } from '../../expr/ast.js';
import type { Row } from '../../expr/registry.js';
import { newPlanId, planChildren, type LogicalPlan, type StreamingRelation } from '../../plan/logical.js';
import type { OutputMode } from '../../plan/output-mode.js';
import { planToJSON } from '../../plan/serde.js';
import type { Sink } from '../../sinks/sink.js';
import { createSource } from '../../sources/registry.js';
import type { Offset, ReadLimit, Source } from '../../sources/source.js';
import { SystemClock } from '../clock.js';
import type { ExecutionEvents, ProtocolStep } from '../micro-batch-execution.js';
import type { StreamingQueryProgress, StreamingQueryStatus } from '../progress.js';
import type { QueryExecution } from '../streaming-query.js';
import type { Trigger } from '../trigger.js';
import { deserializeError, serializeError, type HostReply, type ProxiedSourceSpec, type QueryCallbacks, type QueryHostApi, type QuerySnapshot, type QuerySpec, type SerializedError } from './protocol.js';

/** A started worker: the comlink endpoint and how to end it. */
export interface WorkerHandle {
  readonly endpoint: Comlink.Endpoint;
  terminate(): void;
  /** Rejects if the worker fails to load or crashes (its script missing, a permission refused, ...). */
  readonly failed?: Promise<never>;
}
export type WorkerFactory = () => WorkerHandle;

let workerFactory: WorkerFactory | undefined;

/** Sets how `start({ worker: true })` creates workers (rivulet/node registers worker_threads). */
export function registerWorkerFactory(factory: WorkerFactory | undefined): void {
  workerFactory = factory;
}

function defaultWorkerFactory(): WorkerHandle {
  if (typeof (globalThis as { Worker?: unknown }).Worker !== 'function') {
    throw new RivuletError('UNSUPPORTED_FEATURE.WORKER', "This runtime has no Worker: under Node, `import 'rivulet/node'` to run queries in worker_threads.", {
      parameters: { option: 'worker' },
    });
  }
  return webWorkerHandle(new Worker(new URL('./worker-entry.js', import.meta.url), { type: 'module' }));
}

/** A handle on a Web Worker running the query host; `failed` rejects if it cannot load or crashes. */
export function webWorkerHandle(worker: Worker): WorkerHandle {
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener(
      'error',
      (e: ErrorEvent) => {
        e.preventDefault();
        reject(new RivuletError('WORKER_FAILED', `The query's Worker failed: ${e.message || 'its script could not be loaded'}.`, { parameters: { option: 'worker' } }));
      },
      { once: true },
    );
  });
  failed.catch(() => undefined);
  return { endpoint: worker, terminate: () => worker.terminate(), failed };
}

/** Sources that only exist on this thread (memory streams) are proxied; the rest run in the worker. */
const MAIN_THREAD_FORMATS = new Set(['memory']);

const MAX_RECENT_PROGRESS = 100;

export interface RemoteQueryConfig {
  readonly session: Session;
  readonly plan: LogicalPlan;
  readonly sink: Sink;
  readonly outputMode: OutputMode;
  readonly trigger: Trigger;
  readonly name: string | undefined;
  readonly checkpointLocation: string;
  readonly usesTemporaryCheckpoint: boolean;
  readonly events: ExecutionEvents;
  readonly onProtocolStep?: (step: ProtocolStep, batchId: number) => void | Promise<void>;
}

export class RemoteExecution implements QueryExecution {
  id = '';
  runId = '';
  #active = false;
  #status: StreamingQueryStatus = { message: 'Initializing sources', isDataAvailable: false, isTriggerActive: false, warnings: [] };
  #recent: StreamingQueryProgress[] = [];
  #error: RivuletError | undefined;
  #explain = ['', ''];
  #terminated = false;
  readonly #terminatedPromise: Promise<void>;
  #resolveTerminated!: () => void;
  #host: Comlink.Remote<QueryHostApi> | undefined;
  #worker: WorkerHandle | undefined;
  readonly #sources = new Map<string, Source>();
  readonly #subscriptions: Subscription[] = [];

  constructor(readonly config: RemoteQueryConfig) {
    this.#terminatedPromise = new Promise((resolve) => {
      this.#resolveTerminated = resolve;
    });
  }

  get name(): string | null {
    return this.config.name ?? null;
  }
  get isActive(): boolean {
    return this.#active;
  }
  get status(): StreamingQueryStatus {
    return { ...this.#status, warnings: [...this.#status.warnings] };
  }
  get recentProgress(): StreamingQueryProgress[] {
    return [...this.#recent];
  }
  get lastProgress(): StreamingQueryProgress | null {
    return this.#recent.at(-1) ?? null;
  }
  get exception(): RivuletError | undefined {
    return this.#error;
  }
  explain(extended = false): string {
    return this.#explain[extended ? 1 : 0]!;
  }

  /** Creates the worker and starts the query there; rejects (and ends the worker) if it cannot start. */
  async start(): Promise<void> {
    const spec = this.#spec();
    this.#worker = (workerFactory ?? defaultWorkerFactory)();
    this.#host = Comlink.wrap<QueryHostApi>(this.#worker.endpoint);
    const started = this.#host.start(spec, Comlink.proxy(this.#callbacks()));
    let reply: HostReply;
    try {
      reply = this.#worker.failed ? await Promise.race([started, this.#worker.failed]) : await started;
    } catch (e) {
      this.#endWorker();
      throw e;
    }
    if (reply.error) {
      this.#endWorker();
      throw deserializeError(reply.error);
    }
    if (reply.explain) this.#explain = [...reply.explain];
    this.#apply(reply);
    for (const [key, source] of this.#sources) {
      if (source.dataAvailable$) this.#subscriptions.push(source.dataAvailable$.subscribe(() => void this.#host?.dataAvailable(key)));
    }
  }

  async processAllAvailable(): Promise<void> {
    if (this.#error) throw this.#error;
    if (!this.#active || !this.#host) return;
    const reply = await this.#track(this.#host.processAllAvailable());
    this.#apply(reply);
    if (this.#error) throw this.#error;
    if (reply.error) throw deserializeError(reply.error);
  }

  async awaitTermination(timeoutMs?: number): Promise<boolean> {
    const done =
      timeoutMs === undefined
        ? await this.#terminatedPromise.then(() => true)
        : await Promise.race([this.#terminatedPromise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs))]);
    if (done && this.#error) throw this.#error;
    return done;
  }

  async stop(): Promise<void> {
    if (!this.#active || !this.#host) return;
    this.#apply(await this.#track(this.#host.stop()));
    await this.#terminatedPromise;
  }

  /** Takes the worker's view from a reply (callbacks may still be on their way). */
  #apply(reply: HostReply): void {
    const s: QuerySnapshot | undefined = reply.snapshot;
    if (!s) return;
    this.id = s.id;
    this.runId = s.runId;
    this.#status = s.status;
    this.#recent = [...s.recentProgress];
    if (s.exception && !this.#error) this.#error = deserializeError(s.exception) as RivuletError;
    this.#active = s.isActive && !this.#terminated;
  }

  readonly #pending = new Set<Promise<unknown>>();

  #track<T>(call: Promise<T>): Promise<T> {
    this.#pending.add(call);
    const done = () => this.#pending.delete(call);
    call.then(done, done);
    return call;
  }

  async #endWorkerWhenSettled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
    this.#endWorker();
  }

  #spec(): QuerySpec {
    const proxied: ProxiedSourceSpec[] = [];
    for (const leaf of streamingLeaves(this.config.plan)) {
      const key = JSON.stringify(leaf.source);
      if (!MAIN_THREAD_FORMATS.has(leaf.source.format.toLowerCase()) || this.#sources.has(key)) continue;
      const source = createSource(leaf.source.format, leaf.source.options, { clock: new SystemClock() });
      this.#sources.set(key, source);
      proxied.push({
        key,
        description: source.description,
        schema: source.schema,
        defaultReadLimit: source.defaultReadLimit,
        hasInitialize: source.initialize !== undefined,
        hasDataAvailable: source.dataAvailable$ !== undefined,
      });
    }
    return {
      planJson: planToJSON(this.config.plan),
      outputMode: this.config.outputMode,
      trigger: this.config.trigger,
      name: this.config.name,
      checkpointLocation: this.config.checkpointLocation,
      usesTemporaryCheckpoint: this.config.usesTemporaryCheckpoint,
      conf: this.config.session.conf.getAll(),
      proxiedSources: proxied,
      sinkDescription: this.config.sink.description,
      hasProtocolHook: this.config.onProtocolStep !== undefined,
    };
  }

  #callbacks(): QueryCallbacks {
    const { session, sink, events } = this.config;
    return {
      started: (e) => {
        this.id = e.id;
        this.runId = e.runId;
        events.started({ id: e.id, runId: e.runId, name: e.name, timestamp: e.timestamp });
      },
      progress: (p, status) => {
        // A reply's snapshot may already hold it.
        const last = this.#recent.at(-1);
        if (!last || last.batchId < p.batchId || last.runId !== p.runId) {
          this.#recent.push(p);
          if (this.#recent.length > MAX_RECENT_PROGRESS) this.#recent.shift();
          this.#status = status;
        }
        events.progress(p);
      },
      status: (s, isActive) => {
        this.#status = s;
        if (!isActive) this.#active = false;
      },
      idle: (e) => events.idle(e),
      terminated: (e) => {
        if (e.error) this.#error = deserializeError(e.error) as RivuletError;
        this.#active = false;
        this.#terminated = true;
        this.#status = { ...this.#status, message: 'Stopped', isTriggerActive: false, isDataAvailable: false };
        for (const s of this.#subscriptions) s.unsubscribe();
        // Calls to the worker may still be answering (stop(), processAllAvailable()): end it
        // once they have settled, so none is left waiting on a worker that is gone.
        void this.#endWorkerWhenSettled();
        this.#resolveTerminated();
        events.terminated({ id: e.id, runId: e.runId, error: this.#error });
      },
      addBatch: async (batchId: number, output: readonly AttributeExpr[], rows: readonly Row[]): Promise<SerializedError | undefined> => {
        try {
          const df = session.dataFrameOf({ node: 'LocalRelation', id: newPlanId(), output, rows: rows as Row[] });
          await sink.addBatch(batchId, df);
          return undefined;
        } catch (e) {
          return serializeError(e);
        }
      },
      closeSink: async (error) => {
        await sink.close?.(error ? deserializeError(error) : undefined).catch(() => undefined);
      },
      sourceCall: async (key, method, args) => {
        const source = this.#sources.get(key);
        try {
          if (!source) throw new RivuletError('INTERNAL_ERROR', `no main-thread source ${key}`);
          return { value: await callSource(source, method, args) };
        } catch (e) {
          return { error: serializeError(e) };
        }
      },
      protocolStep: async (step, batchId) => {
        try {
          await this.config.onProtocolStep?.(step, batchId);
          return undefined;
        } catch (e) {
          return serializeError(e);
        }
      },
    };
  }

  #endWorker(): void {
    this.#host?.[Comlink.releaseProxy]();
    this.#host = undefined;
    this.#worker?.terminate();
    this.#worker = undefined;
  }
}

function callSource(source: Source, method: Parameters<QueryCallbacks['sourceCall']>[1], args: unknown[]): Promise<unknown> {
  switch (method) {
    case 'initialize':
      return source.initialize ? source.initialize(args[0] as Offset | undefined) : Promise.resolve(null);
    case 'initialOffset':
      return source.initialOffset();
    case 'latestOffset':
      return source.latestOffset(args[0] as Offset | null, args[1] as ReadLimit);
    case 'getBatch':
      return source.getBatch(args[0] as Offset | null, args[1] as Offset);
    case 'commit':
      return source.commit(args[0] as Offset);
    case 'stop':
      return source.stop();
  }
}

function streamingLeaves(p: LogicalPlan, out: StreamingRelation[] = []): StreamingRelation[] {
  if (p.node === 'StreamingRelation') out.push(p);
  else planChildren(p).forEach((c) => streamingLeaves(c, out));
  return out;
}
