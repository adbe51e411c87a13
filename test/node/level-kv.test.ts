// The LevelDB backend (Node only): the shared conformance suite in a temporary directory, plus
// what only a directory-backed store has (parent creation, the lock, destroy).
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RivuletError } from '../../src/errors.js';
import { destroyLevelKV, openLevelKV } from '../../src/node/level-kv.js';
import { kvConformance } from '../storage/kv-conformance.js';

const root = await mkdtemp(join(tmpdir(), 'rivulet-level-kv-'));
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

kvConformance('LevelDB (level)', (location) => openLevelKV(join(root, location)), { persistent: true });
kvConformance('LevelDB (level), strict durability', (location) => openLevelKV(join(root, 'strict', location), { durability: 'strict' }), {
  persistent: true,
});

describe('openLevelKV', () => {
  it('creates missing parent directories', async () => {
    const path = join(root, 'a', 'b', 'c', 'checkpoint');
    const kv = await openLevelKV(path);
    await kv.batch([{ type: 'put', key: 'k', value: 'v' }]);
    await kv.close();
    expect((await stat(path)).isDirectory()).toBe(true);
  });

  it('a second open of a directory in use is STORAGE_UNAVAILABLE naming the path; it opens once closed', async () => {
    const path = join(root, 'locked');
    const first = await openLevelKV(path);
    const error = await openLevelKV(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RivuletError);
    expect((error as RivuletError).errorClass).toBe('STORAGE_UNAVAILABLE');
    expect((error as RivuletError).message).toContain(`The LevelDB checkpoint location '${path}' could not be opened`);
    await first.close();
    const second = await openLevelKV(path);
    await second.close();
  });

  it('destroyLevelKV removes the directory, and tolerates one that does not exist', async () => {
    const path = join(root, 'doomed');
    const kv = await openLevelKV(path);
    await kv.batch([{ type: 'put', key: 'k', value: 'v' }]);
    await kv.close();
    expect((await readdir(root)).includes('doomed')).toBe(true);
    await destroyLevelKV(path);
    expect((await readdir(root)).includes('doomed')).toBe(false);
    await destroyLevelKV(path);
    const reopened = await openLevelKV(path);
    expect(await reopened.get('k')).toBeUndefined();
    await reopened.close();
  });
});
