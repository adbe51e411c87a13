// Node-only pieces of the toolchain (the node project runs this; the browser project skips
// test/smoke/node*): level's prebuilt native binding, and comlink over worker_threads.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { Level } from 'level';
import { afterEach, describe, expect, it } from 'vitest';

describe('Node runtime', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('opens a LevelDB store and reads back a batch in key order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rivulet-level-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const db = new Level<string, string>(join(dir, 'db'));
    cleanups.push(() => db.close());

    await db.batch([
      { type: 'put', key: 'op0/p1', value: 'b' },
      { type: 'put', key: 'op0/p0', value: 'a' },
      { type: 'put', key: 'op1/p0', value: 'c' },
    ]);
    expect(await db.get('op0/p0')).toBe('a');
    expect(await db.get('missing')).toBeUndefined();
    expect(await db.keys({ gte: 'op0/', lt: 'op0/\uffff' }).all()).toEqual(['op0/p0', 'op0/p1']);
  });

  it('calls a worker_threads worker through comlink', async () => {
    const worker = new Worker(new URL('./fixtures/node-echo-worker.mjs', import.meta.url));
    cleanups.push(() => worker.terminate());
    const remote = Comlink.wrap<{ sum(values: number[]): number }>(nodeEndpoint(worker));

    expect(await remote.sum([1, 2, 3.5])).toBe(6.5);
    remote[Comlink.releaseProxy]();
  });
});
