// The `websocket` and `sse` sources (src/sources/websocket-source.ts, sse-source.ts) reading the
// rivulet/node log server: exact rows per micro-batch under maxOffsetsPerTrigger across two
// partitions, every startingOffsets form, restarts on the same checkpoint, a failure injected at
// every step of the micro-batch protocol, the Source contract, and the documented errors.
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import '../../src/node/index.js';
import { startLogServer, type LogServer } from '../../src/node/index.js';
import { F, RivuletError, Session, type DataFrame, type ProtocolStep, type StreamingQuery } from '../../src/index.js';
import { rateLimit } from '../../src/sources/log-protocol.js';
import { SseSource } from '../../src/sources/sse-source.js';
import { WebSocketSource } from '../../src/sources/websocket-source.js';
import { checkSourceContract } from '../../src/testing/conformance.js';

const FORMATS = ['websocket', 'sse'] as const;
type Format = (typeof FORMATS)[number];
const STEPS: ProtocolStep[] = ['beforeOffsetLog', 'afterOffsetLog', 'beforeSink', 'afterSink', 'afterStateCommit', 'afterCommitLog'];

let server: LogServer;
let n = 0;
const unique = (p: string) => `${p}-${++n}-${Date.now()}`;
const spark = Session.builder().appName('log-sources').getOrCreate().newSession();

beforeAll(async () => {
  server = await startLogServer({ defaultPartitions: 2 });
});
afterAll(async () => {
  await server.close();
});

const urlOf = (format: Format) => (format === 'websocket' ? server.wsUrl : server.url);

function reader(format: Format, topic: string, options: Record<string, string | number> = {}): DataFrame {
  return spark.readStream.format(format).option('url', urlOf(format)).option('subscribe', topic).options(options).load();
}

/** `count` records v0.. into `partition` with timestamps base+i seconds. */
async function fill(topic: string, partition: number, from: number, count: number): Promise<void> {
  const records = Array.from({ length: count }, (_, i) => ({ key: `k${partition}`, value: `p${partition}-v${from + i}`, timestamp: 1_700_000_000_000 + (from + i) * 1000 }));
  await server.append(topic, records, partition);
}

/** Starts a query collecting each batch's rows (key, value, topic, partition, offset, timestamp ms). */
async function collect(df: DataFrame, batches: Map<number, unknown[][]>, location = `memory://${unique('cp')}`, onProtocolStep?: (step: ProtocolStep, batchId: number) => void): Promise<StreamingQuery> {
  return df
    .select('key', 'value', 'topic', 'partition', 'offset', F.col('timestamp').cast('long').alias('ts'))
    .writeStream.option('checkpointLocation', location)
    .foreachBatch(async (batch, id) => {
      batches.set(id, await batch.toArray());
    })
    .start(onProtocolStep ? { onProtocolStep } : {});
}

/** A source row as getBatch returns it (timestamp in microseconds). */
const rawRow = (topic: string, p: number, o: number) => [`k${p}`, `p${p}-v${o}`, topic, p, o, (1_700_000_000_000 + o * 1000) * 1000];
const row = (topic: string, p: number, o: number) => [`k${p}`, `p${p}-v${o}`, topic, p, o, 1_700_000_000 + o];

describe.each(FORMATS)('format(%s)', (format) => {
  it('reads exact rows per batch under maxOffsetsPerTrigger, split across 2 partitions like Spark', async () => {
    const topic = unique(`${format}-rate`);
    await server.createTopic(topic, 2);
    await fill(topic, 0, 0, 6);
    await fill(topic, 1, 0, 2);
    const batches = new Map<number, unknown[][]>();
    const q = await collect(reader(format, topic, { startingOffsets: 'earliest', maxOffsetsPerTrigger: 3 }), batches);
    await q.processAllAvailable();
    // Spark's rateLimit: 3 × 6/8 → 2 and 3 × 2/8 → ceil 1; then 3 × 4/5 → 2, 3 × 1/5 → 1; then the rest.
    expect([...batches.entries()]).toEqual([
      [0, [row(topic, 0, 0), row(topic, 0, 1), row(topic, 1, 0)]],
      [1, [row(topic, 0, 2), row(topic, 0, 3), row(topic, 1, 1)]],
      [2, [row(topic, 0, 4), row(topic, 0, 5)]],
    ]);
    expect(q.lastProgress?.sources[0]?.endOffset).toEqual({ [topic]: { '0': 6, '1': 2 } });
    expect(q.lastProgress?.sources[0]?.description).toContain(topic);
    // More data later: the next batch picks it up from where the last one ended.
    await fill(topic, 1, 2, 1);
    await q.processAllAvailable();
    expect(batches.get(3)).toEqual([row(topic, 1, 2)]);
    await q.stop();
    expect(q.exception()).toBeNull();
  });

  it('trigger availableNow reads the backlog in rate-limited batches, then stops', async () => {
    const topic = unique(`${format}-now`);
    await server.createTopic(topic, 2);
    await fill(topic, 0, 0, 4);
    await fill(topic, 1, 0, 4);
    const batches = new Map<number, unknown[][]>();
    const q = await reader(format, topic, { startingOffsets: 'earliest', maxOffsetsPerTrigger: 4 })
      .select('partition', 'offset')
      .writeStream.trigger({ availableNow: true })
      .foreachBatch(async (df, id) => {
        batches.set(id, await df.toArray());
      })
      .start();
    await q.awaitTermination();
    expect([...batches.entries()]).toEqual([
      [0, [[0, 0], [0, 1], [1, 0], [1, 1]]],
      [1, [[0, 2], [0, 3], [1, 2], [1, 3]]],
    ]);
  });

  it('startingOffsets: earliest, latest (the default) and Kafka-style JSON with -2 / -1', async () => {
    const topic = unique(`${format}-start`);
    await server.createTopic(topic, 2);
    await fill(topic, 0, 0, 5);
    await fill(topic, 1, 0, 3);

    const earliest = new Map<number, unknown[][]>();
    const q1 = await collect(reader(format, topic, { startingOffsets: 'earliest' }), earliest);
    await q1.processAllAvailable();
    expect([...earliest.values()].flat()).toEqual([...[0, 1, 2, 3, 4].map((o) => row(topic, 0, o)), ...[0, 1, 2].map((o) => row(topic, 1, o))]);

    const latest = new Map<number, unknown[][]>();
    const q2 = await collect(reader(format, topic), latest);
    const json = new Map<number, unknown[][]>();
    const q3 = await collect(reader(format, topic, { startingOffsets: JSON.stringify({ [topic]: { '0': 3, '1': -2 } }) }), json);
    const jsonLatest = new Map<number, unknown[][]>();
    const q4 = await collect(reader(format, topic, { startingOffsets: JSON.stringify({ [topic]: { '0': -1, '1': 1 } }) }), jsonLatest);
    await Promise.all([q2.processAllAvailable(), q3.processAllAvailable(), q4.processAllAvailable()]);
    // Records arriving after the queries started.
    await fill(topic, 0, 5, 1);
    await fill(topic, 1, 3, 1);
    await Promise.all([q1.processAllAvailable(), q2.processAllAvailable(), q3.processAllAvailable(), q4.processAllAvailable()]);

    expect([...latest.values()].flat()).toEqual([row(topic, 0, 5), row(topic, 1, 3)]);
    expect([...json.values()].flat().sort()).toEqual([row(topic, 0, 3), row(topic, 0, 4), row(topic, 0, 5), ...[0, 1, 2, 3].map((o) => row(topic, 1, o))].sort());
    expect([...jsonLatest.values()].flat().sort()).toEqual([row(topic, 0, 5), row(topic, 1, 1), row(topic, 1, 2), row(topic, 1, 3)].sort());
    expect([...earliest.values()].flat()).toHaveLength(10);
    for (const q of [q1, q2, q3, q4]) await q.stop();
  });

  it('a restart on the same checkpoint resumes with no row lost or repeated, and keeps the resolved starting offsets', async () => {
    const topic = unique(`${format}-restart`);
    await server.createTopic(topic, 2);
    await fill(topic, 0, 0, 2);
    const location = `memory://${unique('restart')}`;
    const first = new Map<number, unknown[][]>();
    // 'latest': the two existing records are skipped, and stay skipped after the restart.
    const q1 = await collect(reader(format, topic, { maxOffsetsPerTrigger: 2 }), first, location);
    await q1.processAllAvailable();
    await fill(topic, 0, 2, 3);
    await fill(topic, 1, 0, 2);
    await q1.processAllAvailable();
    await q1.stop();
    // Arrives while the query is down.
    await fill(topic, 1, 2, 2);
    await fill(topic, 0, 5, 1);
    const second = new Map<number, unknown[][]>();
    const q2 = await collect(reader(format, topic, { maxOffsetsPerTrigger: 2, startingOffsets: 'earliest' }), second, location);
    await q2.processAllAvailable();
    await q2.stop();
    const firstIds = [...first.keys()];
    const secondIds = [...second.keys()];
    expect(Math.min(...secondIds)).toBe(Math.max(...firstIds) + 1);
    const all = [...first.values(), ...second.values()].flat();
    const expected = [...[2, 3, 4, 5].map((o) => row(topic, 0, o)), ...[0, 1, 2, 3].map((o) => row(topic, 1, o))];
    expect([...all].sort()).toEqual([...expected].sort());
    for (const rows of [...first.values(), ...second.values()]) expect(rows.length).toBeLessThanOrEqual(2);
  });

  it('a failure injected at every protocol step, then a restart, gives exactly the uninterrupted output', async () => {
    const phases: [number, number, number][][] = [
      // [partition, from, count] appended before each processAllAvailable.
      [
        [0, 0, 3],
        [1, 0, 2],
      ],
      [[0, 3, 2]],
      [
        [1, 2, 3],
        [0, 5, 1],
      ],
    ];
    const counts = (df: DataFrame) =>
      df
        .groupBy('partition')
        .agg(F.count('*').alias('n'), F.max('offset').alias('last'), F.collectList('value').alias('values'))
        .select('partition', 'n', 'last', F.col('values').cast('string').alias('values'));

    async function run(fail?: { step: ProtocolStep; batch: number }): Promise<unknown[][]> {
      const topic = unique(`${format}-fail`);
      await server.createTopic(topic, 2);
      const location = `memory://${unique('fail')}`;
      const sink = new Map<number, unknown[][]>();
      let failed = false;
      const start = () =>
        counts(reader(format, topic, { startingOffsets: 'earliest', maxOffsetsPerTrigger: 3 }))
          .writeStream.outputMode('update')
          .option('checkpointLocation', location)
          .foreachBatch(async (df, id) => {
            sink.set(id, await df.toArray());
          })
          .start({
            onProtocolStep: (step, batchId) => {
              if (fail && !failed && step === fail.step && batchId === fail.batch) {
                failed = true;
                throw new Error(`injected failure at ${step} of batch ${batchId}`);
              }
            },
          });
      let q = await start();
      for (const phase of phases) {
        for (const [p, from, count] of phase) await fill(topic, p, from, count);
        await q.processAllAvailable().catch(() => undefined);
        if (!q.isActive) {
          expect(q.exception()?.errorClass).toBe('STREAM_FAILED');
          q = await start();
          await q.processAllAvailable();
        }
      }
      await q.stop();
      if (fail) expect(failed, `failure at ${fail.step} of batch ${fail.batch} was injected`).toBe(true);
      return [...sink.entries()].sort((a, b) => a[0] - b[0]).flatMap(([id, rows]) => rows.map((r) => [id, ...r]));
    }

    // The aggregation keeps state per partition forever (fine here): silence the engine's warning.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    onTestFinished(() => warn.mockRestore());
    const reference = await run();
    expect(reference.filter((r) => r[1] === 0).at(-1)).toEqual([expect.any(Number), 0, 6, 5, '[p0-v0, p0-v1, p0-v2, p0-v3, p0-v4, p0-v5]']);
    expect(reference.filter((r) => r[1] === 1).at(-1)).toEqual([expect.any(Number), 1, 5, 4, '[p1-v0, p1-v1, p1-v2, p1-v3, p1-v4]']);
    for (const step of STEPS) {
      for (const batch of [0, 1, 2]) {
        expect(await run({ step, batch }), `failure at ${step} of batch ${batch}`).toEqual(reference);
      }
    }
  });

  it('passes checkSourceContract, and wakes the trigger loop when records arrive', async () => {
    const make = (topic: string) => {
      const options = { url: urlOf(format), subscribe: topic, startingOffsets: 'earliest', maxOffsetsPerTrigger: '4' };
      return format === 'websocket' ? new WebSocketSource(options) : new SseSource(options);
    };
    // checkSourceContract wants split ranges to concatenate, in order, to the whole range: true of
    // one partition (rows come out by partition, then offset), so it runs on a 1-partition topic.
    const single = unique(`${format}-contract1`);
    await server.createTopic(single, 1);
    await fill(single, 0, 0, 10);
    const s1 = make(single);
    await checkSourceContract(s1, { expectRows: 10 });
    await s1.stop();
    // A second run on the checkpoint's metadata reads the same.
    const s2 = make(single);
    await checkSourceContract(s2, { expectRows: 10, metadata: { startingOffsets: { [single]: 'earliest' } } });
    await s2.stop();

    // Two partitions: the same properties, with split ranges compared as sets of rows.
    const topic = unique(`${format}-contract2`);
    await server.createTopic(topic, 2);
    await fill(topic, 0, 0, 7);
    await fill(topic, 1, 0, 3);
    const source = make(topic);
    try {
      expect(await source.initialize({ startingOffsets: { [topic]: 'earliest' } })).toEqual({ startingOffsets: { [topic]: 'earliest' } });
      const start = await source.initialOffset();
      expect(start).toEqual({ [topic]: { '0': 0, '1': 0 } });
      const end = (await source.latestOffset(start, { kind: 'all' }))!;
      expect(end).toEqual({ [topic]: { '0': 7, '1': 3 } });
      const all = await source.getBatch(start, end);
      expect(all).toEqual([...[0, 1, 2, 3, 4, 5, 6].map((o) => rawRow(topic, 0, o)), ...[0, 1, 2].map((o) => rawRow(topic, 1, o))]);
      expect(await source.getBatch(start, end)).toEqual(all);
      const limited = (await source.latestOffset(start, source.defaultReadLimit!))!;
      expect(limited).toEqual({ [topic]: { '0': 2, '1': 1 } }); // 4 × 7/10 = 2.8 → 2, 4 × 3/10 = 1.2 → 1
      const part = await source.getBatch(start, limited);
      const rest = await source.getBatch(limited, end);
      expect([...part, ...rest].map((r) => JSON.stringify(r)).sort()).toEqual(all.map((r) => JSON.stringify(r)).sort());

      expect(await source.latestOffset(end, { kind: 'all' })).toEqual(end);
      const woke = firstValueFrom(source.dataAvailable$);
      await fill(topic, 1, 3, 1);
      await woke;
      expect(await source.latestOffset(end, { kind: 'all' })).toEqual({ [topic]: { '0': 7, '1': 4 } });
      expect(await source.getBatch(end, { [topic]: { '0': 7, '1': 4 } })).toEqual([rawRow(topic, 1, 3)]);
    } finally {
      await source.stop();
    }
  });

  it('failOnDataLoss: reading records no longer retained fails the query, or skips them with a warning', async () => {
    const topic = unique(`${format}-loss`);
    await server.createTopic(topic, 1);
    await fill(topic, 0, 0, 5);
    await server.truncate(topic, 0, 3);

    const failing = await collect(reader(format, topic, { startingOffsets: JSON.stringify({ [topic]: { '0': 1 } }) }), new Map());
    await expect(failing.processAllAvailable()).rejects.toThrow(RivuletError);
    expect(failing.exception()?.errorClass).toBe('STREAM_FAILED');
    expect((failing.exception()?.cause as RivuletError).errorClass).toBe('SOURCE_DATA_LOSS');
    expect(failing.exception()?.message).toContain('failOnDataLoss');

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const rows = new Map<number, unknown[][]>();
      const skipping = await collect(reader(format, topic, { startingOffsets: JSON.stringify({ [topic]: { '0': 1 } }), failOnDataLoss: 'false' }), rows);
      await skipping.processAllAvailable();
      await skipping.stop();
      expect([...rows.values()].flat()).toEqual([row(topic, 0, 3), row(topic, 0, 4)]);
      expect(warn.mock.calls.some(([m]) => String(m).includes('offsets 1..2 are no longer available'))).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });

  it('missing or invalid options fail at load() naming the option', () => {
    const base = () => spark.readStream.format(format);
    const option = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(RivuletError);
        return { errorClass: (e as RivuletError).errorClass, option: (e as RivuletError).messageParameters['option'], message: (e as Error).message };
      }
      throw new Error('expected an error');
    };
    expect(option(() => base().option('subscribe', 't').load())).toMatchObject({ errorClass: 'INVALID_SOURCE_OPTION', option: 'url', message: expect.stringContaining("'url'") });
    expect(option(() => base().option('url', urlOf(format)).load())).toMatchObject({ errorClass: 'INVALID_SOURCE_OPTION', option: 'subscribe' });
    expect(option(() => base().option('url', 'ftp://x').option('subscribe', 't').load())).toMatchObject({ option: 'url' });
    expect(option(() => base().option('url', urlOf(format)).option('subscribe', 't').option('startingOffsets', 'sometime').load())).toMatchObject({ option: 'startingOffsets' });
    expect(option(() => base().option('url', urlOf(format)).option('subscribe', 't').option('startingOffsets', '{"other":{"0":1}}').load())).toMatchObject({
      option: 'startingOffsets',
      message: expect.stringContaining("'other'"),
    });
    expect(option(() => base().option('url', urlOf(format)).option('subscribe', 't').option('maxOffsetsPerTrigger', 0).load())).toMatchObject({ option: 'maxOffsetsPerTrigger' });
    expect(option(() => base().option('url', urlOf(format)).option('subscribe', 't').option('failOnDataLoss', 'maybe').load())).toMatchObject({ option: 'failOnDataLoss' });
  });

  it('startingOffsets JSON must cover every partition of the topic', async () => {
    const topic = unique(`${format}-cover`);
    await server.createTopic(topic, 2);
    const start = collect(reader(format, topic, { startingOffsets: JSON.stringify({ [topic]: { '0': 0 } }) }), new Map());
    await expect(start).rejects.toMatchObject({ errorClass: 'INVALID_SOURCE_OPTION', messageParameters: { option: 'startingOffsets' }, message: expect.stringContaining('missing 1') });
  });

  it('an unreachable server fails the query with exception() set, naming the url', async () => {
    const gone = await startLogServer();
    const url = format === 'websocket' ? gone.wsUrl : gone.url;
    await gone.close();
    const q = await collect(
      spark.readStream.format(format).option('url', url).option('subscribe', 'x').option('startingOffsets', 'earliest').option('timeoutMs', 300).load(),
      new Map(),
    );
    await expect(q.awaitTermination()).rejects.toThrow(url);
    expect(q.isActive).toBe(false);
    expect(q.exception()?.errorClass).toBe('STREAM_FAILED');
    const cause = q.exception()?.cause as RivuletError;
    expect(cause.errorClass).toBe('SOURCE_UNREACHABLE');
    expect(cause.messageParameters['url']).toBe(url);
    expect(cause.message).toContain(url);

    // With startingOffsets 'latest' the source asks the server when the query starts, so start() itself fails.
    const start = collect(spark.readStream.format(format).option('url', url).option('subscribe', 'x').option('timeoutMs', 300).load(), new Map());
    await expect(start).rejects.toMatchObject({ errorClass: 'SOURCE_UNREACHABLE', message: expect.stringContaining(url) });
  });

  it('an unknown topic fails the query with SOURCE_TOPIC_NOT_FOUND', async () => {
    const q = await collect(reader(format, unique('never-created'), { startingOffsets: 'earliest' }), new Map());
    await expect(q.awaitTermination()).rejects.toThrow(RivuletError);
    expect((q.exception()?.cause as RivuletError).errorClass).toBe('SOURCE_TOPIC_NOT_FOUND');
  });

  it('lives through a server restart on the same port and storage', async () => {
    const name = unique('restartable');
    let s = await startLogServer({ storage: `memory://${name}`, topics: { r: 2 } });
    const port = s.port;
    await s.append('r', [{ key: 'a', value: '1', timestamp: 0 }], 0);
    const rows = new Map<number, unknown[][]>();
    const q = await spark.readStream
      .format(format)
      .option('url', format === 'websocket' ? s.wsUrl : s.url)
      .option('subscribe', 'r')
      .option('startingOffsets', 'earliest')
      .load()
      .select('value', 'partition', 'offset')
      .writeStream.foreachBatch(async (df, id) => {
        rows.set(id, await df.toArray());
      })
      .start();
    await q.processAllAvailable();
    await s.close();
    s = await startLogServer({ storage: `memory://${name}`, port });
    await s.append('r', [{ key: 'b', value: '2', timestamp: 0 }], 1);
    await q.processAllAvailable();
    await q.stop();
    await s.close();
    expect(q.exception()).toBeNull();
    expect([...rows.values()].flat()).toEqual([
      ['1', 0, 0],
      ['2', 1, 0],
    ]);
  });
});

describe('rateLimit (Spark KafkaMicroBatchStream.rateLimit)', () => {
  it('splits proportionally, never starving a small partition', () => {
    expect(rateLimit(3, [{ from: 0, until: 6 }, { from: 0, until: 2 }])).toEqual([2, 1]);
    expect(rateLimit(10, [{ from: 5, until: 105 }, { from: 0, until: 0 }])).toEqual([15, 0]);
    expect(rateLimit(100, [{ from: 0, until: 3 }, { from: 7, until: 9 }])).toEqual([3, 9]);
  });
});
