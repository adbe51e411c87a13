/**
 * Shared machinery of the throughput benchmarks (seed-pipeline, ysb, nexmark): engines run side
 * by side in one process, round-robin over repeats (so drift on this shared machine hits them
 * alike), medians, the answer check (every engine's final answer against DuckDB's), tables, the
 * rivulet runner (a real streaming query fed through a memoryStream in micro-batches), DuckDB
 * helpers, and the results JSON.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deleteMemoryKV } from '../../dist/storage/memory-kv.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const env = process.env;
export const quick = env.BENCH_QUICK === '1';
export const num = (v, d) => (v === undefined || v === '' ? d : Number(v));
export const list = (v, d) => (v ?? d).split(',').map((s) => s.trim()).filter(Boolean);

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function splitBatches(rows, size) {
  const out = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

export const fmtRate = (eps) =>
  !Number.isFinite(eps) ? '—' : eps >= 1e6 ? `${(eps / 1e6).toFixed(2)} M/s` : eps >= 1e3 ? `${(eps / 1e3).toFixed(eps >= 1e5 ? 0 : 1)} k/s` : `${eps.toFixed(0)} /s`;
export const fmtMs = (ms) => (!Number.isFinite(ms) ? '—' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
export const fmtCount = (n) => (n >= 1e6 && n % 1e5 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));

export function table(headers, rows, align) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const pad = (c, i) => (align?.[i] === 'l' ? String(c).padEnd(w[i]) : String(c).padStart(w[i]));
  const line = (cells) => `| ${cells.map(pad).join(' | ')} |`;
  return [line(headers), `|${w.map((x, i) => (align?.[i] === 'l' ? `:${'-'.repeat(x + 1)}` : `${'-'.repeat(x + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

export const log = (tag) => (m) => process.stderr.write(`[${tag}] ${m}\n`);

// ---------- answers ----------

/**
 * An answer is a Map from a key string to an array of values (numbers or strings). Numbers
 * compare with a relative tolerance (sums of doubles depend on the order of addition).
 */
export function compareAnswers(ref, got, { relTol = 1e-9, maxReport = 5 } = {}) {
  const problems = [];
  for (const [k, rv] of ref) {
    const gv = got.get(k);
    if (gv === undefined) problems.push(`missing key ${k} (expected ${JSON.stringify(rv)})`);
    else if (!sameValues(rv, gv, relTol)) problems.push(`key ${k}: expected ${JSON.stringify(rv)}, got ${JSON.stringify(gv)}`);
    if (problems.length >= maxReport) break;
  }
  let extra = 0;
  for (const k of got.keys()) if (!ref.has(k)) extra++;
  if (extra > 0) {
    const first = [...got.keys()].find((k) => !ref.has(k));
    problems.push(`${extra} unexpected key(s), e.g. ${first} = ${JSON.stringify(got.get(first))}`);
  }
  if (ref.size !== got.size) problems.unshift(`${got.size} keys, expected ${ref.size}`);
  return { ok: problems.length === 0, problems };
}

function sameValues(a, b, relTol) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x === 'number' && typeof y === 'number') {
      if (x === y) continue;
      if (Math.abs(x - y) <= relTol * Math.max(1, Math.abs(x), Math.abs(y))) continue;
      return false;
    }
    if (x !== y) return false;
  }
  return true;
}

// ---------- running engines side by side ----------

/**
 * Runs each engine `repeats` times, round-robin (the starting engine rotates per repeat), with a
 * GC before every run; an engine whose runs already took `budgetMs` in total is not run again. An engine is `{ name, label, run: async () => answer }`; run() does all of
 * the engine's work on the workload's input (timed as a whole). Returns per engine the times and
 * the answer of its first run (or the error).
 */
export async function runSideBySide(engines, { repeats, budgetMs = Infinity, log: say = () => {} }) {
  const res = new Map(engines.map((e) => [e.name, { name: e.name, label: e.label, note: e.note, ms: [], answer: undefined, error: undefined }]));
  for (let r = 0; r < repeats; r++) {
    for (let j = 0; j < engines.length; j++) {
      const e = engines[(j + r) % engines.length];
      const out = res.get(e.name);
      if (out.error) continue;
      // A slow engine stops repeating once its runs add up to the budget (its runs are long
      // enough that one or two are representative); it keeps the runs it has.
      if (out.ms.length > 0 && out.ms.reduce((a, b) => a + b, 0) >= budgetMs) continue;
      globalThis.gc?.();
      const t = performance.now();
      try {
        const answer = await e.run();
        const ms = performance.now() - t;
        out.ms.push(ms);
        if (out.answer === undefined) out.answer = answer;
        say(`${e.name} run ${r + 1}/${repeats}: ${fmtMs(ms)} ms`);
      } catch (err) {
        out.error = String(err?.stack ?? err);
        say(`${e.name} FAILED: ${out.error}`);
      }
    }
  }
  return [...res.values()];
}

/**
 * Checks every engine's answer against the reference engine's (DuckDB), prints a loud banner
 * on any disagreement, and summarises per engine: median ms, events/s, ratio to rivulet.
 */
export function summarise(results, { events, refName = 'duckdb', rivuletName = 'rivulet', say }) {
  const ref = results.find((r) => r.name === refName);
  const riv = results.find((r) => r.name === rivuletName);
  let valid = true;
  const rows = results.map((r) => {
    const medianMs = r.ms.length ? median(r.ms) : NaN;
    let check;
    if (r.error) {
      check = { ok: false, problems: [`failed: ${r.error.split('\n')[0]}`] };
    } else if (!ref || ref.error || ref.answer === undefined) {
      check = { ok: false, problems: ['no reference answer'] };
    } else check = r === ref ? { ok: true, problems: [] } : compareAnswers(ref.answer, r.answer);
    if (!check.ok) valid = false;
    return {
      name: r.name,
      label: r.label,
      note: r.note,
      runsMs: r.ms.map((x) => Math.round(x * 100) / 100),
      medianMs,
      eventsPerSecond: events / (medianMs / 1000),
      answerKeys: r.answer?.size,
      answerOk: check.ok,
      problems: check.problems,
      error: r.error,
    };
  });
  const rivRate = rows.find((x) => x.name === rivuletName)?.eventsPerSecond;
  for (const x of rows) x.vsRivulet = riv && Number.isFinite(rivRate) ? x.eventsPerSecond / rivRate : null;
  if (ref?.answer !== undefined && ref.answer.size === 0 && say) say(`warning: the reference answer is EMPTY, so the check is vacuous (too few events for a window to close?)`);
  if (!valid && say) {
    say('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
    say('!!! ENGINES DISAGREE: this result is INVALID');
    for (const x of rows) if (!x.answerOk) say(`!!!   ${x.name}: ${x.problems.join('; ')}`);
    say('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
  }
  return { valid, rows };
}

export function resultTable(summary) {
  return table(
    ['engine', 'median ms', 'events/s', '× rivulet', 'runs', 'answer'],
    summary.rows.map((x) => [
      x.label,
      fmtMs(x.medianMs),
      fmtRate(x.eventsPerSecond),
      x.vsRivulet === null || !Number.isFinite(x.vsRivulet) ? '—' : `${x.vsRivulet.toFixed(2)}×`,
      x.runsMs.length,
      x.error ? 'FAILED' : x.answerOk ? `ok (${x.answerKeys} keys)` : 'DIFFERS',
    ]),
    ['l', 'r', 'r', 'r', 'r', 'l'],
  );
}

// ---------- rivulet ----------

let querySeq = 0;

/**
 * Runs a rivulet streaming query as a user would: a memoryStream (schema `ddl`), the query
 * `build(df)`, `writeStream.foreachBatch(onBatch)` in `outputMode` with a memory:// checkpoint,
 * then one `addData(batch)` + `processAllAvailable()` per micro-batch (so each batch of input is
 * one micro-batch; the trailing no-data batch that a moved watermark triggers runs too).
 */
export async function runRivulet(spark, { ddl, batches, build, outputMode, onBatch, name = 'q' }) {
  const mem = spark.memoryStream(ddl);
  const db = `bench-${name}-${++querySeq}`;
  const query = await build(mem.toDF())
    .writeStream.foreachBatch(onBatch)
    .outputMode(outputMode)
    .queryName(`${name}_${querySeq}`)
    .option('checkpointLocation', `memory://${db}`)
    .start();
  try {
    for (const b of batches) {
      mem.addData(b);
      await query.processAllAvailable();
    }
    const ex = query.exception();
    if (ex) throw ex;
  } finally {
    await query.stop();
    deleteMemoryKV(db);
  }
  return query;
}

// ---------- DuckDB ----------

/** One in-memory DuckDB with `threads` threads (1: a per-core figure, like the JS engines). */
export async function openDuckDB(threads = 1) {
  const { DuckDBInstance, version } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const conn = await instance.connect();
  return {
    version: version(),
    run: (sql) => conn.run(sql),
    rows: async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJS(),
    close: () => {
      conn.closeSync?.();
      instance.closeSync?.();
    },
  };
}

/** Writes `rows` (arrays) as CSV without quoting (callers pass numbers and plain tokens only). */
export function writeCsv(path, header, rows) {
  const parts = [header.join(',')];
  for (const r of rows) parts.push(r.map((v) => (v === null || v === undefined ? '' : v)).join(','));
  writeFileSync(path, `${parts.join('\n')}\n`);
}

export const toNum = (v) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : v);

// ---------- results ----------

export function machine() {
  return {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    // Load averages (1, 5, 15 min) when the results were written: above `cores`, other work
    // shared the machine during the run (ratios within one run still compare like with like).
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Prints a warning when the machine is already busy (load average above the core count). */
export function warnIfBusy(say) {
  const load = os.loadavg().map((x) => Math.round(x * 100) / 100);
  if (load[0] > os.cpus().length) say(`warning: load average ${load[0]} > ${os.cpus().length} cores at start: other processes share this machine, absolute figures will be low`);
  return load;
}

export function gitCommit() {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} (+ uncommitted changes under src/)` : head;
  } catch {
    return undefined;
  }
}

export function peerVersions() {
  const v = {};
  for (const p of ['rxjs', 'arquero', '@tanstack/db-ivm', '@duckdb/node-api']) {
    try {
      v[p] = JSON.parse(readFileSync(join(root, 'node_modules', p, 'package.json'), 'utf8')).version;
    } catch {
      v[p] = undefined;
    }
  }
  return v;
}

export function writeResults(file, doc) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
}
