// `npm start` (scripts/start.mjs on the built dist/): the seed pipeline over the local log
// server and a LevelDB checkpoint. A first run prints batches 0 and 1 (batch 0 reads the
// 2000-event backlog); a second run on the same folders resumes with the same query id at
// batch 2, repeating no batch; --fresh starts over at batch 0 with a new query id.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir = '';

beforeAll(async () => {
  if (!existsSync(`${root}dist/index.js`)) throw new Error('dist/ is missing: run `npm run build` first.');
  dir = await mkdtemp(join(tmpdir(), 'rivulet-start-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  queryId: string;
  batches: number[];
  progress: { batch: number; inputRows: number }[];
}

async function start(...extra: string[]): Promise<Run> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['scripts/start.mjs', '--batches', '2', '--trigger', '500 milliseconds', '--checkpoint', join(dir, 'cp'), '--log', join(dir, 'log'), ...extra],
    { cwd: root, timeout: 60_000 },
  );
  const queryId = /query ([0-9a-f-]{36})/.exec(stdout)?.[1] ?? '';
  const batches = [...stdout.matchAll(/^Batch: (\d+)$/gm)].map((m) => Number(m[1]));
  const progress = [...stdout.matchAll(/^\[progress\] batch=(\d+) inputRows=(\d+)/gm)].map((m) => ({ batch: Number(m[1]), inputRows: Number(m[2]) }));
  expect(stdout).toContain('Stopped after 2 batches.');
  return { queryId, batches, progress };
}

describe('npm start', () => {
  it('runs the seed pipeline over the log server, resumes on its checkpoint, and --fresh starts over', async () => {
    const first = await start('--fresh');
    expect(first.queryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.batches).toEqual([0, 1]);
    expect(first.progress.map((p) => p.batch)).toEqual([0, 1]);
    expect(first.progress[0]!.inputRows).toBeGreaterThanOrEqual(2000);

    const second = await start();
    expect(second.queryId).toBe(first.queryId);
    expect(second.batches).toEqual([2, 3]);

    const fresh = await start('--fresh');
    expect(fresh.queryId).not.toBe(first.queryId);
    expect(fresh.batches).toEqual([0, 1]);
  });
});
