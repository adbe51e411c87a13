/**
 * `checkpointLocation` URLs: `memory://<name>` (process lifetime, every runtime),
 * `idb://<database>/<path>` (IndexedDB: browsers and workers) and `level://<path>` (LevelDB:
 * Node, registered by importing `rivulet/node`). Without a location a query gets a temporary
 * in-memory checkpoint, as Spark uses a temporary directory.
 */
import { RivuletError } from '../errors.js';
import type { KVOperation, KVRange, KVStore } from '../storage/kv.js';
import { memoryKV } from '../storage/memory-kv.js';
import { openIdbKV } from '../storage/idb-kv.js';
import { KVCheckpoint, type Checkpoint } from './checkpoint.js';

/** Opens the KV store behind a scheme's location (the part after `scheme://`). */
export type KVOpener = (path: string) => Promise<KVStore>;

const openers = new Map<string, KVOpener>([
  ['memory', async (name) => memoryKV(`checkpoint:${name}`)],
  [
    'idb',
    async (path) => {
      const slash = path.indexOf('/');
      const db = slash < 0 ? path : path.slice(0, slash);
      const sub = slash < 0 ? '' : path.slice(slash + 1);
      if (!db) throw new RivuletError('INVALID_CHECKPOINT_LOCATION', `idb://${path} names no database: use idb://<database>/<path>.`, { parameters: { option: 'checkpointLocation' } });
      // Strict durability: with relaxed, an OS crash can lose the newest offset-log entry while an
      // external sink already holds that batch; the re-planned batch could then cover other rows.
      const kv = await openIdbKV(db, 'kv', { durability: 'strict' });
      return sub ? prefixed(kv, `${sub}/`) : kv;
    },
  ],
]);

/** Registers a scheme (rivulet/node registers `level`). */
export function registerCheckpointScheme(scheme: string, opener: KVOpener): void {
  openers.set(scheme, opener);
}

// One store per location per process: LevelDB locks its directory, and a restarted query
// must see the same memory store.
const open = new Map<string, { kv: Promise<KVStore>; users: number }>();
let tempCounter = 0;

export async function openCheckpoint(location: string | undefined): Promise<Checkpoint> {
  const loc = location ?? `memory://temporary-${++tempCounter}-${globalThis.crypto.randomUUID()}`;
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(loc);
  if (!m || !m[2]) {
    throw new RivuletError(
      'INVALID_CHECKPOINT_LOCATION',
      `Invalid checkpointLocation '${loc}': use memory://<name>, idb://<database>/<path> or level://<path>.`,
      { parameters: { option: 'checkpointLocation' } },
    );
  }
  const scheme = m[1]!.toLowerCase();
  const opener = openers.get(scheme);
  if (!opener) {
    const hint = scheme === 'level' ? " level:// checkpoints need Node and `import 'rivulet/node'`." : '';
    throw new RivuletError(
      'INVALID_CHECKPOINT_LOCATION',
      `Unsupported checkpointLocation scheme '${scheme}://' in '${loc}'. Available here: ${[...openers.keys()].map((s) => `${s}://`).join(', ')}.${hint}`,
      { parameters: { option: 'checkpointLocation' } },
    );
  }
  let entry = open.get(loc);
  if (!entry) {
    entry = { kv: opener(m[2]), users: 0 };
    open.set(loc, entry);
    entry.kv.catch(() => open.delete(loc));
  }
  entry.users++;
  const kv = await entry.kv;
  const e = entry;
  return new KVCheckpoint(loc, kv, async () => {
    if (--e.users > 0 || open.get(loc) !== e) return;
    open.delete(loc);
    // memory:// stores live for the process; durable ones are closed when unused.
    if (scheme !== 'memory') await kv.close();
  });
}

/** A view of `kv` under `prefix` (several checkpoints in one IndexedDB database). */
function prefixed(kv: KVStore, prefix: string): KVStore {
  const shift = (r: KVRange = {}): KVRange => ({
    ...r,
    gte: prefix + (r.gte ?? ''),
    lt: r.lt !== undefined ? prefix + r.lt : `${prefix}\uffff`,
  });
  return {
    get: (k) => kv.get(prefix + k),
    batch: (ops: readonly KVOperation[]) => kv.batch(ops.map((o) => ({ ...o, key: prefix + o.key }))),
    async *entries(range?: KVRange) {
      for await (const [k, v] of kv.entries(shift(range))) yield [k.slice(prefix.length), v] as const;
    },
    close: () => kv.close(),
  };
}
