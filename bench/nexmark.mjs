/**
 * Workload 3 (BENCHMARKS.md): Nexmark. Events from bench/lib/nexmark-gen.mjs (Flink's combined
 * row `{event_type, person, auction, bid, dateTime}`, at a fixed TPS of event time), queries:
 *   q0  pass-through of bids (auction, bidder, price, dateTime, extra)             append
 *   q1  projection, price → 0.908 * price                                           append
 *   q2  filter auction % 123 = 0, project (auction, price)                          append
 *   q3  local item suggestion: auctions of category 10 × their sellers in OR/ID/CA,
 *       a stream-stream inner join on seller = person id within a time range (Spark
 *       bounds join state only so; the range keeps every match of Flink's q3)       append
 *   q5  hot items: HOP 10 s / slide 2 s, count per auction, the auctions with the
 *       maximum count per window                                                    append
 *   q7  highest bid per 10 s tumbling window (max of (price, auction, bidder,
 *       dateTime): ties on price broken by the rest)                                append
 *   q8  monitor new users: persons × the (deduplicated) sellers of auctions per
 *       10 s tumbling window, a window join on id = seller and the window           append
 *   q11 bids per bidder session (session window, gap 10 s)                          append
 * with the watermark `dateTime - 4 seconds` (on both sides of a join). q4 (a join with an
 * auction's lifetime, then unwindowed aggregations: not expressible as Spark runs it) and q12 (a
 * processing-time window: no deterministic answer to check) are not run.
 *
 * Engines where the query fits them: rivulet (memoryStream → query → foreachBatch), the limit
 * (hand-written loop), rxjs, arquero (recompute per batch), @tanstack/db-ivm, DuckDB (batch SQL,
 * 1 thread; the reference answer). Pass-through queries are checked by checksums (row count and
 * column sums over every output row); windowed ones and joins row by row (joins also by the count
 * of rows emitted).
 * Sizes: BENCH_NEXMARK_EVENTS, BENCH_NEXMARK_BATCH, BENCH_NEXMARK_TPS, BENCH_NEXMARK_REPEATS,
 * BENCH_NEXMARK_QUERIES, BENCH_NEXMARK_ENGINES, BENCH_QUICK=1.
 */
import * as aq from 'arquero';
import { D2, MultiSet, concat as dConcat, distinct as dDistinct, filter as dFilter, groupBy as dGroupBy, groupByOperators, join as dJoin, map as dMap, output as dOutput } from '@tanstack/db-ivm';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { concatMap, filter, from, map, reduce, tap } from 'rxjs';
import { F, Session } from '../dist/index.js';
import {
  env, fmtCount, gitCommit, list, log as mkLog, machine, num, openDuckDB, peerVersions, quick, resultTable, root, runRivulet, runSideBySide, splitBatches, summarise, warnIfBusy, table, toNum, writeCsv, writeResults,
} from './lib/harness.mjs';
import { generateNexmark, NEXMARK, NEXMARK_SCHEMA_DDL } from './lib/nexmark-gen.mjs';

const log = mkLog('nexmark');
const cfg = {
  events: num(env.BENCH_NEXMARK_EVENTS, quick ? 100_000 : 500_000),
  batch: num(env.BENCH_NEXMARK_BATCH, quick ? 25_000 : 50_000),
  tps: num(env.BENCH_NEXMARK_TPS, quick ? 2_000 : 10_000),
  repeats: num(env.BENCH_NEXMARK_REPEATS, quick ? 1 : 3),
  // An engine stops repeating once its runs add up to this (s).
  budgetS: num(env.BENCH_NEXMARK_BUDGET_S, 15),
  queries: list(env.BENCH_NEXMARK_QUERIES, 'q0,q1,q2,q3,q5,q7,q8,q11'),
  engines: list(env.BENCH_NEXMARK_ENGINES, 'rivulet,limit,rxjs,arquero,db-ivm,duckdb'),
};
const loadAtStart = warnIfBusy(log);
// At start: the dist/ this process loaded was built from the tree of then (other work may commit meanwhile).
const commitAtStart = gitCommit();
const outFile = env.BENCH_NEXMARK_OUT ?? join(root, 'bench/results/nexmark.json');
const DELAY = 4000; // watermark: dateTime - 4 seconds
const { op, desc } = aq;

const tGen = performance.now();
const gen = generateNexmark(cfg.events, { tps: cfg.tps });
log(`generated ${cfg.events} events (${gen.counts.person} persons, ${gen.counts.auction} auctions, ${gen.counts.bid} bids) in ${(performance.now() - tGen).toFixed(0)} ms`);
const batches = splitBatches(gen.events, cfg.batch);
const BASE = gen.options.baseTime;
const isBid = (e) => e.event_type === 2;

// ---------- checksums (pass-through queries) ----------

/** Column sums over every output row: the answer of a pass-through query. */
class Checksum {
  constructor(cols) {
    this.cols = cols;
    this.n = 0;
    this.s = cols.map(() => 0);
  }
  add(values) {
    this.n++;
    for (let i = 0; i < values.length; i++) this.s[i] += values[i];
  }
  answer() {
    return new Map([['rows', [this.n]], ...this.cols.map((c, i) => [c, [this.s[i]]])]);
  }
}
const Q0_COLS = ['auction', 'bidder', 'price', 'dateTime-base', 'length(extra)'];
const q0Values = (auction, bidder, price, t, extra) => [auction, bidder, price, t - BASE, extra.length];
const Q1_COLS = ['auction', 'bidder', 'price', 'dateTime-base', 'length(extra)'];
const Q2_COLS = ['auction', 'price'];

// ---------- the queries, per engine ----------

const bidsOf = (df) => df.where('event_type = 2').select('bid.*');
const Q = {};

// q0: pass-through
Q.q0 = {
  title: 'q0 pass-through',
  rivulet: {
    mode: 'append',
    build: (df) => bidsOf(df).select('auction', 'bidder', 'price', 'dateTime', 'extra'),
    sink: () => {
      const cs = new Checksum(Q0_COLS);
      return { onRows: (rows) => rows.forEach((r) => cs.add(q0Values(r.auction, r.bidder, r.price, r.dateTime.getTime(), r.extra))), answer: () => cs.answer() };
    },
  },
  limit() {
    const cs = new Checksum(Q0_COLS);
    for (const batch of batches) {
      for (let i = 0; i < batch.length; i++) {
        const e = batch[i];
        if (e.event_type !== 2) continue;
        const b = e.bid;
        const r = { auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra };
        cs.add(q0Values(r.auction, r.bidder, r.price, r.dateTime, r.extra));
      }
    }
    return cs.answer();
  },
  rxjs() {
    const cs = new Checksum(Q0_COLS);
    from(batches)
      .pipe(
        concatMap((batch) => batch),
        filter(isBid),
        map((e) => e.bid),
        map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra })),
      )
      .subscribe((r) => cs.add(q0Values(r.auction, r.bidder, r.price, r.dateTime, r.extra)));
    return cs.answer();
  },
  arquero() {
    const cs = new Checksum(Q0_COLS);
    for (const batch of batches) {
      const t = aq
        .from(batch)
        .filter((d) => d.event_type === 2)
        .derive({ auction: (d) => d.bid.auction, bidder: (d) => d.bid.bidder, price: (d) => d.bid.price, dateTime: (d) => d.bid.dateTime, extra: (d) => d.bid.extra })
        .select('auction', 'bidder', 'price', 'dateTime', 'extra');
      for (const r of t.objects()) cs.add(q0Values(r.auction, r.bidder, r.price, r.dateTime, r.extra));
    }
    return cs.answer();
  },
  ivm() {
    const cs = new Checksum(Q0_COLS);
    return ivmStateless(
      (s) => s.pipe(dFilter(isBid), dMap((e) => ({ auction: e.bid.auction, bidder: e.bid.bidder, price: e.bid.price, dateTime: e.bid.dateTime, extra: e.bid.extra }))),
      (r, m) => {
        for (let k = 0; k < m; k++) cs.add(q0Values(r.auction, r.bidder, r.price, r.dateTime, r.extra));
      },
      () => cs.answer(),
    );
  },
  duck: {
    sql: `SELECT count(*) AS n, sum(auction) AS a, sum(bidder) AS b, sum(price) AS p, sum(t - ${BASE}) AS t, sum(length(coalesce(extra, ''))) AS x FROM events WHERE event_type = 2`,
    answer: (rows) => checksumRows(Q0_COLS, rows[0]),
  },
};

// q1: projection with 0.908 * price
Q.q1 = {
  title: 'q1 projection (0.908 * price)',
  rivulet: {
    mode: 'append',
    build: (df) => bidsOf(df).select('auction', 'bidder', F.expr('0.908 * price').alias('price'), 'dateTime', 'extra'),
    sink: () => {
      const cs = new Checksum(Q1_COLS);
      return { onRows: (rows) => rows.forEach((r) => cs.add(q0Values(r.auction, r.bidder, r.price, r.dateTime.getTime(), r.extra))), answer: () => cs.answer() };
    },
  },
  limit() {
    const cs = new Checksum(Q1_COLS);
    for (const batch of batches) {
      for (let i = 0; i < batch.length; i++) {
        const e = batch[i];
        if (e.event_type !== 2) continue;
        const b = e.bid;
        const r = { auction: b.auction, bidder: b.bidder, price: 0.908 * b.price, dateTime: b.dateTime, extra: b.extra };
        cs.add(q0Values(r.auction, r.bidder, r.price, r.dateTime, r.extra));
      }
    }
    return cs.answer();
  },
  rxjs() {
    const cs = new Checksum(Q1_COLS);
    from(batches)
      .pipe(
        concatMap((batch) => batch),
        filter(isBid),
        map((e) => e.bid),
        map((b) => ({ auction: b.auction, bidder: b.bidder, price: 0.908 * b.price, dateTime: b.dateTime, extra: b.extra })),
      )
      .subscribe((r) => cs.add(q0Values(r.auction, r.bidder, r.price, r.dateTime, r.extra)));
    return cs.answer();
  },
  arquero() {
    const cs = new Checksum(Q1_COLS);
    for (const batch of batches) {
      const t = aq
        .from(batch)
        .filter((d) => d.event_type === 2)
        .derive({ auction: (d) => d.bid.auction, bidder: (d) => d.bid.bidder, price: (d) => 0.908 * d.bid.price, dateTime: (d) => d.bid.dateTime, extra: (d) => d.bid.extra })
        .select('auction', 'bidder', 'price', 'dateTime', 'extra');
      for (const r of t.objects()) cs.add(q0Values(r.auction, r.bidder, r.price, r.dateTime, r.extra));
    }
    return cs.answer();
  },
  ivm() {
    const cs = new Checksum(Q1_COLS);
    return ivmStateless(
      (s) => s.pipe(dFilter(isBid), dMap((e) => ({ auction: e.bid.auction, bidder: e.bid.bidder, price: 0.908 * e.bid.price, dateTime: e.bid.dateTime, extra: e.bid.extra }))),
      (r, m) => {
        for (let k = 0; k < m; k++) cs.add(q0Values(r.auction, r.bidder, r.price, r.dateTime, r.extra));
      },
      () => cs.answer(),
    );
  },
  duck: {
    sql: `SELECT count(*) AS n, sum(auction) AS a, sum(bidder) AS b, sum(0.908 * price) AS p, sum(t - ${BASE}) AS t, sum(length(coalesce(extra, ''))) AS x FROM events WHERE event_type = 2`,
    answer: (rows) => checksumRows(Q1_COLS, rows[0]),
  },
};

// q2: selection
Q.q2 = {
  title: 'q2 selection (auction % 123 = 0)',
  rivulet: {
    mode: 'append',
    build: (df) => bidsOf(df).where('auction % 123 = 0').select('auction', 'price'),
    sink: () => {
      const cs = new Checksum(Q2_COLS);
      return { onRows: (rows) => rows.forEach((r) => cs.add([r.auction, r.price])), answer: () => cs.answer() };
    },
  },
  limit() {
    const cs = new Checksum(Q2_COLS);
    for (const batch of batches) {
      for (let i = 0; i < batch.length; i++) {
        const e = batch[i];
        if (e.event_type !== 2 || e.bid.auction % 123 !== 0) continue;
        const r = { auction: e.bid.auction, price: e.bid.price };
        cs.add([r.auction, r.price]);
      }
    }
    return cs.answer();
  },
  rxjs() {
    const cs = new Checksum(Q2_COLS);
    from(batches)
      .pipe(
        concatMap((batch) => batch),
        filter(isBid),
        map((e) => e.bid),
        filter((b) => b.auction % 123 === 0),
        map((b) => ({ auction: b.auction, price: b.price })),
      )
      .subscribe((r) => cs.add([r.auction, r.price]));
    return cs.answer();
  },
  arquero() {
    const cs = new Checksum(Q2_COLS);
    for (const batch of batches) {
      const t = aq
        .from(batch)
        .filter((d) => d.event_type === 2 && d.bid.auction % 123 === 0)
        .derive({ auction: (d) => d.bid.auction, price: (d) => d.bid.price })
        .select('auction', 'price');
      for (const r of t.objects()) cs.add([r.auction, r.price]);
    }
    return cs.answer();
  },
  ivm() {
    const cs = new Checksum(Q2_COLS);
    return ivmStateless(
      (s) => s.pipe(dFilter((e) => e.event_type === 2 && e.bid.auction % 123 === 0), dMap((e) => ({ auction: e.bid.auction, price: e.bid.price }))),
      (r, m) => {
        for (let k = 0; k < m; k++) cs.add([r.auction, r.price]);
      },
      () => cs.answer(),
    );
  },
  duck: {
    sql: 'SELECT count(*) AS n, sum(auction) AS a, sum(price) AS p FROM events WHERE event_type = 2 AND auction % 123 = 0',
    answer: (rows) => checksumRows(Q2_COLS, rows[0]),
  },
};

function checksumRows(cols, row) {
  const vals = Object.values(row).map(toNum);
  return new Map([['rows', [vals[0]]], ...cols.map((c, i) => [c, [vals[i + 1] ?? 0]])]);
}

/** A db-ivm graph over the event stream, fed batch by batch; `onRow(row, multiplicity)`. */
function ivmStateless(pipeline, onRow, answer) {
  const graph = new D2();
  const input = graph.newInput();
  pipeline(input).pipe(
    dOutput((msg) => {
      for (const [r, m] of msg.getInner()) onRow(r, m);
    }),
  );
  graph.finalize();
  for (const batch of batches) {
    input.sendData(new MultiSet(batch.map((e) => [e, 1])));
    graph.run();
  }
  return answer();
}

// ---------- q7: highest bid per 10 s tumbling window ----------

const W7 = 10_000;
/** (price, auction, bidder, dateTime) lexicographic comparison. */
const better = (a, b) => a.price > b.price || (a.price === b.price && (a.auction > b.auction || (a.auction === b.auction && (a.bidder > b.bidder || (a.bidder === b.bidder && a.dateTime > b.dateTime)))));
const q7Row = (b) => [b.price, b.auction, b.bidder, b.dateTime];

Q.q7 = {
  title: 'q7 highest bid per 10 s window',
  rivulet: {
    mode: 'append',
    build: (df) =>
      bidsOf(df)
        .withWatermark('dateTime', '4 seconds')
        .groupBy(F.window('dateTime', '10 seconds'))
        .agg(F.max(F.struct('price', 'auction', 'bidder', 'dateTime')).alias('top')),
    sink: () => {
      const out = new Map();
      return {
        onRows: (rows) => rows.forEach((r) => out.set(String(r.window.start.getTime()), [r.top.price, r.top.auction, r.top.bidder, r.top.dateTime.getTime()])),
        answer: () => out,
      };
    },
  },
  limit() {
    const out = new Map();
    const best = new Map(); // ws -> bid
    let wm = -Infinity;
    let maxT = -Infinity;
    for (const batch of batches) {
      for (let i = 0; i < batch.length; i++) {
        const e = batch[i];
        if (e.event_type !== 2) continue;
        const b = e.bid;
        const t = b.dateTime;
        if (t > maxT) maxT = t;
        const ws = t - (t % W7);
        if (ws + W7 <= wm) continue;
        const cur = best.get(ws);
        if (cur === undefined || better(b, cur)) best.set(ws, b);
      }
      wm = Math.max(wm, maxT - DELAY);
      for (const [ws, b] of best) {
        if (ws + W7 > wm) continue;
        out.set(String(ws), q7Row(b));
        best.delete(ws);
      }
    }
    return out;
  },
  rxjs() {
    const out = new Map();
    const best = new Map();
    let wm = -Infinity;
    let maxT = -Infinity;
    from(batches)
      .pipe(
        concatMap((batch) =>
          from(batch).pipe(
            filter(isBid),
            map((e) => e.bid),
            tap((b) => {
              if (b.dateTime > maxT) maxT = b.dateTime;
            }),
            map((b) => ({ ws: Math.floor(b.dateTime / W7) * W7, bid: b })),
            filter((x) => x.ws + W7 > wm),
            reduce((acc, x) => {
              const cur = acc.get(x.ws);
              if (cur === undefined || better(x.bid, cur)) acc.set(x.ws, x.bid);
              return acc;
            }, best),
            map(() => {
              wm = Math.max(wm, maxT - DELAY);
              const rows = [];
              for (const [ws, b] of best) {
                if (ws + W7 > wm) continue;
                rows.push([String(ws), q7Row(b)]);
                best.delete(ws);
              }
              return rows;
            }),
          ),
        ),
        concatMap((rows) => rows),
      )
      .subscribe(([k, v]) => out.set(k, v));
    return out;
  },
  arquero() {
    const out = new Map();
    let retained = null;
    let wm = -Infinity;
    let maxT = -Infinity;
    for (const batch of batches) {
      const fresh = bidTable(batch).derive({ ws: (d) => op.floor(d.dateTime / 10000) * 10000 });
      if (fresh.numRows() > 0) maxT = Math.max(maxT, fresh.rollup({ m: op.max('dateTime') }).get('m', 0));
      const kept = fresh.params({ wm }).filter((d, $) => d.ws + 10000 > $.wm).reify();
      retained = retained === null ? kept : retained.concat(kept);
      wm = Math.max(wm, maxT - DELAY);
      const top = retained
        .params({ wm })
        .filter((d, $) => d.ws + 10000 <= $.wm)
        .groupby('ws')
        .orderby(desc('price'), desc('auction'), desc('bidder'), desc('dateTime'))
        .filter(() => op.row_number() === 1);
      for (const r of top.objects()) out.set(String(r.ws), [r.price, r.auction, r.bidder, r.dateTime]);
      retained = retained.params({ wm }).filter((d, $) => d.ws + 10000 > $.wm).reify();
    }
    return out;
  },
  ivm() {
    // max of the (price, auction, bidder, dateTime) tuple as a custom aggregate; db-ivm keeps
    // every bid in the groupBy's state (no eviction), final windows are read from its output.
    const out = new Map();
    const current = new Map(); // ws -> [row, multiplicity] of the output
    let wm = -Infinity;
    let maxT = -Infinity;
    const maxBid = {
      preMap: (b) => b,
      reduce: (values) => {
        let top;
        for (const [b, m] of values) if (m > 0 && (top === undefined || better(b, top))) top = b;
        return top;
      },
    };
    const graph = new D2();
    const input = graph.newInput();
    input.pipe(
      dFilter(isBid),
      dMap((e) => {
        if (e.bid.dateTime > maxT) maxT = e.bid.dateTime;
        return e.bid;
      }),
      dFilter((b) => Math.floor(b.dateTime / W7) * W7 + W7 > wm),
      dGroupBy((b) => ({ ws: Math.floor(b.dateTime / W7) * W7 }), { top: maxBid }),
      dOutput((msg) => {
        for (const [[, r], m] of msg.getInner()) if (m > 0) current.set(r.ws, r.top);
      }),
    );
    graph.finalize();
    for (const batch of batches) {
      input.sendData(new MultiSet(batch.map((e) => [e, 1])));
      graph.run();
      wm = Math.max(wm, maxT - DELAY);
      for (const [ws, b] of current) {
        if (ws + W7 > wm) continue;
        out.set(String(ws), q7Row(b));
        current.delete(ws);
      }
    }
    return out;
  },
  duck: {
    sql: () => `
      WITH b AS (SELECT (t // ${W7}) * ${W7} AS ws, price, auction, bidder, t FROM events WHERE event_type = 2),
      r AS (SELECT *, row_number() OVER (PARTITION BY ws ORDER BY price DESC, auction DESC, bidder DESC, t DESC) AS rn FROM b)
      SELECT ws, price, auction, bidder, t FROM r WHERE rn = 1 AND ws + ${W7} <= (SELECT max(t) FROM b) - ${DELAY}`,
    answer: (rows) => new Map(rows.map((r) => [String(toNum(r.ws)), [toNum(r.price), toNum(r.auction), toNum(r.bidder), toNum(r.t)]])),
  },
};

/** One micro-batch's bids as an arquero table (auction, bidder, price, dateTime). */
function bidTable(batch) {
  return aq
    .from(batch)
    .filter((d) => d.event_type === 2)
    .derive({ auction: (d) => d.bid.auction, bidder: (d) => d.bid.bidder, price: (d) => d.bid.price, dateTime: (d) => d.bid.dateTime })
    .select('auction', 'bidder', 'price', 'dateTime')
    .reify();
}

// ---------- q5: hot items, HOP 10 s / 2 s ----------

const W5 = 10_000;
const S5 = 2_000;
const HOPS = W5 / S5;

/** Emits, for every window with end in (.., wm], the auctions with the maximum count. */
function emitHot(counts, wm, out) {
  for (const [ws, byAuction] of counts) {
    if (ws + W5 > wm) continue;
    let max = 0;
    for (const n of byAuction.values()) if (n > max) max = n;
    for (const [a, n] of byAuction) if (n === max) out.set(`${ws}|${a}`, [n]);
    counts.delete(ws);
  }
}

Q.q5 = {
  title: 'q5 hot items (HOP 10 s / 2 s)',
  rivulet: {
    mode: 'append',
    build: (df) =>
      bidsOf(df)
        .withWatermark('dateTime', '4 seconds')
        .groupBy(F.window('dateTime', '10 seconds', '2 seconds'), 'auction')
        .count()
        .groupBy('window')
        .agg(F.max('count').alias('maxn'), F.collectList(F.struct('auction', 'count')).alias('items'))
        .select('window', 'maxn', F.explode('items').alias('it'))
        .where('it.count = maxn')
        .select(F.col('window.start').alias('ws'), F.col('it.auction').alias('auction'), 'maxn'),
    sink: () => {
      const out = new Map();
      return { onRows: (rows) => rows.forEach((r) => out.set(`${r.ws.getTime()}|${r.auction}`, [r.maxn])), answer: () => out };
    },
  },
  limit() {
    const out = new Map();
    const counts = new Map(); // ws -> Map(auction -> n)
    let wm = -Infinity;
    let maxT = -Infinity;
    for (const batch of batches) {
      for (let i = 0; i < batch.length; i++) {
        const e = batch[i];
        if (e.event_type !== 2) continue;
        const t = e.bid.dateTime;
        const a = e.bid.auction;
        if (t > maxT) maxT = t;
        const last = t - (t % S5);
        for (let k = 0; k < HOPS; k++) {
          const ws = last - k * S5;
          if (ws + W5 <= wm) continue;
          let m = counts.get(ws);
          if (m === undefined) counts.set(ws, (m = new Map()));
          m.set(a, (m.get(a) ?? 0) + 1);
        }
      }
      wm = Math.max(wm, maxT - DELAY);
      emitHot(counts, wm, out);
    }
    return out;
  },
  rxjs() {
    const out = new Map();
    const counts = new Map();
    let wm = -Infinity;
    let maxT = -Infinity;
    from(batches)
      .pipe(
        concatMap((batch) =>
          from(batch).pipe(
            filter(isBid),
            map((e) => e.bid),
            tap((b) => {
              if (b.dateTime > maxT) maxT = b.dateTime;
            }),
            concatMap((b) => {
              const last = Math.floor(b.dateTime / S5) * S5;
              return Array.from({ length: HOPS }, (_, k) => ({ ws: last - k * S5, auction: b.auction }));
            }),
            filter((x) => x.ws + W5 > wm),
            reduce((acc, x) => {
              let m = acc.get(x.ws);
              if (m === undefined) acc.set(x.ws, (m = new Map()));
              m.set(x.auction, (m.get(x.auction) ?? 0) + 1);
              return acc;
            }, counts),
            map(() => {
              wm = Math.max(wm, maxT - DELAY);
              const rows = new Map();
              emitHot(counts, wm, rows);
              return rows;
            }),
          ),
        ),
      )
      .subscribe((rows) => {
        for (const [k, v] of rows) out.set(k, v);
      });
    return out;
  },
  arquero() {
    const out = new Map();
    let retained = null;
    let wm = -Infinity;
    let maxT = -Infinity;
    for (const batch of batches) {
      const fresh = bidTable(batch).select('auction', 'dateTime');
      if (fresh.numRows() > 0) maxT = Math.max(maxT, fresh.rollup({ m: op.max('dateTime') }).get('m', 0));
      retained = retained === null ? fresh : retained.concat(fresh);
      const prev = wm;
      wm = Math.max(wm, maxT - DELAY);
      // Windows that became final in this batch: end in (prev, wm].
      const hot = retained
        .derive({ w0: (d) => op.floor(d.dateTime / 2000) * 2000 })
        .derive({ ws: (d) => [d.w0, d.w0 - 2000, d.w0 - 4000, d.w0 - 6000, d.w0 - 8000] })
        .unroll('ws')
        .params({ prev, wm })
        .filter((d, $) => d.ws + 10000 > $.prev && d.ws + 10000 <= $.wm)
        .groupby('ws', 'auction')
        .count({ as: 'n' })
        .groupby('ws')
        .filter((d) => d.n === op.max(d.n));
      for (const r of hot.objects()) out.set(`${r.ws}|${r.auction}`, [r.n]);
      // Keep the bids whose latest window is still open.
      retained = retained.params({ wm }).filter((d, $) => op.floor(d.dateTime / 2000) * 2000 + 10000 > $.wm).reify();
    }
    return out;
  },
  ivm() {
    // HOP as 5 mapped copies of the bid stream (db-ivm has no flatMap), count per (window,
    // auction), max per window, joined back; final windows are read from the output.
    const out = new Map();
    const current = new Map(); // `${ws}|${auction}|${n}` -> multiplicity
    let wm = -Infinity;
    let maxT = -Infinity;
    const graph = new D2();
    const input = graph.newInput();
    const bids = input.pipe(
      dFilter(isBid),
      dMap((e) => {
        if (e.bid.dateTime > maxT) maxT = e.bid.dateTime;
        return e.bid;
      }),
    );
    const hops = Array.from({ length: HOPS }, (_, k) => bids.pipe(dMap((b) => ({ ws: Math.floor(b.dateTime / S5) * S5 - k * S5, auction: b.auction }))));
    const all = hops.slice(1).reduce((acc, h) => acc.pipe(dConcat(h)), hops[0]);
    const counted = all.pipe(
      dFilter((x) => x.ws + W5 > wm),
      dGroupBy((x) => ({ ws: x.ws, auction: x.auction }), { n: groupByOperators.count() }),
      dMap(([, r]) => [r.ws, r]),
    );
    const maxes = counted.pipe(
      dGroupBy(([ws]) => ({ ws }), { maxn: groupByOperators.max(([, r]) => r.n) }),
      dMap(([, r]) => [r.ws, r.maxn]),
    );
    counted.pipe(
      dJoin(maxes, 'inner'),
      dFilter(([, [r, maxn]]) => r.n === maxn),
      dOutput((msg) => {
        for (const [[ws, [r]], m] of msg.getInner()) {
          const k = `${ws}|${r.auction}|${r.n}`;
          const v = (current.get(k) ?? 0) + m;
          if (v === 0) current.delete(k);
          else current.set(k, v);
        }
      }),
    );
    graph.finalize();
    const emitted = new Set();
    for (const batch of batches) {
      input.sendData(new MultiSet(batch.map((e) => [e, 1])));
      graph.run();
      wm = Math.max(wm, maxT - DELAY);
      for (const [k, m] of current) {
        if (m <= 0) continue;
        const [ws, a, n] = k.split('|').map(Number);
        if (ws + W5 > wm || emitted.has(ws)) continue;
        out.set(`${ws}|${a}`, [n]);
      }
      for (const k of current.keys()) {
        const ws = Number(k.slice(0, k.indexOf('|')));
        if (ws + W5 <= wm) emitted.add(ws);
      }
    }
    return out;
  },
  duck: {
    sql: () => `
      WITH b AS (SELECT auction, t FROM events WHERE event_type = 2),
      w AS (SELECT auction, (t // ${S5}) * ${S5} - k * ${S5} AS ws FROM b CROSS JOIN range(${HOPS}) AS r(k)),
      c AS (SELECT ws, auction, count(*) AS n FROM w WHERE ws + ${W5} <= (SELECT max(t) FROM b) - ${DELAY} GROUP BY ws, auction),
      m AS (SELECT ws, max(n) AS maxn FROM c GROUP BY ws)
      SELECT c.ws, c.auction, c.n FROM c JOIN m ON c.ws = m.ws AND c.n = m.maxn`,
    answer: (rows) => new Map(rows.map((r) => [`${toNum(r.ws)}|${toNum(r.auction)}`, [toNum(r.n)]])),
  },
};

// ---------- q11: bids per bidder session (gap 10 s) ----------

const GAP = 10_000;

/**
 * Session state per bidder for the hand-written engines: one open session per bidder (bids
 * arrive in event-time order); a bid more than GAP after the session's last bid closes it (touching
 * sessions merge, as Spark's `sessionStart <= currentSession.end`). Sessions are emitted once their
 * end (last bid + GAP) is at or below the watermark.
 */
class Sessions {
  constructor(out) {
    this.out = out;
    this.open = new Map(); // bidder -> { start, last, n }
    this.closed = [];
  }
  add(bidder, t) {
    const s = this.open.get(bidder);
    if (s !== undefined && t <= s.last + GAP) {
      if (t > s.last) s.last = t;
      if (t < s.start) s.start = t;
      s.n++;
      return;
    }
    if (s !== undefined) this.closed.push([bidder, s]);
    this.open.set(bidder, { start: t, last: t, n: 1 });
  }
  flush(wm) {
    const keep = [];
    for (const c of this.closed) {
      if (c[1].last + GAP <= wm) this.emit(c[0], c[1]);
      else keep.push(c);
    }
    this.closed = keep;
    for (const [bidder, s] of this.open) {
      if (s.last + GAP > wm) continue;
      this.emit(bidder, s);
      this.open.delete(bidder);
    }
  }
  emit(bidder, s) {
    this.out.set(`${bidder}|${s.start}`, [s.n, s.last + GAP]);
  }
}

Q.q11 = {
  title: 'q11 user sessions (session window, gap 10 s)',
  rivulet: {
    mode: 'append',
    build: (df) =>
      bidsOf(df)
        .withWatermark('dateTime', '4 seconds')
        .groupBy(F.sessionWindow('dateTime', '10 seconds'), 'bidder')
        .agg(F.count('*').alias('n')),
    sink: () => {
      const out = new Map();
      return {
        onRows: (rows) => rows.forEach((r) => out.set(`${r.bidder}|${r.session_window.start.getTime()}`, [r.n, r.session_window.end.getTime()])),
        answer: () => out,
      };
    },
  },
  limit() {
    const out = new Map();
    const s = new Sessions(out);
    let wm = -Infinity;
    let maxT = -Infinity;
    for (const batch of batches) {
      for (let i = 0; i < batch.length; i++) {
        const e = batch[i];
        if (e.event_type !== 2) continue;
        const t = e.bid.dateTime;
        if (t > maxT) maxT = t;
        if (t + GAP <= wm) continue;
        s.add(e.bid.bidder, t);
      }
      wm = Math.max(wm, maxT - DELAY);
      s.flush(wm);
    }
    return out;
  },
  rxjs() {
    const out = new Map();
    const s = new Sessions(out);
    let wm = -Infinity;
    let maxT = -Infinity;
    from(batches)
      .pipe(
        concatMap((batch) =>
          from(batch).pipe(
            filter(isBid),
            map((e) => ({ bidder: e.bid.bidder, t: e.bid.dateTime })),
            tap((x) => {
              if (x.t > maxT) maxT = x.t;
            }),
            filter((x) => x.t + GAP > wm),
            reduce((acc, x) => {
              acc.add(x.bidder, x.t);
              return acc;
            }, s),
            tap(() => {
              wm = Math.max(wm, maxT - DELAY);
              s.flush(wm);
            }),
          ),
        ),
      )
      .subscribe();
    return out;
  },
  arquero() {
    const out = new Map();
    let retained = null;
    let wm = -Infinity;
    let maxT = -Infinity;
    for (const batch of batches) {
      const fresh = bidTable(batch).select('bidder', 'dateTime');
      if (fresh.numRows() > 0) maxT = Math.max(maxT, fresh.rollup({ m: op.max('dateTime') }).get('m', 0));
      retained = retained === null ? fresh : retained.concat(fresh);
      wm = Math.max(wm, maxT - DELAY);
      // Sessionise the retained bids: a new session where the gap to the bidder's previous bid > GAP.
      const tagged = retained
        .groupby('bidder')
        .orderby('dateTime')
        .derive({ brk: (d) => (op.row_number() === 1 || d.dateTime - op.lag(d.dateTime, 1) > 10000 ? 1 : 0) })
        .derive({ sid: aq.rolling((d) => op.sum(d.brk)) })
        .ungroup()
        .unorder();
      const sessions = tagged.groupby('bidder', 'sid').rollup({ start: op.min('dateTime'), last: op.max('dateTime'), n: op.count() });
      const final = sessions.params({ wm }).filter((d, $) => d.last + 10000 <= $.wm);
      for (const r of final.objects()) out.set(`${r.bidder}|${r.start}`, [r.n, r.last + GAP]);
      const open = sessions.params({ wm }).filter((d, $) => d.last + 10000 > $.wm).select('bidder', 'sid');
      retained = tagged.semijoin(open).select('bidder', 'dateTime').reify();
    }
    return out;
  },
  duck: {
    sql: () => `
      WITH b AS (SELECT bidder, t, lag(t) OVER (PARTITION BY bidder ORDER BY t) AS prev FROM events WHERE event_type = 2),
      s AS (SELECT bidder, t, sum(CASE WHEN prev IS NULL OR t - prev > ${GAP} THEN 1 ELSE 0 END) OVER (PARTITION BY bidder ORDER BY t ROWS UNBOUNDED PRECEDING) AS sid FROM b)
      SELECT bidder, min(t) AS start, max(t) + ${GAP} AS "end", count(*) AS n FROM s GROUP BY bidder, sid
      HAVING max(t) + ${GAP} <= (SELECT max(t) FROM events WHERE event_type = 2) - ${DELAY}`,
    answer: (rows) => new Map(rows.map((r) => [`${toNum(r.bidder)}|${toNum(r.start)}`, [toNum(r.n), toNum(r.end)]])),
  },
};

// ---------- joins: q3 and q8 ----------

/** The answer of a join in append mode: every emitted row by key, plus the count of emitted rows (so a duplicate shows). */
const withRowCount = (out, rows) => {
  out.set('#rows', [rows]);
  return out;
};
/** The watermark of a two-sided query: the minimum of the two sides' (max event time - delay). */
const twoSidedWm = (wm, maxL, maxR) => Math.max(wm, Math.min(maxL, maxR) - DELAY);

// ---------- q3: local item suggestion (person × auction, stream-stream inner join) ----------

/**
 * Flink's q3 joins every auction of category 10 with its seller, if the seller lives in OR, ID or
 * CA, with no time bound (its join state grows forever). Spark bounds a stream-stream join's state
 * only with watermarks on both sides and a time-range condition, so rivulet's q3 states one that
 * loses no match of this generator: a seller is one of the last NUM_ACTIVE_PEOPLE persons or up to
 * PERSON_ID_LEAD persons ahead (not created yet), so the auction is at most (1000 + 10) persons ×
 * 50 events / TPS after the seller's registration and at most 10 × 50 events / TPS before it. The
 * DuckDB setup checks that the bounded join returns as many rows as the unbounded one.
 */
const Q3_AFTER_S = Math.ceil(((NEXMARK.NUM_ACTIVE_PEOPLE + NEXMARK.PERSON_ID_LEAD) * NEXMARK.PROPORTION_DENOMINATOR) / cfg.tps);
const Q3_BEFORE_S = Math.max(1, Math.ceil((NEXMARK.PERSON_ID_LEAD * NEXMARK.PROPORTION_DENOMINATOR) / cfg.tps));
const Q3_AFTER = Q3_AFTER_S * 1000;
const Q3_BEFORE = Q3_BEFORE_S * 1000;
const Q3_STATES = new Set(['OR', 'ID', 'CA']);
/** The time-range condition: p_time - BEFORE <= a_time <= p_time + AFTER. */
const q3InRange = (aTime, pTime) => aTime >= pTime - Q3_BEFORE && aTime <= pTime + Q3_AFTER;

/**
 * A symmetric hash join for q3, as Spark runs it: each side's rows probe the other side's state
 * and join it; a person stays in state while an auction not yet seen (time > watermark) can
 * match it (p_time >= wm - AFTER), an auction while a person can (a_time >= wm - BEFORE).
 * Rows arrive in event-time order, so eviction pops from the front of insertion-ordered state.
 */
class Q3Join {
  constructor() {
    this.out = new Map();
    this.rows = 0;
    this.persons = new Map(); // id -> person (insertion order = time order)
    this.auctions = new Map(); // seller -> [auction] in time order
    this.aQueue = []; // auctions in time order
    this.aHead = 0;
  }
  person(p) {
    this.persons.set(p.id, p);
    const as = this.auctions.get(p.id);
    if (as !== undefined) for (const a of as) if (q3InRange(a.dateTime, p.dateTime)) this.emit(a, p);
  }
  auction(a) {
    const p = this.persons.get(a.seller);
    if (p !== undefined && q3InRange(a.dateTime, p.dateTime)) this.emit(a, p);
    const as = this.auctions.get(a.seller);
    if (as === undefined) this.auctions.set(a.seller, [a]);
    else as.push(a);
    this.aQueue.push(a);
  }
  emit(a, p) {
    this.out.set(String(a.id), [p.name, p.city, p.state]);
    this.rows++;
  }
  evict(wm) {
    for (const [id, p] of this.persons) {
      if (p.dateTime >= wm - Q3_AFTER) break;
      this.persons.delete(id);
    }
    const q = this.aQueue;
    while (this.aHead < q.length && q[this.aHead].dateTime < wm - Q3_BEFORE) {
      const a = q[this.aHead++];
      const as = this.auctions.get(a.seller);
      as.shift();
      if (as.length === 0) this.auctions.delete(a.seller);
    }
    if (this.aHead > 4096 && this.aHead * 2 > q.length) {
      this.aQueue = q.slice(this.aHead);
      this.aHead = 0;
    }
  }
  answer() {
    return withRowCount(this.out, this.rows);
  }
}

const Q3_SQL_FROM = `
      WITH p AS (SELECT id, name, city, state, t FROM events WHERE event_type = 0 AND state IN ('OR', 'ID', 'CA')),
      a AS (SELECT id, seller, t FROM events WHERE event_type = 1 AND category = 10)`;

Q.q3 = {
  title: `q3 local item suggestion (person × auction join, ${Q3_AFTER_S} s / ${Q3_BEFORE_S} s range)`,
  rivulet: {
    mode: 'append',
    build: (df) => {
      const auction = df
        .where('event_type = 1')
        .select('auction.*')
        .withWatermark('dateTime', '4 seconds')
        .where('category = 10')
        .select(F.col('id').alias('a_id'), 'seller', F.col('dateTime').alias('a_time'));
      const person = df
        .where('event_type = 0')
        .select('person.*')
        .withWatermark('dateTime', '4 seconds')
        .where("state IN ('OR', 'ID', 'CA')")
        .select(F.col('id').alias('p_id'), 'name', 'city', 'state', F.col('dateTime').alias('p_time'));
      return auction
        .join(person, F.expr(`seller = p_id AND a_time BETWEEN p_time - interval ${Q3_BEFORE_S} seconds AND p_time + interval ${Q3_AFTER_S} seconds`), 'inner')
        .select('name', 'city', 'state', F.col('a_id').alias('id'));
    },
    sink: () => {
      const out = new Map();
      let rows = 0;
      return {
        onRows: (rs) => {
          rows += rs.length;
          for (const r of rs) out.set(String(r.id), [r.name, r.city, r.state]);
        },
        answer: () => withRowCount(out, rows),
      };
    },
  },
  limit() {
    const j = new Q3Join();
    let wm = -Infinity;
    let maxP = -Infinity;
    let maxA = -Infinity;
    for (const batch of batches) {
      for (let i = 0; i < batch.length; i++) {
        const e = batch[i];
        if (e.event_type === 0) {
          const p = e.person;
          if (p.dateTime > maxP) maxP = p.dateTime;
          if (p.dateTime <= wm || !Q3_STATES.has(p.state)) continue;
          j.person(p);
        } else if (e.event_type === 1) {
          const a = e.auction;
          if (a.dateTime > maxA) maxA = a.dateTime;
          if (a.dateTime <= wm || a.category !== 10) continue;
          j.auction(a);
        }
      }
      wm = twoSidedWm(wm, maxP, maxA);
      j.evict(wm);
    }
    return j.answer();
  },
  rxjs() {
    const j = new Q3Join();
    let wm = -Infinity;
    let maxP = -Infinity;
    let maxA = -Infinity;
    from(batches)
      .pipe(
        concatMap((batch) =>
          from(batch).pipe(
            filter((e) => e.event_type !== 2),
            tap((e) => {
              if (e.event_type === 0) maxP = Math.max(maxP, e.dateTime);
              else maxA = Math.max(maxA, e.dateTime);
            }),
            filter((e) => e.dateTime > wm && (e.event_type === 0 ? Q3_STATES.has(e.person.state) : e.auction.category === 10)),
            reduce((acc, e) => {
              if (e.event_type === 0) acc.person(e.person);
              else acc.auction(e.auction);
              return acc;
            }, j),
            tap(() => {
              wm = twoSidedWm(wm, maxP, maxA);
              j.evict(wm);
            }),
          ),
        ),
      )
      .subscribe();
    return j.answer();
  },
  arquero() {
    // Joins the batch's rows with the rows it retains (new auctions × all persons, retained
    // auctions × new persons), then drops the rows no later row can match.
    const out = new Map();
    let rows = 0;
    let P = null;
    let A = null;
    let wm = -Infinity;
    let maxP = -Infinity;
    let maxA = -Infinity;
    const range = { before: Q3_BEFORE, after: Q3_AFTER };
    for (const batch of batches) {
      const t = aq.from(batch);
      const fp = t
        .filter((d) => d.event_type === 0)
        .derive({ p_id: (d) => d.person.id, name: (d) => d.person.name, city: (d) => d.person.city, state: (d) => d.person.state, p_time: (d) => d.person.dateTime })
        .select('p_id', 'name', 'city', 'state', 'p_time');
      const fa = t
        .filter((d) => d.event_type === 1)
        .derive({ a_id: (d) => d.auction.id, seller: (d) => d.auction.seller, category: (d) => d.auction.category, a_time: (d) => d.auction.dateTime })
        .select('a_id', 'seller', 'category', 'a_time');
      if (fp.numRows() > 0) maxP = Math.max(maxP, fp.rollup({ m: op.max('p_time') }).get('m', 0));
      if (fa.numRows() > 0) maxA = Math.max(maxA, fa.rollup({ m: op.max('a_time') }).get('m', 0));
      const newP = fp
        .params({ wm })
        .filter((d, $) => d.p_time > $.wm && (d.state === 'OR' || d.state === 'ID' || d.state === 'CA'))
        .reify();
      const newA = fa
        .params({ wm })
        .filter((d, $) => d.a_time > $.wm && d.category === 10)
        .select('a_id', 'seller', 'a_time')
        .reify();
      const allP = P === null ? newP : P.concat(newP);
      const matched = [newA.join(allP, ['seller', 'p_id'])];
      if (A !== null) matched.push(A.join(newP, ['seller', 'p_id']));
      for (const m of matched) {
        const hits = m.params(range).filter((d, $) => d.a_time >= d.p_time - $.before && d.a_time <= d.p_time + $.after);
        for (const r of hits.objects()) {
          out.set(String(r.a_id), [r.name, r.city, r.state]);
          rows++;
        }
      }
      wm = twoSidedWm(wm, maxP, maxA);
      P = allP.params({ bound: wm - Q3_AFTER }).filter((d, $) => d.p_time >= $.bound).reify();
      A = (A === null ? newA : A.concat(newA)).params({ bound: wm - Q3_BEFORE }).filter((d, $) => d.a_time >= $.bound).reify();
    }
    return withRowCount(out, rows);
  },
  ivm() {
    const out = new Map();
    let rows = 0;
    const graph = new D2();
    const input = graph.newInput();
    const persons = input.pipe(
      dFilter((e) => e.event_type === 0 && Q3_STATES.has(e.person.state)),
      dMap((e) => [e.person.id, e.person]),
    );
    input.pipe(
      dFilter((e) => e.event_type === 1 && e.auction.category === 10),
      dMap((e) => [e.auction.seller, e.auction]),
      dJoin(persons, 'inner'),
      dFilter(([, [a, p]]) => q3InRange(a.dateTime, p.dateTime)),
      dOutput((msg) => {
        for (const [[, [a, p]], m] of msg.getInner()) {
          rows += m;
          if (m > 0) out.set(String(a.id), [p.name, p.city, p.state]);
        }
      }),
    );
    graph.finalize();
    for (const batch of batches) {
      input.sendData(new MultiSet(batch.map((e) => [e, 1])));
      graph.run();
    }
    return withRowCount(out, rows);
  },
  duck: {
    sql: () => `${Q3_SQL_FROM}
      SELECT p.name, p.city, p.state, a.id FROM a JOIN p ON a.seller = p.id AND a.t BETWEEN p.t - ${Q3_BEFORE} AND p.t + ${Q3_AFTER}`,
    answer: (rows) => withRowCount(new Map(rows.map((r) => [String(toNum(r.id)), [r.name, r.city, r.state]])), rows.length),
  },
};

// ---------- q8: monitor new users (persons × sellers per 10 s tumbling window) ----------

/**
 * Flink's q8 groups persons by (id, name, window) and auctions by (seller, window) and joins the
 * two on id = seller and the window. rivulet: the sellers deduplicated per window
 * (dropDuplicates(seller, window), Spark's form of a GROUP BY without aggregates), joined with
 * the persons on id and the window (a window join: Spark evicts both sides' state once the
 * window's end is at or below the watermark). Persons are unique by id, so the GROUP BY on their
 * side changes nothing and is left out.
 */
const W8 = 10_000;

/** Window join state for q8: per open window, its persons and its (distinct) sellers. */
class Q8Join {
  constructor() {
    this.out = new Map();
    this.rows = 0;
    this.windows = new Map(); // ws -> { persons: Map(id -> name), sellers: Set }
  }
  win(ws) {
    let w = this.windows.get(ws);
    if (w === undefined) this.windows.set(ws, (w = { persons: new Map(), sellers: new Set() }));
    return w;
  }
  person(id, name, ws) {
    const w = this.win(ws);
    w.persons.set(id, name);
    if (w.sellers.has(id)) this.emit(id, name, ws);
  }
  seller(seller, ws) {
    const w = this.win(ws);
    if (w.sellers.has(seller)) return;
    w.sellers.add(seller);
    const name = w.persons.get(seller);
    if (name !== undefined) this.emit(seller, name, ws);
  }
  emit(id, name, ws) {
    this.out.set(`${id}|${ws}`, [name]);
    this.rows++;
  }
  evict(wm) {
    for (const ws of this.windows.keys()) if (ws + W8 <= wm) this.windows.delete(ws);
  }
  answer() {
    return withRowCount(this.out, this.rows);
  }
}

Q.q8 = {
  title: 'q8 monitor new users (persons × sellers, 10 s window join)',
  rivulet: {
    mode: 'append',
    build: (df) => {
      const person = df
        .where('event_type = 0')
        .select('person.*')
        .withWatermark('dateTime', '4 seconds')
        .select('id', 'name', F.window('dateTime', '10 seconds').alias('window'));
      const seller = df
        .where('event_type = 1')
        .select('auction.*')
        .withWatermark('dateTime', '4 seconds')
        .select('seller', F.window('dateTime', '10 seconds').alias('window'))
        .dropDuplicates(['seller', 'window']);
      return person
        .join(seller, person.col('id').eq(seller.col('seller')).and(person.col('window').eq(seller.col('window'))), 'inner')
        .select('id', 'name', person.col('window').getField('start').alias('starttime'));
    },
    sink: () => {
      const out = new Map();
      let rows = 0;
      return {
        onRows: (rs) => {
          rows += rs.length;
          for (const r of rs) out.set(`${r.id}|${r.starttime.getTime()}`, [r.name]);
        },
        answer: () => withRowCount(out, rows),
      };
    },
  },
  limit() {
    const j = new Q8Join();
    let wm = -Infinity;
    let maxP = -Infinity;
    let maxA = -Infinity;
    for (const batch of batches) {
      for (let i = 0; i < batch.length; i++) {
        const e = batch[i];
        if (e.event_type === 2) continue;
        const t = e.dateTime;
        const ws = t - (t % W8);
        if (e.event_type === 0) {
          if (t > maxP) maxP = t;
          if (ws + W8 > wm) j.person(e.person.id, e.person.name, ws);
        } else {
          if (t > maxA) maxA = t;
          if (ws + W8 > wm) j.seller(e.auction.seller, ws);
        }
      }
      wm = twoSidedWm(wm, maxP, maxA);
      j.evict(wm);
    }
    return j.answer();
  },
  rxjs() {
    const j = new Q8Join();
    let wm = -Infinity;
    let maxP = -Infinity;
    let maxA = -Infinity;
    from(batches)
      .pipe(
        concatMap((batch) =>
          from(batch).pipe(
            filter((e) => e.event_type !== 2),
            tap((e) => {
              if (e.event_type === 0) maxP = Math.max(maxP, e.dateTime);
              else maxA = Math.max(maxA, e.dateTime);
            }),
            map((e) => ({ e, ws: Math.floor(e.dateTime / W8) * W8 })),
            filter((x) => x.ws + W8 > wm),
            reduce((acc, { e, ws }) => {
              if (e.event_type === 0) acc.person(e.person.id, e.person.name, ws);
              else acc.seller(e.auction.seller, ws);
              return acc;
            }, j),
            tap(() => {
              wm = twoSidedWm(wm, maxP, maxA);
              j.evict(wm);
            }),
          ),
        ),
      )
      .subscribe();
    return j.answer();
  },
  arquero() {
    // Joins the batch's rows with the rows of the open windows it retains: the batch's new
    // sellers (not yet seen in their window) × all persons, retained sellers × new persons.
    const out = new Map();
    let rows = 0;
    let P = null;
    let S = null;
    let wm = -Infinity;
    let maxP = -Infinity;
    let maxA = -Infinity;
    const on = [
      ['id', 'ws'],
      ['seller', 'ws'],
    ];
    const keep = [['id', 'name', 'ws'], []];
    for (const batch of batches) {
      const t = aq.from(batch);
      const fp = t
        .filter((d) => d.event_type === 0)
        .derive({ id: (d) => d.person.id, name: (d) => d.person.name, t: (d) => d.dateTime, ws: (d) => op.floor(d.dateTime / 10000) * 10000 });
      const fs = t
        .filter((d) => d.event_type === 1)
        .derive({ seller: (d) => d.auction.seller, t: (d) => d.dateTime, ws: (d) => op.floor(d.dateTime / 10000) * 10000 });
      if (fp.numRows() > 0) maxP = Math.max(maxP, fp.rollup({ m: op.max('t') }).get('m', 0));
      if (fs.numRows() > 0) maxA = Math.max(maxA, fs.rollup({ m: op.max('t') }).get('m', 0));
      const newP = fp
        .params({ wm })
        .filter((d, $) => d.ws + 10000 > $.wm)
        .select('id', 'name', 'ws')
        .reify();
      let newS = fs
        .params({ wm })
        .filter((d, $) => d.ws + 10000 > $.wm)
        .select('seller', 'ws')
        .dedupe();
      if (S !== null) newS = newS.antijoin(S, [['seller', 'ws'], ['seller', 'ws']]);
      newS = newS.reify();
      const allP = P === null ? newP : P.concat(newP);
      const matched = [allP.join(newS, on, keep)];
      if (S !== null) matched.push(newP.join(S, on, keep));
      for (const m of matched) {
        for (const r of m.objects()) {
          out.set(`${r.id}|${r.ws}`, [r.name]);
          rows++;
        }
      }
      wm = twoSidedWm(wm, maxP, maxA);
      P = allP.params({ wm }).filter((d, $) => d.ws + 10000 > $.wm).reify();
      S = (S === null ? newS : S.concat(newS)).params({ wm }).filter((d, $) => d.ws + 10000 > $.wm).reify();
    }
    return withRowCount(out, rows);
  },
  ivm() {
    const out = new Map();
    let rows = 0;
    const graph = new D2();
    const input = graph.newInput();
    const wsOf = (t) => Math.floor(t / W8) * W8;
    const sellers = input.pipe(
      dFilter((e) => e.event_type === 1),
      dMap((e) => {
        const k = `${e.auction.seller}|${wsOf(e.dateTime)}`;
        return [k, k];
      }),
      dDistinct(),
      dMap(([, k]) => [k, true]),
    );
    input.pipe(
      dFilter((e) => e.event_type === 0),
      dMap((e) => [`${e.person.id}|${wsOf(e.dateTime)}`, e.person.name]),
      dJoin(sellers, 'inner'),
      dOutput((msg) => {
        for (const [[k, [name]], m] of msg.getInner()) {
          rows += m;
          if (m > 0) out.set(k, [name]);
        }
      }),
    );
    graph.finalize();
    for (const batch of batches) {
      input.sendData(new MultiSet(batch.map((e) => [e, 1])));
      graph.run();
    }
    return withRowCount(out, rows);
  },
  duck: {
    sql: () => `
      WITH p AS (SELECT DISTINCT id, name, (t // ${W8}) * ${W8} AS ws FROM events WHERE event_type = 0),
      s AS (SELECT DISTINCT seller, (t // ${W8}) * ${W8} AS ws FROM events WHERE event_type = 1)
      SELECT p.id, p.name, p.ws FROM p JOIN s ON p.id = s.seller AND p.ws = s.ws`,
    answer: (rows) => withRowCount(new Map(rows.map((r) => [`${toNum(r.id)}|${toNum(r.ws)}`, [r.name]])), rows.length),
  },
};

const NOT_RUN = {
  q4: 'average closing price per category: a join of bids with their auction while it is open (b.dateTime BETWEEN a.dateTime AND a.expires, a bound from a column, not a time range Spark can turn into a state watermark), then a max per auction and an average per category, both unwindowed: Spark allows no aggregation in update mode after a stream-stream join, and an unwindowed one never emits in append mode',
  q12: 'processing-time window: its answer depends on the wall clock, so engines cannot be checked against each other',
};

// ---------- rivulet ----------

const spark = Session.builder().appName('bench-nexmark').getOrCreate();

async function runRiv(name) {
  const q = Q[name].rivulet;
  const sink = q.sink();
  await runRivulet(spark, {
    name: `nexmark_${name}`,
    ddl: NEXMARK_SCHEMA_DDL,
    batches,
    outputMode: q.mode,
    build: q.build,
    onBatch: async (batchDf) => sink.onRows(await batchDf.collect()),
  });
  return sink.answer();
}

// ---------- DuckDB ----------

const tmp = mkdtempSync(join(os.tmpdir(), 'rivulet-bench-nexmark-'));
const duck = await openDuckDB(1);
// Bids fill auction..extra; persons id, name, city, state; auctions id, seller, category.
writeCsv(
  join(tmp, 'events.csv'),
  ['seq', 'event_type', 'auction', 'bidder', 'price', 't', 'extra', 'id', 'name', 'city', 'state', 'seller', 'category'],
  gen.events.map((e, i) => {
    const n = [i, e.event_type];
    if (e.bid) return [...n, e.bid.auction, e.bid.bidder, e.bid.price, e.bid.dateTime, e.bid.extra, null, null, null, null, null, null];
    if (e.person) return [...n, null, null, null, e.dateTime, null, e.person.id, e.person.name, e.person.city, e.person.state, null, null];
    return [...n, null, null, null, e.dateTime, null, e.auction.id, null, null, null, e.auction.seller, e.auction.category];
  }),
);
await duck.run(
  `CREATE TABLE events AS SELECT * FROM read_csv('${join(tmp, 'events.csv')}', header=true, nullstr='', columns={'seq':'BIGINT','event_type':'INTEGER','auction':'BIGINT','bidder':'BIGINT','price':'BIGINT','t':'BIGINT','extra':'VARCHAR','id':'BIGINT','name':'VARCHAR','city':'VARCHAR','state':'VARCHAR','seller':'BIGINT','category':'BIGINT'})`,
);
rmSync(tmp, { recursive: true, force: true });
if (cfg.queries.includes('q3')) {
  // q3's time range must lose no match of Flink's unbounded q3 (see Q3_AFTER_S).
  const [{ bounded, unbounded }] = await duck.rows(`${Q3_SQL_FROM}
    SELECT count(*) FILTER (WHERE a.t BETWEEN p.t - ${Q3_BEFORE} AND p.t + ${Q3_AFTER}) AS bounded, count(*) AS unbounded FROM a JOIN p ON a.seller = p.id`);
  if (toNum(bounded) === toNum(unbounded)) log(`q3: the range [-${Q3_BEFORE_S} s, +${Q3_AFTER_S} s] keeps all ${toNum(unbounded)} matches of the unbounded join`);
  else log(`warning: q3's range [-${Q3_BEFORE_S} s, +${Q3_AFTER_S} s] keeps ${toNum(bounded)} of the unbounded join's ${toNum(unbounded)} matches`);
}

async function runDuck(name) {
  const d = Q[name].duck;
  return d.answer(await duck.rows(typeof d.sql === 'function' ? d.sql() : d.sql));
}

// ---------- main ----------

const LABELS = {
  rivulet: 'rivulet (streaming query, foreachBatch)',
  limit: 'the limit (hand-written loop)',
  rxjs: 'RxJS pipeline',
  arquero: 'arquero (recompute per batch)',
  'db-ivm': '@tanstack/db-ivm',
  duckdb: 'DuckDB (batch SQL, 1 thread)',
};
const IMPL = { limit: 'limit', rxjs: 'rxjs', arquero: 'arquero', 'db-ivm': 'ivm' };
const NOTES = {
  'db-ivm': 'no watermark eviction: operator state keeps every input row (every bid; in q3/q8 every person and auction)',
  duckdb: 'query over a table preloaded from CSV (load not timed); pass-through queries return the checksum in SQL instead of rows',
};

log(`${cfg.events} events, batches of ${cfg.batch}, TPS ${cfg.tps}, queries ${cfg.queries.join(',')}, ${cfg.repeats} repeat(s)`);
const results = {};
const printed = [];
for (const name of cfg.queries) {
  const q = Q[name];
  if (!q) {
    log(`${name}: not run (${NOT_RUN[name] ?? 'unknown query'})`);
    continue;
  }
  const engines = [];
  for (const e of cfg.engines) {
    if (e === 'rivulet') engines.push({ name: e, label: LABELS[e], run: () => runRiv(name) });
    else if (e === 'duckdb') engines.push({ name: e, label: LABELS[e], note: NOTES[e], run: () => runDuck(name) });
    else if (q[IMPL[e]]) engines.push({ name: e, label: LABELS[e], note: NOTES[e], run: async () => q[IMPL[e]]() });
  }
  const skipped = cfg.engines.filter((e) => !engines.some((x) => x.name === e));
  log(`— ${name}: ${engines.map((e) => e.name).join(', ')}${skipped.length ? ` (does not fit: ${skipped.join(', ')})` : ''}`);
  const raw = await runSideBySide(engines, { repeats: cfg.repeats, budgetMs: cfg.budgetS * 1000, log });
  const summary = summarise(raw, { events: cfg.events, say: log });
  summary.title = q.title;
  summary.notFitting = skipped;
  results[name] = summary;
  printed.push('', `## Nexmark ${q.title}${summary.valid ? '' : ' — INVALID: ENGINES DISAGREE'}`, '', resultTable(summary));
  if (skipped.length) printed.push(`  not written for: ${skipped.join(', ')} (the query does not fit them)`);
}
duck.close();

const ratioRows = cfg.queries
  .filter((n) => results[n])
  .map((n) => {
    const r = results[n].rows;
    const rate = (e) => r.find((x) => x.name === e)?.eventsPerSecond;
    const bad = (e) => r.find((x) => x.name === e)?.answerOk === false;
    return [n, ...cfg.engines.map((e) => (rate(e) === undefined ? '—' : Number.isFinite(rate(e)) ? `${fmtK(rate(e))}${bad(e) ? ' (WRONG)' : ''}` : 'FAILED'))];
  });
function fmtK(x) {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`;
}

const doc = {
  benchmark: 'nexmark (BENCHMARKS.md workload 3)',
  date: new Date().toISOString(),
  gitCommit: commitAtStart,
  machine: { ...machine(), loadavgAtStart: loadAtStart },
  peers: peerVersions(),
  duckdb: duck.version,
  config: { ...cfg, generator: gen.options, eventCounts: gen.counts },
  method:
    'events/s counts ALL events (persons, auctions and bids), as Flink\'s Nexmark does; pre-parsed event objects; all engines get the same micro-batches; each run timed whole; median of the repeats; engines round-robin. Windowed queries are append mode with the watermark dateTime - 4 s: the answer is every window/session final at the last watermark, checked row by row against DuckDB; q0-q2 are checked by row count and column sums. The joins q3 and q8 (append mode, watermark dateTime - 4 s on both sides, a time-range resp. window condition so the join state stays bounded) are checked row by row by their key (auction id; person id and window) plus the count of rows emitted.',
  notRun: NOT_RUN,
  valid: Object.values(results).every((r) => r.valid),
  results,
};
writeResults(outFile, doc);
console.log(`# Nexmark (workload 3) — ${doc.machine.cpu}, ${doc.machine.cores} cores, Node ${process.version}`);
console.log(
  `${fmtCount(cfg.events)} events (${gen.counts.bid} bids) in micro-batches of ${fmtCount(cfg.batch)}; TPS ${cfg.tps} (event time ${(cfg.events / cfg.tps).toFixed(0)} s); median of ${cfg.repeats}; events/s counts all events`,
);
console.log(printed.join('\n'));
console.log('\n## Summary: events/s per engine (— = does not fit / not run)\n');
console.log(table(['query', ...cfg.engines], ratioRows));
console.log('\nNot run:');
for (const [k, v] of Object.entries(NOT_RUN)) console.log(`  ${k}: ${v}`);
for (const [k, v] of Object.entries(NOTES)) console.log(`  ${k}: ${v}`);
console.log(`\nJSON: ${outFile}`);
