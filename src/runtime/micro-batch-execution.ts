/**
 * MicroBatchExecution: runs a streaming plan as a sequence of micro-batches, following the
 * protocol in DESIGN.md (and checkpoint/checkpoint.ts) to the letter. Triggers are rxjs:
 * one trigger is a deferred promise, repeated with a delay that the trigger kind and the clock
 * decide, so a manual clock makes every trigger deterministic.
 */
import { defer, from, merge, race, repeat, Subject, timer, map, EMPTY, type Observable, type Subscription, firstValueFrom, filter, take } from 'rxjs';
import type { Session } from '../api/session.js';
import { RivuletError } from '../errors.js';
import type { Row } from '../expr/registry.js';
import type { EventTimeStats, StatefulOperatorMetrics, StreamingExecContext } from '../exec/streaming/context.js';
import { StateStoreProvider, type StateStore } from '../state/state-store.js';
import { planIncremental, propagateWatermarks, type StatefulOperatorInfo } from './incremental-planner.js';
import { type OffsetSeq, type Checkpoint, OFFSET_LOG_VERSION, COMMIT_LOG_VERSION } from '../checkpoint/checkpoint.js';
import type { LogicalPlan, StreamingRelation } from '../plan/logical.js';
import { optimize } from '../plan/optimizer/index.js';
import type { OutputMode } from '../plan/output-mode.js';
import { outputOf } from '../plan/output.js';
import { planChildren } from '../plan/logical.js';
import type { Sink } from '../sinks/sink.js';
import { offsetEquals, READ_ALL, type Offset, type Source } from '../sources/source.js';
import type { Clock } from './clock.js';
import {
  nowMs,
  rate,
  type SourceProgress,
  type StreamingQueryProgress,
  type StreamingQueryStatus,
} from './progress.js';
import { nextBatchTime, type Trigger } from './trigger.js';
import { explainString } from '../plan/explain.js';

export interface ExecutionConfig {
  readonly session: Session;
  readonly plan: LogicalPlan;
  readonly sink: Sink;
  readonly outputMode: OutputMode;
  readonly trigger: Trigger;
  readonly checkpoint: Checkpoint;
  readonly clock: Clock;
  readonly name: string | undefined;
  /** Builds the Source for a plan leaf (resolved by the runtime's source registry). */
  readonly createSource: (leaf: StreamingRelation) => Source;
  /** Called at each step of the micro-batch protocol (crash and failure-injection tests). */
  readonly onProtocolStep?: (step: ProtocolStep, batchId: number) => void | Promise<void>;
  /** No checkpointLocation was given (a temporary in-memory one is used). */
  readonly usesTemporaryCheckpoint?: boolean;
  readonly events: ExecutionEvents;
}

/** The points of the micro-batch protocol, in order (DESIGN.md). */
export type ProtocolStep = 'beforeOffsetLog' | 'afterOffsetLog' | 'beforeSink' | 'afterSink' | 'afterStateCommit' | 'afterCommitLog';

export interface ExecutionEvents {
  started(e: { id: string; runId: string; name: string | null; timestamp: string }): void;
  progress(p: StreamingQueryProgress): void;
  idle(e: { id: string; runId: string; timestamp: string }): void;
  terminated(e: { id: string; runId: string; error: RivuletError | undefined }): void;
}

const POLLING_DELAY_MS = 10;
const MAX_RECENT_PROGRESS = 100;

interface SourceSlot {
  readonly key: string;
  readonly source: Source;
  readonly leaves: StreamingRelation[];
}

export class MicroBatchExecution {
  readonly config: ExecutionConfig;
  id = '';
  readonly runId: string = globalThis.crypto.randomUUID();
  readonly #sources: SourceSlot[] = [];
  #committed: (Offset | null)[] = [];
  #available: (Offset | null)[] = [];
  #batchId = 0;
  #constructed = false;
  #batchWatermarkMs = 0;
  #batchTimestampMs = 0;
  #active = false;
  #stopping = false;
  #error: RivuletError | undefined;
  #subscription: Subscription | undefined;
  readonly #triggerDone = new Subject<{ ranBatch: boolean; seq: number }>();
  readonly #terminated = new Subject<void>();
  #terminatedPromise: Promise<void>;
  #resolveTerminated!: () => void;
  #triggerSeq = 0;
  #lastTriggerStartMs: number | undefined;
  #recentProgress: StreamingQueryProgress[] = [];
  #status: StreamingQueryStatus = { message: 'Initializing sources', isDataAvailable: false, isTriggerActive: false, warnings: [] };
  #availableNowTarget: (Offset | null)[] | undefined;
  #currentTrigger: Promise<void> | undefined;
  /** The global watermark computed after the last batch (applies from the next batch). */
  #nextWatermarkMs = 0;
  /** The eviction watermark the previous batch ran with (late-events watermark of this one). */
  #prevBatchWatermarkMs = 0;
  /** Per withWatermark node: its watermark (ms); nodes without data yet are absent. */
  readonly #operatorWatermarks = new Map<number, number>();
  readonly #watermarkNodes: { id: number; delayMs: number }[] = [];
  readonly #stateProvider: StateStoreProvider;
  readonly #stateful: StatefulOperatorInfo[];
  #watermarkPolicy: 'min' | 'max';

  constructor(config: ExecutionConfig) {
    this.config = config;
    this.#terminatedPromise = new Promise((resolve) => {
      this.#resolveTerminated = resolve;
    });
    for (const leaf of collectLeaves(config.plan)) {
      const key = JSON.stringify(leaf.source);
      const slot = this.#sources.find((s) => s.key === key);
      if (slot) slot.leaves.push(leaf);
      else this.#sources.push({ key, source: config.createSource(leaf), leaves: [leaf] });
    }
    const walk = (p: LogicalPlan): void => {
      if (p.node === 'EventTimeWatermark') this.#watermarkNodes.push({ id: p.id, delayMs: p.delayMs });
      planChildren(p).forEach(walk);
    };
    walk(config.plan);
    this.#stateProvider = new StateStoreProvider(
      config.checkpoint.state,
      Math.max(1, config.session.conf.getNumber('rivulet.sql.streaming.stateStore.minDeltasForSnapshot')),
      Math.max(1, config.session.conf.getNumber('rivulet.sql.streaming.minBatchesToRetain')),
    );
    // The optimized plan, as each batch runs it: a join's state keeps its inputs' pruned rows.
    this.#stateful = planIncremental(optimize(config.plan), new Map(), config.outputMode).operators;
    this.#watermarkPolicy = config.session.conf.getString('rivulet.sql.streaming.multipleWatermarkPolicy') === 'max' ? 'max' : 'min';
    this.#status.warnings = unboundedStateWarnings(this.#stateful, config.outputMode);
    for (const w of this.#status.warnings) console.warn(`rivulet: ${w}`);
  }

  get isActive(): boolean {
    return this.#active;
  }
  get exception(): RivuletError | undefined {
    return this.#error;
  }
  get name(): string | null {
    return this.config.name ?? null;
  }
  get status(): StreamingQueryStatus {
    return { ...this.#status, warnings: [...this.#status.warnings] };
  }
  get recentProgress(): StreamingQueryProgress[] {
    return [...this.#recentProgress];
  }
  get lastProgress(): StreamingQueryProgress | null {
    return this.#recentProgress.at(-1) ?? null;
  }
  /** The watermark the current (or last) batch runs with. */
  get batchWatermarkMs(): number {
    return this.#batchWatermarkMs;
  }
  /** The global watermark the next batch will run with. */
  get nextWatermarkMs(): number {
    return this.#nextWatermarkMs;
  }
  /** The committed end offset of `source` (null before its first batch, undefined if unknown). */
  committedOffsetOf(source: Source): Offset | null | undefined {
    const i = this.#sources.findIndex((s) => s.source === source);
    return i < 0 ? undefined : (this.#committed[i] ?? null);
  }

  /** The id of the next batch to run. */
  get currentBatchId(): number {
    return this.#batchId;
  }

  /** Recovers from the checkpoint and starts the trigger loop. */
  async start(): Promise<void> {
    const cp = this.config.checkpoint;
    const meta = await cp.getMetadata();
    this.id = meta?.id ?? globalThis.crypto.randomUUID();
    const operators = this.#stateful.map((op) => ({ operatorId: op.operatorId, kind: op.kind, schema: op.stateSchema }));
    if (meta?.operators) checkCompatible(cp.location, meta.operators, operators);
    if (!meta || !meta.operators) await cp.setMetadata({ v: 1, id: this.id, operators });
    if (this.config.usesTemporaryCheckpoint && this.#stateful.length > 0) {
      const w = 'this stateful query has no checkpointLocation: it uses a temporary in-memory checkpoint, so its state is lost when the process ends. Set option("checkpointLocation", "level://..." | "idb://..." | "memory://...") to resume it.';
      this.#status.warnings.push(w);
      console.warn(`rivulet: ${w}`);
    }
    await this.#initializeSources();
    this.#committed = this.#sources.map(() => null);
    await this.#recover();
    this.#active = true;
    this.config.events.started({ id: this.id, runId: this.runId, name: this.config.name ?? null, timestamp: new Date(this.config.clock.getTimeMillis()).toISOString() });
    if (this.config.trigger.kind === 'availableNow') {
      this.#availableNowTarget = await Promise.all(this.#sources.map((s, i) => s.source.latestOffset(this.#committed[i] ?? null, READ_ALL)));
    }
    this.#status = { ...this.#status, message: 'Waiting for next trigger' };
    this.#subscription = defer(() => from(this.#runTriggerGuarded()))
      .pipe(repeat({ delay: () => this.#nextTrigger() }))
      .subscribe({ complete: () => void this.#terminate(undefined) });
  }

  /** Hands every source its metadata entry (sources/<i>/0), writing it on a fresh checkpoint. */
  async #initializeSources(): Promise<void> {
    for (let i = 0; i < this.#sources.length; i++) {
      const source = this.#sources[i]!.source;
      if (!source.initialize) continue;
      const log = this.config.checkpoint.sourceMetadata(i);
      const stored = await log.get(0);
      const metadata = await source.initialize(stored?.metadata);
      if (!stored) await log.add(0, { v: 1, description: source.description, metadata });
    }
  }

  async #recover(): Promise<void> {
    const cp = this.config.checkpoint;
    const lastOffsets = await cp.offsets.getLatest();
    if (!lastOffsets) return;
    const lastCommit = await cp.commits.getLatest();
    const L = lastOffsets.batchId;
    const C = lastCommit?.batchId ?? -1;
    if (lastOffsets.entry.offsets.length !== this.#sources.length) {
      throw new RivuletError(
        'STREAMING_QUERY_SOURCES_CHANGED',
        `The checkpoint at ${cp.location} was written by a query with ${lastOffsets.entry.offsets.length} source(s), but this query has ${this.#sources.length}.`,
      );
    }
    if (C === L) {
      this.#committed = [...lastOffsets.entry.offsets];
      this.#batchId = L + 1;
      this.#batchWatermarkMs = lastOffsets.entry.batchWatermarkMs;
      this.#nextWatermarkMs = lastCommit!.entry.nextBatchWatermarkMs;
    } else if (C < L) {
      // Batch L was planned but not committed: re-run it with exactly its logged offsets,
      // watermark and timestamp. (A commit log trailing by more than one batch: Spark logs it
      // and does the same.)
      if (C < L - 1) console.warn(`rivulet: the commit log at ${cp.location} ends at batch ${C}, the offset log at ${L}; re-running batch ${L}.`);
      const prev = L > 0 ? await cp.offsets.get(L - 1) : undefined;
      this.#committed = prev ? [...prev.offsets] : this.#sources.map(() => null);
      this.#batchId = L;
      this.#available = [...lastOffsets.entry.offsets];
      this.#batchWatermarkMs = lastOffsets.entry.batchWatermarkMs;
      this.#nextWatermarkMs = this.#batchWatermarkMs;
      this.#prevBatchWatermarkMs = prev?.batchWatermarkMs ?? 0;
      this.#batchTimestampMs = lastOffsets.entry.batchTimestampMs;
      this.#constructed = true;
    } else {
      throw new RivuletError('CHECKPOINT_CORRUPT', `The checkpoint at ${cp.location} has commits up to batch ${C} but offsets only up to batch ${L}.`);
    }
    // The watermark policy is fixed when a query first runs and restored from its checkpoint.
    const policy = lastOffsets.entry.conf['rivulet.sql.streaming.multipleWatermarkPolicy'];
    if (policy === 'min' || policy === 'max') this.#watermarkPolicy = policy;
    for (let i = 0; i < this.#sources.length; i++) {
      const c = this.#committed[i];
      if (c !== null && c !== undefined) await this.#sources[i]!.source.commit(c);
    }
  }

  #nextTrigger(): Observable<void> {
    if (!this.#active || this.#stopping) return EMPTY;
    const t = this.config.trigger;
    const last = this.#lastTrigger;
    if (t.kind === 'once') return EMPTY;
    if (t.kind === 'availableNow') return last.ranBatch ? timer(0).pipe(map(() => undefined)) : EMPTY;
    const clock = this.config.clock;
    if (t.kind === 'processingTime' && t.intervalMs > 0) {
      return clock.waitUntil(nextBatchTime(last.startedAt, t.intervalMs));
    }
    // processingTime(0) / continuous: as fast as possible; when idle, poll or wake on new data.
    if (last.ranBatch) return timer(0).pipe(map(() => undefined));
    if (clock.isManual) return clock.waitUntil(clock.getTimeMillis() + 1);
    const wakeups = this.#sources.flatMap((s) => (s.source.dataAvailable$ ? [s.source.dataAvailable$] : []));
    return race(timer(POLLING_DELAY_MS).pipe(map(() => undefined)), merge(...wakeups).pipe(take(1)));
  }

  #lastTrigger = { ranBatch: false, startedAt: 0 };
  /** When the last batch ran or the last onQueryIdle was posted (query clock, ms). */
  #lastIdleEventMs = Number.NEGATIVE_INFINITY;

  async #runTriggerGuarded(): Promise<void> {
    if (!this.#active || this.#stopping) return;
    const run = this.#runTrigger();
    this.#currentTrigger = run.then(
      () => undefined,
      () => undefined,
    );
    try {
      await run;
    } catch (e) {
      await this.#terminate(e);
    }
  }

  async #runTrigger(): Promise<void> {
    const startedAt = this.config.clock.getTimeMillis();
    const seq = ++this.#triggerSeq;
    const timings: Record<string, number> = {};
    const t0 = nowMs();
    this.#status = { ...this.#status, isTriggerActive: true };
    let ranBatch = false;
    let progress: StreamingQueryProgress | undefined;
    if (!this.#constructed) {
      this.#status = { ...this.#status, message: 'Getting offsets from sources' };
      this.#constructed = await this.#constructNextBatch(timings);
    }
    if (this.#constructed) {
      this.#status = { ...this.#status, message: 'Processing new data', isDataAvailable: true };
      progress = await this.#runBatch(timings, t0, startedAt);
      this.#constructed = false;
      this.#batchId++;
      ranBatch = true;
    }
    this.#status = { ...this.#status, isTriggerActive: false, isDataAvailable: false, message: 'Waiting for data to arrive' };
    this.#lastTrigger = { ranBatch, startedAt };
    const now = this.config.clock.getTimeMillis();
    if (progress) {
      this.#recentProgress.push(progress);
      if (this.#recentProgress.length > MAX_RECENT_PROGRESS) this.#recentProgress.shift();
      this.#lastIdleEventMs = now;
      this.config.events.progress(progress);
    } else if (now - this.config.session.conf.getNumber('rivulet.sql.streaming.noDataProgressEventInterval') >= this.#lastIdleEventMs) {
      // Spark's ProgressReporter: an idle query reports so at most once per interval, counted
      // from its last batch or idle event.
      this.#lastIdleEventMs = now;
      this.config.events.idle({ id: this.id, runId: this.runId, timestamp: new Date(startedAt).toISOString() });
    }
    this.#triggerDone.next({ ranBatch, seq });
  }

  async #constructNextBatch(timings: Record<string, number>): Promise<boolean> {
    const t = nowMs();
    const target = this.#availableNowTarget;
    const latest = await Promise.all(
      this.#sources.map(async (s, i) => {
        const start = this.#committed[i] ?? null;
        const limit = s.source.defaultReadLimit ?? READ_ALL;
        const end = await s.source.latestOffset(start, limit);
        // availableNow: never read past what was available when the query started.
        if (target && end !== null && target[i] !== undefined) return capAt(end, target[i] ?? null);
        return end;
      }),
    );
    timings['latestOffset'] = nowMs() - t;
    const hasNewData = latest.some((o, i) => o !== null && !offsetEquals(o, this.#committed[i] ?? null));
    const needsNoData = this.#needsNoDataBatch();
    if (!hasNewData && !needsNoData) return false;
    const w = nowMs();
    this.#available = latest.map((o, i) => o ?? this.#committed[i] ?? null);
    this.#prevBatchWatermarkMs = this.#batchId === 0 ? 0 : this.#batchWatermarkMs;
    this.#batchWatermarkMs = this.#nextWatermarkMs;
    this.#batchTimestampMs = this.config.clock.getTimeMillis();
    const entry: OffsetSeq = {
      v: OFFSET_LOG_VERSION,
      batchId: this.#batchId,
      offsets: this.#available,
      batchWatermarkMs: this.#batchWatermarkMs,
      batchTimestampMs: this.#batchTimestampMs,
      conf: this.#loggedConf(),
    };
    await this.#step('beforeOffsetLog');
    await this.config.checkpoint.offsets.add(this.#batchId, entry);
    await this.#step('afterOffsetLog');
    const retain = this.config.session.conf.getNumber('rivulet.sql.streaming.minBatchesToRetain');
    if (this.#batchId - retain > 0) {
      await this.config.checkpoint.offsets.purge(this.#batchId - retain);
      await this.config.checkpoint.commits.purge(this.#batchId - retain);
    }
    timings['walCommit'] = nowMs() - w;
    return true;
  }

  /**
   * Spark's shouldRunAnotherBatch: with no new data, run a batch anyway when the watermark moved
   * past the one the last batch ran with and a stateful operator can evict or emit because of it.
   */
  #needsNoDataBatch(): boolean {
    if (this.config.trigger.kind === 'once') return false;
    if (!this.config.session.conf.getBoolean('rivulet.sql.streaming.noDataMicroBatches.enabled')) return false;
    if (this.#watermarkNodes.length === 0 || this.#batchId === 0) return false;
    if (!(this.#nextWatermarkMs > this.#batchWatermarkMs)) return false;
    // A stream-stream join only when some side has a state cleanup predicate.
    return this.#stateful.some((op) => (op.kind === 'symmetricHashJoin' ? op.evictsByWatermark : op.kind !== 'aggregate' || this.config.outputMode !== 'complete'));
  }

  #loggedConf(): Record<string, string | number | boolean> {
    const c = this.config.session.conf;
    return {
      'rivulet.sql.shuffle.partitions': c.getNumber('rivulet.sql.shuffle.partitions'),
      'rivulet.sql.streaming.multipleWatermarkPolicy': this.#watermarkPolicy,
    };
  }

  async #runBatch(timings: Record<string, number>, t0: number, startedAt: number): Promise<StreamingQueryProgress> {
    const g = nowMs();
    const inputs = new Map<number, Row[]>();
    const perSource: number[] = [];
    for (let i = 0; i < this.#sources.length; i++) {
      const s = this.#sources[i]!;
      const start = this.#committed[i] ?? null;
      const end = this.#available[i] ?? null;
      const rows = end === null || offsetEquals(start, end) ? [] : await s.source.getBatch(start, end);
      perSource.push(rows.length);
      for (const leaf of s.leaves) inputs.set(leaf.id, rows);
    }
    timings['getBatch'] = nowMs() - g;
    const q = nowMs();
    checkWatermarkRedefinition(this.config.plan, this.config.session.conf.getBoolean('rivulet.sql.streaming.statefulOperator.allowMultiple'));
    const optimized = optimize(this.config.plan);
    const { physical, operators } = planIncremental(optimized, inputs, this.config.outputMode);
    const stores = new Map<number, StateStore>();
    for (const op of operators) stores.set(op.operatorId, await this.#stateProvider.open(op.operatorId, 0, this.#batchId));
    timings['queryPlanning'] = nowMs() - q;
    const a = nowMs();
    const eventTimeStats = new Map<number, EventTimeStats>();
    const opMetrics = new Map<number, StatefulOperatorMetrics>();
    const single = !this.config.session.conf.getBoolean('rivulet.sql.streaming.statefulOperator.allowMultiple');
    // Per-operator watermarks (Spark's PropagateWatermarkSimulator): they differ from the global
    // one only downstream of a stream-stream join; late events use the previous batch's values.
    const evictionWms = single ? undefined : propagateWatermarks(optimized, this.#batchWatermarkMs, this.config.outputMode);
    const lateWms = single || this.#batchId === 0 ? undefined : propagateWatermarks(optimized, this.#prevBatchWatermarkMs, this.config.outputMode);
    const ctx: StreamingExecContext = {
      // current_timestamp() is the batch timestamp, logged with the offsets so a re-run agrees.
      compile: { ...this.config.session.compileOptions(), nowMicros: this.#batchTimestampMs * 1000 },
      batchId: this.#batchId,
      outputMode: this.config.outputMode,
      allowMultipleStatefulOperators: !single,
      store: (id) => stores.get(id)!,
      lateEventsWatermarkMs: (id) => (single ? this.#batchWatermarkMs : (lateWms?.get(id) ?? this.#prevBatchWatermarkMs)),
      evictionWatermarkMs: (id) => evictionWms?.get(id) ?? this.#batchWatermarkMs,
      eventTimeStats,
      metrics: (id) => {
        let m = opMetrics.get(id);
        if (!m) opMetrics.set(id, (m = { numRowsDroppedByWatermark: 0, custom: {} }));
        return m;
      },
    };
    const rows = physical.execute(ctx);
    const out = outputOf(this.config.plan);
    const batch = this.config.session.dataFrameOf({ node: 'LocalRelation', id: this.config.plan.id, output: out, rows });
    await this.#step('beforeSink');
    await this.config.sink.addBatch(this.#batchId, batch);
    await this.#step('afterSink');
    timings['addBatch'] = nowMs() - a;
    const c = nowMs();
    for (const store of stores.values()) await store.commit();
    await this.#step('afterStateCommit');
    this.#updateWatermark(eventTimeStats);
    await this.config.checkpoint.commits.add(this.#batchId, { v: COMMIT_LOG_VERSION, batchId: this.#batchId, nextBatchWatermarkMs: this.#nextWatermarkMs });
    await this.#step('afterCommitLog');
    for (let i = 0; i < this.#sources.length; i++) {
      const end = this.#available[i];
      if (end !== null && end !== undefined) await this.#sources[i]!.source.commit(end);
    }
    timings['commitOffsets'] = nowMs() - c;
    timings['triggerExecution'] = nowMs() - t0;
    const startOffsets = this.#committed;
    this.#committed = [...this.#available];
    const progress = this.#progress(timings, startedAt, perSource, startOffsets, rows.length);
    progress.eventTime = this.#eventTimeProgress(eventTimeStats);
    progress.stateOperators = operators.map((op) => {
      const m = stores.get(op.operatorId)!.metrics;
      const own = opMetrics.get(op.operatorId)?.stateRows;
      return {
        operatorName: op.operatorName,
        numRowsTotal: own?.total ?? m.numRowsTotal,
        numRowsUpdated: own?.updated ?? m.numRowsUpdated,
        allUpdatesTimeMs: 0,
        numRowsRemoved: own?.removed ?? m.numRowsRemoved,
        allRemovalsTimeMs: 0,
        commitTimeMs: m.commitTimeMs,
        memoryUsedBytes: m.memoryUsedBytes,
        numRowsDroppedByWatermark: opMetrics.get(op.operatorId)?.numRowsDroppedByWatermark ?? 0,
        numShufflePartitions: 1,
        numStateStoreInstances: op.numStateStoreInstances ?? 1,
        customMetrics: { ...(opMetrics.get(op.operatorId)?.custom ?? {}) },
      };
    });
    return progress;
  }

  /**
   * Spark's WatermarkTracker: each withWatermark node proposes max event time − delay, kept only
   * if it moves forward; nodes that have seen no data count as 0; the global watermark is their
   * min (or max, by policy) and never goes back.
   */
  #updateWatermark(stats: ReadonlyMap<number, EventTimeStats>): void {
    if (this.#watermarkNodes.length === 0) return;
    for (const n of this.#watermarkNodes) {
      const st = stats.get(n.id);
      if (!st || st.count === 0) continue;
      const candidate = Math.floor(st.max / 1000) - n.delayMs;
      const prev = this.#operatorWatermarks.get(n.id);
      if (prev === undefined || candidate > prev) this.#operatorWatermarks.set(n.id, candidate);
    }
    const values = this.#watermarkNodes.map((n) => this.#operatorWatermarks.get(n.id) ?? 0);
    const global = this.#watermarkPolicy === 'max' ? Math.max(...values) : Math.min(...values);
    if (global > this.#nextWatermarkMs) this.#nextWatermarkMs = global;
  }

  #eventTimeProgress(stats: ReadonlyMap<number, EventTimeStats>): Record<string, string> {
    if (this.#watermarkNodes.length === 0) return {};
    const out: Record<string, string> = {};
    let max = -Infinity;
    let min = Infinity;
    let sum = 0;
    let count = 0;
    for (const s of stats.values()) {
      if (s.count === 0) continue;
      max = Math.max(max, s.max);
      min = Math.min(min, s.min);
      sum += s.sum;
      count += s.count;
    }
    const iso = (us: number): string => new Date(Math.floor(us / 1000)).toISOString();
    if (count > 0) {
      out['avg'] = iso(sum / count);
      out['max'] = iso(max);
      out['min'] = iso(min);
    }
    out['watermark'] = new Date(this.#batchWatermarkMs).toISOString();
    return out;
  }

  #progress(timings: Record<string, number>, startedAt: number, perSource: number[], startOffsets: (Offset | null)[], numOutputRows: number): StreamingQueryProgress {
    const numInputRows = perSource.reduce((a, b) => a + b, 0);
    const sincePrev = this.#lastTriggerStartMs === undefined ? 0 : startedAt - this.#lastTriggerStartMs;
    this.#lastTriggerStartMs = startedAt;
    const exec = timings['triggerExecution'] ?? 0;
    const durationMs: Record<string, number> = {};
    for (const k of ['addBatch', 'commitOffsets', 'getBatch', 'latestOffset', 'queryPlanning', 'triggerExecution', 'walCommit']) {
      durationMs[k] = Math.round(timings[k] ?? 0);
    }
    const sources: SourceProgress[] = this.#sources.map((s, i) => ({
      description: s.source.description,
      startOffset: startOffsets[i] ?? null,
      endOffset: this.#committed[i] ?? null,
      latestOffset: this.#committed[i] ?? null,
      numInputRows: perSource[i] ?? 0,
      inputRowsPerSecond: rate(perSource[i] ?? 0, sincePrev),
      processedRowsPerSecond: rate(perSource[i] ?? 0, exec),
    }));
    return {
      id: this.id,
      runId: this.runId,
      name: this.config.name ?? null,
      timestamp: new Date(startedAt).toISOString(),
      batchId: this.#batchId,
      batchDuration: Math.round(exec),
      numInputRows,
      inputRowsPerSecond: rate(numInputRows, sincePrev),
      processedRowsPerSecond: rate(numInputRows, exec),
      durationMs,
      eventTime: {},
      stateOperators: [],
      sources,
      sink: { description: this.config.sink.description, numOutputRows },
      observedMetrics: {},
    };
  }

  /** Fault-injection hook for crash tests (StartOptions.onProtocolStep). */
  async #step(step: ProtocolStep): Promise<void> {
    await this.config.onProtocolStep?.(step, this.#batchId);
  }

  /** Resolves once every row available now is processed (Spark's processAllAvailable). */
  async processAllAvailable(): Promise<void> {
    const since = this.#triggerSeq;
    for (;;) {
      if (this.#error) throw this.#error;
      if (!this.#active) return;
      const next = await firstValueFrom(
        merge(this.#triggerDone.pipe(filter((t) => t.seq > since)), this.#terminated.pipe(map(() => undefined))),
        { defaultValue: undefined },
      );
      if (this.#error) throw this.#error;
      if (!next) return;
      if (!next.ranBatch) return;
    }
  }

  async awaitTermination(timeoutMs?: number): Promise<boolean> {
    if (timeoutMs === undefined) {
      await this.#terminatedPromise;
      if (this.#error) throw this.#error;
      return true;
    }
    const done = await Promise.race([
      this.#terminatedPromise.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs)),
    ]);
    if (done && this.#error) throw this.#error;
    return done;
  }

  async stop(): Promise<void> {
    if (!this.#active) return;
    this.#stopping = true;
    this.#subscription?.unsubscribe();
    await this.#currentTrigger;
    await this.#terminate(undefined);
  }

  async #terminate(error: unknown): Promise<void> {
    if (!this.#active && this.#subscription === undefined) return;
    if (error !== undefined && !this.#error) {
      this.#error = error instanceof RivuletError && error.errorClass === 'STREAM_FAILED'
        ? error
        : new RivuletError(
            'STREAM_FAILED',
            `Query ${this.config.name ? `${this.config.name} ` : ''}[id = ${this.id}, runId = ${this.runId}] terminated with exception: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
    }
    const wasActive = this.#active;
    this.#active = false;
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    this.#status = { ...this.#status, message: 'Stopped', isTriggerActive: false, isDataAvailable: false };
    for (const s of this.#sources) await s.source.stop().catch(() => undefined);
    await this.config.sink.close?.(this.#error).catch(() => undefined);
    // Background state snapshots finish before the storage closes; after a failure they stop early.
    await this.#stateProvider.close({ abort: this.#error !== undefined });
    await this.config.checkpoint.close().catch(() => undefined);
    this.#terminated.next();
    this.#resolveTerminated();
    if (wasActive) this.config.events.terminated({ id: this.id, runId: this.runId, error: this.#error });
  }

  /** The incremental plan a micro-batch runs (stateful operators included), as Spark's query.explain(). */
  explain(extended = false): string {
    const optimized = optimize(this.config.plan);
    const physical = planIncremental(optimized, new Map(), this.config.outputMode).physical;
    return explainString(extended ? 'extended' : 'simple', { parsed: this.config.plan, analyzed: this.config.plan, optimized, physical });
  }
}

function collectLeaves(p: LogicalPlan, out: StreamingRelation[] = []): StreamingRelation[] {
  if (p.node === 'StreamingRelation') out.push(p);
  else if (p.node === 'Join') {
    collectLeaves(p.left, out);
    collectLeaves(p.right, out);
  } else if (p.node === 'Union') p.children.forEach((c) => collectLeaves(c, out));
  else if (p.node !== 'LocalRelation') collectLeaves(p.child, out);
  return out;
}

/** For numeric or `{seconds}`-style offsets: is `a` past `b`? Others compare as equal/unequal. */
/**
 * `end` capped at `target` (Trigger.availableNow's end): numbers by value, and objects (per
 * partition offsets such as `{ topic: { "0": 12, "1": 7 } }`) key by key; keys the target does
 * not have (partitions that appeared later) are left out. Other shapes are not comparable and
 * are left as they are.
 */
function capAt(end: Offset, target: Offset | null): Offset {
  if (target === null) return end;
  if (typeof end === 'number' && typeof target === 'number') return Math.min(end, target);
  if (isOffsetObject(end) && isOffsetObject(target)) {
    const out: Record<string, Offset> = {};
    for (const [k, v] of Object.entries(end)) {
      const t = target[k];
      if (t !== undefined) out[k] = capAt(v, t);
    }
    return out;
  }
  return end;
}

function isOffsetObject(o: Offset): o is { readonly [k: string]: Offset } {
  return typeof o === 'object' && o !== null && !Array.isArray(o);
}

export type { Subscription };
void firstValueFrom;

function unboundedStateWarnings(ops: readonly StatefulOperatorInfo[], mode: OutputMode): string[] {
  const out: string[] = [];
  for (const op of ops) {
    if (op.kind === 'symmetricHashJoin') {
      const sides = op.unboundedSides ?? [];
      if (sides.length > 0) {
        out.push(
          `stateful operator ${op.operatorId} (stream-stream join) keeps every row of its ${sides.join(' and ')} input forever: the watermark can never clean ${sides.length === 2 ? 'either side' : 'that side'}. Join on a watermarked column (or a window over it), or add withWatermark() on both inputs and a time-range condition bounding each side's time by the other's.`,
        );
      }
      continue;
    }
    if (op.evictsByWatermark && !(op.kind === 'aggregate' && mode === 'complete')) continue;
    if (op.kind === 'aggregate') {
      out.push(
        mode === 'complete'
          ? `stateful operator ${op.operatorId} (aggregation) keeps every group forever: complete mode never evicts state. Use update or append mode with withWatermark() and a window/event-time grouping key to bound it.`
          : `stateful operator ${op.operatorId} (aggregation) can never evict state: no grouping key is an event-time column. Add withWatermark() and group by window(eventTime, ...) or the watermarked column.`,
      );
    } else if (op.kind === 'dedupe') {
      out.push(
        `stateful operator ${op.operatorId} (dropDuplicates) keeps every key forever: its keys do not include the watermarked event-time column. Add the event-time column to the keys, or use dropDuplicatesWithinWatermark().`,
      );
    }
  }
  return out;
}

/**
 * Spark ≥ 3.4: a withWatermark downstream of another on the same input is rejected when the
 * query runs (multiple stateful operators rely on one event-time lineage).
 */
function checkWatermarkRedefinition(plan: LogicalPlan, allowMultiple: boolean): void {
  if (!allowMultiple) return;
  const hasWatermarkBelow = (p: LogicalPlan): boolean => planChildren(p).some((c) => c.node === 'EventTimeWatermark' || hasWatermarkBelow(c));
  const walk = (p: LogicalPlan): void => {
    if (p.node === 'EventTimeWatermark' && hasWatermarkBelow(p)) {
      throw new RivuletError(
        '_LEGACY_ERROR_TEMP_3076',
        "Redefining watermark is disallowed. You can set the config 'spark.sql.streaming.statefulOperator.allowMultiple' to 'false' to restore the previous behavior. Note that multiple stateful operators will be disallowed.",
      );
    }
    planChildren(p).forEach(walk);
  };
  walk(plan);
}

/**
 * A checkpoint written by a different query (other stateful operators, or the same operators
 * over other state schemas) cannot be resumed (Spark's state metadata checks).
 */
function checkCompatible(
  location: string,
  stored: readonly { operatorId: number; kind: string; schema: string }[],
  current: readonly { operatorId: number; kind: string; schema: string }[],
): void {
  const show = (ops: readonly { operatorId: number; kind: string }[]): string => ops.map((o) => `${o.operatorId}:${o.kind}`).join(', ') || 'none';
  if (stored.length !== current.length || stored.some((s, i) => s.kind !== current[i]!.kind || s.operatorId !== current[i]!.operatorId)) {
    throw new RivuletError(
      'STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA',
      `The streaming query's stateful operators do not match the checkpoint at ${location}: the checkpoint has [${show(stored)}], this query has [${show(current)}]. Use a new checkpointLocation for a changed query.`,
    );
  }
  // A join's `key<...> value<...>`: a changed value layout alone is Spark's value-schema error.
  const keyPart = (schema: string): string => schema.split(' value<')[0]!;
  stored.forEach((s, i) => {
    const c = current[i]!;
    if (s.schema !== c.schema) {
      const valueOnly = c.kind === 'symmetricHashJoin' && keyPart(s.schema) === keyPart(c.schema);
      throw new RivuletError(
        valueOnly ? 'STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE' : 'STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE',
        `The state schema of stateful operator ${c.operatorId} (${c.kind}) changed since the checkpoint at ${location} was written: it was ${s.schema}, now ${c.schema}. Use a new checkpointLocation.`,
      );
    }
  });
}
