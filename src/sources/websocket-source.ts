/**
 * `format('websocket')`: a replayable log read over one WebSocket (the protocol in
 * log-protocol.ts). latestOffset asks the server for the partitions' ends, getBatch fetches the
 * exact offset range page by page, and a `subscribe` makes the server push `appended` when
 * records arrive, which wakes the trigger loop early (`dataAvailable$`).
 *
 * The socket comes from `globalThis.WebSocket` (browsers, workers, Deno, Bun, workerd, Node 22)
 * or from registerWebSocketImplementation (`rivulet/node` registers the `ws` package, since
 * Node 20 has no global WebSocket). A dropped connection is reopened on the next request; every
 * request is idempotent, so it is retried (backing off) for up to `timeoutMs` before the query
 * fails with SOURCE_UNREACHABLE.
 */
import { RivuletError } from '../errors.js';
import { LogSource, MAX_FETCH, parseLogRecord, retrying, type ClientMessage, type LogRecord, type PartitionEnds, type ServerMessage } from './log-protocol.js';

/** The subset of the WHATWG WebSocket this source uses (also what the `ws` package provides). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { readonly data: unknown }) => void) | null;
  onclose: ((ev: { readonly code?: number; readonly reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

let registered: WebSocketConstructor | undefined;

/**
 * Sets the WebSocket class the websocket source uses where the runtime has none
 * (`rivulet/node` calls it with the `ws` package's WebSocket). Takes precedence over the global.
 */
export function registerWebSocketImplementation(impl: unknown): void {
  registered = impl as WebSocketConstructor;
}

function webSocketImplementation(): WebSocketConstructor | undefined {
  return registered ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}

/** Records per fetch request. */
const PAGE = 5_000;

type Reply = Exclude<ServerMessage, { op: 'appended' }>;

/** A connection-level failure (retryable), as opposed to an error the server answered with. */
class ConnectionFailure extends Error {}

interface Pending {
  readonly resolve: (m: Reply) => void;
  readonly reject: (e: unknown) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

export class WebSocketSource extends LogSource {
  #socket: Promise<WebSocketLike> | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #stopped = false;

  constructor(options: Readonly<Record<string, string>>) {
    super('websocket', options);
  }

  get description(): string {
    return `WebSocketLog[Subscribe[${this.options.topics.join(',')}], ${this.options.url}]`;
  }

  protected async partitionEnds(topic: string): Promise<PartitionEnds> {
    const r = await this.#request({ op: 'latest', topic });
    const ends = (r as { partitions?: unknown }).partitions;
    const earliest = (r as { earliest?: unknown }).earliest ?? (Array.isArray(ends) ? ends.map(() => 0) : undefined);
    const valid = (a: unknown): a is number[] => Array.isArray(a) && a.every((n) => Number.isSafeInteger(n) && n >= 0);
    if (!valid(ends) || !valid(earliest) || earliest.length !== ends.length) throw this.#protocolError(`a 'latest' reply without partition offsets: ${JSON.stringify(r)}`);
    return { ends, earliest };
  }

  protected async readRange(topic: string, partition: number, from: number, until: number): Promise<LogRecord[]> {
    const out: LogRecord[] = [];
    let next = from;
    while (next < until) {
      const r = await this.#request({ op: 'fetch', topic, partition, from: next, max: Math.min(until - next, PAGE, MAX_FETCH) });
      const raw = (r as { records?: unknown }).records;
      if (!Array.isArray(raw)) throw this.#protocolError(`a 'fetch' reply without records: ${JSON.stringify(r).slice(0, 200)}`);
      let advanced = false;
      for (const x of raw) {
        const rec = parseLogRecord(x);
        if (!rec) throw this.#protocolError(`a malformed record ${JSON.stringify(x).slice(0, 200)}`);
        if (rec.offset < next) continue;
        if (rec.offset >= until) break;
        out.push(rec);
        next = rec.offset + 1;
        advanced = true;
      }
      // Nothing at or after `next` below `until`: the rest of the range is gone (reported by the caller).
      if (!advanced) break;
    }
    return out;
  }

  protected async closeTransport(): Promise<void> {
    this.#stopped = true;
    const socket = this.#socket;
    this.#socket = undefined;
    this.#failPending(new ConnectionFailure('the source was stopped'));
    if (socket) {
      const ws = await socket.catch(() => undefined);
      ws?.close(1000, 'source stopped');
    }
  }

  async #request(msg: DistributiveOmit<ClientMessage, 'id'>): Promise<Reply> {
    try {
      return await retrying(
        this.options.timeoutMs,
        async () => this.#send(await this.#connect(), msg),
        (e) => e instanceof ConnectionFailure,
        () => this.#stopped,
      );
    } catch (e) {
      if (!(e instanceof ConnectionFailure)) throw e;
      throw new RivuletError('SOURCE_UNREACHABLE', `Cannot reach the log server at ${this.options.url} for ${this.description}: ${e.message}.`, {
        cause: e,
        parameters: { url: this.options.url },
      });
    }
  }

  #send(ws: WebSocketLike, msg: DistributiveOmit<ClientMessage, 'id'>): Promise<Reply> {
    const id = this.#nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new ConnectionFailure(`no answer to a '${msg.op}' request within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      this.#pending.set(id, {
        timer,
        reject,
        resolve: (reply) => {
          const error = (reply as { error?: { code?: unknown; message?: unknown } }).error;
          if (error === undefined) return resolve(reply);
          const message = String(error.message ?? 'unknown error');
          if (error.code === 'UNKNOWN_TOPIC') {
            const topic = 'topic' in msg ? msg.topic : '';
            reject(
              new RivuletError('SOURCE_TOPIC_NOT_FOUND', `The log server at ${this.options.url} has no topic '${topic}' (${message}).`, {
                parameters: { topic, url: this.options.url },
              }),
            );
          } else {
            reject(this.#protocolError(`the server answered a '${msg.op}' request with ${String(error.code)}: ${message}`));
          }
        },
      });
      try {
        ws.send(JSON.stringify({ ...msg, id }));
      } catch (e) {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(new ConnectionFailure(e instanceof Error ? e.message : String(e)));
      }
    });
  }

  #connect(): Promise<WebSocketLike> {
    if (this.#socket) return this.#socket;
    if (this.#stopped) return Promise.reject(new ConnectionFailure('the source was stopped'));
    const Impl = webSocketImplementation();
    if (!Impl) {
      return Promise.reject(
        new RivuletError(
          'UNSUPPORTED_FEATURE.WEBSOCKET',
          `This runtime has no WebSocket for ${this.description}: under Node 20 import 'rivulet/node' (it registers the 'ws' package), or call registerWebSocketImplementation(WebSocket).`,
        ),
      );
    }
    const url = this.options.url;
    const opening = new Promise<WebSocketLike>((resolve, reject) => {
      let opened = false;
      let errorDetail: string | undefined;
      let ws: WebSocketLike;
      try {
        ws = new Impl(url);
      } catch (e) {
        reject(new ConnectionFailure(e instanceof Error ? e.message : String(e)));
        return;
      }
      const timer = setTimeout(() => {
        if (opened) return;
        reject(new ConnectionFailure(`no connection within ${this.options.timeoutMs} ms`));
        try {
          ws.close();
        } catch {
          // already closing
        }
      }, this.options.timeoutMs);
      ws.onopen = () => {
        opened = true;
        clearTimeout(timer);
        // Subscriptions are per connection: (re)subscribe on every open.
        for (const topic of this.options.topics) ws.send(JSON.stringify({ op: 'subscribe', topic } satisfies ClientMessage));
        resolve(ws);
      };
      ws.onerror = (ev) => {
        const m = (ev as { message?: unknown; error?: { message?: unknown } } | null)?.message ?? (ev as { error?: { message?: unknown } } | null)?.error?.message;
        if (typeof m === 'string' && m !== '') errorDetail = m;
      };
      ws.onclose = (ev) => {
        clearTimeout(timer);
        if (this.#socket === opening) this.#socket = undefined;
        const why = errorDetail ?? `connection closed${ev?.code ? ` (code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''})` : ''}`;
        if (!opened) reject(new ConnectionFailure(why));
        this.#failPending(new ConnectionFailure(`the connection was lost: ${why}`));
      };
      ws.onmessage = (ev) => this.#onMessage(ev.data);
    });
    this.#socket = opening;
    opening.catch(() => {
      if (this.#socket === opening) this.#socket = undefined;
    });
    return opening;
  }

  #onMessage(data: unknown): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer)) as ServerMessage;
    } catch {
      return;
    }
    if ('op' in msg) {
      if (msg.op === 'appended') this.wakeups.next();
      return;
    }
    if (typeof msg.id !== 'number') return;
    const p = this.#pending.get(msg.id);
    if (!p) return;
    this.#pending.delete(msg.id);
    clearTimeout(p.timer);
    p.resolve(msg);
  }

  #failPending(e: unknown): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(e);
    }
  }

  #protocolError(detail: string): RivuletError {
    return new RivuletError('SOURCE_PROTOCOL_ERROR', `${this.description} got ${detail}.`, { parameters: { url: this.options.url } });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
