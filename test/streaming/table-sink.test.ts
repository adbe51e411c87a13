// The `table` sink (df.writeStream.toTable(name)): contents per output mode after every batch,
// durability across restarts on the same checkpoint, exactly-once under a failure injected at
// every protocol step, idempotent replays, schema checks, value round-trips, the `path` option,
// spark.catalog; and the memory sink's update-mode "latest row per key".
import { describe, expect, it } from 'vitest';
import { F, RivuletError, Session, type DataFrame, type ProtocolStep, type StreamingQuery } from '../../src/index.js';
import { TableSink, loadTable } from '../../src/sinks/table-sink.js';
import { memoryKV } from '../../src/storage/memory-kv.js';
import { checkSinkContract } from '../../src/testing/index.js';

const STEPS: ProtocolStep[] = ['beforeOffsetLog', 'afterOffsetLog', 'beforeSink', 'afterSink', 'afterStateCommit', 'afterCommitLog'];

let n = 0;
const unique = (p: string) => `${p}-${++n}-${Date.now()}`;
const newSession = () => Session.builder().appName('table-sink').create();

/** Rows as positional arrays, sorted, so order-free comparisons stay exact. */
async function rowsOf(df: DataFrame): Promise<unknown[][]> {
  const rows = (await df.toArray()) as unknown[][];
  return rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
}

/** Every key a memory:// location holds under `prefix`. */
async function keysAt(location: string, prefix: string): Promise<string[]> {
  const kv = memoryKV(`checkpoint:${location.slice('memory://'.length)}`);
  const out: string[] = [];
  for await (const [k] of kv.entries({ gte: prefix, lt: `${prefix}\uffff` })) out.push(k);
  return out;
}

const error = async (p: Promise<unknown>): Promise<RivuletError> => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RivuletError);
  return e as RivuletError;
};

describe('table sink: contents per output mode', () => {
  it('append: every row so far, in batch order', async () => {
    const spark = newSession();
    const mem = spark.memoryStream('k STRING, v INT');
    const q = await mem.toDF().where('v > 0').writeStream.option('checkpointLocation', `memory://${unique('append')}`).toTable('events');
    expect(await spark.table('events').toArray()).toEqual([]);
    mem.addData([['a', 1], ['b', 2], ['x', -1]]);
    await q.processAllAvailable();
    expect(await spark.table('events').toArray()).toEqual([['a', 1], ['b', 2]]);
    mem.addData([['a', 3]]);
    await q.processAllAvailable();
    expect(await spark.table('events').toArray()).toEqual([['a', 1], ['b', 2], ['a', 3]]);
    expect(q.lastProgress?.sink.description).toBe('TableSink[events]');
    await q.stop();
    expect(await spark.table('events').toArray()).toEqual([['a', 1], ['b', 2], ['a', 3]]);
  });

  it('complete: the last result table; earlier results are deleted from storage', async () => {
    const spark = newSession();
    const loc = `memory://${unique('complete')}`;
    const mem = spark.memoryStream('k STRING, v INT');
    const q = await mem
      .toDF()
      .groupBy('k')
      .agg(F.count('*').alias('n'), F.sum('v').alias('s'))
      .writeStream.outputMode('complete')
      .option('checkpointLocation', loc)
      .toTable('totals');
    mem.addData([['a', 1], ['b', 2]]);
    await q.processAllAvailable();
    expect(await rowsOf(spark.table('totals'))).toEqual([['a', 1, 1], ['b', 1, 2]]);
    mem.addData([['a', 3], ['c', 4]]);
    await q.processAllAvailable();
    expect(await rowsOf(spark.table('totals'))).toEqual([['a', 2, 4], ['b', 1, 2], ['c', 1, 4]]);
    await q.stop();
    expect(await keysAt(loc, 'tables/totals/rows/')).toEqual(['tables/totals/rows/0000000000000001/000000']);
    const fresh = await newSession().catalog.createTable('totals', loc);
    expect(await rowsOf(fresh)).toEqual([['a', 2, 4], ['b', 1, 2], ['c', 1, 4]]);
  });

  it('update: the latest row per grouping key, upserted under keys/', async () => {
    const spark = newSession();
    const loc = `memory://${unique('update')}`;
    const mem = spark.memoryStream('k STRING, v INT');
    const q = await mem
      .toDF()
      .groupBy('k')
      .agg(F.sum('v').alias('s'))
      .select(F.col('s'), F.col('k'))
      .writeStream.outputMode('update')
      .option('checkpointLocation', loc)
      .toTable('latest');
    mem.addData([['a', 1], ['b', 2]]);
    await q.processAllAvailable();
    expect(await rowsOf(spark.table('latest'))).toEqual([[1, 'a'], [2, 'b']]);
    mem.addData([['a', 10]]);
    await q.processAllAvailable();
    expect(await rowsOf(spark.table('latest'))).toEqual([[11, 'a'], [2, 'b']]);
    mem.addData([['c', 5], ['b', 1]]);
    await q.processAllAvailable();
    expect(await rowsOf(spark.table('latest'))).toEqual([[11, 'a'], [3, 'b'], [5, 'c']]);
    await q.stop();
    expect(await keysAt(loc, 'tables/latest/keys/')).toHaveLength(3);
    expect(await keysAt(loc, 'tables/latest/rows/')).toEqual([]);
    expect(await rowsOf(await newSession().catalog.createTable('latest', loc))).toEqual([[11, 'a'], [3, 'b'], [5, 'c']]);
  });

  it('update with windowed keys (window struct in the output)', async () => {
    const spark = newSession();
    const mem = spark.memoryStream('k STRING, t BIGINT');
    const q = await mem
      .toDF()
      .withColumn('ts', F.col('t').cast('timestamp'))
      .withWatermark('ts', '5 seconds')
      .groupBy(F.window('ts', '10 seconds'), 'k')
      .count()
      .writeStream.outputMode('update')
      .option('checkpointLocation', `memory://${unique('update-window')}`)
      .toTable('windowed');
    mem.addData([['a', 1], ['a', 12]]);
    await q.processAllAvailable();
    mem.addData([['a', 2]]);
    await q.processAllAvailable();
    await q.stop();
    const rows = await spark.table('windowed').collect();
    expect(rows.map((r) => [(r['window'] as { start: Date }).start.getTime(), r['k'], r['count']]).sort()).toEqual([
      [0, 'a', 2],
      [10_000, 'a', 1],
    ]);
  });

  it('update mode without an aggregation keeps every row (update is append there)', async () => {
    const spark = newSession();
    const mem = spark.memoryStream('k STRING');
    const q = await mem.toDF().writeStream.outputMode('update').option('checkpointLocation', `memory://${unique('update-plain')}`).toTable('plain');
    mem.addData([['a'], ['a']]);
    await q.processAllAvailable();
    await q.stop();
    expect(await spark.table('plain').toArray()).toEqual([['a'], ['a']]);
  });
});

describe('table sink: durable and exactly-once', () => {
  it('a restart on the same checkpoint keeps and extends the table, without duplicates', async () => {
    const loc = `memory://${unique('restart')}`;
    const spark = newSession();
    const mem = spark.memoryStream('k STRING, v INT');
    const start = () => mem.toDF().writeStream.option('checkpointLocation', loc).toTable('log');
    let q = await start();
    mem.addData([['a', 1]]);
    await q.processAllAvailable();
    mem.addData([['b', 2]]);
    await q.processAllAvailable();
    await q.stop();
    // A new session sees the rows before any query writes (loaded from the location).
    const other = newSession();
    expect(await other.catalog.createTable('log', loc).then((df) => df.toArray())).toEqual([['a', 1], ['b', 2]]);
    q = await start();
    expect(await spark.table('log').toArray()).toEqual([['a', 1], ['b', 2]]);
    mem.addData([['c', 3]]);
    await q.processAllAvailable();
    await q.stop();
    expect(await spark.table('log').toArray()).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    expect(await (await loadTable(loc, 'log'))!.tableRows()).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    // One commit marker per writer is kept: the query's latest.
    expect(await keysAt(loc, 'tables/log/commits/')).toEqual(['tables/log/commits/0000000000000002']);
  });

  function counts(df: DataFrame): DataFrame {
    return df
      .withColumn('ts', F.col('t').cast('timestamp'))
      .withWatermark('ts', '5 seconds')
      .groupBy(F.window('ts', '10 seconds'), 'k')
      .agg(F.count('*').alias('n'), F.sum('v').alias('s'))
      .select(F.col('window').getField('start').cast('long').alias('start'), 'k', 'n', 's');
  }
  function totals(df: DataFrame): DataFrame {
    return df.groupBy('k').agg(F.count('*').alias('n'), F.sum('v').alias('s'));
  }
  const batches = [
    [{ k: 'a', v: 1, t: 1 }, { k: 'b', v: 2, t: 3 }],
    [{ k: 'a', v: 3, t: 12 }, { k: 'a', v: 4, t: 2 }],
    [{ k: 'b', v: 5, t: 25 }],
    [{ k: 'a', v: 6, t: 41 }, { k: 'b', v: 7, t: 44 }],
  ];
  const modes = [
    { mode: 'append', query: counts },
    { mode: 'update', query: totals },
    { mode: 'complete', query: totals },
  ] as const;

  /** Feeds every batch, failing once at (step, batch) and restarting; returns the table as stored. */
  async function runWithFailure(mode: 'append' | 'update' | 'complete', query: (df: DataFrame) => DataFrame, fail?: { step: ProtocolStep; batch: number }) {
    const spark = newSession();
    const loc = `memory://${unique(`fail-${mode}`)}`;
    const mem = spark.memoryStream('k STRING, v INT, t BIGINT');
    let failed = false;
    const start = () =>
      query(mem.toDF())
        .writeStream.outputMode(mode)
        .option('checkpointLocation', loc)
        .toTable('t', {
          onProtocolStep: (step, batchId) => {
            if (fail && !failed && step === fail.step && batchId === fail.batch) {
              failed = true;
              throw new Error(`injected failure at ${step} of batch ${batchId}`);
            }
          },
        });
    let q: StreamingQuery = await start();
    for (const b of batches) {
      mem.addData(b);
      await q.processAllAvailable().catch(() => undefined);
      if (!q.isActive) {
        expect(q.exception()?.errorClass).toBe('STREAM_FAILED');
        q = await start();
        await q.processAllAvailable();
      }
    }
    await q.stop();
    const live = await spark.table('t').toArray();
    const stored = await (await newSession().catalog.createTable('t', loc)).toArray();
    expect(stored, 'the stored table equals the live view').toEqual(live);
    return { rows: live, injected: failed };
  }

  for (const { mode, query } of modes) {
    it(`${mode}: a failure at every protocol step of every batch, then a restart, gives the uninterrupted table`, async () => {
      const reference = (await runWithFailure(mode, query)).rows;
      if (mode === 'append') {
        expect(reference).toEqual([
          [0, 'a', 2, 5],
          [0, 'b', 1, 2],
          [10, 'a', 1, 3],
          [20, 'b', 1, 5],
        ]);
      } else {
        expect([...reference].sort()).toEqual([
          ['a', 4, 14],
          ['b', 3, 14],
        ]);
      }
      for (const step of STEPS) {
        for (let batch = 0; batch < 6; batch++) {
          const out = await runWithFailure(mode, query, { step, batch });
          expect(out.rows, `failure at ${step} of batch ${batch}`).toEqual(reference);
          if (batch < batches.length) expect(out.injected, `a failure was injected at ${step} of batch ${batch}`).toBe(true);
        }
      }
    });
  }

  it('replaying a committed batch id is a no-op; the sink passes the sink contract', async () => {
    const spark = newSession();
    const loc = `memory://${unique('contract')}`;
    const sink = new TableSink({ name: 'c', location: loc, outputMode: 'append' });
    await checkSinkContract(spark, sink, async () => sink.table!.tableRows());
    expect((await loadTable(loc, 'c'))!.tableRows()).toEqual([[1, 'x'], [2, 'y'], [3, null]]);

    const again = new TableSink({ name: 'c', location: loc, outputMode: 'append' });
    const df = spark.createDataFrame([{ a: 7, b: 'z' }], 'a INT, b STRING');
    await again.addBatch(2, df);
    await again.addBatch(0, df);
    expect(again.table!.tableRows()).toEqual([[1, 'x'], [2, 'y'], [3, null]]);
    await again.addBatch(3, df);
    await again.addBatch(3, df);
    expect(again.table!.tableRows()).toEqual([[1, 'x'], [2, 'y'], [3, null], [7, 'z']]);
    await again.close();
    expect((await loadTable(loc, 'c'))!.tableRows()).toEqual([[1, 'x'], [2, 'y'], [3, null], [7, 'z']]);
  });

  it('a later query with another checkpoint appends after the earlier one (its batch ids are not taken for replays)', async () => {
    const spark = newSession();
    const path = `memory://${unique('shared-table')}`;
    const mem = spark.memoryStream('k STRING');
    for (const [i, rows] of [[['a'], ['b']], [['c']]].entries()) {
      const q = await mem.toDF().writeStream.option('path', path).option('checkpointLocation', `memory://${unique(`writer-${i}`)}`).toTable('shared');
      mem.addData(rows);
      await q.processAllAvailable();
      await q.stop();
    }
    // The second query re-reads the memory stream from its start: it is a new query.
    expect(await spark.table('shared').toArray()).toEqual([['a'], ['b'], ['a'], ['b'], ['c']]);
  });

  it('one writer at a time per table', async () => {
    const spark = newSession();
    const path = `memory://${unique('busy')}`;
    const mem = spark.memoryStream('k STRING');
    const q = await mem.toDF().writeStream.option('path', path).toTable('busy');
    const e = await error(mem.toDF().writeStream.option('path', path).toTable('busy'));
    expect(e.errorClass).toBe('CONCURRENT_TABLE_WRITE');
    await q.stop();
    const q2 = await mem.toDF().writeStream.option('path', path).toTable('busy');
    await q2.stop();
  });
});

describe('table sink: schemas and values', () => {
  it('an incompatible schema fails at start, naming the table and the column', async () => {
    const spark = newSession();
    const path = `memory://${unique('schema')}`;
    const mem = spark.memoryStream('k STRING, v INT');
    const q = await mem.toDF().writeStream.option('path', path).toTable('typed');
    mem.addData([['a', 1]]);
    await q.processAllAvailable();
    await q.stop();

    const other = spark.memoryStream('k STRING, v STRING');
    const cast = await error(other.toDF().writeStream.option('path', path).toTable('typed'));
    expect(cast.errorClass).toBe('INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST');
    expect(cast.message).toBe('[INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST] Cannot write into the table `typed`: the column `v` is INT in the table but STRING in the query.');
    expect(cast.messageParameters).toEqual({ tableName: 'typed', colName: 'v' });

    const extra = await error(mem.toDF().withColumn('w', F.lit(1)).writeStream.option('path', path).toTable('typed'));
    expect(extra.errorClass).toBe('INCOMPATIBLE_DATA_FOR_TABLE.EXTRA_COLUMNS');
    expect(extra.message).toContain('`w`');

    const renamed = await error(mem.toDF().withColumnRenamed('v', 'value').writeStream.option('path', path).toTable('typed'));
    expect(renamed.errorClass).toBe('INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_FIND_DATA');
    expect(renamed.message).toContain('no column `v`');

    const mode = await error(mem.toDF().groupBy('k').count().writeStream.outputMode('complete').option('path', path).toTable('typed'));
    expect(mode.errorClass).toBe('INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_FIND_DATA');

    // The failed starts wrote nothing and released the location.
    expect(await spark.table('typed').toArray()).toEqual([['a', 1]]);
    const q2 = await mem.toDF().writeStream.option('path', path).toTable('typed');
    await q2.stop();
  });

  it('another output mode on an existing table fails at start', async () => {
    const spark = newSession();
    const path = `memory://${unique('modes')}`;
    const mem = spark.memoryStream('k STRING');
    const agg = () => mem.toDF().groupBy('k').count();
    const q = await agg().writeStream.outputMode('complete').option('path', path).toTable('m');
    mem.addData([['a']]);
    await q.processAllAvailable();
    await q.stop();
    const e = await error(agg().writeStream.outputMode('update').option('path', path).toTable('m'));
    expect(e.errorClass).toBe('INCOMPATIBLE_TABLE_OUTPUT_MODE');
    expect(e.message).toBe('[INCOMPATIBLE_TABLE_OUTPUT_MODE] Cannot write into the table `m`: it was written in complete mode, this query writes in update mode keyed by (k).');
  });

  it('update mode needs the grouping keys in the output', async () => {
    const spark = newSession();
    const mem = spark.memoryStream('k STRING, t BIGINT');
    const df = mem
      .toDF()
      .withColumn('ts', F.col('t').cast('timestamp'))
      .withWatermark('ts', '5 seconds')
      .groupBy(F.window('ts', '10 seconds'), 'k')
      .count()
      .select(F.col('window').getField('start').alias('start'), 'k', 'count');
    const e = await error(df.writeStream.outputMode('update').toTable('nokey'));
    expect(e.errorClass).toBe('TABLE_KEY_COLUMN_MISSING');
    expect(e.message).toContain('`window`');
    expect(e.messageParameters).toEqual({ tableName: 'nokey', column: 'window' });
  });

  it('values round-trip: timestamp, map, binary, NaN, -0, null, nested struct, array', async () => {
    const spark = newSession();
    const loc = `memory://${unique('values')}`;
    const schema = 'id INT, ts TIMESTAMP, m MAP<STRING, INT>, bin BINARY, d DOUBLE, s STRUCT<a: INT, b: STRUCT<c: STRING, d: ARRAY<DOUBLE>>>, arr ARRAY<STRING>';
    const mem = spark.memoryStream(schema);
    const rows = [
      {
        id: 1,
        ts: new Date('2026-01-02T03:04:05.678Z'),
        m: new Map([['x', 1], ['y', null]]),
        bin: new Uint8Array([0, 1, 255]),
        d: NaN,
        s: { a: 1, b: { c: 'é✓😀', d: [Infinity, -Infinity, -0] } },
        arr: ['a', null],
      },
      { id: 2, ts: null, m: null, bin: null, d: -0, s: { a: null, b: null }, arr: null },
      { id: 3, ts: 1_000, m: new Map(), bin: new Uint8Array([]), d: 1.5, s: null, arr: [] },
    ];
    const q = await mem.toDF().writeStream.option('checkpointLocation', loc).toTable('vals');
    mem.addData(rows);
    await q.processAllAvailable();
    await q.stop();
    const fresh = newSession();
    const back = await (await fresh.catalog.createTable('vals', loc)).collect();
    const live = await spark.table('vals').collect();
    expect(back).toEqual(live);
    expect(back[0]).toEqual({ ...rows[0], ts: new Date('2026-01-02T03:04:05.678Z') });
    expect(Object.is((back[1] as { d: number }).d, -0)).toBe(true);
    expect(Object.is(((back[0] as { s: { b: { d: number[] } } }).s.b.d)[2], -0)).toBe(true);
    expect(back[2]).toEqual({ ...rows[2], ts: new Date(1_000) });
    expect(fresh.table('vals').schema).toEqual(spark.table('vals').schema);
  });

  it('option path: the table lives in another location than the checkpoint', async () => {
    const spark = newSession();
    const cp = `memory://${unique('cp')}`;
    const path = `memory://${unique('path')}`;
    const mem = spark.memoryStream('k STRING');
    const q = await mem.toDF().writeStream.format('table').option('table', 'elsewhere').option('path', path).option('checkpointLocation', cp).start();
    mem.addData([['a']]);
    await q.processAllAvailable();
    await q.stop();
    expect(await keysAt(cp, 'tables/')).toEqual([]);
    expect(await keysAt(path, 'tables/elsewhere/')).toEqual([
      'tables/elsewhere/commits/0000000000000000',
      'tables/elsewhere/rows/0000000000000000/000000',
      'tables/elsewhere/schema',
    ]);
    expect(await (await newSession().catalog.createTable('elsewhere', path)).toArray()).toEqual([['a']]);
    const bad = await error(mem.toDF().writeStream.option('path', 'nowhere').toTable('x'));
    expect(bad.errorClass).toBe('INVALID_LOCATION');
    expect(bad.messageParameters['option']).toBe('path');
  });

  it('rows are chunked at 10,000 per key', async () => {
    const spark = newSession();
    const loc = `memory://${unique('chunks')}`;
    const mem = spark.memoryStream('i INT');
    const q = await mem.toDF().writeStream.option('checkpointLocation', loc).toTable('big');
    mem.addData(Array.from({ length: 25_001 }, (_, i) => [i]));
    await q.processAllAvailable();
    await q.stop();
    expect(await keysAt(loc, 'tables/big/rows/')).toEqual([0, 1, 2].map((c) => `tables/big/rows/0000000000000000/00000${c}`));
    const back = (await loadTable(loc, 'big'))!.tableRows();
    expect(back).toHaveLength(25_001);
    expect(back.every((r, i) => r[0] === i)).toBe(true);
  });
});

describe('writeStream table options and spark.catalog', () => {
  it("format('table') needs queryName or option('table')", async () => {
    const spark = newSession();
    const mem = spark.memoryStream('k STRING');
    const e = await error(mem.toDF().writeStream.format('table').start());
    expect(e.errorClass).toBe('QUERY_NAME_REQUIRED');
    expect(e.messageParameters['option']).toBe('table');
    const q = await mem.toDF().writeStream.format('table').queryName('byname').start();
    mem.addData([['a']]);
    await q.processAllAvailable();
    await q.stop();
    expect(await spark.table('byname').toArray()).toEqual([['a']]);
    const bad = await error(mem.toDF().writeStream.format('tabel').start());
    expect(bad.errorClass).toBe('DATA_SOURCE_NOT_FOUND');
    expect(bad.message).toContain('Available: console, memory, table, foreach, foreachBatch, noop.');
    const name = await error(mem.toDF().writeStream.toTable('a/b'));
    expect(name.errorClass).toBe('INVALID_TABLE_NAME');
  });

  it('createTable, listTables, tableExists', async () => {
    const spark = newSession();
    const loc = `memory://${unique('catalog')}`;
    const mem = spark.memoryStream('k STRING');
    const q = await mem.toDF().writeStream.option('checkpointLocation', loc).toTable('kept');
    const m = await mem.toDF().writeStream.format('memory').queryName('mem').start();
    mem.addData([['a']]);
    await q.processAllAvailable();
    await m.processAllAvailable();
    await q.stop();
    await m.stop();
    expect(spark.catalog.listTables()).toEqual([
      { name: 'kept', location: loc, outputMode: 'append', isTemporary: false },
      { name: 'mem', location: null, outputMode: 'append', isTemporary: true },
    ]);
    expect(spark.catalog.tableExists('kept')).toBe(true);
    expect(spark.catalog.tableExists('mem')).toBe(true);
    expect(spark.catalog.tableExists('nope')).toBe(false);

    const other = newSession();
    expect(other.catalog.tableExists('kept')).toBe(false);
    expect(() => other.table('kept')).toThrow(/TABLE_OR_VIEW_NOT_FOUND/);
    expect(await (await other.catalog.createTable('kept', loc)).toArray()).toEqual([['a']]);
    expect(other.catalog.tableExists('kept')).toBe(true);
    expect(other.catalog.listTables()).toEqual([{ name: 'kept', location: loc, outputMode: 'append', isTemporary: false }]);
    expect(await other.table('kept').toArray()).toEqual([['a']]);

    const missing = await error(other.catalog.createTable('absent', loc));
    expect(missing.errorClass).toBe('TABLE_OR_VIEW_NOT_FOUND');
    expect(missing.message).toContain('`absent`');
    const loc2 = `memory://${unique('catalog-2')}`;
    const sink = new TableSink({ name: 'kept', location: loc2, outputMode: 'append' });
    await sink.addBatch(0, spark.createDataFrame([{ k: 'z' }], 'k STRING'));
    await sink.close();
    const clash = await error(spark.catalog.createTable('kept', loc2));
    expect(clash.errorClass).toBe('TABLE_OR_VIEW_ALREADY_EXISTS');
    expect(await (await spark.catalog.createTable('kept', loc)).toArray()).toEqual([['a']]);
    expect(await (await other.catalog.createTable('mine', loc2).catch(() => undefined))).toBeUndefined();
  });

  it('createTable of a table a live query writes returns its current contents', async () => {
    const spark = newSession();
    const loc = `memory://${unique('live')}`;
    const mem = spark.memoryStream('k STRING');
    const q = await mem.toDF().writeStream.option('checkpointLocation', loc).toTable('live');
    mem.addData([['a']]);
    await q.processAllAvailable();
    const other = newSession();
    expect(await (await other.catalog.createTable('live', loc)).toArray()).toEqual([['a']]);
    mem.addData([['b']]);
    await q.processAllAvailable();
    expect(await other.table('live').toArray()).toEqual([['a'], ['b']]);
    await q.stop();
  });

  it('a table sink without a checkpoint location lives in the temporary checkpoint store', async () => {
    const spark = newSession();
    const mem = spark.memoryStream('k STRING');
    const q = await mem.toDF().writeStream.toTable('temp');
    mem.addData([['a']]);
    await q.processAllAvailable();
    await q.stop();
    const [info] = spark.catalog.listTables();
    expect(info!.location).toMatch(/^memory:\/\/temporary-/);
    expect(await (await newSession().catalog.createTable('temp', info!.location!)).toArray()).toEqual([['a']]);
  });
});

describe('memory sink in update mode', () => {
  it('spark.table shows the latest row per grouping key', async () => {
    const spark = newSession();
    const mem = spark.memoryStream('k STRING, v INT');
    const q = await mem.toDF().groupBy('k').agg(F.sum('v').alias('s')).writeStream.format('memory').queryName('upd').outputMode('update').start();
    mem.addData([['a', 1], ['b', 2]]);
    await q.processAllAvailable();
    mem.addData([['a', 5]]);
    await q.processAllAvailable();
    await q.stop();
    expect(await rowsOf(spark.table('upd'))).toEqual([['a', 6], ['b', 2]]);
  });

  it('falls back to every row when a key column is not in the output', async () => {
    const spark = newSession();
    const mem = spark.memoryStream('k STRING, v INT');
    const q = await mem.toDF().groupBy('k').agg(F.sum('v').alias('s')).select('s').writeStream.format('memory').queryName('nokeys').outputMode('update').start();
    mem.addData([['a', 1]]);
    await q.processAllAvailable();
    mem.addData([['a', 5]]);
    await q.processAllAvailable();
    await q.stop();
    expect(await spark.table('nokeys').toArray()).toEqual([[1], [6]]);
  });
});
