/**
 * Workload 2 (BENCHMARKS.md): the Yahoo Streaming Benchmark. Events `{user_id, page_id, ad_id,
 * ad_type, event_type, event_time, ip_address}` (100 campaigns × 10 ads, uniform choices), query:
 * filter event_type = 'view' → project (ad_id, event_time) → stream-static join ad_id → campaign_id
 * → count per 10-second tumbling event-time window and campaign, update mode. A 10-second
 * watermark bounds the state (events arrive in event-time order, so no row is late).
 *
 * Engines side by side on the same micro-batches: rivulet (memoryStream → query → foreachBatch),
 * the limit (hand-written loop), rxjs, arquero (recompute per batch over the open windows' rows),
 * @tanstack/db-ivm (join with the static table as a second input, groupBy count) and DuckDB
 * (batch SQL, 1 thread: the reference answer). Every engine's final answer (last count emitted
 * per window × campaign) must equal DuckDB's.
 * Sizes: BENCH_YSB_EVENTS, BENCH_YSB_BATCH, BENCH_YSB_TPS, BENCH_YSB_REPEATS, BENCH_YSB_ENGINES, BENCH_QUICK=1.
 */
import * as aq from 'arquero';
import { D2, MultiSet, filter as dFilter, groupBy as dGroupBy, groupByOperators, join as dJoin, map as dMap, output as dOutput } from '@tanstack/db-ivm';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { concatMap, filter, from, map, reduce } from 'rxjs';
import { F, Session } from '../dist/index.js';
import {
  env, fmtCount, gitCommit, list, log as mkLog, machine, num, openDuckDB, peerVersions, quick, resultTable, root, runRivulet, runSideBySide, splitBatches, summarise, warnIfBusy, toNum, writeCsv, writeResults,
} from './lib/harness.mjs';
import { generateYsb, YSB_SCHEMA_DDL } from './lib/ysb-gen.mjs';

const log = mkLog('ysb');
const cfg = {
  events: num(env.BENCH_YSB_EVENTS, quick ? 200_000 : 1_000_000),
  batch: num(env.BENCH_YSB_BATCH, quick ? 50_000 : 100_000),
  tps: num(env.BENCH_YSB_TPS, 10_000),
  repeats: num(env.BENCH_YSB_REPEATS, quick ? 1 : 3),
  // An engine stops repeating once its runs add up to this (s).
  budgetS: num(env.BENCH_YSB_BUDGET_S, 15),
  engines: list(env.BENCH_YSB_ENGINES, 'rivulet,limit,rxjs,arquero,db-ivm,duckdb'),
};
const loadAtStart = warnIfBusy(log);
const outFile = env.BENCH_YSB_OUT ?? join(root, 'bench/results/ysb.json');
const W = 10_000; // window, ms
const DELAY = 10_000; // watermark delay, ms
const { op } = aq;

const tGen = performance.now();
const gen = generateYsb(cfg.events, { tps: cfg.tps });
log(`generated ${cfg.events} events in ${(performance.now() - tGen).toFixed(0)} ms`);
const batches = splitBatches(gen.events, cfg.batch);
const adCampaign = new Map(gen.ads.map((a) => [a.ad_id, a.campaign_id]));
const key = (ws, c) => `${ws}|${c}`;

// ---------- the limit ----------

function runLimit() {
  const out = new Map();
  const windows = new Map(); // ws -> Map(campaign -> acc)
  let wm = -Infinity;
  let maxT = -Infinity;
  for (const batch of batches) {
    const touched = [];
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i];
      if (e.event_type !== 'view') continue;
      const c = adCampaign.get(e.ad_id);
      if (c === undefined) continue;
      const t = e.event_time;
      if (t > maxT) maxT = t;
      const ws = t - (t % W);
      if (ws + W <= wm) continue;
      let byC = windows.get(ws);
      if (byC === undefined) windows.set(ws, (byC = new Map()));
      let a = byC.get(c);
      if (a === undefined) byC.set(c, (a = { ws, c, n: 0, touched: false }));
      a.n++;
      if (!a.touched) {
        a.touched = true;
        touched.push(a);
      }
    }
    for (const a of touched) {
      out.set(key(a.ws, a.c), [a.n]);
      a.touched = false;
    }
    wm = Math.max(wm, maxT - DELAY);
    for (const ws of windows.keys()) if (ws + W <= wm) windows.delete(ws);
  }
  return out;
}

// ---------- rxjs ----------

function runRx() {
  const out = new Map();
  const counts = new Map(); // key -> { ws, n }
  let wm = -Infinity;
  let maxT = -Infinity;
  from(batches)
    .pipe(
      concatMap((batch) =>
        from(batch).pipe(
          filter((e) => e.event_type === 'view'),
          map((e) => ({ ad_id: e.ad_id, event_time: e.event_time })),
          map((e) => ({ campaign_id: adCampaign.get(e.ad_id), event_time: e.event_time })),
          filter((e) => e.campaign_id !== undefined),
          map((e) => {
            if (e.event_time > maxT) maxT = e.event_time;
            return { campaign_id: e.campaign_id, ws: Math.floor(e.event_time / W) * W };
          }),
          filter((e) => e.ws + W > wm),
          reduce((touched, e) => {
            const k = key(e.ws, e.campaign_id);
            const a = counts.get(k);
            if (a === undefined) counts.set(k, { ws: e.ws, n: 1 });
            else a.n++;
            touched.add(k);
            return touched;
          }, new Set()),
          map((touched) => {
            const rows = [...touched].map((k) => [k, [counts.get(k).n]]);
            wm = Math.max(wm, maxT - DELAY);
            for (const [k, a] of counts) if (a.ws + W <= wm) counts.delete(k);
            return rows;
          }),
        ),
      ),
    )
    .subscribe((rows) => {
      for (const [k, v] of rows) out.set(k, v);
    });
  return out;
}

// ---------- arquero ----------

const adsTable = aq.from(gen.ads);

function runArquero() {
  const out = new Map();
  let retained = null;
  let wm = -Infinity;
  let maxT = -Infinity;
  for (const batch of batches) {
    const fresh = aq
      .from(batch)
      .filter((d) => d.event_type === 'view')
      .select('ad_id', 'event_time')
      .join(adsTable, 'ad_id')
      .derive({ ws: (d) => op.floor(d.event_time / 10000) * 10000 })
      .reify();
    if (fresh.numRows() === 0) continue;
    maxT = Math.max(maxT, fresh.rollup({ m: op.max('event_time') }).get('m', 0));
    const kept = fresh.params({ wm }).filter((d, $) => d.ws + 10000 > $.wm).reify();
    retained = retained === null ? kept : retained.concat(kept);
    const agg = retained.semijoin(kept.select('ws', 'campaign_id').dedupe()).groupby('ws', 'campaign_id').count({ as: 'n' });
    for (const r of agg.objects()) out.set(key(r.ws, r.campaign_id), [r.n]);
    wm = Math.max(wm, maxT - DELAY);
    retained = retained.params({ wm }).filter((d, $) => d.ws + 10000 > $.wm).reify();
  }
  return out;
}

// ---------- @tanstack/db-ivm ----------

function runIvm() {
  const out = new Map();
  let wm = -Infinity;
  let maxT = -Infinity;
  const graph = new D2();
  const events = graph.newInput();
  const ads = graph.newInput();
  events.pipe(
    dFilter((e) => e.event_type === 'view'),
    dMap((e) => [e.ad_id, e.event_time]),
    dJoin(ads, 'inner'),
    dMap(([, [t, c]]) => {
      if (t > maxT) maxT = t;
      return { ws: Math.floor(t / W) * W, campaign_id: c };
    }),
    dFilter((r) => r.ws + W > wm),
    dGroupBy((r) => ({ ws: r.ws, campaign_id: r.campaign_id }), { n: groupByOperators.count() }),
    dOutput((msg) => {
      for (const [[, r], mult] of msg.getInner()) if (mult > 0) out.set(key(r.ws, r.campaign_id), [r.n]);
    }),
  );
  graph.finalize();
  ads.sendData(new MultiSet(gen.ads.map((a) => [[a.ad_id, a.campaign_id], 1])));
  for (const batch of batches) {
    events.sendData(new MultiSet(batch.map((e) => [e, 1])));
    graph.run();
    wm = Math.max(wm, maxT - DELAY);
  }
  return out;
}

// ---------- rivulet ----------

const spark = Session.builder().appName('bench-ysb').getOrCreate();
const adsDf = spark.createDataFrame(gen.ads, 'ad_id STRING, campaign_id STRING');

async function runRiv() {
  const out = new Map();
  await runRivulet(spark, {
    name: 'ysb',
    ddl: YSB_SCHEMA_DDL,
    batches,
    outputMode: 'update',
    build: (df) =>
      df
        .withWatermark('event_time', '10 seconds')
        .where("event_type = 'view'")
        .select('ad_id', 'event_time')
        .join(adsDf, 'ad_id')
        .groupBy(F.window('event_time', '10 seconds'), 'campaign_id')
        .count(),
    onBatch: async (batchDf) => {
      for (const r of await batchDf.collect()) out.set(key(r.window.start.getTime(), r.campaign_id), [r.count]);
    },
  });
  return out;
}

// ---------- DuckDB ----------

const tmp = mkdtempSync(join(os.tmpdir(), 'rivulet-bench-ysb-'));
const duck = await openDuckDB(1);
writeCsv(join(tmp, 'events.csv'), ['seq', 'user_id', 'page_id', 'ad_id', 'ad_type', 'event_type', 't', 'ip_address'], gen.events.map((e, i) => [i, e.user_id, e.page_id, e.ad_id, e.ad_type, e.event_type, e.event_time, e.ip_address]));
writeCsv(join(tmp, 'ads.csv'), ['ad_id', 'campaign_id'], gen.ads.map((a) => [a.ad_id, a.campaign_id]));
await duck.run(`CREATE TABLE events AS SELECT * FROM read_csv('${join(tmp, 'events.csv')}', header=true, columns={'seq':'BIGINT','user_id':'VARCHAR','page_id':'VARCHAR','ad_id':'VARCHAR','ad_type':'VARCHAR','event_type':'VARCHAR','t':'BIGINT','ip_address':'VARCHAR'})`);
await duck.run(`CREATE TABLE ads AS SELECT * FROM read_csv('${join(tmp, 'ads.csv')}', header=true, columns={'ad_id':'VARCHAR','campaign_id':'VARCHAR'})`);
rmSync(tmp, { recursive: true, force: true });

async function runDuck() {
  // The streaming late-row rule, per micro-batch b: late when window end <= max(t of batches < b) − delay.
  const sql = `
    WITH v AS (SELECT seq // ${cfg.batch} AS b, ad_id, t FROM events WHERE event_type = 'view'),
    bm AS (SELECT b, max(t) AS mx FROM v GROUP BY b),
    wm AS (SELECT b, coalesce(max(mx) OVER (ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) - ${DELAY}, -9e18) AS wm FROM bm)
    SELECT (t // ${W}) * ${W} AS ws, campaign_id, count(*) AS n
    FROM v JOIN ads USING (ad_id) JOIN wm USING (b)
    WHERE (t // ${W}) * ${W} + ${W} > wm.wm
    GROUP BY ws, campaign_id`;
  const out = new Map();
  for (const r of await duck.rows(sql)) out.set(key(toNum(r.ws), r.campaign_id), [toNum(r.n)]);
  return out;
}

// ---------- main ----------

const ENGINES = {
  rivulet: { label: 'rivulet (streaming query, foreachBatch)', run: runRiv },
  limit: { label: 'the limit (hand-written loop)', run: runLimit },
  rxjs: { label: 'RxJS pipeline', run: runRx },
  arquero: { label: 'arquero (recompute per batch)', run: runArquero },
  'db-ivm': { label: '@tanstack/db-ivm', run: runIvm, note: 'no watermark eviction: its join and groupBy state keep every row' },
  duckdb: { label: 'DuckDB (batch SQL, 1 thread)', run: runDuck, note: 'query over tables preloaded from CSV (load not timed)' },
};

log(`${cfg.events} events, batches of ${cfg.batch}, TPS ${cfg.tps}, ${cfg.repeats} repeat(s)`);
const engines = cfg.engines.map((name) => ({ name, ...ENGINES[name] }));
const raw = await runSideBySide(engines, { repeats: cfg.repeats, budgetMs: cfg.budgetS * 1000, log });
const summary = summarise(raw, { events: cfg.events, say: log });
duck.close();

const doc = {
  benchmark: 'ysb (BENCHMARKS.md workload 2)',
  date: new Date().toISOString(),
  gitCommit: gitCommit(),
  machine: { ...machine(), loadavgAtStart: loadAtStart },
  peers: peerVersions(),
  duckdb: duck.version,
  config: { ...cfg, generator: gen.options },
  query:
    "withWatermark('event_time', '10 seconds') → filter event_type = 'view' → select(ad_id, event_time) → join static ads (1000 rows) on ad_id → groupBy(window(event_time, '10 seconds'), campaign_id).count(); update mode",
  method:
    'pre-parsed event objects; all engines get the same micro-batches; each run timed whole; median of the repeats; engines round-robin; answer = last count emitted per (window, campaign), checked against DuckDB',
  valid: summary.valid,
  results: summary,
};
writeResults(outFile, doc);
console.log(`# Yahoo Streaming Benchmark (workload 2) — ${doc.machine.cpu}, ${doc.machine.cores} cores, Node ${process.version}`);
console.log(`${fmtCount(cfg.events)} events (pre-parsed objects) in micro-batches of ${fmtCount(cfg.batch)}; event time ${cfg.tps} events/s; median of ${cfg.repeats}`);
console.log(`\n## YSB${summary.valid ? '' : ' — INVALID: ENGINES DISAGREE'}\n`);
console.log(resultTable(summary));
for (const x of summary.rows) if (x.note) console.log(`  ${x.name}: ${x.note}`);
console.log(`\nJSON: ${outFile}`);
