// The `table` sink on IndexedDB in real Chromium: a table written by toTable with an idb://
// checkpoint survives the query stopping (its database closed) and is read back by a fresh
// Session with catalog.createTable; a restarted query extends it without duplicates.
import { afterAll, describe, expect, it } from 'vitest';
import { F, Session } from '../../src/index.js';
import { deleteIdbKV, openIdbKV } from '../../src/storage/idb-kv.js';

const database = `rivulet-test-table-${crypto.randomUUID().slice(0, 8)}`;
const loc = `idb://${database}/q`;

afterAll(async () => {
  await Promise.race([deleteIdbKV(database), new Promise<void>((r) => setTimeout(r, 2000))]);
});

describe('table sink on idb:// (Chromium)', () => {
  it('survives closing and reopening: createTable from a fresh Session returns the rows', async () => {
    const spark = Session.builder().appName('table-idb').create();
    const mem = spark.memoryStream('k STRING, v INT, at TIMESTAMP');
    const start = () =>
      mem
        .toDF()
        .withColumn('tags', F.expr("map('v', v)"))
        .writeStream.option('checkpointLocation', loc)
        .toTable('events');
    let q = await start();
    mem.addData([{ k: 'a', v: 1, at: new Date(1_000) }, { k: 'b', v: 2, at: null }]);
    await q.processAllAvailable();
    await q.stop();

    // The query released the database; the table is in it, next to the checkpoint.
    const kv = await openIdbKV(database, 'kv');
    const keys: string[] = [];
    for await (const [k] of kv.entries({ gte: 'q/tables/', lt: 'q/tables/\uffff' })) keys.push(k);
    await kv.close();
    expect(keys).toEqual(['q/tables/events/commits/0000000000000000', 'q/tables/events/rows/0000000000000000/000000', 'q/tables/events/schema']);

    const fresh = Session.builder().appName('table-idb-reopened').create();
    const expected = [
      { k: 'a', v: 1, at: new Date(1_000), tags: new Map([['v', 1]]) },
      { k: 'b', v: 2, at: null, tags: new Map([['v', 2]]) },
    ];
    expect(await (await fresh.catalog.createTable('events', loc)).collect()).toEqual(expected);

    // A restarted query on the same checkpoint extends the table; no batch is stored twice.
    q = await start();
    mem.addData([{ k: 'c', v: 3, at: new Date(2_000) }]);
    await q.processAllAvailable();
    await q.stop();
    const again = Session.builder().appName('table-idb-reopened-2').create();
    expect(await (await again.catalog.createTable('events', loc)).collect()).toEqual([...expected, { k: 'c', v: 3, at: new Date(2_000), tags: new Map([['v', 3]]) }]);
    expect(again.catalog.listTables()).toEqual([{ name: 'events', location: loc, outputMode: 'append', isTemporary: false }]);
  });
});
