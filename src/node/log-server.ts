/**
 * The rivulet/node log server: topics of partitioned, append-only logs served over WebSocket,
 * SSE and plain HTTP (the protocol in src/sources/log-protocol.ts), for the `websocket` and `sse`
 * sources and the demo's feed. One `node:http` server answers the HTTP and SSE routes and
 * upgrades WebSocket requests (`ws` with `noServer`).
 *
 * Records persist in a KVStore: LevelDB (`storage: 'level://<dir>'`, survives restarts) or
 * memory (`'memory'`, or `'memory://<name>'` to share one store across servers of a process).
 * Keys: `m/<topic>` → `{"partitions":P}`; `t/<topic>/<partition>/<16-digit offset>` → the record's
 * JSON; `l/<topic>/<partition>` → the first retained offset after a truncate(). Writes go through
 * one queue, so offsets are dense and a record is visible (to fetch, SSE and `appended` pushes)
 * only once it is stored. Binds 127.0.0.1 by default.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { RivuletError } from '../errors.js';
import {
  isValidTopicName,
  MAX_FETCH,
  partitionForKey,
  produceRecordProblem,
  type ClientMessage,
  type LogErrorCode,
  type LogRecord,
  type ProduceRecord,
  type RequestId,
} from '../sources/log-protocol.js';
import { prefixRange, type KVOperation, type KVStore } from '../storage/kv.js';
import { memoryKV } from '../storage/memory-kv.js';
import { openLevelKV } from './level-kv.js';

export interface LogServerOptions {
  /** Interface to bind (default 127.0.0.1: only this machine can connect). */
  readonly host?: string;
  /** Port (default 0: any free port; read it from the result). */
  readonly port?: number;
  /** 'memory' (default), 'memory://<name>' or 'level://<dir>'. */
  readonly storage?: string;
  /** Topics to create (name → partitions); a topic that exists already may grow, never shrink. */
  readonly topics?: Readonly<Record<string, number>>;
  /** Partitions of a topic created by its first produce (default 1). */
  readonly defaultPartitions?: number;
  /** Send `Access-Control-Allow-Origin: *` so pages on other origins can read (default true). */
  readonly cors?: boolean;
}

export interface AppendResult {
  readonly partition: number;
  readonly offset: number;
}

export interface LogServer {
  /** http://host:port: the `sse` source's url, and the HTTP routes' base. */
  readonly url: string;
  /** ws://host:port: the `websocket` source's url. */
  readonly wsUrl: string;
  readonly port: number;
  /** Appends records (to `partition`, or by key hash / round-robin); resolves once they are readable. */
  append(topic: string, records: readonly ProduceRecord[], partition?: number): Promise<AppendResult[]>;
  /** Creates a topic, or grows an existing one to `partitions`. */
  createTopic(topic: string, partitions: number): Promise<void>;
  /** Drops a partition's records below `before` (retention), so reading them is data loss. */
  truncate(topic: string, partition: number, before: number): Promise<void>;
  /** End offsets (next to write) per partition, or undefined for an unknown topic. */
  ends(topic: string): readonly number[] | undefined;
  close(): Promise<void>;
}

/** A failure answered to the client as `{ error: { code, message } }`. */
class RequestFailure extends Error {
  constructor(
    readonly code: LogErrorCode,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface TopicState {
  partitions: number;
  ends: number[];
  earliest: number[];
  roundRobin: number;
}

const pad = (n: number): string => String(n).padStart(16, '0');
const recordKey = (topic: string, partition: number, offset: number): string => `t/${topic}/${partition}/${pad(offset)}`;

type AppendListener = (topic: string, partition: number, end: number) => void;

/** Topics over a KVStore: the server's storage, independent of the network. */
class LogStore {
  readonly topics = new Map<string, TopicState>();
  readonly #kv: KVStore;
  readonly #defaultPartitions: number;
  readonly #listeners = new Set<AppendListener>();
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(kv: KVStore, defaultPartitions: number) {
    this.#kv = kv;
    this.#defaultPartitions = defaultPartitions;
  }

  static async open(kv: KVStore, defaultPartitions: number): Promise<LogStore> {
    const store = new LogStore(kv, defaultPartitions);
    for await (const [key, value] of kv.entries(prefixRange('m/'))) {
      const topic = key.slice(2);
      const partitions = (JSON.parse(value) as { partitions: number }).partitions;
      const state: TopicState = { partitions, ends: [], earliest: [], roundRobin: 0 };
      for (let p = 0; p < partitions; p++) {
        const low = Number((await kv.get(`l/${topic}/${p}`)) ?? 0);
        let end = low;
        for await (const [k] of kv.entries(prefixRange(`t/${topic}/${p}/`, { reverse: true, limit: 1 }))) end = Math.max(end, Number(k.slice(k.lastIndexOf('/') + 1)) + 1);
        let first = end;
        for await (const [k] of kv.entries(prefixRange(`t/${topic}/${p}/`, { limit: 1 }))) first = Number(k.slice(k.lastIndexOf('/') + 1));
        state.ends.push(end);
        state.earliest.push(Math.max(low, Math.min(first, end)));
      }
      store.topics.set(topic, state);
    }
    return store;
  }

  onAppend(listener: AppendListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  topic(name: string): TopicState {
    const t = this.topics.get(name);
    if (!t) throw new RequestFailure('UNKNOWN_TOPIC', `Unknown topic '${name}'.`, 404);
    return t;
  }

  partition(t: TopicState, name: string, p: unknown): number {
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p >= t.partitions) {
      throw new RequestFailure('INVALID_PARTITION', `Topic '${name}' has partitions 0..${t.partitions - 1}; got ${JSON.stringify(p)}.`);
    }
    return p;
  }

  /** Records of [from, from + max) below the visible end, as [offset, record JSON]. */
  async read(topic: string, partition: number, from: number, max: number): Promise<[number, string][]> {
    const t = this.topic(topic);
    const end = t.ends[partition]!;
    if (from >= end || max <= 0) return [];
    const out: [number, string][] = [];
    const range = { gte: recordKey(topic, partition, from), lt: recordKey(topic, partition, end), limit: Math.min(max, MAX_FETCH) };
    for await (const [k, v] of this.#kv.entries(range)) out.push([Number(k.slice(k.lastIndexOf('/') + 1)), v]);
    return out;
  }

  #write<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Waits for every queued write. */
  drain(): Promise<unknown> {
    return this.#queue;
  }

  createTopic(name: string, partitions: number): Promise<void> {
    return this.#write(async () => {
      const ops = this.#createOps(name, partitions);
      await this.#kv.batch(ops);
    });
  }

  /** Ops creating or growing a topic; updates the in-memory state (call inside the write queue). */
  #createOps(name: string, partitions: number): KVOperation[] {
    if (!isValidTopicName(name)) throw new RequestFailure('BAD_REQUEST', `'${name}' is not a valid topic name (letters, digits, '.', '_' and '-').`);
    if (!Number.isInteger(partitions) || partitions < 1) throw new RequestFailure('BAD_REQUEST', `Topic '${name}' needs a positive integer number of partitions, got ${partitions}.`);
    const t = this.topics.get(name);
    if (t && t.partitions >= partitions) {
      if (t.partitions > partitions) throw new RequestFailure('BAD_REQUEST', `Topic '${name}' has ${t.partitions} partitions; partitions can be added, not removed.`);
      return [];
    }
    const state = t ?? { partitions: 0, ends: [], earliest: [], roundRobin: 0 };
    while (state.ends.length < partitions) {
      state.ends.push(0);
      state.earliest.push(0);
    }
    state.partitions = partitions;
    this.topics.set(name, state);
    return [{ type: 'put', key: `m/${name}`, value: JSON.stringify({ partitions }) }];
  }

  async append(topic: string, records: readonly unknown[], partition?: number): Promise<AppendResult[]> {
    if (!Array.isArray(records)) throw new RequestFailure('INVALID_RECORD', 'records must be an array.');
    records.forEach((r, i) => {
      const problem = produceRecordProblem(r);
      if (problem) throw new RequestFailure('INVALID_RECORD', `Record ${i} ${problem}; nothing was written.`);
    });
    return this.#write(async () => {
      const ops = this.topics.has(topic) ? [] : this.#createOps(topic, this.#defaultPartitions);
      const t = this.topic(topic);
      if (partition !== undefined) this.partition(t, topic, partition);
      const ends = [...t.ends];
      let rr = t.roundRobin;
      const now = Date.now();
      const results: AppendResult[] = [];
      for (const raw of records as ProduceRecord[]) {
        const key = raw.key ?? null;
        const p = partition ?? (key === null ? rr++ % t.partitions : partitionForKey(key, t.partitions));
        const record: LogRecord = { offset: ends[p]!, key, value: raw.value ?? null, timestamp: raw.timestamp ?? now };
        ops.push({ type: 'put', key: recordKey(topic, p, record.offset), value: JSON.stringify(record) });
        results.push({ partition: p, offset: record.offset });
        ends[p]! += 1;
      }
      await this.#kv.batch(ops);
      t.roundRobin = rr % t.partitions;
      const changed: number[] = [];
      ends.forEach((e, p) => {
        if (e !== t.ends[p]) changed.push(p);
      });
      t.ends = ends;
      for (const p of changed) for (const l of this.#listeners) l(topic, p, ends[p]!);
      return results;
    });
  }

  truncate(topic: string, partition: number, before: number): Promise<void> {
    return this.#write(async () => {
      const t = this.topic(topic);
      this.partition(t, topic, partition);
      const upTo = Math.min(before, t.ends[partition]!);
      if (upTo <= t.earliest[partition]!) return;
      const ops: KVOperation[] = [{ type: 'put', key: `l/${topic}/${partition}`, value: String(upTo) }];
      for await (const [k] of this.#kv.entries({ gte: recordKey(topic, partition, 0), lt: recordKey(topic, partition, upTo) })) ops.push({ type: 'del', key: k });
      await this.#kv.batch(ops);
      t.earliest[partition] = upTo;
    });
  }

  async close(): Promise<void> {
    await this.drain();
    await this.#kv.close();
  }
}

/** The programmatic API throws RivuletErrors: 'LOG_SERVER.<code>' for what a client would get as an error reply. */
async function asRivuletError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof RequestFailure) throw new RivuletError(`LOG_SERVER.${e.code}`, e.message, { parameters: { code: e.code } });
    throw e;
  }
}

async function openStorage(storage: string): Promise<KVStore> {
  if (storage === 'memory') return memoryKV();
  if (storage.startsWith('memory://') && storage.length > 'memory://'.length) return memoryKV(`log-server:${storage.slice('memory://'.length)}`);
  if (storage.startsWith('level://') && storage.length > 'level://'.length) return openLevelKV(storage.slice('level://'.length));
  throw new RivuletError('INVALID_LOG_SERVER_OPTION', `The log server's storage '${storage}' is not 'memory', 'memory://<name>' or 'level://<dir>'.`, { parameters: { option: 'storage' } });
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const SSE_PAGE = 1_000;
const HEARTBEAT_MS = 15_000;

/** Starts a log server; resolves once it listens. */
export async function startLogServer(options: LogServerOptions = {}): Promise<LogServer> {
  const host = options.host ?? '127.0.0.1';
  const defaultPartitions = options.defaultPartitions ?? 1;
  if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1) {
    throw new RivuletError('INVALID_LOG_SERVER_OPTION', `defaultPartitions must be a positive integer, got ${defaultPartitions}.`, { parameters: { option: 'defaultPartitions' } });
  }
  const kv = await openStorage(options.storage ?? 'memory');
  let store: LogStore;
  try {
    store = await LogStore.open(kv, defaultPartitions);
    for (const [name, partitions] of Object.entries(options.topics ?? {})) await store.createTopic(name, partitions);
  } catch (e) {
    await kv.close().catch(() => undefined);
    if (e instanceof RequestFailure) throw new RivuletError('INVALID_LOG_SERVER_OPTION', e.message, { parameters: { option: 'topics' } });
    throw e;
  }

  const cors = options.cors !== false;
  const corsHeaders: Record<string, string> = cors
    ? { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST, OPTIONS', 'access-control-allow-headers': 'content-type, last-event-id' }
    : {};
  let closing = false;
  const closeHooks = new Set<() => void>();

  const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...corsHeaders, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const sendError = (res: ServerResponse, e: unknown): void => {
    const f = e instanceof RequestFailure ? e : new RequestFailure('INTERNAL', e instanceof Error ? e.message : String(e), 500);
    if (res.headersSent) {
      res.end();
      return;
    }
    sendJson(res, f.status, { error: { code: f.code, message: f.message } });
  };

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) {
          reject(new RequestFailure('BAD_REQUEST', `The body is larger than ${MAX_BODY_BYTES} bytes.`, 413));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const parseOffsetParam = (raw: string | null | undefined, what: string): number | undefined => {
    if (raw === null || raw === undefined || raw === '') return undefined;
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new RequestFailure('BAD_REQUEST', `${what} must be a non-negative integer offset, got '${raw}'.`);
    return Number(raw);
  };

  async function serveSse(req: IncomingMessage, res: ServerResponse, topic: string, partition: number, url: URL): Promise<void> {
    const t = store.topic(topic);
    const p = store.partition(t, topic, partition);
    const lastEventId = req.headers['last-event-id'];
    const last = parseOffsetParam(Array.isArray(lastEventId) ? lastEventId[0] : lastEventId, 'Last-Event-ID');
    let next = last !== undefined ? last + 1 : (parseOffsetParam(url.searchParams.get('from'), 'from') ?? 0);
    res.writeHead(200, { ...corsHeaders, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 1000\n\n');
    let closed = false;
    let notify: (() => void) | undefined;
    const wake = (): void => {
      const n = notify;
      notify = undefined;
      n?.();
    };
    const stop = (): void => {
      closed = true;
      wake();
    };
    req.on('close', stop);
    res.on('error', stop);
    closeHooks.add(stop);
    const off = store.onAppend((tp, pp) => {
      if (tp === topic && pp === p) wake();
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    try {
      while (!closed && !closing) {
        const end = t.ends[p]!;
        if (next >= end) {
          await new Promise<void>((resolve) => {
            notify = resolve;
          });
          continue;
        }
        const page = await store.read(topic, p, next, Math.min(end - next, SSE_PAGE));
        if (page.length === 0) {
          next = end;
          continue;
        }
        let chunk = '';
        for (const [offset, json] of page) chunk += `id: ${offset}\nevent: record\ndata: ${json}\n\n`;
        next = page[page.length - 1]![0] + 1;
        if (!res.write(chunk) && !closed) {
          await new Promise<void>((resolve) => {
            notify = resolve;
            res.once('drain', wake);
          });
        }
      }
    } finally {
      clearInterval(heartbeat);
      off();
      closeHooks.delete(stop);
      res.end();
    }
  }

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { ...corsHeaders, 'access-control-max-age': '600' });
        res.end();
        return;
      }
      let parts: string[];
      try {
        parts = url.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
      } catch {
        throw new RequestFailure('BAD_REQUEST', `Malformed path '${url.pathname}'.`);
      }
      if (parts[0] !== 'topics') throw new RequestFailure('NOT_FOUND', `No route for ${req.method} ${url.pathname}; see /topics.`, 404);
      const [, topic, second, third] = parts;
      if (req.method === 'GET' && parts.length === 1) {
        sendJson(res, 200, { topics: Object.fromEntries([...store.topics].map(([n, t]) => [n, t.partitions])) });
        return;
      }
      if (req.method === 'GET' && parts.length === 2) {
        const t = store.topic(topic!);
        sendJson(res, 200, { partitions: t.ends, earliest: t.earliest });
        return;
      }
      if (req.method === 'POST' && parts.length === 3 && second === 'records') {
        let body: unknown;
        try {
          body = JSON.parse(await readBody(req));
        } catch (e) {
          if (e instanceof RequestFailure) throw e;
          throw new RequestFailure('BAD_REQUEST', 'The body is not JSON: send an array of { key, value, timestamp? } records.');
        }
        if (!Array.isArray(body)) throw new RequestFailure('INVALID_RECORD', 'The body must be a JSON array of { key, value, timestamp? } records.');
        const partition = url.searchParams.get('partition');
        const results = await store.append(topic!, body, partition === null ? undefined : Number(partition));
        sendJson(res, 200, { offsets: results.map((r) => r.offset), partitions: results.map((r) => r.partition) });
        return;
      }
      if (req.method === 'GET' && parts.length === 4 && third === 'sse') {
        if (!/^\d+$/.test(second!)) throw new RequestFailure('INVALID_PARTITION', `'${second}' is not a partition number.`);
        await serveSse(req, res, topic!, Number(second), url);
        return;
      }
      throw new RequestFailure('NOT_FOUND', `No route for ${req.method} ${url.pathname}.`, 404);
    } catch (e) {
      sendError(res, e);
    }
  }

  async function handleMessage(ws: WebSocket, subscriptions: Set<string>, data: string): Promise<void> {
    let id: RequestId | null = null;
    try {
      let msg: ClientMessage;
      try {
        msg = JSON.parse(data) as ClientMessage;
      } catch {
        throw new RequestFailure('BAD_REQUEST', 'Messages must be JSON objects.');
      }
      if (typeof msg !== 'object' || msg === null) throw new RequestFailure('BAD_REQUEST', 'Messages must be JSON objects.');
      id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null;
      const reply = (body: Record<string, unknown>): void => ws.send(JSON.stringify({ id, ...body }));
      switch (msg.op) {
        case 'fetch': {
          const t = store.topic(msg.topic);
          const p = store.partition(t, msg.topic, msg.partition);
          const from = msg.from;
          const max = msg.max ?? MAX_FETCH;
          if (!Number.isSafeInteger(from) || from < 0) throw new RequestFailure('BAD_REQUEST', `'from' must be a non-negative integer offset, got ${JSON.stringify(from)}.`);
          if (!Number.isSafeInteger(max) || max < 0) throw new RequestFailure('BAD_REQUEST', `'max' must be a non-negative integer, got ${JSON.stringify(max)}.`);
          const page = await store.read(msg.topic, p, from, max);
          // Stored records are already JSON: splice them in rather than parse and re-encode.
          ws.send(`{"id":${JSON.stringify(id)},"records":[${page.map(([, json]) => json).join(',')}]}`);
          return;
        }
        case 'latest': {
          const t = store.topic(msg.topic);
          reply({ partitions: t.ends, earliest: t.earliest });
          return;
        }
        case 'subscribe':
        case 'unsubscribe':
          if (!isValidTopicName(msg.topic)) throw new RequestFailure('BAD_REQUEST', `'${String(msg.topic)}' is not a valid topic name.`);
          if (msg.op === 'subscribe') subscriptions.add(msg.topic);
          else subscriptions.delete(msg.topic);
          if (id !== null) reply({ ok: true });
          return;
        case 'produce': {
          const results = await store.append(msg.topic, msg.records, msg.partition ?? undefined);
          reply({ offsets: results.map((r) => r.offset), partitions: results.map((r) => r.partition) });
          return;
        }
        default:
          throw new RequestFailure('BAD_REQUEST', `Unknown op ${JSON.stringify((msg as { op?: unknown }).op)}: expected fetch, latest, subscribe, unsubscribe or produce.`);
      }
    } catch (e) {
      const f = e instanceof RequestFailure ? e : new RequestFailure('INTERNAL', e instanceof Error ? e.message : String(e), 500);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, error: { code: f.code, message: f.message } }));
    }
  }

  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (ws: WebSocket) => {
    const subscriptions = new Set<string>();
    const off = store.onAppend((topic, partition, end) => {
      if (subscriptions.has(topic) && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ op: 'appended', topic, partition, end }));
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      void handleMessage(ws, subscriptions, isBinary ? '' : data.toString('utf8'));
    });
    ws.on('close', off);
    ws.on('error', () => ws.terminate());
  });

  const server = createServer((req, res) => void handleHttp(req, res));
  server.on('upgrade', (req, socket, head) => {
    if (closing) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await store.close().catch(() => undefined);
    throw new RivuletError('LOG_SERVER_LISTEN_FAILED', `The log server could not listen on ${host}:${options.port ?? 0}: ${e instanceof Error ? e.message : String(e)}.`, {
      cause: e,
      parameters: { host, port: String(options.port ?? 0) },
    });
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    wsUrl: `ws://${urlHost}:${port}`,
    port,
    append: (topic, records, partition) => asRivuletError(() => store.append(topic, records, partition)),
    createTopic: (topic, partitions) => asRivuletError(() => store.createTopic(topic, partitions)),
    truncate: (topic, partition, before) => asRivuletError(() => store.truncate(topic, partition, before)),
    ends: (topic) => (store.topics.has(topic) ? [...store.topics.get(topic)!.ends] : undefined),
    close() {
      closed ??= (async () => {
        closing = true;
        for (const hook of [...closeHooks]) hook();
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        await store.close();
      })();
      return closed;
    },
  };
}
