// Crash tests (exactly-once by protocol, DESIGN.md): a child process (fixtures/crash-child.mjs)
// runs a stateful windowed aggregation over the replayable seed-events source with a LevelDB
// checkpoint and SIGKILLs itself at a seeded point of the micro-batch protocol; it is restarted
// until it finishes. Then the sink's batch files must be exactly batch ids 0..6, each identical to
// the uninterrupted run's (a re-run batch replays the logged offsets over the state at N-1), and
// the final state they describe must equal the same aggregation run as a batch query: no
// duplicate, no loss. Runs the BUILT package (dist/), as a user's Node process would.
// The seed is printed; set RIVULET_SEED to replay a run.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProtocolStep } from '../../src/index.js';
import { seedEventJson } from '../../src/sources/seed-events.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/crash-child.mjs', import.meta.url));

const SEED = Number(process.env['RIVULET_SEED'] ?? 20260101);
const SINGLE_POINTS = 210;
const DOUBLE_SCENARIOS = 28;
// Each child costs ~0.25 s of CPU (Node start-up and importing dist/): about 510 spawns in all,
// a minute on two idle cores. The timeouts are generous for loaded CI machines.
const CONCURRENCY = 2;
const DATA_SEEDS = 3;

// The child's workload: 60 events, 10 per batch → data batches 0..5, then the no-data batch 6
// that the watermark moved by batch 5 asks for (it evicts windows and emits nothing).
const BATCH_IDS = [0, 1, 2, 3, 4, 5, 6];
const EVENTS = { count: 60, startTimeMs: Date.UTC(2026, 0, 1), eventTimeRate: 0.05 };

type CrashKind = ProtocolStep | 'midSink';
/** In the order one batch reaches them. */
const KINDS: readonly CrashKind[] = ['beforeOffsetLog', 'afterOffsetLog', 'beforeSink', 'midSink', 'afterSink', 'afterStateCommit', 'afterCommitLog'];
/** The steps a recovered, re-run batch goes through (its offsets are already logged). */
const RERUN_KINDS: readonly CrashKind[] = ['beforeSink', 'midSink', 'afterSink', 'afterStateCommit', 'afterCommitLog'];

interface Point {
  readonly kind: CrashKind;
  readonly batch: number;
}
const spec = (p: Point) => `${p.kind}:${p.batch}`;

interface AggRow {
  start: number;
  event_type: string;
  n: number;
  total: number | null;
}

/** mulberry32: a tiny seeded PRNG so every crash point is reproducible from SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runChild(args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The batch ids the child's sink finished, in order (it prints `batch <id>` after each file). */
const sinkBatches = (r: ChildResult) => [...r.stdout.matchAll(/^batch (\d+)$/gm)].map((m) => Number(m[1]));

const describeExit = (r: ChildResult) => `exit ${r.code ?? '-'} signal ${r.signal ?? '-'}; stdout: ${r.stdout.trim().replace(/\n/g, ', ')}; stderr: ${r.stderr.trim().slice(0, 800)}`;

/** Batch files (`<id>.json`) by id, plus anything else the sink left behind. */
function readOut(dir: string): { files: Map<number, string>; other: string[] } {
  const files = new Map<number, string>();
  const other: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = /^(\d+)\.json$/.exec(name);
    if (m) files.set(Number(m[1]), readFileSync(join(dir, name), 'utf8'));
    else other.push(name);
  }
  return { files, other };
}

/** Update mode emits the changed groups each batch: the final state is the latest row per group. */
function finalState(files: Map<number, string>): AggRow[] {
  const latest = new Map<string, AggRow>();
  for (const id of [...files.keys()].sort((a, b) => a - b)) {
    for (const row of JSON.parse(files.get(id)!) as AggRow[]) latest.set(`${row.start}|${row.event_type}`, row);
  }
  return sortRows([...latest.values()]);
}

const sortRows = (rows: AggRow[]) => [...rows].sort((a, b) => a.start - b.start || (a.event_type < b.event_type ? -1 : a.event_type > b.event_type ? 1 : 0));

/** The answer again, computed by hand from the generator, to check the batch query itself. */
function handAnswer(dataSeed: number): AggRow[] {
  const groups = new Map<string, AggRow>();
  const options = { seed: dataSeed, startTimeMs: EVENTS.startTimeMs, eventsPerSecond: 1, eventTimeRate: EVENTS.eventTimeRate, users: 500, lateRatio: 0, malformedRatio: 0 };
  for (let n = 0; n < EVENTS.count; n++) {
    const e = JSON.parse(seedEventJson(n, options)) as { event_type: string; amount: number | null; event_time: string };
    const start = Math.floor(Date.parse(e.event_time) / 60_000) * 60;
    const key = `${start}|${e.event_type}`;
    const g = groups.get(key) ?? { start, event_type: e.event_type, n: 0, total: null };
    g.n++;
    if (e.amount !== null) g.total = (g.total ?? 0) + e.amount;
    groups.set(key, g);
  }
  return sortRows([...groups.values()]);
}
const cents = (rows: AggRow[]) => rows.map((r) => ({ ...r, total: r.total === null ? null : Math.round(r.total * 100) }));

async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

interface Expected {
  readonly reference: AggRow[];
  /** The uninterrupted run's batch files. */
  readonly baseline: Map<number, string>;
}

let work: string;
let seq = 0;
const expected = new Map<number, Expected>();
const rnd = prng(SEED);
const dataSeeds = Array.from({ length: DATA_SEEDS }, () => Math.floor(rnd() * 1_000_000));

// All crash points are drawn up front, so a run with the same RIVULET_SEED replays them exactly.
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const grid: readonly Point[] = KINDS.flatMap((kind) => BATCH_IDS.map((batch) => ({ kind, batch })));

/** The same number of points per kind; per kind, the batch ids in seeded rounds (each round all of them). */
function drawSinglePoints(): { point: Point; dataSeed: number }[] {
  const points: Point[] = [];
  for (const kind of KINDS) {
    const batches: number[] = [];
    while (batches.length < SINGLE_POINTS / KINDS.length) batches.push(...shuffled(BATCH_IDS, rnd));
    points.push(...batches.slice(0, SINGLE_POINTS / KINDS.length).map((batch) => ({ kind, batch })));
  }
  return shuffled(points, rnd).map((point) => ({ point, dataSeed: pick(dataSeeds) }));
}

/** The first crash cycles through the kinds; the second is a point the restarted run must reach. */
function drawDoubleScenarios(): { points: Point[]; dataSeed: number }[] {
  const scenarios: { points: Point[]; dataSeed: number }[] = [];
  for (let i = 0; i < DOUBLE_SCENARIOS; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const lastBatch = BATCH_IDS.length - (kind === 'afterCommitLog' ? 2 : 1);
    const first = { kind, batch: Math.floor(rnd() * (lastBatch + 1)) };
    // A restart re-runs a batch whose offsets are logged (from its sink step on) unless the
    // crash came before the offset log or after the commit log.
    const reachable = grid.filter((p) => {
      if (p.batch > first.batch) return true;
      if (p.batch < first.batch || p.kind === first.kind || first.kind === 'afterCommitLog') return false;
      return first.kind === 'beforeOffsetLog' || RERUN_KINDS.includes(p.kind);
    });
    scenarios.push({ points: [first, pick(reachable)], dataSeed: pick(dataSeeds) });
  }
  return scenarios;
}

const singlePoints = drawSinglePoints();
const doubleScenarios = drawDoubleScenarios();

function freshDirs(): { cp: string; out: string } {
  const base = join(work, `run-${++seq}`);
  const out = join(base, 'out');
  mkdirSync(out, { recursive: true });
  return { cp: join(base, 'checkpoint'), out };
}

/**
 * Kills the child at each point in turn (each must be reached: the child dies by SIGKILL), then
 * restarts it with no crash; returns the problems found (empty when exactly-once held).
 */
async function crashAndRecover(points: readonly Point[], dataSeed: number): Promise<string[]> {
  const { cp, out } = freshDirs();
  const label = `data seed ${dataSeed}, crash ${points.map(spec).join(' then ')}`;
  const exp = expected.get(dataSeed)!;
  const problems: string[] = [];
  // The batch the next run must start with (Spark's recovery): the logged, uncommitted batch L
  // again when the offset log is one ahead of the commit log, else the one after the last commit.
  let resume = 0;
  const checkResume = (r: ChildResult, run: string, whole: boolean) => {
    const got = sinkBatches(r);
    const want = BATCH_IDS.filter((id) => id >= resume).slice(0, whole ? undefined : got.length);
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${label}: ${run} handed the sink batches ${got.join(',') || 'none'}, expected ${want.join(',') || 'none'} (resume at batch ${resume})`);
  };
  for (const p of points) {
    const r = await runChild([cp, out, spec(p), String(dataSeed)]);
    if (r.signal !== 'SIGKILL') {
      problems.push(`${label}: the run with crash ${spec(p)} was not killed there (${describeExit(r)})`);
      return problems;
    }
    checkResume(r, `the run killed at ${spec(p)}`, false);
    resume = p.kind === 'afterCommitLog' ? p.batch + 1 : p.batch;
    // What a crash leaves behind is already final: a later run may only rewrite it identically.
    for (const [id, text] of readOut(out).files) {
      if (text !== exp.baseline.get(id)) problems.push(`${label}: after the crash at ${spec(p)}, batch file ${id}.json differs from the uninterrupted run's: ${text.trim()} vs ${exp.baseline.get(id)?.trim()}`);
    }
  }
  const r = await runChild([cp, out, 'none', String(dataSeed)]);
  if (r.code !== 0) {
    problems.push(`${label}: the restart failed (${describeExit(r)})`);
    return problems;
  }
  checkResume(r, 'the restart', true);
  const { files, other } = readOut(out);
  const ids = [...files.keys()].sort((a, b) => a - b);
  if (JSON.stringify(ids) !== JSON.stringify(BATCH_IDS)) problems.push(`${label}: batch files ${ids.join(',')}, expected ${BATCH_IDS.join(',')}`);
  if (other.length > 0) {
    const conflicts = other.filter((n) => n.startsWith('conflict-')).map((n) => readFileSync(join(out, n), 'utf8'));
    problems.push(`${label}: the sink left ${other.join(', ')}${conflicts.length ? ` (a batch id written twice with different content: ${conflicts.join(' ')})` : ''}`);
  }
  for (const id of ids) {
    if (files.get(id) !== exp.baseline.get(id)) problems.push(`${label}: batch ${id} is ${files.get(id)!.trim()}, the uninterrupted run's is ${exp.baseline.get(id)?.trim()}`);
  }
  const state = finalState(files);
  if (JSON.stringify(state) !== JSON.stringify(exp.reference)) problems.push(`${label}: final state ${JSON.stringify(state)} differs from the batch answer ${JSON.stringify(exp.reference)}`);
  rmSync(join(out, '..'), { recursive: true, force: true });
  return problems;
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/node/index.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` (npm test builds it) first.');
  work = mkdtempSync(join(tmpdir(), 'rivulet-crash-'));
  console.log(`crash-recovery: RIVULET_SEED=${SEED} (data seeds ${dataSeeds.join(', ')})`);
  await pool(dataSeeds, CONCURRENCY, async (dataSeed) => {
    const ref = await runChild(['-', '-', 'reference', String(dataSeed)]);
    if (ref.code !== 0) throw new Error(`reference run failed for data seed ${dataSeed}: ${describeExit(ref)}`);
    const { cp, out } = freshDirs();
    const run = await runChild([cp, out, 'none', String(dataSeed)]);
    if (run.code !== 0) throw new Error(`uninterrupted run failed for data seed ${dataSeed}: ${describeExit(run)}`);
    expected.set(dataSeed, { reference: JSON.parse(ref.stdout) as AggRow[], baseline: readOut(out).files });
  });
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('SIGKILL at seeded points of the micro-batch protocol, LevelDB checkpoint, restart', () => {
  it('the workload: the batch query agrees with a hand computation, the uninterrupted run matches it', () => {
    for (const dataSeed of dataSeeds) {
      const exp = expected.get(dataSeed)!;
      expect(exp.reference.length).toBeGreaterThan(10);
      expect(cents(exp.reference)).toEqual(cents(handAnswer(dataSeed)));
      expect([...exp.baseline.keys()].sort((a, b) => a - b)).toEqual(BATCH_IDS);
      // The last batch is the no-data batch: the watermark evicts windows, update mode emits nothing.
      expect(exp.baseline.get(6)).toBe('[]\n');
      expect(finalState(exp.baseline)).toEqual(exp.reference);
    }
  });

  it(`${SINGLE_POINTS} single crash points over every step (and mid-sink) of every batch`, async () => {
    for (const kind of KINDS) {
      const batches = new Set(singlePoints.filter((p) => p.point.kind === kind).map((p) => p.point.batch));
      expect(singlePoints.filter((p) => p.point.kind === kind).length).toBe(SINGLE_POINTS / KINDS.length);
      expect([...batches].sort((a, b) => a - b), kind).toEqual(BATCH_IDS);
    }
    const problems: string[] = [];
    await pool(singlePoints, CONCURRENCY, async ({ point, dataSeed }) => {
      problems.push(...(await crashAndRecover([point], dataSeed)));
    });
    expect(problems).toEqual([]);
  }, 300_000);

  it(`${DOUBLE_SCENARIOS} runs killed twice in a row at different points, then restarted`, async () => {
    const problems: string[] = [];
    await pool(doubleScenarios, CONCURRENCY, async ({ points, dataSeed }) => {
      problems.push(...(await crashAndRecover(points, dataSeed)));
    });
    expect(problems).toEqual([]);
  }, 180_000);
});
