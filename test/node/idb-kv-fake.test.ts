// The IndexedDB backend under Node, against fake-indexeddb, so CI's node project exercises the
// same code Chromium runs (test/browser-only/idb-kv.test.ts runs it against the real thing).
import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteIdbKV, openIdbKV } from '../../src/storage/idb-kv.js';
import { kvConformance } from '../storage/kv-conformance.js';

const databases = new Set<string>();
afterAll(async () => {
  for (const name of databases) await deleteIdbKV(name);
});
const track = (name: string): string => (databases.add(name), name);

kvConformance('IndexedDB (fake-indexeddb)', (location) => openIdbKV(track(location)), { persistent: true });
kvConformance('IndexedDB (fake-indexeddb), strict durability', (location) => openIdbKV(track(`strict-${location}`), 'kv', { durability: 'strict' }), {
  persistent: true,
});

describe('openIdbKV', () => {
  it('adds a second object store to an existing database, keeping both apart', async () => {
    const name = track(`two-stores-${Math.random().toString(36).slice(2)}`);
    const state = await openIdbKV(name, 'state');
    await state.batch([{ type: 'put', key: 'k', value: 'state' }]);
    await state.close();
    const logs = await openIdbKV(name, 'logs');
    await logs.batch([{ type: 'put', key: 'k', value: 'logs' }]);
    await logs.close();
    const [s, l] = [await openIdbKV(name, 'state'), await openIdbKV(name, 'logs')];
    expect([await s.get('k'), await l.get('k')]).toEqual(['state', 'logs']);
    await s.close();
    await l.close();
  });
});
