/**
 * `format('sse')`: a replayable log read over Server-Sent Events (the protocol in
 * log-protocol.ts). Each partition has one live event stream,
 * `GET <url>/topics/<topic>/<partition>/sse?from=<offset>`, whose event ids are offsets; its
 * records are buffered until the batch that covers them commits. latestOffset asks
 * `GET <url>/topics/<topic>` for the partitions' ends, getBatch(start, end) takes exactly the
 * offsets [start, end) from the buffer (reopening the stream at `start` when the buffer does not
 * reach back that far, as a recovery re-reading a logged range does), and records arriving past
 * the last known end wake the trigger loop (`dataAvailable$`).
 *
 * It reads with `fetch` and `eventsource-parser`, so it runs wherever fetch streams responses
 * (browsers, workers, Node 20, Deno, Bun, workerd): no EventSource needed. A dropped stream is
 * reopened at the offset after the last event received (`?from=`, which the server treats like
 * EventSource's Last-Event-ID; sending the header itself would cost a CORS preflight).
 *
 * A browser opens at most ~6 HTTP/1.1 connections per origin and each partition's stream holds
 * one, so in a browser keep a topic read over SSE to 5 partitions or fewer (or use HTTP/2, or
 * the websocket source).
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { RivuletError } from '../errors.js';
import { errorDetail, joinUrl, LogSource, parseLogRecord, retrying, sleep, type LogRecord, type PartitionEnds } from './log-protocol.js';
import type { Offset } from './source.js';

/** Records a partition's buffer holds before its stream pauses (unless a batch needs more). */
const BUFFER_RECORDS = 10_000;

/** One partition's live event stream and the records it has buffered. */
class PartitionStream {
  /** Buffered records, ascending; together they answer for offsets [base, next). */
  records: LogRecord[] = [];
  base: number;
  next: number;
  /** Records past this end are new to the source: they wake the trigger loop. */
  knownEnd = 0;
  /** A batch waits for offsets below this: the stream must not pause before it. */
  wantUntil = 0;
  error: RivuletError | undefined;
  #stopped = false;
  readonly #abort = new AbortController();
  #progress: (() => void)[] = [];
  #resume: (() => void) | undefined;

  constructor(
    readonly source: SseSource,
    readonly topic: string,
    readonly partition: number,
    from: number,
  ) {
    this.base = from;
    this.next = from;
    void this.#run();
  }

  stop(): void {
    this.#stopped = true;
    this.#abort.abort();
    this.#wake();
  }

  /** Drops records below `end` (committed). */
  trim(end: number): void {
    if (end <= this.base) return;
    let i = 0;
    while (i < this.records.length && this.records[i]!.offset < end) i++;
    this.records = this.records.slice(i);
    this.base = Math.min(end, this.next);
    this.#resume?.();
  }

  /** Resolves once every offset below `until` has arrived (or the stream failed). */
  async waitFor(until: number, timeoutMs: number): Promise<void> {
    this.wantUntil = Math.max(this.wantUntil, until);
    this.#resume?.();
    while (this.next < until && !this.error && !this.#stopped) {
      const before = this.next;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#progress.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (this.next === before && !this.error && !this.#stopped) {
        throw new RivuletError(
          'SOURCE_UNREACHABLE',
          `The event stream of ${this.topic}/${this.partition} at ${this.source.options.url} sent nothing for ${timeoutMs} ms while offsets ${this.next}..${until - 1} were expected.`,
          { parameters: { url: this.source.options.url } },
        );
      }
    }
    if (this.error) throw this.error;
    if (this.next < until) {
      throw new RivuletError('SOURCE_UNREACHABLE', `The event stream of ${this.topic}/${this.partition} at ${this.source.options.url} was closed: the source was stopped.`, {
        parameters: { url: this.source.options.url },
      });
    }
  }

  /** Buffered records with offsets in [from, until). */
  slice(from: number, until: number): LogRecord[] {
    let lo = 0;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.records[mid]!.offset < from) lo = mid + 1;
      else hi = mid;
    }
    const out: LogRecord[] = [];
    for (let i = lo; i < this.records.length && this.records[i]!.offset < until; i++) out.push(this.records[i]!);
    return out;
  }

  #wake(): void {
    const waiters = this.#progress;
    this.#progress = [];
    for (const w of waiters) w();
    this.#resume?.();
  }

  async #run(): Promise<void> {
    const url = this.source.options.url;
    const timeoutMs = this.source.options.timeoutMs;
    /** When the current run of failed connections began (undefined while connected). */
    let failingSince: number | undefined;
    let failures = 0;
    while (!this.#stopped) {
      try {
        const res = await fetch(`${joinUrl(url, `/topics/${encodeURIComponent(this.topic)}/${this.partition}/sse`)}?from=${this.next}`, {
          headers: { accept: 'text/event-stream' },
          signal: this.#abort.signal,
          cache: 'no-store',
        });
        if (!res.ok || !res.body) {
          const text = await res.text().catch(() => '');
          throw this.source.httpError(res.status, text, this.topic);
        }
        failingSince = undefined;
        failures = 0;
        const parser = createParser({ onEvent: (ev) => this.#onEvent(ev) });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        try {
          for (;;) {
            while (!this.#stopped && this.records.length >= BUFFER_RECORDS && this.next >= this.wantUntil) {
              await new Promise<void>((resolve) => (this.#resume = resolve));
              this.#resume = undefined;
            }
            if (this.#stopped) break;
            const { done, value } = await reader.read();
            if (done) break;
            parser.feed(value);
          }
        } finally {
          reader.cancel().catch(() => undefined);
        }
      } catch (e) {
        if (this.#stopped) break;
        if (e instanceof RivuletError && e.errorClass !== 'SOURCE_UNREACHABLE') {
          this.#fail(e);
          return;
        }
        failingSince ??= Date.now();
        failures++;
        if (Date.now() - failingSince >= timeoutMs) {
          this.#fail(
            new RivuletError('SOURCE_UNREACHABLE', `Cannot reach the log server at ${url} for ${this.source.description}: ${errorDetail(e)}.`, {
              cause: e,
              parameters: { url },
            }),
          );
          return;
        }
      }
      // The stream ended or failed: reopen after the last record received, backing off while it fails.
      if (!this.#stopped) await sleep(failures === 0 ? 10 : Math.min(100 * 2 ** (failures - 1), 2000));
    }
  }

  #fail(e: RivuletError): void {
    this.error = e;
    this.#wake();
  }

  #onEvent(ev: EventSourceMessage): void {
    if (ev.event === 'error') {
      let m = ev.data;
      try {
        m = String((JSON.parse(ev.data) as { message?: unknown }).message ?? ev.data);
      } catch {
        // not JSON: keep the text
      }
      this.#fail(new RivuletError('SOURCE_PROTOCOL_ERROR', `The event stream of ${this.topic}/${this.partition} reported: ${m}`, { parameters: { url: this.source.options.url } }));
      this.stop();
      return;
    }
    if (ev.event !== 'record') return;
    let rec: LogRecord | undefined;
    try {
      rec = parseLogRecord(JSON.parse(ev.data));
    } catch {
      rec = undefined;
    }
    if (!rec || (ev.id !== undefined && ev.id !== String(rec.offset))) {
      this.#fail(new RivuletError('SOURCE_PROTOCOL_ERROR', `The event stream of ${this.topic}/${this.partition} sent a malformed record: ${ev.data.slice(0, 200)}`, { parameters: { url: this.source.options.url } }));
      this.stop();
      return;
    }
    if (rec.offset < this.next) return; // a repeat after a reconnect
    this.records.push(rec);
    this.next = rec.offset + 1;
    if (rec.offset >= this.knownEnd) {
      this.knownEnd = rec.offset + 1;
      this.source.wake();
    }
    this.#wake();
  }
}

export class SseSource extends LogSource {
  readonly #streams = new Map<string, PartitionStream>();
  #stopped = false;

  constructor(options: Readonly<Record<string, string>>) {
    super('sse', options);
  }

  get description(): string {
    return `SseLog[Subscribe[${this.options.topics.join(',')}], ${this.options.url}]`;
  }

  /** Called by a partition stream when records past the known end arrive. */
  wake(): void {
    this.wakeups.next();
  }

  httpError(status: number, body: string, topic: string): RivuletError {
    let code: unknown;
    let message = body;
    try {
      const e = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error;
      code = e?.code;
      message = String(e?.message ?? body);
    } catch {
      // not JSON
    }
    if (code === 'UNKNOWN_TOPIC') {
      return new RivuletError('SOURCE_TOPIC_NOT_FOUND', `The log server at ${this.options.url} has no topic '${topic}' (${message}).`, { parameters: { topic, url: this.options.url } });
    }
    if (status >= 500 || status === 0) {
      return new RivuletError('SOURCE_UNREACHABLE', `The log server at ${this.options.url} answered HTTP ${status}: ${message.slice(0, 200)}.`, { parameters: { url: this.options.url } });
    }
    return new RivuletError('SOURCE_PROTOCOL_ERROR', `${this.description} got HTTP ${status}: ${message.slice(0, 200)}.`, { parameters: { url: this.options.url } });
  }

  protected async partitionEnds(topic: string): Promise<PartitionEnds> {
    const url = joinUrl(this.options.url, `/topics/${encodeURIComponent(topic)}`);
    const attempt = async (): Promise<PartitionEnds> => {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(new Error(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
      try {
        const res = await fetch(url, { signal: abort.signal, cache: 'no-store' });
        const text = await res.text();
        if (!res.ok) throw this.httpError(res.status, text, topic);
        let body: { partitions?: unknown; earliest?: unknown } = {};
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          // reported below
        }
        const ends = body.partitions;
        const earliest = body.earliest ?? (Array.isArray(ends) ? ends.map(() => 0) : undefined);
        const valid = (a: unknown): a is number[] => Array.isArray(a) && a.every((n) => Number.isSafeInteger(n) && n >= 0);
        if (!valid(ends) || !valid(earliest) || earliest.length !== ends.length) {
          throw new RivuletError('SOURCE_PROTOCOL_ERROR', `${this.description} got a topic reply without partition offsets: ${text.slice(0, 200)}.`, { parameters: { url: this.options.url } });
        }
        return { ends, earliest };
      } finally {
        clearTimeout(timer);
      }
    };
    try {
      return await retrying(this.options.timeoutMs, attempt, (e) => !(e instanceof RivuletError) || e.errorClass === 'SOURCE_UNREACHABLE', () => this.#stopped);
    } catch (e) {
      if (e instanceof RivuletError) throw e;
      throw new RivuletError('SOURCE_UNREACHABLE', `Cannot reach the log server at ${this.options.url} for ${this.description}: ${errorDetail(e)}.`, {
        cause: e,
        parameters: { url: this.options.url },
      });
    }
  }

  /** Opens (or keeps) each partition's stream at the position the next batch reads from. */
  protected override positionsHint(topic: string, from: readonly number[], ends: readonly number[]): void {
    from.forEach((f, p) => {
      const s = this.#stream(topic, p, f);
      s.knownEnd = Math.max(s.knownEnd, ends[p] ?? 0);
    });
  }

  protected async readRange(topic: string, partition: number, from: number, until: number): Promise<LogRecord[]> {
    const s = this.#stream(topic, partition, from);
    // Never wait for offsets the server no longer has (a reset log): read up to its end.
    const end = (await this.partitionEnds(topic)).ends[partition] ?? 0;
    const target = Math.min(until, end);
    if (target > from) await s.waitFor(target, this.options.timeoutMs);
    return s.slice(from, until);
  }

  override async commit(end: Offset): Promise<void> {
    const e = end as Record<string, Record<string, number>>;
    for (const s of this.#streams.values()) {
      const o = e[s.topic]?.[String(s.partition)];
      if (typeof o === 'number') s.trim(o);
    }
  }

  protected async closeTransport(): Promise<void> {
    this.#stopped = true;
    for (const s of this.#streams.values()) s.stop();
    this.#streams.clear();
  }

  /** The partition's stream, (re)opened at `from` unless it already covers it. */
  #stream(topic: string, partition: number, from: number): PartitionStream {
    const key = `${topic}/${partition}`;
    let s = this.#streams.get(key);
    if (s && (s.error !== undefined || s.base > from || s.next < from)) {
      s.stop();
      s = undefined;
    }
    if (!s) {
      s = new PartitionStream(this, topic, partition, from);
      this.#streams.set(key, s);
    }
    return s;
  }
}
