// checkpointLocation's ?durability= parameter: which writes a checkpoint flushes. By default only
// offsets-log entries are strict (an external sink's batch N depends on them), everything else is
// relaxed; `strict` flushes every write, `relaxed` none.
import { describe, expect, it } from 'vitest';
import { F, type RivuletError, Session } from '../../src/index.js';
import { registerCheckpointScheme } from '../../src/checkpoint/locations.js';
import type { KVOperation, KVStore, KVWriteOptions } from '../../src/storage/kv.js';
import { memoryKV } from '../../src/storage/memory-kv.js';

interface Recorded {
  opened: { path: string; durability: string }[];
  writes: { prefix: string; durability: string | undefined }[];
}
const rec: Recorded = { opened: [], writes: [] };

registerCheckpointScheme('recorded', async (path, options) => {
  rec.opened.push({ path, durability: options.durability });
  const kv = memoryKV(`recorded:${path}`);
  const wrapped: KVStore = {
    get: (k) => kv.get(k),
    entries: (r) => kv.entries(r),
    close: () => kv.close(),
    batch: (ops: readonly KVOperation[], o?: KVWriteOptions) => {
      for (const op of ops) rec.writes.push({ prefix: op.key.split('/')[0]!, durability: o?.durability });
      return kv.batch(ops, o);
    },
  };
  return wrapped;
});

let n = 0;
async function runTwoBatches(location: string): Promise<void> {
  const spark = Session.builder().appName('durability').create();
  const mem = spark.memoryStream('k STRING');
  const q = await mem
    .toDF()
    .groupBy('k')
    .agg(F.count('*').alias('n'))
    .writeStream.outputMode('update')
    .format('noop')
    .option('checkpointLocation', location)
    .start();
  mem.addData([['a']]);
  await q.processAllAvailable();
  mem.addData([['b']]);
  await q.processAllAvailable();
  await q.stop();
}

/** Durability per key prefix (offsets, commits, state, metadata), deduplicated. */
function byPrefix(): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const w of rec.writes) (out[w.prefix] ??= new Set()).add(w.durability ?? 'store default');
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

describe('checkpointLocation ?durability=', () => {
  it('default: the store opens relaxed and only offsets-log entries are flushed', async () => {
    rec.opened.length = 0;
    rec.writes.length = 0;
    await runTwoBatches(`recorded://d${++n}`);
    expect(rec.opened).toEqual([{ path: `d${n}`, durability: 'relaxed' }]);
    expect(byPrefix()).toEqual({ commits: ['store default'], metadata: ['store default'], offsets: ['strict'], state: ['store default'] });
    expect(rec.writes.filter((w) => w.prefix === 'offsets')).toHaveLength(2);
  });

  it('strict: the store opens strict, so every write is flushed', async () => {
    rec.opened.length = 0;
    rec.writes.length = 0;
    await runTwoBatches(`recorded://s${++n}?durability=strict`);
    expect(rec.opened).toEqual([{ path: `s${n}`, durability: 'strict' }]);
    expect(byPrefix()['offsets']).toEqual(['strict']);
  });

  it('relaxed: nothing is flushed, offsets included', async () => {
    rec.opened.length = 0;
    rec.writes.length = 0;
    await runTwoBatches(`recorded://r${++n}?durability=relaxed`);
    expect(rec.opened).toEqual([{ path: `r${n}`, durability: 'relaxed' }]);
    expect(byPrefix()['offsets']).toEqual(['relaxed']);
  });

  it('a bad durability value or an unknown parameter names the option', async () => {
    const spark = Session.builder().appName('durability').create();
    const df = spark.memoryStream('k STRING').toDF();
    const bad = (await df.writeStream.format('noop').option('checkpointLocation', 'memory://x?durability=fsync').start().catch((e: unknown) => e)) as RivuletError;
    expect(bad.errorClass).toBe('INVALID_CHECKPOINT_LOCATION');
    expect(bad.messageParameters['option']).toBe('checkpointLocation');
    expect(bad.message).toBe("[INVALID_CHECKPOINT_LOCATION] Invalid durability 'fsync' in checkpointLocation 'memory://x?durability=fsync': use default, strict or relaxed.");
    const unknown = (await df.writeStream.format('noop').option('checkpointLocation', 'memory://x?sync=1').start().catch((e: unknown) => e)) as RivuletError;
    expect(unknown.errorClass).toBe('INVALID_CHECKPOINT_LOCATION');
    expect(unknown.message).toContain("Unknown parameter 'sync'");
  });
});
