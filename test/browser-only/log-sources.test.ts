// The websocket and sse sources in real Chromium (the browser's own WebSocket and fetch
// streaming), reading the log server that test/setup/log-server.ts starts for this project.
// Records are produced from the page too: over the WebSocket protocol and by HTTP POST.
import { describe, expect, inject, it } from 'vitest';
import { F, Session, type DataFrame } from '../../src/index.js';

const server = inject('logServer');
const spark = Session.builder().appName('browser-log-sources').getOrCreate().newSession();
let n = 0;
const unique = (p: string) => `${p}-${++n}-${Date.now()}`;

const records = (p: number, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ key: `k${p}`, value: `p${p}-v${from + i}`, timestamp: 1_700_000_000_000 + (from + i) * 1000 }));

/** Produces over the WebSocket protocol with the page's own WebSocket. */
async function produceWs(topic: string, partition: number, from: number, count: number): Promise<unknown> {
  const ws = new WebSocket(server.wsUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  const reply = await new Promise<unknown>((resolve) => {
    ws.onmessage = (ev) => resolve(JSON.parse(String(ev.data)));
    ws.send(JSON.stringify({ op: 'produce', id: 1, topic, partition, records: records(partition, from, count) }));
  });
  ws.close();
  return reply;
}

/** Produces with a cross-origin POST (the server sends CORS headers). */
async function produceHttp(topic: string, partition: number, from: number, count: number): Promise<unknown> {
  const res = await fetch(`${server.url}/topics/${topic}/records?partition=${partition}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(records(partition, from, count)),
  });
  return res.json();
}

const row = (topic: string, p: number, o: number) => [`k${p}`, `p${p}-v${o}`, topic, p, o, 1_700_000_000 + o];

async function runBatches(df: DataFrame): Promise<{ batches: Map<number, unknown[][]>; stop: () => Promise<void>; drain: () => Promise<void> }> {
  const batches = new Map<number, unknown[][]>();
  const q = await df
    .select('key', 'value', 'topic', 'partition', 'offset', F.col('timestamp').cast('long').alias('ts'))
    .writeStream.foreachBatch(async (batch, id) => {
      batches.set(id, await batch.toArray());
    })
    .start();
  return { batches, stop: () => q.stop(), drain: () => q.processAllAvailable() };
}

describe.each([
  ['websocket', () => server.wsUrl, produceWs],
  ['sse', () => server.url, produceHttp],
] as const)('format(%s) in Chromium', (format, url, produce) => {
  it('reads exact rows per batch with maxOffsetsPerTrigger over 2 partitions, then live records', async () => {
    const topic = unique(`browser-${format}`);
    expect(await produce(topic, 0, 0, 6)).toMatchObject({ offsets: [0, 1, 2, 3, 4, 5], partitions: [0, 0, 0, 0, 0, 0] });
    expect(await produce(topic, 1, 0, 2)).toMatchObject({ offsets: [0, 1], partitions: [1, 1] });
    const q = await runBatches(
      spark.readStream.format(format).option('url', url()).option('subscribe', topic).option('startingOffsets', 'earliest').option('maxOffsetsPerTrigger', 3).load(),
    );
    await q.drain();
    expect([...q.batches.entries()]).toEqual([
      [0, [row(topic, 0, 0), row(topic, 0, 1), row(topic, 1, 0)]],
      [1, [row(topic, 0, 2), row(topic, 0, 3), row(topic, 1, 1)]],
      [2, [row(topic, 0, 4), row(topic, 0, 5)]],
    ]);
    await produce(topic, 1, 2, 2);
    await q.drain();
    expect(q.batches.get(3)).toEqual([row(topic, 1, 2), row(topic, 1, 3)]);
    await q.stop();
  });

  it("startingOffsets 'latest' skips what was there before the query started", async () => {
    const topic = unique(`browser-${format}-latest`);
    await produce(topic, 0, 0, 3);
    const q = await runBatches(spark.readStream.format(format).option('url', url()).option('subscribe', topic).load());
    await q.drain();
    await produce(topic, 1, 0, 1);
    await produce(topic, 0, 3, 1);
    await q.drain();
    expect([...q.batches.values()].flat().sort()).toEqual([row(topic, 0, 3), row(topic, 1, 0)].sort());
    await q.stop();
  });
});
