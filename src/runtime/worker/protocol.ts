/**
 * What crosses the thread boundary when a query runs in a Worker (`start({ worker: true })`).
 * The main thread sends a QuerySpec (the plan as JSON, the writer's settings, the session conf)
 * and a proxied QueryCallbacks object; the worker runs MicroBatchExecution and calls back with
 * every micro-batch's rows (the sink runs on the thread that called start(), as DESIGN.md says
 * for foreach/foreachBatch), its progress and status, and its termination. Sources that only
 * exist on the main thread (memory streams) are called through the callbacks too; every other
 * source (rate, seed-events, websocket, sse) is created in the worker.
 *
 * Everything here is structured-clone data: plans as JSON text (planReplacer keeps Maps, NaN and
 * binary), rows in rivulet's internal representation (numbers, strings, arrays, Maps,
 * Uint8Array), errors as SerializedError (comlink would keep only name and message).
 */
import { RivuletError } from '../../errors.js';
import type { AttributeExpr } from '../../expr/ast.js';
import type { Row } from '../../expr/registry.js';
import type { ConfValue } from '../../api/conf.js';
import type { OutputMode } from '../../plan/output-mode.js';
import type { Offset, ReadLimit } from '../../sources/source.js';
import type { StructType } from '../../types/data-types.js';
import type { ProtocolStep } from '../micro-batch-execution.js';
import type { StreamingQueryProgress, StreamingQueryStatus } from '../progress.js';
import type { Trigger } from '../trigger.js';

/** A source kept on the main thread, called from the worker. */
export interface ProxiedSourceSpec {
  /** The plan leaf's source descriptor as JSON (the key MicroBatchExecution groups leaves by). */
  readonly key: string;
  readonly description: string;
  readonly schema: StructType;
  readonly defaultReadLimit: ReadLimit | undefined;
  readonly hasInitialize: boolean;
  readonly hasDataAvailable: boolean;
}

export interface QuerySpec {
  readonly planJson: string;
  readonly outputMode: OutputMode;
  readonly trigger: Trigger;
  readonly name: string | undefined;
  readonly checkpointLocation: string;
  readonly usesTemporaryCheckpoint: boolean;
  readonly conf: Readonly<Record<string, ConfValue>>;
  readonly proxiedSources: readonly ProxiedSourceSpec[];
  readonly sinkDescription: string;
  readonly hasProtocolHook: boolean;
}

export interface SerializedError {
  readonly errorClass: string | undefined;
  readonly message: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** The error's `cause`, serialized the same way (a few levels deep). */
  readonly cause?: SerializedError;
}

/** Called by the worker, implemented on the main thread. */
export interface QueryCallbacks {
  started(e: { id: string; runId: string; name: string | null; timestamp: string }): void;
  progress(p: StreamingQueryProgress, status: StreamingQueryStatus): void;
  status(s: StreamingQueryStatus, isActive: boolean): void;
  idle(e: { id: string; runId: string; timestamp: string }): void;
  terminated(e: { id: string; runId: string; error: SerializedError | undefined }): void;
  /** Resolves once the main thread's sink holds the batch; rejects (as SerializedError) when it fails. */
  addBatch(batchId: number, output: readonly AttributeExpr[], rows: readonly Row[]): Promise<SerializedError | undefined>;
  closeSink(error: SerializedError | undefined): Promise<void>;
  sourceCall(key: string, method: 'initialize' | 'initialOffset' | 'latestOffset' | 'getBatch' | 'commit' | 'stop', args: unknown[]): Promise<{ value?: unknown; error?: SerializedError }>;
  protocolStep(step: ProtocolStep, batchId: number): Promise<SerializedError | undefined>;
}

/**
 * The query's state as of a host call's reply. Callbacks travel on their own message channel,
 * so they may arrive after the reply of a call that followed them; every reply carries this
 * snapshot so that, once an awaited call returns, the main thread's view is up to date.
 */
export interface QuerySnapshot {
  readonly id: string;
  readonly runId: string;
  readonly isActive: boolean;
  readonly status: StreamingQueryStatus;
  readonly recentProgress: readonly StreamingQueryProgress[];
  readonly exception: SerializedError | undefined;
}

export interface HostReply {
  readonly error?: SerializedError;
  readonly snapshot?: QuerySnapshot;
  /** From start(): the plan as explain(false) and explain(true) print it. */
  readonly explain?: readonly [string, string];
}

/** Exposed by the worker (comlink), called by the main thread. */
export interface QueryHostApi {
  /** Starts the query; resolves once it runs (or with the error that stopped it from starting). */
  start(spec: QuerySpec, callbacks: QueryCallbacks): Promise<HostReply>;
  processAllAvailable(): Promise<HostReply>;
  stop(): Promise<HostReply>;
  /** A main-thread source has new data: wake the trigger loop. */
  dataAvailable(key: string): void;
}

export function serializeError(e: unknown, depth = 0): SerializedError {
  const inner = e instanceof Error && e.cause !== undefined && depth < 4 ? { cause: serializeError(e.cause, depth + 1) } : {};
  if (e instanceof RivuletError) {
    return { errorClass: e.errorClass, message: e.message.slice(e.errorClass.length + 3), parameters: { ...e.messageParameters }, ...inner };
  }
  return { errorClass: undefined, message: e instanceof Error ? e.message : String(e), parameters: {}, ...inner };
}

export function deserializeError(e: SerializedError): Error {
  const cause = e.cause ? { cause: deserializeError(e.cause) } : {};
  return e.errorClass === undefined ? new Error(e.message, cause) : new RivuletError(e.errorClass, e.message, { parameters: { ...e.parameters }, ...cause });
}

/** Offsets cross as JSON values already; this only narrows the type for callers. */
export type { Offset };
