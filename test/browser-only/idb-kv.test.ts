// The IndexedDB backend in real Chromium: the shared conformance suite, one database per test.
import { afterAll, describe, expect, it } from 'vitest';
import { deleteIdbKV, openIdbKV } from '../../src/storage/idb-kv.js';
import { kvConformance } from '../storage/kv-conformance.js';

const prefix = `rivulet-kv-${crypto.randomUUID()}`;
const databases = new Set<string>();
const track = (name: string): string => {
  const database = `${prefix}-${name}`;
  databases.add(database);
  return database;
};
afterAll(async () => {
  for (const database of databases) await deleteIdbKV(database);
});

kvConformance('IndexedDB (Chromium)', (location) => openIdbKV(track(location)), { persistent: true });
kvConformance('IndexedDB (Chromium), strict durability', (location) => openIdbKV(track(`strict-${location}`), 'kv', { durability: 'strict' }), {
  persistent: true,
});

describe('openIdbKV in Chromium', () => {
  it('adds a second object store to an existing database, keeping both apart', async () => {
    const database = track('two-stores');
    const state = await openIdbKV(database, 'state');
    await state.batch([{ type: 'put', key: 'k', value: 'state' }]);
    await state.close();
    const logs = await openIdbKV(database, 'logs');
    await logs.batch([{ type: 'put', key: 'k', value: 'logs' }]);
    await logs.close();
    const [s, l] = [await openIdbKV(database, 'state'), await openIdbKV(database, 'logs')];
    expect([await s.get('k'), await l.get('k')]).toEqual(['state', 'logs']);
    expect(Array.from((await indexedDB.databases()).filter((d) => d.name === database), (d) => d.version)).toEqual([2]);
    await s.close();
    await l.close();
  });
});
