// The memory backend: the shared conformance suite, plus the process-global registry that lets
// `memory://name` checkpoints survive a query's stop() and restart. Runs in Node and Chromium.
import { afterAll, describe, expect, it } from 'vitest';
import { deleteMemoryKV, MEMORY_KV_CAPABILITIES, memoryKV } from '../../src/storage/memory-kv.js';
import { kvConformance } from './kv-conformance.js';

const names = new Set<string>();
afterAll(() => {
  for (const name of names) deleteMemoryKV(name);
});

kvConformance('memory (named)', async (location) => memoryKV((names.add(location), location)), MEMORY_KV_CAPABILITIES);
kvConformance('memory (anonymous)', async () => memoryKV(), MEMORY_KV_CAPABILITIES);

describe('memoryKV registry', () => {
  it('capabilities say the data does not outlive the process', () => {
    expect(MEMORY_KV_CAPABILITIES).toEqual({ persistent: false });
  });

  it('returns the same store for a name, which keeps its data across close()', async () => {
    const name = `registry-${Math.random().toString(36).slice(2)}`;
    const first = memoryKV(name);
    await first.batch([{ type: 'put', key: 'offsets/000000000000', value: 'o0' }]);
    await first.close();
    const again = memoryKV(name);
    expect(again).toBe(first);
    expect(await again.get('offsets/000000000000')).toBe('o0');
    expect(deleteMemoryKV(name)).toBe(true);
    expect(deleteMemoryKV(name)).toBe(false);
    const fresh = memoryKV(name);
    expect(fresh).not.toBe(first);
    expect(await fresh.get('offsets/000000000000')).toBeUndefined();
    deleteMemoryKV(name);
  });

  it('anonymous stores are independent', async () => {
    const a = memoryKV();
    const b = memoryKV();
    await a.batch([{ type: 'put', key: 'k', value: 'a' }]);
    expect(a).not.toBe(b);
    expect(await b.get('k')).toBeUndefined();
  });

  it('names an invalid operation and the store in the error', async () => {
    const name = `errors-${Math.random().toString(36).slice(2)}`;
    const kv = memoryKV(name);
    await expect(kv.batch([{ type: 'put', key: 'k', value: 1 as unknown as string }])).rejects.toThrow(
      `[STORAGE_INVALID_OPERATION] Operation 0 of a batch for the store 'memory://${name}' puts a number value for the key 'k', expected a string; nothing was written.`,
    );
    deleteMemoryKV(name);
  });
});
