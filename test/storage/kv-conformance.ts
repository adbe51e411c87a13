/**
 * The one conformance suite every KV backend runs (abstract-level's habit): a backend test calls
 * `kvConformance(name, open, caps)`. `open(location)` must return a store for `location`,
 * creating it when new; the suite hands out a fresh, unique location per test and closes what it
 * opened. Plain vitest, no Node built-ins: it runs in Chromium too.
 *
 * Rejected batches: every backend validates all operations before writing any (memory applies a
 * batch synchronously after that; IndexedDB runs it in one transaction that any failing request
 * aborts; LevelDB writes one WriteBatch), so an invalid batch writes nothing on all of them.
 * Scans: a scan of up to 512 entries is one consistent read on every backend (LevelDB: the whole
 * scan); longer scans resume after the last key yielded, never repeating or skipping a key that
 * exists throughout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RivuletError } from '../../src/errors.js';
import { prefixRange, type KVCapabilities, type KVOperation, type KVRange, type KVStore } from '../../src/storage/kv.js';

type Entry = readonly [string, string];

async function collect(store: KVStore, range?: KVRange): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const [k, v] of store.entries(range)) out.push([k, v]);
  return out;
}

const puts = (entries: Record<string, string>): KVOperation[] => Object.entries(entries).map(([key, value]) => ({ type: 'put', key, value }));

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deterministic PRNG (mulberry32), so a failing sequence replays identically. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const pad = (n: number): string => String(n).padStart(12, '0');

export function kvConformance(name: string, open: (location: string) => Promise<KVStore>, caps: KVCapabilities): void {
  describe(`KVStore conformance: ${name}`, () => {
    const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    let seq = 0;
    const opened: KVStore[] = [];
    const location = (): string => `kv-${run}-${seq++}`;
    const fresh = async (at: string = location()): Promise<KVStore> => {
      const store = await open(at);
      opened.push(store);
      return store;
    };

    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    describe('point reads and writes', () => {
      it('get of a missing key is undefined, in an empty store and a non-empty one', async () => {
        const kv = await fresh();
        expect(await kv.get('missing')).toBeUndefined();
        await kv.batch(puts({ a: '1' }));
        expect(await kv.get('missing')).toBeUndefined();
        expect(await kv.get('a/')).toBeUndefined();
      });

      it('put then get round-trips, including the empty key and the empty value', async () => {
        const kv = await fresh();
        await kv.batch(puts({ 'offsets/000000000000': '{"v":1}', '': 'empty key', e: '' }));
        expect(await kv.get('offsets/000000000000')).toBe('{"v":1}');
        expect(await kv.get('')).toBe('empty key');
        expect(await kv.get('e')).toBe('');
      });

      it('a later put overwrites', async () => {
        const kv = await fresh();
        await kv.batch(puts({ k: 'first' }));
        await kv.batch(puts({ k: 'second' }));
        expect(await kv.get('k')).toBe('second');
        expect(await collect(kv)).toEqual([['k', 'second']]);
      });

      it('del removes a key; deleting a missing key is a no-op', async () => {
        const kv = await fresh();
        await kv.batch(puts({ a: '1', b: '2' }));
        await kv.batch([{ type: 'del', key: 'a' }]);
        await kv.batch([{ type: 'del', key: 'never-written' }]);
        expect(await kv.get('a')).toBeUndefined();
        expect(await kv.get('b')).toBe('2');
        expect(await collect(kv)).toEqual([['b', '2']]);
      });

      it('a per-batch durability option is accepted and changes nothing that can be read back', async () => {
        const kv = await fresh();
        await kv.batch(puts({ a: '1' }), { durability: 'strict' });
        await kv.batch([{ type: 'put', key: 'b', value: '2' }, { type: 'del', key: 'a' }], { durability: 'relaxed' });
        expect(await collect(kv)).toEqual([['b', '2']]);
      });

      it('an empty batch writes nothing and resolves', async () => {
        const kv = await fresh();
        await kv.batch([]);
        expect(await collect(kv)).toEqual([]);
      });
    });

    describe('batches', () => {
      it('applies puts and dels of one batch together', async () => {
        const kv = await fresh();
        await kv.batch(puts({ 'state/0/1': 'old', 'state/0/2': 'gone', keep: 'k' }));
        await kv.batch([
          { type: 'put', key: 'state/0/1', value: 'new' },
          { type: 'del', key: 'state/0/2' },
          { type: 'put', key: 'state/0/3', value: 'added' },
          { type: 'put', key: 'commits/000000000001', value: 'c1' },
        ]);
        expect(await collect(kv)).toEqual([
          ['commits/000000000001', 'c1'],
          ['keep', 'k'],
          ['state/0/1', 'new'],
          ['state/0/3', 'added'],
        ]);
      });

      it('within a batch, the last operation on a key wins', async () => {
        const kv = await fresh();
        await kv.batch(puts({ existing: 'x' }));
        await kv.batch([
          { type: 'put', key: 'a', value: '1' },
          { type: 'put', key: 'a', value: '2' },
          { type: 'put', key: 'b', value: '1' },
          { type: 'del', key: 'b' },
          { type: 'del', key: 'existing' },
          { type: 'put', key: 'existing', value: 'y' },
          { type: 'put', key: 'c', value: '1' },
          { type: 'del', key: 'c' },
          { type: 'put', key: 'c', value: '3' },
        ]);
        expect(await collect(kv)).toEqual([
          ['a', '2'],
          ['c', '3'],
          ['existing', 'y'],
        ]);
      });

      const invalid: [string, unknown][] = [
        ['an unknown type', { type: 'frob', key: 'z' }],
        ['a number value', { type: 'put', key: 'z', value: 42 }],
        ['an undefined value', { type: 'put', key: 'z' }],
        ['a null value', { type: 'put', key: 'z', value: null }],
        ['a non-string key', { type: 'put', key: 7, value: 'v' }],
        ['a del without a key', { type: 'del' }],
        ['null', null],
      ];
      it.each(invalid)('a batch with %s is rejected with STORAGE_INVALID_OPERATION and writes nothing', async (_what, bad) => {
        const kv = await fresh();
        await kv.batch(puts({ a: 'before', b: 'kept' }));
        const ops = [{ type: 'put', key: 'a', value: 'after' }, { type: 'del', key: 'b' }, { type: 'put', key: 'new', value: 'n' }, bad, { type: 'put', key: 'late', value: 'l' }];
        const error = await kv.batch(ops as KVOperation[]).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(RivuletError);
        expect((error as RivuletError).errorClass).toBe('STORAGE_INVALID_OPERATION');
        expect((error as RivuletError).message).toContain('Operation 3 ');
        expect(await collect(kv)).toEqual([
          ['a', 'before'],
          ['b', 'kept'],
        ]);
      });

      it('concurrent batches never interleave: every key ends with the value of one batch', async () => {
        const kv = await fresh();
        const keys = Array.from({ length: 200 }, (_, i) => `state/1/${pad(i)}`);
        await kv.batch(keys.map((key) => ({ type: 'put', key, value: 'initial' })));
        const write = (value: string, order: readonly string[]): Promise<void> => kv.batch(order.map((key) => ({ type: 'put', key, value })));
        // Started without awaiting in between; the reader overlaps both.
        const a = write('a', keys);
        const read = collect(kv, prefixRange('state/1/'));
        const b = write('b', [...keys].reverse());
        await Promise.all([a, b]);
        const final = new Set((await collect(kv, prefixRange('state/1/'))).map(([, v]) => v));
        expect(final.size).toBe(1);
        expect(['a', 'b']).toContain([...final][0]);
        const seen = await read;
        expect(seen.map(([k]) => k)).toEqual(keys);
        expect(new Set(seen.map(([, v]) => v)).size).toBe(1);
      });
    });

    describe('ordering and ranges', () => {
      const keys = [
        'commits/000000000001',
        'offsets',
        'offsets/',
        'offsets/000000000009',
        'offsets/000000000010',
        'offsets/000000000011',
        'offsets0',
        'offsetsX',
        'Offsets/000000000001',
        'state/0/0/000000000002.changelog',
        'state/0/0/000000000002.snapshot',
        'a',
        'a/',
        'ab',
        'é',
        '中',
        '\uffee',
      ];
      const sorted = [...keys].sort(byCodeUnits);
      const seeded = async (): Promise<KVStore> => {
        const kv = await fresh();
        // Several small batches in a scrambled order, so order comes from the store, not from insertion.
        const order = shuffled(keys, prng(7));
        for (let i = 0; i < order.length; i += 3) await kv.batch(order.slice(i, i + 3).map((key) => ({ type: 'put', key, value: `v:${key}` })));
        return kv;
      };
      const withValues = (ks: readonly string[]): Entry[] => ks.map((k) => [k, `v:${k}`]);

      it('iterates every key in UTF-16 code unit order', async () => {
        const kv = await seeded();
        expect(sorted).toEqual([
          'Offsets/000000000001',
          'a',
          'a/',
          'ab',
          'commits/000000000001',
          'offsets',
          'offsets/',
          'offsets/000000000009',
          'offsets/000000000010',
          'offsets/000000000011',
          'offsets0',
          'offsetsX',
          'state/0/0/000000000002.changelog',
          'state/0/0/000000000002.snapshot',
          'é',
          '中',
          '\uffee',
        ]);
        expect(await collect(kv)).toEqual(withValues(sorted));
        expect(await collect(kv, { reverse: true })).toEqual(withValues([...sorted].reverse()));
      });

      it('prefixRange selects exactly the keys under a prefix, zero-padded batch ids in numeric order', async () => {
        const kv = await seeded();
        expect(await collect(kv, prefixRange('offsets/'))).toEqual(
          withValues(['offsets/', 'offsets/000000000009', 'offsets/000000000010', 'offsets/000000000011']),
        );
        expect(await collect(kv, prefixRange('state/0/0/'))).toEqual(
          withValues(['state/0/0/000000000002.changelog', 'state/0/0/000000000002.snapshot']),
        );
        expect(await collect(kv, prefixRange('a'))).toEqual(withValues(['a', 'a/', 'ab']));
        expect(await collect(kv, prefixRange('sinks/'))).toEqual([]);
      });

      it('reverse with limit 1 finds the latest entry under a prefix', async () => {
        const kv = await seeded();
        expect(await collect(kv, prefixRange('offsets/', { reverse: true, limit: 1 }))).toEqual(withValues(['offsets/000000000011']));
        expect(await collect(kv, prefixRange('offsets/', { reverse: true, limit: 2 }))).toEqual(
          withValues(['offsets/000000000011', 'offsets/000000000010']),
        );
        expect(await collect(kv, prefixRange('commits/', { reverse: true, limit: 1 }))).toEqual(withValues(['commits/000000000001']));
      });

      it('limit caps forward and reverse scans; 0 gives nothing, a large limit everything', async () => {
        const kv = await seeded();
        expect(await collect(kv, { limit: 3 })).toEqual(withValues(sorted.slice(0, 3)));
        expect(await collect(kv, { limit: 3, reverse: true })).toEqual(withValues(sorted.slice(-3).reverse()));
        expect(await collect(kv, { limit: 0 })).toEqual([]);
        expect(await collect(kv, prefixRange('offsets/', { limit: 0, reverse: true }))).toEqual([]);
        expect(await collect(kv, { limit: 1000 })).toEqual(withValues(sorted));
      });

      it('gte is inclusive, lt exclusive, each usable alone', async () => {
        const kv = await seeded();
        expect(await collect(kv, { gte: 'offsets/000000000010', lt: 'offsets0' })).toEqual(
          withValues(['offsets/000000000010', 'offsets/000000000011']),
        );
        expect(await collect(kv, { gte: 'offsets/000000000010', lt: 'offsets0', reverse: true })).toEqual(
          withValues(['offsets/000000000011', 'offsets/000000000010']),
        );
        expect(await collect(kv, { gte: 'state/' })).toEqual(withValues(sorted.slice(sorted.indexOf('state/0/0/000000000002.changelog'))));
        expect(await collect(kv, { lt: 'a/' })).toEqual(withValues(['Offsets/000000000001', 'a']));
        expect(await collect(kv, { lt: 'a/', reverse: true, limit: 1 })).toEqual(withValues(['a']));
        // Bounds between keys.
        expect(await collect(kv, { gte: 'offsets/00000000001', lt: 'offsets/000000000011' })).toEqual(withValues(['offsets/000000000010']));
      });

      it('empty ranges give no entries: gte == lt, gte > lt, a gap between keys, an empty store', async () => {
        const kv = await seeded();
        expect(await collect(kv, { gte: 'offsets/', lt: 'offsets/' })).toEqual([]);
        expect(await collect(kv, { gte: 'offsets/', lt: 'offsets/', reverse: true })).toEqual([]);
        expect(await collect(kv, { gte: 'z', lt: 'a' })).toEqual([]);
        expect(await collect(kv, { gte: 'z', lt: 'a', reverse: true, limit: 5 })).toEqual([]);
        expect(await collect(kv, { gte: 'b', lt: 'c' })).toEqual([]);
        expect(await collect(kv, { gte: '\uffef' })).toEqual([]);
        expect(await collect(kv, { lt: 'Offsets/' })).toEqual([]);
        const empty = await fresh();
        expect(await collect(empty)).toEqual([]);
        expect(await collect(empty, { reverse: true, limit: 1 })).toEqual([]);
        expect(await collect(empty, prefixRange('offsets/'))).toEqual([]);
      });

      it('stopping a scan early is clean, and the store stays usable', async () => {
        const kv = await seeded();
        const firstTwo: string[] = [];
        for await (const [k] of kv.entries()) {
          firstTwo.push(k);
          if (firstTwo.length === 2) break;
        }
        expect(firstTwo).toEqual(sorted.slice(0, 2));
        await kv.batch(puts({ '\uffef': 'last' }));
        expect(await collect(kv, { reverse: true, limit: 1 })).toEqual([['\uffef', 'last']]);
      });
    });

    describe('values', () => {
      it('stores any well-formed Unicode text exactly', async () => {
        const kv = await fresh();
        const values: Record<string, string> = {
          astral: '😀 𝄞 🏳️‍🌈',
          combining: 'e\u0301 ñ Å',
          cjk: '流処理 스트림',
          controls: 'nul:\u0000 tab:\t newline:\n cr:\r',
          rtl: 'مرحبا שלום',
          bom: '\ufeffbom',
          json: JSON.stringify({ key: 'ünï "quoted" \\ back', n: -0.5, nested: [null, true, '\u2028'] }),
        };
        await kv.batch(puts(values));
        for (const [k, v] of Object.entries(values)) expect(await kv.get(k)).toBe(v);
        expect(await collect(kv)).toEqual(Object.entries(values).sort(([a], [b]) => byCodeUnits(a, b)));
      });

      it('stores a 1 MB JSON value and reads it back intact by get and by scan', async () => {
        const kv = await fresh();
        const rows = Array.from({ length: 16_000 }, (_, i) => ({ id: i, name: `row-${i}-ünïcødé-😀`, values: [i, i / 4, null] }));
        const value = JSON.stringify({ v: 1, rows });
        expect(value.length).toBeGreaterThan(1_000_000);
        await kv.batch([
          { type: 'put', key: 'state/0/0/000000000010.snapshot', value },
          { type: 'put', key: 'state/0/0/000000000011.changelog', value: '{}' },
        ]);
        expect(await kv.get('state/0/0/000000000010.snapshot')).toBe(value);
        const [latestSnapshot] = await collect(kv, { gte: 'state/0/0/', lt: 'state/0/0/000000000010.snapshot\u0000', reverse: true, limit: 1 });
        expect(latestSnapshot?.[0]).toBe('state/0/0/000000000010.snapshot');
        expect(JSON.parse(latestSnapshot?.[1] ?? 'null')).toEqual({ v: 1, rows });
      });
    });

    describe('many keys', () => {
      it('10k keys written in a scrambled order iterate in order, forward, reverse and by range', async () => {
        const kv = await fresh();
        const keys = Array.from({ length: 10_000 }, (_, i) => `offsets/${pad(i)}`);
        await kv.batch(shuffled(keys, prng(1)).map((key) => ({ type: 'put', key, value: key.slice(8) })));
        const all = await collect(kv);
        expect(all.length).toBe(10_000);
        expect(all.map(([k]) => k)).toEqual(keys);
        expect(all.every(([k, v]) => v === k.slice(8))).toBe(true);
        expect((await collect(kv, { reverse: true })).map(([k]) => k)).toEqual([...keys].reverse());
        // A range spanning several scan chunks, both directions, with a limit that ends mid-chunk.
        const mid = { gte: `offsets/${pad(1234)}`, lt: `offsets/${pad(4321)}` };
        expect((await collect(kv, mid)).map(([k]) => k)).toEqual(keys.slice(1234, 4321));
        expect((await collect(kv, { ...mid, reverse: true, limit: 1500 })).map(([k]) => k)).toEqual(keys.slice(4321 - 1500, 4321).reverse());
        expect((await collect(kv, { ...mid, limit: 1025 })).map(([k]) => k)).toEqual(keys.slice(1234, 1234 + 1025));
        // Deleting every other key in one batch.
        await kv.batch(keys.filter((_, i) => i % 2 === 1).map((key) => ({ type: 'del', key })));
        expect((await collect(kv)).map(([k]) => k)).toEqual(keys.filter((_, i) => i % 2 === 0));
      });

      it('a long scan survives writes made while it runs, yielding surviving keys once and in order', async () => {
        const kv = await fresh();
        const keys = Array.from({ length: 1500 }, (_, i) => `k/${pad(i)}`);
        await kv.batch(keys.map((key) => ({ type: 'put', key, value: 'v' })));
        const visited: string[] = [];
        for await (const [k] of kv.entries(prefixRange('k/'))) {
          visited.push(k);
          // Delete what was just visited and add a key right after it: neither may disturb the scan.
          if (!k.endsWith('~')) await kv.batch([{ type: 'del', key: k }, { type: 'put', key: `${k}~`, value: 'new' }]);
        }
        expect(visited.filter((k) => !k.endsWith('~'))).toEqual(keys);
        expect([...visited].sort(byCodeUnits)).toEqual(visited);
        expect(new Set(visited).size).toBe(visited.length);
        expect((await collect(kv, prefixRange('k/'))).map(([k]) => k)).toEqual(keys.map((k) => `${k}~`));
      });

      it('matches a reference model over 300 random small batches of puts and dels', async () => {
        const kv = await fresh();
        const random = prng(42);
        const model = new Map<string, string>();
        const keyOf = (): string => `s/${pad(Math.floor(random() * 150))}`;
        for (let b = 0; b < 300; b++) {
          const ops: KVOperation[] = [];
          const size = 1 + Math.floor(random() * 6);
          for (let i = 0; i < size; i++) {
            const key = keyOf();
            ops.push(random() < 0.35 ? { type: 'del', key } : { type: 'put', key, value: `b${b}i${i}` });
          }
          await kv.batch(ops);
          for (const op of ops) {
            if (op.type === 'put') model.set(op.key, op.value);
            else model.delete(op.key);
          }
        }
        const expected = [...model.entries()].sort(([a], [b]) => byCodeUnits(a, b));
        expect(await collect(kv)).toEqual(expected);
        expect(await collect(kv, { reverse: true })).toEqual([...expected].reverse());
        const range = { gte: `s/${pad(40)}`, lt: `s/${pad(90)}` };
        expect(await collect(kv, range)).toEqual(expected.filter(([k]) => k >= range.gte && k < range.lt));
        for (let i = 0; i < 150; i += 7) expect(await kv.get(`s/${pad(i)}`)).toBe(model.get(`s/${pad(i)}`));
      });
    });

    describe('lifecycle', () => {
      it('close() resolves, and resolves again when repeated', async () => {
        const kv = await open(location());
        await kv.batch(puts({ a: '1' }));
        await kv.close();
        await kv.close();
      });

      it.runIf(caps.persistent)('data survives close() and reopening the same location', async () => {
        const at = location();
        const first = await open(at);
        await first.batch(puts({ 'offsets/000000000000': 'o0', 'commits/000000000000': 'c0', gone: 'x' }));
        await first.batch([{ type: 'del', key: 'gone' }]);
        await first.close();
        const second = await fresh(at);
        expect(await second.get('offsets/000000000000')).toBe('o0');
        expect(await collect(second)).toEqual([
          ['commits/000000000000', 'c0'],
          ['offsets/000000000000', 'o0'],
        ]);
        await second.batch(puts({ 'offsets/000000000001': 'o1' }));
        await second.close();
        opened.splice(opened.indexOf(second), 1);
        const third = await fresh(at);
        expect(await collect(third, prefixRange('offsets/', { reverse: true, limit: 1 }))).toEqual([['offsets/000000000001', 'o1']]);
      });
    });
  });
}
