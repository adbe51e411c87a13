// Without IndexedDB (plain Node, no fake), the module still imports, and opening names the option.
import { describe, expect, it } from 'vitest';
import { RivuletError } from '../../src/errors.js';
import { deleteIdbKV, openIdbKV } from '../../src/storage/idb-kv.js';

describe('openIdbKV without indexedDB', () => {
  it('is STORAGE_UNAVAILABLE naming the idb:// location', async () => {
    expect((globalThis as { indexedDB?: unknown }).indexedDB).toBeUndefined();
    const error = await openIdbKV('checkpoints').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RivuletError);
    expect((error as RivuletError).errorClass).toBe('STORAGE_UNAVAILABLE');
    expect((error as RivuletError).message).toBe(
      "[STORAGE_UNAVAILABLE] IndexedDB is not available in this runtime, so the checkpoint location 'idb://checkpoints' cannot be opened: " +
        "use a 'memory://' location here, or a LevelDB directory path under Node (rivulet/node).",
    );
    await expect(deleteIdbKV('checkpoints')).rejects.toThrow('[STORAGE_UNAVAILABLE]');
  });
});
