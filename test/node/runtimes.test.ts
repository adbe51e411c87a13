// The core runs unchanged in Bun, Deno and workerd: the same program over the BUILT core (dist/, from
// `npm run build`), test/runtimes/fixtures/smoke-program.mjs — a batch query, then a stateful
// streaming query (watermark, window count, append mode, memory sink, memory:// checkpoint) over three
// micro-batches, stop, restart on the same checkpoint, one more batch — must give exactly the rows
// below, byte for byte the same JSON as under Node. The runtimes are pinned devDependencies (bun,
// deno, miniflare → workerd): a missing or broken binary fails here, nothing is skipped.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';
import { build } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import { workerBundle } from '../runtimes/vite.worker.config.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const program = `${root}test/runtimes/fixtures/stream-smoke.mjs`;
const devDependencies = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { devDependencies: Record<string, string> })
  .devDependencies;

interface SmokeOutput {
  runtime: string;
  version: string | null;
  results: unknown;
}

const progress = (batchId: number, numInputRows: number, watermarkSec: number, stateRows: number, droppedByWatermark = 0) => ({
  batchId,
  numInputRows,
  watermark: new Date(watermarkSec * 1000).toISOString(),
  stateRows,
  droppedByWatermark,
});

// Spark's answers (append mode emits a window once the watermark passes its end; rows below the
// watermark are dropped only when their window has closed; no-data batches run when it advances).
const EXPECTED = {
  batch: [
    { user: 'ann', n: 2, total: 42.5, mean: 21.25, last: '2026-01-01T10:07:00.000Z' },
    { user: 'bob', n: 1, total: 3, mean: 3, last: '2026-01-01T10:12:00.000Z' },
    { user: 'cat', n: 1, total: 7.25, mean: 7.25, last: '2026-01-01T10:09:00.000Z' },
  ],
  streaming: {
    afterBatch: [
      [],
      [],
      [
        { start: 0, end: 10, word: 'a', count: 4 },
        { start: 0, end: 10, word: 'b', count: 1 },
        { start: 10, end: 20, word: 'a', count: 1 },
        { start: 10, end: 20, word: 'b', count: 1 },
      ],
    ],
    // The memory sink starts empty on restart (as Spark's); [30,40) counts 31 s from before it.
    afterRestart: [
      { start: 20, end: 30, word: 'a', count: 1 },
      { start: 30, end: 40, word: 'a', count: 2 },
    ],
    sameQueryId: true,
    newRunId: true,
    firstRunProgress: [progress(0, 3, 0, 2), progress(1, 3, 0, 4), progress(2, 0, 5, 4), progress(3, 2, 5, 5), progress(4, 0, 21, 1)],
    secondRunProgress: [progress(5, 4, 21, 3, 1), progress(6, 0, 42, 1)],
    stoppedCleanly: true,
  },
};

/** Runs the program in a child process; its stdout must be exactly one JSON line. */
async function runProgram(file: string, args: string[], env: Record<string, string> = {}): Promise<SmokeOutput> {
  if (!existsSync(file)) throw new Error(`${file} is missing: \`npm ci\` installs the runtimes (pinned devDependencies).`);
  const { stdout } = await run(file, args, { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 20_000 });
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  expect(lines, `stdout of ${file} ${args.join(' ')}`).toHaveLength(1);
  return JSON.parse(lines[0]!) as SmokeOutput;
}

let nodeOutput: Promise<SmokeOutput> | undefined;
const underNode = () => (nodeOutput ??= runProgram(process.execPath, [program]));

/** Exactly Node's JSON, and exactly the expected rows. */
async function expectSameAsNode(out: SmokeOutput, runtime: string) {
  expect(out.runtime).toBe(runtime);
  expect(out.results).toEqual(EXPECTED);
  expect(JSON.stringify(out.results)).toBe(JSON.stringify((await underNode()).results));
}

beforeAll(() => {
  if (!existsSync(`${root}dist/index.js`)) throw new Error('dist/ is missing: run `npm run build` first.');
});

describe('the built core in every runtime', () => {
  it('node: the reference run gives the expected rows', async () => {
    const out = await underNode();
    expect(out.runtime).toBe('node');
    expect(out.version).toBe(process.versions.node);
    expect(out.results).toEqual(EXPECTED);
  });

  it(`bun ${devDependencies['bun']}: the same JSON as Node`, async () => {
    const out = await runProgram(`${root}node_modules/.bin/bun`, ['--no-install', program]);
    expect(out.version).toBe(devDependencies['bun']);
    await expectSameAsNode(out, 'bun');
  });

  it(`deno ${devDependencies['deno']} (no permissions): the same JSON as Node`, async () => {
    // No --allow-* flag: the core reads no file, env variable or network; imports need none.
    const out = await runProgram(`${root}node_modules/.bin/deno`, ['run', '--no-prompt', '--no-lock', program], {
      DENO_DIR: `${root}.deno`,
      DENO_NO_UPDATE_CHECK: '1',
    });
    expect(out.version).toBe(devDependencies['deno']);
    await expectSameAsNode(out, 'deno');
  });

  it(`workerd (miniflare ${devDependencies['miniflare']}), one vite-bundled module worker: the same JSON as Node`, async () => {
    await build({ configFile: `${root}test/runtimes/vite.worker.config.ts`, logLevel: 'warn' });
    const mf = new Miniflare({
      rootPath: root,
      scriptPath: workerBundle,
      modules: true,
      compatibilityDate: '2026-04-26',
    });
    try {
      const res = await mf.dispatchFetch('http://localhost/');
      const body = await res.text();
      expect(res.status, body).toBe(200);
      await expectSameAsNode(JSON.parse(body) as SmokeOutput, 'workerd');
    } finally {
      await mf.dispose();
    }
  });
});
