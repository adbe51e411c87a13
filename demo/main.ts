/**
 * The rivulet demo: the seed pipeline (demo/pipeline.ts) running in a Web Worker, checkpointed to
 * IndexedDB, writing its windows into a durable table that this page reads with batch queries.
 *
 *   feed        seed-events (in-process, seeded) or, with `?feed=ws://127.0.0.1:7070`, the topic
 *               `events` of a log server read by the `websocket` source
 *   worker      `.toTable('windows', { worker: true })`: every micro-batch runs in a module Worker;
 *               the table sink, the listener and the rendering stay on this thread
 *   checkpoint  `idb://rivulet-demo/seed` (or `.../ws`): reload the page and the query resumes with
 *               the same id and the next batch id; Reset deletes the database and starts over
 *
 * URL parameters: `feed`, `rate` (events/s, default 200), `max` (maxOffsetsPerTrigger), `backlog`
 * (events waiting when a fresh query starts), `trigger` (ms between micro-batches, default 1000).
 * `window.demo` exposes the session and the query for the console (and for test/node/demo.test.ts).
 */
import { F, Session, type DataFrame, type RowObject, type StreamingQuery, type StreamingQueryProgress } from '../src/index.js';
import { hhmm, renderChart, type WindowBar } from './chart.js';
import { EVENT_TIME_SPEEDUP, LATE_RATIO, logTopic, seedEvents, windowedEvents } from './pipeline.js';
import pipelineSource from './pipeline.ts?raw';

// ---------------------------------------------------------------------------------------------
// Configuration from the URL

const params = new URLSearchParams(location.search);
const numParam = (name: string): number | undefined => {
  const v = params.get(name);
  return v === null || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v);
};
const feedUrl = params.get('feed');
const rate = numParam('rate') ?? 200;
const maxPerTrigger = numParam('max');
const backlog = numParam('backlog');
const triggerMs = numParam('trigger') ?? 1000;

const DATABASE = 'rivulet-demo';
const CHECKPOINT = `idb://${DATABASE}/${feedUrl ? 'ws' : 'seed'}`;
const TABLE = 'windows';
const TABLE_ROWS = 30; // the newest windows × event types shown in the table
const CHART_BARS = 24; // the newest windows shown in the chart
const RECENT_BATCHES = 8;

// ---------------------------------------------------------------------------------------------
// The query

const spark = Session.builder().appName('rivulet-demo').getOrCreate();

type Phase = 'starting' | 'running' | 'stopping' | 'stopped' | 'resetting' | 'failed';

/** What the page knows about the current run (also read by the browser test). */
interface DemoState {
  phase: Phase;
  queryId: string | null;
  runId: string | null;
  /** The first batch id of this run: 0 on a fresh checkpoint, N + 1 after batch N committed. */
  firstBatchId: number | null;
  lastBatchId: number | null;
  /** Micro-batches reported in this run. */
  batches: number;
  /** Rows dropped as late in this run. */
  droppedLate: number;
  error: string | null;
}

const state: DemoState = { phase: 'starting', queryId: null, runId: null, firstBatchId: null, lastBatchId: null, batches: 0, droppedLate: 0, error: null };
let query: StreamingQuery | undefined;
let recent: StreamingQueryProgress[] = [];

function source(): DataFrame {
  return feedUrl ? logTopic(spark.readStream, feedUrl, maxPerTrigger) : seedEvents(spark.readStream, { rate, maxPerTrigger, backlog });
}

async function start(): Promise<void> {
  setPhase('starting');
  Object.assign(state, { queryId: null, runId: null, firstBatchId: null, lastBatchId: null, batches: 0, droppedLate: 0, error: null });
  recent = [];
  renderRun();
  try {
    query = await windowedEvents(source())
      .writeStream.outputMode('update')
      .option('checkpointLocation', CHECKPOINT)
      .trigger({ processingTime: `${triggerMs} milliseconds` })
      .toTable(TABLE, { worker: true });
    state.queryId = query.id;
    state.runId = query.runId;
    // A query can fail right after it starts (e.g. a log server that is not there).
    if (query.isActive) setPhase('running');
    else fail(query.exception());
    renderRun();
    await refreshResults();
  } catch (e) {
    fail(e);
  }
}

async function stop(): Promise<void> {
  if (!query?.isActive) return;
  setPhase('stopping');
  await query.stop();
  setPhase('stopped');
}

/** Stops the query, deletes its IndexedDB checkpoint (and the table in it), and starts afresh. */
async function reset(): Promise<void> {
  setPhase('resetting');
  await query?.stop();
  query = undefined;
  await deleteDatabase(DATABASE);
  clearResults();
  await start();
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    // Another tab still has the database open: deletion waits for it to close.
    request.onblocked = () => show('status-detail', 'Waiting for other tabs of this demo to close…');
  });
}

spark.streams.addListener({
  onQueryProgress({ progress }) {
    if (progress.runId !== state.runId && state.runId !== null) return;
    state.queryId = progress.id;
    state.firstBatchId ??= progress.batchId;
    state.lastBatchId = progress.batchId;
    state.batches++;
    state.droppedLate += progress.stateOperators[0]?.numRowsDroppedByWatermark ?? 0;
    recent = [progress, ...recent].slice(0, RECENT_BATCHES);
    renderRun();
    renderProgress(progress);
    void refreshResults();
  },
  onQueryTerminated(event) {
    if (event.runId !== state.runId) return;
    if (event.error) fail(event.error);
  },
});

function fail(error: unknown): void {
  let message = error instanceof Error ? error.message : String(error ?? 'the query stopped');
  // A failed query's exception() is STREAM_FAILED; the source's error is its cause (or, from a
  // Worker, quoted in its message).
  if (error instanceof Error && error.cause instanceof Error && !message.includes(error.cause.message)) message += `: ${error.cause.message}`;
  if (feedUrl && /SOURCE_UNREACHABLE|SOURCE_TOPIC_NOT_FOUND/.test(message)) {
    message += ` Is a log server feeding the topic "events" at ${feedUrl}? Try \`npm start -- --port 7070\`.`;
  } else if (/SOURCE_DATA_LOSS/.test(message)) {
    message += ' The log server no longer has the offsets this checkpoint reached (a fresh server?): Reset starts over.';
  }
  state.error = message;
  setPhase('failed');
}

// ---------------------------------------------------------------------------------------------
// Reading the results: batch queries over the table the stream writes

let refreshing: Promise<void> | undefined;
let refreshAgain = false;

/** Re-reads the table (at most one read in flight; a request meanwhile runs once more after it). */
function refreshResults(): Promise<void> {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      refreshAgain = false;
      if (!spark.catalog.tableExists(TABLE)) continue;
      const table = spark.table(TABLE);
      const windowStart = F.col('window').getField('start');
      const [rows, perWindow] = await Promise.all([
        table.orderBy(windowStart.desc(), F.col('event_type')).limit(TABLE_ROWS).collect(),
        table.groupBy('window').agg(F.sum('events').alias('events')).orderBy(windowStart.desc()).limit(CHART_BARS).collect(),
      ]);
      const watermark = currentWatermark();
      renderTable(rows, watermark);
      renderChart(byId<SVGSVGElement>('chart'), perWindow.map(toBar), watermark);
    } while (refreshAgain);
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

interface WindowValue {
  start: Date;
  end: Date;
}

const toBar = (r: RowObject): WindowBar => {
  const w = r['window'] as WindowValue;
  return { start: w.start, end: w.end, events: Number(r['events']) };
};

/** The watermark the latest batch ran with (null before the first watermark). */
function currentWatermark(): Date | null {
  const wm = recent[0]?.eventTime['watermark'];
  return wm && Date.parse(wm) > 0 ? new Date(wm) : null;
}

// ---------------------------------------------------------------------------------------------
// Rendering

function byId<T extends Element = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from index.html`);
  return node as unknown as T;
}

function show(id: string, text: string): void {
  byId(id).textContent = text;
}

const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const num = (v: unknown): string => (typeof v === 'number' ? fmt.format(v) : '—');
const time = (iso: string | undefined): string => (iso && Date.parse(iso) > 0 ? iso.slice(0, 19).replace('T', ' ') : '—');

function setPhase(phase: Phase): void {
  state.phase = phase;
  const status = byId('status');
  status.textContent = phase;
  status.dataset.phase = phase;
  show('status-detail', phase === 'failed' ? (state.error ?? '') : '');
  byId<HTMLButtonElement>('stop').disabled = phase !== 'running';
  byId<HTMLButtonElement>('start').disabled = phase !== 'stopped' && phase !== 'failed';
  byId<HTMLButtonElement>('reset').disabled = phase === 'starting' || phase === 'stopping' || phase === 'resetting';
}

function renderRun(): void {
  show('query-id', state.queryId ?? '…');
  const run = byId('run');
  if (state.firstBatchId === null) run.textContent = state.queryId ? 'waiting for the first micro-batch…' : '';
  else if (state.firstBatchId === 0) run.textContent = 'fresh checkpoint: started at batch 0';
  else run.textContent = `resumed from batch ${state.firstBatchId}`;
  run.dataset.firstBatchId = state.firstBatchId === null ? '' : String(state.firstBatchId);
}

function renderProgress(p: StreamingQueryProgress): void {
  const op = p.stateOperators[0];
  show('pg-batch', String(p.batchId));
  show('pg-input', num(p.numInputRows));
  show('pg-rate', num(Math.round(p.processedRowsPerSecond)));
  show('pg-watermark', time(p.eventTime['watermark']));
  show('pg-state', num(op?.numRowsTotal ?? 0));
  show('pg-late', num(op?.numRowsDroppedByWatermark ?? 0));
  show('pg-late-total', `${num(state.droppedLate)} in this run`);
  show('pg-output', num(p.sink.numOutputRows));
  show('pg-offset', JSON.stringify(p.sources[0]?.endOffset ?? null));
  byId('batch-panel').dataset.batchId = String(p.batchId);

  const body = byId('batches').querySelector('tbody')!;
  body.replaceChildren(
    ...recent.map((b) => {
      const s = b.stateOperators[0];
      return row([
        String(b.batchId),
        num(b.numInputRows),
        num(Math.round(b.processedRowsPerSecond)),
        time(b.eventTime['watermark']),
        num(s?.numRowsTotal ?? 0),
        num(s?.numRowsDroppedByWatermark ?? 0),
        num(b.sink.numOutputRows),
        `${b.durationMs['triggerExecution'] ?? 0} ms`,
      ]);
    }),
  );
}

/** The shown rows' values by key, to highlight what the latest batch changed (update mode!). */
let shownRows = new Map<string, string>();

function renderTable(rows: RowObject[], watermark: Date | null): void {
  const body = byId('windows').querySelector('tbody')!;
  const previous = shownRows;
  shownRows = new Map();
  body.replaceChildren(
    ...rows.map((r) => {
      const w = r['window'] as WindowValue;
      const key = `${w.start.toISOString()} ${String(r['event_type'])}`;
      const values = JSON.stringify([r['events'], r['amount'], r['users']]);
      const changed = previous.get(key) !== values;
      shownRows.set(key, values);
      const final = watermark !== null && w.end.getTime() <= watermark.getTime();
      const tr = row([
        `${hhmm(w.start)}–${hhmm(w.end)}`,
        String(r['event_type']),
        num(r['events']),
        num(r['amount']),
        num(r['avg_amount']),
        num(r['users']),
        final ? 'final' : 'open',
      ]);
      tr.classList.toggle('changed', changed);
      tr.classList.toggle('final', final);
      return tr;
    }),
  );
}

/** Empties the progress panel, the chart and the table (after Reset). */
function clearResults(): void {
  for (const id of ['pg-batch', 'pg-input', 'pg-rate', 'pg-watermark', 'pg-state', 'pg-late', 'pg-output', 'pg-offset']) show(id, '—');
  show('pg-late-total', '');
  byId('batches').querySelector('tbody')!.replaceChildren();
  byId('windows').querySelector('tbody')!.replaceChildren();
  shownRows.clear();
  renderChart(byId<SVGSVGElement>('chart'), [], null);
}

function row(cells: string[]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const text of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.append(td);
  }
  return tr;
}

// ---------------------------------------------------------------------------------------------
// Wiring

function describeFeed(): string {
  if (feedUrl) return `websocket source: topic "events" at ${feedUrl}`;
  const limits = [maxPerTrigger ? `at most ${maxPerTrigger} per batch` : '', backlog ? `backlog ${backlog}` : ''].filter(Boolean);
  return `seed-events source: ${rate} events/s${limits.length ? ` (${limits.join(', ')})` : ''}, event time ${EVENT_TIME_SPEEDUP}× faster than the clock, ${LATE_RATIO * 100} % of events late`;
}

function pipelineRegion(source: string): string {
  const m = /\/\/ #region pipeline\n([\s\S]*?)\/\/ #endregion/.exec(source);
  return (m?.[1] ?? source).trimEnd();
}

show('feed', describeFeed());
show('checkpoint', CHECKPOINT);
show('trigger', `every ${triggerMs} ms`);
show('code', pipelineRegion(pipelineSource));
renderChart(byId<SVGSVGElement>('chart'), [], null);

const guard = (action: () => Promise<void>) => () => void action().catch(fail);
byId('stop').addEventListener('click', guard(stop));
byId('start').addEventListener('click', guard(start));
byId('reset').addEventListener('click', guard(reset));

declare global {
  interface Window {
    demo: { spark: Session; readonly query: StreamingQuery | undefined; state: DemoState };
  }
}
window.demo = {
  spark,
  get query() {
    return query;
  },
  state,
};

void start();
