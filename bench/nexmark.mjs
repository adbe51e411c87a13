/**
 * Workload 3 (BENCHMARKS.md): Nexmark. Events from bench/lib/nexmark-gen.mjs (Flink's combined
 * row `{event_type, person, auction, bid, dateTime}`, at a fixed TPS of event time), queries:
 *   q0  pass-through of bids (auction, bidder, price, dateTime, extra)             append
 *   q1  projection, price → 0.908 * price                                           append
 *   q2  filter auction % 123 = 0, project (auction, price)                          append
 *   q5  hot items: HOP 10 s / slide 2 s, count per auction, the auctions with the
 *       maximum count per window                                                    append
 *   q7  highest bid per 10 s tumbling window (max of (price, auction, bidder,
 *       dateTime): ties on price broken by the rest)                                append
 *   q11 bids per bidder session (session window, gap 10 s)                          append
 * with the watermark `dateTime - 4 seconds` on bids. q3, q4, q8 need stream-stream joins (not in
 * rivulet yet) and q12 a processing-time window (no deterministic answer to check): not run.
 *
 * Engines where the query fits them: rivulet (memoryStream → query → foreachBatch), the limit
 * (hand-written loop), rxjs, arquero (recompute per batch), @tanstack/db-ivm, DuckDB (batch SQL,
 * 1 thread; the reference answer). Pass-through queries are checked by checksums (row count and
 * column sums over every output row); windowed ones row by row.
 * Sizes: BENCH_NEXMARK_EVENTS, BENCH_NEXMARK_BATCH, BENCH_NEXMARK_TPS, BENCH_NEXMARK_REPEATS,
 * BENCH_NEXMARK_QUERIES, BENCH_NEXMARK_ENGINES, BENCH_QUICK=1.
 */
import * as aq from 'arquero';
import { D2, MultiSet, concat as dConcat, filter as dFilter, groupBy as dGroupBy, groupByOperators, join as dJoin, map as dMap, output as dOutput } from '@tanstack/db-ivm';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { concatMap, filter, from, map, reduce, tap } from 'rxjs';
import { F, Session } from '../dist/index.js';
import {
  env, fmtCount, gitCommit, list, log as mkLog, machine, num, openDuckDB, peerVersions, quick, resultTable, root, runRivulet, runSideBySide, splitBatches, summarise, warnIfBusy, table, toNum, writeCsv, writeResults,
} from './lib/harness.mjs';
import { generateNexmark, NEXMARK_SCHEMA_DDL } from './lib/nexmark-gen.mjs';

const log = mkLog('nexmark');
const cfg = {
  events: num(env.BENCH_NEXMARK_EVENTS, quick ? 100_000 : 500_000),
  batch: num(env.BENCH_NEXMARK_BATCH, quick ? 25_000 : 50_000),
  tps: num(env.BENCH_NEXMARK_TPS, quick ? 2_000 : 10_000),
  repeats: num(env.BENCH_NEXMARK_REPEATS, quick ? 1 : 3),
  // An engine stops repeating once its runs add up to this (s).
  budgetS: num(env.BENCH_NEXMARK_BUDGET_S, 15),
  queries: list(env.BENCH_NEXMARK_QUERIES, 'q0,q1,q2,q5,q7,q11'),
  engines: list(env.BENCH_NEXMARK_ENGINES, 'rivulet,limit,rxjs,arquero,db-ivm,duckdb'),
};
const loadAtStart = warnIfBusy(log);
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

const NOT_RUN = {
  q3: 'stream-stream join (person × auction): rivulet has no stream-stream joins yet',
  q4: 'stream-stream join (auction × bid) then an aggregation: no stream-stream joins yet',
  q8: 'stream-stream window join (persons × sellers per 10 s window): no stream-stream joins yet',
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
writeCsv(
  join(tmp, 'events.csv'),
  ['seq', 'event_type', 'auction', 'bidder', 'price', 't', 'extra'],
  gen.events.map((e, i) => (e.bid ? [i, 2, e.bid.auction, e.bid.bidder, e.bid.price, e.bid.dateTime, e.bid.extra] : [i, e.event_type, null, null, null, e.dateTime, null])),
);
await duck.run(
  `CREATE TABLE events AS SELECT * FROM read_csv('${join(tmp, 'events.csv')}', header=true, nullstr='', columns={'seq':'BIGINT','event_type':'INTEGER','auction':'BIGINT','bidder':'BIGINT','price':'BIGINT','t':'BIGINT','extra':'VARCHAR'})`,
);
rmSync(tmp, { recursive: true, force: true });

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
  'db-ivm': 'no watermark eviction: operator state keeps every bid',
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
  gitCommit: gitCommit(),
  machine: { ...machine(), loadavgAtStart: loadAtStart },
  peers: peerVersions(),
  duckdb: duck.version,
  config: { ...cfg, generator: gen.options, eventCounts: gen.counts },
  method:
    'events/s counts ALL events (persons, auctions and bids), as Flink\'s Nexmark does; pre-parsed event objects; all engines get the same micro-batches; each run timed whole; median of the repeats; engines round-robin. Windowed queries are append mode with the watermark dateTime - 4 s: the answer is every window/session final at the last watermark, checked row by row against DuckDB; q0-q2 are checked by row count and column sums.',
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
