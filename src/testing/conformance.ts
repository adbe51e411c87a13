/**
 * Conformance checks for the Source and Sink contracts (src/sources/source.ts,
 * src/sinks/sink.ts). They are plain async functions that throw on a violation, so any test
 * runner (or a user writing their own source) can call them.
 */
import type { Session } from '../api/session.js';
import type { Row } from '../expr/registry.js';
import type { Sink } from '../sinks/sink.js';
import { READ_ALL, offsetEquals, type Offset, type Source } from '../sources/source.js';
import { canonicalKey } from '../util/value-equality.js';

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(`contract violation: ${msg}`);
}

const key = (rows: readonly Row[]): string => rows.map((r) => canonicalKey(r)).join('\n');
/** Rows as a multiset: a batch's row order is not part of the contract (partitions interleave). */
const bag = (rows: readonly Row[]): string => rows.map((r) => canonicalKey(r)).sort().join('\n');

/**
 * Checks a source that currently has data available: offsets are JSON values, reading is
 * replayable (same range → same rows, in the same order), split ranges together hold the
 * whole range's rows (compared as multisets: sources with several partitions may order a
 * batch's rows differently from two smaller batches'), and a commit does not change what later
 * ranges return.
 */
export async function checkSourceContract(source: Source, opts: { readonly expectRows?: number; readonly metadata?: Offset } = {}): Promise<void> {
  if (source.initialize) {
    const meta = await source.initialize(opts.metadata);
    check(offsetEquals(JSON.parse(JSON.stringify(meta)) as Offset, meta), 'initialize returns JSON-serialisable metadata');
  }
  const start = await source.initialOffset();
  check(offsetEquals(JSON.parse(JSON.stringify(start)) as Offset | null, start), 'initialOffset is JSON-serialisable');
  const end = await source.latestOffset(start, READ_ALL);
  check(end !== null, 'latestOffset returns an offset when data is available');
  check(offsetEquals(JSON.parse(JSON.stringify(end)) as Offset, end), 'latestOffset is JSON-serialisable');
  const all = await source.getBatch(start, end!);
  const again = await source.getBatch(start, end!);
  check(key(all) === key(again), 'getBatch(start, end) is replayable');
  if (opts.expectRows !== undefined) check(all.length === opts.expectRows, `expected ${opts.expectRows} rows, got ${all.length}`);
  for (const r of all) check(r.length === source.schema.fields.length, 'rows are positional in schema order');
  const again2 = await source.latestOffset(start, READ_ALL);
  check(offsetEquals(again2, end), 'latestOffset is stable while no new data arrives');
  if (source.defaultReadLimit?.kind === 'maxRows') {
    const limited = await source.latestOffset(start, source.defaultReadLimit);
    const part = await source.getBatch(start, limited!);
    check(part.length <= source.defaultReadLimit.maxRows, 'latestOffset respects maxRows');
    const rest = await source.getBatch(limited, end!);
    check(bag([...part, ...rest]) === bag(all), 'split ranges together hold the whole range');
  }
  await source.commit(end!);
  const after = await source.latestOffset(end, READ_ALL);
  check(after === null || offsetEquals(after, end), 'nothing new after the committed end');
}

/**
 * Checks an exactly-once sink: batches are stored in order, an empty (no-data) batch is
 * accepted, and a batch id delivered again (recovery) is not stored twice. `read` returns what
 * the sink holds, as positional rows.
 */
export async function checkSinkContract(session: Session, sink: Sink, read: () => Promise<readonly Row[]>): Promise<void> {
  const mk = (rows: unknown[][]) => session.createDataFrame(rows.map((r) => ({ a: r[0], b: r[1] })), 'a INT, b STRING');
  await sink.addBatch(0, mk([[1, 'x'], [2, 'y']]));
  await sink.addBatch(1, mk([]));
  await sink.addBatch(2, mk([[3, null]]));
  await sink.addBatch(2, mk([[3, null]]));
  await sink.addBatch(1, mk([[9, 'replayed']]));
  const got = await read();
  check(key(got) === key([[1, 'x'], [2, 'y'], [3, null]]), `stored rows are batch 0, 1, 2 exactly once, got ${JSON.stringify(got)}`);
  await sink.close?.();
}
