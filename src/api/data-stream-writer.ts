/** `df.writeStream`: configures the sink, output mode and trigger, then `start()`s the query. */
import { RivuletError } from '../errors.js';
import { openCheckpoint, temporaryCheckpointLocation } from '../checkpoint/locations.js';
import { parseOutputMode, type OutputMode } from '../plan/output-mode.js';
import { outputOf } from '../plan/output.js';
import { checkStreamingPlan } from '../plan/streaming-checks.js';
import { SystemClock, type Clock } from '../runtime/clock.js';
import { MicroBatchExecution, type ExecutionEvents, type ProtocolStep } from '../runtime/micro-batch-execution.js';
import { RemoteExecution } from '../runtime/worker/remote-execution.js';
import { stopOnPageLifecycle } from '../runtime/page-lifecycle.js';
import { StreamingQuery } from '../runtime/streaming-query.js';
import { DEFAULT_TRIGGER, parseTrigger, type Trigger, type TriggerSpec } from '../runtime/trigger.js';
import { ConsoleSink } from '../sinks/console-sink.js';
import {
  ForeachBatchSink,
  ForeachSink,
  type ForeachBatchFunction,
  type ForeachFunction,
  type ForeachWriter,
} from '../sinks/foreach-sink.js';
import { MemorySink, updateKeyColumns } from '../sinks/memory-sink.js';
import type { Sink } from '../sinks/sink.js';
import { TableSink } from '../sinks/table-sink.js';
import { createSource } from '../sources/registry.js';
import type { DataFrame } from './dataframe.js';

export interface StartOptions {
  /** A ManualClock (from 'rivulet/testing') to drive processing-time triggers deterministically. */
  readonly clock?: Clock;
  /**
   * Run the query in a dedicated Worker (a module Web Worker; a worker_thread under Node once
   * `rivulet/node` is imported). The sink, foreach/foreachBatch callbacks and memory streams
   * stay on this thread; the returned StreamingQuery has the same API.
   */
  readonly worker?: boolean;
  /**
   * Testing hook: called at each step of the micro-batch protocol. Throwing (or killing the
   * process) there simulates a failure at that step; recovery tests use it.
   */
  readonly onProtocolStep?: (step: ProtocolStep, batchId: number) => void | Promise<void>;
}

export class DataStreamWriter {
  readonly #df: DataFrame;
  #format = 'console';
  #outputMode: OutputMode = 'append';
  #queryName: string | undefined;
  #trigger: Trigger = DEFAULT_TRIGGER;
  readonly #options: Record<string, string> = {};
  #foreach: ForeachWriter | ForeachFunction | undefined;
  #foreachBatch: ForeachBatchFunction | undefined;
  #customSink: Sink | undefined;

  constructor(df: DataFrame) {
    this.#df = df;
  }

  format(source: string): this {
    this.#format = source.toLowerCase();
    return this;
  }
  outputMode(mode: string): this {
    this.#outputMode = parseOutputMode(mode);
    return this;
  }
  queryName(name: string): this {
    this.#queryName = name;
    return this;
  }
  option(key: string, value: string | number | boolean): this {
    this.#options[key] = String(value);
    return this;
  }
  options(map: Record<string, string | number | boolean>): this {
    for (const [k, v] of Object.entries(map)) this.option(k, v);
    return this;
  }
  trigger(spec: TriggerSpec): this {
    this.#trigger = parseTrigger(spec);
    return this;
  }
  partitionBy(..._cols: string[]): this {
    return this;
  }
  foreach(writer: ForeachWriter | ForeachFunction): this {
    this.#format = 'foreach';
    this.#foreach = writer;
    return this;
  }
  foreachBatch(fn: ForeachBatchFunction): this {
    this.#format = 'foreachbatch';
    this.#foreachBatch = fn;
    return this;
  }

  /** A user-defined sink implementing the Sink contract (rivulet extension). */
  sink(sink: Sink): this {
    this.#format = 'custom';
    this.#customSink = sink;
    return this;
  }

  /**
   * Spark's `toTable(tableName)`: starts the query writing into the durable table `tableName`
   * (the `table` sink), readable with `spark.table(tableName)`. The table lives in the query's
   * checkpoint location unless `option('path', url)` names another location.
   */
  toTable(tableName: string, options: StartOptions = {}): Promise<StreamingQuery> {
    this.#format = 'table';
    this.#options['table'] = tableName;
    return this.start(options);
  }

  /** Starts the query; resolves once it is running (after recovery from the checkpoint). */
  async start(options: StartOptions = {}): Promise<StreamingQuery> {
    if (options.worker && options.clock) {
      throw new RivuletError('UNSUPPORTED_FEATURE.WORKER', 'A ManualClock cannot drive a query in a Worker (clocks do not cross threads); start it without { worker: true }.', {
        parameters: { option: 'clock' },
      });
    }
    const df = this.#df;
    const session = df.sparkSession;
    checkStreamingPlan(df.plan, this.#outputMode, {
      allowDistinctAggregation: session.conf.getBoolean('rivulet.sql.streaming.allowDistinctAggregation'),
      checkCorrectness: session.conf.getBoolean('rivulet.sql.streaming.statefulOperator.checkCorrectness.enabled'),
    });
    if (this.#trigger.kind === 'continuous') {
      throw new RivuletError('UNSUPPORTED_FEATURE.CONTINUOUS_PROCESSING', 'Continuous processing (trigger({ continuous })) is not supported yet; use processingTime.', {
        parameters: { option: 'trigger' },
      });
    }
    // Resolved here so a table sink can share the checkpoint's location (a temporary one too).
    const checkpointLocation = this.#options['checkpointLocation'] ?? temporaryCheckpointLocation();
    if (options.worker && this.#format === 'table' && this.#options['path'] === undefined && checkpointLocation.startsWith('level://')) {
      // LevelDB locks its directory: the worker's checkpoint and this thread's table cannot share it.
      throw new RivuletError('UNSUPPORTED_FEATURE.WORKER', "A table sink in a worker query needs option('path') when the checkpoint is a level:// location.", {
        parameters: { option: 'path' },
      });
    }
    // The table sink asks for the query id at its first batch, once `exec` exists.
    const sink = this.#createSink(checkpointLocation, () => exec.id);
    const clock = options.clock ?? new SystemClock();
    // In a worker query the checkpoint is opened by the worker.
    const checkpoint = options.worker ? undefined : await openCheckpoint(checkpointLocation);
    if (sink instanceof TableSink) {
      try {
        await sink.open();
      } catch (e) {
        await checkpoint?.close().catch(() => undefined);
        throw e;
      }
      session.registerTable(sink.name, sink.table!);
    }
    const usesTemporaryCheckpoint = this.#options['checkpointLocation'] === undefined;
    const events: ExecutionEvents = {
      started: (e) => session.streams.post('onQueryStarted', e),
      progress: (p) => session.streams.post('onQueryProgress', { progress: p }),
      idle: (e) => session.streams.post('onQueryIdle', e),
      terminated: (e) => {
        session.streams.terminated(query);
        session.streams.post('onQueryTerminated', { id: e.id, runId: e.runId, exception: e.error ? e.error.message : null, error: e.error ?? null });
      },
    };
    const exec: MicroBatchExecution | RemoteExecution = checkpoint
      ? new MicroBatchExecution({
          session,
          plan: df.plan,
          sink,
          outputMode: this.#outputMode,
          trigger: this.#trigger,
          checkpoint,
          clock,
          name: this.#queryName,
          createSource: (leaf) => createSource(leaf.source.format, leaf.source.options, { clock }),
          usesTemporaryCheckpoint,
          ...(options.onProtocolStep ? { onProtocolStep: options.onProtocolStep } : {}),
          events,
        })
      : new RemoteExecution({
          session,
          plan: df.plan,
          sink,
          outputMode: this.#outputMode,
          trigger: this.#trigger,
          name: this.#queryName,
          checkpointLocation,
          usesTemporaryCheckpoint,
          ...(options.onProtocolStep ? { onProtocolStep: options.onProtocolStep } : {}),
          events,
        });
    const query = new StreamingQuery(exec);
    session.streams.register(query);
    try {
      await exec.start();
    } catch (e) {
      if (sink instanceof TableSink) await sink.close();
      throw e;
    }
    // A worker query can fail before its start() reply arrives: then it is already terminated.
    if (exec.isActive) session.streams.activate(query);
    // A page or worker can vanish without warning; an IndexedDB checkpoint outlives it, so stop
    // cleanly on pagehide/freeze and let the next start() resume from the last commit.
    if (this.#options['checkpointLocation']?.startsWith('idb://') && typeof (globalThis as { addEventListener?: unknown }).addEventListener === 'function') {
      stopOnPageLifecycle(query);
    }
    return query;
  }

  #createSink(checkpointLocation: string, queryId: () => string | undefined): Sink {
    const session = this.#df.sparkSession;
    switch (this.#format) {
      case 'console':
        return new ConsoleSink(this.#options, (t) => session.log(t));
      case 'memory': {
        if (!this.#queryName) {
          throw new RivuletError('QUERY_NAME_REQUIRED', 'queryName must be specified for memory sink', { parameters: { option: 'queryName' } });
        }
        const sink = new MemorySink(this.#outputMode, updateKeyColumns(this.#df.plan)?.ordinals ?? []);
        session.registerTable(this.#queryName, sink);
        return sink;
      }
      case 'table': {
        const name = this.#options['table'] ?? this.#queryName;
        if (!name) {
          throw new RivuletError('QUERY_NAME_REQUIRED', "queryName or option('table') must be specified for the table sink", { parameters: { option: 'table' } });
        }
        const path = this.#options['path'];
        const keys = this.#outputMode === 'update' ? updateKeyColumns(this.#df.plan) : undefined;
        return new TableSink({
          name,
          location: path ?? checkpointLocation,
          locationOption: path === undefined ? 'checkpointLocation' : 'path',
          checkpointLocation,
          outputMode: this.#outputMode,
          output: outputOf(this.#df.plan),
          ...(keys ? { keys } : {}),
          writerId: queryId,
        });
      }
      case 'foreach':
        if (!this.#foreach) throw new RivuletError('FOREACH_WRITER_REQUIRED', 'foreach() needs a writer object or a function.');
        return new ForeachSink(this.#foreach);
      case 'foreachbatch':
        return new ForeachBatchSink(this.#foreachBatch!);
      case 'custom':
        return this.#customSink!;
      case 'noop':
        return { description: 'NoopSink', addBatch: async () => undefined };
      default:
        throw new RivuletError('DATA_SOURCE_NOT_FOUND', `Failed to find the streaming sink: ${this.#format}. Available: console, memory, table, foreach, foreachBatch, noop.`, {
          parameters: { option: 'format' },
        });
    }
  }
}
