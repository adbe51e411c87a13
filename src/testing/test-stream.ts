/**
 * `testStream(df, outputMode)([...actions])`: Spark's StreamTest as a public harness. One memory
 * sink and one checkpoint live for the whole script (across StopStream/StartStream); every
 * Check* waits for the added data to be processed, then compares the sink's rows, unordered
 * unless asked. On failure it throws with the script so far, the last progress, the sink
 * contents and the plan.
 */
import type { DataFrame } from '../api/dataframe.js';
import type { StreamingQuery } from '../runtime/streaming-query.js';
import type { ManualClock } from '../runtime/clock.js';
import type { TriggerSpec } from '../runtime/trigger.js';
import type { MemoryStream } from '../sources/memory-stream.js';
import { MemorySink } from '../sinks/memory-sink.js';
import { parseOutputMode } from '../plan/output-mode.js';
import { outputOf } from '../plan/output.js';
import { toExternal, toInternal } from '../types/convert.js';
import { canonicalKey } from '../util/value-equality.js';
import type { Row } from '../expr/registry.js';
import type { AttributeExpr } from '../expr/ast.js';
import { isRivuletError, type RivuletError } from '../errors.js';

/** An expected row: positional (array) or by column name (object). */
export type ExpectedRow = readonly unknown[] | Readonly<Record<string, unknown>>;

export type StreamAction =
  | { readonly action: 'AddData'; readonly source: MemoryStream; readonly rows: readonly unknown[] }
  | { readonly action: 'MultiAddData'; readonly data: readonly { source: MemoryStream; rows: readonly unknown[] }[] }
  | { readonly action: 'CheckAnswer'; readonly rows: readonly ExpectedRow[]; readonly mode: 'all' | 'last' | 'new'; readonly sorted: boolean }
  | { readonly action: 'AdvanceManualClock'; readonly ms: number }
  | { readonly action: 'StopStream' }
  | { readonly action: 'StartStream'; readonly options: StartStreamOptions }
  | { readonly action: 'AssertOnQuery'; readonly check: (q: StreamingQuery) => boolean | void | Promise<boolean | void>; readonly message: string }
  | { readonly action: 'ExpectFailure'; readonly expected?: string | ((e: RivuletError) => boolean) };

export interface StartStreamOptions {
  readonly trigger?: TriggerSpec;
  readonly clock?: ManualClock;
  readonly checkpointLocation?: string;
  readonly conf?: Readonly<Record<string, string | number | boolean>>;
}

export const AddData = (source: MemoryStream, ...rows: unknown[]): StreamAction => ({ action: 'AddData', source, rows });
export const MultiAddData = (...data: { source: MemoryStream; rows: readonly unknown[] }[]): StreamAction => ({ action: 'MultiAddData', data });
export const CheckAnswer = (...rows: ExpectedRow[]): StreamAction => ({ action: 'CheckAnswer', rows, mode: 'all', sorted: false });
export const CheckNewAnswer = (...rows: ExpectedRow[]): StreamAction => ({ action: 'CheckAnswer', rows, mode: 'new', sorted: false });
/** `CheckLastBatch(...rows)` or `CheckLastBatch({ isSorted: true }, ...rows)`. */
export const CheckLastBatch = (...rows: (ExpectedRow | { isSorted: boolean })[]): StreamAction => {
  const first = rows[0];
  if (first && !Array.isArray(first) && typeof (first as { isSorted?: unknown }).isSorted === 'boolean' && Object.keys(first).length === 1) {
    return { action: 'CheckAnswer', rows: rows.slice(1) as ExpectedRow[], mode: 'last', sorted: (first as { isSorted: boolean }).isSorted };
  }
  return { action: 'CheckAnswer', rows: rows as ExpectedRow[], mode: 'last', sorted: false };
};
export const AdvanceManualClock = (ms: number): StreamAction => ({ action: 'AdvanceManualClock', ms });
export const StopStream: StreamAction = { action: 'StopStream' };
export const StartStream = (options: StartStreamOptions = {}): StreamAction => ({ action: 'StartStream', options });
export const AssertOnQuery = (check: (q: StreamingQuery) => boolean | void | Promise<boolean | void>, message = 'AssertOnQuery'): StreamAction => ({
  action: 'AssertOnQuery',
  check,
  message,
});
/** Expects the query to fail; optionally with this errorClass (of the error or its cause) or matching a predicate. */
export const ExpectFailure = (expected?: string | ((e: RivuletError) => boolean)): StreamAction => ({ action: 'ExpectFailure', ...(expected ? { expected } : {}) });

const WAIT_TIMEOUT_MS = 10_000;
let harnessCounter = 0;

class StreamTestFailure extends Error {}

export function testStream(df: DataFrame, outputMode = 'append', extraOptions: Readonly<Record<string, string>> = {}) {
  return async (actions: readonly StreamAction[]): Promise<void> => {
    const mode = parseOutputMode(outputMode);
    const sink = new MemorySink(mode);
    const checkpointLocation = `memory://test-stream-${++harnessCounter}`;
    const added = new Map<MemoryStream, number>();
    let query: StreamingQuery | undefined;
    let clock: ManualClock | undefined;
    let triggerOnce = false;
    let lastFetched = -1;
    let step = 0;
    const out = (): readonly AttributeExpr[] => outputOf(df.plan);
    // Spark's StreamTest: if no StartStream comes before the first action that needs a running
    // stream, a StartStream() is inserted at the front.
    const firstNeed = actions.findIndex((a) => a.action !== 'AddData' && a.action !== 'MultiAddData' && a.action !== 'StartStream');
    const startedBefore = actions.slice(0, firstNeed < 0 ? actions.length : firstNeed).some((a) => a.action === 'StartStream');
    const script = !startedBefore && firstNeed >= 0 ? [StartStream(), ...actions] : actions;

    const fail = (msg: string, cause?: unknown): never => {
      const listing = script.map((a, i) => `${i === step ? '=> ' : '   '}${describe(a)}`).join('\n');
      const sinkRows = sink.allData().map((r) => JSON.stringify(r.map((v, i) => toExternal(v, out()[i]?.dataType ?? 'string')))).join('\n');
      let plan: string;
      try {
        plan = query ? query.explain(true) : df.explain(true);
      } catch {
        plan = '(plan unavailable)';
      }
      const text = [
        `testStream failed: ${msg}`,
        '',
        '== Actions ==',
        listing,
        '',
        `== Last progress ==\n${JSON.stringify(query?.lastProgress ?? null, null, 2)}`,
        '',
        `== Sink (all data, ${sink.allData().length} rows) ==\n${sinkRows}`,
        '',
        `== Plan ==\n${plan}`,
      ].join('\n');
      throw new StreamTestFailure(text, cause === undefined ? undefined : { cause });
    };

    const start = async (o: StartStreamOptions): Promise<void> => {
      if (query?.isActive) fail('StartStream while the stream is already running');
      clock = o.clock;
      triggerOnce = o.trigger !== undefined && 'once' in o.trigger;
      const session = df.sparkSession;
      for (const [k, v] of Object.entries(o.conf ?? {})) session.conf.set(k, v);
      let w = df.writeStream.sink(sink).outputMode(mode).option('checkpointLocation', o.checkpointLocation ?? checkpointLocation);
      for (const [k, v] of Object.entries(extraOptions)) w = w.option(k, v);
      if (o.trigger) w = w.trigger(o.trigger);
      query = await w.start(clock ? { clock } : {});
    };

    /** Waits until every added offset is committed (or the query stopped). */
    const awaitProcessed = async (): Promise<void> => {
      const q = query;
      if (!q) return;
      const deadline = Date.now() + WAIT_TIMEOUT_MS;
      if (!clock && !triggerOnce) {
        if (q.isActive) await withTimeout(q.processAllAvailable(), WAIT_TIMEOUT_MS, 'processAllAvailable');
        return;
      }
      for (;;) {
        const pending = [...added].some(([src, off]) => {
          const c = q.execution.committedOffsetOf(src);
          return c !== undefined && (c === null || (c as number) < off);
        });
        if (!pending || !q.isActive) break;
        if (Date.now() > deadline) fail('timed out waiting for added data to be processed (did you forget AdvanceManualClock?)');
        await sleep(1);
      }
      if (clock && q.isActive) await withTimeout(clock.untilWaiting(), WAIT_TIMEOUT_MS, 'the query to wait for the clock');
      if (triggerOnce) await q.awaitTermination(WAIT_TIMEOUT_MS).catch(() => undefined);
    };

    try {
      for (step = 0; step < script.length; step++) {
        const a = script[step]!;
        switch (a.action) {
          case 'StartStream':
            await start(a.options);
            break;
          case 'StopStream':
            await query?.stop();
            break;
          case 'AddData':
            added.set(a.source, a.source.addData(a.rows));
            break;
          case 'MultiAddData':
            for (const d of a.data) added.set(d.source, d.source.addData(d.rows));
            break;
          case 'AdvanceManualClock': {
            if (!clock) fail('AdvanceManualClock needs StartStream({ clock: new ManualClock() })');
            if (query?.isActive) await withTimeout(clock!.untilWaiting(), WAIT_TIMEOUT_MS, 'the query to wait for the clock');
            clock!.advance(a.ms);
            await sleep(0);
            if (query?.isActive) await withTimeout(Promise.race([clock!.untilWaiting(), query.awaitTermination().then(() => undefined, () => undefined)]), WAIT_TIMEOUT_MS, 'the trigger to finish');
            break;
          }
          case 'CheckAnswer': {
            await awaitProcessed();
            if (query?.exception()) fail(`the query failed: ${query.exception()!.message}`, query.exception());
            const rows = a.mode === 'all' ? sink.allData() : a.mode === 'last' ? sink.latestBatchData() : sink.dataSinceBatch(lastFetched);
            lastFetched = sink.lastBatchId ?? lastFetched;
            const problem = compareRows(rows, a.rows, out(), a.sorted);
            if (problem) fail(problem);
            break;
          }
          case 'AssertOnQuery': {
            if (!query) fail('AssertOnQuery before the stream started');
            await awaitProcessed();
            let ok: boolean | void = undefined;
            try {
              ok = await a.check(query!);
            } catch (e) {
              fail(`${a.message}: ${e instanceof Error ? e.message : String(e)}`, e);
            }
            if (ok === false) fail(a.message);
            break;
          }
          case 'ExpectFailure': {
            if (!query) fail('ExpectFailure before the stream started');
            const err = await query!.awaitTermination(WAIT_TIMEOUT_MS).then(
              () => undefined,
              (e: unknown) => e,
            );
            if (!err) fail('expected the query to fail, but it did not');
            const re = err as RivuletError;
            if (typeof a.expected === 'string') {
              const classes = [re, re.cause].filter(isRivuletError).map((e) => e.errorClass);
              if (!classes.includes(a.expected)) fail(`expected failure ${a.expected}, got ${classes.join(' / ') || String(re)}`, re);
            } else if (a.expected && !a.expected(re)) fail(`the failure did not match: ${re.message}`, re);
            break;
          }
        }
      }
    } finally {
      if (query?.isActive) await query.stop();
    }
  };
}

function describe(a: StreamAction): string {
  switch (a.action) {
    case 'AddData':
      return `AddData(${a.source.description}, ${JSON.stringify(a.rows)})`;
    case 'MultiAddData':
      return `MultiAddData(${a.data.map((d) => JSON.stringify(d.rows)).join(', ')})`;
    case 'CheckAnswer':
      return `${a.mode === 'all' ? 'CheckAnswer' : a.mode === 'last' ? 'CheckLastBatch' : 'CheckNewAnswer'}(${a.rows.map((r) => JSON.stringify(r)).join(', ')})`;
    case 'AdvanceManualClock':
      return `AdvanceManualClock(${a.ms})`;
    case 'StartStream':
      return `StartStream(${JSON.stringify({ ...a.options, clock: a.options.clock ? 'ManualClock' : undefined })})`;
    case 'AssertOnQuery':
      return `AssertOnQuery(${a.message})`;
    default:
      return a.action;
  }
}

/** Expected rows go through the same input conversion as data, then compare as internal values. */
export function compareRows(actual: readonly Row[], expected: readonly ExpectedRow[], out: readonly AttributeExpr[], sorted: boolean): string | undefined {
  const exp = expected.map((r, ri) =>
    out.map((a, i) => {
      const v = Array.isArray(r) ? r[i] : (r as Record<string, unknown>)[a.name];
      try {
        return toInternal(v, a.dataType, a.name);
      } catch {
        throw new Error(`expected row ${ri}: cannot read ${JSON.stringify(v)} as ${JSON.stringify(a.dataType)} for column ${a.name}`);
      }
    }),
  );
  const keysA = actual.map((r) => canonicalKey(r));
  const keysE = exp.map((r) => canonicalKey(r));
  const show = (rows: readonly Row[]): string =>
    rows.map((r) => `  ${JSON.stringify(r.map((v, i) => toExternal(v, out[i]?.dataType ?? 'string')))}`).join('\n') || '  (none)';
  const same = sorted ? keysA.join('\n') === keysE.join('\n') : [...keysA].sort().join('\n') === [...keysE].sort().join('\n');
  if (same) return undefined;
  return `rows differ${sorted ? ' (sorted)' : ''}\n== expected (${exp.length}) ==\n${show(exp)}\n== actual (${actual.length}) ==\n${show(actual)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new StreamTestFailure(`timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
