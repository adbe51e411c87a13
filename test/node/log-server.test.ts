// The rivulet/node log server (src/node/log-server.ts) speaking the replayable-log protocol of
// src/sources/log-protocol.ts: WebSocket produce/fetch/latest/subscribe, HTTP and SSE (with
// Last-Event-ID), partitioning, retention, and LevelDB persistence across a restart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startLogServer, type LogServer } from '../../src/node/index.js';
import { encodeSseRecord, partitionForKey, type LogRecord } from '../../src/sources/log-protocol.js';

const servers: LogServer[] = [];
const sockets: WebSocket[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function server(options: Parameters<typeof startLogServer>[0] = {}): Promise<LogServer> {
  const s = await startLogServer(options);
  servers.push(s);
  return s;
}

/** A minimal protocol client: request/reply by id, pushes collected. */
async function client(url: string) {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const pushes: unknown[] = [];
  const waiting = new Map<number, (m: unknown) => void>();
  const pushWaiters: (() => void)[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { id?: number; op?: string };
    if (m.op) {
      pushes.push(m);
      pushWaiters.splice(0).forEach((w) => w());
    } else waiting.get(m.id!)?.(m);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let next = 1;
  return {
    pushes,
    request(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
      const id = next++;
      return new Promise((resolve) => {
        waiting.set(id, resolve as (m: unknown) => void);
        ws.send(JSON.stringify({ ...msg, id }));
      });
    },
    raw(text: string): Promise<Record<string, unknown>> {
      return new Promise((resolve) => {
        ws.once('message', (d) => resolve(JSON.parse(String(d)) as Record<string, unknown>));
        ws.send(text);
      });
    },
    async untilPushes(n: number): Promise<unknown[]> {
      while (pushes.length < n) await new Promise<void>((r) => pushWaiters.push(r));
      return pushes;
    },
  };
}

/** Reads `n` SSE record events from the stream at `path`. */
async function readSse(url: string, n: number, headers: Record<string, string> = {}): Promise<{ ids: string[]; records: LogRecord[]; contentType: string | null }> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const ids: string[] = [];
  const records: LogRecord[] = [];
  const parser = createParser({
    onEvent(ev) {
      if (ev.event !== 'record') return;
      ids.push(ev.id!);
      records.push(JSON.parse(ev.data) as LogRecord);
    },
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  while (records.length < n) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
  abort.abort();
  await reader.cancel().catch(() => undefined);
  return { ids, records, contentType: res.headers.get('content-type') };
}

describe('log server: WebSocket protocol', () => {
  it('produce assigns dense offsets per partition; fetch and latest read them back exactly', async () => {
    const s = await server({ topics: { events: 2 } });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.wsUrl).toBe(`ws://127.0.0.1:${s.port}`);
    const c = await client(s.wsUrl);

    expect(await c.request({ op: 'latest', topic: 'events' })).toEqual({ id: 1, partitions: [0, 0], earliest: [0, 0] });
    const produced = await c.request({
      op: 'produce',
      topic: 'events',
      partition: 1,
      records: [
        { key: 'a', value: 'v0', timestamp: 1000 },
        { key: null, value: null, timestamp: 2000 },
        { key: 'c', value: 'v2', timestamp: 3000 },
      ],
    });
    expect(produced).toEqual({ id: 2, offsets: [0, 1, 2], partitions: [1, 1, 1] });
    await c.request({ op: 'produce', topic: 'events', partition: 0, records: [{ key: 'z', value: 'w', timestamp: 5 }] });
    expect(await c.request({ op: 'latest', topic: 'events' })).toEqual({ id: 4, partitions: [1, 3], earliest: [0, 0] });

    expect(await c.request({ op: 'fetch', topic: 'events', partition: 1, from: 0, max: 10 })).toEqual({
      id: 5,
      records: [
        { offset: 0, key: 'a', value: 'v0', timestamp: 1000 },
        { offset: 1, key: null, value: null, timestamp: 2000 },
        { offset: 2, key: 'c', value: 'v2', timestamp: 3000 },
      ],
    });
    // Paging: `max` bounds a page, `from` starts it.
    expect(await c.request({ op: 'fetch', topic: 'events', partition: 1, from: 1, max: 1 })).toEqual({ id: 6, records: [{ offset: 1, key: null, value: null, timestamp: 2000 }] });
    expect(await c.request({ op: 'fetch', topic: 'events', partition: 1, from: 3, max: 10 })).toEqual({ id: 7, records: [] });
    expect(await c.request({ op: 'fetch', topic: 'events', partition: 0, from: 0, max: 10 })).toEqual({ id: 8, records: [{ offset: 0, key: 'z', value: 'w', timestamp: 5 }] });
  });

  it('partitions keyed records by FNV-1a of the key and unkeyed ones round-robin', async () => {
    const s = await server({ topics: { keyed: 3 } });
    // FNV-1a 32-bit reference values.
    expect(partitionForKey('', 1 << 30)).toBe(0x811c9dc5 % (1 << 30));
    expect(partitionForKey('a', 2 ** 32)).toBe(0xe40c292c);
    expect(partitionForKey('foobar', 2 ** 32)).toBe(0xbf9cf968);
    const keys = ['user-1', 'user-2', 'user-3', 'user-1'];
    const keyed = await s.append('keyed', keys.map((k) => ({ key: k, value: k })));
    expect(keyed.map((r) => r.partition)).toEqual(keys.map((k) => partitionForKey(k, 3)));
    const unkeyed = await s.append('keyed', [{ value: 'x' }, { value: 'y' }, { value: 'z' }, { value: 'w' }]);
    expect(unkeyed.map((r) => r.partition)).toEqual([0, 1, 2, 0]);
    // Offsets stay dense per partition across both appends.
    const ends = s.ends('keyed')!;
    expect(ends.reduce((a, b) => a + b, 0)).toBe(8);
  });

  it('subscribe pushes appended with the new end', async () => {
    const s = await server({ topics: { live: 2 } });
    const c = await client(s.wsUrl);
    expect(await c.request({ op: 'subscribe', topic: 'live' })).toEqual({ id: 1, ok: true });
    await s.append('live', [{ key: null, value: 'a' }], 1);
    await s.append('live', [{ key: null, value: 'b' }, { key: null, value: 'c' }], 0);
    expect(await c.untilPushes(2)).toEqual([
      { op: 'appended', topic: 'live', partition: 1, end: 1 },
      { op: 'appended', topic: 'live', partition: 0, end: 2 },
    ]);
    expect(await c.request({ op: 'unsubscribe', topic: 'live' })).toEqual({ id: 2, ok: true });
    await s.append('live', [{ value: 'd' }], 0);
    // Nothing more for this client; a latest still answers.
    expect(await c.request({ op: 'latest', topic: 'live' })).toEqual({ id: 3, partitions: [3, 1], earliest: [0, 0] });
    expect(c.pushes).toHaveLength(2);
  });

  it('answers errors with stable codes', async () => {
    const s = await server({ topics: { t: 2 } });
    const c = await client(s.wsUrl);
    expect(await c.request({ op: 'latest', topic: 'nope' })).toMatchObject({ id: 1, error: { code: 'UNKNOWN_TOPIC', message: expect.stringContaining("'nope'") } });
    expect(await c.request({ op: 'fetch', topic: 't', partition: 2, from: 0, max: 1 })).toMatchObject({ id: 2, error: { code: 'INVALID_PARTITION' } });
    expect(await c.request({ op: 'fetch', topic: 't', partition: 0, from: -1, max: 1 })).toMatchObject({ id: 3, error: { code: 'BAD_REQUEST' } });
    expect(await c.request({ op: 'produce', topic: 't', records: [{ value: { not: 'a string' } }] })).toMatchObject({
      id: 4,
      error: { code: 'INVALID_RECORD', message: expect.stringContaining('Record 0') },
    });
    expect(await c.request({ op: 'produce', topic: 'bad/name', records: [{ value: 'x' }] })).toMatchObject({ id: 5, error: { code: 'BAD_REQUEST' } });
    expect(await c.request({ op: 'dance' })).toMatchObject({ id: 6, error: { code: 'BAD_REQUEST', message: expect.stringContaining('dance') } });
    expect(await c.raw('not json')).toMatchObject({ id: null, error: { code: 'BAD_REQUEST' } });
    // Nothing was written by the failed produce.
    expect(s.ends('t')).toEqual([0, 0]);
  });

  it('creates a topic on its first produce with defaultPartitions', async () => {
    const s = await server({ defaultPartitions: 3 });
    const c = await client(s.wsUrl);
    expect(await c.request({ op: 'produce', topic: 'fresh', records: [{ key: null, value: 'a' }] })).toEqual({ id: 1, offsets: [0], partitions: [0] });
    expect(await c.request({ op: 'latest', topic: 'fresh' })).toEqual({ id: 2, partitions: [1, 0, 0], earliest: [0, 0, 0] });
  });
});

describe('log server: HTTP and SSE', () => {
  it('serves topic ends, takes POSTed records and answers unknown routes with JSON errors', async () => {
    const s = await server({ topics: { h: 2 } });
    const posted = await fetch(`${s.url}/topics/h/records?partition=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ key: 'k', value: 'v', timestamp: 7 }, { key: null, value: 'w', timestamp: 8 }]),
    });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('access-control-allow-origin')).toBe('*');
    expect(await posted.json()).toEqual({ offsets: [0, 1], partitions: [1, 1] });
    expect(await (await fetch(`${s.url}/topics/h`)).json()).toEqual({ partitions: [0, 2], earliest: [0, 0] });
    expect(await (await fetch(`${s.url}/topics`)).json()).toEqual({ topics: { h: 2 } });

    const missing = await fetch(`${s.url}/topics/none`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'UNKNOWN_TOPIC' } });
    const bad = await fetch(`${s.url}/topics/h/records`, { method: 'POST', body: '{"not":"an array"}' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_RECORD' } });
    const preflight = await fetch(`${s.url}/topics/h/0/sse`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('last-event-id');
    expect((await fetch(`${s.url}/elsewhere`)).status).toBe(404);
  });

  it('streams records as SSE events whose ids are offsets, from ?from= and then live', async () => {
    const s = await server({ topics: { sse: 2 } });
    await s.append('sse', [0, 1, 2].map((i) => ({ key: `k${i}`, value: `v${i}`, timestamp: 100 + i })), 1);
    const reading = readSse(`${s.url}/topics/sse/1/sse?from=1`, 4);
    // Records appended while the stream is open arrive on it too.
    await s.append('sse', [{ key: 'k3', value: 'v3', timestamp: 103 }, { key: 'k4', value: 'v4', timestamp: 104 }], 1);
    const got = await reading;
    expect(got.contentType).toMatch(/^text\/event-stream/);
    expect(got.ids).toEqual(['1', '2', '3', '4']);
    expect(got.records).toEqual([1, 2, 3, 4].map((i) => ({ offset: i, key: `k${i}`, value: `v${i}`, timestamp: 100 + i })));
    expect(encodeSseRecord(got.records[0]!)).toBe(`id: 1\nevent: record\ndata: {"offset":1,"key":"k1","value":"v1","timestamp":101}\n\n`);
  });

  it('honours Last-Event-ID over ?from= (EventSource reconnects re-use the first URL)', async () => {
    const s = await server({ topics: { resume: 1 } });
    await s.append('resume', [0, 1, 2, 3, 4].map((i) => ({ key: null, value: `v${i}`, timestamp: i })));
    const got = await readSse(`${s.url}/topics/resume/0/sse?from=0`, 2, { 'last-event-id': '2' });
    expect(got.ids).toEqual(['3', '4']);
    expect(got.records.map((r) => r.value)).toEqual(['v3', 'v4']);
    const bad = await fetch(`${s.url}/topics/resume/0/sse`, { headers: { 'last-event-id': 'x' } });
    expect(bad.status).toBe(400);
    const noPartition = await fetch(`${s.url}/topics/resume/3/sse`);
    expect(noPartition.status).toBe(400);
    expect(await noPartition.json()).toMatchObject({ error: { code: 'INVALID_PARTITION' } });
  });

  it('truncate drops old records: earliest moves up and reads start above the requested offset', async () => {
    const s = await server({ topics: { ret: 1 } });
    await s.append('ret', [0, 1, 2, 3, 4].map((i) => ({ key: null, value: `v${i}`, timestamp: i })));
    await s.truncate('ret', 0, 3);
    const c = await client(s.wsUrl);
    expect(await c.request({ op: 'latest', topic: 'ret' })).toEqual({ id: 1, partitions: [5], earliest: [3] });
    const page = (await c.request({ op: 'fetch', topic: 'ret', partition: 0, from: 0, max: 10 })) as { records: LogRecord[] };
    expect(page.records.map((r) => r.offset)).toEqual([3, 4]);
    expect((await readSse(`${s.url}/topics/ret/0/sse?from=1`, 2)).ids).toEqual(['3', '4']);
    await expect(s.append('missing-topic-is-created', [{ value: 1 as unknown as string }])).rejects.toMatchObject({ errorClass: 'LOG_SERVER.INVALID_RECORD' });
  });
});

describe('log server: persistence', () => {
  it('keeps topics, records, offsets and retention across a restart on the same LevelDB directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rivulet-log-'));
    dirs.push(dir);
    const first = await startLogServer({ storage: `level://${dir}`, topics: { p: 2 } });
    await first.append('p', [{ key: null, value: 'a', timestamp: 1 }, { key: null, value: 'b', timestamp: 2 }], 0);
    await first.append('p', [{ key: null, value: 'c', timestamp: 3 }], 1);
    await first.append('auto', [{ key: null, value: 'x', timestamp: 4 }]);
    await first.truncate('p', 0, 1);
    await first.close();

    const second = await server({ storage: `level://${dir}` });
    const c = await client(second.wsUrl);
    expect(await c.request({ op: 'latest', topic: 'p' })).toEqual({ id: 1, partitions: [2, 1], earliest: [1, 0] });
    expect(await c.request({ op: 'latest', topic: 'auto' })).toEqual({ id: 2, partitions: [1], earliest: [0] });
    expect(await c.request({ op: 'fetch', topic: 'p', partition: 0, from: 0, max: 10 })).toEqual({ id: 3, records: [{ offset: 1, key: null, value: 'b', timestamp: 2 }] });
    // Appends continue after the persisted end.
    expect(await second.append('p', [{ key: null, value: 'd', timestamp: 5 }], 1)).toEqual([{ partition: 1, offset: 1 }]);
    expect(await c.request({ op: 'fetch', topic: 'p', partition: 1, from: 0, max: 10 })).toEqual({
      id: 4,
      records: [
        { offset: 0, key: null, value: 'c', timestamp: 3 },
        { offset: 1, key: null, value: 'd', timestamp: 5 },
      ],
    });
  });

  it('a named memory store outlives a server within the process; bad storage is a clear error', async () => {
    const name = `mem-${Date.now()}`;
    const a = await startLogServer({ storage: `memory://${name}`, topics: { m: 1 } });
    await a.append('m', [{ key: null, value: 'kept', timestamp: 1 }]);
    await a.close();
    const b = await server({ storage: `memory://${name}` });
    expect(b.ends('m')).toEqual([1]);
    await expect(startLogServer({ storage: 'redis://x' })).rejects.toMatchObject({ errorClass: 'INVALID_LOG_SERVER_OPTION', messageParameters: { option: 'storage' } });
    await expect(startLogServer({ port: b.port })).rejects.toMatchObject({ errorClass: 'LOG_SERVER_LISTEN_FAILED' });
  });
});
