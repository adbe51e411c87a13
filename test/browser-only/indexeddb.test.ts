// IndexedDB through idb in real Chromium: the storage the browser checkpoint backend builds on.
import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';

const dbName = `rivulet-smoke-${crypto.randomUUID()}`;

describe('IndexedDB (idb) in Chromium', () => {
  afterEach(async () => {
    await deleteDB(dbName);
  });

  it('round-trips keys and structured values in one transaction', async () => {
    const db = await openDB(dbName, 1, {
      upgrade(d) {
        d.createObjectStore('kv');
      },
    });
    // Relaxed durability is what the state store uses: commit without waiting for an fsync.
    const tx = db.transaction('kv', 'readwrite', { durability: 'relaxed' });
    await Promise.all([
      tx.store.put({ start: new Date(0), values: [1, null, 'x'] }, 'op0/p0/a'),
      tx.store.put(new Map([['k', 2]]), 'op0/p0/b'),
      tx.store.put(3, 'op1/p0/a'),
      tx.done,
    ]);

    expect(await db.get('kv', 'op0/p0/a')).toEqual({ start: new Date(0), values: [1, null, 'x'] });
    expect(await db.get('kv', 'op0/p0/b')).toEqual(new Map([['k', 2]]));
    expect(await db.get('kv', 'missing')).toBeUndefined();
    expect(await db.getAllKeys('kv', IDBKeyRange.bound('op0/', 'op0/\uffff'))).toEqual(['op0/p0/a', 'op0/p0/b']);
    db.close();
  });
});
