// The demo page (demo/) in a real browser (Playwright + Debian's Chromium), built with the repo's
// vite.config.ts as `npm run demo:build` builds it: the seed pipeline runs in a module Worker with
// an idb:// checkpoint; a reload resumes the same query at the next batch id; Stop/Start and Reset
// behave; and with `?feed=ws://...` it reads a log server's topic. Every batch's progress and the
// final table are compared with the same pipeline run in Node over the same micro-batches.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBuiltPage, type BuiltPage } from './built-page.js';
import { Session, type RowObject, type StreamingQueryProgress } from '../../src/index.js';
import { startLogServer, type LogServer } from '../../src/node/index.js';
import { createSource } from '../../src/sources/registry.js';
import { seedEventJson, type SeedEventSource } from '../../src/sources/seed-events.js';
import { seedEvents, windowedEvents } from '../../demo/pipeline.js';

const configFile = fileURLToPath(new URL('../../vite.config.ts', import.meta.url));
const WAIT = { timeout: 20_000, polling: 25 } as const;
// A backlog far larger than the test reads and a cap per trigger: batch b reads exactly the
// events [PER_BATCH * b, PER_BATCH * (b + 1)), whatever the timing, so everything is deterministic.
const RATE = 200;
const PER_BATCH = 200;
const SEED_QUERY = `?backlog=1000000&max=${PER_BATCH}&trigger=200`;

let built: BuiltPage | undefined;
let browser: BuiltPage['browser'] | undefined;
let baseUrl = '';

beforeAll(async () => {
  built = await startBuiltPage({ configFile }, 'rivulet-demo-');
  ({ browser, baseUrl } = built);
}, 120_000);

afterAll(async () => {
  await built?.close();
});

// ---------------------------------------------------------------------------------------------
// What the page shows, read through its DOM and `window.demo`

interface DemoState {
  phase: string;
  queryId: string | null;
  firstBatchId: number | null;
  lastBatchId: number | null;
  batches: number;
  error: string | null;
}

/** The progress fields the demo shows, per batch. */
interface BatchSummary {
  batchId: number;
  numInputRows: number;
  endOffset: unknown;
  watermark: string | undefined;
  stateRows: number | undefined;
  droppedLate: number | undefined;
  outputRows: number;
}

const summarize = (p: StreamingQueryProgress): BatchSummary => ({
  batchId: p.batchId,
  numInputRows: p.numInputRows,
  endOffset: p.sources[0]?.endOffset,
  watermark: p.eventTime['watermark'],
  stateRows: p.stateOperators[0]?.numRowsTotal,
  droppedLate: p.stateOperators[0]?.numRowsDroppedByWatermark,
  outputRows: p.sink.numOutputRows,
});

/** A table row with its window as ISO strings, comparable across the page and Node. */
interface WindowRow {
  start: string;
  end: string;
  event_type: string;
  events: number;
  amount: number;
  avg_amount: number;
  users: number;
}

const toWindowRow = (r: RowObject): WindowRow => {
  const w = r['window'] as { start: Date; end: Date };
  return {
    start: w.start.toISOString(),
    end: w.end.toISOString(),
    event_type: r['event_type'] as string,
    events: r['events'] as number,
    amount: r['amount'] as number,
    avg_amount: r['avg_amount'] as number,
    users: r['users'] as number,
  };
};
const byKey = (a: WindowRow, b: WindowRow) => (a.start + a.event_type < b.start + b.event_type ? -1 : 1);

const stateOf = (page: Page) => page.evaluate(() => window.demo.state as DemoState);

/** Waits (bounded) until the page's state satisfies `cond`; a failed query fails fast. */
async function waitFor(page: Page, cond: string, what: string): Promise<DemoState> {
  try {
    await page.waitForFunction(`window.demo && (window.demo.state.phase === 'failed' || (${cond}))`, undefined, WAIT);
  } catch (e) {
    throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify(await stateOf(page).catch(() => null))}`, { cause: e });
  }
  const state = await stateOf(page);
  expect(state.error, what).toBeNull();
  return state;
}

const text = (page: Page, selector: string) => page.locator(selector).innerText();
const tableRowCount = (page: Page) => page.locator('#windows tbody tr').count();

/** This run's progress as the page's query has it (exact once the query is stopped). */
function pageProgress(page: Page): Promise<StreamingQueryProgress[]> {
  return page.evaluate(() => window.demo.query?.recentProgress ?? []);
}

/** Every row of the `windows` table, read in the page with a batch query. */
function pageTable(page: Page): Promise<WindowRow[]> {
  return page.evaluate(async () =>
    (await window.demo.spark.table('windows').collect()).map((r) => {
      const w = r['window'] as { start: Date; end: Date };
      const { window: _, ...values } = r;
      return { start: w.start.toISOString(), end: w.end.toISOString(), ...values } as unknown as WindowRow;
    }),
  );
}

async function clickAndWait(page: Page, button: string, phase: string): Promise<DemoState> {
  await page.click(button);
  return waitFor(page, `window.demo.state.phase === '${phase}'`, `phase ${phase} after ${button}`);
}

// ---------------------------------------------------------------------------------------------
// The reference: the same pipeline in Node, one micro-batch per chunk of event JSON

async function reference(chunks: readonly string[][], noDataBatches: boolean): Promise<{ batches: Omit<BatchSummary, 'endOffset'>[]; rows: WindowRow[] }> {
  // Rows are late against the watermark of the batch before (Spark 3.4+, for chained stateful
  // operators), so a no-data batch changes what the next batch drops: the reference runs them
  // exactly when the page does.
  const spark = Session.builder().appName('demo-reference').config('spark.sql.streaming.noDataMicroBatches.enabled', noDataBatches).create();
  try {
    const input = spark.memoryStream('value STRING');
    const query = await windowedEvents(input.toDF())
      .writeStream.format('memory')
      .queryName('expected')
      .outputMode('update')
      .option('checkpointLocation', `memory://demo-reference-${randomUUID()}`)
      .start();
    for (const chunk of chunks) {
      input.addData(chunk.map((value) => ({ value })));
      await query.processAllAvailable();
    }
    await query.stop();
    const batches = query.recentProgress.map((p) => {
      const { endOffset: _, ...rest } = summarize(p);
      return rest;
    });
    return { batches, rows: (await spark.table('expected').collect()).map(toWindowRow).sort(byKey) };
  } finally {
    await spark.stop();
  }
}

/** The JSON of seed events [from, to) exactly as the page's seed-events source produces them. */
function seedJson(from: number, to: number): string[] {
  const spark = Session.builder().appName('demo-options').create();
  // The options the demo's own reader passes (rate, event-time speed-up, seed, backlog, cap).
  const plan = seedEvents(spark.readStream, { rate: RATE, maxPerTrigger: PER_BATCH, backlog: 1_000_000 }).plan as { source: { format: string; options: Record<string, string> } };
  const source = createSource(plan.source.format, plan.source.options, { clock: { getTimeMillis: () => 0 } }) as SeedEventSource;
  return Array.from({ length: to - from }, (_, i) => seedEventJson(from + i, source.options));
}

const chunksOf = (events: string[], size: number) => Array.from({ length: Math.ceil(events.length / size) }, (_, i) => events.slice(i * size, (i + 1) * size));

// ---------------------------------------------------------------------------------------------

describe('the demo page (vite build, Chromium)', () => {
  it('runs the seed pipeline in a Worker, resumes after a reload, stops, starts and resets', async () => {
    const context = await browser!.newContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT.timeout);
      const workers: string[] = [];
      page.on('worker', (w) => workers.push(w.url()));
      await page.goto(baseUrl + SEED_QUERY);

      // First load: a fresh checkpoint, batch 0 onwards, rows in the table.
      const first = await waitFor(page, 'window.demo.state.batches >= 3 && document.querySelectorAll("#windows tbody tr").length > 0', 'three batches and table rows');
      expect(first.firstBatchId).toBe(0);
      expect(first.queryId).toMatch(/^[0-9a-f-]{36}$/);
      expect(await text(page, '#query-id')).toBe(first.queryId);
      expect(await text(page, '#run')).toBe('fresh checkpoint: started at batch 0');
      expect(await text(page, '#pg-input')).toBe(String(PER_BATCH));
      expect(Number(await text(page, '#pg-batch'))).toBeGreaterThanOrEqual(1);
      expect(await page.locator('#chart rect.bar').count()).toBeGreaterThan(0);
      // The micro-batches ran in the engine's module Worker, bundled by vite.
      expect(workers.some((url) => /worker-entry.*\.js$/.test(url))).toBe(true);
      const beforeReload = (await pageProgress(page)).map(summarize);

      // Reload mid-stream: the page stops the query on pagehide; the new page resumes it.
      await page.reload({ waitUntil: 'load' });
      const resumed = await waitFor(page, 'window.demo.state.batches >= 2', 'two batches after the reload');
      expect(resumed.queryId).toBe(first.queryId);
      expect(resumed.firstBatchId).toBeGreaterThan(beforeReload.at(-1)!.batchId);
      expect(await text(page, '#query-id')).toBe(first.queryId);
      expect(await text(page, '#run')).toBe(`resumed from batch ${resumed.firstBatchId}`);
      expect(await tableRowCount(page)).toBeGreaterThan(0);

      // Stop: the last committed batch is final, and Start resumes right after it.
      await clickAndWait(page, '#stop', 'stopped');
      const afterReload = (await pageProgress(page)).map(summarize);
      expect(afterReload.map((b) => b.batchId)).not.toContain(0);
      const table = (await pageTable(page)).sort(byKey);
      const lastBatch = afterReload.at(-1)!.batchId;
      expect(await text(page, '#pg-batch')).toBe(String(lastBatch));
      expect(await text(page, '#status')).toBe('stopped');
      await page.click('#start');
      const restarted = await waitFor(page, 'window.demo.state.phase === "running" && window.demo.state.batches >= 1', 'a batch after Start');
      expect(restarted.queryId).toBe(first.queryId);
      expect(restarted.firstBatchId).toBe(lastBatch + 1);
      expect(await text(page, '#run')).toBe(`resumed from batch ${lastBatch + 1}`);

      // Every batch read exactly its PER_BATCH events, and batch by batch the page saw what the
      // same pipeline computes in Node: watermark, state rows, rows dropped as late, rows written.
      const seen = [...beforeReload, ...afterReload];
      for (const b of seen) {
        expect(b.numInputRows, `batch ${b.batchId}`).toBe(PER_BATCH);
        expect(b.endOffset, `batch ${b.batchId}`).toBe(PER_BATCH * (b.batchId + 1));
      }
      // The page's backlog never runs dry, so it runs no no-data batch.
      const expected = await reference(chunksOf(seedJson(0, PER_BATCH * (lastBatch + 1)), PER_BATCH), false);
      expect(expected.batches).toHaveLength(lastBatch + 1);
      for (const b of seen) {
        const { endOffset: _, ...got } = b;
        expect(got, `batch ${b.batchId}`).toEqual(expected.batches[b.batchId]);
      }
      // Batch 2 drops a late event (its window ended before the watermark of batch 1).
      expect(expected.batches[2]!.droppedLate).toBe(1);
      // The durable table after the stop holds every window of every batch, across the reload.
      expect(table).toEqual(expected.rows);

      // Reset: the checkpoint is deleted, and a new query starts at batch 0 on an empty table.
      await page.click('#reset');
      const reset = await waitFor(page, 'window.demo.state.phase === "running" && window.demo.state.batches >= 1', 'a batch after Reset');
      expect(reset.firstBatchId).toBe(0);
      expect(reset.queryId).not.toBe(first.queryId);
      expect(await text(page, '#run')).toBe('fresh checkpoint: started at batch 0');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('reads the topic `events` of a log server with ?feed=ws://…', async () => {
    let log: LogServer | undefined;
    const context = await browser!.newContext();
    try {
      log = await startLogServer({ storage: 'memory', topics: { events: 1 } });
      const events = seedJson(0, 1500);
      await log.append('events', events.slice(0, 1000).map((value, n) => ({ key: `e${n}`, value })), 0);
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT.timeout);
      await page.goto(`${baseUrl}?feed=${encodeURIComponent(log.wsUrl)}&trigger=200`);
      await waitFor(page, 'window.demo.state.batches >= 1 && document.querySelectorAll("#windows tbody tr").length > 0', 'the topic backlog');
      expect(await text(page, '#feed')).toBe(`websocket source: topic "events" at ${log.wsUrl}`);
      expect(await text(page, '#checkpoint')).toBe('idb://rivulet-demo/ws');
      // Batch 0 moved the watermark, so with the topic dry a no-data batch follows: let it run
      // before appending more, so the batches are known exactly.
      await waitFor(page, 'window.demo.state.batches >= 2', 'the no-data batch after the backlog');
      await log.append('events', events.slice(1000).map((value, i) => ({ key: `e${1000 + i}`, value })), 0);
      await waitFor(page, 'window.demo.query.lastProgress?.sources[0]?.endOffset?.events?.["0"] === 1500', 'the events appended later');
      await clickAndWait(page, '#stop', 'stopped');

      const got = (await pageProgress(page)).map(summarize);
      expect(got.map((b) => b.numInputRows)).toEqual([1000, 0, 500, 0].slice(0, got.length));
      const expected = await reference([events.slice(0, 1000), events.slice(1000)], true);
      expect(got.map(({ endOffset: _, ...b }) => b)).toEqual(expected.batches.slice(0, got.length));
      expect((await pageTable(page)).sort(byKey)).toEqual(expected.rows);
    } finally {
      await context.close();
      await log?.close();
    }
  }, 60_000);
});
