/**
 * The worker side of `start({ worker: true })`: rebuilds the query from a QuerySpec and runs it
 * with MicroBatchExecution. The sink is a RemoteSink forwarding each batch's rows to the main
 * thread; main-thread sources are RemoteSources calling back. Exposed through comlink by the
 * worker entries (worker-entry.ts for Web Workers, src/node/worker-entry.ts for worker_threads).
 */
import { Subject } from 'rxjs';
import { Session } from '../../api/session.js';
import { openCheckpoint } from '../../checkpoint/locations.js';
import type { DataFrame } from '../../api/dataframe.js';
import type { Row } from '../../expr/registry.js';
import { planFromJSON } from '../../plan/serde.js';
import { outputOf } from '../../plan/output.js';
import { batchRows } from '../../sinks/batch-data.js';
import type { Sink } from '../../sinks/sink.js';
import { createSource } from '../../sources/registry.js';
import type { Offset, ReadLimit, Source } from '../../sources/source.js';
import type { StructType } from '../../types/data-types.js';
import { SystemClock } from '../clock.js';
import { MicroBatchExecution } from '../micro-batch-execution.js';
import { deserializeError, serializeError, type HostReply, type ProxiedSourceSpec, type QueryCallbacks, type QueryHostApi, type QuerySnapshot, type QuerySpec } from './protocol.js';

class RemoteSink implements Sink {
  constructor(
    readonly description: string,
    readonly callbacks: QueryCallbacks,
  ) {}
  async addBatch(batchId: number, data: DataFrame): Promise<void> {
    const rows: Row[] = batchRows(data);
    const error = await this.callbacks.addBatch(batchId, outputOf(data.plan), rows);
    if (error) throw deserializeError(error);
  }
  async close(error?: unknown): Promise<void> {
    await this.callbacks.closeSink(error === undefined ? undefined : serializeError(error));
  }
}

class RemoteSource implements Source {
  readonly description: string;
  readonly schema: StructType;
  readonly defaultReadLimit: ReadLimit | undefined;
  readonly dataAvailable$: Subject<void> | undefined;
  readonly initialize: ((stored: Offset | undefined) => Promise<Offset>) | undefined;
  constructor(
    readonly spec: ProxiedSourceSpec,
    readonly callbacks: QueryCallbacks,
  ) {
    this.description = spec.description;
    this.schema = spec.schema;
    this.defaultReadLimit = spec.defaultReadLimit;
    this.dataAvailable$ = spec.hasDataAvailable ? new Subject<void>() : undefined;
    this.initialize = spec.hasInitialize ? (stored) => this.#call('initialize', [stored]) as Promise<Offset> : undefined;
  }
  async #call(method: Parameters<QueryCallbacks['sourceCall']>[1], args: unknown[]): Promise<unknown> {
    const r = await this.callbacks.sourceCall(this.spec.key, method, args);
    if (r.error) throw deserializeError(r.error);
    return r.value;
  }
  initialOffset(): Promise<Offset | null> {
    return this.#call('initialOffset', []) as Promise<Offset | null>;
  }
  latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    return this.#call('latestOffset', [start, limit]) as Promise<Offset | null>;
  }
  getBatch(start: Offset | null, end: Offset): Promise<Row[]> {
    return this.#call('getBatch', [start, end]) as Promise<Row[]>;
  }
  async commit(end: Offset): Promise<void> {
    await this.#call('commit', [end]);
  }
  async stop(): Promise<void> {
    await this.#call('stop', []);
  }
}

/** One query per worker: the host a worker entry exposes. */
export function createQueryHost(): QueryHostApi {
  let exec: MicroBatchExecution | undefined;
  const remoteSources = new Map<string, RemoteSource>();
  const snapshot = (): QuerySnapshot | undefined =>
    exec && {
      id: exec.id,
      runId: exec.runId,
      isActive: exec.isActive,
      status: exec.status,
      recentProgress: exec.recentProgress,
      exception: exec.exception ? serializeError(exec.exception) : undefined,
    };
  return {
    async start(spec: QuerySpec, callbacks: QueryCallbacks): Promise<HostReply> {
      if (exec) return { error: serializeError(new Error('this worker already runs a query')) };
      try {
        const session = Session.builder().appName(spec.name ?? 'worker').create();
        for (const [k, v] of Object.entries(spec.conf)) session.conf.set(k, v);
        const plan = planFromJSON(spec.planJson);
        const checkpoint = await openCheckpoint(spec.checkpointLocation);
        const clock = new SystemClock();
        exec = new MicroBatchExecution({
          session,
          plan,
          sink: new RemoteSink(spec.sinkDescription, callbacks),
          outputMode: spec.outputMode,
          trigger: spec.trigger,
          checkpoint,
          clock,
          name: spec.name,
          usesTemporaryCheckpoint: spec.usesTemporaryCheckpoint,
          createSource: (leaf) => {
            const key = JSON.stringify(leaf.source);
            const proxied = spec.proxiedSources.find((p) => p.key === key);
            if (!proxied) return createSource(leaf.source.format, leaf.source.options, { clock });
            const s = new RemoteSource(proxied, callbacks);
            remoteSources.set(key, s);
            return s;
          },
          ...(spec.hasProtocolHook
            ? {
                onProtocolStep: async (step, batchId) => {
                  const error = await callbacks.protocolStep(step, batchId);
                  if (error) throw deserializeError(error);
                },
              }
            : {}),
          events: {
            started: (e) => callbacks.started(e),
            progress: (p) => callbacks.progress(p, exec!.status),
            idle: (e) => {
              callbacks.idle(e);
              callbacks.status(exec!.status, exec!.isActive);
            },
            terminated: (e) => callbacks.terminated({ id: e.id, runId: e.runId, error: e.error ? serializeError(e.error) : undefined }),
          },
        });
        const running = exec;
        await running.start();
        return { snapshot: snapshot()!, explain: [running.explain(false), running.explain(true)] };
      } catch (e) {
        exec = undefined;
        return { error: serializeError(e) };
      }
    },
    async processAllAvailable(): Promise<HostReply> {
      try {
        await exec?.processAllAvailable();
        return { snapshot: snapshot()! };
      } catch (e) {
        return { error: serializeError(e), snapshot: snapshot()! };
      }
    },
    async stop(): Promise<HostReply> {
      await exec?.stop();
      return { snapshot: snapshot()! };
    },
    dataAvailable(key: string): void {
      remoteSources.get(key)?.dataAvailable$?.next();
    },
  };
}
