// start({ worker: true }) under plain Node with the BUILT package: rivulet/node registers
// worker_threads (Node 20 workers cannot load the .ts sources, so this runs dist/). The fixture
// prints what it observed; the assertions are exact.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

beforeAll(() => {
  if (!existsSync(`${root}dist/node/worker-entry.js`)) throw new Error('dist/ is missing: run `npm run build` first.');
});

describe('queries in a Node worker_thread (dist)', () => {
  it('runs the query in a worker with the sink on the main thread, resumes on level://, fails cleanly', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [fileURLToPath(new URL('./fixtures/worker-query.mjs', import.meta.url))], { cwd: root, timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
      memory: {
        batches: [
          { id: 0, mainThread: true, rows: [{ k: 'a', s: 1 }, { k: 'b', s: 2 }] },
          { id: 1, mainThread: true, rows: [{ k: 'a', s: 6 }] },
        ],
        progress: [
          [0, 2],
          [1, 1],
        ],
        active: false,
      },
      level: {
        ids: [0, 1],
        rows: [
          ['x', 1],
          ['y', 1],
          ['x', 2],
        ],
      },
      activeAfterStop: 0,
      failure: { err: 'STREAM_FAILED', exception: 'STREAM_FAILED', active: false, message: true },
    });
  });
});
