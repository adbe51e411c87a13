/**
 * Replayable logs (DESIGN.md "Sources: replayable logs over WebSocket and SSE"): the wire
 * protocol the `websocket` and `sse` sources speak and the rivulet/node log server serves, and
 * the part of those two sources that does not depend on the transport. Core code: no Node
 * built-ins, runs in browsers, workers, Node and edge runtimes.
 *
 * A topic has P partitions; each partition is a log of records with dense integer offsets from
 * 0. A record is `{ offset, key, value, timestamp }` (key and value strings or null, timestamp in
 * epoch milliseconds). A partition's *end* is the next offset to be written; its *earliest* is
 * the first offset still retained (0 unless the server dropped older records).
 *
 * WebSocket (JSON text frames; `id` is chosen by the client and echoed in the reply):
 *   → { op: 'fetch', id, topic, partition, from, max }   ← { id, records: [record, ...] }
 *        records with offset >= from in order, at most max (the server caps it at MAX_FETCH);
 *        they start above `from` when older records are no longer retained.
 *   → { op: 'latest', id, topic }                        ← { id, partitions: [end, ...], earliest: [first, ...] }
 *   → { op: 'subscribe', id?, topic }                    ← { id, ok: true } (when id is given), then
 *                                                          pushes { op: 'appended', topic, partition, end }
 *   → { op: 'unsubscribe', id?, topic }                  ← { id, ok: true }
 *   → { op: 'produce', id, topic, partition?, records: [{ key, value, timestamp? }] }
 *                                                        ← { id, offsets: [offset, ...], partitions: [partition, ...] }
 *   any failure                                          ← { id, error: { code, message } }
 * SSE and HTTP:
 *   GET  /topics/<topic>/<partition>/sse?from=<offset>  text/event-stream of
 *        `id: <offset>\nevent: record\ndata: <record JSON>\n\n`, from `from` (default 0) or from
 *        Last-Event-ID + 1 when that header is sent, then live as records arrive.
 *   GET  /topics/<topic>                                 { partitions: [end, ...], earliest: [first, ...] }
 *   GET  /topics                                         { topics: { <name>: partitions } }
 *   POST /topics/<topic>/records[?partition=<p>]         body: JSON array of { key, value, timestamp? }
 *                                                        → { offsets: [...], partitions: [...] }
 *   errors: a non-2xx status with { error: { code, message } }.
 * A record without an explicit partition goes to partitionForKey(key) when it has a key, and
 * round-robin across partitions when its key is null.
 */
import { Subject, type Observable } from 'rxjs';
import { RivuletError } from '../errors.js';
import type { Row } from '../expr/registry.js';
import type { StructType } from '../types/data-types.js';
import { LOG_SCHEMA } from './seed-events.js';
import type { Offset, ReadLimit, Source } from './source.js';

// ---------------------------------------------------------------------------------------------
// Wire types

export interface LogRecord {
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  /** Epoch milliseconds. */
  readonly timestamp: number;
}

/** A record to produce: the server assigns the offset, and the timestamp when none is given. */
export interface ProduceRecord {
  readonly key?: string | null;
  readonly value?: string | null;
  readonly timestamp?: number;
}

export type RequestId = number | string;

export type ClientMessage =
  | { readonly op: 'fetch'; readonly id: RequestId; readonly topic: string; readonly partition: number; readonly from: number; readonly max: number }
  | { readonly op: 'latest'; readonly id: RequestId; readonly topic: string }
  | { readonly op: 'subscribe'; readonly id?: RequestId; readonly topic: string }
  | { readonly op: 'unsubscribe'; readonly id?: RequestId; readonly topic: string }
  | { readonly op: 'produce'; readonly id: RequestId; readonly topic: string; readonly partition?: number; readonly records: readonly ProduceRecord[] };

/** Stable error codes in `{ error: { code, message } }` replies. */
export type LogErrorCode = 'BAD_REQUEST' | 'UNKNOWN_TOPIC' | 'INVALID_PARTITION' | 'INVALID_RECORD' | 'NOT_FOUND' | 'INTERNAL';

export interface LogError {
  readonly code: LogErrorCode;
  readonly message: string;
}

export type ServerMessage =
  | { readonly id: RequestId; readonly records: readonly LogRecord[] }
  | { readonly id: RequestId; readonly partitions: readonly number[]; readonly earliest: readonly number[] }
  | { readonly id: RequestId; readonly offsets: readonly number[]; readonly partitions: readonly number[] }
  | { readonly id: RequestId; readonly ok: true }
  | { readonly id: RequestId | null; readonly error: LogError }
  | { readonly op: 'appended'; readonly topic: string; readonly partition: number; readonly end: number };

/** The most records one fetch returns, whatever `max` asks for. */
export const MAX_FETCH = 10_000;

/** Kafka's legal topic characters; also what keeps topic names safe in URLs and storage keys. */
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

export function isValidTopicName(name: unknown): name is string {
  return typeof name === 'string' && TOPIC_NAME.test(name) && name !== '.' && name !== '..';
}

/**
 * The partition of a keyed record: FNV-1a (32-bit) over the key's UTF-16 code units, modulo the
 * partition count. Stable across runtimes and releases, so producers anywhere agree.
 */
export function partitionForKey(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

/** One record as an SSE event (`id` is the offset). */
export function encodeSseRecord(record: LogRecord): string {
  return `id: ${record.offset}\nevent: record\ndata: ${JSON.stringify(record)}\n\n`;
}

const isOffset = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** A record read off the wire, or undefined when it is malformed. */
export function parseLogRecord(x: unknown): LogRecord | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const r = x as Record<string, unknown>;
  if (!isOffset(r['offset']) || !isNullableString(r['key']) || !isNullableString(r['value'])) return undefined;
  if (typeof r['timestamp'] !== 'number' || !Number.isFinite(r['timestamp'])) return undefined;
  return { offset: r['offset'], key: r['key'], value: r['value'], timestamp: r['timestamp'] };
}

/** Why a record to produce is malformed, or undefined when it is fine. */
export function produceRecordProblem(x: unknown): string | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'is not an object';
  const r = x as Record<string, unknown>;
  if (r['key'] !== undefined && !isNullableString(r['key'])) return `has a ${typeof r['key']} key, expected a string or null`;
  if (r['value'] !== undefined && !isNullableString(r['value'])) return `has a ${typeof r['value']} value, expected a string or null (JSON.stringify objects first)`;
  if (r['timestamp'] !== undefined && (typeof r['timestamp'] !== 'number' || !Number.isFinite(r['timestamp']))) return 'has a timestamp that is not a number of epoch milliseconds';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Source options

/** Per topic: 'earliest', or partition → offset (-2 earliest; -1 latest, only before resolution). */
export type TopicStart = 'earliest' | Readonly<Record<string, number>>;

export type StartingOffsetsSpec = 'earliest' | 'latest' | Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface LogSourceOptions {
  /** ws(s):// for the websocket source, http(s):// for sse: the server's base URL. */
  readonly url: string;
  readonly topics: readonly string[];
  readonly startingOffsets: StartingOffsetsSpec;
  readonly maxOffsetsPerTrigger: number | undefined;
  readonly failOnDataLoss: boolean;
  /** How long to wait for a connection or an answer. */
  readonly timeoutMs: number;
}

export type LogFormat = 'websocket' | 'sse';

function optionError(format: LogFormat, option: string, message: string): RivuletError {
  return new RivuletError('INVALID_SOURCE_OPTION', `${message} (option '${option}' of the ${format} source)`, { parameters: { option } });
}

const EARLIEST = -2;
const LATEST = -1;

/** Validates a `format('websocket' | 'sse')` source's options, naming the option at fault. */
export function parseLogSourceOptions(format: LogFormat, options: Readonly<Record<string, string>>): LogSourceOptions {
  const rawUrl = options['url'];
  if (rawUrl === undefined || rawUrl.trim() === '') {
    const example = format === 'websocket' ? 'ws://127.0.0.1:7070' : 'http://127.0.0.1:7070';
    throw optionError(format, 'url', `Option 'url' must be specified: the log server to read, e.g. .option('url', '${example}')`);
  }
  let parsed: URL;
  try {
    parsed = new URL(rawUrl.trim());
  } catch {
    throw optionError(format, 'url', `'${rawUrl}' is not a valid URL`);
  }
  const wsSchemes: Record<string, string> = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' };
  const httpSchemes: Record<string, string> = { 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' };
  const scheme = (format === 'websocket' ? wsSchemes : httpSchemes)[parsed.protocol];
  if (scheme === undefined) {
    throw optionError(format, 'url', `'${rawUrl}' has the scheme '${parsed.protocol}', expected ${format === 'websocket' ? 'ws: or wss:' : 'http: or https:'}`);
  }
  parsed.protocol = scheme;
  const url = parsed.toString().replace(/\/$/, '');

  if (options['assign'] !== undefined || options['subscribePattern'] !== undefined) {
    const o = options['assign'] !== undefined ? 'assign' : 'subscribePattern';
    throw optionError(format, o, `Option '${o}' is not supported; name the topics with .option('subscribe', 'a,b')`);
  }
  const rawTopics = options['subscribe'];
  if (rawTopics === undefined || rawTopics.trim() === '') {
    throw optionError(format, 'subscribe', `Option 'subscribe' must be specified: the topic (or comma-separated topics) to read, e.g. .option('subscribe', 'events')`);
  }
  const topics = [...new Set(rawTopics.split(',').map((t) => t.trim()))].sort();
  for (const t of topics) {
    if (!isValidTopicName(t)) throw optionError(format, 'subscribe', `'${t}' is not a valid topic name (letters, digits, '.', '_' and '-')`);
  }

  const startingOffsets = parseStartingOffsets(format, options['startingOffsets'], topics);

  let maxOffsetsPerTrigger: number | undefined;
  const m = options['maxOffsetsPerTrigger'];
  if (m !== undefined) {
    const n = Number(m);
    if (!Number.isSafeInteger(n) || n <= 0) throw optionError(format, 'maxOffsetsPerTrigger', `'${m}' is not a positive integer`);
    maxOffsetsPerTrigger = n;
  }

  const f = (options['failOnDataLoss'] ?? 'true').trim().toLowerCase();
  if (f !== 'true' && f !== 'false') throw optionError(format, 'failOnDataLoss', `'${options['failOnDataLoss']}' is not true or false`);

  let timeoutMs = 30_000;
  const t = options['timeoutMs'];
  if (t !== undefined) {
    timeoutMs = Number(t);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw optionError(format, 'timeoutMs', `'${t}' is not a positive number of milliseconds`);
  }
  return { url, topics, startingOffsets, maxOffsetsPerTrigger, failOnDataLoss: f === 'true', timeoutMs };
}

function parseStartingOffsets(format: LogFormat, raw: string | undefined, topics: readonly string[]): StartingOffsetsSpec {
  // Spark's default for streaming queries: only records that arrive after the query starts.
  const v = (raw ?? 'latest').trim();
  if (v.toLowerCase() === 'earliest') return 'earliest';
  if (v.toLowerCase() === 'latest') return 'latest';
  let json: unknown;
  try {
    json = JSON.parse(v);
  } catch {
    throw optionError(format, 'startingOffsets', `'${raw}' is not 'earliest', 'latest' or JSON like {"${topics[0]}":{"0":12,"1":-2}}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw optionError(format, 'startingOffsets', `'${raw}' must be a JSON object of topic → { partition: offset }`);
  }
  const out: Record<string, Record<string, number>> = {};
  for (const [topic, parts] of Object.entries(json as Record<string, unknown>)) {
    if (!topics.includes(topic)) throw optionError(format, 'startingOffsets', `names the topic '${topic}', which is not subscribed (${topics.join(', ')})`);
    if (typeof parts !== 'object' || parts === null || Array.isArray(parts)) {
      throw optionError(format, 'startingOffsets', `the entry for topic '${topic}' must be an object of partition → offset`);
    }
    const p: Record<string, number> = {};
    for (const [partition, off] of Object.entries(parts as Record<string, unknown>)) {
      if (!/^(0|[1-9]\d*)$/.test(partition)) throw optionError(format, 'startingOffsets', `'${partition}' (topic '${topic}') is not a partition number`);
      if (typeof off !== 'number' || !Number.isSafeInteger(off) || off < EARLIEST) {
        throw optionError(format, 'startingOffsets', `the offset ${JSON.stringify(off)} for partition ${partition} of '${topic}' must be an offset >= 0, -2 (earliest) or -1 (latest)`);
      }
      p[partition] = off;
    }
    out[topic] = p;
  }
  for (const t of topics) {
    if (out[t] === undefined) throw optionError(format, 'startingOffsets', `has no entry for the subscribed topic '${t}'`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Offsets and rate limiting

/** A source offset: topic → partition → the next offset to read (Spark's KafkaSourceOffset). */
export type LogOffsets = Record<string, Record<string, number>>;

function parseLogOffsets(o: Offset, description: string): LogOffsets {
  const bad = (): RivuletError =>
    new RivuletError('CHECKPOINT_CORRUPT', `The offset ${JSON.stringify(o)} is not a { topic: { partition: offset } } map, so ${description} cannot resume from it.`);
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad();
  const out: LogOffsets = {};
  for (const [t, parts] of Object.entries(o as Record<string, unknown>)) {
    if (typeof parts !== 'object' || parts === null || Array.isArray(parts)) throw bad();
    const p: Record<string, number> = {};
    for (const [k, v] of Object.entries(parts as Record<string, unknown>)) {
      if (!/^\d+$/.test(k) || !isOffset(v)) throw bad();
      p[k] = v;
    }
    out[t] = p;
  }
  return out;
}

/**
 * Spark's KafkaMicroBatchStream.rateLimit: `limit` offsets split across partitions in proportion
 * to what each has available; a partition whose share is below one still gets one, so small
 * partitions are not starved. Returns the end offset per entry.
 */
export function rateLimit(limit: number, ranges: readonly { readonly from: number; readonly until: number }[]): number[] {
  const sizes = ranges.map((r) => Math.max(0, r.until - r.from));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total < 1) return ranges.map((r) => r.until);
  return ranges.map((r, i) => {
    const prorate = limit * (sizes[i]! / total);
    const n = prorate < 1 ? Math.ceil(prorate) : Math.floor(prorate);
    return Math.min(r.until, r.from + n);
  });
}

// ---------------------------------------------------------------------------------------------
// The transport-independent source

interface LogSourceMetadata {
  /** Per topic, the starting position fixed when the checkpoint was created. */
  readonly startingOffsets: Record<string, TopicStart>;
}

export interface PartitionEnds {
  /** The next offset to be written, per partition. */
  readonly ends: readonly number[];
  /** The first offset still retained, per partition. */
  readonly earliest: readonly number[];
}

/**
 * The `websocket` and `sse` sources share everything but how they talk to the server: option
 * handling, starting offsets (fixed once per checkpoint through `initialize`, like Spark's
 * Kafka source keeps them in its metadata log), rate limiting, data-loss checks and rows.
 *
 * Offsets are `{ "<topic>": { "<partition>": next } }`. getBatch(start, end) reads exactly the
 * offsets [start[p], end[p]) of every partition, so a range reads the same rows every time (the
 * server's log is append-only; retention can only make the read fail, or skip with a warning
 * when failOnDataLoss is false). Rows come out by topic, partition, offset.
 */
export abstract class LogSource implements Source {
  readonly schema: StructType = LOG_SCHEMA;
  readonly options: LogSourceOptions;
  readonly format: LogFormat;
  protected readonly wakeups = new Subject<void>();
  #start: Record<string, TopicStart> | undefined;
  #resolving: Promise<Record<string, TopicStart>> | undefined;

  constructor(format: LogFormat, options: Readonly<Record<string, string>>) {
    this.format = format;
    this.options = parseLogSourceOptions(format, options);
  }

  /** The end and earliest offsets of every partition of `topic`, asked of the server. */
  protected abstract partitionEnds(topic: string): Promise<PartitionEnds>;
  /**
   * Records of one partition with offsets in [from, until), ascending. They may start above
   * `from` (older records no longer retained) or stop short of `until` (the server lost them);
   * the caller reports both as data loss.
   */
  protected abstract readRange(topic: string, partition: number, from: number, until: number): Promise<LogRecord[]>;
  /** The positions the next batch reads from (a prefetch hint; optional). */
  protected positionsHint(_topic: string, _from: readonly number[], _ends: readonly number[]): void {}
  protected abstract closeTransport(): Promise<void>;

  abstract get description(): string;

  get dataAvailable$(): Observable<void> {
    return this.wakeups.asObservable();
  }

  get defaultReadLimit(): ReadLimit | undefined {
    const m = this.options.maxOffsetsPerTrigger;
    return m === undefined ? undefined : { kind: 'maxRows', maxRows: m };
  }

  /** Fixes the starting offsets once per checkpoint ('latest' and -1 are resolved here). */
  async initialize(stored: Offset | undefined): Promise<Offset> {
    if (stored !== undefined) {
      this.#start = this.#parseMetadata(stored);
    } else {
      this.#start = await this.#resolveStart();
    }
    return { startingOffsets: this.#start } satisfies LogSourceMetadata as unknown as Offset;
  }

  async initialOffset(): Promise<Offset | null> {
    const out: LogOffsets = {};
    await Promise.all(
      this.options.topics.map(async (topic) => {
        const { earliest } = await this.partitionEnds(topic);
        const start = await this.#topicStart(topic);
        out[topic] = Object.fromEntries(earliest.map((e, p) => [String(p), startPosition(start, p, e)]));
      }),
    );
    return sortOffsets(out);
  }

  async latestOffset(start: Offset | null, limit: ReadLimit): Promise<Offset | null> {
    const from = start === null ? undefined : parseLogOffsets(start, this.description);
    const ranges: { topic: string; partition: number; from: number; until: number }[] = [];
    let moved = false;
    const perTopic = await Promise.all(this.options.topics.map(async (topic) => ({ topic, info: await this.partitionEnds(topic), start: await this.#topicStart(topic) })));
    for (const { topic, info, start: topicStart } of perTopic) {
      const froms: number[] = [];
      info.ends.forEach((end, p) => {
        const f = from?.[topic]?.[String(p)] ?? startPosition(topicStart, p, info.earliest[p] ?? 0);
        if (end < f) {
          this.#dataLoss(topic, p, `the partition now ends at offset ${end}, before offset ${f} where this query continues (was the server's log reset?)`);
          moved = true;
        }
        froms.push(f);
        ranges.push({ topic, partition: p, from: f, until: end });
      });
      this.positionsHint(topic, froms, info.ends);
    }
    const ends = limit.kind === 'maxRows' ? rateLimit(limit.maxRows, ranges) : ranges.map((r) => r.until);
    if (from === undefined && !moved && ranges.every((r, i) => ends[i] === r.from)) return null;
    const out: LogOffsets = {};
    ranges.forEach((r, i) => {
      (out[r.topic] ??= {})[String(r.partition)] = ends[i]!;
    });
    return sortOffsets(out);
  }

  async getBatch(start: Offset | null, end: Offset): Promise<Row[]> {
    const from = start === null ? undefined : parseLogOffsets(start, this.description);
    const until = parseLogOffsets(end, this.description);
    const rows: Row[] = [];
    for (const topic of Object.keys(until).sort()) {
      const parts = Object.keys(until[topic]!)
        .map(Number)
        .sort((a, b) => a - b);
      let earliest: readonly number[] | undefined;
      const topicStart = await this.#topicStart(topic);
      for (const p of parts) {
        let f = from?.[topic]?.[String(p)];
        if (f === undefined) {
          earliest ??= (await this.partitionEnds(topic)).earliest;
          f = startPosition(topicStart, p, earliest[p] ?? 0);
        }
        const u = until[topic]![String(p)]!;
        if (u < f) {
          this.#dataLoss(topic, p, `the batch ends at offset ${u}, before its start ${f}`);
          continue;
        }
        if (u === f) continue;
        const records = await this.readRange(topic, p, f, u);
        let expected = f;
        for (const r of records) {
          if (r.offset < expected || r.offset >= u) {
            throw new RivuletError('SOURCE_PROTOCOL_ERROR', `${this.description} received offset ${r.offset} of ${topic}/${p} while reading offsets ${expected}..${u - 1} in order.`, {
              parameters: { url: this.options.url },
            });
          }
          if (r.offset > expected) this.#dataLoss(topic, p, `offsets ${expected}..${r.offset - 1} are no longer available`);
          rows.push([r.key, r.value, topic, p, r.offset, Math.round(r.timestamp * 1000)]);
          expected = r.offset + 1;
        }
        if (expected < u) this.#dataLoss(topic, p, `offsets ${expected}..${u - 1} are no longer available`);
      }
    }
    return rows;
  }

  async commit(_end: Offset): Promise<void> {}

  async stop(): Promise<void> {
    await this.closeTransport();
  }

  #dataLoss(topic: string, partition: number, detail: string): void {
    const message = `Some data may have been lost from ${topic}/${partition} (${this.description}): ${detail}.`;
    if (this.options.failOnDataLoss) {
      throw new RivuletError('SOURCE_DATA_LOSS', `${message} If you want the query to skip lost data and continue, set the source option 'failOnDataLoss' to 'false'.`, {
        parameters: { topic, partition: String(partition), url: this.options.url },
      });
    }
    console.warn(`rivulet: ${message} Skipping it because failOnDataLoss is false.`);
  }

  async #topicStart(topic: string): Promise<TopicStart> {
    if (this.#start === undefined) {
      // Used outside a query (no initialize call): resolved once, at the first request.
      this.#resolving ??= this.#resolveStart();
      this.#start = await this.#resolving;
    }
    return this.#start[topic] ?? 'earliest';
  }

  async #resolveStart(): Promise<Record<string, TopicStart>> {
    const spec = this.options.startingOffsets;
    const out: Record<string, TopicStart> = {};
    for (const topic of this.options.topics) {
      if (spec === 'earliest') {
        out[topic] = 'earliest';
        continue;
      }
      const { ends } = await this.partitionEnds(topic);
      if (spec === 'latest') {
        out[topic] = Object.fromEntries(ends.map((e, p) => [String(p), e]));
        continue;
      }
      const given = spec[topic]!;
      const missing = ends.map((_, p) => String(p)).filter((p) => given[p] === undefined);
      const extra = Object.keys(given).filter((p) => Number(p) >= ends.length);
      if (missing.length > 0 || extra.length > 0) {
        throw new RivuletError(
          'INVALID_SOURCE_OPTION',
          `startingOffsets must give an offset for every partition of '${topic}', which has ${ends.length} (0..${ends.length - 1})` +
            `${missing.length > 0 ? `; missing ${missing.join(', ')}` : ''}${extra.length > 0 ? `; no such partition ${extra.join(', ')}` : ''} (option 'startingOffsets' of the ${this.format} source)`,
          { parameters: { option: 'startingOffsets' } },
        );
      }
      out[topic] = Object.fromEntries(Object.entries(given).map(([p, o]) => [p, o === LATEST ? ends[Number(p)]! : o]));
    }
    return out;
  }

  #parseMetadata(stored: Offset): Record<string, TopicStart> {
    const s = (stored as { startingOffsets?: unknown } | null)?.startingOffsets;
    const ok =
      typeof s === 'object' &&
      s !== null &&
      Object.values(s).every(
        (v) => v === 'earliest' || (typeof v === 'object' && v !== null && Object.values(v as object).every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= EARLIEST)),
      );
    if (!ok) {
      throw new RivuletError('CHECKPOINT_CORRUPT', `The ${this.format} source's metadata entry ${JSON.stringify(stored)} has no valid startingOffsets.`);
    }
    return s as Record<string, TopicStart>;
  }
}

/** Where a partition starts reading on a fresh checkpoint. */
function startPosition(start: TopicStart, partition: number, earliest: number): number {
  if (start === 'earliest') return earliest;
  const o = start[String(partition)];
  // A partition the checkpoint does not know (added later) starts at its beginning, as in Spark.
  if (o === undefined || o === EARLIEST) return earliest;
  return o;
}

/** Topics in name order; partitions (integer-like keys) are ordered numerically by JS itself. */
function sortOffsets(o: LogOffsets): LogOffsets {
  const out: LogOffsets = {};
  for (const t of Object.keys(o).sort()) out[t] = { ...o[t] };
  return out;
}

/** Resolves after `ms` (a referenced timer: a query retrying keeps its Node process alive). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `attempt` until it succeeds, a non-retryable error, or `timeoutMs` of retrying (backing
 * off from 100 ms to 2 s): a server restart the query lives through, an outage it does not.
 */
export async function retrying<T>(timeoutMs: number, attempt: () => Promise<T>, retryable: (e: unknown) => boolean, stopped: () => boolean = () => false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!retryable(e) || stopped() || Date.now() >= deadline) throw e;
      await sleep(Math.min(100 * 2 ** i, 2000, Math.max(1, deadline - Date.now())));
    }
  }
}

/** An error's message with its cause's (fetch hides ECONNREFUSED in the cause). */
export function errorDetail(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return e.cause instanceof Error && e.cause.message !== e.message ? `${e.message} (${e.cause.message})` : e.message;
}

/** Joins a base URL and a path (`/topics/...`), keeping any path prefix of the base. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
