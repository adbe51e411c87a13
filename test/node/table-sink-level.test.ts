// The `table` sink on LevelDB (Node): toTable with a level:// checkpoint stores the table in the
// checkpoint's directory, releases it when the query stops (the directory's lock is free again),
// and a restarted query or a fresh session sees every committed row; `path` puts the table in a
// second LevelDB directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/node/index.js';
import { openLevelKV } from '../../src/node/level-kv.js';
import { F, Session } from '../../src/index.js';

const root = await mkdtemp(join(tmpdir(), 'rivulet-table-sink-'));
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function keysIn(dir: string, prefix: string): Promise<string[]> {
  // Opening the directory directly also proves the query released it (LevelDB locks it).
  const kv = await openLevelKV(dir);
  const out: string[] = [];
  try {
    for await (const [k] of kv.entries({ gte: prefix, lt: `${prefix}\uffff` })) out.push(k);
  } finally {
    await kv.close();
  }
  return out;
}

describe('table sink on level://', () => {
  it('toTable keeps the table in the checkpoint directory across restarts and sessions', async () => {
    const dir = join(root, 'cp');
    const spark = Session.builder().appName('table-level').create();
    const mem = spark.memoryStream('k STRING, v INT');
    const start = () =>
      mem
        .toDF()
        .groupBy('k')
        .agg(F.sum('v').alias('s'))
        .writeStream.outputMode('update')
        .option('checkpointLocation', `level://${dir}`)
        .toTable('totals');
    let q = await start();
    mem.addData([['a', 1], ['b', 2]]);
    await q.processAllAvailable();
    await q.stop();
    expect(await keysIn(dir, 'tables/totals/')).toEqual([
      'tables/totals/commits/0000000000000000',
      'tables/totals/keys/["a"]',
      'tables/totals/keys/["b"]',
      'tables/totals/schema',
    ]);

    q = await start();
    mem.addData([['a', 10]]);
    await q.processAllAvailable();
    await q.stop();
    expect((await spark.table('totals').toArray()).sort()).toEqual([['a', 11], ['b', 2]]);

    const fresh = Session.builder().appName('table-level-2').create();
    expect((await (await fresh.catalog.createTable('totals', `level://${dir}`)).toArray()).sort()).toEqual([['a', 11], ['b', 2]]);
    expect(fresh.catalog.listTables()).toEqual([{ name: 'totals', location: `level://${dir}`, outputMode: 'update', isTemporary: false }]);
  });

  it("option('path') puts the table in its own LevelDB directory", async () => {
    const cp = join(root, 'cp2');
    const tables = join(root, 'tables');
    const spark = Session.builder().appName('table-level-path').create();
    const mem = spark.memoryStream('k STRING');
    const q = await mem.toDF().writeStream.option('checkpointLocation', `level://${cp}`).option('path', `level://${tables}?durability=strict`).toTable('events');
    mem.addData([['a'], ['b']]);
    await q.processAllAvailable();
    mem.addData([['c']]);
    await q.processAllAvailable();
    await q.stop();
    expect(await keysIn(cp, 'tables/')).toEqual([]);
    expect(await keysIn(tables, 'tables/events/rows/')).toEqual(['tables/events/rows/0000000000000000/000000', 'tables/events/rows/0000000000000001/000000']);
    const fresh = Session.builder().appName('table-level-path-2').create();
    expect(await (await fresh.catalog.createTable('events', `level://${tables}`)).toArray()).toEqual([['a'], ['b'], ['c']]);
  });
});
