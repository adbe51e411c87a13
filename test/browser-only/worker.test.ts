// A module Worker driven through comlink in Chromium: how queries are moved off the main thread.
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import type { EchoWorkerApi } from './fixtures/echo-worker.js';

describe('module Worker + comlink in Chromium', () => {
  let worker: Worker | undefined;

  afterEach(() => {
    worker?.terminate();
  });

  it('calls into the worker and gets results and errors back', async () => {
    worker = new Worker(new URL('./fixtures/echo-worker.ts', import.meta.url), { type: 'module' });
    const remote = Comlink.wrap<EchoWorkerApi>(worker);

    expect(await remote.sum([1, 2, 3.5])).toBe(6.5);
    await expect(remote.fail('boom')).rejects.toThrow('boom');
  });
});
