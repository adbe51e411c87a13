/**
 * Workload 1 (BENCHMARKS.md): the seed pipeline — events `{event_id, user_id, event_type, amount,
 * event_time}` → (parse) → drop incomplete events → withWatermark('event_time', '10 minutes') →
 * groupBy(window(event_time, '5 minutes'), event_type).agg(count, sum(amount), avg(amount),
 * countDistinct(user_id)), update mode. Run twice: from pre-parsed objects, and from JSON strings.
 *
 * Engines, side by side in one process on the same micro-batches:
 *   rivulet   the streaming query: memoryStream → query → foreachBatch (collect → upsert map)
 *   limit     a hand-written loop for exactly this query (no engine)
 *   rxjs      an idiomatic rxjs pipeline per micro-batch (per-event operators, state in a closure)
 *   arquero   recomputes the aggregate per micro-batch over the retained rows of open windows
 *   db-ivm    @tanstack/db-ivm (differential dataflow): groupBy with a custom distinct count
 *   duckdb    batch SQL over all rows (1 thread): the reference answer, with the same per-batch
 *             watermark rule (a row is late when its window's end <= max event time of the
 *             earlier batches − 10 minutes)
 * Every engine's final answer (the last value it emitted per window × event type) must equal
 * DuckDB's; a disagreement is printed loudly and marks the result invalid.
 * Sizes: BENCH_SEED_EVENTS, BENCH_SEED_BATCH, BENCH_SEED_REPEATS, BENCH_SEED_ENGINES, BENCH_QUICK=1.
 */
import * as aq from 'arquero';
import { D2, MultiSet, filter as dFilter, groupBy as dGroupBy, groupByOperators, map as dMap, output as dOutput } from '@tanstack/db-ivm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { concatMap, filter, from, identity, map, reduce, tap } from 'rxjs';
import { F, Session, T } from '../dist/index.js';
import {
  env, fmtCount, gitCommit, list, log as mkLog, machine, num, openDuckDB, peerVersions, quick, resultTable, root, runRivulet, runSideBySide, splitBatches, summarise, warnIfBusy, toNum, writeCsv, writeResults,
} from './lib/harness.mjs';
import { generateSeedEvents, SEED_SCHEMA_DDL } from './lib/seed-gen.mjs';

const log = mkLog('seed-pipeline');
const cfg = {
  events: num(env.BENCH_SEED_EVENTS, quick ? 100_000 : 500_000),
  batch: num(env.BENCH_SEED_BATCH, quick ? 20_000 : 50_000),
  repeats: num(env.BENCH_SEED_REPEATS, quick ? 1 : 3),
  // An engine stops repeating once its runs add up to this (s).
  budgetS: num(env.BENCH_SEED_BUDGET_S, 15),
  engines: list(env.BENCH_SEED_ENGINES, 'rivulet,limit,rxjs,arquero,db-ivm,duckdb'),
  forms: list(env.BENCH_SEED_FORMS, 'objects,json'),
};
const loadAtStart = warnIfBusy(log);
const outFile = env.BENCH_SEED_OUT ?? join(root, 'bench/results/seed-pipeline.json');

const W = 300_000; // 5-minute windows, ms
const DELAY = 600_000; // 10-minute watermark delay, ms
const { op } = aq;

// ---------- input ----------

const tGen = performance.now();
const gen = generateSeedEvents(cfg.events);
log(`generated ${cfg.events} events in ${(performance.now() - tGen).toFixed(0)} ms`);
const input = {
  objects: splitBatches(gen.objects, cfg.batch),
  json: splitBatches(gen.json, cfg.batch),
};
const jsonBytes = gen.json.reduce((s, x) => s + x.length, 0);

/** JSON text → event (event_time as epoch ms), or null when malformed. */
function parseEvent(s) {
  let o;
  try {
    o = JSON.parse(s);
  } catch {
    return null;
  }
  if (typeof o.event_time === 'string') o.event_time = Date.parse(o.event_time);
  return o;
}
const complete = (e) => e !== null && e.event_id != null && e.user_id != null && e.event_type != null && e.amount != null && e.event_time != null;
const key = (ws, type) => `${ws}|${type}`;

// ---------- the limit ----------

let late = 0; // rows the limit dropped as late (reported: the watermark rule is exercised)
function runLimit(form) {
  late = 0;
  const parse = form === 'json';
  const out = new Map();
  const windows = new Map(); // ws -> Map(type -> acc)
  let wm = -Infinity;
  let maxT = -Infinity;
  for (const batch of input[form]) {
    const touched = [];
    for (let i = 0; i < batch.length; i++) {
      const e = parse ? parseEvent(batch[i]) : batch[i];
      if (!complete(e)) continue;
      const t = e.event_time;
      if (t > maxT) maxT = t;
      const ws = t - (t % W);
      if (ws + W <= wm) {
        late++;
        continue;
      }
      let byType = windows.get(ws);
      if (byType === undefined) windows.set(ws, (byType = new Map()));
      let a = byType.get(e.event_type);
      if (a === undefined) byType.set(e.event_type, (a = { ws, type: e.event_type, n: 0, sum: 0, users: new Set(), touched: false }));
      a.n++;
      a.sum += e.amount;
      a.users.add(e.user_id);
      if (!a.touched) {
        a.touched = true;
        touched.push(a);
      }
    }
    for (const a of touched) {
      out.set(key(a.ws, a.type), [a.n, a.sum, a.sum / a.n, a.users.size]);
      a.touched = false;
    }
    wm = Math.max(wm, maxT - DELAY);
    for (const ws of windows.keys()) if (ws + W <= wm) windows.delete(ws);
  }
  return out;
}

// ---------- rxjs ----------

function runRx(form) {
  const out = new Map();
  const state = new Map(); // key -> acc
  let wm = -Infinity;
  let maxT = -Infinity;
  from(input[form])
    .pipe(
      concatMap((batch) =>
        from(batch).pipe(
          form === 'json' ? map(parseEvent) : identity,
          filter(complete),
          tap((e) => {
            if (e.event_time > maxT) maxT = e.event_time;
          }),
          map((e) => ({ ...e, ws: Math.floor(e.event_time / W) * W })),
          filter((e) => e.ws + W > wm),
          reduce((touched, e) => {
            const k = key(e.ws, e.event_type);
            let a = state.get(k);
            if (a === undefined) state.set(k, (a = { ws: e.ws, n: 0, sum: 0, users: new Set() }));
            a.n++;
            a.sum += e.amount;
            a.users.add(e.user_id);
            touched.add(k);
            return touched;
          }, new Set()),
          map((touched) => {
            const rows = [...touched].map((k) => {
              const a = state.get(k);
              return [k, [a.n, a.sum, a.sum / a.n, a.users.size]];
            });
            wm = Math.max(wm, maxT - DELAY);
            for (const [k, a] of state) if (a.ws + W <= wm) state.delete(k);
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

function runArquero(form) {
  const out = new Map();
  let retained = null;
  let wm = -Infinity;
  let maxT = -Infinity;
  for (const batch of input[form]) {
    const rows = form === 'json' ? batch.map(parseEvent).filter((e) => e !== null) : batch;
    const valid = aq
      .from(rows)
      .filter((d) => d.event_id != null && d.user_id != null && d.event_type != null && d.amount != null && d.event_time != null)
      .reify();
    if (valid.numRows() === 0) continue;
    maxT = Math.max(maxT, valid.rollup({ m: op.max('event_time') }).get('m', 0));
    const fresh = valid
      .derive({ ws: (d) => op.floor(d.event_time / 300000) * 300000 })
      .params({ wm })
      .filter((d, $) => d.ws + 300000 > $.wm)
      .reify();
    retained = retained === null ? fresh : retained.concat(fresh);
    const agg = retained
      .semijoin(fresh.select('ws', 'event_type').dedupe())
      .groupby('ws', 'event_type')
      .rollup({ n: op.count(), s: op.sum('amount'), a: op.mean('amount'), u: op.distinct('user_id') });
    for (const r of agg.objects()) out.set(key(r.ws, r.event_type), [r.n, r.s, r.a, r.u]);
    wm = Math.max(wm, maxT - DELAY);
    retained = retained.params({ wm }).filter((d, $) => d.ws + 300000 > $.wm).reify();
  }
  return out;
}

// ---------- @tanstack/db-ivm ----------

const { count, sum, avg } = groupByOperators;
/** countDistinct as a db-ivm aggregate: values with a positive total multiplicity. */
const countDistinct = (f) => ({
  preMap: f,
  reduce: (values) => {
    const m = new Map();
    for (const [v, mult] of values) m.set(v, (m.get(v) ?? 0) + mult);
    let c = 0;
    for (const x of m.values()) if (x > 0) c++;
    return c;
  },
});

function runIvm(form) {
  const out = new Map();
  let wm = -Infinity;
  let maxT = -Infinity;
  const graph = new D2();
  const inp = graph.newInput();
  inp.pipe(
    form === 'json' ? dMap(parseEvent) : dMap((e) => e),
    dFilter(complete),
    dFilter((e) => {
      if (e.event_time > maxT) maxT = e.event_time;
      return Math.floor(e.event_time / W) * W + W > wm;
    }),
    dGroupBy((e) => ({ ws: Math.floor(e.event_time / W) * W, event_type: e.event_type }), {
      n: count(),
      s: sum((e) => e.amount),
      a: avg((e) => e.amount),
      u: countDistinct((e) => e.user_id),
    }),
    dOutput((msg) => {
      for (const [[, r], mult] of msg.getInner()) if (mult > 0) out.set(key(r.ws, r.event_type), [r.n, r.s, r.a, r.u]);
    }),
  );
  graph.finalize();
  for (const batch of input[form]) {
    inp.sendData(new MultiSet(batch.map((e) => [e, 1])));
    graph.run();
    wm = Math.max(wm, maxT - DELAY);
  }
  return out;
}

// ---------- rivulet ----------

const spark = Session.builder().appName('bench-seed-pipeline').getOrCreate();
const eventSchema = T.fromDDL(SEED_SCHEMA_DDL);

async function runRivuletForm(form) {
  const out = new Map();
  await runRivulet(spark, {
    name: `seed_${form}`,
    ddl: form === 'json' ? 'value STRING' : SEED_SCHEMA_DDL,
    batches: form === 'json' ? input.json.map((b) => b.map((value) => ({ value }))) : input.objects,
    outputMode: 'update',
    build: (df) =>
      (form === 'json' ? df.select(F.fromJson(F.col('value'), eventSchema).alias('e')).select('e.*') : df)
        .where(['event_id', 'user_id', 'event_type', 'amount', 'event_time'].map((c) => F.col(c).isNotNull()).reduce((a, b) => a.and(b)))
        .withWatermark('event_time', '10 minutes')
        .groupBy(F.window('event_time', '5 minutes'), F.col('event_type'))
        .agg(F.count('*').alias('n'), F.sum('amount').alias('s'), F.avg('amount').alias('a'), F.countDistinct('user_id').alias('u')),
    onBatch: async (batchDf) => {
      for (const r of await batchDf.collect()) out.set(key(r.window.start.getTime(), r.event_type), [r.n, r.s, r.a, r.u]);
    },
  });
  return out;
}

// ---------- DuckDB ----------

const tmp = mkdtempSync(join(os.tmpdir(), 'rivulet-bench-seed-'));
const duck = await openDuckDB(1);
writeCsv(
  join(tmp, 'events.csv'),
  ['event_id', 'user_id', 'event_type', 'amount', 't'],
  gen.objects.map((e) => [e.event_id, e.user_id, e.event_type, e.amount, e.event_time]),
);
await duck.run(
  `CREATE TABLE events AS SELECT * FROM read_csv('${join(tmp, 'events.csv')}', header=true, nullstr='', columns={'event_id':'VARCHAR','user_id':'VARCHAR','event_type':'VARCHAR','amount':'DOUBLE','t':'BIGINT'})`,
);
writeFileSync(join(tmp, 'events.ndjson'), `${gen.json.join('\n')}\n`);

/** The query with the streaming watermark rule, over a relation (event_id, user_id, event_type, amount, t ms). */
const seedSql = (from) => `
  WITH v AS (
    SELECT CAST(substr(event_id, 2) AS BIGINT) // ${cfg.batch} AS b, user_id, event_type, amount, t
    FROM ${from}
    WHERE event_id IS NOT NULL AND user_id IS NOT NULL AND event_type IS NOT NULL AND amount IS NOT NULL AND t IS NOT NULL),
  bm AS (SELECT b, max(t) AS mx FROM v GROUP BY b),
  wm AS (SELECT b, coalesce(max(mx) OVER (ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) - ${DELAY}, -9e18) AS wm FROM bm),
  k AS (SELECT v.*, (t // ${W}) * ${W} AS ws FROM v JOIN wm USING (b) WHERE (t // ${W}) * ${W} + ${W} > wm.wm)
  SELECT ws, event_type, count(*) AS n, sum(amount) AS s, avg(amount) AS a, count(DISTINCT user_id) AS u FROM k GROUP BY ws, event_type`;

async function runDuck(form) {
  const from =
    form === 'json'
      ? `(SELECT event_id, user_id, event_type, amount, epoch_ms(event_time) AS t FROM read_ndjson('${join(tmp, 'events.ndjson')}', ignore_errors=true,
           columns={'event_id':'VARCHAR','user_id':'VARCHAR','event_type':'VARCHAR','amount':'DOUBLE','event_time':'TIMESTAMPTZ'}))`
      : 'events';
  const out = new Map();
  for (const r of await duck.rows(seedSql(from))) out.set(key(toNum(r.ws), r.event_type), [toNum(r.n), r.s, r.a, toNum(r.u)]);
  return out;
}

// ---------- main ----------

const ENGINES = {
  rivulet: { label: 'rivulet (streaming query, foreachBatch)', run: runRivuletForm },
  limit: { label: 'the limit (hand-written loop)', run: runLimit },
  rxjs: { label: 'RxJS pipeline', run: runRx },
  arquero: { label: 'arquero (recompute per batch)', run: runArquero },
  'db-ivm': { label: '@tanstack/db-ivm', run: runIvm, note: 'no watermark eviction: its state keeps every row' },
  duckdb: { label: 'DuckDB (batch SQL, 1 thread)', run: runDuck },
};
const DUCK_NOTES = { objects: 'query over a table preloaded from CSV (load not timed)', json: 'read_ndjson + query (JSON parsing timed)' };

const results = {};
const printed = [];
for (const form of cfg.forms) {
  log(`— ${form}: ${cfg.events} events, batches of ${cfg.batch}, ${cfg.repeats} repeat(s)`);
  const engines = cfg.engines.map((name) => ({ name, label: ENGINES[name].label, note: name === 'duckdb' ? DUCK_NOTES[form] : ENGINES[name].note, run: () => ENGINES[name].run(form) }));
  const raw = await runSideBySide(engines, { repeats: cfg.repeats, budgetMs: cfg.budgetS * 1000, log });
  const summary = summarise(raw, { events: cfg.events, say: log });
  results[form] = summary;
  if (cfg.engines.includes('limit')) summary.rowsDroppedAsLate = late;
  const title = form === 'json' ? `from JSON strings (${(jsonBytes / 2 ** 20).toFixed(1)} MiB of JSON; parsing included)` : 'from pre-parsed objects';
  printed.push('', `## Seed pipeline, ${title}${summary.valid ? '' : ' — INVALID: ENGINES DISAGREE'}`, '', resultTable(summary));
  for (const x of summary.rows) if (x.note) printed.push(`  ${x.name}: ${x.note}`);
  if (summary.rowsDroppedAsLate !== undefined) printed.push(`  rows dropped as late (window end <= watermark): ${summary.rowsDroppedAsLate}`);
}
// The two forms carry the same events: their answers must agree too.
if (results.objects && results.json) {
  const a = results.objects.rows.find((x) => x.name === 'duckdb');
  const b = results.json.rows.find((x) => x.name === 'duckdb');
  if (a && b && a.answerKeys !== b.answerKeys) log(`!!! the objects and JSON forms give different answers (${a.answerKeys} vs ${b.answerKeys} keys)`);
}
duck.close();
rmSync(tmp, { recursive: true, force: true });

const doc = {
  benchmark: 'seed-pipeline (BENCHMARKS.md workload 1)',
  date: new Date().toISOString(),
  gitCommit: gitCommit(),
  machine: { ...machine(), loadavgAtStart: loadAtStart },
  peers: peerVersions(),
  duckdb: duck.version,
  config: { ...cfg, generator: gen.options, jsonBytes },
  query:
    "drop rows with a null field → withWatermark('event_time', '10 minutes') → groupBy(window(event_time, '5 minutes'), event_type).agg(count(*), sum(amount), avg(amount), countDistinct(user_id)); update mode",
  method:
    'all engines get the same micro-batches; each run is timed whole (rivulet: query start, addData + processAllAvailable per batch, foreachBatch collect into an upsert map, stop); median of the repeats; engines round-robin; answer = last emitted row per (window, event_type), checked against DuckDB',
  valid: Object.values(results).every((r) => r.valid),
  results,
};
writeResults(outFile, doc);
console.log(`# Seed pipeline (workload 1) — ${doc.machine.cpu}, ${doc.machine.cores} cores, Node ${process.version}`);
console.log(`${fmtCount(cfg.events)} events in micro-batches of ${fmtCount(cfg.batch)}; median of ${cfg.repeats}; events/s = events ÷ median wall time`);
console.log(printed.join('\n'));
console.log(`\nJSON: ${outFile}`);
