/**
 * The seed pipeline (BENCHMARKS.md workload 1, what `npm start` runs), written once and used by
 * the demo page and by test/node/demo.test.ts, which runs it again in Node as the reference.
 *
 * The code between the `#region pipeline` markers is shown on the page as it is.
 */
import { F, T, type DataFrame, type DataStreamReader } from '../src/index.js';

/** Event time runs this many times faster than the wall clock, so 5-minute windows close every 3 s. */
export const EVENT_TIME_SPEEDUP = 100;
/** Share of events whose event time lags 1–15 minutes (the generator's default is 3 %). */
export const LATE_RATIO = 0.1;

export interface SeedFeedOptions {
  /** Events per second (of wall-clock time). */
  readonly rate: number;
  /** At most this many events per micro-batch (undefined: everything available). */
  readonly maxPerTrigger?: number | undefined;
  /** Events already waiting when a fresh query starts. */
  readonly backlog?: number | undefined;
}

/** The in-process generator of seeded JSON events: event n is the same on every run. */
export function seedEvents(readStream: DataStreamReader, o: SeedFeedOptions): DataFrame {
  let reader = readStream
    .format('seed-events')
    .option('seed', 42)
    .option('eventsPerSecond', o.rate)
    .option('eventTimeRate', o.rate / EVENT_TIME_SPEEDUP)
    .option('lateRatio', LATE_RATIO);
  if (o.backlog) reader = reader.option('backlog', o.backlog);
  if (o.maxPerTrigger) reader = reader.option('maxOffsetsPerTrigger', o.maxPerTrigger);
  return reader.load();
}

/** The topic `events` of a log server (`npm start -- --port 7070` runs one and feeds it). */
export function logTopic(readStream: DataStreamReader, url: string, maxPerTrigger: number = 10_000): DataFrame {
  return readStream
    .format('websocket')
    .option('url', url)
    .option('subscribe', 'events')
    .option('startingOffsets', 'earliest')
    .option('maxOffsetsPerTrigger', maxPerTrigger)
    .option('timeoutMs', 5000) // fail soon (SOURCE_UNREACHABLE) when no server is there
    .load();
}

// #region pipeline
// Both feeds have Kafka's columns: key, value, topic, partition, offset, timestamp.
// `value` holds one JSON event; a few are malformed, incomplete or late.
export const eventSchema = T.fromDDL(
  'event_id STRING, user_id STRING, event_type STRING, amount DOUBLE, event_time TIMESTAMP',
);

export function windowedEvents(raw: DataFrame): DataFrame {
  return raw
    .select(F.fromJson(F.col('value'), eventSchema).alias('e')) // malformed JSON → null
    .select('e.*')
    .where(
      F.col('event_id').isNotNull()
        .and(F.col('event_time').isNotNull())
        .and(F.col('amount').isNotNull()),
    )
    .withWatermark('event_time', '10 minutes')
    .groupBy(F.window('event_time', '5 minutes'), F.col('event_type'))
    .agg(
      F.count('*').alias('events'),
      F.sum('amount').alias('amount'),
      F.avg('amount').alias('avg_amount'),
      F.countDistinct('user_id').alias('users'),
    );
}

// Started in main.ts as:
//   windowedEvents(raw).writeStream
//     .outputMode('update')
//     .option('checkpointLocation', 'idb://rivulet-demo/seed')
//     .trigger({ processingTime: '1 second' })
//     .toTable('windows', { worker: true });
// #endregion pipeline
