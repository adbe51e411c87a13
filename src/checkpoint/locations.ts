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
// must see the same memory store. Checkpoints and `table` sinks share these stores.
const open = new Map<string, { kv: Promise<KVStore>; users: number }>();
let tempCounter = 0;

/** The location a query without `checkpointLocation` uses: a fresh `memory://` store. */
export function temporaryCheckpointLocation(): string {
  return `memory://temporary-${++tempCounter}-${globalThis.crypto.randomUUID()}`;
}

/** A KV location opened by {@link openKVLocation}; `release()` once done (the data stays). */
export interface KVLocation {
  /** The location without its query (`memory://name`, `idb://db/path`, `level://path`). */
  readonly location: string;
  readonly scheme: string;
  readonly durability: CheckpointDurability;
  readonly kv: KVStore;
  /** Drops this user; the store closes when its last user releases it (memory:// stays). */
  release(): Promise<void>;
}

/**
 * Opens the KV store at a location URL (the same URLs as `checkpointLocation`), shared and
 * reference-counted per location within the process. `optionName` is the option the URL came
 * from, named in errors (`checkpointLocation`, `path`, ...).
 */
export async function openKVLocation(url: string, optionName = 'checkpointLocation'): Promise<KVLocation> {
  const errorClass = optionName === 'checkpointLocation' ? 'INVALID_CHECKPOINT_LOCATION' : 'INVALID_LOCATION';
  const { loc, durability } = splitDurability(url, optionName, errorClass);
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(loc);
  if (!m || !m[2]) {
    throw new RivuletError(errorClass, `Invalid ${optionName} '${loc}': use memory://<name>, idb://<database>/<path> or level://<path>.`, {
      parameters: { option: optionName },
    });
  }
  const scheme = m[1]!.toLowerCase();
  const opener = openers.get(scheme);
  if (!opener) {
    const what = optionName === 'checkpointLocation' ? 'checkpoints' : 'locations';
    const hint = scheme === 'level' ? ` level:// ${what} need Node and \`import 'rivulet/node'\`.` : '';
    throw new RivuletError(
      errorClass,
      `Unsupported ${optionName} scheme '${scheme}://' in '${loc}'. Available here: ${[...openers.keys()].map((s) => `${s}://`).join(', ')}.${hint}`,
      { parameters: { option: optionName } },
    );
  }
  let entry = open.get(loc);
  if (!entry) {
    entry = { kv: opener(m[2], { durability: durability === 'strict' ? 'strict' : 'relaxed' }), users: 0 };
    open.set(loc, entry);
    entry.kv.catch(() => open.delete(loc));
  }
  entry.users++;
  const e = entry;
  let kv: KVStore;
  try {
    kv = await entry.kv;
  } catch (err) {
    e.users--;
    throw err;
  }
  let released = false;
  return {
    location: loc,
    scheme,
    durability,
    kv,
    release: async () => {
      if (released) return;
      released = true;
      if (--e.users > 0 || open.get(loc) !== e) return;
      open.delete(loc);
      // memory:// stores live for the process; durable ones are closed when unused.
      if (scheme !== 'memory') await kv.close();
    },
  };
}

/**
 * Opens the checkpoint at `location`. A `?durability=` parameter sets how writes reach the disk:
 * `default` (offsets-log entries flushed, the rest relaxed: exactly-once for every sink after a
 * process or tab crash, and after an OS crash too, see src/storage/idb-kv.ts), `strict` (every
 * write flushed) or `relaxed` (none: an OS crash may re-plan the last batch). Memory ignores it.
 */
export async function openCheckpoint(location: string | undefined): Promise<Checkpoint> {
  const opened = await openKVLocation(location ?? temporaryCheckpointLocation(), 'checkpointLocation');
  return new KVCheckpoint(opened.location, opened.kv, { offsetsDurability: opened.durability === 'relaxed' ? 'relaxed' : 'strict' }, () => opened.release());
}

function splitDurability(location: string, option: string, errorClass: string): { loc: string; durability: CheckpointDurability } {
  const q = location.indexOf('?');
  if (q < 0) return { loc: location, durability: 'default' };
  const params = new URLSearchParams(location.slice(q + 1));
  for (const key of params.keys()) {
    if (key !== 'durability') {
      throw new RivuletError(errorClass, `Unknown parameter '${key}' in ${option} '${location}': the only one is durability=default|strict|relaxed.`, {
        parameters: { option },
      });
    }
  }
  const d = params.get('durability') ?? 'default';
  if (d !== 'default' && d !== 'strict' && d !== 'relaxed') {
    throw new RivuletError(errorClass, `Invalid durability '${d}' in ${option} '${location}': use default, strict or relaxed.`, {
      parameters: { option },
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
