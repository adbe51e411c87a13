// A real page reloaded mid-stream (Playwright + Debian's Chromium): the query on an idb://
// checkpoint stops on pagehide, the reloaded page resumes it from the checkpoint, and the
// IndexedDB sink ends with every batch id once, contiguous from 0, holding the batch answer.
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBuiltPage, type BuiltPage } from './built-page.js';
import { Session } from '../../src/index.js';
import { expectedTotals, finalTotals } from '../fixtures/reload-page/query.js';

const root = fileURLToPath(new URL('../fixtures/reload-page/', import.meta.url));
const BACKLOG = 60;
const PER_TRIGGER = 5;
const WAIT = { timeout: 20_000, polling: 20 } as const;

let built: BuiltPage | undefined;
let browser: BuiltPage['browser'] | undefined;
let baseUrl = '';

beforeAll(async () => {
  built = await startBuiltPage({ root }, 'rivulet-reload-page-');
  ({ browser, baseUrl } = built);
}, 120_000);

afterAll(async () => {
  await built?.close();
});

interface Progress {
  batches: number;
  lastBatchId: number;
  endOffset: number;
  holding: boolean;
  done: boolean;
  error: string | null;
}
interface Delivery {
  batchId: number;
  rows: Record<string, unknown>[];
}

const progressOf = (page: Page) => page.evaluate(() => (window as unknown as { __rivulet: Progress }).__rivulet);

/** Waits (bounded) for the page's progress to satisfy `cond`; the page's own error fails fast. */
async function waitForProgress(page: Page, cond: string, what: string): Promise<Progress> {
  try {
    await page.waitForFunction(`window.__rivulet && (window.__rivulet.error !== null || (${cond}))`, undefined, WAIT);
  } catch (e) {
    throw new Error(`timed out waiting for ${what}; progress: ${JSON.stringify(await progressOf(page).catch(() => null))}`, { cause: e });
  }
  const p = await progressOf(page);
  expect(p.error, what).toBeNull();
  return p;
}

/** The sink database read from the page with plain IndexedDB: the idempotent store and every delivery. */
function readSink(page: Page): Promise<{ keys: number[]; batches: Delivery[]; writes: Delivery[] }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('reload-sink');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['batches', 'writes'], 'readonly');
          const keys = tx.objectStore('batches').getAllKeys();
          const batches = tx.objectStore('batches').getAll();
          const writes = tx.objectStore('writes').getAll();
          tx.oncomplete = () => {
            open.result.close();
            resolve({ keys: keys.result as number[], batches: batches.result as Delivery[], writes: writes.result as Delivery[] });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Opens the page in a fresh context (its own IndexedDB), lets `reloads` interrupt it, waits for the
 * query to finish the backlog, then checks the sink against the batch answer. Returns the batch ids
 * delivered more than once (re-runs of a batch cut off before its commit).
 */
async function runWithReloads(query: string, reloads: ((page: Page) => Promise<void>)[]): Promise<number[]> {
  const context = await browser!.newContext();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    await page.goto(`${baseUrl}?backlog=${BACKLOG}&max=${PER_TRIGGER}${query}`);
    for (const interrupt of reloads) {
      await interrupt(page);
      await page.reload({ waitUntil: 'load' });
    }
    const final = await waitForProgress(page, 'window.__rivulet.done', 'the resumed query to process the whole backlog');
    expect(final.endOffset).toBeGreaterThanOrEqual(BACKLOG);

    const sink = await readSink(page);
    // Batch ids contiguous from 0 up to the last committed one, each stored once.
    expect(sink.keys).toEqual(range(final.lastBatchId + 1));
    expect(sink.batches.map((b) => b.batchId)).toEqual(sink.keys);
    // A batch delivered again after a reload carries exactly the rows of its first delivery.
    const first = new Map<number, Delivery>();
    const repeated: number[] = [];
    for (const w of sink.writes) {
      const earlier = first.get(w.batchId);
      if (earlier) {
        repeated.push(w.batchId);
        expect(w.rows, `re-delivery of batch ${w.batchId}`).toEqual(earlier.rows);
      } else first.set(w.batchId, w);
    }
    expect([...first.keys()].sort((a, b) => a - b)).toEqual(sink.keys);
    // At most the one batch in flight at each reload is delivered again.
    expect(repeated.length).toBeLessThanOrEqual(reloads.length);

    const spark = Session.builder().appName('reload-reference').create();
    const expected = await expectedTotals(spark, final.endOffset);
    const got = finalTotals(new Map(sink.batches.map((b) => [b.batchId, b.rows])));
    expect([...got.entries()].sort()).toEqual([...expected.entries()].sort());
    expect([...expected.values()].reduce((sum, [count]) => sum + count, 0)).toBe(final.endOffset);
    return repeated;
  } finally {
    await context.close();
  }
}

describe('reloading a page mid-stream resumes its idb:// query exactly once (Chromium)', () => {
  it('a reload between batches, after three commits', async () => {
    const repeated = await runWithReloads('', [(page) => waitForProgress(page, 'window.__rivulet.lastBatchId >= 2', 'three committed batches').then(() => undefined)]);
    expect(repeated.length).toBeLessThanOrEqual(1);
  }, 60_000);

  it('a reload after batch 3 reached the sink but before its commit, then a second reload later', async () => {
    const repeated = await runWithReloads('&hold=3', [
      (page) => waitForProgress(page, 'window.__rivulet.holding', 'batch 3 to be parked after its sink write').then(() => undefined),
      (page) => waitForProgress(page, 'window.__rivulet.lastBatchId >= 6', 'batch 6 to commit after the first reload').then(() => undefined),
    ]);
    // Batch 3 never committed before the first reload, so the reloaded page re-ran it.
    expect(repeated[0]).toBe(3);
  }, 60_000);
});
