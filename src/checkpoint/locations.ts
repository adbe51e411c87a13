/**
 * `checkpointLocation` URLs: `memory://<name>` (process lifetime, every runtime),
 * `idb://<database>/<path>` (IndexedDB: browsers and workers) and `level://<path>` (LevelDB:
 * Node, registered by importing `rivulet/node`). Without a location a query gets a temporary
 * in-memory checkpoint, as Spark uses a temporary directory.
 */
import { RivuletError } from '../errors.js';
import type { KVOperation, KVRange, KVStore, KVWriteOptions } from '../storage/kv.js';
import { memoryKV } from '../storage/memory-kv.js';
import { openIdbKV } from '../storage/idb-kv.js';
import { KVCheckpoint, type Checkpoint } from './checkpoint.js';

/** How a location's writes reach the disk (its `?durability=` parameter). */
export type CheckpointDurability = 'default' | 'strict' | 'relaxed';

/** Opens the KV store behind a scheme's location (the part after `scheme://`, query removed). */
export type KVOpener = (path: string, options: { readonly durability: 'strict' | 'relaxed' }) => Promise<KVStore>;

const openers = new Map<string, KVOpener>([
  ['memory', async (name) => memoryKV(`checkpoint:${name}`)],
  [
    'idb',
    async (path, options) => {
      const slash = path.indexOf('/');
      const db = slash < 0 ? path : path.slice(0, slash);
      const sub = slash < 0 ? '' : path.slice(slash + 1);
      if (!db) throw new RivuletError('INVALID_CHECKPOINT_LOCATION', `idb://${path} names no database: use idb://<database>/<path>.`, { parameters: { option: 'checkpointLocation' } });
      // Relaxed by default: the checkpoint flushes its offsets-log entries itself (see
      // src/storage/idb-kv.ts for why those, and why the rest can be relaxed).
      const kv = await openIdbKV(db, 'kv', options);
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

/**
 * Opens the checkpoint at `location`. A `?durability=` parameter sets how writes reach the disk:
 * `default` (offsets-log entries flushed, the rest relaxed: exactly-once for every sink after a
 * process or tab crash, and after an OS crash too, see src/storage/idb-kv.ts), `strict` (every
 * write flushed) or `relaxed` (none: an OS crash may re-plan the last batch). Memory ignores it.
 */
export async function openCheckpoint(location: string | undefined): Promise<Checkpoint> {
  const full = location ?? `memory://temporary-${++tempCounter}-${globalThis.crypto.randomUUID()}`;
  const { loc, durability } = splitDurability(full);
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
    entry = { kv: opener(m[2], { durability: durability === 'strict' ? 'strict' : 'relaxed' }), users: 0 };
    open.set(loc, entry);
    entry.kv.catch(() => open.delete(loc));
  }
  entry.users++;
  const kv = await entry.kv;
  const e = entry;
  return new KVCheckpoint(loc, kv, { offsetsDurability: durability === 'relaxed' ? 'relaxed' : 'strict' }, async () => {
    if (--e.users > 0 || open.get(loc) !== e) return;
    open.delete(loc);
    // memory:// stores live for the process; durable ones are closed when unused.
    if (scheme !== 'memory') await kv.close();
  });
}

function splitDurability(location: string): { loc: string; durability: CheckpointDurability } {
  const q = location.indexOf('?');
  if (q < 0) return { loc: location, durability: 'default' };
  const params = new URLSearchParams(location.slice(q + 1));
  for (const key of params.keys()) {
    if (key !== 'durability') {
      throw new RivuletError('INVALID_CHECKPOINT_LOCATION', `Unknown parameter '${key}' in checkpointLocation '${location}': the only one is durability=default|strict|relaxed.`, {
        parameters: { option: 'checkpointLocation' },
      });
    }
  }
  const d = params.get('durability') ?? 'default';
  if (d !== 'default' && d !== 'strict' && d !== 'relaxed') {
    throw new RivuletError('INVALID_CHECKPOINT_LOCATION', `Invalid durability '${d}' in checkpointLocation '${location}': use default, strict or relaxed.`, {
      parameters: { option: 'checkpointLocation' },
    });
  }
  return { loc: location.slice(0, q), durability: d };
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
    batch: (ops: readonly KVOperation[], options?: KVWriteOptions) => kv.batch(ops.map((o) => ({ ...o, key: prefix + o.key })), options),
    async *entries(range?: KVRange) {
      for await (const [k, v] of kv.entries(shift(range))) yield [k.slice(prefix.length), v] as const;
    },
    close: () => kv.close(),
  };
}
